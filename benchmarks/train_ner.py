"""Train the embedded CRF NER model (arnews/entities/data/ner.crfsuite) and print dev F1.

    python benchmarks/train_ner.py [--train TRAIN.tsv] [--dev DEV.tsv] [--out MODEL]

Defaults: the shared ANERcorp train/dev files and the packaged model path. Writes the model,
its metadata (MODEL.json: feature groups, parameters, dev F1) and the training-name list
(MODEL.names.tsv). The gazetteer and word clusters come from the package data (see
arnews/entities/make_gazetteer.py and make_clusters.py). Morphology features come from
arnews' built-in morphology backend, the one the CRF backend uses at inference when the
caller passes no analyses. Deterministic: the same data gives the same model.

Two things make the model generalise to names it has not seen:
- the training-name list feature is jackknifed (each fold's list comes from the other folds);
- name dropout: each sentence with names is added a second time with, for a random half of
  its name tokens, the word-identity features removed, so the model also learns to find
  names from context, affixes and morphology alone.
"""
from __future__ import annotations

import argparse
import json
import random
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
VERSION = "anercorp-crf-4"
# Features that name the word itself (dropped for name dropout).
LEXICAL = ("w=", "s=", "b-=", "b+=", "ms=", "lem=", "tl=", "k0=", "k1=", "k2=", "hint=", "mk1=")


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


def analyses_for(sents, use_morph: bool):
    if not use_morph:
        return [None] * len(sents)
    from arnews.morphology import get_backend

    morph = get_backend("builtin")
    return [morph.analyze_sentence(words) for words, _ in sents]


def name_dropout(xseq, tags, rng: random.Random, p: float):
    out, changed = [], False
    for x, t in zip(xseq, tags):
        if t != "O" and rng.random() < p:
            out.append([f for f in x if not f.startswith(LEXICAL)])
            changed = True
        else:
            out.append(x)
    return out, changed


def train(train_sents, out: Path, c1: float, c2: float, iters: int, use_morph: bool, folds: int,
          dropout: float, bilou: bool = True) -> tuple[dict[str, str], float]:
    import pycrfsuite

    analyses = analyses_for(train_sents, use_morph)
    xs: list = [None] * len(train_sents)
    for f in range(max(folds, 1)):
        if folds:
            # Jackknifing: each fold's list features come from the other folds only, so the model
            # learns how far to trust a list that does not already contain the answer.
            others = [s for i, s in enumerate(train_sents) if i % folds != f]
            fx = FeatureExtractor(use_morph=use_morph, extra_lists={"tl": name_list(others)})
        else:
            fx = FeatureExtractor(use_morph=use_morph)
        for i, (words, _) in enumerate(train_sents):
            if not folds or i % folds == f:
                xs[i] = fx.sentence(words, analyses[i])
    trainer = pycrfsuite.Trainer(verbose=False)
    rng = random.Random(1)
    for x, (_, tags) in zip(xs, train_sents):
        if bilou:
            tags = crf.to_bilou(tags)
        trainer.append(x, tags)
        if dropout > 0:
            x2, changed = name_dropout(x, tags, rng, dropout)
            if changed:
                trainer.append(x2, tags)
    trainer.set_params({"c1": c1, "c2": c2, "max_iterations": iters, "feature.possible_transitions": True})
    t0 = time.perf_counter()
    trainer.train(str(out))
    return (name_list(train_sents) if folds else {}), time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--train", default=str(SHARED / "train.tsv"))
    ap.add_argument("--dev", default=str(SHARED / "dev.tsv"))
    ap.add_argument("--out", default=str(crf.MODEL))
    ap.add_argument("--c1", type=float, default=0.05)
    ap.add_argument("--c2", type=float, default=0.05)
    ap.add_argument("--iterations", type=int, default=200)
    ap.add_argument("--folds", type=int, default=5, help="jackknife folds for the training-name list (0: no list)")
    ap.add_argument("--dropout", type=float, default=0.5, help="name-dropout rate (0: off)")
    ap.add_argument("--no-morph", action="store_true", help="train without morphology features")
    ap.add_argument("--scheme", choices=("BILOU", "BIO"), default="BILOU", help="tag scheme the model learns")
    args = ap.parse_args(argv)
    train_sents, dev_sents = read_bio(args.train), read_bio(args.dev)
    out = Path(args.out)
    use_morph = not args.no_morph
    names, secs = train(train_sents, out, args.c1, args.c2, args.iterations, use_morph, args.folds, args.dropout,
                        args.scheme == "BILOU")
    crf.write_names(names, crf.names_path(out))
    meta = {"version": VERSION, "use_morph": use_morph, "names_list": bool(args.folds), "c1": args.c1,
            "c2": args.c2, "iterations": args.iterations, "folds": args.folds, "dropout": args.dropout,
            "scheme": args.scheme}
    out.with_suffix(".json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    # Score through the backend itself: the features at inference are the features in training.
    backend = crf.CrfBackend(out)
    pred = [backend.tag(words) for words, _ in dev_sents]
    scores = score([t for _, t in dev_sents], pred)
    meta["dev_f1"] = round(scores["ALL"][2], 4)
    out.with_suffix(".json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    print(f"trained in {secs:.0f}s; model {out} ({out.stat().st_size / 1e6:.1f} MB)", file=sys.stderr)
    print(report(scores, len(dev_sents)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
