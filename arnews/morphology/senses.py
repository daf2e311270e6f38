"""English glosses: which sense of a reading to show first, and glosses of fixed phrases.

BAMA glosses a reading with one or more senses: ";" between close senses, " / " between the
lexicon's separate entries on the same stem (اعتصام: "refuge;preservation / sit-in strike").
Readers see the first one (keyword tables, phrase glosses), so its order matters. Two sources
decide it, in this order:

1. ``data/news_senses.tsv``, hand-written: news senses that BAMA lists late or lacks (قلق
   "concern", اعتصام "sit-in", حرمة "sanctity"). Each row names a vowelled lemma and POS, the
   gloss to show instead, and optionally the BAMA gloss it replaces (to change one stem only,
   e.g. the plural بيوت "houses"). A listed reading also wins ties against same-letter readings
   of the same word (ملكي: مَلَكِيّ "royal" over مُلْكِيّ "proprietary"). A row whose gloss is "-"
   removes a reading current news does not use (مارك as the German mark: the name Mark).
2. Learned from the treebank (``data/lemma_table.json.gz``, "senses"): for a vowelled lemma seen
   there, the gloss words the treebank gave it; the " / " entry sharing most of them goes first
   (حكم: "rule;government" before "judgment;decision" in news).

``data/news_phrases.tsv`` (hand-written) glosses fixed expressions that word-by-word composition
gets wrong (صاحب السمو الملكي "His Royal Highness", not "owner of royal highness").
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from ..text import match_key, strip_diacritics, vowelled_key

DATA_DIR = Path(__file__).parent / "data"
NEWS_SENSES_PATH = DATA_DIR / "news_senses.tsv"
NEWS_PHRASES_PATH = DATA_DIR / "news_phrases.tsv"

# Words that carry no sense of their own in a gloss (the gloss_agreement matching rule).
GLOSS_STOP = frozenset("""a an the of to in on at by for from with without into about and or not no it its one
one's oneself someone something somebody s his her their he she they him them who which what that this as up out
off over so very""".split())
# Irregular English forms BAMA glosses verbs with (a perfect stem is glossed "said", the lemma "say").
_IRREGULAR = {"said": "say", "was": "be", "were": "be", "is": "be", "are": "be", "been": "be", "being": "be",
              "went": "go", "gone": "go", "made": "make", "took": "take", "taken": "take", "gave": "give",
              "given": "give", "came": "come", "held": "hold", "left": "leave", "met": "meet", "found": "find",
              "saw": "see", "seen": "see", "told": "tell", "began": "begin", "begun": "begin", "became": "become",
              "brought": "bring", "thought": "think", "kept": "keep", "knew": "know", "known": "know",
              "men": "man", "women": "woman", "people": "people"}


def _stem(t: str) -> str:
    t = _IRREGULAR.get(t, t)
    if len(t) > 4 and t.endswith("ies"):
        t = t[:-3] + "y"
    elif len(t) > 3 and t.endswith("sses"):
        t = t[:-2]
    elif len(t) > 3 and t.endswith("s") and not t.endswith("ss"):
        t = t[:-1]
    if len(t) > 5 and t.endswith("ing"):
        t = t[:-3]
    elif len(t) > 4 and t.endswith("ed"):
        t = t[:-2]
    if len(t) > 3 and t.endswith("e"):
        t = t[:-1]
    return t


@lru_cache(maxsize=65_536)
def gloss_words(gloss: str | None) -> frozenset[str]:
    """The content words of an English gloss, for matching senses: lower case, split on anything
    but letters, digits and hyphens (so on , ; / _ and spaces), stop words (GLOSS_STOP) dropped,
    a light stemmer (irregular verb forms, plural -s/-es/-ies, -ing, -ed, final -e)."""
    if not gloss:
        return frozenset()
    return frozenset(_stem(t) for t in re.split(r"[^a-z0-9\-]+", gloss.lower())
                     if t and t.strip("-") and t not in GLOSS_STOP)


def first_sense(gloss: str | None) -> str | None:
    """The sense a gloss shows first: up to its first ';' or ' / '."""
    if not gloss:
        return None
    return gloss.split(";")[0].split(" / ")[0].strip() or None


def _read_tsv(path: Path) -> list[list[str]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    return [line.split("\t") for line in lines if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=1)
def news_senses() -> dict[str, list[tuple[str, str | None]]]:
    """"vowelled key|pos" -> [(gloss to show, BAMA gloss it replaces or None for any)]."""
    table: dict[str, list[tuple[str, str | None]]] = {}
    for row in _read_tsv(NEWS_SENSES_PATH):
        lemma, pos, gloss = row[0].strip(), row[1].strip(), row[2].strip()
        replaces = row[3].strip() if len(row) > 3 and row[3].strip() else None
        table.setdefault(f"{vowelled_key(lemma)}|{pos}", []).append((gloss, replaces))
    return table


def news_gloss(lemma_diac: str, pos: str, gloss: str | None) -> str | None:
    """The hand-listed news gloss for this reading, if any (see the module docstring)."""
    rows = news_senses().get(f"{vowelled_key(lemma_diac)}|{pos}")
    if not rows:
        return None
    for new, replaces in rows:
        if replaces is None or replaces == gloss:
            return new
    return None


def order_senses(gloss: str, learned: str | None) -> str:
    """``gloss`` with its " / " entries reordered: the one sharing most words with ``learned``
    (the treebank's gloss words for this lemma) first; ties keep BAMA's order."""
    if not learned or " / " not in gloss:
        return gloss
    want = set(learned.split())
    parts = gloss.split(" / ")
    best = max(range(len(parts)), key=lambda i: (len(gloss_words(parts[i]) & want), -i))
    if best == 0 or not gloss_words(parts[best]) & want:
        return gloss
    return " / ".join([parts[best], *parts[:best], *parts[best + 1:]])


@lru_cache(maxsize=1)
def _phrases() -> dict[tuple[str, ...], str]:
    return {tuple(match_key(strip_diacritics(w)) for w in row[0].split()): row[1].strip()
            for row in _read_tsv(NEWS_PHRASES_PATH)}


def phrase_gloss(lemma_keys: tuple[str, ...]) -> str | None:
    """The gloss of a fixed expression given its words' lemma keys (normalize.match_key of the
    lemmas), or None when it is not one."""
    return _phrases().get(lemma_keys)
