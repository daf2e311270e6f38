"""The embedded NER backend: a linear-chain CRF (python-crfsuite) shipped in the package.

The model's metadata (data/ner.json) says which feature groups it was trained with; the
same groups are computed at inference: the training-name list (data/names.tsv) and, when
``use_morph`` is set, morphology from the caller's analyses or, when the caller has none,
from arnews' built-in morphology backend.
"""
from __future__ import annotations

import json
import logging
from pathlib import Path

from .features import DATA, FeatureExtractor

log = logging.getLogger(__name__)

MODEL = DATA / "ner.crfsuite"
META = DATA / "ner.json"
NAMES = DATA / "ner.names.tsv"


def to_bilou(tags: list[str]) -> list[str]:
    """BIO -> BILOU (U- single-token name, L- last token): what the model is trained on."""
    out = []
    n = len(tags)
    for i, t in enumerate(tags):
        if t == "O" or "-" not in t:
            out.append("O")
            continue
        typ = t[2:]
        cont = i + 1 < n and tags[i + 1] == "I-" + typ
        begin = t.startswith("B-") or i == 0 or tags[i - 1][2:] != typ
        if begin:
            out.append(("B-" if cont else "U-") + typ)
        else:
            out.append(("I-" if cont else "L-") + typ)
    return out


def from_bilou(tags: list[str]) -> list[str]:
    """BILOU -> BIO."""
    return ["B-" + t[2:] if t.startswith("U-") else "I-" + t[2:] if t.startswith("L-") else t for t in tags]


def names_path(model: Path) -> Path:
    """The training-name list that goes with a model file (ner.crfsuite -> ner.names.tsv)."""
    return model.with_name(model.stem + ".names.tsv")


def read_names(path: Path = NAMES) -> dict[str, str]:
    out = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if "\t" in line:
                k, v = line.split("\t", 1)
                out[k] = v
    return out


def write_names(table: dict[str, str], path: Path = NAMES) -> None:
    path.write_text("".join(f"{k}\t{v}\n" for k, v in sorted(table.items())), encoding="utf-8")


class CrfBackend:
    """Tags pre-tokenised words with BIO tags (B-PERS, I-LOC, ..., O)."""

    name = "crf"

    def __init__(self, model: Path = MODEL):
        import pycrfsuite

        model = Path(model)
        meta = model.with_suffix(".json")
        info = json.loads(meta.read_text(encoding="utf-8")) if meta.exists() else {}
        self.version = info.get("version", "custom")
        self.use_morph = bool(info.get("use_morph", False))
        self.bilou = info.get("scheme", "BIO") == "BILOU"
        lists = {"tl": read_names(names_path(model))} if info.get("names_list") else None
        self.extractor = FeatureExtractor(use_morph=self.use_morph, extra_lists=lists)
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open(str(model))
        self._morph = None
        self._morph_failed = False

    def _analyse(self, words: list[str]) -> list | None:
        if self._morph_failed:
            return None
        if self._morph is None:
            try:
                from ..morphology import get_backend

                self._morph = get_backend("builtin")
            except Exception as exc:  # degrade, do not fail: the other features still work
                log.warning("NER without morphology features (%s)", exc)
                self._morph_failed = True
                return None
        return self._morph.analyze_sentence(words)

    def tag(self, words: list[str], analyses: list | None = None) -> list[str]:
        if not words:
            return []
        if self.use_morph and analyses is None:
            analyses = self._analyse(words)
        tags = self._tagger.tag(self.extractor.sentence(words, analyses))
        return from_bilou(tags) if self.bilou else list(tags)
