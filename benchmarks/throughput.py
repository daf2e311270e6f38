"""Throughput of the full pipeline over a folder, against a plain CAMeL Tools loop.

    python benchmarks/throughput.py DIR [--jobs N]

Two phases over every ``*.txt`` under DIR (recursively), one after the other:

1. baseline (in a child process): what a user would write with camel_tools alone, one
   process, no cache: ``simple_word_tokenize`` on each text and ``Analyzer(db).analyze()``
   on every token, keeping the first analysis; the DB is the built-in one arnews uses
   (``arnews.morphology.builtin.load_db``). Timed from before the DB load to the last token.
2. arnews: ``batch.run_documents`` with all stages (normalise, tokenise, lemmatise,
   entities, keywords) on N workers, each document reduced to its corpus digest in the
   worker and added to a CorpusSummary in the parent, as ``arnews analyze --summary-only``
   does. Timed from the start (backend loading and worker start-up included) to the last
   document. The entity stage is the CRF, as a quick-start install runs it: with the `encoder`
   extra installed, `auto` would pick encoder+crf, a different trade whose speed is
   benchmarks/ner_speed.py's, so this script turns the encoder off (ARNEWS_NO_ENCODER=1).

Both rates divide the same word count (``Document.stats.words``: Arabic and Latin words,
no punctuation or numbers) by the phase's wall time, so ratio = baseline time / arnews time.

peak_rss_mb: the largest total resident memory of the processes alive at the same time
(this process plus all its descendants), sampled every 50 ms from /proc (with psutil where
there is no /proc), PSS once a second (it is costlier); the phases do not overlap, so it is
the larger of the two phases' peaks. Pages shared after fork are counted
once per process, so this overstates real use; the proportional (PSS) peak is printed on
an earlier line for comparison.

The last line is exactly:
``words_per_s=N baseline_words_per_s=N ratio=X.XX docs=N words=N peak_rss_mb=N``
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path


class PeakMemory:
    """Samples the summed RSS (and PSS, less often) of this process and its descendants.

    On Linux it reads /proc directly (statm every sample, smaps_rollup for PSS, each task's
    ``children`` file for the process tree): psutil's ``children(recursive=True)`` scans every
    process on the machine, and the sampler cost ~1.7 s of CPU per run, taken from the workers
    it measures. Elsewhere (or without those files) it uses psutil.
    """

    def __init__(self, interval: float = 0.05, pss_every: int = 20):
        self.interval, self.pss_every = interval, pss_every
        self.peak_rss = 0
        self.peak_pss = 0
        self._page = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
        self._procfs = os.path.exists(f"/proc/{os.getpid()}/task/{threading.get_native_id()}/children")
        if not self._procfs:
            import psutil

            self.proc = psutil.Process()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _tree(self) -> list[int]:
        """This process and its descendants (children of any of their threads)."""
        pids, i = [os.getpid()], 0
        while i < len(pids):
            pid = pids[i]
            i += 1
            try:
                tasks = os.listdir(f"/proc/{pid}/task")
            except OSError:
                continue
            for tid in tasks:
                try:
                    with open(f"/proc/{pid}/task/{tid}/children", "rb") as f:
                        pids += [int(c) for c in f.read().split()]
                except OSError:
                    continue
        return pids

    def _sample_procfs(self, with_pss: bool) -> tuple[int, int]:
        rss = pss = 0
        for pid in self._tree():
            try:
                with open(f"/proc/{pid}/statm", "rb") as f:
                    rss += int(f.read().split()[1]) * self._page
                if with_pss:
                    with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
                        for line in f:
                            if line.startswith(b"Pss:"):
                                pss += int(line.split()[1]) * 1024
                                break
            except (OSError, ValueError, IndexError):  # the process ended meanwhile
                continue
        return rss, pss

    def _sample_psutil(self, with_pss: bool) -> tuple[int, int]:
        import psutil

        procs = [self.proc]
        try:
            procs += self.proc.children(recursive=True)
        except psutil.Error:
            pass
        rss = pss = 0
        for p in procs:
            try:
                if with_pss:
                    info = p.memory_full_info()
                    rss += info.rss
                    pss += getattr(info, "pss", info.rss)
                else:
                    rss += p.memory_info().rss
            except psutil.Error:
                continue
        return rss, pss

    def _sample(self, with_pss: bool) -> None:
        rss, pss = (self._sample_procfs if self._procfs else self._sample_psutil)(with_pss)
        self.peak_rss = max(self.peak_rss, rss)
        if with_pss:
            self.peak_pss = max(self.peak_pss, pss)

    def _run(self) -> None:
        n = 0
        while not self._stop.is_set():
            self._sample(n % self.pss_every == 0)
            n += 1
            self._stop.wait(self.interval)

    def __enter__(self) -> "PeakMemory":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample(True)


def baseline(folder: str) -> None:
    """Phase 1, run in a child process: prints one JSON line {"seconds", "tokens", "docs"}."""
    t0 = time.perf_counter()
    from arnews.morphology.builtin import load_db  # the same DB arnews uses (built on first use)

    db = load_db()
    from camel_tools.morphology.analyzer import Analyzer
    from camel_tools.tokenizers.word import simple_word_tokenize

    analyzer = Analyzer(db)
    tokens = docs = 0
    first = None
    for path in sorted(Path(folder).rglob("*.txt")):
        text = path.read_text(encoding="utf-8", errors="replace")
        docs += 1
        for tok in simple_word_tokenize(text):
            analyses = analyzer.analyze(tok)
            first = analyses[0] if analyses else None
            tokens += 1
    del first
    print(json.dumps({"seconds": time.perf_counter() - t0, "tokens": tokens, "docs": docs}))


def run_arnews(folder: str, jobs: int) -> tuple[float, int, int, int]:
    """Phase 2: (seconds, documents, failed, words)."""
    os.environ["ARNEWS_NO_ENCODER"] = "1"  # the CRF pipeline (see the docstring); workers inherit it
    from arnews.batch import iter_inputs, run_documents
    from arnews.corpus import CorpusSummary, digest
    from arnews.pipeline import Settings

    t0 = time.perf_counter()
    corpus = CorpusSummary()
    for d in run_documents(iter_inputs([folder], glob="*.txt"), Settings(), jobs=jobs, transform=digest):
        corpus.add(d)
    corpus.top_keywords(20)
    corpus.top_entities(20)
    return time.perf_counter() - t0, corpus.documents, corpus.failed, corpus.words


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", metavar="DIR")
    ap.add_argument("--jobs", type=int, default=None, help="worker processes (default: number of cores)")
    ap.add_argument("--_baseline", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args._baseline:
        baseline(args.folder)
        return
    from arnews.batch import default_jobs

    jobs = args.jobs or default_jobs()
    if not Path(args.folder).is_dir():
        sys.exit(f"throughput.py: {args.folder} is not a folder")
    try:
        load = os.getloadavg()[0]
    except OSError:
        load = float("nan")

    def cpu() -> float:  # this process plus its finished children (baseline, pool workers)
        me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime

    c0 = cpu()
    with PeakMemory() as mem_base:
        out = subprocess.run([sys.executable, __file__, args.folder, "--_baseline"], check=True,
                             stdout=subprocess.PIPE, text=True).stdout
    c1 = cpu()
    base = json.loads(out.strip().splitlines()[-1])
    with PeakMemory() as mem:
        seconds, docs, failed, words = run_arnews(args.folder, jobs)
    c2 = cpu()

    wps = words / seconds
    base_wps = words / base["seconds"]
    print(f"baseline: {base['docs']} docs, {base['tokens']} tokens analysed in {base['seconds']:.2f} s "
          f"(peak RSS {mem_base.peak_rss / 2**20:.0f} MB)")
    print(f"arnews: {docs} docs ({failed} failed), {words} words in {seconds:.2f} s with --jobs {jobs} "
          f"(peak RSS {mem.peak_rss / 2**20:.0f} MB summed over processes, PSS {mem.peak_pss / 2**20:.0f} MB)")
    print(f"cpu time: baseline {c1 - c0:.1f} s, arnews {c2 - c1:.1f} s (parent + workers; "
          f"cpu-time ratio {(c1 - c0) / max(c2 - c1, 1e-9):.2f})")
    try:
        load_end = os.getloadavg()[0]
    except OSError:
        load_end = float("nan")
    print(f"load average: {load:.2f} at start, {load_end:.2f} at end, on {os.cpu_count()} cores")
    peak = max(mem.peak_rss, mem_base.peak_rss)
    print(f"words_per_s={wps:.0f} baseline_words_per_s={base_wps:.0f} ratio={wps / base_wps:.2f} "
          f"docs={docs} words={words} peak_rss_mb={peak / 2**20:.0f}")


if __name__ == "__main__":
    main()
