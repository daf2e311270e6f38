#!/usr/bin/env python
"""Lemma accuracy of the arnews lemmatiser on a CoNLL-U treebank.

Usage: python benchmarks/lemma_accuracy.py FILE.conllu [--morphology auto|builtin|camel]

Each sentence's syntactic words (clitics already split off, as treebanks list them) are passed,
diacritics and tatweel removed, to the lemmatiser as pre-tokenised input; gold columns are only
read for scoring. Scored: every word except UPOS PUNCT, NUM, SYM and LEMMA "_". Predicted and
gold lemmas are compared without diacritics/tatweel and with أ إ آ ٱ mapped to ا. Also reports
content words only (NOUN PROPN VERB ADJ ADV X), per-UPOS accuracy, and the analyser's first
analysis as a baseline. The last line is machine-readable:

    lemma_accuracy=0.XXXX content_accuracy=0.XXXX first_analysis=0.XXXX tokens=N
"""
from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

_DIAC = re.compile("[\u064b-\u0652\u0670\u0640\u06d6-\u06ed]")
_ALEF = str.maketrans({"\u0623": "\u0627", "\u0625": "\u0627", "\u0622": "\u0627", "\u0671": "\u0627"})
SKIP_UPOS = {"PUNCT", "NUM", "SYM"}
CONTENT_UPOS = {"NOUN", "PROPN", "VERB", "ADJ", "ADV", "X"}


def strip(s: str) -> str:
    return _DIAC.sub("", s)


def key(s: str) -> str:
    return strip(s).translate(_ALEF)


def read_conllu(path: str):
    """Yield sentences as lists of (form, lemma, upos); range and empty-node lines skipped."""
    sent = []
    with open(path, encoding="utf-8-sig") as fh:
        for line in fh:
            line = line.rstrip("\n").rstrip("\r")
            if not line.strip():
                if sent:
                    yield sent
                sent = []
                continue
            if line.startswith("#"):
                continue
            cols = line.split("\t")
            if len(cols) < 4 or "-" in cols[0] or "." in cols[0]:
                continue
            sent.append((cols[1], cols[2], cols[3]))
    if sent:
        yield sent


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("file")
    ap.add_argument("--morphology", default="auto", choices=["auto", "builtin", "camel"])
    args = ap.parse_args(argv)

    from arnews.morphology import MissingDataError, get_backend

    t0 = time.perf_counter()
    try:
        backend = get_backend(args.morphology)
    except MissingDataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    t_load = time.perf_counter() - t0
    total = Counter()
    correct = Counter()
    first = Counter()
    n_words = 0
    t1 = time.perf_counter()
    for sent in read_conllu(args.file):
        words = [strip(f) for f, _, _ in sent]
        n_words += len(words)
        preds = backend.analyze_sentence(words, pre_split=True)
        for (form, gold, upos), w, p in zip(sent, words, preds):
            if upos in SKIP_UPOS or gold == "_":
                continue
            g = key(gold)
            ok = key(p.lemma) == g
            fa = key(backend.first_analysis_lemma(w)) == g if hasattr(backend, "first_analysis_lemma") else False
            for bucket in ("all", upos) + (("content",) if upos in CONTENT_UPOS else ()):
                total[bucket] += 1
                correct[bucket] += ok
                first[bucket] += fa
    elapsed = time.perf_counter() - t1

    def acc(c: Counter, b: str) -> float:
        return c[b] / total[b] if total[b] else 0.0

    print(f"backend: {backend.name} ({backend.version}); load {t_load:.2f} s; "
          f"{n_words} words in {elapsed:.2f} s ({n_words / max(elapsed, 1e-9):,.0f} words/s)")
    print(f"{'UPOS':8} {'tokens':>7} {'lemma':>7} {'first':>7}")
    for b in sorted((b for b in total if b not in ("all", "content")), key=lambda b: -total[b]):
        print(f"{b:8} {total[b]:7d} {acc(correct, b):7.4f} {acc(first, b):7.4f}")
    print(f"{'content':8} {total['content']:7d} {acc(correct, 'content'):7.4f} {acc(first, 'content'):7.4f}")
    print(f"{'all':8} {total['all']:7d} {acc(correct, 'all'):7.4f} {acc(first, 'all'):7.4f}")
    print(f"lemma_accuracy={acc(correct, 'all'):.4f} content_accuracy={acc(correct, 'content'):.4f} "
          f"first_analysis={acc(first, 'all'):.4f} tokens={total['all']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
