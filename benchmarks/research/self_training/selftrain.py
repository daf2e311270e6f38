"""Self-training of the embedded CRF NER on unlabelled news (research, not shipped).

    python benchmarks/research/self_training/selftrain.py pool            # tokenise + analyse the pool
    python benchmarks/research/self_training/selftrain.py cv   [VARIANT OPTIONS]   # 4-fold CV on train
    python benchmarks/research/self_training/selftrain.py dev  [VARIANT OPTIONS]   # train on all of train, score dev

Pool: SaudiNewsNet (../shared/data/corpus/saudinewsnet/**/*.txt) and optionally the AKEC
training articles, tokenised with arnews.tokenize.tokenize, one NER input per arnews sentence
(token texts; sentences without an Arabic token skipped, as the pipeline does; 3..80 tokens),
morphology from the built-in backend (what CrfBackend uses when the caller has none).

Per setting (CV fold f, or "full" = all of train for dev):
  teacher = train_ner's model on the labelled part (jackknifed name list, dropout 0.5, defaults);
  the pool is tagged with it (features as at inference: the full training-name list of the
  labelled part), with per-token marginals of the Viterbi labels and the sequence probability;
  student = the same training plus the selected pseudo-labelled sentences, whose features use
  the full training-name list (no jackknife); the student ships with the gold-only name list.
The pseudo labels of fold f come from a teacher that never saw fold f.
Cached under --cache (teacher models, pool tags), so variants reuse the teacher's tagging.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import random
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import train_ner as tn  # noqa: E402
from arnews.entities import crf  # noqa: E402
from arnews.entities.evaluate import read_bio, score  # noqa: E402
from arnews.entities.features import FeatureExtractor  # noqa: E402
from ner_f1 import with_context  # noqa: E402

SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "data"  # ../shared/data beside the repo
ANER = SHARED / "ner" / "anercorp"
SNN = SHARED / "corpus" / "saudinewsnet"
AKEC = SHARED / "keywords" / "akec-train" / "docs"
C1, C2, ITERS, FOLDS, DROPOUT = 0.05, 0.05, 200, 5, 0.5


def log(*a):
    print(time.strftime("%H:%M:%S"), *a, file=sys.stderr, flush=True)


# -- pool -------------------------------------------------------------------------------------
def build_pool(cache: Path) -> None:
    from arnews.morphology import get_backend
    from arnews.tokenize import tokenize

    morph = get_backend("builtin")
    pool = []
    files = [("snn", p) for p in sorted(SNN.rglob("*.txt"))] + [("akec", p) for p in sorted(AKEC.glob("*.txt"))]
    t0 = time.perf_counter()
    for src, path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        toks, sents = tokenize(text)
        for s in sents:
            tt = toks[s.token_start:s.token_end]
            if not any(t.kind == "arabic" for t in tt) or not 3 <= len(tt) <= 80:
                continue
            words = [t.text for t in tt]
            pool.append((src, path.name, words, morph.analyze_sentence(words)))
    log(f"pool: {len(pool)} sentences, {sum(len(p[2]) for p in pool)} tokens from {len(files)} files "
        f"in {time.perf_counter() - t0:.0f}s")
    with open(cache / "pool.pkl", "wb") as f:
        pickle.dump(pool, f, protocol=pickle.HIGHEST_PROTOCOL)


def load_pool(cache: Path):
    with open(cache / "pool.pkl", "rb") as f:
        return pickle.load(f)


# -- data of one setting ----------------------------------------------------------------------
def setting_data(name: str, k: int = 4):
    train = read_bio(str(ANER / "train.tsv"))
    if name == "full":
        return train, read_bio(str(ANER / "dev.tsv"))
    f = int(name)
    n = len(train)
    return ([s for i, s in enumerate(train) if tn.block(i, n, k) != f],
            [s for i, s in enumerate(train) if tn.block(i, n, k) == f])


def gold_features(cache: Path, name: str, lab):
    path = cache / name / "gold_x.pkl"
    if path.exists():
        with open(path, "rb") as f:
            return pickle.load(f)
    analyses = tn.analyses_for(lab, True)
    xs = tn.features(lab, analyses, True, FOLDS)
    with open(path, "wb") as f:
        pickle.dump(xs, f, protocol=pickle.HIGHEST_PROTOCOL)
    return xs


def write_meta(model: Path, names: dict) -> None:
    crf.write_names(names, crf.names_path(model))
    model.with_suffix(".json").write_text(json.dumps(
        {"version": "selftrain", "use_morph": True, "names_list": True, "scheme": "BILOU"}), encoding="utf-8")


def fit(gold_x, gold_y, pseudo_x, pseudo_y, out: Path, gold_dup: int, pseudo_dropout: bool) -> float:
    """train_ner.fit with pseudo-labelled sentences appended (gold appended gold_dup times)."""
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    rng = random.Random(1)
    for rep in range(gold_dup):
        for x, tags in zip(gold_x, gold_y):
            tags = crf.to_bilou(tags)
            trainer.append(x, tags)
            x2, changed = tn.name_dropout(x, tags, rng, DROPOUT)
            if changed:
                trainer.append(x2, tags)
    for x, tags in zip(pseudo_x, pseudo_y):
        tags = crf.to_bilou(tags)
        trainer.append(x, tags)
        if pseudo_dropout:
            x2, changed = tn.name_dropout(x, tags, rng, DROPOUT)
            if changed:
                trainer.append(x2, tags)
    trainer.set_params({"c1": C1, "c2": C2, "max_iterations": ITERS, "feature.possible_transitions": True})
    t0 = time.perf_counter()
    trainer.train(str(out))
    return time.perf_counter() - t0


def evaluate(model: Path, held) -> tuple[float, float]:
    backend = crf.CrfBackend(model)
    pred = [backend.tag(words) for words, _ in held]
    gold = [t for _, t in held]
    return (score(gold, pred)["ALL"][2],
            score(gold, with_context([w for w, _ in held], pred, 5))["ALL"][2])


def model_stats(model: Path) -> dict:
    import pycrfsuite

    t = pycrfsuite.Tagger()
    t.open(str(model))
    info = t.info()
    return {"bytes": model.stat().st_size, "attributes": len(info.attributes),
            "state_features": len(info.state_features)}


def tag_pool(model: Path, names: dict, pool) -> list:
    """Viterbi tags (BIO), sequence probability, min marginal over all tokens and over entity tokens."""
    import pycrfsuite

    tagger = pycrfsuite.Tagger()
    tagger.open(str(model))
    fx = FeatureExtractor(use_morph=True, extra_lists={"tl": names})
    out = []
    t0 = time.perf_counter()
    for _, _, words, an in pool:
        tagger.set(fx.sentence(words, an))
        y = tagger.tag()
        prob = tagger.probability(y)
        margs = [tagger.marginal(lab, i) for i, lab in enumerate(y)]
        ent = [m for m, lab in zip(margs, y) if lab != "O"]
        out.append((crf.from_bilou(list(y)), prob, min(margs), min(ent) if ent else 1.0, len(ent)))
    log(f"tagged {len(pool)} pool sentences in {time.perf_counter() - t0:.0f}s")
    return out


def teacher(cache: Path, name: str, lab, gold_x):
    """The baseline model of this setting (= the teacher), its scores and the pool's tags."""
    d = cache / name
    model = d / "teacher.crfsuite"
    names = tn.name_list(lab)
    if not model.exists():
        secs = fit(gold_x, [t for _, t in lab], [], [], model, 1, False)
        write_meta(model, names)
        (d / "teacher.secs").write_text(f"{secs:.1f}\n")
    return model, names


