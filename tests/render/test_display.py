"""What a person sees: tables at any width, the entity visible in its context, logical-order
Arabic in every file and pipe, data formats carrying everything, keywords as written, empty input.

Rendering is checked twice: with CliRunner (COLUMNS sets the width) and in a real
pseudo-terminal whose window size is set, as a user's terminal would be.
"""
from __future__ import annotations

import csv
import io
import functools
import json
import os
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner
from rich.cells import cell_len

from arnews.cli import main
from arnews.render.records import DATA_ROWS

from ..helpers import REPO, SEED, read_pty

WIDTHS = (50, 60, 70, 80, 120, 160)
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")


def run(*args, env=None):
    return CliRunner().invoke(main, list(args), env={"TMUX": None, "ARNEWS_BIDI": None, **(env or {})})


@functools.lru_cache(maxsize=None)
def seed_groups() -> int:
    """How many entity groups the seed has (the library's own Document, default backends): every
    data format must carry all of them, whatever --top says."""
    from arnews import analyze_text

    n = len(analyze_text(SEED.read_text(encoding="utf-8")).entity_groups)
    assert n >= 16  # issue 5's sixteen seed entities at least
    return n


@pytest.fixture(scope="module")
def seed_data():
    """The seed analysed once, as JSON (every entity group and DATA_ROWS keywords)."""
    res = run("analyze", str(SEED), "--format", "json")
    assert res.exit_code == 0, res.stderr
    return json.loads(res.stdout)["documents"][0]


def _assert_complete(out: str, doc: dict, width: int) -> None:
    """Every entity name, type and count, and every keyword with its count and score, in full."""
    lines = out.splitlines()
    assert max(cell_len(line.rstrip()) for line in lines) <= width, "a line is wider than the terminal"
    for g in doc["entities"]:
        pattern = re.compile(rf"(^|\s){re.escape(g['entity'])}\s+{g['label'].lower()}\s+{g['count']}(\s|$)")
        assert any(pattern.search(line) for line in lines), (width, g["entity"], out)
    for k in doc["keywords"][:20]:
        pattern = re.compile(rf"(^|\s){re.escape(k['keyword'])}\s.*\s{k['count']}\s+{k['score']:.2f}$")
        assert any(pattern.search(line.rstrip()) for line in lines), (width, k["keyword"], out)


@pytest.mark.parametrize("width", WIDTHS)
def test_table_at_every_width_shows_every_entity_and_keyword_whole(seed_data, width):
    res = run("analyze", str(SEED), "--top", "20", env={"COLUMNS": str(width)})
    assert res.exit_code == 0, res.stderr
    assert len(seed_data["entities"]) == seed_groups()
    _assert_complete(res.stdout, seed_data, width)


def _pty_run(args: list[str], width: int, env_extra: dict | None = None, timeout: float = 120) -> str:
    """Run arnews with its standard output on a pseudo-terminal `width` columns wide."""
    import fcntl
    import pty
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, width, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "TMUX", "ARNEWS_BIDI", "NO_COLOR")}
    env.update(TERM="xterm-256color", PYTHONPATH=str(REPO), **(env_extra or {}))
    proc = subprocess.Popen([sys.executable, "-m", "arnews", *args], stdout=slave, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, env=env, cwd=REPO)
    os.close(slave)
    try:
        out = read_pty(master, proc, timeout)
        assert proc.wait(timeout=30) == 0, proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stderr.close()
        os.close(master)
    return ANSI.sub("", out.decode("utf-8")).replace("\r\n", "\n")


@pytest.mark.parametrize("width", WIDTHS)
def test_pseudo_terminal_at_every_width_shows_every_entity_and_keyword_whole(seed_data, width):
    out = _pty_run(["analyze", str(SEED), "--top", "20"], width)
    _assert_complete(out, seed_data, width)


def test_pseudo_terminal_inside_tmux_reorders_for_the_screen_only():
    """In tmux (a logical-order terminal) the screen gets visual order; see the file/pipe tests below."""
    out = _pty_run(["entities", str(SEED)], 100, {"TMUX": "/tmp/tmux-0/default,1,0"})
    assert "ايسور" in out and "روسيا" not in out  # روسيا in visual order


# --------------------------------------------------------------------- logical order in files and pipes


def _headline_words() -> list[str]:
    return SEED.read_text(encoding="utf-8").splitlines()[0].split()


def test_output_file_in_tmux_holds_logical_order(tmp_path):
    out = tmp_path / "f.txt"
    res = run("analyze", str(SEED), "-o", str(out), env={"TMUX": "/tmp/tmux-0/default,1,0", "TERM": "screen"})
    assert res.exit_code == 0, res.stderr
    text = out.read_text(encoding="utf-8")
    headline = next(line for line in text.splitlines() if "text " in line)
    assert headline.split("text", 1)[1].strip(" │").split() == _headline_words()
    assert "كوريا الشمالية" in text and "ةيلامشلا" not in text
    # --bidi on forces visual order even into a file.
    res = run("analyze", str(SEED), "-o", str(out), "--bidi", "on", env={"TMUX": "/tmp/tmux-0/default,1,0"})
    assert "ةيلامشلا ايروك" in out.read_text(encoding="utf-8")


