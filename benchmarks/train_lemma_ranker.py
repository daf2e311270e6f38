#!/usr/bin/env python
"""Train the lemma ranker shipped in arnews/morphology/data/ and print its cross-validated accuracy.

Usage:
    python benchmarks/train_lemma_ranker.py [--conllu FILE] [--corpus DIR] [--folds 5]
                                            [--rebuild-prior] [--no-save] [--l2 1.0]

Two steps:
1. Lemma prior (data/lemma_prior.json.gz): how often each (lemma, POS) occurs in unlabelled
   news text (SaudiNewsNet articles under /work/shared/data/corpus/saudinewsnet), estimated
   with a few EM rounds over the analyser's candidates (no gold labels involved).
2. Ranker (data/lemma_ranker.json) and lemma table (data/lemma_table.json.gz): a
   conditional-logit model over candidate features (see arnews/morphology/disambiguate.py),
   trained on the UD Arabic PADT dev treebank, pre-split and with clitics glued back on
   (lemma_accuracy.rejoin). Gold is the vowelled lemma with the treebank's POS where a
   candidate has both, falling back to looser matches (``gold_flags``). The lemma table counts
   the treebank's vowelled lemmas (features ``tb``/``tb_cls``, computed leaving the token's own
   document out while training) and keeps the English gloss words of each vowelled lemma (the
   order of a gloss's senses, arnews/morphology/senses.py). The script prints the K-fold
   cross-validated lemma, vowelled-lemma, gloss and raw-text accuracy (folds by document: the
   ``# orig_file_sentence`` file; table and senses from the training folds only), scored as
   benchmarks/lemma_accuracy.py scores them, then trains on all documents and saves.

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
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from lemma_accuracy import (CONTENT_UPOS, SKIP_UPOS, Word, first_sense, gloss_words, key, read_conllu,  # noqa: E402
                            raw_hit, rejoin, same_vowelled, strip)

from arnews.morphology import disambiguate as dis  # noqa: E402
from arnews.text import is_vowelled, match_key, vowelled_key  # noqa: E402
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
        opts = sorted({f"{match_key(c.lemma)}|{c.pos}" for c in cands if c.source == "lexicon"})
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


# The CAMeL POS values that name the same thing as a UD UPOS (the first choice for gold).
_UPOS_SAME = {
    "NOUN": {"noun", "noun_num"}, "PROPN": {"noun_prop"}, "ADJ": {"adj", "adj_num"}, "VERB": {"verb"},
    "AUX": {"verb"}, "ADV": {"adv"}, "ADP": {"prep"}, "PRON": {"pron", "pron_dem", "pron_rel", "pron_interrog"},
    "DET": {"pron_dem", "part_det"}, "CONJ": {"conj"}, "CCONJ": {"conj"}, "SCONJ": {"conj_sub"},
    "PART": {"part", "part_neg", "part_fut", "part_interrog", "part_det"},
    "X": {"noun_prop"},  # PADT's X words are mostly foreign names (مارك روته: the name, not the currency)
}


def rows(sent, pre_split: bool) -> list[tuple[str, Word]]:
    """(word as the analyser gets it, gold word) per scored unit: the syntactic words, or in raw
    mode the orthographic tokens with their host word (lemma_accuracy.rejoin)."""
    if pre_split:
        return [(strip(w.form), w) for w in sent.words]
    return [(t.text, t.host) for t in rejoin(sent)]


_UPOS_CLASS = {"VERB": "V", "AUX": "V", "ADJ": "A", "ADP": "F", "CONJ": "F", "CCONJ": "F", "SCONJ": "F", "PART": "F",
               "PRON": "F", "DET": "F", "INTJ": "F"}


def gold_keys(w: Word) -> tuple[str, str] | None:
    """The lemma-table keys of a gold word (as dis.table_keys gives them for a reading)."""
    if w.upos in SKIP_UPOS or w.lemma == "_":
        return None
    return dis.table_keys(w.lemma, _UPOS_CLASS.get(w.upos, "N"))


def doc_counts(sents) -> dict[str, Counter]:
    """document id -> counts of the lemma-table keys of its gold words."""
    out: dict[str, Counter] = defaultdict(Counter)
    for s in sents:
        for w in s.words:
            ks = gold_keys(w)
            if ks:
                out[s.doc].update(ks)
    return out


def make_table(counts: dict[str, Counter], exclude: str | None = None) -> dict[str, float]:
    """log(1 + count) per key over the documents' counts (``exclude``: leave that document out)."""
    tot: Counter = Counter()
    for d, c in counts.items():
        if d != exclude:
            tot.update(c)
    return {k: round(math.log1p(n), 3) for k, n in tot.items() if n > 0}


