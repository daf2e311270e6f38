"""The batch as dask.distributed tasks, for corpora beyond one machine (``--engine dask``).

Each task analyses a chunk of inputs with the worker's Pipeline: one per worker process
and Settings, built on the first task and kept in a module-level cache (so the
morphology DB and NER model load once per worker, and the word-analysis cache warms
up across tasks). At most ``window`` tasks are in flight; results stream back as they
finish, in input or completion order, exactly as with the local engine.

Inputs: with a LocalCluster (no ``scheduler``) workers read the files themselves (same
machine). With a scheduler address the client reads each input and sends its text,
so the workers need not see the client's files; they do need arnews installed (with
its data built or buildable, see ``arnews data build``).

dask is optional (``pip install 'arnews[dask]'``) and imported only here.
"""
from __future__ import annotations

import collections
import logging
import threading
from typing import Any, Callable, Iterable, Iterator

from .document import Document
from .errors import DaskUnavailable
from .pipeline import Pipeline, Settings
from .sources import resolve
from .work import chunks as make_chunks, preload, process_item, worker_mode

log = logging.getLogger(__name__)

CONNECT_TIMEOUT = "10s"  # for reaching a --scheduler
LOCAL_PROCESSES = True  # a LocalCluster's workers are processes (threads would share one GIL)

_PIPES: dict[Settings, Pipeline] = {}
_LOCK = threading.Lock()


def worker_pipeline(settings: Settings) -> Pipeline:
    """This worker process's Pipeline for `settings` (created once)."""
    pipe = _PIPES.get(settings)
    if pipe is None:
        with _LOCK:
            pipe = _PIPES.get(settings)
            if pipe is None:
                worker_mode(settings)
                pipe = Pipeline(settings)
                preload(pipe)
                _PIPES[settings] = pipe
    return pipe


_RUN_LOCKS: dict[int, threading.Lock] = collections.defaultdict(threading.Lock)


def run_chunk(settings: Settings, transform: Callable[[Document], Any] | None, chunk: list) -> list:
    """The task: one chunk of inputs (Source, SourceError or SourceRef) to Documents or transform(doc)."""
    pipe = worker_pipeline(settings)
    # A worker with several threads shares one Pipeline; the GIL allows no real parallelism
    # between them anyway, so they take turns (run workers with --nthreads 1 for CPU use).
    with _RUN_LOCKS[id(pipe)]:
        docs = [process_item(pipe, item) for item in chunk]
    return docs if transform is None else [transform(d) for d in docs]


def _import_distributed():
    try:
        import distributed
    except ImportError:
        raise DaskUnavailable(
            "the dask engine needs dask.distributed, which is not installed: pip install 'arnews[dask]'"
        ) from None
    return distributed


def run_dask(items: Iterable[Any], settings: Settings, *, scheduler: str | None = None, workers: int = 2,
             order: str = "input", chunk_size: int | None = None, window: int | None = None,
             transform: Callable[[Document], Any] | None = None, processes: bool | None = None) -> Iterator[Any]:
    """Documents (or transform(doc)) for `items`, computed on a dask cluster.

    Args:
        scheduler: address such as ``tcp://10.0.0.5:8786``; None starts a LocalCluster on 127.0.0.1
            with `workers` single-threaded worker processes (threads with ``processes=False``).
    """
    distributed = _import_distributed()
    # dask logs cluster start/stop at INFO; keep stderr for our own diagnostics unless debugging (-vv).
    if logging.getLogger().getEffectiveLevel() > logging.DEBUG:
        for name in ("distributed", "dask"):
            logging.getLogger(name).setLevel(logging.WARNING)

    cluster = None
    try:
        if scheduler:
            try:
                client = distributed.Client(scheduler, timeout=CONNECT_TIMEOUT)
            except (OSError, TimeoutError) as e:
                raise DaskUnavailable(f"cannot reach the dask scheduler at {scheduler}: {e}") from None
            read_on_client = True
        else:
            cluster = distributed.LocalCluster(
                n_workers=max(1, workers), threads_per_worker=1,
                processes=LOCAL_PROCESSES if processes is None else processes, host="127.0.0.1",
                protocol="tcp://", dashboard_address=None, silence_logs=logging.ERROR,
            )
            client = distributed.Client(cluster)
            read_on_client = False
    except DaskUnavailable:
        raise
    except Exception as e:
        if cluster is not None:
            cluster.close()
        raise DaskUnavailable(f"cannot start the dask engine: {type(e).__name__}: {e}") from None

    try:
        threads = sum(client.nthreads().values()) or 1
        window = window or max(4, 3 * threads)
        if read_on_client:
            items = (resolve(i) for i in items)
        chunks = make_chunks(items, chunk_size or 4)

        def submit(chunk: list) -> Any:
            return client.submit(run_chunk, settings, transform, chunk, pure=False)

        if order == "input":
            pending: collections.deque = collections.deque()
            for chunk in chunks:
                pending.append(submit(chunk))
                if len(pending) >= window:
                    yield from pending.popleft().result()
            while pending:
                yield from pending.popleft().result()
        else:
            ac = distributed.as_completed()
            inflight = 0
            for chunk in chunks:
                ac.add(submit(chunk))
                inflight += 1
                if inflight >= window:
                    break
            for fut in ac:
                result = fut.result()
                inflight -= 1
                nxt = next(chunks, None)
                if nxt is not None:
                    ac.add(submit(nxt))
                    inflight += 1
                yield from result
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
