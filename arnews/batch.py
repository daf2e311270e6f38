"""Running the pipeline over many inputs. Every input yields exactly one Document, failed or not.

Engines:

* ``jobs=1``: in this process, one Pipeline.
* ``jobs>1``: worker processes (``fork`` on Linux: workers start at once with the
  parent's modules; ``spawn`` elsewhere). Each worker builds its Pipeline once and keeps
  it (and its word-analysis cache) for all its chunks. Backends are loaded in the workers,
  not preloaded in the parent: measured on SaudiNewsNet with 2 workers, preloading saved
  no wall time (two cores load in parallel) and ~10% proportional memory, but added the
  parent's copy to the summed RSS (+20%); Python's reference counting un-shares most
  copy-on-write pages anyway. ``PRELOAD_IN_PARENT = True`` switches it on. What is
  preloaded with fork is the stages' own modules (``preload_imports``), not camel_tools.
  A worker that outgrows the memory budget is replaced (with all the others) by a fresh
  one (``_Pools``); the workers collect cyclic garbage rarely (``batch_gc``).
  Files are sent to the workers as paths (``SourceRef``), so reading and decoding
  happen in parallel too. At most ``window`` chunks are in flight and finished
  Documents are handed on at once, so memory stays flat over any corpus size.
* ``engine="dask"``: the same work as dask.distributed tasks (see dask_engine.py).

Results come in input order (``order="input"``) or as soon as each is done
(``order="completion"``).
"""
from __future__ import annotations

import collections
import contextlib
import gc
import importlib
import itertools
import logging
import os
import sys
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Sequence, Union

from .document import Document, Source
from .pipeline import Pipeline, Settings
from .sources import (DEFAULT_GLOB, SourceError, SourceRef, expand_inputs, iter_inputs,  # noqa: F401 (re-exported)
                      resolve)

if TYPE_CHECKING:  # imported where used: one article never starts a pool (~30 ms of start-up)
    import multiprocessing.context
    from concurrent.futures import Future, ProcessPoolExecutor

log = logging.getLogger(__name__)

ORDERS = ("input", "completion")
ENGINES = ("local", "dask")


Item = Union[Source, SourceError, SourceRef]


def failed_document(err: SourceError) -> Document:
    return Document(source=Source(name=err.name, text="", encoding="", path=err.path), error=err.message)


def count_inputs(paths: Sequence[str], glob: str = DEFAULT_GLOB, exclude: Iterable[str] = ()) -> int | None:
    """How many inputs `paths` name (for a progress bar's total); None when stdin is among them."""
    if "-" in paths:
        return None
    return sum(1 for _ in expand_inputs(paths, glob, exclude=exclude))


def process_item(pipe: Pipeline, item: Item) -> Document:
    """One input to one Document (reading it first when it is a SourceRef)."""
    src = resolve(item)
    if isinstance(src, SourceError):
        return failed_document(src)
    return pipe.run(src)


def preload(pipe: Pipeline) -> None:
    """Load the backends the settings need now (so forked workers share them)."""
    stages = pipe.settings.stages
    if "lemmas" in stages:
        pipe.morphology  # noqa: B018 - property loads the backend
    if "entities" in stages:
        pipe.ner  # noqa: B018


def worker_mode(settings: Settings) -> None:
    """Settings for a process that runs nothing but batch work (pool and dask workers)."""
    if "entities" in settings.stages:
        from .entities import crf, encoder

        crf.batch_mode()
        encoder.batch_mode()


