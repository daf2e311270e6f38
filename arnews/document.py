"""The data that flows through the pipeline: one Document per input.

Every offset (``start``/``end``) is a character offset into ``Document.text``,
the decoded original text, so ``doc.text[t.start:t.end] == t.text`` always holds.
Stages fill fields in place; none of them re-reads the input.
"""
from __future__ import annotations

from dataclasses import dataclass, field

SCHEMA_VERSION = "1.1"  # 1.1: keywords carry `keyword` as written and `lemma`


# Token kinds that count as words (stats, keywords); hot loops test `kind in WORD_KINDS` directly.
WORD_KINDS = ("arabic", "latin")


@dataclass
class Source:
    """A decoded input: where it came from and how it was decoded."""

    name: str
    text: str
    encoding: str
    path: str | None = None
    size_bytes: int = 0
    warnings: list[str] = field(default_factory=list)  # what the reader repaired or flags (empty, NULs, ...)


@dataclass(slots=True)
class Token:
    """A word, number or punctuation mark with its place in the original text."""

    text: str
    start: int
    end: int
    norm: str
    kind: str  # arabic | latin | number | punct | symbol | other
    sentence: int = 0
    # Filled by the morphology stage.
    lemma: str | None = None  # undiacritised
    lemma_diac: str | None = None
    pos: str | None = None
    gloss: str | None = None
    # () until the morphology stage sets a list: two empty lists per token were a third of a
    # token's memory (112 of ~330 bytes; 1.7 million tokens in a 5 MB input of short words).
    proclitics: list[str] | tuple[()] = ()
    stem: str | None = None
    enclitics: list[str] | tuple[()] = ()
    analysis_source: str | None = None  # lexicon | backoff | guess

    @property
    def is_word(self) -> bool:
        return self.kind in WORD_KINDS

    @property
    def source(self) -> str | None:
        """analysis_source under WordAnalysis' name: a filled token is read as its analysis (NER features)."""
        return self.analysis_source


@dataclass
class Sentence:
    start: int
    end: int
    token_start: int  # index of the first token
    token_end: int  # one past the last token


@dataclass
class Mention:
    """One occurrence of a named entity in the text."""

    text: str
    label: str  # PERSON | LOCATION | ORGANIZATION | MISC
    start: int
    end: int
    canonical: str
    token_start: int = 0
    token_end: int = 0


@dataclass
class EntityGroup:
    """All mentions of one entity, merged (surname-only mentions, variant spellings)."""

    canonical: str
    label: str
    count: int
    first_start: int
    mentions: list[Mention] = field(default_factory=list)
    variants: list[str] = field(default_factory=list)
    context: str = ""


@dataclass
class Keyword:
    """A keyword (one lemma) or keyphrase (a lemma sequence) with its score."""

    lemma: str
    score: float
    count: int
    surface: str  # most frequent surface form
    gloss: str | None = None
    kind: str = "word"  # word | phrase
    surfaces: dict[str, int] = field(default_factory=dict)
    offsets: list[tuple[int, int]] = field(default_factory=list)


@dataclass(slots=True)
class KeywordCandidates:
    """The keywords stage's hand-over to the corpus summary (corpus.py): every term of the document
    that could stand as a keyword, not only its top ones. Not part of the JSON output."""

    counts: dict[str, int]  # term -> occurrences in the document, first seen first
    info: dict[str, tuple[str, str | None]]  # term -> (its most frequent surface form, gloss)


@dataclass
class Stats:
    characters: int = 0
    words: int = 0
    arabic_words: int = 0
    sentences: int = 0
    arabic_share: float = 0.0  # share of letters that are Arabic script


@dataclass
class Document:
    """One input and everything the pipeline learned about it."""

    source: Source
    tokens: list[Token] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    stats: Stats = field(default_factory=Stats)
    entities: list[Mention] = field(default_factory=list)
    entity_groups: list[EntityGroup] = field(default_factory=list)
    keywords: list[Keyword] = field(default_factory=list)
    top_words: list[tuple[str, int]] = field(default_factory=list)
    backends: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    keyword_candidates: KeywordCandidates | None = None  # set by the keywords stage

    @property
    def name(self) -> str:
        return self.source.name

    @property
    def text(self) -> str:
        return self.source.text

    @property
    def ok(self) -> bool:
        return self.error is None
