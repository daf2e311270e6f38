"""Train the embedded CRF NER model (arnews/entities/data/ner.crfsuite) and print dev F1.

    python benchmarks/train_ner.py [--train TRAIN.tsv] [--dev DEV.tsv] [--out MODEL]
    python benchmarks/train_ner.py --cv 4     # 4-fold cross-validation on TRAIN only
    python benchmarks/train_ner.py --backend encoder [...]   # the encoder instead: train_encoder.py

Defaults: the shared ANERcorp train/dev files and the packaged model path. Writes the model,
its metadata (MODEL.json: feature groups, parameters, dev F1), the training-name list
(MODEL.names.tsv) and its weights as arrays for the numpy tagger (MODEL.weights.npz). The
gazetteer, the external name lists and the word clusters come from the package data (see
tools/make_gazetteer.py, make_names.py and make_clusters.py).
Morphology features come from arnews' built-in morphology backend, the one the CRF backend
uses at inference when the caller passes no analyses. Deterministic: the same data gives the
same model. The dev F1 it prints is the plain per-sentence tagging; benchmarks/ner_f1.py adds
the document-consistency step the product applies (see its docstring).

Two things make the model generalise to names it has not seen:
- the training-name list feature is jackknifed (each fold's list comes from the other folds;
  the folds are contiguous blocks of sentences, so an article's names are not in its own list);
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
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
from ner_eval import read_bio, report, score  # noqa: E402
from arnews.entities.features import FeatureExtractor  # noqa: E402
from arnews.text import key  # noqa: E402
from arnews.entities.viterbi import export_weights  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ner_f1 import PRODUCT_CONTEXT, with_context  # noqa: E402

SHARED = ROOT.parent / "shared" / "data" / "ner" / "anercorp"
VERSION = "anercorp-crf-8"
# Features that name the word itself (dropped for name dropout).
LEXICAL = ("w=", "s=", "b-=", "b+=", "ms=", "lem=", "tl=", "k0=", "k1=", "k2=", "k3=", "k4=", "k5=", "hint=", "mk1=")


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


def block(i: int, n: int, folds: int) -> int:
    """Fold of sentence i of n: contiguous blocks, so that an article's names stay in one fold."""
    return min(i * folds // n, folds - 1)


def features(train_sents, analyses, use_morph: bool, folds: int) -> list:
    """Features of the training sentences, the name-list feature jackknifed by fold."""
    n = len(train_sents)
    xs: list = [None] * n
    for f in range(max(folds, 1)):
        if folds:
            # Jackknifing: each fold's list features come from the other folds only, so the model
            # learns how far to trust a list that does not already contain the answer. Contiguous
            # folds: names repeat inside an article, and a new text's names are not in the list.
            others = [s for i, s in enumerate(train_sents) if block(i, n, folds) != f]
            fx = FeatureExtractor(use_morph=use_morph, extra_lists={"tl": name_list(others)})
        else:
            fx = FeatureExtractor(use_morph=use_morph)
        for i, (words, _) in enumerate(train_sents):
            if not folds or block(i, n, folds) == f:
                xs[i] = fx.sentence(words, analyses[i])
    return xs


def with_extra(x, extra):
    """Feature strings (value 1 each, repeats counted as crfsuite counts them) plus real-valued
    attributes, one dict per word."""
    if extra is None:
        return x
    return [{**{k: float(v) for k, v in Counter(f).items()}, **e} for f, e in zip(x, extra)]


def fit(xs, tag_seqs, out: Path, c1: float, c2: float, iters: int, dropout: float, bilou: bool,
        extras=None) -> float:
    """Train the CRF; `extras` (optional): per sentence, per word, attributes name -> value added
    to the feature strings (and kept in the name-dropout copy): train_ner_encfeat.py's encoder features."""
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    rng = random.Random(1)
    for i, (x, tags) in enumerate(zip(xs, tag_seqs)):
        extra = extras[i] if extras is not None else None
        if bilou:
            tags = crf.to_bilou(tags)
        trainer.append(with_extra(x, extra), tags)
        if dropout > 0:
            x2, changed = name_dropout(x, tags, rng, dropout)
            if changed:
                trainer.append(with_extra(x2, extra), tags)
    # possible_states: a weight for every (attribute, label) pair, not only the pairs seen in
    # training, so an attribute can also count against a label (L1 keeps the model about the same size;
    # +0.4 F1 on dev and in 4-fold CV, training takes ~2.7x as long).
    trainer.set_params({"c1": c1, "c2": c2, "max_iterations": iters, "feature.possible_transitions": True,
                        "feature.possible_states": True})
    t0 = time.perf_counter()
    trainer.train(str(out))
    return time.perf_counter() - t0


def train(train_sents, out: Path, c1: float, c2: float, iters: int, use_morph: bool, folds: int,
          dropout: float, bilou: bool = True) -> tuple[dict[str, str], float]:
    analyses = analyses_for(train_sents, use_morph)
    xs = features(train_sents, analyses, use_morph, folds)
    secs = fit(xs, [t for _, t in train_sents], out, c1, c2, iters, dropout, bilou)
    return (name_list(train_sents) if folds else {}), secs


def cross_validate(train_sents, k: int, args, use_morph: bool, window: int = 5) -> int:
    """k-fold cross-validation on the training file (contiguous blocks): span F1 of each held-out
    block, tagged sentence by sentence, and after the document-consistency step of ner_f1.py."""
    import tempfile

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from ner_f1 import with_context

    n = len(train_sents)
    plain, ctx = [], []
    for f in range(k):
        sub = [s for i, s in enumerate(train_sents) if block(i, n, k) != f]
        held = [s for i, s in enumerate(train_sents) if block(i, n, k) == f]
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "cv.crfsuite"
            names, _ = train(sub, out, args.c1, args.c2, args.iterations, use_morph, args.folds, args.dropout,
                             args.scheme == "BILOU")
            crf.write_names(names, crf.names_path(out))
            out.with_suffix(".json").write_text(json.dumps(
                {"use_morph": use_morph, "names_list": bool(args.folds), "scheme": args.scheme}), encoding="utf-8")
            backend = crf.CrfBackend(out)
            pred = [backend.tag(words) for words, _ in held]
        gold = [t for _, t in held]
        plain.append(score(gold, pred)["ALL"][2])
        ctx.append(score(gold, with_context([w for w, _ in held], pred, window))["ALL"][2])
        print(f"fold {f}: ner_f1={plain[-1]:.4f} with_context={ctx[-1]:.4f}", flush=True)
    print(f"cv{k} mean: ner_f1={sum(plain) / k:.4f} with_context={sum(ctx) / k:.4f}")
    return 0


def recipe_options(ap: argparse.ArgumentParser) -> None:
    """The CRF training recipe's options and defaults (train_ner_encfeat.py trains with the same)."""
    ap.add_argument("--c1", type=float, default=0.05)
    ap.add_argument("--c2", type=float, default=0.05)
    ap.add_argument("--iterations", type=int, default=200)
    ap.add_argument("--folds", type=int, default=5, help="jackknife folds for the training-name list (0: no list)")
    ap.add_argument("--dropout", type=float, default=0.5, help="name-dropout rate (0: off)")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if "--backend" in argv:  # --backend crf (this script) or encoder (train_encoder.py, same data options)
        i = argv.index("--backend")
        backend = argv[i + 1] if i + 1 < len(argv) else ""
        rest = argv[:i] + argv[i + 2:]
        if backend == "encoder":
            import train_encoder

            return train_encoder.main(rest)
        if backend != "crf":
            print(f"error: --backend must be crf or encoder, not {backend!r}", file=sys.stderr)
            return 2
        argv = rest
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--train", default=str(SHARED / "train.tsv"))
    ap.add_argument("--dev", default=str(SHARED / "dev.tsv"))
    ap.add_argument("--out", default=str(crf.MODEL))
    recipe_options(ap)
    ap.add_argument("--no-morph", action="store_true", help="train without morphology features")
    ap.add_argument("--scheme", choices=("BILOU", "BIO"), default="BILOU", help="tag scheme the model learns")
    ap.add_argument("--cv", type=int, default=0, metavar="K",
                    help="only cross-validate on the training file (K contiguous blocks); writes no model")
    args = ap.parse_args(argv)
    train_sents, dev_sents = read_bio(args.train), read_bio(args.dev)
    out = Path(args.out)
    use_morph = not args.no_morph
    if args.cv:
        return cross_validate(train_sents, args.cv, args, use_morph)
    names, secs = train(train_sents, out, args.c1, args.c2, args.iterations, use_morph, args.folds, args.dropout,
                        args.scheme == "BILOU")
    crf.write_names(names, crf.names_path(out))
    meta = {"version": VERSION, "use_morph": use_morph, "names_list": bool(args.folds), "c1": args.c1,
            "c2": args.c2, "iterations": args.iterations, "folds": args.folds, "dropout": args.dropout,
            "scheme": args.scheme, "jackknife": "blocks", "possible_states": True}
    out.with_suffix(".json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    export_weights(out)  # MODEL.weights.npz: the model's weights, what the tagger reads
    # Score through the backend itself: the features at inference are the features in training.
    backend = crf.CrfBackend(out)
    pred = [backend.tag(words) for words, _ in dev_sents]
    scores = score([t for _, t in dev_sents], pred)
    meta["dev_f1"] = round(scores["ALL"][2], 4)  # the tagger alone, sentence by sentence
    # The figure users get: `arnews analyze` follows tagging with the document-consistency step,
    # scored as benchmarks/ner_f1.py does by default (`arnews data status` shows this one).
    product = score([t for _, t in dev_sents], with_context([w for w, _ in dev_sents], pred, PRODUCT_CONTEXT))
    meta["product_dev_f1"] = round(product["ALL"][2], 4)
    meta["product_dev_f1_method"] = (f"ANERcorp dev span F1 as `arnews analyze` tags: per-sentence tags, then the "
                                     f"document-consistency step with {PRODUCT_CONTEXT} sentences each side "
                                     f"(benchmarks/ner_f1.py)")
    out.with_suffix(".json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    print(f"trained in {secs:.0f}s; model {out} ({out.stat().st_size / 1e6:.1f} MB)", file=sys.stderr)
    print(report(scores, len(dev_sents)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
