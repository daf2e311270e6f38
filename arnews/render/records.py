"""Documents as plain data: dicts for JSON/JSONL and flat rows for CSV/TSV.

Text is kept exactly as in the input here (no escaping): programs get the data,
only the terminal table neutralises control characters.
"""
from __future__ import annotations

import csv
import io
import json
from typing import Any, Iterable, NamedTuple

from ..document import SCHEMA_VERSION, Document, EntityGroup, Keyword, Token

VIEWS = ("analyze", "tokens", "lemmas", "entities", "keywords")

# Data formats (json, jsonl, csv, tsv, html) carry every entity group, and this many keywords and
# frequent words, or --top's number when it is larger: --top shapes tables, never what a program gets.
DATA_ROWS = 20


def computed_rows(top: int) -> int:
    """How many keywords and frequent words the pipeline makes for a run with --top `top`."""
    return max(top, DATA_ROWS)


class FrequentWord(NamedTuple):
    """A frequent word: as written most often, its normalised key (what was counted), and the count."""

    word: str
    norm: str
    count: int


def frequent_words(doc: Document) -> list[FrequentWord]:
    """doc.top_words with each normalised key shown as the text writes it most often (first seen on ties)."""
    wanted = {w: {} for w, _ in doc.top_words}
    if not wanted:
        return []
    for t in doc.tokens:
        forms = wanted.get(t.norm)
        if forms is not None:
            forms[t.text] = forms.get(t.text, 0) + 1
    out = []
    for norm, count in doc.top_words:
        forms = wanted[norm]
        out.append(FrequentWord(max(forms, key=forms.__getitem__) if forms else norm, norm, count))
    return out


def _token(t: Token, with_morph: bool) -> dict[str, Any]:
    d: dict[str, Any] = {"text": t.text, "start": t.start, "end": t.end, "norm": t.norm, "kind": t.kind, "sentence": t.sentence}
    if with_morph and t.lemma is not None:
        d.update(
            lemma=t.lemma, lemma_diac=t.lemma_diac, pos=t.pos, gloss=t.gloss,
            proclitics=list(t.proclitics), stem=t.stem, enclitics=list(t.enclitics),  # () when none
            analysis_source=t.analysis_source,
        )
    return d


def _group(g: EntityGroup) -> dict[str, Any]:
    return {
        "entity": g.canonical, "label": g.label, "count": g.count, "first_start": g.first_start,
        "variants": g.variants, "context": g.context,
        "mentions": [{"text": m.text, "start": m.start, "end": m.end, "canonical": m.canonical} for m in g.mentions],
    }


def _keyword(k: Keyword, rank: int) -> dict[str, Any]:
    return {
        # keyword: as a reader writes it (its most frequent written form without clitics); lemma: what
        # grouped its forms; surface: the same as keyword (its name before schema 1.0 showed lemmas).
        "rank": rank, "keyword": k.surface, "lemma": k.lemma, "kind": k.kind, "surface": k.surface, "gloss": k.gloss,
        "count": k.count, "score": round(k.score, 4), "surfaces": k.surfaces,
        "offsets": [list(o) for o in k.offsets],
    }


def document_dict(doc: Document, view: str = "analyze", top: int | None = None, *,
                  tokens: bool = True) -> dict[str, Any]:
    """One document as JSON-ready data. Always carries the original text so offsets can be checked.

    Every entity group; at most `top` keywords and frequent words (None: all the document has).
    (`tokens=False`: the tokens list is left empty, for document_json_parts.)
    """
    d: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "source": {"name": doc.source.name, "encoding": doc.source.encoding, "bytes": doc.source.size_bytes},
        "ok": doc.ok,
        "error": doc.error,
    }
    if not doc.ok and not doc.tokens:
        return d
    d["backends"] = doc.backends
    d["stats"] = {
        "characters": doc.stats.characters, "words": doc.stats.words, "arabic_words": doc.stats.arabic_words,
        "sentences": doc.stats.sentences, "arabic_share": doc.stats.arabic_share,
    }
    d["warnings"] = doc.warnings
    d["text"] = doc.text
    if view in ("analyze", "tokens", "lemmas"):
        d["tokens"] = [_token(t, view != "tokens") for t in doc.tokens] if tokens else []
        d["sentences"] = [{"start": s.start, "end": s.end, "tokens": [s.token_start, s.token_end]} for s in doc.sentences]
    if view == "analyze":
        d["top_words"] = [{"word": w.word, "norm": w.norm, "count": w.count} for w in frequent_words(doc)[:top]]
    if view in ("analyze", "entities"):
        d["entities"] = [_group(g) for g in doc.entity_groups]
    if view in ("analyze", "keywords"):
        d["keywords"] = [_keyword(k, i) for i, k in enumerate(doc.keywords[:top], 1)]
    return d


# Tokens encoded per JSON piece (see document_json_parts): the dicts of this many tokens live at once.
TOKENS_PER_PART = 5000