def preload_imports(settings: Settings) -> None:
    """Import the stages' own modules (~2 MB) before forking workers, so that every worker
    (and every fresh one after a replacement) starts with them: 30-60 ms per worker start, more
    where no bytecode cache is written (PYTHONDONTWRITEBYTECODE).

    Not camel_tools (the morphology modules import it): it builds its Unicode tables when
    imported (0.5 s CPU) and holds ~49 MB, which the parent's copy would add to the summed
    memory of a batch. Measured on SaudiNewsNet with 2 workers and no worker replacement:
    preloading it saved no wall time (9.7 s either way) and cost 40 MB of peak summed RSS.
    Nor the modules that are mostly data (stopwordsiso: 7 MB). The backends themselves are not
    loaded here either (see PRELOAD_IN_PARENT).
    """
    stages = settings.stages
    modules = ["arnews.stopwords"]
    if "entities" in stages:
        # The backends' code (the CRF model is loaded by the workers; torch is never imported here).
        modules += ["arnews.entities", "arnews.entities.bert", "arnews.entities.crf", "arnews.entities.mentions",
                    "arnews.entities.grouping"]
    if "keywords" in stages:
        modules.append("arnews.keywords")
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # the workers import it themselves and report what is wrong
            log.debug("could not preload %s", name, exc_info=True)