def learn_senses(sents) -> dict[str, str]:
    """vowelled lemma key -> the gloss words the treebank gives it (content words), which
    senses.order_senses uses to put the matching " / " entry of a BAMA gloss first."""
    words: dict[str, Counter] = defaultdict(Counter)
    for s in sents:
        for w in s.words:
            if w.upos in CONTENT_UPOS and w.gloss and is_vowelled(w.lemma):
                words[vowelled_key(w.lemma)].update(gloss_words(w.gloss))
    return {k: " ".join(sorted(c)) for k, c in sorted(words.items())}


def gold_flags(cands, gold: Word) -> list[bool]:
    """Which candidates count as right, the strictest level that has any: the vowelled lemma
    with the POS the UPOS names (_UPOS_SAME), with a POS that fits it (_UPOS_OK), with any POS;
    then the same for the bare lemma. (عَسْكَرِيّ tagged ADJ: the adj reading "military", not the
    noun "soldier".)"""
    g = key(gold.lemma)
    bare = [key(c.lemma) == g for c in cands]
    vow = [b and same_vowelled(c.lemma_diac, gold.lemma) for b, c in zip(bare, cands)]
    for level in (vow, bare):
        for ok_pos in (_UPOS_SAME.get(gold.upos), _UPOS_OK.get(gold.upos)):
            if ok_pos:
                both = [v and c.pos in ok_pos for v, c in zip(level, cands)]
                if any(both):
                    return both
        if any(level):
            return level
    return bare


def instances(backend: AnalyzerBackend, sents, pre_split: bool = True, counts: dict[str, Counter] | None = None):
    """Per scored token: (list of feature dicts, list of gold flags).

    ``counts``: per-document lemma-table counts; each token's "tb" features come from the
    *other* documents (leave one document out), as they would for unseen text.

    In raw mode, UPOS X words whose every lexicon reading needs a clitic are left out: PADT
    keeps some words unsplit (its unanalysed X words, lemma = the whole form, clitics
    included), which in real running text would teach the model to leave clitics on. X
    names without such readings stay in (names after verbs, بوتين not ب+وتين)."""
    out = []
    mode = "split" if pre_split else "raw"
    tables: dict[str, dict[str, float]] = {}
    for sent in sents:
        table = None
        if counts is not None:
            table = tables.get(sent.doc)
            if table is None:
                table = tables[sent.doc] = make_table(counts, exclude=sent.doc)
        units = rows(sent, pre_split)
        words = [w for w, _ in units]
        entries = [backend.candidates(w, pre_split) if _ARABIC_LETTER.search(w) else None for w in words]
        n = len(words)
        for i, ((_, gold), entry) in enumerate(zip(units, entries)):
            upos = gold.upos
            if entry is None or upos in SKIP_UPOS or gold.lemma == "_":
                continue
            if not pre_split and upos == "X" and any(c.feats.get("raw:self&allclitic") for c in entry[0]):
                continue  # an unsplit word with clitics, lemmatised as a whole by PADT: not running-text behaviour
            prev_sig = entries[i - 1][1] if i > 0 and entries[i - 1] is not None else ("BOS" if i == 0 else "nonar")
            next_sig = entries[i + 1][1] if i + 1 < n and entries[i + 1] is not None else ("EOS" if i + 1 == n else "nonar")
            feats = []
            for c in entry[0]:
                f = dict(c.feats)
                f.pop("news", None)  # a fixed tie-breaker (disambiguate.NEWS_WEIGHT), not learned
                f.update(dis.context_feats(c, prev_sig, next_sig, mode))
                if table and c.source == "lexicon":
                    tk = dis.table_keys(c.lemma_diac, dis.pos_class(c.pos))
                    if tk is not None:
                        for name, k in zip(("tb", "tb_cls"), tk):
                            if table.get(k):
                                f[name] = table[k]
                feats.append(f)
            flags = gold_flags(entry[0], gold)
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


