"""The NER lexicon: gazetteer phrases, external name lists, word counts, clusters and hints.

Read once per process (``resources()``) from the files in entities/data: gazetteer.tsv
(make_gazetteer.py), names.tsv.gz (make_names.py), clusters.tsv.gz (tools/make_clusters.py).
The CRF features (features.py) and the backend-independent post-processing (canonical.py,
mentions.py) both read it; it depends on nothing else of entities/.
"""
from __future__ import annotations

import gzip
from pathlib import Path

from ..text import CLITIC_FIRST, clitic_candidates

DATA = Path(__file__).resolve().parent / "data"


class Resources:
    """Gazetteer, clusters and word counts, loaded once."""

    def __init__(self, data: Path = DATA):
        self.gaz: dict[str, str] = {}
        self.gaz_first: set[str] = set()
        self.gaz_max = 1
        lengths: dict[str, set[int]] = {}
        gpath = data / "gazetteer.tsv"
        if gpath.exists():
            for line in gpath.read_text(encoding="utf-8").splitlines():
                if "\t" not in line:
                    continue
                typ, phrase = line.split("\t", 1)
                self.gaz.setdefault(phrase, typ)
                parts = phrase.split()
                self.gaz_first.add(parts[0])
                self.gaz_max = max(self.gaz_max, len(parts))
                # (split on single spaces: the words gazetteer_tags joins hold none)
                exact = phrase.split(" ")
                lengths.setdefault(exact[0], set()).add(len(exact))
        # first word -> the lengths (in words) of the phrases that start with it, longest first
        self.gaz_lengths: dict[str, tuple[int, ...]] = {w: tuple(sorted(ls, reverse=True)) for w, ls in lengths.items()}
        self.count: dict[str, int] = {}
        self.clusters: dict[str, tuple[str, ...]] = {}
        self.hints: dict[str, str] = {}
        cpath = data / "clusters.tsv.gz"
        if cpath.exists():
            # Equal cluster ids and equal id tuples share one object: the table has ~86k words but
            # only a few thousand ids, and each batch worker holds its own copy (~20 MB saved each).
            shared: dict = {}
            with gzip.open(cpath, "rt", encoding="utf-8") as f:
                for line in f:
                    # word, count, one cluster column per k-means size (tools/make_clusters.py), hint
                    parts = line.rstrip("\n").split("\t")
                    self.count[parts[0]] = int(parts[1])
                    if len(parts) > 3 and parts[2]:
                        ids = tuple(shared.setdefault(c, c) for c in parts[2:-1])
                        self.clusters[parts[0]] = shared.setdefault(ids, ids)
                    if len(parts) > 3 and parts[-1]:
                        self.hints[parts[0]] = parts[-1]
        # External name lists (make_names.py): word -> its list types, "PF,PL.c" (split when a
        # word is first seen: loading stays at some 20 ms for 55,000 words).
        self.names: dict[str, str] = {}
        npath = data / "names.tsv.gz"
        if npath.exists():
            with gzip.open(npath, "rt", encoding="utf-8") as f:
                cells = iter(f.read().replace("\n", "\t").split("\t"))
            self.names = dict(zip(cells, cells))

    def strip(self, k: str) -> tuple[str, str]:
        """(prefix, remainder) where the corpus makes a clitic split sure, else ("", k)."""
        own = self.count.get(k, 0)
        best = ("", k)
        best_n = max(own, 2)
        for pre, rem in clitic_candidates(k):
            if len(rem) < 3 or (len(rem) == 3 and rem[0] in CLITIC_FIRST):
                continue  # بوش is not ب + وش, nor كوفي ك + وفي: too short to be sure
            n = self.count.get(rem, 0)
            if n > best_n:
                best, best_n = (pre, rem), n
        return best


_RES: Resources | None = None


def resources() -> Resources:
    global _RES
    if _RES is None:
        _RES = Resources()
    return _RES