def document_json_parts(doc: Document, view: str = "analyze", top: int | None = None) -> list[str]:
    """``dumps(document_dict(doc, view, top))`` in pieces that join to exactly that text.

    A long document's tokens are encoded a few thousand at a time, and the pieces are written one
    after the other, never joined: as one dict per token and then one string, a 5 MB input of
    one-letter words (1.7 million tokens) took 1.5 GB on top of the Document.
    """
    with_tokens = view in ("analyze", "tokens", "lemmas") and (doc.ok or doc.tokens)
    if not with_tokens or len(doc.tokens) <= TOKENS_PER_PART:
        return [dumps(document_dict(doc, view, top))]
    tokens = doc.tokens
    d = document_dict(doc, view, top, tokens=False)  # everything but the tokens, in the same key order
    head = {k: v for k, v in d.items() if k != "tokens"}
    keys = list(d)
    after = keys[keys.index("tokens") + 1:]
    tail = {k: head.pop(k) for k in after}
    morph = view != "tokens"
    parts = [dumps(head)[:-1] + ', "tokens": [']
    for i in range(0, len(tokens), TOKENS_PER_PART):
        batch = dumps([_token(t, morph) for t in tokens[i:i + TOKENS_PER_PART]])[1:-1]
        parts.append(batch if i == 0 else ", " + batch)
    parts.append("]" + (", " + dumps(tail)[1:] if tail else "}"))
    return parts


# Flat rows for CSV/TSV: one fixed set of columns per view, so a pipeline can rely on it.
COLUMNS = {
    "tokens": ["document", "index", "token", "start", "end", "norm", "kind", "sentence"],
    "lemmas": ["document", "index", "token", "start", "end", "lemma", "lemma_diac", "pos", "gloss",
               "proclitics", "stem", "enclitics", "analysis_source"],
    "entities": ["document", "entity", "label", "count", "first_start", "variants", "mentions"],
    "keywords": ["document", "rank", "keyword", "kind", "surface", "gloss", "count", "score", "lemma"],
    "analyze": ["document", "section", "rank", "text", "label", "count", "score", "gloss", "start", "end", "lemma"],
}


def document_rows(doc: Document, view: str, top: int | None = None) -> Iterable[dict[str, Any]]:
    """Every entity group; at most `top` keywords and frequent words (None: all the document has)."""
    name = doc.source.name
    if view in ("tokens", "lemmas"):
        for i, t in enumerate(doc.tokens):
            row = {"document": name, "index": i, "token": t.text, "start": t.start, "end": t.end}
            if view == "tokens":
                row.update(norm=t.norm, kind=t.kind, sentence=t.sentence)
            else:
                row.update(lemma=t.lemma, lemma_diac=t.lemma_diac, pos=t.pos, gloss=t.gloss,
                           proclitics="+".join(t.proclitics), stem=t.stem, enclitics="+".join(t.enclitics),
                           analysis_source=t.analysis_source)
            yield row
    elif view == "entities":
        for g in doc.entity_groups:
            yield {"document": name, "entity": g.canonical, "label": g.label, "count": g.count,
                   "first_start": g.first_start, "variants": "|".join(g.variants),
                   "mentions": " ".join(f"{m.start}:{m.end}" for m in g.mentions)}
    elif view == "keywords":
        for i, k in enumerate(doc.keywords[:top], 1):
            yield {"document": name, "rank": i, "keyword": k.surface, "kind": k.kind, "surface": k.surface,
                   "gloss": k.gloss, "count": k.count, "score": round(k.score, 4), "lemma": k.lemma}
    else:  # analyze: one row per summary item (words and keywords as written; every entity group)
        for i, w in enumerate(frequent_words(doc)[:top], 1):
            yield {"document": name, "section": "word", "rank": i, "text": w.word, "count": w.count}
        for i, g in enumerate(doc.entity_groups, 1):
            yield {"document": name, "section": "entity", "rank": i, "text": g.canonical, "label": g.label,
                   "count": g.count, "start": g.mentions[0].start if g.mentions else g.first_start,
                   "end": g.mentions[0].end if g.mentions else None}
        for i, k in enumerate(doc.keywords[:top], 1):
            yield {"document": name, "section": "keyword", "rank": i, "text": k.surface, "label": k.kind,
                   "count": k.count, "score": round(k.score, 4), "gloss": k.gloss,
                   "start": k.offsets[0][0] if k.offsets else None, "end": k.offsets[0][1] if k.offsets else None,
                   "lemma": k.lemma}


class _LineFeed:
    """A stream wrapper for csv: each row (one write call) ends in "\n" instead of "\r\n"."""

    def __init__(self, stream: Any):
        self.stream = stream

    def write(self, s: str) -> Any:
        return self.stream.write(s[:-2] + "\n" if s.endswith("\r\n") else s)


class RowWriter:
    """Streams CSV or TSV rows to a text stream, header first."""

    def __init__(self, stream: io.TextIOBase, view: str, fmt: str):
        self.columns = COLUMNS[view]
        dialect = "excel-tab" if fmt == "tsv" else "excel"
        # Rows end in "\n", but the writer is told "\r\n" so that a field holding a bare "\r" is
        # quoted too (csv quotes only the characters of its line terminator); _LineFeed turns the
        # row's final "\r\n" into "\n". Without this, such a field would split its row on reading.
        self.writer = csv.DictWriter(_LineFeed(stream), fieldnames=self.columns, dialect=dialect,
                                     extrasaction="ignore", lineterminator="\r\n")
        self.writer.writeheader()

    def write(self, rows: Iterable[dict[str, Any]]) -> None:
        for row in rows:
            self.writer.writerow({k: ("" if v is None else v) for k, v in row.items()})


def dumps(data: Any, indent: int | None = None) -> str:
    return json.dumps(data, ensure_ascii=False, indent=indent)
