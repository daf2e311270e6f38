# cython: annotation_typing=False
# (Cython would otherwise enforce the annotations as exact types: they are documentation here)
"""Word tokenisation and sentence splitting with offsets into the original text.

The word rules are CAMeL Tools' ``simple_word_tokenize`` (camel-tools 1.6):
split on whitespace, then split every punctuation or symbol character and every
emoji sequence off as a token of its own. CAMeL's function returns bare strings;
this one yields the same strings with their character offsets, which is what
entity highlighting and the JSON output need. tests/test_tokenize.py checks that
both produce the same tokens.

setup.py compiles this module with Cython where it can (the chunk loop, _token_loop, is the
hot part); the file stays plain Python and runs as it is where it was not built.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache, partial
from typing import Callable, NamedTuple

import regex

from .document import Sentence, Token
from .normalize import Normalizer
from .text import ARABIC_SCRIPT, ARABIC_WORD_CHARS, TATWEEL

# The same pattern camel_tools.tokenizers.word uses to find a symbol or an emoji sequence.
_SYMBOL_RE = regex.compile(
    r"(?:(?:\p{RI}\p{RI}|\p{Emoji}(?:\p{EMod}|\uFE0F\u20E3?|[\U000E0020-\U000E007E]+\U000E007F)?"
    r"(?:\u200D(?:\p{RI}\p{RI}|\p{Emoji}(?:\p{EMod}|\uFE0F\u20E3?|[\U000E0020-\U000E007E]+\U000E007F)?))*)"
    r"|(?:[0-9*#]\u20e3)|\p{S}|\p{P})"
)
_WORD_RE = re.compile(r"\S+")
# A chunk with no punctuation, symbol or emoji can skip the per-character scan.
_PLAIN_RE = regex.compile(r"[^\p{P}\p{S}\p{Emoji_Presentation}\p{Extended_Pictographic}\p{RI}\u20e3]+")
# Most chunks are Arabic words: letters (with tatweel) and harakat only. Such a chunk is plain and
# its kind is "arabic"; the stdlib re tells that several times faster than the two general checks
# (tests/test_tokenize.py checks every character of the class against both).
_ARABIC_WORD_RE = re.compile(f"[{ARABIC_WORD_CHARS}]+")
_SENTENCE_END = frozenset(".!?؟…۔")
_SENTENCE_END_CHARS = "".join(sorted(_SENTENCE_END))


def is_arabic_char(ch: str) -> bool:
    return ch in ARABIC_SCRIPT


# Arabic letters: the Arabic-script characters that are letters, less tatweel (a stretching stroke).
# Text with none (only tatweel, harakat, Arabic punctuation or digits) has no Arabic word in it.
_ARABIC_LETTER_RE = re.compile("[%s]" % "".join(
    sorted(c for c in ARABIC_SCRIPT if unicodedata.category(c)[0] == "L" and c != TATWEEL)))


def has_arabic_letter(text: str) -> bool:
    """Whether `text` has an Arabic letter (not just tatweel, harakat, Arabic punctuation or digits)."""
    return _ARABIC_LETTER_RE.search(text) is not None


def _is_symbol_token(s: str) -> bool:
    # CAMeL splits a match off only when it is a known punctuation/symbol char or emoji;
    # a lone digit followed by U+20E3 (keycap) or a multi-codepoint emoji is one.
    if len(s) == 1:
        return unicodedata.category(s)[0] in "PS"
    return True


def _split_chunk(chunk: str, offset: int, out: list[tuple[str, int, int]]) -> None:
    if _ARABIC_WORD_RE.fullmatch(chunk) or _PLAIN_RE.fullmatch(chunk):
        out.append((chunk, offset, offset + len(chunk)))
        return
    n = len(chunk)
    i = start = 0
    while i < n:
        m = _SYMBOL_RE.match(chunk, pos=i)
        if m is not None and _is_symbol_token(m.group(0)):
            if i != start:
                out.append((chunk[start:i], offset + start, offset + i))
            out.append((m.group(0), offset + i, offset + m.end()))
            i = start = m.end()
            continue
        i += 1
    if start < n:
        out.append((chunk[start:], offset + start, offset + n))


# Whitespace-separated chunks repeat a lot in news (the same words): split each distinct one once.
_PIECES: dict[str, tuple[tuple[str, int, int], ...]] = {}
_PIECES_MAX = 100_000


def _pieces(chunk: str) -> tuple[tuple[str, int, int], ...]:
    """A chunk's tokens with offsets relative to the chunk (cached)."""
    hit = _PIECES.get(chunk)
    if hit is None:
        out: list[tuple[str, int, int]] = []
        _split_chunk(chunk, 0, out)
        hit = tuple(out)
        if len(_PIECES) >= _PIECES_MAX:
            _PIECES.clear()
        _PIECES[chunk] = hit
    return hit


class Span(NamedTuple):
    """A token's text and its offsets in the text it was found in."""

    text: str
    start: int
    end: int


def word_spans(text: str) -> list[Span]:
    """The tokens following CAMeL's simple_word_tokenize rules, with their offsets."""
    out: list[Span] = []
    append = out.append
    for m in _WORD_RE.finditer(text):
        off = m.start()
        for tok, s, e in _pieces(m.group()):
            append(Span(tok, off + s, off + e))
    return out


