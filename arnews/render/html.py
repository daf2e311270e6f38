"""A self-contained HTML report: one file, inline CSS, no scripts, no external assets.

Each document shows a header (source, encoding, counts, backends), the article text in
right-to-left layout with entities highlighted by type (colour legend) and keywords
underlined, a tooltip on every word with its lemma, part of speech and English gloss
(pure CSS, from a ``data-tip`` attribute), the entity table and the keyword list with
score bars. With several documents a corpus page comes first, linking each document
(anchors inside the one file).

All document text goes through :func:`_e`: ``<script>`` or ``[bold]`` in an article is shown
literally, never interpreted, and control characters (ESC, BEL) and bidi overrides/isolates are
shown as visible escapes as in the terminal tables (a raw U+202E would reverse the rest of its
paragraph).
"""
from __future__ import annotations

import bisect
import html
from typing import Any, Iterable

from ..document import Document
from .text import escape_controls

LABELS = {
    "PERSON": ("person", "شخص"),
    "LOCATION": ("location", "مكان"),
    "ORGANIZATION": ("organization", "منظمة"),
    "MISC": ("misc", "أخرى"),
}

CSS = """
:root{--bg:#fbfaf7;--fg:#1d1d1f;--muted:#6b6b70;--line:#e3e0d8;--card:#fff;
--PERSON:#fde2b3;--LOCATION:#c9e7d3;--ORGANIZATION:#cfe0fb;--MISC:#ead7f5;--kw:#b5403a;--bar:#3b7dd8}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.7 "Noto Naskh Arabic","Amiri","Noto Sans Arabic",
"DejaVu Sans","Segoe UI",Tahoma,sans-serif}
main{max-width:1100px;margin:0 auto;padding:24px}
h1{font-size:1.5rem;margin:.2em 0 .6em}h2{font-size:1.2rem;margin:1.2em 0 .5em}
section.doc,section.corpus{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:18px 22px;
margin:0 0 28px}
.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;font-size:.9rem;color:var(--muted)}
.meta dt{font-weight:bold;color:var(--fg)}.meta dd{margin:0}
.ltr{direction:ltr;unicode-bidi:isolate}
.error{color:#a00;font-weight:bold}
.legend{display:flex;flex-wrap:wrap;gap:8px;margin:10px 0;font-size:.85rem}
.legend span{padding:1px 8px;border-radius:4px}
.cols{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:22px;align-items:start}
.tw{overflow-x:auto}
@media (max-width:800px){.cols{grid-template-columns:1fr}}
.text{white-space:pre-wrap;font-size:1.05rem;line-height:2.1;border-inline-start:3px solid var(--line);
padding-inline-start:14px}
mark.ent{padding:1px 2px;border-radius:3px;color:inherit}
.PERSON{background:var(--PERSON)}.LOCATION{background:var(--LOCATION)}.ORGANIZATION{background:var(--ORGANIZATION)}
.MISC{background:var(--MISC)}
.kw{text-decoration:underline 2px var(--kw);text-underline-offset:5px}
.legend .kwl{border-bottom:2px solid var(--kw);border-radius:0}
.w{position:relative}
.w:hover{outline:1px dotted var(--muted);cursor:help}
.w[data-tip]:hover::after{content:attr(data-tip);position:absolute;z-index:5;top:100%;right:0;white-space:pre;
direction:ltr;unicode-bidi:isolate;text-align:left;background:#222;color:#fff;font:13px/1.4 "DejaVu Sans",sans-serif;
padding:4px 8px;border-radius:4px;box-shadow:0 2px 6px rgba(0,0,0,.25);pointer-events:none}
table{border-collapse:collapse;width:100%;font-size:.92rem;margin-bottom:10px}
th,td{padding:4px 6px;border-bottom:1px solid var(--line);text-align:right;vertical-align:top}
th{font-weight:bold;color:var(--muted);font-size:.8rem}
td.num{direction:ltr;text-align:left;font-variant-numeric:tabular-nums}
td.lemma{font-weight:bold;white-space:nowrap}
td.gloss{direction:ltr;text-align:left;color:var(--muted)}
.chip{padding:0 6px;border-radius:4px;font-size:.8rem;white-space:nowrap}
.bar{background:#edf2fb;border-radius:3px;height:10px;min-width:70px;direction:ltr}
td.score{direction:ltr;font-size:.8rem;color:var(--muted)}
.bar span{display:block;height:10px;border-radius:3px;background:var(--bar)}
nav.back{font-size:.85rem;margin-top:6px}
p.none{color:var(--muted)}
.ctl{font-family:"DejaVu Sans Mono",monospace;font-size:.85em;color:#a00;background:#fbeaea;border-radius:3px}
a{color:#1f5fb4}
"""


