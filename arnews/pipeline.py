"""The pipeline: named stages that fill one Document per Source.

Stages are plain functions ``(doc, pipeline) -> None``. Heavy backends (the
morphology DB, the NER model) are created on first use and kept for the life of
the Pipeline, so a batch pays for them once per process.
"""
from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, replace
from typing import Callable

from .document import WORD_KINDS, Document, Source, Stats
from .errors import MissingDataError
from .normalize import DEFAULT_STEPS, Normalizer
from .tokenize import arabic_share, tokenize

log = logging.getLogger(__name__)

# Stage order; each command asks for the stages it needs.
STAGES = ("tokens", "lemmas", "entities", "keywords")
NEEDS = {"tokens": (), "lemmas": ("tokens",), "entities": ("tokens", "lemmas"), "keywords": ("tokens", "lemmas")}


@dataclass(frozen=True)
class Settings:
    """Everything that changes what the pipeline computes; built once from CLI options."""

    steps: tuple[str, ...] = DEFAULT_STEPS
    stages: tuple[str, ...] = STAGES
    morphology: str = "auto"  # auto | builtin | camel
    ner: str = "auto"  # auto | crf | encoder | encoder+crf | bert
    top: int = 10
    keyword_verbs: bool = False
    keyword_names: bool = False
    keyword_scorer: str = "stats"  # stats | graph (rank_keywords; graph: compared in benchmarks/keywords_eval.py)

    def with_stages(self, *wanted: str) -> "Settings":
        """These stages plus the ones they depend on, in pipeline order."""
        need = set(wanted)
        for s in wanted:
            need.update(NEEDS[s])
        return replace(self, stages=tuple(s for s in STAGES if s in need))


class Pipeline:
    def __init__(self, settings: Settings | None = None):
        self.settings = settings or Settings()
        self.normalizer = Normalizer(self.settings.steps)
        self._morphology = None
        self._ner = None
        self._stopwords: frozenset[str] | None = None
        self.stage_funcs: dict[str, Callable[[Document, "Pipeline"], None]] = {
            "tokens": stage_tokens,
            "lemmas": stage_lemmas,
            "entities": stage_entities,
            "keywords": stage_keywords,
        }

    # Backends are loaded lazily, once.
    @property
    def morphology(self):
        if self._morphology is None:
            from .morphology import get_backend

            self._morphology = get_backend(self.settings.morphology)
        return self._morphology

    @property
    def ner(self):
        if self._ner is None:
            from .entities import get_backend

            self._ner = get_backend(self.settings.ner)
        return self._ner

    @property
    def stopwords(self) -> frozenset[str]:
        if self._stopwords is None:
            from .stopwords import stopwords

            self._stopwords = stopwords(self.settings.steps)
        return self._stopwords

    def run(self, source: Source) -> Document:
        """Run every configured stage on one source. Backend set-up errors propagate
        (they concern every document); any other failure is recorded on the Document."""
        doc = Document(source=source, warnings=list(source.warnings))
        for name in self.settings.stages:
            try:
                self.stage_funcs[name](doc, self)
            except BackendUnavailable:
                raise
            except Exception as exc:  # one bad document must not stop a batch
                log.debug("stage %s failed on %s", name, source.name, exc_info=True)
                doc.error = f"{name} stage failed: {type(exc).__name__}: {exc}"
                break
        return doc

    def run_text(self, text: str, name: str = "<text>") -> Document:
        return self.run(Source(name=name, text=text, encoding="utf-8"))


class BackendUnavailable(Exception):
    """A requested backend cannot be loaded (missing data); the message says what to do."""


class EnvironmentUnusable(BackendUnavailable):
    """The machine keeps a backend from loading (its cache folder cannot be written): the
    message says what to fix. Every document would fail the same way."""


def stage_tokens(doc: Document, pipe: Pipeline) -> None:
    doc.tokens, doc.sentences = tokenize(doc.text, pipe.normalizer)
    stop = pipe.stopwords
    # One pass over the tokens for the word counts and the frequent words (Token.is_word inlined).
    words = arabic_words = 0
    counts: dict[str, int] = {}
    for t in doc.tokens:
        kind = t.kind
        if kind in WORD_KINDS:
            words += 1
            if kind == "arabic":
                arabic_words += 1
            norm = t.norm
            if len(norm) > 1 and norm not in stop:
                counts[norm] = counts.get(norm, 0) + 1
    doc.stats = Stats(
        characters=len(doc.text),
        words=words,
        arabic_words=arabic_words,
        sentences=len(doc.sentences),
        arabic_share=round(arabic_share(doc.text), 4),
    )
    doc.top_words = Counter(counts).most_common(pipe.settings.top)  # same order: first seen first on ties


def _load(getter: Callable[[], object]):
    try:
        return getter()
    except MissingDataError as exc:
        raise BackendUnavailable(str(exc)) from exc
    except Exception as exc:
        from .morphology.camel_data import CacheDirUnusable  # (not imported by commands that need no backend)

        if isinstance(exc, CacheDirUnusable):
            raise EnvironmentUnusable(str(exc)) from exc
        raise


def stage_lemmas(doc: Document, pipe: Pipeline) -> None:
    from .morphology import lemmatize_document

    lemmatize_document(doc, _load(lambda: pipe.morphology))


def stage_entities(doc: Document, pipe: Pipeline) -> None:
    from .entities import extract_entities

    extract_entities(doc, _load(lambda: pipe.ner))


def stage_keywords(doc: Document, pipe: Pipeline) -> None:
    from .keywords import extract_keywords

    s = pipe.settings
    extract_keywords(doc, pipe.stopwords, top=s.top, verbs=s.keyword_verbs, names=s.keyword_names,
                     scorer=s.keyword_scorer)


def analyze_text(text: str, settings: Settings | None = None, name: str = "<text>") -> Document:
    """Analyse one text with a fresh pipeline (convenient from Python; reuse a Pipeline for many)."""
    return Pipeline(settings).run_text(text, name)


__all__ = ["Settings", "Pipeline", "BackendUnavailable", "EnvironmentUnusable", "analyze_text", "STAGES"]
