#!/usr/bin/env python
"""Train the lemma ranker shipped in arnews/morphology/data/ and print its cross-validated accuracy.

Usage:
    python benchmarks/train_lemma_ranker.py [--conllu FILE] [--corpus DIR] [--folds 5]
                                            [--rebuild-prior] [--no-save] [--l2 1.0]

Two steps:
1. Lemma prior (data/lemma_prior.json.gz): how often each (lemma, POS) occurs in unlabelled
   news text (SaudiNewsNet articles under /work/shared/data/corpus/saudinewsnet), estimated
   with a few EM rounds over the analyser's candidates (no gold labels involved).
2. Ranker (data/lemma_ranker.json): a conditional-logit model over candidate features
   (see arnews/morphology/disambiguate.py), trained on the UD Arabic PADT dev treebank in
   its pre-split form. The script prints the K-fold cross-validated accuracy (folds by
   sentence) with the same scoring as benchmarks/lemma_accuracy.py, then trains on all
   sentences and saves the weights.

Data licences (for the lead): UD Arabic PADT is CC BY-NC-SA 3.0; SaudiNewsNet is
CC BY-NC-SA 4.0. The shipped files hold only learned feature weights (a few hundred numbers)
and aggregate lemma frequencies derived from these sources; no text from them.
"""
from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import math
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from lemma_accuracy import CONTENT_UPOS, SKIP_UPOS, key, read_conllu, rejoin, strip  # noqa: E402

from arnews.morphology import disambiguate as dis  # noqa: E402
from arnews.morphology.backend import _ARABIC_LETTER, AnalyzerBackend  # noqa: E402

DEFAULT_CONLLU = "/work/shared/data/lemma/padt-dev.conllu"
DEFAULT_CORPUS = "/work/shared/data/corpus/saudinewsnet"


def make_analyzer():
    from arnews.morphology.builtin import load_db

    db = load_db()
    from arnews.morphology.lean import LeanAnalyzer

    return LeanAnalyzer(db, "NOAN_PROP")


# -- 1. lemma prior ----------------------------------------------------------------------------
def build_prior(analyzer, corpus_dir: str, rounds: int = 3) -> dict[str, float]:
    from arnews.normalize import Normalizer
    from arnews.tokenize import tokenize

    form = Normalizer(("unicode", "letters", "tatweel", "diacritics", "digits"))
    freq: dict[str, int] = defaultdict(int)
    for path in sorted(Path(corpus_dir).glob("*.txt")):
        tokens, _ = tokenize(path.read_text(encoding="utf-8"))
        for t in tokens:
            if t.kind == "arabic":
                freq[form(t.text)] += 1
    print(f"prior: {len(freq)} distinct words, {sum(freq.values())} tokens", file=sys.stderr)
    word_opts: list[tuple[int, list[str]]] = []
    for w, n in freq.items():
        cands = dis.build_candidates(w, analyzer.analyze(w), False, {})
        opts = sorted({f"{dis.match_key(c.lemma)}|{c.pos}" for c in cands if c.source == "lexicon"})
        if opts:
            word_opts.append((n, opts))
    counts: dict[str, float] = defaultdict(float)
    for n, opts in word_opts:
        for o in opts:
            counts[o] += n / len(opts)
    for _ in range(rounds):
        new: dict[str, float] = defaultdict(float)
        for n, opts in word_opts:
            ws = [counts[o] for o in opts]
            z = sum(ws)
            for o, w in zip(opts, ws):
                new[o] += n * w / z
        counts = new
    prior: dict[str, float] = {}
    lemma_tot: dict[str, float] = defaultdict(float)
    for o, c in counts.items():
        if c >= 0.5:
            prior[o] = round(math.log1p(c), 3)
        lemma_tot[o.split("|")[0]] += c
    for lk, c in lemma_tot.items():
        if c >= 0.5:
            prior[lk] = round(math.log1p(c), 3)
    return prior


# -- 2. ranker ---------------------------------------------------------------------------------
# Which CAMeL POS values are compatible with a UD UPOS (lenient: the two tag sets cut
# differently, e.g. PADT tags country names NOUN, BAMA noun_prop). Used to prefer, among
# candidates with the right lemma, one with a plausible POS (وهو: pron, not the name Ho).
_UPOS_OK = {
    "NOUN": {"noun", "noun_prop", "noun_num", "adj", "adv"}, "PROPN": {"noun_prop", "noun"},
    "ADJ": {"adj", "adj_num", "noun"}, "VERB": {"verb"}, "ADV": {"adv", "noun", "adj", "part"},
    "ADP": {"prep", "noun", "adv"}, "PRON": {"pron", "pron_dem", "pron_rel", "pron_interrog"},
    "DET": {"pron_dem", "part_det", "noun", "adj"},
    "CONJ": {"conj", "conj_sub", "part", "prep"}, "SCONJ": {"conj", "conj_sub", "part", "prep"},
    "PART": {"part", "part_neg", "part_fut", "part_interrog", "part_det", "conj_sub", "adv", "prep"},
    "AUX": {"verb"},
}


