"""Keyphrase benchmark: arnews' top-k keyphrases against gold keyphrases, with YAKE as a baseline.

Usage:
    python benchmarks/keywords_eval.py DOCS_DIR KEYS_DIR [--top 10]

DOCS_DIR holds ``<id>.txt`` articles, KEYS_DIR ``<id>.key`` files with one gold
keyphrase per line. For each document the extractor's top-k keyphrases are taken as
surface strings (the most frequent surface form of each) and compared with the gold
phrases after the same normalisation on both sides:

- diacritics and tatweel removed; أ إ آ ٱ → ا; ة → ه; ى → ي
- in each word, a leading و/ف stripped, then a leading ال/بال/وال/لل/كال
  (a prefix is only stripped when at least two letters remain).

A prediction matches when its normalised string equals a normalised gold phrase.
Precision, recall and F1 at k are computed per document and macro-averaged.
Duplicate predictions (equal after normalisation) count once.

Mode: the extractor runs with ``keyword_names=True`` (the CLI's ``--names``), because
gold keyphrases include names of people and places; the same mode is used for every
data set. The ``yake`` package (language "ar", n=3, same k) runs side by side.

The last line of output is always:
    keywords_f1_at_10=0.XXXX yake_f1_at_10=0.XXXX docs=N
"""
from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from arnews.text import CONJUNCTIONS, match_key  # noqa: E402

_ARTICLES = ("بال", "وال", "كال", "لل", "ال")


def _word(w: str) -> str:
    if w[:1] in CONJUNCTIONS and len(w) - 1 >= 2:
        w = w[1:]
    for p in _ARTICLES:
        if w.startswith(p) and len(w) - len(p) >= 2:
            w = w[len(p):]
            break
    return w


def normalise(phrase: str) -> str:
    """The benchmark's matching key for a phrase (see the module docstring)."""
    s = match_key(phrase)
    words = re.findall(r"[^\s\u060c\u061b\u061f.,;:!?()\[\]\"'«»“”]+", s)
    return " ".join(_word(w) for w in words)


def score(pred: list[str], gold: set[str], k: int) -> tuple[float, float, float]:
    seen: list[str] = []
    for p in pred[:k]:
        n = normalise(p)
        if n and n not in seen:
            seen.append(n)
    hits = sum(1 for n in seen if n in gold)
    p = hits / len(seen) if seen else 0.0
    r = hits / len(gold) if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def load(docs_dir: Path, keys_dir: Path) -> list[tuple[str, str, set[str]]]:
    out = []
    for doc in sorted(docs_dir.glob("*.txt")):
        key = keys_dir / (doc.stem + ".key")
        if not key.exists():
            continue
        gold = {normalise(line) for line in key.read_text(encoding="utf-8").splitlines() if line.strip()}
        gold.discard("")
        out.append((doc.stem, doc.read_text(encoding="utf-8"), gold))
    return out


def arnews_extractor(k: int, scorer: str | None = None):
    from arnews.pipeline import Pipeline, Settings

    pipe = Pipeline(Settings(top=k, keyword_names=True, keyword_scorer=scorer or "stats").with_stages("keywords"))

    def run(text: str) -> list[str]:
        doc = pipe.run_text(text)
        if doc.error:  # scored as no predictions, and said on stderr
            print(f"arnews failed on a document: {doc.error}", file=sys.stderr)
        return [kw.surface for kw in doc.keywords[:k]]

    return run


def yake_extractor(k: int):
    import yake

    ex = yake.KeywordExtractor(lan="ar", n=3, top=k)

    def run(text: str) -> list[str]:
        return [kw for kw, _ in ex.extract_keywords(text)][:k]

    return run


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("docs_dir", type=Path)
    ap.add_argument("keys_dir", type=Path)
    ap.add_argument("--top", type=int, default=10)
    ap.add_argument("--no-yake", action="store_true", help="Skip the YAKE baseline (reported as 0).")
    ap.add_argument("--scorer", choices=("stats", "graph"), help="Compare arnews' scorers (default: the shipped one).")
    ap.add_argument("-v", "--verbose", action="store_true", help="Per-document scores and predictions.")
    args = ap.parse_args(argv)
    data = load(args.docs_dir, args.keys_dir)
    systems = {"keywords": arnews_extractor(args.top, args.scorer)}
    if not args.no_yake:
        systems["yake"] = yake_extractor(args.top)
    totals = {name: [0.0, 0.0, 0.0] for name in ("keywords", "yake")}
    t0 = time.perf_counter()
    for doc_id, text, gold in data:
        for name, run in systems.items():
            pred = run(text)
            p, r, f = score(pred, gold, args.top)
            for i, v in enumerate((p, r, f)):
                totals[name][i] += v
            if args.verbose:
                print(f"{doc_id}\t{name}\tP={p:.2f} R={r:.3f} F={f:.3f}\t" + " | ".join(pred))
    n = len(data)
    for name, (p, r, f) in totals.items():
        if n:
            print(f"{name}: P@{args.top}={p / n:.4f} R@{args.top}={r / n:.4f} F1@{args.top}={f / n:.4f}")
    print(f"time {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    kf = totals["keywords"][2] / n if n else 0.0
    yf = totals["yake"][2] / n if n else 0.0
    print(f"keywords_f1_at_10={kf:.4f} yake_f1_at_10={yf:.4f} docs={n}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
