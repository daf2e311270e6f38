"""Span-level NER F1 (conlleval style) of arnews' NER on a BIO TSV file.

    python benchmarks/ner_f1.py FILE.tsv [--ner crf|encoder|encoder+crf|bert|auto] [--context N] [--model MODEL.crfsuite]

FILE: `token<TAB>tag` per line, blank line between sentences, types PERS/LOC/ORG/MISC.
Each sentence's tokens go to the backend as they are (pre-tokenised), one sentence per call;
one predicted tag per input token.

Document context (what `arnews analyze` does on a document): after tagging, the product makes
the names of a document consistent (arnews.entities.mentions.consistent): a name found in one
sentence is also marked where its words occur untagged elsewhere in the document, touching
halves of a known name join, and a name tagged with different types takes the type most of its
mentions have. A BIO file has no
document markers, so each sentence gets this step with the N sentences before and after it as
its document (`--context`, default 5; 0 = the sentence alone; -1 = no consistency step, the
backend's plain per-sentence tags). Tagging itself stays one sentence per call, and no step
sees gold labels.

Prints per-type precision/recall/F1, then as the last line:
`ner_f1=0.XXXX precision=0.XXXX recall=0.XXXX sentences=N`.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from arnews.entities import MissingDataError, get_backend  # noqa: E402
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
from ner_eval import read_bio, report, score  # noqa: E402
from arnews.entities.mentions import consistent_tags  # noqa: E402


PRODUCT_CONTEXT = 5  # the default --context: the figure recorded as the model's product_dev_f1


def with_context(sents: list[list[str]], pred: list[list[str]], window: int) -> list[list[str]]:
    """Each sentence's tags after the document-consistency step, its +-window neighbours as the document."""
    out = []
    for i in range(len(sents)):
        lo, hi = max(0, i - window), min(len(sents), i + window + 1)
        out.append(consistent_tags(sents[lo:hi], pred[lo:hi])[i - lo])
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file")
    ap.add_argument("--ner", default="auto", choices=("crf", "encoder", "encoder+crf", "bert", "auto"),
                    help="backend (default auto: the one `arnews` uses, encoder+crf when the encoder is installed)")
    ap.add_argument("--context", type=int, default=PRODUCT_CONTEXT,
                    help="sentences before/after taken as the document for the consistency step "
                         "(0: the sentence alone; -1: plain per-sentence tagging, no document steps)")
    ap.add_argument("--model", help="a CRF model file to score instead of the packaged one (with --ner crf)")
    args = ap.parse_args(argv)
    sents = read_bio(args.file)
    try:
        if args.model:
            if args.ner != "crf" or not Path(args.model).is_file():
                print(f"error: --model needs --ner crf and an existing .crfsuite file ({args.model})", file=sys.stderr)
                return 2
            from arnews.entities.crf import CrfBackend

            backend = CrfBackend(Path(args.model))
        else:
            backend = get_backend(args.ner)
    except MissingDataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    raw = [backend.tag(words) for words, _ in sents]
    pred = []
    for (words, _), tags in zip(sents, raw):
        if len(tags) != len(words):  # never score a misaligned sentence as if it were aligned
            tags = (list(tags) + ["O"] * len(words))[: len(words)]
        pred.append(tags)
    secs = time.perf_counter() - t0
    ntok = sum(len(w) for w, _ in sents)
    print(f"backend: {backend.name} ({backend.version}); {ntok} tokens in {secs:.2f}s "
          f"({ntok / max(secs, 1e-9):.0f} tokens/s)", file=sys.stderr)
    if args.context >= 0:
        pred = with_context([w for w, _ in sents], pred, args.context)
    print(report(score([t for _, t in sents], pred), len(sents)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
