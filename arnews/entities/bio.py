"""BIO tag sequences: the spans they mark (the taggers' output, read by mentions.py; the
scorer in tools/ner_eval.py counts the same spans)."""
from __future__ import annotations


def spans(tags: list[str]) -> set[tuple[int, int, str]]:
    """Exact spans (start, end, type): a span starts at B-X, or at I-X after a tag not of type X."""
    out = set()
    start, typ = None, None
    if not isinstance(tags, (list, tuple)):
        tags = list(tags)
    for i, tag in enumerate(tags):
        if tag == "O":  # (most tags: what the general case below does with an O)
            if typ is not None:
                out.add((start, i, typ))
                start, typ = None, None
            continue
        bio, _, t = tag.partition("-")
        if bio not in ("B", "I"):
            t = None
        begins = t is not None and (bio == "B" or t != typ)
        if typ is not None and (t != typ or begins):
            out.add((start, i, typ))
            start, typ = None, None
        if begins:
            start, typ = i, t
    if typ is not None:  # a span running to the end
        out.add((start, len(tags), typ))
    return out
