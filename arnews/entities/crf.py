"""The embedded NER backend: a linear-chain CRF (python-crfsuite) shipped in the package."""
from __future__ import annotations

import json
from pathlib import Path

from .features import DATA, FeatureExtractor

MODEL = DATA / "ner.crfsuite"
META = DATA / "ner.json"


class CrfBackend:
    """Tags pre-tokenised words with BIO tags (B-PERS, I-LOC, ..., O)."""

    name = "crf"

    def __init__(self, model: Path = MODEL):
        import pycrfsuite

        meta = json.loads(META.read_text(encoding="utf-8")) if META.exists() and model == MODEL else {}
        self.version = meta.get("version", "custom")
        self.use_morph = bool(meta.get("use_morph", False))
        self.extractor = FeatureExtractor(use_morph=self.use_morph)
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open(str(model))

    def tag(self, words: list[str], analyses: list | None = None) -> list[str]:
        if not words:
            return []
        return list(self._tagger.tag(self.extractor.sentence(words, analyses)))
