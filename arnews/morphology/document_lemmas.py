"""Filling a Document's tokens from a backend, with as little per-token work as possible."""
from __future__ import annotations

from ..document import Document
from ..normalize import Normalizer
from .base import MorphologyBackend

# What the analyser sees: the original letters minus diacritics/tatweel, presentation forms
# and Persian letter variants unified. (The Analyzer normalises alef/yeh/teh marbuta itself;
# keeping them lets it tell exact spellings from spelling variants.)
_ANALYSIS_FORM = Normalizer(("unicode", "letters", "tatweel", "diacritics", "digits"))

_NON_ARABIC = {
    "number": ("digit", "lexicon"),
    "punct": ("punc", "lexicon"),
    "symbol": ("punc", "lexicon"),
    "latin": ("latin", "guess"),
    "other": ("foreign", "guess"),
}


def lemmatize_tokens(doc: Document, backend: MorphologyBackend) -> None:
    tokens = doc.tokens
    form = _ANALYSIS_FORM.lookup
    choose = backend.choose
    sentences = doc.sentences or []
    spans = [(s.token_start, s.token_end) for s in sentences] or [(0, len(tokens))]
    # One pass for the analysis forms (each Arabic token normalised once): per sentence the
    # Arabic tokens' indexes and words, and every form in the text (for the clitic rule).
    arabic_forms: set[str] = set()
    per_sentence = []
    for start, end in spans:
        idx = []
        words = []
        for i in range(start, end):
            t = tokens[i]
            if t.kind == "arabic":
                f = form(t.text)
                arabic_forms.add(f)
                idx.append(i)
                words.append(f or t.text)
        per_sentence.append((start, end, idx, words))
    for start, end, idx, words in per_sentence:
        if words:
            results = choose(words, False, arabic_forms, True)
            for i, r in zip(idx, results):
                t = tokens[i]
                t.lemma = r.lemma
                t.lemma_diac = r.lemma_diac
                t.pos = r.pos
                t.gloss = r.gloss
                # A fresh token already has its own empty lists: most words have no clitics.
                if r.proclitics or t.proclitics:
                    t.proclitics = list(r.proclitics)
                t.stem = r.stem
                if r.enclitics or t.enclitics:
                    t.enclitics = list(r.enclitics)
                t.analysis_source = r.source
        if len(idx) == end - start:
            continue
        for i in range(start, end):
            t = tokens[i]
            if t.kind == "arabic":
                continue
            pos, source = _NON_ARABIC.get(t.kind, ("foreign", "guess"))
            t.lemma = t.lemma_diac = t.stem = t.norm if t.kind == "number" else t.text
            t.pos = pos
            t.gloss = None
            if t.proclitics:  # (a fresh token's own lists are empty already)
                t.proclitics = []
            if t.enclitics:
                t.enclitics = []
            t.analysis_source = source