def _chunks(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    chunk: list[Item] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def run_documents(items: Iterable[Item], settings: Settings, jobs: int = 1, *, order: str = "input",
                  engine: str = "local", scheduler: str | None = None, chunk_size: int | None = None,
                  window: int | None = None, transform: Callable[[Document], Any] | None = None) -> Iterator[Any]:
    """One Document per item (Source, SourceError or SourceRef), or ``transform(document)``.

    Args:
        items: inputs, e.g. from iter_inputs() or sources.iter_sources().
        settings: what to compute.
        jobs: worker processes (1: in this process). For dask: ignored (the cluster decides),
            except that a LocalCluster started here gets that many workers.
        order: "input" (same order as items) or "completion" (each as soon as it is done).
        engine: "local" (processes on this machine) or "dask".
        scheduler: dask scheduler address; None starts a LocalCluster.
        chunk_size: inputs per task; window: tasks in flight (defaults suit news articles).
        transform: applied to each Document where it was made (in the worker), and its result
            yielded instead; must be picklable for jobs > 1 (e.g. render.prepared.DocumentFormatter).

    Raises:
        BackendUnavailable: a backend the settings need cannot be loaded.
    """
    if order not in ORDERS:
        raise ValueError(f"order must be one of {ORDERS}, not {order!r}")
    if engine == "dask":
        from .dask_engine import run_dask

        yield from run_dask(items, settings, scheduler=scheduler, workers=jobs, order=order,
                            chunk_size=chunk_size, window=window, transform=transform)
        return
    if engine != "local":
        raise ValueError(f"engine must be one of {ENGINES}, not {engine!r}")
    if jobs > 1:
        # One input gains nothing from workers (and `arnews analyze file.txt` must start fast).
        it = iter(items)
        head = list(itertools.islice(it, 2))
        items = itertools.chain(head, it)
        if len(head) < 2:
            jobs = 1
    if jobs <= 1:
        pipe = Pipeline(settings)
        with batch_gc():
            for item in items:
                doc = process_item(pipe, item)
                yield transform(doc) if transform is not None else doc
        return
    yield from _run_pool(items, settings, jobs, order, chunk_size or 4, window or jobs * 4, transform)


# ---- garbage collection -----------------------------------------------------------------------

# A document allocates tens of thousands of GC-tracked objects (tokens with their clitic lists,
# keyword candidates) that live until it is done. With the default threshold (700 allocations)
# young collections scan them again and again and promote them, and the resulting full
# collections rescan the per-word caches, which keep growing: on SaudiNewsNet 18% of a worker's
# CPU time (2.8 of 16 s for 668 articles). The stages make no reference cycles (documents are
# freed by reference counting), so batch runs collect far less often; peak memory was unchanged.
GC_THRESHOLD = (20_000, 20, 20)


@contextlib.contextmanager
def batch_gc() -> Iterator[None]:
    """Rarer cyclic garbage collection while a batch runs in this process (restored after)."""
    old = gc.get_threshold()
    gc.set_threshold(*GC_THRESHOLD)
    try:
        yield
    finally:
        gc.set_threshold(*old)


# ---- worker processes -------------------------------------------------------------------------

# Load the backends in the parent before forking, so workers share them copy-on-write (see above).
PRELOAD_IN_PARENT = False

# In a worker: the Pipeline it uses for every chunk. After fork it is the parent's preloaded one.
_WORKER_PIPE: Pipeline | None = None
_WORKER_TRANSFORM: Callable[[Document], Any] | None = None


def _init_worker(settings: Settings, transform: Callable[[Document], Any] | None) -> None:
    global _WORKER_PIPE, _WORKER_TRANSFORM
    if _WORKER_PIPE is None or _WORKER_PIPE.settings != settings:
        _WORKER_PIPE = Pipeline(settings)
    _WORKER_TRANSFORM = transform
    gc.set_threshold(*GC_THRESHOLD)  # see batch_gc(): a worker runs nothing but batch work
    worker_mode(settings)
    # Ctrl-C goes to the whole process group; the parent decides what to do, workers just stop quietly.
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _run_chunk(chunk: list[Item], generation: int = 0) -> tuple[list[Any], float, int]:
    """A worker's task: the chunk's results, the worker's peak memory so far (MB), and the
    generation of the pool it was submitted to (passed through, see _Pools.unpack)."""
    assert _WORKER_PIPE is not None
    docs = [process_item(_WORKER_PIPE, item) for item in chunk]
    # Everything alive now (the backends, loaded with the first document; what the chunk added to
    # the per-word caches; the chunk's documents, freed by reference counting once sent) is kept
    # from the collector's scans from here on: gc.freeze is cheap (it moves the tracked objects
    # to a permanent generation), the stages make no reference cycles, and young collections
    # rescanning the growing caches were ~3% of a worker's CPU (0.25 of 8-11 s per 668 articles).
    gc.freeze()
    return (docs if _WORKER_TRANSFORM is None else [_WORKER_TRANSFORM(d) for d in docs]), _peak_rss_mb(), generation


def _peak_rss_mb() -> float:
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10  # bytes on macOS, KiB elsewhere


# A worker holds ~140 MB of loaded backends; past this its word caches are dropped by replacing
# the workers. Measured 2026-12-01 with `--jobs 2` on SaudiNewsNet (1,336 articles): the workers
# end at ~265 MB each (shared NER rows for small feature blocks, see entities/viterbi.py) and the
# parent at ~50 MB, so the corpus runs without a replacement and peaks at 575-580 MB summed. A
# replacement costs ~2.5 s of wall time here (fresh caches fill again), so the budget is as high
# as a 600 MB run with two workers allows. Raise it (ARNEWS_WORKER_MAX_MB, 0: never replace) when
# memory is plentiful.
WORKER_MAX_MB = 270.0


def worker_memory_budget() -> float:
    """MB a worker may reach before the pool is replaced by fresh workers ($ARNEWS_WORKER_MAX_MB; 0: never).

    Per-word caches in the stages grow with a corpus' vocabulary; fresh workers start again
    from the loaded backends, so memory stays bounded on any corpus size.
    """
    try:
        return float(os.environ.get("ARNEWS_WORKER_MAX_MB", WORKER_MAX_MB))
    except ValueError:
        return WORKER_MAX_MB


def mp_context() -> multiprocessing.context.BaseContext:
    """fork where it is safe and cheap (Linux); spawn elsewhere."""
    import multiprocessing

    if sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


class _Pools:
    """The current ProcessPoolExecutor, replaced by a fresh one when a worker outgrows the budget."""

    def __init__(self, make: Callable[[], ProcessPoolExecutor], budget_mb: float):
        self.make, self.budget = make, budget_mb
        self.pool = make()
        self.recycle = False
        self.recycled = 0
        self.generation = 0  # bumped with every fresh pool; each task carries the one it was sent to

    def submit(self, fn: Callable, chunk: list[Item]) -> Future:
        if self.recycle:
            # The old workers finish what they were given (results stay in their futures), then
            # fresh ones start: never more than `jobs` workers alive at once.
            self.pool.shutdown(wait=True)
            self.pool = self.make()
            self.recycle = False
            self.recycled += 1
            self.generation += 1
            log.info("a worker grew over %.0f MB: started fresh workers", self.budget)
        return self.pool.submit(fn, chunk, self.generation)

    def unpack(self, result: tuple[list[Any], float, int]) -> list[Any]:
        docs, rss_mb, generation = result
        # Only the current workers' memory counts: results of the replaced pool's last chunks
        # (up to `window` of them arrive after the swap) report the old workers' peak, and acting
        # on them would replace the fresh workers after a single chunk, again and again.
        if self.budget and rss_mb > self.budget and generation == self.generation:
            self.recycle = True
        return docs

    def close(self, finished: bool) -> None:
        if finished:
            self.pool.shutdown(wait=True)
            return
        # Interrupted, an error, or the consumer stopped early: don't wait for work nobody will read.
        processes = list((getattr(self.pool, "_processes", None) or {}).values())
        # No cancel_futures: once a worker is terminated, Python 3.11's pool fails every pending
        # future, and a cancelled one makes its manager thread print an InvalidStateError traceback.
        self.pool.shutdown(wait=False)
        for proc in processes:
            if proc.is_alive():
                proc.terminate()


def _run_pool(items: Iterable[Item], settings: Settings, jobs: int, order: str, chunk_size: int,
              window: int, transform: Callable[[Document], Any] | None) -> Iterator[Any]:
    global _WORKER_PIPE
    ctx = mp_context()
    preloaded = ctx.get_start_method() == "fork" and PRELOAD_IN_PARENT
    if preloaded:
        # Load the heavy backends once here; the workers inherit them copy-on-write.
        _WORKER_PIPE = Pipeline(settings)
        preload(_WORKER_PIPE)
        gc.collect()
        gc.freeze()  # keep the collector from touching (and so copying) the shared objects in workers
    elif ctx.get_start_method() == "fork":
        preload_imports(settings)

    from concurrent.futures import ProcessPoolExecutor

    def make() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_init_worker,
                                   initargs=(settings, transform))

    pools = _Pools(make, worker_memory_budget())
    finished = False
    try:
        yield from _stream(pools.submit, _run_chunk, _chunks(items, chunk_size), order, window, pools.unpack)
        finished = True
    finally:
        pools.close(finished)
        if preloaded:
            gc.unfreeze()
            _WORKER_PIPE = None


def _stream(submit: Callable[..., Future], fn: Callable, chunks: Iterator[list[Item]], order: str,
            window: int, unpack: Callable[[Any], list[Any]] = list) -> Iterator[Any]:
    """Keep up to `window` chunks in flight; yield results in input or completion order."""
    from concurrent.futures import FIRST_COMPLETED, wait

    pending: collections.deque[Future] = collections.deque()
    exhausted = False

    def fill() -> None:
        nonlocal exhausted
        while not exhausted and len(pending) < window:
            chunk = next(chunks, None)
            if chunk is None:
                exhausted = True
            else:
                pending.append(submit(fn, chunk))

    try:
        fill()
        while pending:
            if order == "input":
                fut = pending.popleft()
            else:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                fut = next(f for f in pending if f in done)  # oldest finished first: stable when several are
                pending.remove(fut)
            docs = unpack(fut.result())
            fill()
            yield from docs
    finally:
        # Pending futures are not cancelled here: the pool's close() stops the workers, and a
        # cancelled future would make Python 3.11's pool print an InvalidStateError (see close()).
        pending.clear()


def default_jobs() -> int:
    """Cores this process may use."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1
