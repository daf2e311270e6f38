"""Group mentions into entities: variant spellings merge, a person's surname joins the full name.

Matching uses a lenient key per word: match-key normalisation (alef/hamza forms, ى/ي, ة/ه,
no diacritics), hamza seats merged, a leading ال dropped and the long vowels ا و ي inside
the word ignored, so أمريكا/أميركا, الناتو/ناتو and روته/روتة land on one key.
"""
from __future__ import annotations

from collections import Counter

from ..document import Document, EntityGroup, Mention
from ..text import key

CONTEXT_CHARS = 60
_HAMZA = str.maketrans({"ؤ": "ء", "ئ": "ء"})


def word_key(word: str) -> str:
    k = key(word).translate(_HAMZA)
    if k.startswith("ال") and len(k) > 4:
        k = k[2:]
    if len(k) >= 4:
        k = k[0] + "".join(ch for ch in k[1:-1] if ch not in "اوي") + k[-1]
    return k


def loose_key(text: str) -> str:
    """The key two spellings of one name share."""
    return " ".join(word_key(w) for w in text.split())


def _context(doc: Document, m: Mention, width: int = CONTEXT_CHARS) -> str:
    text = doc.text
    lo, hi = 0, len(text)
    if doc.sentences and 0 <= m.token_start < len(doc.tokens):
        idx = doc.tokens[m.token_start].sentence
        if 0 <= idx < len(doc.sentences):
            lo, hi = doc.sentences[idx].start, doc.sentences[idx].end
    if hi - lo > width:
        room = max(0, width - (m.end - m.start))
        a = max(lo, m.start - room // 2)
        b = min(hi, a + max(width, m.end - m.start))
        a = max(lo, min(a, b - width))
        # Do not cut words: move the cut points to spaces where there is one nearby.
        if a > lo:
            sp = text.find(" ", a, m.start)
            a = sp + 1 if sp != -1 else a
        if b < hi:
            sp = text.rfind(" ", m.end, b)
            b = sp if sp != -1 else b
        snippet = " ".join(text[a:b].split())
        return ("… " if a > lo else "") + snippet + (" …" if b < hi else "")
    return " ".join(text[lo:hi].split())


def group_mentions(doc: Document, mentions: list[Mention]) -> list[EntityGroup]:
    """Entity rows sorted by mention count (desc), then first position."""
    buckets: dict[str, list[Mention]] = {}
    for m in mentions:
        buckets.setdefault(loose_key(m.canonical), []).append(m)

    def label_of(ms: list[Mention]) -> str:
        c = Counter(m.label for m in ms)
        best = max(c.values())
        # Ties go to the label of the earliest mention.
        return next(m.label for m in ms if c[m.label] == best)

    # Surnames (and longer tails) of multi-word person names -> the full name's key.
    tails: dict[str, set[str]] = {}
    for k, ms in buckets.items():
        words = k.split()
        if len(words) > 1 and label_of(ms) == "PERSON":
            for i in range(1, len(words)):
                tails.setdefault(" ".join(words[i:]), set()).add(k)
    merged_into: dict[str, str] = {}

    def resolve(k: str) -> str:
        while k in merged_into:
            k = merged_into[k]
        return k

    # Longest tails first, so "X Y" joins "W X Y" before "Y" looks for its owner.
    for k in sorted(list(buckets), key=lambda x: -len(x.split())):
        if k not in tails:
            continue
        owners = {resolve(o) for o in tails[k]} - {k}
        owners = {o for o in owners if o in buckets}
        if not owners:
            continue
        # Several full names share the tail: the one mentioned most, then first.
        target = max(owners, key=lambda o: (len(buckets[o]), -min(m.start for m in buckets[o])))
        buckets[target].extend(buckets.pop(k))
        merged_into[k] = target

    groups = []
    for k, ms in buckets.items():
        ms.sort(key=lambda m: m.start)
        label = label_of(ms)
        forms = Counter(m.canonical for m in ms)
        order = {}
        for m in ms:
            order.setdefault(m.canonical, len(order))
        if label == "PERSON":
            canonical = max(forms, key=lambda f: (len(f.split()), forms[f], -order[f]))
        else:
            canonical = max(forms, key=lambda f: (forms[f], len(f.split()), -order[f]))
        groups.append(EntityGroup(
            canonical=canonical, label=label, count=len(ms), first_start=ms[0].start, mentions=ms,
            variants=sorted(forms, key=order.get), context=_context(doc, ms[0]),
        ))
    groups.sort(key=lambda g: (-g.count, g.first_start))
    return groups
