"""Build the background document-frequency table shipped as arnews/data/keywords_df.tsv.

Usage:
    python benchmarks/build_background_df.py [CORPUS_DIR] [-o arnews/data/keywords_df.tsv] [--min-df 2]

CORPUS_DIR defaults to ../shared/data/corpus/saudinewsnet (1,336 SaudiNewsNet articles,
CC BY-NC-SA 4.0). Each article is lemmatised with the project's own pipeline and every
lemma key (the keyword stage's grouping key: undiacritised lemma in match_key form) is
counted once per document. Lemmas seen in fewer than --min-df documents are left out
(the keyword scorer treats a missing lemma as rare), which keeps the file small.

The table is plain text: ``#documents<TAB>N`` then ``lemma<TAB>df`` lines, most frequent first.
Rebuild it after a change of the morphology backend or the lemma key.
"""
from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", nargs="?", type=Path, default=REPO.parent / "shared" / "data" / "corpus" / "saudinewsnet")
    ap.add_argument("-o", "--output", type=Path, default=REPO / "arnews" / "data" / "keywords_df.tsv")
    ap.add_argument("--min-df", type=int, default=2)
    args = ap.parse_args(argv)

    from arnews.keywords import _units
    from arnews.pipeline import Pipeline, Settings

    files = sorted(args.corpus.glob("*.txt"))
    if not files:
        print(f"no .txt files in {args.corpus}", file=sys.stderr)
        return 1
    pipe = Pipeline(Settings().with_stages("lemmas"))
    df: Counter = Counter()
    t0 = time.perf_counter()
    for i, f in enumerate(files, 1):
        doc = pipe.run_text(f.read_text(encoding="utf-8"), f.name)
        if doc.error:
            print(f"{f.name}: {doc.error}", file=sys.stderr)
            continue
        # All words, stop words included (their weight is irrelevant: they are never candidates).
        keys = {u.key for u in _units(doc, frozenset(), True, True) if u is not None}
        df.update(keys)
        if i % 200 == 0:
            print(f"{i}/{len(files)} documents, {len(df)} lemmas, {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    backend = pipe.morphology.name if hasattr(pipe.morphology, "name") else type(pipe.morphology).__name__
    args.output.parent.mkdir(parents=True, exist_ok=True)
    with open(args.output, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(f"#documents\t{len(files)}\n")
        fh.write(f"# source: SaudiNewsNet 2015-08-03 (CC BY-NC-SA 4.0); morphology: {backend}; min df {args.min_df}\n")
        for term, n in sorted(df.items(), key=lambda kv: (-kv[1], kv[0])):
            if n >= args.min_df:
                fh.write(f"{term}\t{n}\n")
    size = args.output.stat().st_size
    print(f"wrote {args.output} ({size / 1024:.0f} KiB, {sum(1 for n in df.values() if n >= args.min_df)} lemmas)"
          f" in {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