def _e(s: Any) -> str:
    """Text for an attribute: markup escaped, controls as visible escapes."""
    return html.escape(escape_controls("" if s is None else str(s)), quote=True)


def _ctl(escape: str) -> str:
    return f'<bdi class="ctl" dir="ltr">{escape}</bdi>'


def _t(s: Any) -> str:
    """Text for element content: as _e, each escape isolated left-to-right and marked, so that
    `\x1b[31m` reads as typed inside Arabic text."""
    return escape_controls(html.escape("" if s is None else str(s), quote=True), wrap=_ctl)


def _short(name: str) -> str:
    """A source's file name without its folders (the full name is in the header)."""
    return name.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1] or name


def _tip(tok) -> str:
    parts = []
    if tok.lemma:
        parts.append(f"lemma: {tok.lemma_diac or tok.lemma}")
    if tok.pos:
        parts.append(f"pos: {tok.pos}")
    if tok.gloss:
        parts.append(f"gloss: {tok.gloss}")
    return "\n".join(parts)


def _article(doc: Document, keyword_top: int) -> str:
    """The text with entity marks, keyword underlines and per-word tooltips; every piece escaped."""
    text = doc.text
    tokens = [t for t in doc.tokens if t.is_word]
    mentions = sorted(((m.start, m.end, m.label, m.canonical or "") for m in doc.entities
                       if 0 <= m.start < m.end <= len(text)), key=lambda m: (m[0], -m[1]))
    # Drop overlapping mentions (keep the earlier, then longer one).
    clean: list[tuple[int, int, str, str]] = []
    for m in mentions:
        if not clean or m[0] >= clean[-1][1]:
            clean.append(m)
    kw_spans = sorted({o for k in doc.keywords[:keyword_top] for o in k.offsets})
    kw_starts = [s for s, _ in kw_spans]

    def in_keyword(a: int) -> bool:
        i = bisect.bisect_right(kw_starts, a) - 1
        while i >= 0:
            s, e = kw_spans[i]
            if s <= a < e:
                return True
            if a - s > 200:
                break
            i -= 1
        return False

    cuts = {0, len(text)}
    for t in tokens:
        cuts.update((t.start, t.end))
    for s, e, _, _ in clean:
        cuts.update((s, e))
    cuts_sorted = sorted(c for c in cuts if 0 <= c <= len(text))
    tok_starts = [t.start for t in tokens]
    men_starts = [m[0] for m in clean]
    out: list[str] = []
    open_mention: tuple[int, int, str, str] | None = None
    for a, b in zip(cuts_sorted, cuts_sorted[1:]):
        seg = text[a:b]
        i = bisect.bisect_right(men_starts, a) - 1
        mention = clean[i] if i >= 0 and clean[i][0] <= a < clean[i][1] else None
        if mention != open_mention:
            if open_mention is not None:
                out.append("</mark>")
            if mention is not None:
                label, canonical = mention[2], mention[3]
                name = LABELS.get(label, (label.lower(), ""))[0]
                title = f"{name}: {canonical}" if canonical else name
                out.append(f'<mark class="ent {_e(label)}" title="{_e(title)}">')
            open_mention = mention
        j = bisect.bisect_right(tok_starts, a) - 1
        tok = tokens[j] if j >= 0 and tokens[j].start <= a < tokens[j].end else None
        if tok is None:
            out.append(_t(seg))
            continue
        cls = "w kw" if in_keyword(a) else "w"
        tip = _tip(tok)
        attr = f' data-tip="{_e(tip)}"' if tip else ""
        out.append(f'<span class="{cls}"{attr}>{_t(seg)}</span>')
    if open_mention is not None:
        out.append("</mark>")
    return "".join(out)


def _legend(with_entities: bool = True) -> str:
    items = [f'<span class="{k}">{_e(ar)} · <bdi>{_e(en)}</bdi></span>' for k, (en, ar) in LABELS.items()
             if with_entities]
    items.append('<span class="kwl">كلمة مفتاحية · <bdi>keyword</bdi></span>')
    return '<div class="legend" aria-label="legend">' + "".join(items) + "</div>"


