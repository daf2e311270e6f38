"""`--ner encoder+crf`: the encoder combined with the CRF (CombinedBackend), by one tied weight
(what ships) or by a CRF trained over the encoder's scores ("stacked": data/ner-enc.crfsuite).

Not shipped yet: `encoder+crf` uses it only when that model file is installed and was trained
for the installed encoder; otherwise the tied-weight combination (combine below). The one
such model measured (trained on in-sample encoder scores) lost to the tied weight on dev; the
cross-fitted one is the intended model (docs/ner-encoder.md).

The model is trained (benchmarks/train_ner_encfeat.py) on the plain CRF's features plus, per
word, features of the encoder's label log-probs; on the training set those should come from
encoders that had not seen the sentence (cross-fitted, benchmarks/crossfit_encoder.py), so the
CRF learns how far to trust the encoder on new text, per label, instead of one tied weight.

At run time the CRF's own features give its state scores (CrfBackend.label_scores on the
stacked model: the encoder attributes are unknown to the feature extractor and add nothing
there); the encoder attributes' weights, kept in the model's metadata, are added here as one
more emission term, and the CRF's transitions and Viterbi pick the tags.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from .e5file import DATA
from .encoder import BIO_LABELS, EncoderBackend, bio_viterbi, viterbi

MODEL = DATA / "ner-enc.crfsuite"  # not shipped yet: see docs/ner-encoder.md (trained by train_ner_encfeat.py)
PREFIX = "enc"  # every encoder attribute starts with it (no plain CRF feature does)
LOG_FLOOR = -10.0  # log-probs below this carry no more information and would dominate the sums
# Probability buckets of the encoder's own tag: the CRF learns one weight per (bucket, label).
BUCKETS = (0.5, 0.8, 0.95)


def available() -> bool:
    return MODEL.is_file() and MODEL.with_suffix(".json").is_file()


def trained_for() -> str | None:
    """The version of the encoder whose scores the stacked CRF was trained on."""
    return json.loads(MODEL.with_suffix(".json").read_text(encoding="utf-8")).get("encoder")


def _bucket(p: float) -> int:
    return sum(p >= b for b in BUCKETS)


def encoder_features(log_probs: np.ndarray, labels: Sequence[str]) -> list[dict[str, float]]:
    """Per-word encoder attributes (name -> value) of one sentence from its log-probs [n, len(labels)]
    (labels: the encoder's BIO labels): each label's log-prob as a real value, the encoder's best
    BIO-legal tag with its probability bucket, the neighbours' tags, and each entity type whose
    total probability is at least 0.2, bucketed. Training and tagging both call this."""
    n = len(log_probs)
    if n == 0:
        return []
    lp = np.maximum(np.asarray(log_probs, dtype=np.float64), LOG_FLOOR)
    prob = np.exp(lp)
    best = [labels[j] for j in bio_viterbi(lp)]
    types = sorted({lab[2:] for lab in labels if lab != "O"})
    out = []
    for t in range(n):
        f = {f"{PREFIX}l={lab}": float(lp[t, j]) for j, lab in enumerate(labels)}
        j = labels.index(best[t])
        f[f"{PREFIX}={best[t]}"] = 1.0
        f[f"{PREFIX}p={best[t]}:{_bucket(prob[t, j])}"] = 1.0
        f[f"{PREFIX}-1={best[t - 1] if t else '^'}"] = 1.0
        f[f"{PREFIX}+1={best[t + 1] if t + 1 < n else '$'}"] = 1.0
        for typ in types:
            p = sum(prob[t, k] for k, lab in enumerate(labels) if lab[2:] == typ)
            if p >= 0.2:
                f[f"{PREFIX}t={typ}:{_bucket(p)}"] = 1.0
        out.append(f)
    return out


@dataclass
class EncoderWeights:
    """The stacked CRF's weights of the encoder attributes: a [attributes, CRF labels] matrix."""
    attrs: dict[str, int]
    labels: list[str]
    matrix: np.ndarray

    @classmethod
    def from_meta(cls, meta: dict) -> "EncoderWeights":
        table = meta["encoder_features"]
        labels = list(meta["labels"])
        attrs = {a: i for i, a in enumerate(sorted(table))}
        m = np.zeros((len(attrs), len(labels)))
        col = {lab: j for j, lab in enumerate(labels)}
        for a, row in table.items():
            for lab, w in row.items():
                m[attrs[a], col[lab]] = w
        return cls(attrs, labels, m)

    def emissions(self, feats: list[dict[str, float]], labels: Sequence[str]) -> np.ndarray:
        """Each word's encoder-attribute score per label [words, len(labels)] (labels in the
        CRF's order, as LabelScores gives them)."""
        cols = [self.labels.index(lab) for lab in labels]
        out = np.zeros((len(feats), len(self.labels)))
        for t, f in enumerate(feats):
            for a, v in f.items():
                i = self.attrs.get(a)
                if i is not None:
                    out[t] += v * self.matrix[i]
        return out[:, cols]


class StackedTagger:
    """Tags with the stacked CRF, given the encoder's log-probs of each sentence."""

    def __init__(self, model: Path | None = None):
        from .crf import CrfBackend

        model = Path(model or MODEL)
        self.crf = CrfBackend(model)
        meta = json.loads(Path(model).with_suffix(".json").read_text(encoding="utf-8"))
        self.version = meta.get("version", "custom")
        self.weights = EncoderWeights.from_meta(meta)
        self.encoder_labels = tuple(meta["encoder_labels"])
        # <1 when the CRF learned its encoder weights on scores better than new text gets (in-sample)
        self.scale = float(meta.get("encoder_scale", 1.0))

    def tag(self, words: list[str], analyses: list | None, log_probs: np.ndarray) -> list[str]:
        if not words:
            return []
        sc = self.crf.label_scores(words, analyses)
        enc = self.weights.emissions(encoder_features(log_probs, self.encoder_labels), sc.labels)
        emis = sc.emissions + self.scale * enc
        return [sc.bio[j] for j in viterbi(emis, sc.transitions)]


class CombinedBackend:
    """`--ner encoder+crf`: the encoder and the CRF together. Two ways, the first only when its
    model is installed (it is not shipped yet; docs/ner-encoder.md compares the combinations):

    - stacked (data/ner-enc.crfsuite, StackedTagger above): a CRF trained over the plain CRF's
      features plus features of the encoder's log-probs, cross-fitted on train, so it learned a
      weight per encoder attribute and label;
    - tied weight (what ships; also when `weight` is given): each word's score for a CRF label is
      the plain CRF's state score plus `weight` times the encoder's log-probability of that
      label's BIO form (encoder_weight in data/encoder.json, tuned on ANERcorp dev by
      benchmarks/train_encoder.py --tune-only).

    Both decode with the CRF's transitions and Viterbi."""

    name = "encoder+crf"

    def __init__(self, encoder: EncoderBackend, crf, weight: float | None = None):
        self.encoder, self.crf = encoder, crf
        meta = encoder.model.meta
        self.weight = float(meta.get("encoder_weight", 1.0) if weight is None else weight)
        self.stacked = None
        # The stacked CRF learned the trust it puts in one encoder: with another, the tied weight.
        if weight is None and available() and trained_for() == encoder.version:
            self.stacked = StackedTagger()
            self.version = f"{encoder.version}+{self.stacked.version}"
        else:
            self.version = f"{encoder.version}+{crf.version}"

    def tag(self, words: list[str], analyses: list | None = None) -> list[str]:
        return self.tag_sentences([(words, analyses)])[0]

    def tag_sentences(self, sentences: list[tuple[list[str], list | None]]) -> list[list[str]]:
        with self.encoder._lock:
            lps = self.encoder.model.log_probs([w for w, _ in sentences])
        if self.stacked is not None:
            return [self.stacked.tag(words, analyses, lp) for (words, analyses), lp in zip(sentences, lps)]
        return [combine(self.crf.label_scores(words, analyses), lp, self.weight) if words else []
                for (words, analyses), lp in zip(sentences, lps)]


def combine(crf_scores, log_probs: np.ndarray, weight: float) -> list[str]:
    """BIO tags of one sentence from the CRF's LabelScores and the encoder's log-probs [n, 9]."""
    cols = [BIO_LABELS.index(b) if b in BIO_LABELS else 0 for b in crf_scores.bio]
    path = viterbi(crf_scores.emissions + weight * log_probs[:, cols], crf_scores.transitions)
    return [crf_scores.bio[j] for j in path]
