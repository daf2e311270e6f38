"""Span-level NER F1 (conlleval style) of arnews' NER on a BIO TSV file.

    python benchmarks/ner_f1.py FILE.tsv [--ner crf|bert|auto]

FILE: `token<TAB>tag` per line, blank line between sentences, types PERS/LOC/ORG/MISC.
Each sentence's tokens go to the backend as they are (pre-tokenised); one predicted tag
per input token. Prints per-type precision/recall/F1, then as the last line:
`ner_f1=0.XXXX precision=0.XXXX recall=0.XXXX sentences=N`.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from arnews.entities import MissingDataError, get_backend  # noqa: E402
from arnews.entities.evaluate import read_bio, report, score  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file")
    ap.add_argument("--ner", default="crf", choices=("crf", "bert", "auto"))
    args = ap.parse_args(argv)
    sents = read_bio(args.file)
    try:
        backend = get_backend(args.ner)
    except MissingDataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    pred = []
    for words, _ in sents:
        tags = backend.tag(words)
        if len(tags) != len(words):  # never score a misaligned sentence as if it were aligned
            tags = (list(tags) + ["O"] * len(words))[: len(words)]
        pred.append(tags)
    secs = time.perf_counter() - t0
    ntok = sum(len(w) for w, _ in sents)
    print(f"backend: {backend.name} ({backend.version}); {ntok} tokens in {secs:.2f}s", file=sys.stderr)
    print(report(score([t for _, t in sents], pred), len(sents)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