def evaluate(analyzer, weights, prior, table, senses, sents, pre_split: bool = True) -> Counter:
    """Counts for lemma (all, content), vowelled lemma (all) and shown-gloss (content) accuracy,
    scored as benchmarks/lemma_accuracy.py scores them."""
    backend = AnalyzerBackend("builtin", "eval", analyzer, dis.Ranker(weights, prior, table, senses))
    c: Counter = Counter()
    for sent in sents:
        units = rows(sent, pre_split)
        preds = backend.analyze_sentence([w for w, _ in units], pre_split=pre_split)
        for (_, gold), p in zip(units, preds):
            if gold.upos in SKIP_UPOS or gold.lemma == "_":
                continue
            hit = key(p.lemma) == key(gold.lemma) if pre_split else raw_hit(gold, p.lemma)
            c["n"] += 1
            c["ok"] += hit
            c["diac"] += same_vowelled(p.lemma_diac or p.lemma, gold.lemma)
            if gold.upos in CONTENT_UPOS:
                c["cn"] += 1
                c["cok"] += hit
                gw = gloss_words(gold.gloss)
                if gw:
                    c["gn"] += 1
                    c["gok"] += bool(gloss_words(first_sense(p.gloss)) & gw)
    return c


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
    docs = list(dict.fromkeys(s.doc for s in sents))
    fold_of = {d: i % args.folds for i, d in enumerate(docs)}  # folds by document
    counts = doc_counts(sents)
    feat_backend = AnalyzerBackend("builtin", "features", analyzer, dis.Ranker({}, prior, {}, {}), keep_features=True)

    def data_for(ss):
        return instances(feat_backend, ss, True, counts) + instances(feat_backend, ss, False, counts)

    split_tot: Counter = Counter()
    raw_tot: Counter = Counter()
    for k in range(args.folds):
        train_s = [s for s in sents if fold_of[s.doc] != k]
        test_s = [s for s in sents if fold_of[s.doc] == k]
        train_counts = {d: c for d, c in counts.items() if fold_of[d] != k}
        w = train(instances(feat_backend, train_s, True, train_counts)
                  + instances(feat_backend, train_s, False, train_counts), args.l2)
        table = make_table(train_counts)
        senses = learn_senses(train_s)
        c = evaluate(analyzer, w, prior, table, senses, test_s)
        r = evaluate(analyzer, w, prior, table, senses, test_s, pre_split=False)
        split_tot.update(c)
        raw_tot.update(r)
        print(f"fold {k}: lemma_accuracy={c['ok'] / c['n']:.4f} diac_accuracy={c['diac'] / c['n']:.4f} "
              f"gloss_agreement={c['gok'] / c['gn']:.4f} tokens={c['n']} raw_text_accuracy={r['ok'] / r['n']:.4f}",
              file=sys.stderr)
    cv = split_tot["ok"] / split_tot["n"]
    cv_content = split_tot["cok"] / split_tot["cn"]
    cv_diac = split_tot["diac"] / split_tot["n"]
    cv_gloss = split_tot["gok"] / split_tot["gn"]
    cv_raw = raw_tot["ok"] / raw_tot["n"]
    weights = train(data_for(sents), args.l2)
    table = make_table(counts)
    senses = learn_senses(sents)
    full = evaluate(analyzer, weights, prior, table, senses, sents)
    print(f"trained on all: {len(weights)} weights, {len(table)} table entries; accuracy on the training data "
          f"{full['ok'] / full['n']:.4f} (optimistic); cv raw-text (clitics re-attached) accuracy {cv_raw:.4f}")
    if not args.no_save:
        meta = {
            "trained": dt.date.today().isoformat(),
            "data": Path(args.conllu).name + " (UD Arabic PADT, CC BY-NC-SA 3.0)",
            "cv_folds": args.folds,
            "cv_by": "document",
            "cv_lemma_accuracy": round(cv, 4),
            "cv_content_accuracy": round(cv_content, 4),
            "cv_diac_accuracy": round(cv_diac, 4),
            "cv_gloss_agreement": round(cv_gloss, 4),
            "cv_raw_text_accuracy": round(cv_raw, 4),
            "l2": args.l2,
            "weights": dict(sorted(weights.items())),
        }
        with open(dis.MODEL_PATH, "w", encoding="utf-8") as fh:
            json.dump(meta, fh, ensure_ascii=False, indent=1)
        with gzip.open(dis.TABLE_PATH, "wt", encoding="utf-8") as fh:
            json.dump({"source": Path(args.conllu).name + " (UD Arabic PADT, CC BY-NC-SA 3.0): log(1 + count) of "
                       "vowelled lemmas (arnews.normalize.vowelled_key) and lemma|POS class; senses: the gloss words "
                       "(arnews.morphology.senses.gloss_words) of each vowelled lemma",
                       "table": dict(sorted(table.items())), "senses": senses}, fh, ensure_ascii=False,
                      separators=(",", ":"))
        print(f"saved {dis.MODEL_PATH} and {dis.TABLE_PATH}")
    print(f"cv_lemma_accuracy={cv:.4f} cv_content_accuracy={cv_content:.4f} cv_diac_accuracy={cv_diac:.4f} "
          f"cv_gloss_agreement={cv_gloss:.4f} cv_raw_text_accuracy={cv_raw:.4f} folds={args.folds} "
          f"({time.perf_counter() - t0:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
