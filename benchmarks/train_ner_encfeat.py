"""Train the stacked encoder+crf model (arnews/entities/data/ner-enc.crfsuite): a CRF over the
plain CRF's features plus features of the encoder's label log-probs, and print its dev F1.

    python benchmarks/crossfit_encoder.py --out /tmp/arnews-encoder-oof.npz   # once (~4 encoder trainings)
    python benchmarks/train_ner_encfeat.py [--oof /tmp/arnews-encoder-oof.npz] [--out MODEL]

The CRF recipe is train_ner.py's (same features, name-list jackknife, name dropout, c1/c2,
iterations, BILOU); each training word also gets arnews.entities.stacked.encoder_features of
its out-of-fold encoder log-probs (crossfit_encoder.py), so the CRF learns how much the
encoder is worth on sentences it has not seen. Dev is tagged as the product tags it: the
shipped encoder (numpy) gives the log-probs, stacked.StackedTagger combines them with the
model. Writes MODEL, MODEL.json (its metadata and the encoder attributes' weights, which the
product adds as an emission term), MODEL.names.tsv and MODEL.weights.npz.
"""
from __future__ import annotations

import argparse
import datetime
import json
import pickle
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import train_ner as N  # noqa: E402
from crossfit_encoder import DEFAULT_OUT as DEFAULT_OOF  # noqa: E402
from ner_f1 import PRODUCT_CONTEXT, with_context  # noqa: E402

from arnews.entities import crf, stacked  # noqa: E402
from arnews.entities import encoder as E  # noqa: E402
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
from ner_eval import read_bio, report, score  # noqa: E402
from arnews.entities.viterbi import export_weights  # noqa: E402

VERSION = N.VERSION + "-enc"


def split(lp: np.ndarray, lengths: np.ndarray) -> list[np.ndarray]:
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    return [lp[offsets[i]:offsets[i + 1]] for i in range(len(lengths))]


def encoder_weights(model: Path) -> tuple[list[str], dict[str, dict[str, float]]]:
    """The model's labels and its weights of the encoder attributes (attribute -> label -> weight)."""
    import pycrfsuite

    tagger = pycrfsuite.Tagger()
    tagger.open(str(model))
    info = tagger.info()
    labels = [lab for lab, _ in sorted(info.labels.items(), key=lambda kv: int(kv[1]))]
    table: dict[str, dict[str, float]] = {}
    for (a, lab), w in info.state_features.items():
        if a.startswith(stacked.PREFIX):
            table.setdefault(a, {})[lab] = round(float(w), 6)
    return labels, table


def in_sample(sents, cache: Path) -> list[np.ndarray]:
    if cache.exists():
        with np.load(cache) as z:
            return split(z["lp"], z["lengths"])
    t0 = time.perf_counter()
    lps = E.EncoderModel().log_probs([w for w, _ in sents])
    print(f"in-sample encoder log-probs in {time.perf_counter() - t0:.0f}s", flush=True)
    with open(cache, "wb") as fh:
        np.savez(fh, lp=np.concatenate(lps), lengths=np.array([len(x) for x in lps]))
    return lps


