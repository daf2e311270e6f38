"""Named entities: backends (embedded CRF, optional CAMeL BERT), mentions, grouping.

Cheap to import: the CRF model, resources and camel_tools.ner load lazily, once per process.

    backend = get_backend("auto")       # "auto" | "crf" | "bert"
    backend.tag(["أعلن", "الرئيس", "جو", "بايدن"])   # -> ["O", "O", "B-PERS", "I-PERS"]
    extract_entities(doc, backend)      # fills doc.entities and doc.entity_groups
"""
from __future__ import annotations

import logging
import threading
from typing import Protocol

from .errors import MissingDataError

__all__ = ["NerBackend", "MissingDataError", "get_backend", "extract_entities", "BACKENDS"]

log = logging.getLogger(__name__)

BACKENDS = ("auto", "crf", "bert")
_LOADED: dict[str, "NerBackend"] = {}
_LOCK = threading.Lock()


class NerBackend(Protocol):
    name: str  # "crf" | "bert"
    version: str

    def tag(self, words: list[str], analyses: list | None = None) -> list[str]:
        """One BIO tag per word (B-PERS, I-LOC, ..., O)."""
        ...


def get_backend(name: str = "auto") -> NerBackend:
    """The NER backend called `name`, built once per process.

    Args:
        name: "crf" (embedded model), "bert" (CAMeL Tools' ner-arabert, if installed) or
            "auto" (bert when installed, else crf).
    Raises:
        MissingDataError: "bert" was asked for and the model is not installed.
        ValueError: unknown name.
    """
    from . import bert

    if name == "auto":
        if bert.is_available():
            try:
                return get_backend("bert")
            except Exception as exc:  # model folder present but unusable (no torch ...): embedded model
                log.warning("BERT NER model found but not usable (%s); using the embedded CRF", exc)
        name = "crf"
    if name not in ("crf", "bert"):
        raise ValueError(f"unknown NER backend {name!r}; choose from: {', '.join(BACKENDS)}")
    with _LOCK:
        backend = _LOADED.get(name)
        if backend is None:
            if name == "crf":
                from .crf import CrfBackend

                backend = CrfBackend()
            else:
                backend = bert.BertBackend()
            _LOADED[name] = backend
    return backend


def extract_entities(doc, backend: NerBackend) -> None:
    """Tag every sentence of `doc`; fill doc.entities, doc.entity_groups and doc.backends["ner"]."""
    from .mentions import find_mentions
    from .grouping import group_mentions

    doc.entities = find_mentions(doc, backend)
    doc.entity_groups = group_mentions(doc, doc.entities)
    doc.backends["ner"] = f"{backend.name} ({backend.version})"
