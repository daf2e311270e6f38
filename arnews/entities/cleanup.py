"""Clean entity spans after tagging, whatever the backend: what a reader must never see in the table.

- No URL, digit-only or Latin fragment inside an Arabic name: a tagger trained on newswire has
  never seen a link, so "محمد بن سلمان https://t.co/..." comes out as one name. Such tokens
  split the span and only its Arabic parts stay. Numbers split only persons and places: event
  and organisation names keep them (مونديال 2006 in ANERcorp, الجامبوري الكشفي العالمي الـ 23).
- Months are not names (ANERcorp tags them O): a span that is only a month (يناير، آب، كانون
  الثاني ...) is dropped, except ORG نيسان (Nissan) when no day number stands next to it.
- Currencies are MISC in ANERcorp, never places or persons: دولار، اليورو، الريال السعودي.
  ريال alone tagged ORG is Real Madrid unless an amount comes before it.
- A publisher (دار الشروق) is an organisation, and a name tagged right after دار takes it in.
- Two or more definite nisba adjectives right after a definite noun describe that noun
  (القوات الكورية الشمالية: North Korean forces), they do not name a place: dropped. A name
  that starts the phrase (في الجمهورية العربية السورية) has no definite noun before it.

Spans are ``Span(start, end, label)``: a token range of the document and a type (PERS ...).
"""
from __future__ import annotations

import re
from typing import NamedTuple

from ..document import Document
from ..text import key, readings



class Span(NamedTuple):
    """A tagged name as the document's tokens [start, end) and its type (PERS, LOC, ORG, MISC)."""
    start: int
    end: int
    label: str


_URL = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\S+|\b(?:https?|www)\b", re.IGNORECASE)

# (match-key forms; كانون/تشرين take الأول/الثاني as a second word)
MONTHS = frozenset(key(w) for w in """يناير فبراير مارس أبريل ابريل إبريل مايو يونيو يونيه يوليو يوليه أغسطس
    اغسطس سبتمبر أكتوبر اكتوبر نوفمبر ديسمبر كانون شباط آذار نيسان أيار حزيران تموز آب أيلول تشرين""".split())
_MONTH_ORDINALS = frozenset(key(w) for w in "الأول الاول الثاني".split())
# Currency words (match-key form, without ال), with their plural, dual and accusative forms.
CURRENCIES = frozenset(key(w) for w in """دولار دولارا دولارات دولاران دولارين يورو ريال ريالا ريالات
    جنيه جنيها جنيهات دينار دينارا دنانير درهم درهما دراهم ليرة ليرات روبل روبلات روبية روبيات
    فرنك فرنكات شيكل شيكلات يوان ين""".split())
# Words before a currency that make it an amount (ريال then is money, not Real Madrid).
_AMOUNTS = frozenset(key(w) for w in "مليون ملايين مليار مليارات ألف آلاف الف الاف تريليون".split())
_DAR = key("دار")
_DAR_PLACES = frozenset(key(w) for w in "السلام فور".split())  # دار السلام، دار فور: places


def _bare(k: str) -> tuple[str, ...]:
    """A word's readings with a leading clitic and the article off (والدولار -> دولار)."""
    out = []
    for r in readings(k):
        out.append(r)
        if r.startswith("ال") and len(r) > 3:
            out.append(r[2:])
    return tuple(out)


def _url_tokens(doc: Document, s: int, e: int) -> set[int]:
    """Tokens of s..e that lie inside a link or an e-mail address of the text."""
    tokens = doc.tokens
    lo, hi = tokens[s].start, tokens[e - 1].end
    # (a link may start before the span: look a little to the left)
    text = doc.text
    a = max(0, lo - 200)
    out = set()
    for m in _URL.finditer(text, a, min(len(text), hi + 200)):
        if m.end() <= lo or m.start() >= hi:
            continue
        for i in range(s, e):
            if tokens[i].start < m.end() and tokens[i].end > m.start():
                out.add(i)
    return out


_ARTICLE = key("الـ")


def _name_edge(tok) -> bool:
    """Whether a token may begin or end a name: a word or number, not punctuation or a lone الـ."""
    return tok.kind == "number" or (tok.kind == "arabic" and key(tok.text) != _ARTICLE)


