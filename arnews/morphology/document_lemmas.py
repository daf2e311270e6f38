"""Filling a Document's tokens from a backend, with as little per-token work as possible."""
from __future__ import annotations

from ..document import Document
from ..normalize import Normalizer
from .disambiguate import Candidate

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


def lemmatize_tokens(doc: Document, backend) -> None:
    tokens = doc.tokens
    form = _ANALYSIS_FORM
    choose = getattr(backend, "choose", None)
    arabic_forms = {form(t.text) for t in tokens if t.kind == "arabic"}
    sentences = doc.sentences or []
    spans = [(s.token_start, s.token_end) for s in sentences] or [(0, len(tokens))]
    for start, end in spans:
        idx = [i for i in range(start, end) if tokens[i].kind == "arabic"]
        words = [form(tokens[i].text) or tokens[i].text for i in idx]
        if words:
            if choose is not None:
                results = choose(words, False, arabic_forms, True)
            else:  # any other MorphologyBackend
                results = backend.analyze_sentence(words, pre_split=False)
            for i, r in zip(idx, results):
                t = tokens[i]
                t.lemma = r.lemma
                t.lemma_diac = r.lemma_diac
                t.pos = r.pos
                t.gloss = r.gloss
                t.proclitics = list(r.proclitics)
                t.stem = r.stem
                t.enclitics = list(r.enclitics)
                t.analysis_source = r.source if not isinstance(r, Candidate) else r.source
        for i in range(start, end):
            t = tokens[i]
            if t.kind == "arabic":
                continue
            pos, source = _NON_ARABIC.get(t.kind, ("foreign", "guess"))
            t.lemma = t.lemma_diac = t.stem = t.norm if t.kind == "number" else t.text
            t.pos = pos
            t.gloss = None
            t.proclitics = []
            t.enclitics = []
            t.analysis_source = source
