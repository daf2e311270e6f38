"""Corpus-level summary over many Documents: counts, failures, entity and keyword totals.

The summary keeps counters, never Documents, so its memory does not grow with the
number of documents: each document is boiled down to a small ``DocDigest`` (which a
worker process can compute and send instead of the whole Document), and when the
entity or keyword vocabularies outgrow a cap the rarest entries are dropped
(the result is then marked ``approximate``).

Keywords are ranked by TF-IDF against the batch's own document frequencies, from each
document's keyword candidates (``doc.keyword_candidates.counts``, ``{term: count}``):
the same formula as ``keywords.corpus_keyword_scores``, accumulated as documents stream by.
"""
from __future__ import annotations

import heapq
import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, Union

from .document import Document

# Bounds on what the summary keeps (entries, not bytes); pruning drops the rarest.
MAX_TERMS = 200_000
MAX_ENTITIES = 100_000
MAX_FAILURES = 1_000


@dataclass
class DocDigest:
    """What the corpus summary needs from one document (small and picklable)."""

    name: str
    ok: bool
    error: str | None = None
    words: int = 0
    sentences: int = 0
    entities: list[tuple[str, str, int]] = field(default_factory=list)  # (canonical, label, mentions)
    keyword_counts: dict[str, int] = field(default_factory=dict)  # candidate term -> count in this document
    keyword_info: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # term -> (surface, gloss)
    source_warnings: list[str] = field(default_factory=list)  # what the reader flagged (shown on stderr)


def digest(doc: Document) -> DocDigest:
    """The part of a Document that the corpus summary uses."""
    warnings = list(doc.source.warnings)
    if not doc.ok:
        return DocDigest(doc.source.name, False, doc.error or "failed", source_warnings=warnings)
    kc = doc.keyword_candidates
    if kc is None:  # no keywords stage (or a Document made elsewhere): use the document's keywords
        cands = {k.lemma: k.count for k in doc.keywords}
        info: dict[str, tuple[str, str | None]] = {}
    else:
        cands, info = kc.counts, dict(kc.info)
    for k in doc.keywords:
        info.setdefault(k.lemma, (k.surface, k.gloss))
    return DocDigest(
        name=doc.source.name, ok=True, words=doc.stats.words, sentences=doc.stats.sentences,
        entities=[(g.canonical, g.label, g.count) for g in doc.entity_groups],
        keyword_counts=dict(cands), keyword_info=info, source_warnings=warnings,
    )


def keyword_score(tf: float, df: int, n: int) -> float:
    """Summed sublinear TF times a smoothed IDF over the batch (see keywords.corpus_keyword_scores)."""
    idf = math.log((1 + n) / (1 + df)) + 1.0
    return tf * idf * (1.0 if df > 1 or n == 1 else 0.5)


def _prune(table: dict, cap: int, value: Callable[[Any], int], *others: dict) -> bool:
    """Drop the rarest entries of `table` (by `value` of each entry; the same keys from `others`)
    down to 3/4 of `cap`."""
    if len(table) <= cap:
        return False
    keep = cap * 3 // 4
    threshold = sorted(map(value, table.values()), reverse=True)[keep]
    for key in [k for k, v in table.items() if value(v) <= threshold]:
        del table[key]
        for other in others:
            other.pop(key, None)
    return True


@dataclass(slots=True)
class TermTotals:
    """One keyword term's totals over the batch so far. One object per term rather than one entry
    in each of five dicts: the batch parent holds ~44k terms for 1,336 articles (with slots, no
    larger than the list it replaced; most of the memory is the terms', surfaces' and glosses' own
    strings)."""

    docs: int  # documents that have the term
    count: int  # occurrences
    tf: float  # sum over those documents of 1 + log(count)
    surface: str | None  # from the first document that has one
    gloss: str | None


def _itself(count: int) -> int:
    return count


def _docs(row: TermTotals) -> int:
    return row.docs


@dataclass
class CorpusSummary:
    documents: int = 0
    failed: int = 0
    words: int = 0
    sentences: int = 0
    interrupted: bool = False
    approximate: bool = False  # some rare entities/keywords were dropped to keep memory bounded
    failures: list[tuple[str, str]] = field(default_factory=list)  # the first MAX_FAILURES
    entity_docs: Counter = field(default_factory=Counter)  # (canonical, label) -> documents
    entity_mentions: Counter = field(default_factory=Counter)
    terms: dict[str, TermTotals] = field(default_factory=dict)

    def add(self, item: Union[Document, DocDigest]) -> None:
        d = item if isinstance(item, DocDigest) else digest(item)
        self.documents += 1
        if not d.ok:
            self.failed += 1
            if len(self.failures) < MAX_FAILURES:
                self.failures.append((d.name, d.error or "failed"))
            return
        self.words += d.words
        self.sentences += d.sentences
        for canonical, label, count in d.entities:
            key = (canonical, label)
            self.entity_docs[key] += 1
            self.entity_mentions[key] += count
        # ~100 terms per document, in the parent process while the workers compute.
        terms, info, log = self.terms, d.keyword_info, math.log
        get, info_get = terms.get, info.get
        for term, count in d.keyword_counts.items():
            row = get(term)
            if row is None:
                surface, gloss = info_get(term) or (None, None)
                terms[term] = TermTotals(1, count, 1.0 + log(count), surface, gloss)
                continue
            row.docs += 1
            row.count += count
            row.tf += 1.0 + log(count)
            if row.surface is None and term in info:
                row.surface, row.gloss = info[term]
        if _prune(self.entity_docs, MAX_ENTITIES, _itself, self.entity_mentions):
            self.approximate = True
        if _prune(terms, MAX_TERMS, _docs):
            self.approximate = True

    @property
    def succeeded(self) -> int:
        return self.documents - self.failed

    def top_entities(self, n: int) -> list[dict[str, Any]]:
        # (nsmallest: the same as sorted(...)[:n], without sorting every entity of the batch)
        ranked = heapq.nsmallest(n, self.entity_docs, key=lambda k: (-self.entity_docs[k], -self.entity_mentions[k], k))
        return [
            {"entity": c, "label": label, "documents": self.entity_docs[(c, label)],
             "mentions": self.entity_mentions[(c, label)]}
            for c, label in ranked[:n]
        ]

    def keyword_scores(self) -> dict[str, float]:
        n = max(self.succeeded, 1)
        return {t: keyword_score(row.tf, row.docs, n) for t, row in self.terms.items()}

    def top_keywords(self, n: int) -> list[dict[str, Any]]:
        scores = self.keyword_scores()
        terms = self.terms
        ranked = heapq.nsmallest(n, scores, key=lambda t: (-round(scores[t], 4), -terms[t].count, t))
        rows = []
        for term in ranked[:n]:
            row = terms[term]
            surface, gloss = (row.surface, row.gloss) if row.surface is not None else (term, None)
            # As in documents: `keyword` as a reader writes it, `lemma` the term that groups its forms.
            rows.append({"keyword": surface, "lemma": term, "surface": surface, "gloss": gloss, "documents": row.docs,
                         "count": row.count, "score": round(scores[term], 4)})
        return rows

    def to_dict(self, top: int = 20) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "succeeded": self.succeeded,
            "failed": self.failed,
            "words": self.words,
            "sentences": self.sentences,
            "interrupted": self.interrupted,
            "approximate": self.approximate,
            "failures": [{"source": n, "error": e} for n, e in self.failures],
            "top_entities": self.top_entities(top),
            "top_keywords": self.top_keywords(top),
        }
