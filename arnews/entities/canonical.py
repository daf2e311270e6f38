"""Canonical forms of entity mentions: leading clitics off, ال kept, diacritics and tatweel off.

Stripping only where it is sure: the remainder must be a known word (corpus counts, the
gazetteer, or elsewhere in the same document), or the morphology stage must have found
the clitic, or the remainder starts with ال (والبنتاغون → البنتاغون, للبنتاغون → البنتاغون).
Names that merely begin with those letters (لبنان، بريطانيا، كمال، فرنسا) stay whole.
"""
from __future__ import annotations

from ..text import DIACRITICS, TATWEEL, clitic_candidates, key, strip_diacritics
from .lexicon import resources

_DIACRITIC_CHARS = frozenset(DIACRITICS + TATWEEL)


def clitic_prefix(word: str, known: set[str] | frozenset[str] = frozenset(),
                  proclitics: list[str] | None = None) -> str:
    """The leading clitic letters (key form, e.g. "و", "ب", "لل", "") to drop from a name's first word.

    `known`: key forms of the document's words (the bare form standing on its own elsewhere
    in the text makes the split sure). `proclitics`: the analyser's
    segmentation when the morphology stage ran (its answer wins when it is a clitic split).
    """
    k = key(word)
    cands = clitic_candidates(k)
    if not cands:
        return ""
    if proclitics:
        pro = "".join(key(p) for p in proclitics if p and key(p) not in ("ال",))
        if pro.endswith("ال"):
            pro = pro[:-2]
        for pre, _ in cands:
            if pre == pro or (pre.endswith("لل") and pre[:-1] == pro):
                return pre
    res = resources()
    own = res.count.get(k, 0)
    best = ""
    for pre, rem in cands:
        sure = (
            (rem.startswith("ال") and len(rem) > 3)
            or rem in known
            or (rem in res.gaz_first and k not in res.gaz_first)
            or res.count.get(rem, 0) >= max(3, 2 * own)
        )
        if sure and len(pre) > len(best):
            best = pre
    return best


def surface_offset(word: str, n_letters: int) -> int:
    """Index in `word` (original spelling, maybe with diacritics) after its first n_letters letters."""
    if n_letters <= 0:
        return 0
    seen = 0
    for i, ch in enumerate(word):
        if ch in _DIACRITIC_CHARS:
            continue
        seen += 1
        if seen == n_letters:
            j = i + 1
            while j < len(word) and word[j] in _DIACRITIC_CHARS:
                j += 1
            return j
    return len(word)


def canonical_form(words: list[str], pre: str = "") -> str:
    """Readable canonical text: original letters minus the clitic `pre`, no diacritics/tatweel."""
    if not words:
        return ""
    first = strip_diacritics(words[0])
    if pre.endswith("لل"):  # ل + ال: the article lost its alef in writing
        first = "ا" + first[len(pre) - 1:]
    elif pre:
        first = first[len(pre):]
    return " ".join([first] + [strip_diacritics(w) for w in words[1:]]).strip()