def rows(sent, pre_split: bool) -> list[tuple[str, str, str]]:
    """(word as the analyser gets it, gold lemma, gold UPOS) per scored unit: the syntactic
    words, or in raw mode the orthographic tokens with their host's gold (lemma_accuracy.rejoin)."""
    if pre_split:
        return [(strip(w.form), w.lemma, w.upos) for w in sent.words]
    return [(t.text, t.host.lemma, t.host.upos) for t in rejoin(sent)]


def instances(backend: AnalyzerBackend, sents, pre_split: bool = True, pos_aware: bool = False):
    """Per scored token: (list of feature dicts, list of gold flags).

    In raw mode, UPOS X words whose every lexicon reading needs a clitic are left out: PADT
    keeps some words unsplit (its unanalysed X words, lemma = the whole form, clitics
    included), which in real running text would teach the model to leave clitics on. X
    names without such readings stay in (names after verbs, بوتين not ب+وتين). ``pos_aware``: among candidates
    with the right lemma, only those with a POS compatible with the UPOS count as gold
    (tried; it cost lemma accuracy, so it is off)."""
    out = []
    mode = "split" if pre_split else "raw"
    for sent in sents:
        sent = rows(sent, pre_split)
        words = [w for w, _, _ in sent]
        entries = [backend.candidates(w, pre_split) if _ARABIC_LETTER.search(w) else None for w in words]
        n = len(words)
        for i, ((form, gold, upos), entry) in enumerate(zip(sent, entries)):
            if entry is None or upos in SKIP_UPOS or gold == "_":
                continue
            if not pre_split and upos == "X" and any(c.feats.get("raw:self&allclitic") for c in entry[0]):
                continue  # an unsplit word with clitics, lemmatised as a whole by PADT: not running-text behaviour
            prev_sig = entries[i - 1][1] if i > 0 and entries[i - 1] is not None else ("BOS" if i == 0 else "nonar")
            next_sig = entries[i + 1][1] if i + 1 < n and entries[i + 1] is not None else ("EOS" if i + 1 == n else "nonar")
            g = key(gold)
            feats, flags = [], []
            for c in entry[0]:
                f = dict(c.feats)
                f.update(dis.context_feats(c, prev_sig, next_sig, mode))
                feats.append(f)
                flags.append(key(c.lemma) == g)
            if pos_aware:
                ok_pos = _UPOS_OK.get(upos)
                both = [fl and c.pos in ok_pos for fl, c in zip(flags, entry[0])] if ok_pos else flags
                if any(both):
                    flags = both
            if any(flags) and len(feats) > 1:
                out.append((feats, flags))
    return out


def train(data, l2: float = 1.0) -> dict[str, float]:
    from scipy.optimize import minimize
    from scipy.sparse import csr_matrix

    index: dict[str, int] = {}
    rows, cols, vals, gold, group = [], [], [], [], []
    r = 0
    for gi, (feats, flags) in enumerate(data):
        for f, ok in zip(feats, flags):
            for k, v in f.items():
                rows.append(r)
                cols.append(index.setdefault(k, len(index)))
                vals.append(v)
            gold.append(ok)
            group.append(gi)
            r += 1
    X = csr_matrix((vals, (rows, cols)), shape=(r, len(index)))
    gold_arr = np.array(gold, dtype=bool)
    grp = np.array(group)
    ngroups = len(data)

    def objective(w):
        s = X @ w
        # log-sum-exp per group, over all candidates and over gold candidates
        m = np.full(ngroups, -np.inf)
        np.maximum.at(m, grp, s)
        e = np.exp(s - m[grp])
        z_all = np.bincount(grp, weights=e, minlength=ngroups)
        z_gold = np.bincount(grp, weights=e * gold_arr, minlength=ngroups)
        loss = -np.sum(np.log(z_gold) - np.log(z_all)) + 0.5 * l2 * w @ w
        p_all = e / z_all[grp]
        p_gold = np.where(gold_arr, e / z_gold[grp], 0.0)
        grad = X.T @ (p_all - p_gold) + l2 * w
        return loss, grad

    res = minimize(objective, np.zeros(len(index)), jac=True, method="L-BFGS-B", options={"maxiter": 500})
    return {k: round(float(res.x[i]), 4) for k, i in index.items() if abs(res.x[i]) > 1e-4}