def _meta(doc: Document) -> str:
    s = doc.stats
    rows = [("source", f"<bdi>{_e(doc.source.name)}</bdi>"), ("encoding", _e(doc.source.encoding))]
    if doc.ok or doc.tokens:
        rows.append(("counts", f'<span class="ltr">{s.characters:,} characters · {s.words:,} words · '
                               f"{s.sentences:,} sentences · {s.arabic_share:.0%} Arabic script</span>"))
    if doc.backends:
        rows.append(("backends", '<span class="ltr">' + " · ".join(f"{_e(k)}: {_e(v)}" for k, v in doc.backends.items())
                     + "</span>"))
    for w in doc.warnings:
        rows.append(("warning", _e(w)))
    if doc.error:
        rows.append(("error", f'<span class="error">{_e(doc.error)}</span>'))
    return '<dl class="meta ltr">' + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows) + "</dl>"


_NONE = '<p class="none">{ar} <bdi>({en})</bdi></p>'


def _entities(doc: Document) -> str:
    if not doc.entity_groups:
        if "ner" not in doc.backends:  # the command did not look for entities
            return ""
        return "<h2>الكيانات <bdi>(entities)</bdi></h2>" + _NONE.format(ar="لم يُعثر على كيانات",
                                                                       en="no entities found")
    rows = []
    for g in doc.entity_groups:  # every group: the report carries what the data formats carry
        en, ar = LABELS.get(g.label, (g.label.lower(), g.label))
        variants = "، ".join(v for v in g.variants if v != g.canonical)
        rows.append(f'<tr><td><mark class="ent {_e(g.label)}">{_t(g.canonical)}</mark></td>'
                    f'<td><span class="chip {_e(g.label)}">{_e(ar)}</span> <bdi>{_e(en)}</bdi></td>'
                    f'<td class="num">{g.count}</td><td>{_t(variants)}</td></tr>')
    return ("<h2>الكيانات <bdi>(entities)</bdi></h2><div class='tw'><table><thead><tr><th>الكيان</th><th>النوع</th><th>العدد</th>"
            "<th>صيغ أخرى</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table></div>")


def _keywords(doc: Document, top: int) -> str:
    kws = doc.keywords[:top]
    if not kws:
        if "keywords" not in doc.backends:
            return ""
        return ("<h2>الكلمات المفتاحية <bdi>(keywords)</bdi></h2>"
                + _NONE.format(ar="لم يُعثر على كلمات مفتاحية", en="no keywords found"))
    best = max((k.score for k in kws), default=1.0) or 1.0
    rows = []
    for i, k in enumerate(kws, 1):
        width = max(2, round(100 * k.score / best))
        rows.append(f'<tr><td class="num">{i}</td><td class="lemma">{_t(k.surface)}</td><td class="surf">{_t(k.lemma)}</td>'
                    f'<td class="gloss">{_e(k.gloss or "")}</td><td class="num">{k.count}</td>'
                    f'<td class="score" title="score {k.score:.3f}"><div class="bar"><span style="width:{width}%"></span></div>'
                    f"{k.score:.2f}</td></tr>")
    return ("<h2>الكلمات المفتاحية <bdi>(keywords)</bdi></h2><div class='tw'><table><thead><tr><th>#</th><th>الكلمة</th>"
            "<th>الصيغة المعجمية <bdi>(lemma)</bdi></th><th>gloss</th><th>العدد</th><th>الوزن</th></tr></thead><tbody>"
            + "".join(rows) + "</tbody></table></div>")


def document_section(doc: Document, top: int, anchor: str, back: bool = False) -> str:
    parts = [f'<section class="doc" id="{_e(anchor)}"><h1><bdi>{_e(_short(doc.source.name))}</bdi></h1>', _meta(doc)]
    if doc.tokens:
        parts.append(_legend(with_entities=bool({"ner", "entities"} & set(doc.backends)) or bool(doc.entities)))
        parts.append('<div class="cols"><div class="text" lang="ar" dir="auto">' + _article(doc, top) + "</div><div>"
                     + _entities(doc) + _keywords(doc, top) + "</div></div>")
    elif doc.ok:  # an empty input: the same sections as any document, each saying none was found
        parts.append(_entities(doc) + _keywords(doc, top))
    if back:
        parts.append('<nav class="back"><a href="#corpus">↑ corpus</a></nav>')
    parts.append("</section>")
    return "".join(parts)


