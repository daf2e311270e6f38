"""From BIO tags to Mention objects with offsets into the original text, plus sanity checks."""
from __future__ import annotations

from ..document import Document, Mention
from .canonical import canonical_form, clitic_prefix, surface_offset
from .evaluate import spans
from .features import key

LABELS = {"PERS": "PERSON", "LOC": "LOCATION", "ORG": "ORGANIZATION", "MISC": "MISC"}
_WORD_KINDS = ("arabic", "latin", "number")


class _Analysis:
    """Adapter: a morphology-filled Token seen as a WordAnalysis (pos, source, proclitics ...)."""

    __slots__ = ("pos", "source", "proclitics", "lemma", "stem", "enclitics")

    def __init__(self, tok):
        self.pos = tok.pos
        self.source = tok.analysis_source
        self.proclitics = tok.proclitics
        self.lemma = tok.lemma
        self.stem = tok.stem
        self.enclitics = tok.enclitics


_STOP: frozenset[str] | None = None


def _stopwords() -> frozenset[str]:
    global _STOP
    if _STOP is None:
        try:
            from ..stopwords import stopwords

            _STOP = frozenset(key(w) for w in stopwords())
        except Exception:  # the stop list is a nicety here, never a reason to fail
            _STOP = frozenset()
    return _STOP


def find_mentions(doc: Document, backend) -> list[Mention]:
    """Tag each sentence and turn the tagged spans into cleaned-up mentions."""
    tokens = doc.tokens
    known = {key(t.text) for t in tokens if t.kind == "arabic"}
    stop = _stopwords()
    sentences = doc.sentences or []
    if not sentences and tokens:
        from ..document import Sentence

        sentences = [Sentence(tokens[0].start, tokens[-1].end, 0, len(tokens))]
    out: list[Mention] = []
    for sent in sentences:
        toks = tokens[sent.token_start:sent.token_end]
        if not any(t.kind == "arabic" for t in toks):
            continue
        words = [t.text for t in toks]
        analyses = [_Analysis(t) for t in toks] if any(t.pos for t in toks) else None
        tags = backend.tag(words, analyses)
        for s, e, typ in sorted(spans(tags)):
            # Trim punctuation and symbols off the edges of the span.
            while s < e and toks[s].kind not in _WORD_KINDS:
                s += 1
            while e > s and toks[e - 1].kind not in _WORD_KINDS:
                e -= 1
            if s >= e:
                continue
            first = toks[s]
            pro = first.proclitics if first.analysis_source == "lexicon" else None
            pre = clitic_prefix(first.text, known, pro) if first.kind == "arabic" else ""
            canon = canonical_form([t.text for t in toks[s:e]], pre)
            ck = key(canon)
            if len(ck.replace(" ", "")) < 2 or ck in stop or not any(ch.isalpha() for ch in ck):
                continue
            if e - s == 1 and toks[s].kind == "number":
                continue
            start = first.start + (0 if pre.endswith("لل") else surface_offset(first.text, len(pre)))
            end = toks[e - 1].end
            out.append(Mention(
                text=doc.text[start:end], label=LABELS.get(typ, "MISC"), start=start, end=end,
                canonical=canon, token_start=sent.token_start + s, token_end=sent.token_start + e,
            ))
    return out
