"""The types every morphology backend shares (no heavy imports here)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, Sequence

from ..errors import MissingDataError  # noqa: F401 (re-exported: one class for every stage)


@dataclass
class WordAnalysis:
    """One disambiguated analysis of one word."""

    lemma: str  # undiacritised lemma; for names / unknown words the word itself
    lemma_diac: str  # diacritised lemma (equals lemma for backoff and guesses)
    pos: str  # CAMeL POS tag name: noun, noun_prop, adj, verb, prep ...
    gloss: str | None  # English gloss, senses separated by ';'
    proclitics: list[str] = field(default_factory=list)  # surface forms, outermost first: ["و", "ب", "ال"]
    stem: str = ""
    enclitics: list[str] = field(default_factory=list)  # surface forms: ["ه"]
    source: str = "lexicon"  # lexicon | backoff | guess


class Analysis(Protocol):
    """What the pipeline reads of one word's analysis: WordAnalysis, or a backend's own lighter
    object with the same fields (AnalyzerBackend's Candidate, which skips a copy per word)."""

    @property
    def lemma(self) -> str: ...
    @property
    def lemma_diac(self) -> str: ...
    @property
    def pos(self) -> str: ...
    @property
    def gloss(self) -> str | None: ...
    @property
    def proclitics(self) -> Sequence[str]: ...
    @property
    def stem(self) -> str: ...
    @property
    def enclitics(self) -> Sequence[str]: ...
    @property
    def source(self) -> str: ...


class MorphologyBackend(Protocol):
    name: str
    version: str

    def analyze_sentence(self, words: list[str], *, pre_split: bool = False) -> list[WordAnalysis]:
        """One analysis per word of a sentence, in context (for callers outside the pipeline)."""
        ...

    def choose(self, words: list[str], pre_split: bool, known_forms: set[str] | None = None,
               all_arabic: bool = False) -> Sequence[Analysis]:
        """What the pipeline calls, once per sentence: one analysis per word, in context.

        ``words`` are already in analysis form (no diacritics); ``known_forms``: every word form of
        the text (to tell a clitic from part of an unknown name); ``all_arabic``: the caller
        guarantees every word has Arabic letters."""
        ...
