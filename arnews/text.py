"""Arabic script primitives: character sets, clitic tables, and the keys built from them.

The one place these are defined; normalisation steps, the morphology, NER, keywords and the
benchmarks all import them from here, so "a diacritic" or "a leading clitic" means the same
thing in every stage.
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache

from .memo import Memo

# --- characters ---------------------------------------------------------------------------
TATWEEL = "\u0640"
# Tanwin (3), the short vowels, shadda and sukun: what a lexicon's vowelled form is written with.
HARAKAT = "".join(chr(c) for c in range(0x064B, 0x0653))
DAGGER_ALEF = "\u0670"
# Every Arabic combining mark: harakat, the other marks of U+064B-U+065F, dagger alef, and the
# Quranic annotation signs (U+06E5/U+06E6, small waw/yeh, are letters there, not marks).
DIACRITICS = "".join(chr(c) for c in range(0x064B, 0x0660)) + DAGGER_ALEF + "".join(
    chr(c) for c in range(0x06D6, 0x06EE) if c not in (0x06E5, 0x06E6))
# The marks a lexicon (BAMA, CAMeL's DBs) writes in vowelled forms, with tatweel.
LEXICON_MARKS = HARAKAT + DAGGER_ALEF + TATWEEL

# Letters (tatweel included) as a regex character class: a token with one is an Arabic word.
ARABIC_LETTERS = "\u0621-\u064a\u0671-\u06d3\u06fa-\u06ff"
# The characters of a plain Arabic word as a regex character class: the letters hamza to ghain
# and feh to yeh, tatweel, harakat and the other marks up to U+065F, dagger alef (most news tokens
# are made of these alone).
ARABIC_WORD_CHARS = "\u0621-\u063a\u0640-\u065f\u0670"
# Arabic-Indic and Persian digits as a regex character class.
ARABIC_DIGITS = "\u0660-\u0669\u06f0-\u06f9"
# The Unicode blocks of the Arabic script: Arabic, Supplement, Extended-A, Presentation Forms-A and -B.
ARABIC_BLOCKS = ((0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF))
ARABIC_SCRIPT = frozenset(chr(o) for lo, hi in ARABIC_BLOCKS for o in range(lo, hi + 1))

ALEF = "\u0627"
ALEF_VARIANTS = "\u0623\u0625\u0622\u0671\u0672\u0673"  # أ إ آ ٱ and two rare hamza forms
ALEF_WASLA = "\u0671"  # ٱ
ALEF_MAQSURA, YEH = "\u0649", "\u064a"
TEH_MARBUTA, HEH = "\u0629", "\u0647"

# --- leading clitics (surface letters) ----------------------------------------------------
CONJUNCTIONS = ("و", "ف")
PREPOSITIONS = ("ب", "ل", "ك")
CLITIC_FIRST = frozenset("".join(CONJUNCTIONS + PREPOSITIONS))  # the letters a leading clitic starts with
# Pronoun enclitics as written (ه "his/him" ... كن "your, f. pl."); treebank input splits them off.
CLITIC_PRONOUNS = ("ه", "ها", "هم", "هما", "هن", "ي", "ني", "نا", "ك", "كم", "كما", "كن")

# CAMeL clitic feature values (prc*, enc0) -> the letters they are written with.
PROCLITIC_SURFACE = {"wa": "و", "fa": "ف", "bi": "ب", "ka": "ك", "li": "ل", "la": "ل", "sa": "س", "Al": "ال",
                     ">a": "أ", "lA": "لا", "mA": "ما", "ta": "ت", "ha": "ها", "yA": "يا", "El": "عل", "ma": "ما",
                     "wA": "وا", "Ea": "ع", "fi": "في", "min": "من"}
ENCLITIC_SURFACE = {"3ms": "ه", "3fs": "ها", "3d": "هما", "3mp": "هم", "3fp": "هن", "2ms": "ك", "2fs": "ك",
                    "2d": "كما", "2mp": "كم", "2fp": "كن", "1s": "ي", "1p": "نا", "3p": "هم", "2p": "كم"}

# --- keys ---------------------------------------------------------------------------------
_DEDIAC_TABLE = str.maketrans(dict.fromkeys(TATWEEL + DIACRITICS))
_MATCH_TABLE = str.maketrans({**dict.fromkeys(TATWEEL + DIACRITICS), **dict.fromkeys(ALEF_VARIANTS, ALEF),
                              ALEF_MAQSURA: YEH, TEH_MARBUTA: HEH})


def strip_diacritics(text: str) -> str:
    """Remove diacritics and tatweel only."""
    return text.translate(_DEDIAC_TABLE)


def match_key(text: str) -> str:
    """A lenient key for matching variants of the same word: no diacritics or tatweel, alef
    forms merged, ى→ي, ة→ه. Lemmas, names and benchmark gold labels are compared in it."""
    return text.translate(_MATCH_TABLE)


# Per-word caches as plain dicts, emptied when full: lru_cache's bookkeeping (a linked-list
# node per entry) was ~7 MB of a batch worker's memory over 668 articles.
_CACHE_MAX = 200_000


def _key(word: str) -> str:
    k = match_key(word)
    return word if k == word else k  # (most words: keep one string, not an equal copy per cache)


# Called as the bound __getitem__, a hit runs no Python code (some 800k calls per 668 articles).
# key(word): match_key of a word, cached: the form NER and entity grouping compare words in.
key = Memo(_key, _CACHE_MAX).__getitem__


def _clitic_candidates(k: str) -> tuple[tuple[str, str], ...]:
    out = []
    for c in ("", *CONJUNCTIONS):
        if c and not k.startswith(c):
            continue
        rest = k[len(c):]
        for p in ("", *PREPOSITIONS):
            if p and not rest.startswith(p):
                continue
            if not c and not p:
                continue
            rem = rest[len(p):]
            if p == "ل" and rem.startswith("ل") and len(rem) > 3:
                out.append((c + "لل", "ا" + rem))  # ل + ال: للبنتاغون -> البنتاغون
            if len(rem) >= 2:
                out.append((c + p, rem))
    return tuple(out)


_clitic_memo = Memo(_clitic_candidates, _CACHE_MAX)


def clitic_candidates(k: str) -> tuple[tuple[str, str], ...]:
    """(prefix, remainder) splits of a key-form word's leading و/ف + ب/ل/ك (+ ل+ال → لل),
    longest prefix last."""
    # Only words that start with a clitic letter have any: the others are not kept in the memo.
    return _clitic_memo[k] if k[:1] in CLITIC_FIRST else ()


def readings(k: str) -> tuple[str, ...]:
    """A word's key and its clitic-less readings (to match a known name that has a clitic on)."""
    return (k, *(rem for _, rem in clitic_candidates(k)))


