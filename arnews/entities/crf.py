"""The embedded NER backend: a linear-chain CRF (trained with python-crfsuite) shipped in the package.

The model's metadata (data/ner.json) says which feature groups it was trained with; the
same groups are computed at inference: the training-name list (data/names.tsv) and, when
``use_morph`` is set, morphology from the caller's analyses or, when the caller has none,
from arnews' built-in morphology backend.
"""
from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from ..memo import Memo
from .features import FeatureExtractor
from .lexicon import DATA

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


def _tag_to_bio(t: str) -> str:
    return "B-" + t[2:] if t.startswith("U-") else "I-" + t[2:] if t.startswith("L-") else t


_TO_BIO = Memo(_tag_to_bio, 10_000)  # (a model has a dozen labels; any str is accepted)


def from_bilou(tags: list[str]) -> list[str]:
    """BILOU -> BIO."""
    return list(map(_TO_BIO.__getitem__, tags))


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


@dataclass
class LabelScores:
    """The CRF's scores of one sentence, for combining it with another model: each word's
    state score per label, the label-to-label transition scores (its tags are the best path),
    and each label's BIO form (a BILOU model's U-X is B-X, L-X is I-X)."""
    labels: list[str]
    bio: list[str]
    emissions: "object"  # numpy array [words, labels]
    transitions: "object"  # numpy array [labels, labels]


class CrfBackend:
    """Tags pre-tokenised words with BIO tags (B-PERS, I-LOC, ..., O).

    One tagger (viterbi.LinearChain): the model's weights as arrays, a document's sentences
    tagged in one Viterbi pass. crfsuite is only needed for label_marginals (its
    forward-backward) and to read a model that has no weights export beside it.
    """

    name = "crf"

    def __init__(self, model: Path = MODEL):
        model = Path(model)
        meta = model.with_suffix(".json")
        info = json.loads(meta.read_text(encoding="utf-8")) if meta.exists() else {}
        self.version = info.get("version", "custom")
        self.use_morph = bool(info.get("use_morph", False))
        self.bilou = info.get("scheme", "BIO") == "BILOU"
        lists = {"tl": read_names(names_path(model))} if info.get("names_list") else None
        self.extractor = FeatureExtractor(use_morph=self.use_morph, extra_lists=lists)
        self._model = model
        from .viterbi import require_compiled

        require_compiled()  # (here, not at the first sentence: the CLI reports it as an unusable backend)
        self._chain = None  # the weights, loaded when the first sentence is tagged
        # One backend serves every Pipeline of the process (entities.get_backend), and the
        # tagger may not run in two threads at once (the row table grows as words come).
        self._lock = threading.Lock()
        self._morph = None
        self._morph_failed = False
        self._crfsuite = None  # for label_marginals only

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

    def _rows(self, sentences: list[tuple[list[str], list | None]]) -> list[list[list[int]]]:
        """Each sentence's words as row ids of the chain (under the lock)."""
        chain = self._chain
        if chain is None:
            from .viterbi import load_chain

            chain = self._chain = load_chain(self._model)
        elif chain.full():  # memory stays bounded: start the row table and the word caches afresh
            chain.reset()
            self.extractor.forget_rows()
        out = []
        for words, analyses in sentences:
            if words and self.use_morph and analyses is None:
                analyses = self._analyse(words)
            out.append(self.extractor.sentence_rows(words, analyses, chain) if words else [])
        return out

    def tag(self, words: list[str], analyses: list | None = None) -> list[str]:
        return self.tag_sentences([(words, analyses)])[0]

    def tag_sentences(self, sentences: list[tuple[list[str], list | None]]) -> list[list[str]]:
        """Tags for several sentences at once (a document's: one Viterbi pass over them all)."""
        with self._lock:
            rows = self._rows(sentences)  # (loads the chain on first use)
            tags = self._chain.tag_ids(rows)
        return [from_bilou(t) for t in tags] if self.bilou else tags

    def label_scores(self, words: list[str], analyses: list | None = None) -> LabelScores:
        """The model's per-word label scores and transitions for `words` (see LabelScores)."""
        with self._lock:
            rows = self._rows([(words, analyses)])[0]
            chain = self._chain
            emis = chain.emissions(rows) if words else None
        labels = chain.labels
        return LabelScores(labels, [_TO_BIO[lab] if self.bilou else lab for lab in labels], emis, chain.trans)

    def label_marginals(self, words: list[str], labels: tuple[str, ...], analyses: list | None = None):
        """P(word i has label j) under the CRF (crfsuite's forward-backward), as a numpy array
        [len(words), len(labels)]: `labels` are BIO tags, and a BILOU model's U-/L- mass is
        added to B-/I-. For research on combining the CRF with another model
        (benchmarks/ner_encoder_variants.py); tagging never needs it."""
        import numpy as np
        import pycrfsuite

        with self._lock:
            if words and self.use_morph and analyses is None:
                analyses = self._analyse(words)
            tagger = self._crfsuite
            if tagger is None:
                tagger = self._crfsuite = pycrfsuite.Tagger()
                tagger.open(str(self._model))
            tagger.set(self.extractor.sentence(words, analyses))
            col = {lab: i for i, lab in enumerate(labels)}
            out = np.zeros((len(words), len(labels)))
            for lab in tagger.labels():
                j = col.get(_TO_BIO[lab] if self.bilou else lab)
                if j is not None:
                    out[:, j] += [tagger.marginal(lab, t) for t in range(len(words))]
        return out
