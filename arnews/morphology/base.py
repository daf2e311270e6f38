"""The types every morphology backend shares (no heavy imports here)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

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


class MorphologyBackend(Protocol):
    name: str
    version: str

    def analyze_sentence(self, words: list[str], *, pre_split: bool = False) -> list[WordAnalysis]: ...
