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
import dataclasses
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
        from .entities import encoder

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
        jobs: worker processes (1: in this process); at most max_jobs(), and no more than the
            inputs fill (chunk_size each). For dask: ignored (the cluster decides), except that a
            LocalCluster started here gets that many workers.
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
    chunk_size = chunk_size or 4
    if jobs > 1:
        jobs = min(jobs, max_jobs())
        # No more workers than chunks to give them (`--jobs 1000` for 5 files starts 2), and none
        # for a single chunk or input: `arnews analyze file.txt` must start fast.
        it = iter(items)
        head = list(itertools.islice(it, jobs * chunk_size))
        items = itertools.chain(head, it)
        jobs = min(jobs, -(-len(head) // chunk_size)) if len(head) >= 2 else 1
    if jobs <= 1:
        pipe = Pipeline(settings)
        with batch_gc():
            for item in items:
                doc = process_item(pipe, item)
                yield transform(doc) if transform is not None else doc
        return
    yield from _run_pool(items, settings, jobs, order, chunk_size, window or jobs * 4, transform)


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
# In a worker: its row in the pool's WorkerSlots (see there), or None.
_WORKER_SLOT: tuple[Any, int] | None = None

# Workers are CPU-bound: more of them than cores only adds memory (each holds its own backends,
# ~200 MB); `--jobs` is capped at this many per core (and at the number of inputs).
JOBS_PER_CORE = 2
# A worker that died while analysing a document is replaced and the document tried again once;
# when its second try kills a worker as well, it is reported as failed.
MAX_TRIES = 2
# Pools that break before any result arrives in between (workers dying at start-up, say) end the run.
MAX_BARREN_BREAKS = 3


class WorkersFailed(RuntimeError):
    """Worker processes keep dying before they finish anything: the batch cannot go on."""


def max_jobs() -> int:
    """The most worker processes a local batch starts: JOBS_PER_CORE per usable core."""
    return JOBS_PER_CORE * default_jobs()


@dataclasses.dataclass
class WorkerSlots:
    """What each worker of one pool is analysing: shared memory the workers write without locks.

    Row i holds a worker's pid and the sequence number of the input it is on (-1: none), so that
    when a worker dies the parent knows which input was in its hands (the pool itself only says
    that *some* worker died, and fails every task in flight).
    """

    array: Any  # multiprocessing Array('q', 2 * rows), lock-free: each row has one writer
    claimed: Any  # multiprocessing Value('i'): rows handed out so far
    parent_pid: int

    @classmethod
    def create(cls, ctx: multiprocessing.context.BaseContext, rows: int) -> "WorkerSlots":
        array = ctx.Array("q", 2 * rows, lock=False)
        for i in range(rows):
            array[2 * i + 1] = -1
        return cls(array, ctx.Value("i", 0), os.getpid())

    def busy(self) -> dict[int, int]:
        """pid -> sequence number of the input each worker is analysing now."""
        rows = len(self.array) // 2
        return {self.array[2 * i]: self.array[2 * i + 1] for i in range(rows)
                if self.array[2 * i] and self.array[2 * i + 1] >= 0}


def _die_with_parent(parent_pid: int) -> None:
    """Make this worker end when the parent process does, however it ends (kill -9 included):
    an orphaned worker would hold ~200 MB and the caller's stdout (`arnews … | consumer` would
    never end). Linux delivers SIGKILL at the parent's death (PR_SET_PDEATHSIG); elsewhere, and
    in case that fails, a thread checks the parent pid once a second."""
    import signal
    import threading
    import time

    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            PR_SET_PDEATHSIG = 1
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            log.debug("prctl(PR_SET_PDEATHSIG) failed", exc_info=True)
    if os.getppid() != parent_pid:  # the parent died before the line above
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(1.0)
            if os.getppid() != parent_pid:
                os._exit(1)

    threading.Thread(target=watch, name="arnews-parent-watch", daemon=True).start()


def _init_worker(settings: Settings, transform: Callable[[Document], Any] | None,
                 slots: WorkerSlots | None = None) -> None:
    global _WORKER_PIPE, _WORKER_TRANSFORM, _WORKER_SLOT
    # Ctrl-C goes to the whole process group; the parent decides what to do, workers just stop
    # quietly. Ignored first: a worker still loading its backends (the encoder takes a while) would
    # otherwise run the parent's handler, inherited through fork, and die with a traceback.
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if slots is not None:
        _die_with_parent(slots.parent_pid)
        with slots.claimed.get_lock():
            row = slots.claimed.value
            slots.claimed.value += 1
        if 2 * row < len(slots.array):
            slots.array[2 * row] = os.getpid()
            _WORKER_SLOT = (slots.array, row)
    if _WORKER_PIPE is None or _WORKER_PIPE.settings != settings:
        _WORKER_PIPE = Pipeline(settings)
    _WORKER_TRANSFORM = transform
    gc.set_threshold(*GC_THRESHOLD)  # see batch_gc(): a worker runs nothing but batch work
    worker_mode(settings)


def _run_chunk(chunk: list[Item], generation: int = 0,
               seqs: list[int] | None = None) -> tuple[list[Any], float, int]:
    """A worker's task: the chunk's results, the worker's peak memory so far (MB), and the
    generation of the pool it was submitted to (passed through, see _Pools.unpack)."""
    assert _WORKER_PIPE is not None
    slot = _WORKER_SLOT if seqs is not None else None
    docs = []
    for i, item in enumerate(chunk):
        if slot is not None:
            slot[0][2 * slot[1] + 1] = seqs[i]  # type: ignore[index]
        docs.append(process_item(_WORKER_PIPE, item))
    if slot is not None:
        slot[0][2 * slot[1] + 1] = -1
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


@dataclasses.dataclass
class _Task:
    """A chunk in flight: its inputs with their sequence numbers, the future of its result, and
    the documents of inputs already given up on (their worker died twice)."""

    seqs: list[int]
    items: list[Item]
    future: Future
    generation: int
    failed: dict[int, Any] = dataclasses.field(default_factory=dict)
    order: list[int] = dataclasses.field(default_factory=list)  # every seq of the chunk, in input order

    def __post_init__(self) -> None:
        self.order = self.order or list(self.seqs)


def _item_name(item: Item) -> tuple[str, str | None]:
    return item.name, getattr(item, "path", None)


def _death_reason(exitcode: int | None, who: str = "the worker process analysing it ") -> str:
    import signal

    if exitcode is None or exitcode == 0:
        return f"{who}died"
    if exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        hint = " (out of memory?)" if -exitcode == signal.SIGKILL else ""
        return f"{who}was killed by {name}{hint}"
    return f"{who}exited with status {exitcode}"


class _Pools:
    """The current ProcessPoolExecutor, replaced by a fresh one when a worker outgrows the budget
    or when one dies (then the chunks in flight are sent again; see recover())."""

    def __init__(self, make: Callable[[WorkerSlots | None], ProcessPoolExecutor], budget_mb: float,
                 slots: Callable[[], WorkerSlots] | None = None,
                 transform: Callable[[Document], Any] | None = None):
        self.make, self.budget = make, budget_mb
        self.new_slots = slots
        self.transform = transform
        self.slots = slots() if slots else None
        self.pool = make(self.slots)
        self.recycle = False
        self.recycled = 0
        self.rebuilt = 0  # fresh pools after a worker died
        self.generation = 0  # bumped with every fresh pool; each task carries the one it was sent to
        self.processes: dict[int, Any] = {}  # pid -> Process of the current pool (seen at submit)
        self.deaths: dict[int, int] = {}  # seq -> times a worker died while analysing it
        self.barren = 0  # pools broken since the last result

    def _fresh(self) -> None:
        self.slots = self.new_slots() if self.new_slots else None
        self.pool = self.make(self.slots)
        self.processes = {}
        self.generation += 1
        self.recycle = False  # fresh workers: an earlier worker's size is no reason to replace them

    def submit(self, fn: Callable, chunk: list[Item], seqs: list[int] | None = None) -> Future:
        if self.recycle:
            # The old workers finish what they were given (results stay in their futures), then
            # fresh ones start: never more than `jobs` workers alive at once.
            self.pool.shutdown(wait=True)
            self._fresh()
            self.recycle = False
            self.recycled += 1
            log.info("a worker grew over %.0f MB: started fresh workers", self.budget)
        try:
            fut = self.pool.submit(fn, chunk, self.generation, *(() if seqs is None else (seqs,)))
        except RuntimeError as e:  # BrokenProcessPool: a worker died; recover() handles it
            from concurrent.futures import Future

            fut = Future()
            fut.set_exception(e)
        self.processes.update(getattr(self.pool, "_processes", None) or {})
        return fut

    def start(self, fn: Callable, chunk: list[Item], seqs: list[int]) -> _Task:
        return _Task(seqs, chunk, self.submit(fn, chunk, seqs), self.generation)

    def unpack(self, result: tuple[list[Any], float, int]) -> list[Any]:
        docs, rss_mb, generation = result
        self.barren = 0
        # Only the current workers' memory counts: results of the replaced pool's last chunks
        # (up to `window` of them arrive after the swap) report the old workers' peak, and acting
        # on them would replace the fresh workers after a single chunk, again and again.
        if self.budget and rss_mb > self.budget and generation == self.generation:
            self.recycle = True
        return docs

    def results(self, task: _Task, result: tuple[list[Any], float, int]) -> list[Any]:
        """The task's documents in input order, with those given up on in their places."""
        by_seq = dict(zip(task.seqs, self.unpack(result)))
        by_seq.update(task.failed)
        return [by_seq[s] for s in task.order]

    def recover(self, fn: Callable, tasks: Iterable[_Task]) -> None:
        """A worker died: the pool failed every task in flight. Start a fresh pool and send the
        tasks of the broken one again; the input the dead worker was analysing counts a death,
        and one that has killed MAX_TRIES workers is taken out as a failed document."""
        from concurrent.futures import wait
        from concurrent.futures.process import BrokenProcessPool

        tasks = list(tasks)
        if getattr(self.pool, "_broken", False):
            wait([t.future for t in tasks if t.generation == self.generation])  # the pool fails them all at once
        lost = [t for t in tasks if t.future.done() and isinstance(t.future.exception(), BrokenProcessPool)]
        if not lost:
            return
        if not getattr(self.pool, "_broken", False):  # lost by an earlier pool (replaced meanwhile): send again
            for task in lost:
                task.future = self.submit(fn, task.items, task.seqs)
                task.generation = self.generation
            return
        self.barren += 1
        if self.barren > MAX_BARREN_BREAKS:
            raise WorkersFailed(
                f"worker processes keep dying before finishing anything ({self.barren} times in a row; "
                "is memory short? try fewer --jobs, or -v for details)")
        # Which inputs were in the hands of workers that died. The pool terminates the other workers
        # (SIGTERM) once it notices one is gone: a worker that ended otherwise is the one that died.
        import signal

        busy = self.slots.busy() if self.slots is not None else {}
        # The futures fail as soon as the pool sees a worker's pipe close, which can be before the
        # dead process can be reaped: wait (briefly) for every exit code.
        import time

        deadline = time.monotonic() + 5.0
        for proc in self.processes.values():
            while proc.exitcode is None and time.monotonic() < deadline:
                proc.join(0.05)
        dead = {pid: p.exitcode for pid, p in self.processes.items()
                if p.exitcode is not None and p.exitcode != -signal.SIGTERM}
        if dead:
            suspects = {busy[pid]: dead[pid] for pid in dead if pid in busy}
        else:  # cannot tell which one died first: every input being analysed is suspect
            suspects = {seq: -signal.SIGTERM for seq in busy.values()}
        log.warning("a worker process %s: started fresh workers and sent the %d chunk(s) in flight again",
                    ", ".join(sorted({_death_reason(c, "") for c in dead.values()})) or "was terminated",
                    len(lost))
        with contextlib.suppress(Exception):
            self.pool.shutdown(wait=False)
        self._fresh()
        self.rebuilt += 1
        for task in lost:
            keep = []
            for seq, item in zip(task.seqs, task.items):
                if seq in suspects:
                    self.deaths[seq] = self.deaths.get(seq, 0) + 1
                    if self.deaths[seq] >= MAX_TRIES:
                        name, path = _item_name(item)
                        doc = failed_document(SourceError(
                            name, f"{_death_reason(suspects[seq])}, twice; not analysed", path))
                        task.failed[seq] = self.transform(doc) if self.transform is not None else doc
                        continue
                keep.append((seq, item))
            task.seqs = [s for s, _ in keep]
            task.items = [i for _, i in keep]
            if task.items:
                task.future = self.submit(fn, task.items, task.seqs)  # (may start yet another pool)
                task.generation = self.generation
            else:
                task.generation = self.generation
                from concurrent.futures import Future

                task.future = Future()
                task.future.set_result(([], 0.0, self.generation))

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

    def make(slots: WorkerSlots | None) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_init_worker,
                                   initargs=(settings, transform, slots))

    pools = _Pools(make, worker_memory_budget(), slots=lambda: WorkerSlots.create(ctx, jobs), transform=transform)
    finished = False
    try:
        yield from _stream(pools, _run_chunk, _chunks(items, chunk_size), order, window)
        finished = True
    finally:
        pools.close(finished)
        if preloaded:
            gc.unfreeze()
            _WORKER_PIPE = None


def _stream(pools: _Pools, fn: Callable, chunks: Iterator[list[Item]], order: str, window: int) -> Iterator[Any]:
    """Keep up to `window` chunks in flight; yield results in input or completion order."""
    from concurrent.futures import FIRST_COMPLETED, wait
    from concurrent.futures.process import BrokenProcessPool

    pending: collections.deque[_Task] = collections.deque()
    exhausted = False
    seq = itertools.count()

    def fill() -> None:
        nonlocal exhausted
        while not exhausted and len(pending) < window:
            chunk = next(chunks, None)
            if chunk is None:
                exhausted = True
            else:
                pending.append(pools.start(fn, chunk, [next(seq) for _ in chunk]))

    try:
        fill()
        while pending:
            if order == "input":
                task = pending[0]
                wait([task.future])
            else:
                done, _ = wait([t.future for t in pending], return_when=FIRST_COMPLETED)
                task = next(t for t in pending if t.future in done)  # oldest finished first: stable
            if isinstance(task.future.exception(), BrokenProcessPool):
                pools.recover(fn, pending)
                continue
            pending.remove(task)
            docs = pools.results(task, task.future.result())
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
