"""Reading BIO TSV files and conlleval-style span scoring (shared by the NER benchmarks and training).

Imported by benchmarks/ (they put tools/ on sys.path); not part of the installed package.
"""
from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from arnews.entities.bio import spans  # noqa: E402 (the spans the product's taggers mark)

TYPES = ("PERS", "LOC", "ORG", "MISC")


def read_bio(path: str | Path) -> list[tuple[list[str], list[str]]]:
    """Sentences as (tokens, tags); one `token<TAB>tag` per line, blank line between sentences."""
    sents: list[tuple[list[str], list[str]]] = []
    words: list[str] = []
    tags: list[str] = []
    with open(path, encoding="utf-8-sig") as f:
        for raw in f:
            line = raw.rstrip("\r\n")
            if not line.strip():
                if words:
                    sents.append((words, tags))
                    words, tags = [], []
                continue
            if "\t" in line:
                tok, tag = line.rsplit("\t", 1)
            else:  # tolerate a space-separated line
                tok, _, tag = line.rpartition(" ")
            words.append(tok)
            tags.append(tag.strip() or "O")
    if words:
        sents.append((words, tags))
    return sents


def score(gold: list[list[str]], pred: list[list[str]]) -> dict[str, tuple[float, float, float, int]]:
    """Per type and "ALL": (precision, recall, f1, gold count)."""
    tp: Counter = Counter()
    fp: Counter = Counter()
    fn: Counter = Counter()
    for g, p in zip(gold, pred):
        gs, ps = spans(g), spans(p)
        for s in ps:
            (tp if s in gs else fp)[s[2]] += 1
        for s in gs - ps:
            fn[s[2]] += 1
    out = {}
    types = sorted(set(tp) | set(fp) | set(fn), key=lambda t: (TYPES.index(t) if t in TYPES else 9, t))
    for t in [*types, "ALL"]:
        a = sum(tp.values()) if t == "ALL" else tp[t]
        b = sum(fp.values()) if t == "ALL" else fp[t]
        c = sum(fn.values()) if t == "ALL" else fn[t]
        p = a / (a + b) if a + b else 0.0
        r = a / (a + c) if a + c else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        out[t] = (p, r, f, a + c)
    return out


def report(scores: dict, sentences: int) -> str:
    lines = [f"{'type':6} {'prec':>7} {'rec':>7} {'f1':>7} {'gold':>6}"]
    for t, (p, r, f, n) in scores.items():
        if t != "ALL":
            lines.append(f"{t:6} {p:7.4f} {r:7.4f} {f:7.4f} {n:6d}")
    p, r, f, _ = scores["ALL"]
    lines.append(f"ner_f1={f:.4f} precision={p:.4f} recall={r:.4f} sentences={sentences}")
    return "\n".join(lines)
