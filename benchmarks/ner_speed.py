"""Speed of a NER backend: tagging throughput, and one article end to end in a fresh process.

    python benchmarks/ner_speed.py [--ner auto|crf|encoder|encoder+crf] [--file DEV.tsv] [--runs 3]

words_per_s: words of ANERcorp dev tagged per second (the sentences given to the backend
40 at a time, as a document's are; word-piece tokenisation included, model loading not; the
process may use both cores: numpy's BLAS threads).
article_s: wall time of `python -m arnews entities SEED --ner NAME` in a fresh process on the
seed article (the morphology DB already built; best of --runs).
Both figures include the CRF's morphology analysis of each sentence (crf, encoder+crf).

Last line: `words_per_s=N article_s=X.XX`.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from arnews.entities import BACKENDS, MissingDataError, get_backend  # noqa: E402
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
from ner_eval import read_bio  # noqa: E402

SEED = ROOT / "seeds" / "novosti-biden-north-korean-troops-kursk.txt"
DEV = ROOT.parent / "shared" / "data" / "ner" / "anercorp" / "dev.tsv"
DOC = 40  # sentences per call


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ner", default="auto", choices=BACKENDS)
    ap.add_argument("--file", default=str(DEV), help="BIO file whose words are tagged (default: ANERcorp dev)")
    ap.add_argument("--runs", type=int, default=3, help="fresh-process runs of the article (the best counts)")
    args = ap.parse_args(argv)
    if not Path(args.file).is_file():
        print(f"error: {args.file} not found (give a BIO file with --file)", file=sys.stderr)
        return 2
    try:
        backend = get_backend(args.ner)
    except MissingDataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    sents = [(w, None) for w, _ in read_bio(args.file)]
    words = sum(len(w) for w, _ in sents)
    many = getattr(backend, "tag_sentences", None)
    backend.tag(sents[0][0])  # loads what the backend loads on first use (the CRF's morphology DB)
    t0 = time.perf_counter()
    for lo in range(0, len(sents), DOC):
        part = sents[lo:lo + DOC]
        many(part) if many else [backend.tag(w) for w, _ in part]
    secs = time.perf_counter() - t0
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep))
    times = []
    for _ in range(max(1, args.runs)):
        t = time.perf_counter()
        out = subprocess.run([sys.executable, "-m", "arnews", "entities", str(SEED), "--ner", args.ner],
                             env=env, capture_output=True, text=True)
        times.append(time.perf_counter() - t)
        if out.returncode != 0:
            print(f"error: arnews entities failed: {out.stderr.strip()[-500:]}", file=sys.stderr)
            return 1
    print(f"backend: {backend.name} ({backend.version}); {words} words in {secs:.2f}s; "
          f"article runs: {', '.join(f'{t:.2f}' for t in times)} s")
    print(f"words_per_s={words / secs:.0f} article_s={min(times):.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