def test_pipe_in_tmux_holds_logical_order():
    env = {k: v for k, v in os.environ.items() if k not in ("ARNEWS_BIDI",)}
    env.update(TMUX="/tmp/tmux-0/default,1,0", TERM="screen-256color", PYTHONPATH=str(REPO), COLUMNS="120")
    proc = subprocess.run([sys.executable, "-m", "arnews", "analyze", str(SEED)], capture_output=True, text=True,
                          env=env, cwd=REPO, timeout=300)
    assert proc.returncode == 0, proc.stderr
    headline = next(line for line in proc.stdout.splitlines() if "text " in line)
    assert headline.split("text", 1)[1].strip(" │").split() == _headline_words()
    assert "كوريا الشمالية" in proc.stdout and "ايسور" not in proc.stdout


# --------------------------------------------------------------------------------- context column


@pytest.mark.parametrize("width", (60, 80, 120))
def test_each_context_cell_contains_its_entity(seed_data, width):
    res = run("entities", str(SEED), env={"COLUMNS": str(width)})
    assert res.exit_code == 0, res.stderr
    assert "context" in res.stdout
    lines = res.stdout.splitlines()
    for g in seed_data["entities"]:
        row = next(line for line in lines if re.search(rf"{re.escape(g['entity'])}\s+{g['label'].lower()}\s", line))
        context = re.split(rf"\s{g['label'].lower()}\s+{g['count']}\s", row, maxsplit=1)[1]
        assert g["entity"] in context, (width, g["entity"], row)


def test_context_keeps_the_mention_whole_and_bold():
    from rich.console import Console

    from arnews.pipeline import Pipeline
    from arnews.render.table import TableRenderer, clear_mention, mention_context

    doc = Pipeline().run_text(SEED.read_text(encoding="utf-8"), "seed.txt")
    for g in doc.entity_groups:
        m = clear_mention(g)
        assert m.text == g.canonical  # جو بايدن, not its first mention بايدن
        for width in (len(m.text), 20, 40, 200):
            ctx = mention_context(doc, m, width)
            assert m.text in ctx.text and len(ctx.text) <= max(width, len(m.text))
    table = TableRenderer(Console(width=90, file=io.StringIO()), top=50).entities(doc)
    context_cells = table.columns[-1]._cells
    for g, cell in zip(doc.entity_groups, context_cells):
        bold = [cell.plain[s.start:s.end] for s in cell.spans if "bold" in str(s.style)]
        assert bold == [g.canonical], (g.canonical, cell.plain)


# ------------------------------------------------------------------------------- widths and header


def test_header_text_wraps_instead_of_being_cut(tmp_path):
    words = [f"كلمة{i}" for i in range(40)]
    p = tmp_path / "long.txt"
    p.write_text(" ".join(words) + "\nقال الرئيس إن القوات وصلت.\n", encoding="utf-8")
    res = run("analyze", str(p), env={"COLUMNS": "60"})
    assert res.exit_code == 0, res.stderr
    header = res.stdout.split("╰")[0]
    shown = [w for line in header.splitlines() for w in line.strip("│ ").split()]
    assert all(w in shown for w in words), header
    assert max(cell_len(line) for line in res.stdout.splitlines()) <= 60


def test_wide_terminal_shows_whole_glosses(seed_data):
    data = json.loads(run("keywords", str(SEED), "--format", "json").stdout)["documents"][0]
    glosses = [k["gloss"] for k in data["keywords"][:10] if k["gloss"]]
    assert max(map(len, glosses)) >= 20  # (a long one is among them: "spreading of armed forces")
    res = run("keywords", str(SEED), env={"COLUMNS": "120"})
    assert all(g in res.stdout for g in glosses) and "…" not in res.stdout.split("Keywords")[1]
    # Narrow: gloss then lemma columns go, the keyword and its count stay.
    res = run("keywords", str(SEED), env={"COLUMNS": "50"})
    head = next(line for line in res.stdout.splitlines() if "keyword" in line and "score" in line)
    assert "gloss" not in head and "lemma" not in head


# ----------------------------------------------------------------------------------- data formats


def test_json_has_every_entity_and_a_fixed_number_of_keywords_whatever_top(seed_data):
    assert len(seed_data["entities"]) == seed_groups() and len(seed_data["keywords"]) == DATA_ROWS
    res = run("analyze", str(SEED), "--format", "json", "--top", "3")
    doc = json.loads(res.stdout)["documents"][0]
    assert len(doc["entities"]) == seed_groups() and len(doc["keywords"]) == DATA_ROWS
    assert len(doc["top_words"]) == DATA_ROWS
    res = run("analyze", str(SEED), "--format", "jsonl", "--top", "30")
    assert len(json.loads(res.stdout)["keywords"]) >= 25  # --top larger than DATA_ROWS: N of them


def test_keyword_json_has_written_form_and_lemma(seed_data):
    by_lemma = {k["lemma"]: k for k in seed_data["keywords"]}
    phrase = by_lemma["رئيس روسي"]
    assert phrase["keyword"] == phrase["surface"] == "الرئيس الروسي"
    assert by_lemma["قوة"]["keyword"] == "القوات"