# --- vowelled lemmas ----------------------------------------------------------------------
# The lexicon (BAMA) and treebanks (PADT) write the same vowelling differently.
_FATHA, _DAMMA, _KASRA, _SHADDA = "\u064e", "\u064f", "\u0650", "\u0651"
_VOWEL_MARKS = frozenset("\u064e\u064f\u0650\u0651")  # what is left after the conventions below
_LONG_LETTERS = {_FATHA: "\u0627\u0649", _DAMMA: "\u0648", _KASRA: "\u064a"}
_VOWELLED_TABLE = str.maketrans({**{c: "\u0627" for c in "\u0623\u0625\u0622\u0671\u0670"},
                                 **dict.fromkeys("\u0640\u0652\u064b\u064c\u064d")})


@lru_cache(maxsize=65_536)
def vowelled_key(lemma: str) -> str:
    """A vowelled lemma with writing conventions normalised, for comparing vowelled lemmas
    across sources: tatweel, sukun and tanwin dropped; أ إ آ ٱ and dagger alef → ا; no vowel on
    a word-initial alef (hamzat wasl); a short vowel before its own long vowel letter dropped
    (fatha before ا/ى, damma before و, kasra before ي, when that letter has no vowel of its own
    and is not a consonant before an alef); marks on the last letter dropped except shadda (case
    endings); marks of a letter in a fixed order. A different short vowel or shadda stays
    different (شَرْطَة "dash" vs شُرْطَة "police")."""
    s = unicodedata.normalize("NFC", lemma).translate(_VOWELLED_TABLE)
    units: list[list] = []  # [letter, [marks]]
    for ch in s:
        if ch in _VOWEL_MARKS:
            if units and ch not in units[-1][1]:
                units[-1][1].append(ch)
        else:
            units.append([ch, []])
    if units and units[0][0] == "\u0627":
        units[0][1] = []
    written = [bool(m) for _, m in units]
    for i in range(len(units) - 1):
        nxt = units[i + 1][0]
        after = units[i + 2][0] if i + 2 < len(units) else ""
        for v, letters in _LONG_LETTERS.items():
            if v in units[i][1] and nxt in letters and not written[i + 1] and (v == _FATHA or after not in "\u0627\u0649"):
                units[i][1].remove(v)
    if units:
        units[-1][1] = [m for m in units[-1][1] if m == _SHADDA]
    return "".join(c + "".join(sorted(m, key=lambda m: (m != _SHADDA, m))) for c, m in units)


def is_vowelled(lemma: str) -> bool:
    """Whether a lemma carries any vowel mark (lexicon names and guessed words often do not)."""
    return any("\u064b" <= ch <= "\u0651" or ch == "\u0670" for ch in lemma)
