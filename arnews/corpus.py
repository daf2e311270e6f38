"""Corpus-level summary over many Documents: counts, failures, entity and keyword totals.

The summary keeps counters, never Documents, so its memory does not grow with the
number of documents: each document is boiled down to a small ``DocDigest`` (which a
worker process can compute and send instead of the whole Document), and when the
entity or keyword vocabularies outgrow a cap the rarest entries are dropped
(the result is then marked ``approximate``).

Keywords are ranked by TF-IDF against the batch's own document frequencies, from each
document's keyword candidates (``doc.extra["keyword_candidates"]``, ``{term: count}``):
the same formula as ``keywords.corpus_keyword_scores``, accumulated as documents stream by.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Union

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
    cands = doc.extra.get("keyword_candidates")
    if cands is None:  # keywords stage without candidates (or an older one): use the document's keywords
        cands = {k.lemma: k.count for k in doc.keywords}
    info: dict[str, tuple[str, str | None]] = {}
    for term, value in (doc.extra.get("keyword_info") or {}).items():
        surface, gloss = value
        info[term] = (surface, gloss)
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


def _prune(counter: Counter, cap: int, *others: dict) -> bool:
    """Drop the rarest entries of `counter` (and the same keys from `others`) down to 3/4 of `cap`."""
    if len(counter) <= cap:
        return False
    keep = cap * 3 // 4
    threshold = sorted(counter.values(), reverse=True)[keep]
    for key in [k for k, v in counter.items() if v <= threshold]:
        del counter[key]
        for other in others:
            other.pop(key, None)
    return True


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
    keyword_docs: Counter = field(default_factory=Counter)  # term -> documents
    keyword_counts: Counter = field(default_factory=Counter)  # term -> occurrences
    keyword_tf: dict[str, float] = field(default_factory=dict)  # term -> sum of 1 + log(count)
    keyword_info: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # term -> (surface, gloss)

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
        # ~100 terms per document, in the parent process while the workers compute: plain dict
        # gets (a Counter's += calls Counter.__missing__ in Python for every new term).
        docs, counts, tf = self.keyword_docs, self.keyword_counts, self.keyword_tf
        docs_get, counts_get, tf_get, log = docs.get, counts.get, tf.get, math.log
        for term, count in d.keyword_counts.items():
            docs[term] = docs_get(term, 0) + 1
            counts[term] = counts_get(term, 0) + count
            tf[term] = tf_get(term, 0.0) + 1.0 + log(count)
        setdefault = self.keyword_info.setdefault
        for term, value in d.keyword_info.items():
            setdefault(term, value)
        if _prune(self.entity_docs, MAX_ENTITIES, self.entity_mentions):
            self.approximate = True
        if _prune(self.keyword_docs, MAX_TERMS, self.keyword_counts, self.keyword_tf, self.keyword_info):
            self.approximate = True
        if len(self.keyword_info) > MAX_TERMS:  # info for terms not (or no longer) counted
            for term in [t for t in self.keyword_info if t not in self.keyword_docs]:
                del self.keyword_info[term]

    @property
    def succeeded(self) -> int:
        return self.documents - self.failed

    def top_entities(self, n: int) -> list[dict[str, Any]]:
        ranked = sorted(self.entity_docs, key=lambda k: (-self.entity_docs[k], -self.entity_mentions[k], k))
        return [
            {"entity": c, "label": label, "documents": self.entity_docs[(c, label)],
             "mentions": self.entity_mentions[(c, label)]}
            for c, label in ranked[:n]
        ]

    def keyword_scores(self) -> dict[str, float]:
        n = max(self.succeeded, 1)
        return {t: keyword_score(self.keyword_tf[t], df, n) for t, df in self.keyword_docs.items()}

    def top_keywords(self, n: int) -> list[dict[str, Any]]:
        scores = self.keyword_scores()
        ranked = sorted(scores, key=lambda t: (-round(scores[t], 4), -self.keyword_counts[t], t))
        rows = []
        for term in ranked[:n]:
            surface, gloss = self.keyword_info.get(term, (term, None))
            rows.append({"keyword": term, "surface": surface, "gloss": gloss, "documents": self.keyword_docs[term],
                         "count": self.keyword_counts[term], "score": round(scores[term], 4)})
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