def evaluate(model: Path, dev_sents, dev_lps, scale: float | None = None) -> dict:
    tagger = stacked.StackedTagger(model)
    if scale is not None:
        tagger.scale = scale
    words = [w for w, _ in dev_sents]
    gold = [t for _, t in dev_sents]
    pred = [tagger.tag(w, None, lp) for w, lp in zip(words, dev_lps)]
    plain = score(gold, pred)
    ctx = score(gold, with_context(words, pred, PRODUCT_CONTEXT))
    return {"plain": plain, "ctx": ctx}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--train", default=str(N.SHARED / "train.tsv"))
    ap.add_argument("--dev", default=str(N.SHARED / "dev.tsv"))
    ap.add_argument("--oof", default=str(DEFAULT_OOF), help="crossfit_encoder.py's output")
    ap.add_argument("--out", default=str(stacked.MODEL))
    N.recipe_options(ap)
    ap.add_argument("--features-cache", default="", help="pickle of the CRF's training features (made if absent)")
    ap.add_argument("--prepare-only", action="store_true",
                    help="only compute the caches (training features, dev log-probs)")
    ap.add_argument("--in-sample", default="", metavar="NPZ",
                    help="instead of --oof: the shipped encoder's own log-probs on train (it was trained on them, "
                         "so they are better than on new text); cached in NPZ")
    ap.add_argument("--partial", action="store_true",
                    help="train with the folds crossfit_encoder.py has finished (encoder attributes on those only)")
    ap.add_argument("--dev-cache", default="", help="npz of the shipped encoder's dev log-probs (made if absent)")
    ap.add_argument("--scales", default="", help="encoder-attribute scale factors tried on dev (e.g. 0.5,0.75,1)")
    ap.add_argument("--eval-only", action="store_true", help="only score an existing MODEL on dev")
    args = ap.parse_args(argv)
    out = Path(args.out)
    train_sents, dev_sents = read_bio(args.train), read_bio(args.dev)

    if not args.eval_only:
        cache = Path(args.features_cache) if args.features_cache else None
        if cache and cache.exists():
            xs = pickle.loads(cache.read_bytes())
        else:
            t0 = time.perf_counter()
            xs = N.features(train_sents, N.analyses_for(train_sents, True), True, args.folds)
            print(f"features in {time.perf_counter() - t0:.0f}s", flush=True)
            if cache:
                cache.write_bytes(pickle.dumps(xs))
        if not args.prepare_only:
            if args.in_sample:
                lps = in_sample(train_sents, Path(args.in_sample))
                folds, done = 1, [0]
            else:
                with np.load(args.oof) as z:
                    folds, done = int(z["folds"]), [int(f) for f in z["done"]]
                    if folds != len(done) and not args.partial:
                        print(f"error: {args.oof} has folds {done} of {folds}; finish crossfit_encoder.py first "
                              f"(or --partial)", file=sys.stderr)
                        return 2
                    lps = split(z["lp"], z["lengths"])
            if [len(lp) for lp in lps] != [len(w) for w, _ in train_sents]:
                print(f"error: {args.oof} does not match {args.train}", file=sys.stderr)
                return 2
            n = len(train_sents)
            # --partial: sentences of the folds not done yet get no encoder attributes (the CRF also
            # learns to tag without them, as with name dropout); fewer encoder examples, same CRF data.
            extras = [stacked.encoder_features(lp, E.BIO_LABELS) if N.block(i, n, folds) in done else [{}] * len(lp)
                      for i, lp in enumerate(lps)]
            with_enc = sum(N.block(i, n, folds) in done for i in range(n))
            print(f"encoder attributes on {with_enc} of {n} training sentences (folds {done} of {folds})", flush=True)
            secs = N.fit(xs, [t for _, t in train_sents], out, args.c1, args.c2, args.iterations, args.dropout, True,
                         extras=extras)
            print(f"trained in {secs:.0f}s", flush=True)
            crf.write_names(N.name_list(train_sents), crf.names_path(out))
            labels, table = encoder_weights(out)
            meta = {"version": VERSION, "use_morph": True, "names_list": True, "c1": args.c1, "c2": args.c2,
                    "iterations": args.iterations, "folds": args.folds, "dropout": args.dropout, "scheme": "BILOU",
                    "jackknife": "blocks", "possible_states": True,
                    "encoder": json.loads(E.META.read_text(encoding="utf-8"))["version"],
                    "encoder_scores": ("in-sample: the shipped encoder (trained on all of train) tags train"
                                       if args.in_sample else
                                       f"cross-fitted, crossfit_encoder.py: folds {done} of {folds} contiguous "
                                       f"folds of train ({with_enc} of {n} sentences)"),
                    "encoder_labels": list(E.BIO_LABELS), "labels": labels, "encoder_features": table,
                    "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}
            out.with_suffix(".json").write_text(json.dumps(meta, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
            export_weights(out)
    dev_cache = Path(args.dev_cache) if args.dev_cache else None
    if dev_cache and dev_cache.exists():
        with np.load(dev_cache) as z:
            dev_lps = split(z["lp"], z["lengths"])
    else:
        dev_lps = E.EncoderModel().log_probs([w for w, _ in dev_sents])
        if dev_cache:
            with open(dev_cache, "wb") as fh:
                np.savez(fh, lp=np.concatenate(dev_lps), lengths=np.array([len(x) for x in dev_lps]))
    if args.prepare_only:
        return 0
    meta = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    if args.scales:
        # The encoder attributes' weight scaled by one factor chosen on dev (like encoder_weight of the
        # tied combination): for a CRF trained on in-sample encoder scores, which over-trusts them.
        by_scale = {}
        for sc in [float(x) for x in args.scales.split(",")]:
            r = evaluate(out, dev_sents, dev_lps, sc)
            by_scale[sc] = r
            print(f"encoder_scale={sc:g}: dev F1 {r['plain']['ALL'][2]:.4f}, "
                  f"with the document step {r['ctx']['ALL'][2]:.4f}", flush=True)
        best = max(by_scale, key=lambda k: (by_scale[k]["ctx"]["ALL"][2], by_scale[k]["plain"]["ALL"][2]))
        meta["encoder_scale"] = best
        meta["dev_f1_by_scale"] = {f"{k:g}": {"plain": round(v["plain"]["ALL"][2], 4),
                                              "with_document_step": round(v["ctx"]["ALL"][2], 4)}
                                   for k, v in by_scale.items()}
        res = by_scale[best]
    else:
        res = evaluate(out, dev_sents, dev_lps, meta.get("encoder_scale", 1.0))
    meta["dev_f1"] = round(res["plain"]["ALL"][2], 4)
    meta["product_dev_f1"] = round(res["ctx"]["ALL"][2], 4)
    out.with_suffix(".json").write_text(json.dumps(meta, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print("plain:")
    print(report(res["plain"], len(dev_sents)))
    print(f"with the document step (+-{PRODUCT_CONTEXT} sentences):")
    print(report(res["ctx"], len(dev_sents)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