def evaluate(analyzer, weights, prior, sents, pre_split: bool = True) -> tuple[float, float, int]:
    backend = AnalyzerBackend("builtin", "eval", analyzer, dis.Ranker(weights, prior))
    tot = ok = ctot = cok = 0
    for sent in sents:
        sent = rows(sent, pre_split)
        words = [w for w, _, _ in sent]
        preds = backend.analyze_sentence(words, pre_split=pre_split)
        for (form, gold, upos), p in zip(sent, preds):
            if upos in SKIP_UPOS or gold == "_":
                continue
            hit = key(p.lemma) == key(gold)
            tot += 1
            ok += hit
            if upos in CONTENT_UPOS:
                ctot += 1
                cok += hit
    return ok / tot, cok / max(ctot, 1), tot


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="train the arnews lemma ranker")
    ap.add_argument("--conllu", default=DEFAULT_CONLLU)
    ap.add_argument("--corpus", default=DEFAULT_CORPUS)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--l2", type=float, default=1.0)
    ap.add_argument("--rebuild-prior", action="store_true")
    ap.add_argument("--no-save", action="store_true")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    analyzer = make_analyzer()
    if args.rebuild_prior or not dis.PRIOR_PATH.exists():
        prior = build_prior(analyzer, args.corpus)
        if not args.no_save:
            dis.DATA_DIR.mkdir(parents=True, exist_ok=True)
            with gzip.open(dis.PRIOR_PATH, "wt", encoding="utf-8") as fh:
                json.dump({"source": "SaudiNewsNet 2015-08-03 (CC BY-NC-SA 4.0), EM over builtin analyses",
                           "prior": prior}, fh, ensure_ascii=False, separators=(",", ":"))
        print(f"prior: {len(prior)} entries ({time.perf_counter() - t0:.1f} s)", file=sys.stderr)
    else:
        prior = dis.load_prior()

    sents = list(read_conllu(args.conllu))
    feat_backend = AnalyzerBackend("builtin", "features", analyzer, dis.Ranker({}, prior), keep_features=True)
    def data_for(ss):
        return instances(feat_backend, ss, True) + instances(feat_backend, ss, False)

    accs, caccs = [], []
    pooled_ok = pooled_tot = raw_ok = raw_tot = 0
    for k in range(args.folds):
        train_s = [s for i, s in enumerate(sents) if i % args.folds != k]
        test_s = [s for i, s in enumerate(sents) if i % args.folds == k]
        w = train(data_for(train_s), args.l2)
        acc, cacc, n = evaluate(analyzer, w, prior, test_s)
        racc, _, rn = evaluate(analyzer, w, prior, test_s, pre_split=False)
        accs.append(acc)
        caccs.append(cacc)
        pooled_ok += acc * n
        pooled_tot += n
        raw_ok += racc * rn
        raw_tot += rn
        print(f"fold {k}: lemma_accuracy={acc:.4f} content_accuracy={cacc:.4f} tokens={n} "
              f"raw_text_accuracy={racc:.4f}", file=sys.stderr)
    cv = pooled_ok / pooled_tot if pooled_tot else 0.0
    cv_content = sum(caccs) / len(caccs) if caccs else 0.0
    cv_raw = raw_ok / raw_tot if raw_tot else 0.0
    weights = train(data_for(sents), args.l2)
    full, full_c, n = evaluate(analyzer, weights, prior, sents)
    print(f"trained on all: {len(weights)} weights; accuracy on the training data {full:.4f} (optimistic); "
          f"cv raw-text (clitics re-attached) accuracy {cv_raw:.4f}")
    if not args.no_save:
        meta = {
            "trained": dt.date.today().isoformat(),
            "data": Path(args.conllu).name + " (UD Arabic PADT, CC BY-NC-SA 3.0)",
            "cv_folds": args.folds,
            "cv_lemma_accuracy": round(cv, 4),
            "cv_content_accuracy": round(cv_content, 4),
            "cv_raw_text_accuracy": round(cv_raw, 4),
            "l2": args.l2,
            "weights": dict(sorted(weights.items())),
        }
        with open(dis.MODEL_PATH, "w", encoding="utf-8") as fh:
            json.dump(meta, fh, ensure_ascii=False, indent=1)
        print(f"saved {dis.MODEL_PATH}")
    print(f"cv_lemma_accuracy={cv:.4f} cv_content_accuracy={cv_content:.4f} folds={args.folds} "
          f"({time.perf_counter() - t0:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
