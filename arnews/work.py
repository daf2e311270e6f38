"""One unit of batch work, shared by both engines (batch.py's worker processes and
dask_engine.py's tasks): an input to a Document, inputs in chunks, and a worker's set-up.

Below both engines, so that neither imports the other for it.
"""
from __future__ import annotations

import importlib
import logging
from typing import Iterable, Iterator, Union

from .document import Document, Source
from .pipeline import Pipeline, Settings
from .sources import SourceError, SourceRef, resolve

log = logging.getLogger(__name__)

Item = Union[Source, SourceError, SourceRef]


def failed_document(err: SourceError) -> Document:
    return Document(source=Source(name=err.name, text="", encoding="", path=err.path), error=err.message)


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
    loaded here either (see batch.PRELOAD_IN_PARENT).
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


def chunks(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    chunk: list[Item] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