@lru_cache(maxsize=100_000)
def token_kind(tok: str) -> str:
    if _ARABIC_WORD_RE.fullmatch(tok) and _ARABIC_LETTER_RE.search(tok):  # not tatweel or harakat alone
        return "arabic"
    return _kind_by_category(tok)


def _kind_by_category(tok: str) -> str:
    arabic = latin = digit = False
    for ch in tok:
        cat = unicodedata.category(ch)
        if cat[0] == "L":
            if ch == TATWEEL:  # tatweel only stretches letters: a token of tatweel alone is no word
                continue
            if is_arabic_char(ch):
                arabic = True
            else:
                latin = True
        elif cat == "Nd":
            digit = True
    if arabic:
        return "arabic"
    if latin:
        return "latin"
    if digit:
        return "number"
    if len(tok) >= 1 and unicodedata.category(tok[0])[0] == "P":
        return "punct"
    if len(tok) >= 1 and unicodedata.category(tok[0])[0] == "S":
        return "symbol"
    return "other"


# What tokenize() makes of a whitespace-separated chunk: its tokens as (text, start, end, norm, kind,
# ends_sentence) with offsets relative to the chunk. Chunks repeat (the same words), so this is done
# once per distinct chunk and normalisation (kept per step tuple: equal steps, equal results).
_Piece = tuple[str, int, int, str, str, bool]
_TOKEN_PIECES: dict[tuple[str, ...], dict[str, tuple[_Piece, ...]]] = {}
_TOKEN_PIECES_MAX = 30_000  # ~10 MB; a news corpus' most frequent chunks fill it in some 300 articles


def _token_pieces(chunk: str, norm: Callable[[str], str]) -> tuple[_Piece, ...]:
    out: list[tuple[str, int, int]] = []
    _split_chunk(chunk, 0, out)
    # A token made only of . ! ? ؟ … ۔ ends its sentence.
    return tuple((tok, s, e, norm(tok), token_kind(tok), not tok.strip(_SENTENCE_END_CHARS)) for tok, s, e in out)


def tokenize(text: str, normalizer: Normalizer | None = None) -> tuple[list[Token], list[Sentence]]:
    """Tokens with offsets, normalised forms and sentence numbers, plus the sentences.

    A sentence ends after . ! ? ؟ … or at a line break, LF or CR (news paragraphs and
    titles often have no final stop).
    """
    norm = normalizer or Normalizer()
    if isinstance(norm, Normalizer):
        steps = tuple(norm.steps)
        cache = _TOKEN_PIECES.get(steps)
        if cache is None or len(cache) >= _TOKEN_PIECES_MAX:
            cache = _TOKEN_PIECES[steps] = {}
        apply = norm.uncached  # the result is cached here, once
    else:  # any other callable: cached for this text only
        cache, apply = {}, norm
    return _token_loop(text, cache, partial(_token_pieces, norm=apply))


def _token_loop(text: str, cache: dict[str, tuple[_Piece, ...]],
                make: Callable[[str], tuple[_Piece, ...]]) -> tuple[list[Token], list[Sentence]]:
    """tokenize's loop over the text's chunks: per token a cache lookup and a Token. The
    hottest loop of the tokens stage, hence str.split and find rather than a regex match per
    chunk, and the sentence closing written out where it happens."""
    tokens: list[Token] = []
    sentences: list[Sentence] = []
    first = 0  # index of the open sentence's first token
    prev_end = 0
    find = text.find
    append = tokens.append
    # str.split() splits at the same characters as _WORD_RE (both use Python's isspace), and a
    # chunk's first occurrence from the previous chunk's end is the chunk itself (only
    # whitespace lies between them, and a chunk starts with none).
    for chunk in text.split():
        pieces = cache.get(chunk)
        if pieces is None:
            pieces = cache[chunk] = make(chunk)
        off = find(chunk, prev_end)
        # Only the chunk's first token can follow a line break (the others touch the one before).
        if len(tokens) > first and (find("\n", prev_end, off) >= 0 or find("\r", prev_end, off) >= 0):  # LF, CR
            sentences.append(Sentence(tokens[first].start, prev_end, first, len(tokens)))
            first = len(tokens)
        for tok, s, e, tok_norm, kind, ends in pieces:
            append(Token(tok, off + s, off + e, tok_norm, kind, len(sentences)))
            if ends:
                sentences.append(Sentence(tokens[first].start, off + e, first, len(tokens)))
                first = len(tokens)
        prev_end = off + len(chunk)
    if len(tokens) > first:
        sentences.append(Sentence(tokens[first].start, prev_end, first, len(tokens)))
    return tokens, sentences


def arabic_share(text: str) -> float:
    """Share of letters in the text that are Arabic script (0..1)."""
    letters = arabic = 0
    # Per distinct character (a news text has a few dozen), not per character: same result, far faster.
    for ch, n in Counter(text).items():
        if ch.isalpha() and ch != TATWEEL:  # tatweel stretches letters, it is none
            letters += n
            if ch in ARABIC_SCRIPT:
                arabic += n
    return arabic / letters if letters else 0.0