def pseudo_tags(cache: Path, name: str, tag: str, model: Path, names: dict, pool) -> list:
    path = cache / name / f"pool_tags_{tag}.pkl"
    if path.exists():
        with open(path, "rb") as f:
            return pickle.load(f)
    tags = tag_pool(model, names, pool)
    with open(path, "wb") as f:
        pickle.dump(tags, f, protocol=pickle.HIGHEST_PROTOCOL)
    return tags


def select(pool, tags, args) -> list[int]:
    idx = []
    for i, ((src, _, words, _), (y, prob, mall, ment, nent)) in enumerate(zip(pool, tags)):
        if src == "akec" and not args.akec:
            continue
        if args.need_entity and nent == 0:
            continue
        conf = {"minall": mall, "minent": ment, "prob": prob}[args.conf]
        if conf >= args.threshold:
            idx.append((conf, i))
    idx.sort(key=lambda ci: (-ci[0], ci[1]))
    if args.max:
        idx = idx[: args.max]
    return sorted(i for _, i in idx)


def variant_tag(args) -> str:
    d = {k: getattr(args, k) for k in ("conf", "threshold", "max", "need_entity", "akec", "gold_dup",
                                        "pseudo_dropout", "rounds", "pseudo_tl")}
    return "-".join(f"{k}={v}" for k, v in d.items())


