"""Dev F1 of ways to combine the encoder with the CRF (the table in docs/ner-encoder.md).

    python benchmarks/ner_encoder_variants.py [--dev DEV.tsv] [--weights 0.5,1,2]

Variants (each plain per-sentence, and with ner_f1.py's document step, +-5 sentences):
- crf: the CRF alone; encoder: the encoder alone (BIO-legal Viterbi over its log-probs);
- poe: product of experts, CRF log-marginals (BILOU summed to BIO) + w * encoder log-probs,
  BIO-legal Viterbi;
- crf+feat: the encoder's log-prob of each label as one more CRF feature with a tied weight w:
  the CRF's own potentials (state sums + transitions, BILOU) + w * encoder log-prob of the
  label's BIO form, the CRF's Viterbi (what `encoder+crf` ships: stacked.combine);
- vote: argmax of the two models' averaged per-word probabilities (mixture, not product), then
  the BIO-legal Viterbi over its log;
- stacked: a CRF trained over the plain CRF's features plus the encoder's cross-fitted scores
  (data/ner-enc.crfsuite, arnews.entities.stacked; benchmarks/train_ner_encfeat.py), no weight
  chosen on dev; `--stacked MODEL` scores another such model.
Dev chooses w; there is no separate test set here, so the best figure is optimistic by the
choice of one number.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from arnews.entities import encoder as E, get_backend, stacked  # noqa: E402
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
from ner_eval import read_bio, score  # noqa: E402
from arnews.entities.mentions import consistent_tags  # noqa: E402

DEV = ROOT.parent / "shared" / "data" / "ner" / "anercorp" / "dev.tsv"


def with_context(words, pred, window=5):
    out = []
    for i in range(len(words)):
        lo, hi = max(0, i - window), min(len(words), i + window + 1)
        out.append(consistent_tags(words[lo:hi], pred[lo:hi])[i - lo])
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dev", default=str(DEV))
    ap.add_argument("--weights", default="0.25,0.5,0.75,1,1.5,2,3")
    ap.add_argument("--stacked", default=str(stacked.MODEL), help="stacked CRF model (skipped when absent)")
    args = ap.parse_args()
    sents = read_bio(args.dev)
    words = [w for w, _ in sents]
    gold = [t for _, t in sents]
    crf = get_backend("crf")
    enc = get_backend("encoder")
    lps = enc.model.log_probs(words)
    margs = [crf.label_marginals(w, E.BIO_LABELS) for w in words]
    crf_scores = [crf.label_scores(w) for w in words]  # for crf+feat (the product's stacked.combine)

    rows = []

    def add(name, pred):
        plain = score(gold, pred)
        ctx = score(gold, with_context(words, pred))
        rows.append((name, plain, ctx))
        print(f"{name:22} plain {plain['ALL'][2]:.4f}  document step {ctx['ALL'][2]:.4f}", flush=True)

    def tags(paths):
        return [[E.BIO_LABELS[j] for j in p] for p in paths]

    add("crf", [crf.tag(w) for w in words])
    add("encoder", tags(E.bio_viterbi(lp) for lp in lps))
    for lam in [float(x) for x in args.weights.split(",")]:
        add(f"poe w={lam:g}", tags(E.bio_viterbi(np.log(np.maximum(m, 1e-9)) + lam * lp) for m, lp in zip(margs, lps)))
        add(f"crf+feat w={lam:g}", [stacked.combine(c, lp, lam) if w else [] for w, c, lp in zip(words, crf_scores, lps)])
    for mix in (0.3, 0.5, 0.7):
        add(f"vote a={mix:g}", tags(E.bio_viterbi(np.log(np.maximum((1 - mix) * m + mix * np.exp(lp), 1e-9)))
                                    for m, lp in zip(margs, lps)))
    if Path(args.stacked).is_file():
        tagger = stacked.StackedTagger(Path(args.stacked))
        add("stacked", [tagger.tag(w, None, lp) for w, lp in zip(words, lps)])
    print("\n| variant | doc step F1 | P | R | plain F1 | PERS | LOC | ORG | MISC |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, plain, ctx in rows:
        per = " | ".join(f"{ctx.get(t, (0, 0, 0))[2]:.3f}" for t in ("PERS", "LOC", "ORG", "MISC"))
        print(f"| {name} | {ctx['ALL'][2]:.4f} | {ctx['ALL'][0]:.4f} | {ctx['ALL'][1]:.4f} | "
              f"{plain['ALL'][2]:.4f} | {per} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
