"""Corpus-level summary over many Documents: counts, failures, entity and keyword totals."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from .document import Document


@dataclass
class CorpusSummary:
    documents: int = 0
    failed: int = 0
    words: int = 0
    sentences: int = 0
    interrupted: bool = False
    failures: list[tuple[str, str]] = field(default_factory=list)
    entity_docs: Counter = field(default_factory=Counter)  # (canonical, label) -> documents
    entity_mentions: Counter = field(default_factory=Counter)
    keyword_docs: Counter = field(default_factory=Counter)  # lemma -> documents
    keyword_counts: Counter = field(default_factory=Counter)
    keyword_gloss: dict[str, str | None] = field(default_factory=dict)
    keyword_surface: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))

    def add(self, doc: Document) -> None:
        self.documents += 1
        if not doc.ok:
            self.failed += 1
            self.failures.append((doc.source.name, doc.error or "failed"))
            return
        self.words += doc.stats.words
        self.sentences += doc.stats.sentences
        for g in doc.entity_groups:
            key = (g.canonical, g.label)
            self.entity_docs[key] += 1
            self.entity_mentions[key] += g.count
        for k in doc.keywords:
            self.keyword_docs[k.lemma] += 1
            self.keyword_counts[k.lemma] += k.count
            self.keyword_gloss.setdefault(k.lemma, k.gloss)
            self.keyword_surface[k.lemma][k.surface] += k.count

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

    def top_keywords(self, n: int) -> list[dict[str, Any]]:
        import math

        total = max(self.succeeded, 1)

        def score(lemma: str) -> float:
            # A keyword that tops many documents matters, but one in every document says little.
            df = self.keyword_docs[lemma]
            return df * math.log(1 + total / df)

        ranked = sorted(self.keyword_docs, key=lambda k: (-score(k), k))
        return [
            {"keyword": k, "surface": self.keyword_surface[k].most_common(1)[0][0], "gloss": self.keyword_gloss.get(k),
             "documents": self.keyword_docs[k], "count": self.keyword_counts[k], "score": round(score(k), 4)}
            for k in ranked[:n]
        ]

    def to_dict(self, top: int = 20) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "succeeded": self.succeeded,
            "failed": self.failed,
            "words": self.words,
            "sentences": self.sentences,
            "interrupted": self.interrupted,
            "failures": [{"source": n, "error": e} for n, e in self.failures],
            "top_entities": self.top_entities(top),
            "top_keywords": self.top_keywords(top),
        }
