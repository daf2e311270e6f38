"""Running the pipeline over many inputs. Every input yields exactly one Document, failed or not."""
from __future__ import annotations

from typing import Iterable, Iterator

from .document import Document, Source
from .pipeline import Pipeline, Settings
from .sources import SourceError


def failed_document(err: SourceError) -> Document:
    return Document(source=Source(name=err.name, text="", encoding="", path=err.path), error=err.message)


def run_documents(items: Iterable[Source | SourceError], settings: Settings, jobs: int = 1) -> Iterator[Document]:
    """Documents in input order. (jobs > 1 is handled by the parallel engine when present.)"""
    pipe = Pipeline(settings)
    for item in items:
        if isinstance(item, SourceError):
            yield failed_document(item)
        else:
            yield pipe.run(item)
