"""Arabic script normalisation as named, individually switchable steps.

Normalised forms are used for matching and counting only; the original text is
kept on the Document and every token points back into it by offsets. The steps
are applied per token (see tokenize.py), so a step that changes the length of a
string (presentation-form ligatures, removed diacritics) never shifts offsets.
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache, partial
from typing import Callable

from .memo import Memo
from .text import ALEF, ALEF_MAQSURA, ALEF_VARIANTS, DIACRITICS, HEH, TATWEEL, TEH_MARBUTA, YEH

# Each step: name -> (description, character mapping). "unicode" is special (NFKC).

STEPS: dict[str, tuple[str, dict[str, str | None]]] = {
    "unicode": ("NFKC: presentation forms and ligatures to base letters", {}),
    "letters": (
        "Persian/Urdu letter variants to Arabic (ک→ك, ی→ي, ھ→ه)",
        {"\u06a9": "\u0643", "\u06cc": "\u064a", "\u06be": "\u0647", "\u06c1": "\u0647", "\u06d2": "\u064a"},
    ),
    "tatweel": ("remove tatweel (kashida) ـ", {TATWEEL: None}),
    "diacritics": ("remove harakat, shadda, sukun, dagger alef and Quranic marks", dict.fromkeys(DIACRITICS)),
    "alef": ("alef with hamza/madda/wasla to bare alef (أ إ آ ٱ → ا)", dict.fromkeys(ALEF_VARIANTS, ALEF)),
    "hamza": ("hamza seats to bare hamza (ؤ ئ → ء); off by default", {"\u0624": "\u0621", "\u0626": "\u0621"}),
    "alef_maqsura": ("alef maqsura to yeh (ى → ي)", {ALEF_MAQSURA: YEH}),
    "teh_marbuta": ("teh marbuta to heh (ة → ه)", {TEH_MARBUTA: HEH}),
    "digits": (
        "Arabic-Indic and Persian digits to ASCII",
        {**{chr(0x0660 + i): str(i) for i in range(10)}, **{chr(0x06F0 + i): str(i) for i in range(10)}},
    ),
    "punctuation": (
        "Arabic and typographic punctuation to ASCII (، ؛ ؟ « » “ ” ‘ ’ – —)",
        {
            "\u060c": ",", "\u061b": ";", "\u061f": "?", "\u066a": "%", "\u066b": ".", "\u066c": ",",
            "\u00ab": '"', "\u00bb": '"', "\u201c": '"', "\u201d": '"', "\u201e": '"',
            "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u2013": "-", "\u2014": "-", "\u2026": "...",
        },
    ),
}

DEFAULT_STEPS: tuple[str, ...] = tuple(s for s in STEPS if s != "hamza")


class UnknownStepError(ValueError):
    pass


def parse_steps(spec: str | None, skip: tuple[str, ...] | list[str] = ()) -> tuple[str, ...]:
    """Turn "default", "all", "none" or a comma list, minus `skip`, into an ordered step tuple."""
    if spec is None or spec.strip() in ("", "default"):
        chosen = list(DEFAULT_STEPS)
    elif spec.strip() == "all":
        chosen = list(STEPS)
    elif spec.strip() == "none":
        chosen = []
    else:
        chosen = [s.strip() for s in spec.split(",") if s.strip()]
    unknown = [s for s in [*chosen, *skip] if s not in STEPS]
    if unknown:
        raise UnknownStepError(
            f"unknown normalisation step {unknown[0]!r}; choose from: {', '.join(STEPS)}"
        )
    # Keep the canonical order whatever order the user typed.
    return tuple(s for s in STEPS if s in chosen and s not in skip)


@lru_cache(maxsize=64)
def _table(steps: tuple[str, ...]) -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for name in steps:
        for src, dst in STEPS[name][1].items():
            table[ord(src)] = dst
    return table


def _apply(nfkc: bool, table: dict[int, str | None], text: str) -> str:
    out = text
    if nfkc and not out.isascii():
        out = unicodedata.normalize("NFKC", out)
    out = out.translate(table)
    # Removing a character can leave a sequence NFKC composes (e + tatweel + U+0301 -> é),
    # so repeat until stable: normalising twice must give the same result as once.
    for _ in range(4):
        if not nfkc or out.isascii() or unicodedata.is_normalized("NFKC", out):
            break
        out = unicodedata.normalize("NFKC", out).translate(table)
    # Most words come out unchanged: return the same object, so caches keep one copy.
    return text if out == text else out


class Normalizer:
    """Applies a fixed set of steps; cached per distinct string because news repeats words."""

    def __init__(self, steps: tuple[str, ...] = DEFAULT_STEPS):
        self.steps = steps
        # The same result without touching the cache (for callers that cache the result themselves).
        # (A partial, not a bound method: the cache below holds it, and a Normalizer that referred
        # to itself through its cache would be freed only by the cyclic collector.)
        self.uncached: Callable[[str], str] = partial(_apply, "unicode" in steps, _table(steps))
        self._cache = Memo(self.uncached)
        # The same as calling the normaliser, as a dict lookup (no Python call on a hit): for loops
        # over every token.
        self.lookup: Callable[[str], str] = self._cache.__getitem__

    def __call__(self, text: str) -> str:
        return self._cache[text]


def normalize_text(text: str, steps: tuple[str, ...] = DEFAULT_STEPS) -> str:
    """Normalise a whole text (for `arnews normalize`); line structure is kept."""
    return Normalizer(steps).uncached(text)  # (one text: nothing to cache)