def corpus_section(docs: list[Document], anchors: list[str], summary: dict[str, Any] | None, top: int) -> str:
    rows = []
    for doc, a in zip(docs, anchors):
        kws = "، ".join(k.surface for k in doc.keywords[:5])
        status = "" if doc.ok else f'<span class="error">{_e(doc.error)}</span>'
        short = _short(doc.source.name)
        rows.append(f'<tr><td><a href="#{_e(a)}" title="{_e(doc.source.name)}"><bdi>{_e(short)}</bdi></a> {status}</td>'
                    f'<td class="num">{doc.stats.words:,}</td><td class="num">{len(doc.entity_groups)}</td>'
                    f"<td>{_e(kws)}</td></tr>")
    n = (summary or {}).get("documents", len(docs))
    parts = [f'<section class="corpus" id="corpus"><h1>المدوّنة <bdi>(corpus: {_e(n)} documents)</bdi></h1>']
    if summary:
        kws = summary.get("top_keywords") or []
        if kws:
            best = max((float(k.get("score") or 0) for k in kws), default=1.0) or 1.0
            parts.append("<h2>الكلمات المفتاحية في المدوّنة <bdi>(corpus keywords)</bdi></h2><div class='tw'><table><thead><tr>"
                         "<th>الكلمة</th><th>الصيغة المعجمية <bdi>(lemma)</bdi></th><th>gloss</th><th>وثائق</th><th>الوزن</th>"
                         "</tr></thead><tbody>")
            for k in kws[:top]:
                width = max(2, round(100 * float(k.get("score") or 0) / best))
                parts.append(f'<tr><td class="lemma">{_e(k.get("keyword"))}</td><td>{_e(k.get("lemma"))}</td>'
                             f'<td class="gloss">{_e(k.get("gloss") or "")}</td>'
                             f'<td class="num">{_e(k.get("documents", ""))}</td>'
                             f'<td><div class="bar"><span style="width:{width}%"></span></div></td></tr>')
            parts.append("</tbody></table></div>")
        ents = summary.get("top_entities") or []
        if ents:
            parts.append("<h2>الكيانات في المدوّنة <bdi>(corpus entities)</bdi></h2><div class='tw'><table><thead><tr><th>الكيان</th>"
                         "<th>النوع</th><th>وثائق</th><th>مرات</th></tr></thead><tbody>")
            for g in ents[:top]:
                label = str(g.get("label", ""))
                parts.append(f'<tr><td><mark class="ent {_e(label)}">{_e(g.get("entity"))}</mark></td>'
                             f'<td><bdi>{_e(LABELS.get(label, (label.lower(),))[0])}</bdi></td>'
                             f'<td class="num">{_e(g.get("documents", ""))}</td>'
                             f'<td class="num">{_e(g.get("mentions", ""))}</td></tr>')
            parts.append("</tbody></table></div>")
    if rows:
        parts += ["<h2>الوثائق <bdi>(documents)</bdi></h2><div class='tw'><table><thead><tr><th>الوثيقة</th><th>كلمات</th><th>كيانات</th>"
                  "<th>أهم الكلمات المفتاحية</th></tr></thead><tbody>", "".join(rows), "</tbody></table></div>"]
    parts.append("</section>")
    return "".join(parts)


def render_report(docs: Iterable[Document], top: int = 10, summary: dict[str, Any] | None = None,
                  title: str = "arnews report") -> str:
    """The whole report as one HTML string (a corpus page first when there are several documents)."""
    docs = list(docs)
    batch = len(docs) > 1 or (not docs and bool(summary))  # summary-only runs still get the corpus page
    anchors = [f"doc-{i}" for i in range(1, len(docs) + 1)]
    body = []
    if batch:
        body.append(corpus_section(docs, anchors, summary, top))
    for doc, a in zip(docs, anchors):
        body.append(document_section(doc, top, a, back=batch))
    if not docs and not batch:
        body.append('<section class="corpus"><h1>لا توجد وثائق <bdi>(no documents)</bdi></h1></section>')
    page_title = title if batch or not docs else f"{docs[0].source.name} · {title}"
    return ('<!DOCTYPE html>\n<html lang="ar" dir="rtl">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{_e(page_title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n"
            + "\n".join(body) + "\n</main>\n</body>\n</html>\n")


__all__ = ["render_report", "document_section", "corpus_section"]