def _split_foreign(doc: Document, s: int, e: int, typ: str) -> list[Span]:
    """The Arabic parts of a span that has links, Latin words or (outside MISC) numbers inside."""
    tokens = doc.tokens
    kinds = [tokens[i].kind for i in range(s, e)]
    if "arabic" not in kinds:
        # A Latin name stays (Albert Einstein), a link or a bare number does not.
        if _url_tokens(doc, s, e) or "latin" not in kinds:
            return []
        return [Span(s, e, typ)]
    if all(k == "arabic" for k in kinds):
        return [Span(s, e, typ)]
    bad = {i for i in range(s, e)
           if tokens[i].kind == "latin" or (tokens[i].kind == "number" and typ in ("PERS", "LOC"))}
    bad |= _url_tokens(doc, s, e)
    out = []
    i = s
    while i < e:
        while i < e and i in bad:
            i += 1
        j = i
        while j < e and j not in bad:
            j += 1
        a, b = i, j
        while a < b and not _name_edge(tokens[a]):
            a += 1
        while b > a and not _name_edge(tokens[b - 1]):
            b -= 1
        if any(tokens[x].kind == "arabic" for x in range(a, b)):
            out.append(Span(a, b, typ))
        i = j
    return out


def _is_month(ks: list[str]) -> bool:
    if not any(r in MONTHS for r in _bare(ks[0])):
        return False
    return all(k in _MONTH_ORDINALS for k in ks[1:]) and len(ks) <= 2


def _number_next_to(doc: Document, s: int, e: int) -> bool:
    tokens = doc.tokens
    sent = tokens[s].sentence
    return any(0 <= i < len(tokens) and tokens[i].sentence == sent and tokens[i].kind == "number"
               for i in (s - 1, e))


def _is_currency(ks: list[str]) -> bool:
    """A currency word, then only nisba adjectives (الدولار الأمريكي، جنيه إسترليني) or nothing."""
    if not any(r in CURRENCIES for r in _bare(ks[0])):
        return False
    return all(k.endswith(("ي", "يه")) and len(k) > 3 for k in ks[1:])


def _is_amount(doc: Document, s: int, ks: list[str]) -> bool:
    tokens = doc.tokens
    if len(ks) > 1:
        return True  # ريال سعودي
    p = s - 1
    if p < 0 or tokens[p].sentence != tokens[s].sentence:
        return False
    return tokens[p].kind == "number" or any(r in _AMOUNTS for r in _bare(key(tokens[p].text)))


def _starts_with_dar(k: str) -> bool:
    return _DAR in readings(k)


# Words that start like a definite noun but are not one (إلى، الذي ...), in match-key form.
_NOT_NOUNS = frozenset(key(w) for w in "إلى الذي التي الذين اللذين اللتين اللواتي اللاتي".split())


def _nisba(k: str) -> bool:
    """A definite nisba adjective's match key: ال...ية / ال...ي (الكورية، الأمريكي)."""
    return k.startswith("ال") and len(k) > 4 and (k.endswith("يه") or k.endswith("ي"))


def _after_definite_noun(doc: Document, s: int, taken: set[int]) -> bool:
    """The word before token s is an untagged definite word of the same sentence (القوات ...)."""
    if s == 0 or s - 1 in taken:
        return False
    prev, tok = doc.tokens[s - 1], doc.tokens[s]
    return (prev.sentence == tok.sentence and prev.kind == "arabic"
            and any(r.startswith("ال") and len(r) > 3 and r not in _NOT_NOUNS for r in readings(key(prev.text))))


def clean_spans(doc: Document, found: list[Span]) -> list[Span]:
    """The spans without link/Latin/number fragments, months, adjective phrases and misplaced
    currencies; publishers as ORG."""
    tokens = doc.tokens
    out: list[Span] = []
    taken = {i for s, e, _ in found for i in range(s, e)}
    for s0, e0, typ0 in found:
        for s, e, typ in _split_foreign(doc, s0, e0, typ0):
            ks = [key(t.text) for t in tokens[s:e]]
            if _is_month(ks) and (typ != "ORG" or _number_next_to(doc, s, e)):
                continue
            if len(ks) > 1 and all(map(_nisba, ks)) and _after_definite_noun(doc, s, taken):
                continue
            if _is_currency(ks):
                if typ == "ORG" and not _is_amount(doc, s, ks):
                    pass  # ريال alone in sport: Real Madrid
                else:
                    typ = "MISC"
            elif _starts_with_dar(ks[0]) and len(ks) > 1 and ks[1] not in _DAR_PLACES:
                typ = "ORG"
            elif (typ in ("PERS", "ORG", "MISC") and s > 0 and s - 1 not in taken
                  and tokens[s - 1].sentence == tokens[s].sentence and tokens[s - 1].kind == "arabic"
                  and _starts_with_dar(key(tokens[s - 1].text)) and ks[0] not in _DAR_PLACES):
                s, typ = s - 1, "ORG"  # دار + the name the tagger found: the publisher
            out.append(Span(s, e, typ))
    return out
