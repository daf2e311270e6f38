"""Train the embedded CRF NER model (arnews/entities/data/ner.crfsuite) and print dev F1.

    python benchmarks/train_ner.py [--train TRAIN.tsv] [--dev DEV.tsv] [--out MODEL]

Defaults: the shared ANERcorp train/dev files and the packaged model path. The gazetteer
and clusters come from the package data (see arnews/entities/make_gazetteer.py and
make_clusters.py). Deterministic: the same data gives the same model.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from arnews.entities import crf  # noqa: E402
from arnews.entities.evaluate import read_bio, report, score  # noqa: E402
from arnews.entities.features import FeatureExtractor, key  # noqa: E402

SHARED = ROOT.parent / "shared" / "data" / "ner" / "anercorp"
VERSION = "anercorp-crf-1"


def name_list(sents) -> dict[str, str]:
    """Words that are mostly part of names in `sents`: key -> TYPE.h (>=80%) or TYPE.m (>=40%)."""
    total: Counter = Counter()
    typed: dict[str, Counter] = defaultdict(Counter)
    for words, tags in sents:
        for w, t in zip(words, tags):
            k = key(w)
            total[k] += 1
            if t != "O":
                typed[k][t.split("-", 1)[1]] += 1
    out = {}
    for k, c in typed.items():
        typ, n = c.most_common(1)[0]
        share = n / total[k]
        if share >= 0.8:
            out[k] = f"{typ}.h"
        elif share >= 0.4:
            out[k] = f"{typ}.m"
    return out


def train(train_sents, dev_sents, out: Path, c1: float, c2: float, iters: int, use_morph: bool = False,
          folds: int = 0):
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    if folds:
        # Jackknifing: each fold's list features come from the other folds only, so the model
        # learns how far to trust a list that does not already contain the answer.
        for f in range(folds):
            others = [s for i, s in enumerate(train_sents) if i % folds != f]
            fx = FeatureExtractor(use_morph=use_morph, extra_lists={"tl": name_list(others)})
            for i, (words, tags) in enumerate(train_sents):
                if i % folds == f:
                    trainer.append(fx.sentence(words), tags)
        full = name_list(train_sents)
        fx = FeatureExtractor(use_morph=use_morph, extra_lists={"tl": full})
    else:
        full = None
        fx = FeatureExtractor(use_morph=use_morph)
        for words, tags in train_sents:
            trainer.append(fx.sentence(words), tags)
    trainer.set_params({
        "c1": c1, "c2": c2, "max_iterations": iters,
        "feature.possible_transitions": True, "feature.minfreq": 1,
    })
    t0 = time.perf_counter()
    trainer.train(str(out))
    secs = time.perf_counter() - t0
    tagger = pycrfsuite.Tagger()
    tagger.open(str(out))
    pred = [tagger.tag(fx.sentence(w)) for w, _ in dev_sents]
    return score([t for _, t in dev_sents], pred), secs, full


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--train", default=str(SHARED / "train.tsv"))
    ap.add_argument("--dev", default=str(SHARED / "dev.tsv"))
    ap.add_argument("--out", default=str(crf.MODEL))
    ap.add_argument("--c1", type=float, default=0.05)
    ap.add_argument("--c2", type=float, default=0.05)
    ap.add_argument("--iterations", type=int, default=200)
    ap.add_argument("--folds", type=int, default=5, help="jackknife folds for the training-name list (0: no list)")
    args = ap.parse_args(argv)
    train_sents, dev_sents = read_bio(args.train), read_bio(args.dev)
    out = Path(args.out)
    scores, secs, names = train(train_sents, dev_sents, out, args.c1, args.c2, args.iterations, folds=args.folds)
    if out == crf.MODEL:
        crf.META.write_text(json.dumps({
            "version": VERSION, "use_morph": False, "c1": args.c1, "c2": args.c2,
            "iterations": args.iterations, "dev_f1": round(scores["ALL"][2], 4),
        }, indent=1) + "\n", encoding="utf-8")
    print(f"trained in {secs:.0f}s; model {out} ({out.stat().st_size / 1e6:.1f} MB)", file=sys.stderr)
    print(report(scores, len(dev_sents)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