def run_setting(cache: Path, name: str, args, pool) -> dict:
    d = cache / name
    d.mkdir(parents=True, exist_ok=True)
    lab, held = setting_data(name)
    gold_x = gold_features(cache, name, lab)
    gold_y = [t for _, t in lab]
    tmodel, names = teacher(cache, name, lab, gold_x)
    res = {"teacher": evaluate(tmodel, held), "teacher_stats": model_stats(tmodel),
           "teacher_secs": float((d / "teacher.secs").read_text())}
    if args.baseline_only:
        return res
    fx = FeatureExtractor(use_morph=True, extra_lists={"tl": names} if args.pseudo_tl else None)
    model, mtag = tmodel, "r0"
    for r in range(1, args.rounds + 1):
        tags = pseudo_tags(cache, name, mtag, model, names, pool)
        idx = select(pool, tags, args)
        px = [fx.sentence(pool[i][2], pool[i][3]) for i in idx]
        py = [tags[i][0] for i in idx]
        h = hashlib.md5(variant_tag(args).encode()).hexdigest()[:8]
        mtag = f"r{r}_{h}"
        model = d / f"student_{mtag}.crfsuite"
        sfile = model.with_suffix(".secs")
        if model.exists() and sfile.exists():  # the same variant ran before (e.g. a fold-0 screen)
            secs = float(sfile.read_text())
        else:
            secs = fit(gold_x, gold_y, px, py, model, args.gold_dup, args.pseudo_dropout)
            write_meta(model, names)
            sfile.write_text(f"{secs:.1f}\n")
        ents = sum(tags[i][4] for i in idx)
        res[f"round{r}"] = {"added": len(idx), "added_tokens": sum(len(pool[i][2]) for i in idx),
                            "added_entity_tokens": ents, "secs": secs, "scores": evaluate(model, held),
                            "stats": model_stats(model), "model": str(model)}
        log(name, f"round {r}", json.dumps(res[f"round{r}"]))
    return res


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=("pool", "cv", "dev"))
    ap.add_argument("--cache", default="/tmp/selftrain")
    ap.add_argument("--folds", default="0,1,2,3", help="CV folds to run (cv mode)")
    ap.add_argument("--conf", choices=("minall", "minent", "prob"), default="minall")
    ap.add_argument("--threshold", type=float, default=0.0)
    ap.add_argument("--max", type=int, default=5000, help="cap on added sentences (most confident first)")
    ap.add_argument("--need-entity", action="store_true", help="only sentences with a predicted name")
    ap.add_argument("--akec", action="store_true", help="AKEC articles in the pool too")
    ap.add_argument("--gold-dup", type=int, default=1, help="append the gold data this many times")
    ap.add_argument("--pseudo-dropout", action="store_true", help="name dropout on pseudo sentences too")
    ap.add_argument("--no-pseudo-tl", dest="pseudo_tl", action="store_false",
                    help="pseudo sentences without the training-name list feature")
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--baseline-only", action="store_true")
    ap.add_argument("--json", help="append the result as one JSON line to this file")
    args = ap.parse_args(argv)
    cache = Path(args.cache)
    cache.mkdir(parents=True, exist_ok=True)
    if args.mode == "pool":
        build_pool(cache)
        return 0
    import arnews

    log("arnews from", arnews.__file__, "variant", variant_tag(args))
    pool = load_pool(cache)
    settings = args.folds.split(",") if args.mode == "cv" else ["full"]
    results = {}
    for name in settings:
        results[name] = run_setting(cache, name, args, pool)
        log(name, json.dumps({k: v for k, v in results[name].items()}))
    summary = {"variant": variant_tag(args), "mode": args.mode, "results": results}
    key = f"round{args.rounds}"
    for which in ("teacher", key):
        rows = [results[s][which] if which == "teacher" else results[s][which]["scores"]
                for s in settings if which in results[s]]
        if rows:
            plain = [r[0] for r in rows]
            ctx = [r[1] for r in rows]
            summary[which] = {"plain": plain, "ctx": ctx, "plain_mean": sum(plain) / len(plain),
                              "ctx_mean": sum(ctx) / len(ctx)}
            print(f"{which}: plain {' '.join(f'{x:.4f}' for x in plain)} mean {sum(plain) / len(plain):.4f} | "
                  f"ctx {' '.join(f'{x:.4f}' for x in ctx)} mean {sum(ctx) / len(ctx):.4f}")
    if args.json:
        with open(args.json, "a", encoding="utf-8") as f:
            f.write(json.dumps(summary) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
