"""arnews: analyse Arabic news text (normalisation, tokens, lemmas, entities, keywords).

Python use::

    from arnews import analyze_text
    doc = analyze_text(open("article.txt", encoding="utf-8").read())
    for group in doc.entity_groups:
        print(group.canonical, group.label, group.count)

Importing arnews is cheap: heavy resources (morphology DB, NER model) load on first use.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:  # pragma: no cover
    from .document import Document
    from .pipeline import Pipeline, Settings


def analyze_text(text: str, settings: "Settings | None" = None, name: str = "<text>") -> "Document":
    """Analyse one text (all stages by default) and return its Document."""
    from .pipeline import analyze_text as _analyze

    return _analyze(text, settings, name)


def analyze_paths(paths: list[str], settings: "Settings | None" = None, **source_options: Any):
    """Yield one Document per input (files, folders, "-"), failed inputs included with `error` set."""
    from .batch import run_documents
    from .pipeline import Settings
    from .sources import iter_sources

    yield from run_documents(iter_sources(paths, **source_options), settings or Settings())


def __getattr__(name: str) -> Any:
    # Pipeline and Settings on demand, so `import arnews` stays light.
    if name in ("Pipeline", "Settings"):
        from . import pipeline

        return getattr(pipeline, name)
    raise AttributeError(name)
