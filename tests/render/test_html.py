"""The self-contained HTML report: structure, escaping, batch page, and (when installed) Chromium."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser

import pytest
from click.testing import CliRunner

from arnews.cli import main
from arnews.pipeline import Pipeline, Settings
from arnews.render.html import render_report

from ..helpers import REPO, SEED

SEED_TEXT = SEED.read_text(encoding="utf-8")
EVIL = ("عنوان الخبر <script>alert('x')</script> و[bold]عريض[/bold] &amp; \"اقتباس\"\n\n"
        "وصلت القوات الكورية الشمالية إلى كورسك في روسيا، وقال الرئيس فلاديمير بوتين إن التعاون مستمر.\n"
        "<img src=x onerror=alert(1)> نص آخر عن القوات.")


class Page(HTMLParser):
    """Collects tags, attributes and the text inside the article block."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.article: list[str] = []
        self._depth = 0  # >0 while inside <div class="text">

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if self._depth:
            self._depth += 1
        elif tag == "div" and a.get("class") == "text":
            self._depth = 1

    def handle_endtag(self, tag):
        if self._depth:
            self._depth -= 1

    def handle_data(self, data):
        if self._depth:
            self.article.append(data)


def parse(page: str) -> Page:
    p = Page()
    p.feed(page)
    return p


@pytest.fixture(scope="module")
def pipe():
    return Pipeline(Settings(top=10))


def test_single_report_structure(pipe):
    doc = pipe.run_text(SEED_TEXT, "seed.txt")
    page = render_report([doc], top=10)
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="ar" dir="rtl">' in page
    p = parse(page)
    # The article text survives exactly (tooltips and marks are only wrappers).
    assert "".join(p.article) == SEED_TEXT
    # Self-contained: no scripts, no external stylesheets, images or fonts.
    assert not [t for t, _ in p.tags if t in ("script", "link", "img", "iframe")]
    assert not re.search(r"(src|href)=\"(?!#)", page) and "url(" not in page and "@import" not in page
    # Entities highlighted by type with a legend of all types.
    labels = {a.get("class") for t, a in p.tags if t == "mark"}
    assert {"ent PERSON", "ent LOCATION"} <= labels
    legend = re.search(r'<div class="legend".*?</div>', page).group(0)
    for label in ("PERSON", "LOCATION", "ORGANIZATION", "MISC"):
        assert f'class="{label}"' in legend
    # Word tooltips with lemma and gloss.
    tips = [a["data-tip"] for t, a in p.tags if t == "span" and "data-tip" in a]
    assert any("lemma:" in tip and "gloss:" in tip for tip in tips)
    # The keyword list with score bars, best one full width.
    bars = re.findall(r'<div class="bar"><span style="width:(\d+)%"></span></div>', page)
    assert len(bars) == 10 and bars[0] == "100"
    assert "المساعدة العسكرية" in page


def test_input_text_is_escaped_everywhere(pipe):
    doc = pipe.run_text(EVIL, "<script>name.txt</script>")
    page = render_report([doc, pipe.run_text("[bold]x[/bold] <b>y</b>", "b.txt")], top=10)
    p = parse(page)
    assert not [t for t, _ in p.tags if t in ("script", "img", "b")]
    assert "<script>" not in page and "<img" not in page
    assert "&lt;script&gt;name.txt&lt;/script&gt;" in page
    texts = [t for t in p.article]
    joined = "".join(texts)
    assert EVIL in joined and "[bold]x[/bold] <b>y</b>" in joined
    assert "[bold]عريض[/bold]" in joined


def test_batch_report_links_every_document(pipe):
    docs = [pipe.run_text(SEED_TEXT, "one.txt"), pipe.run_text(EVIL, "two.txt")]
    page = render_report(docs, top=5, summary={"top_keywords": [{"keyword": "القوات", "lemma": "قوة", "score": 2.0,
                                                                  "documents": 2}], "top_entities": []})
    p = parse(page)
    links = [a["href"] for t, a in p.tags if t == "a"]
    ids = {a["id"] for t, a in p.tags if "id" in a}
    assert {"#doc-1", "#doc-2"} <= set(links)
    assert {"corpus", "doc-1", "doc-2"} <= ids
    assert all(href[1:] in ids for href in links)


def test_cli_analyze_html_single_and_batch(tmp_path):
    out = tmp_path / "report.html"
    res = CliRunner().invoke(main, ["analyze", str(SEED), "--format", "html", "-o", str(out)])
    assert res.exit_code == 0, res.stderr
    page = out.read_text(encoding="utf-8")
    assert 'dir="rtl"' in page and "".join(parse(page).article) == SEED_TEXT
    evil = tmp_path / "evil.txt"
    evil.write_text(EVIL, encoding="utf-8")
    out2 = tmp_path / "batch.html"
    res = CliRunner().invoke(main, ["analyze", str(SEED), str(evil), "--format", "html", "-o", str(out2), "-j", "1"])
    assert res.exit_code == 0, res.stderr
    page = out2.read_text(encoding="utf-8")
    assert 'id="corpus"' in page and 'href="#doc-2"' in page
    assert "<script>" not in page and EVIL in "".join(parse(page).article)


@pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's chromium is not installed")
def test_chromium_renders_the_report(tmp_path):
    png = tmp_path / "report.png"
    res = subprocess.run([sys.executable, str(REPO / "benchmarks" / "screenshot_report.py"), str(SEED), "-o", str(png),
                          "--size", "1000,1200"], capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
