"""Dev F1 of ways to combine the encoder with the CRF (the table in docs/ner-encoder.md).

    python benchmarks/research/ner_encoder_variants.py [--dev DEV.tsv] [--weights 0.5,1,2]

Variants (each plain per-sentence, and with ner_f1.py's document step, +-5 sentences):
- crf: the CRF alone; encoder: the encoder alone (BIO-legal Viterbi over its log-probs);
- poe: product of experts, CRF log-marginals (BILOU summed to BIO) + w * encoder log-probs,
  BIO-legal Viterbi (what `encoder+crf` ships);
- crf+feat: the encoder's log-prob of each label as one more CRF feature with a tied weight w:
  the CRF's own potentials (state sums + transitions, BILOU) + w * encoder log-prob of the
  label's BIO form, the CRF's Viterbi;
- vote: argmax of the two models' averaged per-word probabilities (mixture, not product), then
  the BIO-legal Viterbi over its log.
Dev chooses w; there is no separate test set here, so the best figure is optimistic by the
choice of one number.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from arnews.entities import encoder as E, get_backend  # noqa: E402
from arnews.entities.crf import _TO_BIO  # noqa: E402
from arnews.entities.evaluate import read_bio, score  # noqa: E402
from arnews.entities.mentions import consistent_tags  # noqa: E402
from arnews.entities.viterbi import read_model  # noqa: E402

DEV = ROOT.parent / "shared" / "data" / "ner" / "anercorp" / "dev.tsv"


def with_context(words, pred, window=5):
    out = []
    for i in range(len(words)):
        lo, hi = max(0, i - window), min(len(words), i + window + 1)
        out.append(consistent_tags(words[lo:hi], pred[lo:hi])[i - lo])
    return out


def crf_viterbi(emis: np.ndarray, trans: np.ndarray) -> list[int]:
    n, nl = emis.shape
    delta = emis[0].copy()
    back = np.zeros((n, nl), dtype=np.intp)
    for t in range(1, n):
        cand = delta[:, None] + trans
        back[t] = cand.argmax(0)
        delta = cand.max(0) + emis[t]
    path = [int(delta.argmax())]
    for t in range(n - 1, 0, -1):
        path.append(int(back[t, path[-1]]))
    return path[::-1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dev", default=str(DEV))
    ap.add_argument("--weights", default="0.25,0.5,0.75,1,1.5,2,3")
    args = ap.parse_args()
    sents = read_bio(args.dev)
    words = [w for w, _ in sents]
    gold = [t for _, t in sents]
    crf = get_backend("crf")
    enc = get_backend("encoder")
    lps = enc.model.log_probs(words)
    margs = [crf.label_marginals(w, E.BIO_LABELS) for w in words]
    # the CRF's potentials, for crf+feat
    arrays = read_model(crf._model)
    attrs = str(arrays["attrs"]).split("\n")
    labels = str(arrays["labels"]).split("\n")
    aid = {a: i for i, a in enumerate(attrs)}
    state, trans = arrays["state"], arrays["trans"]
    bio_col = [E.BIO_LABELS.index(_TO_BIO[lab]) if _TO_BIO[lab] in E.BIO_LABELS else 0 for lab in labels]
    emis = []
    for w in words:
        feats = crf.extractor.sentence(w, crf._analyse(w) if crf.use_morph else None)
        emis.append(np.array([state[[aid[f] for f in fs if f in aid]].sum(0) if fs else np.zeros(len(labels))
                              for fs in feats]))

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
        add(f"crf+feat w={lam:g}", [[_TO_BIO[labels[j]] for j in crf_viterbi(em + lam * lp[:, bio_col], trans)]
                                    for em, lp in zip(emis, lps)])
    for mix in (0.3, 0.5, 0.7):
        add(f"vote a={mix:g}", tags(E.bio_viterbi(np.log(np.maximum((1 - mix) * m + mix * np.exp(lp), 1e-9)))
                                    for m, lp in zip(margs, lps)))
    print("\n| variant | doc step F1 | P | R | plain F1 | PERS | LOC | ORG | MISC |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, plain, ctx in rows:
        per = " | ".join(f"{ctx.get(t, (0, 0, 0))[2]:.3f}" for t in ("PERS", "LOC", "ORG", "MISC"))
        print(f"| {name} | {ctx['ALL'][2]:.4f} | {ctx['ALL'][0]:.4f} | {ctx['ALL'][1]:.4f} | "
              f"{plain['ALL'][2]:.4f} | {per} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