@pytest.mark.parametrize("fmt, delim", [("csv", ","), ("tsv", "\t")])
def test_rows_carry_every_entity_and_written_words(fmt, delim):
    res = run("analyze", str(SEED), "--format", fmt, "--top", "3")
    rows = list(csv.DictReader(io.StringIO(res.stdout), delimiter=delim))
    assert sum(r["section"] == "entity" for r in rows) == seed_groups()
    assert sum(r["section"] == "keyword" for r in rows) == DATA_ROWS
    words = [r["text"] for r in rows if r["section"] == "word"]
    assert "الشمالية" in words and "الشماليه" not in words  # as written, not the normalised key
    text = SEED.read_text(encoding="utf-8")
    assert all(w in text for w in words)
    kw = [r for r in rows if r["section"] == "keyword"]
    assert any(r["text"] == "الرئيس الروسي" and r["lemma"] == "رئيس روسي" for r in kw)


def test_html_has_every_entity(tmp_path):
    out = tmp_path / "r.html"
    res = run("analyze", str(SEED), "--format", "html", "--top", "3", "-o", str(out))
    assert res.exit_code == 0, res.stderr
    page = out.read_text(encoding="utf-8")
    entity_table = page.split("(entities)")[1].split("</table>")[0]
    assert entity_table.count("<tr>") == 1 + seed_groups()  # header + every group


def test_top_help_says_what_it_does_per_format():
    res = run("analyze", "--help", env={"COLUMNS": "200"})
    text = " ".join(res.stdout.split())
    assert "Rows per table" in text and "always carry every entity" in text and "html" in text


# ----------------------------------------------------------------------------------------- empty input


@pytest.mark.parametrize("command, sections", [
    ("analyze", ("Entities", "no entities found", "Keywords", "no keywords found")),
    ("entities", ("Entities", "no entities found")),
    ("keywords", ("Keywords", "no keywords found")),
])
def test_empty_input_prints_every_section_saying_none(tmp_path, command, sections):
    p = tmp_path / "empty.txt"
    p.write_text("", encoding="utf-8")
    res = run(command, str(p))
    assert res.exit_code == 0, res.stderr
    for s in sections:
        assert s in res.stdout, res.stdout


def test_empty_input_html_says_none_found(tmp_path):
    p = tmp_path / "empty.txt"
    p.write_text("", encoding="utf-8")
    out = tmp_path / "r.html"
    res = run("analyze", str(p), "--format", "html", "-o", str(out))
    assert res.exit_code == 0, res.stderr
    page = out.read_text(encoding="utf-8")
    assert "no entities found" in page and "no keywords found" in page


# ------------------------------------------------------------------------------------ HTML controls


def test_html_shows_controls_and_bidi_overrides_as_visible_escapes(tmp_path):
    p = tmp_path / "evil.txt"
    p.write_text("قال \x1b[31mالرئيس\x07 إن \u202eالقوات وصلت \u2066موسكو.\n", encoding="utf-8")
    out = tmp_path / "r.html"
    res = run("analyze", str(p), "--format", "html", "-o", str(out))
    assert res.exit_code == 0, res.stderr
    page = out.read_text(encoding="utf-8")
    for raw in ("\x1b", "\x07", "\u202e", "\u2066"):
        assert raw not in page
    assert "\\x1b" in page and "\\x07" in page and "\\u202e" in page and "\\u2066" in page


# ------------------------------------------------------------------------------------- data status


def _ner_meta() -> dict:
    from arnews.entities import crf

    return json.loads(crf.META.read_text(encoding="utf-8"))


@pytest.mark.parametrize("width", (50, 80, 120))
def test_data_status_table_has_headers_whole_paths_and_the_models_figure(width):
    from arnews.datastatus import collect_status

    res = run("data", "status", env={"COLUMNS": str(width)})
    assert res.exit_code == 0, res.stderr
    lines = res.stdout.splitlines()
    head = ["backend", "state", "version", "accuracy"] if width >= 80 else ["backend", "state", "accuracy"]
    assert any(line.split() == head for line in lines), res.stdout
    figure = f"F1 {_ner_meta()['product_dev_f1']:.4f}"
    assert any(line.startswith(" ner crf") and figure in line for line in lines), res.stdout
    for row in collect_status():
        if row["path"]:  # each path whole on one line of its own
            assert any(line.split() == ["path", row["path"]] or line.strip() == f"path     {row['path']}"
                       for line in lines), (row["path"], res.stdout)


def test_the_models_product_figure_is_the_one_readme_quotes():
    meta = _ner_meta()
    assert meta["product_dev_f1"] >= meta["dev_f1"]  # the consistency step is part of the product
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert f"ner_f1={meta['product_dev_f1']:.4f}" in readme
    res = run("data", "status", "--format", "json")
    crf_row = next(r for r in json.loads(res.stdout) if r["name"] == "crf")
    assert crf_row["accuracy"] == f"F1 {meta['product_dev_f1']:.4f}"
