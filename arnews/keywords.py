"""Keywords and keyphrases on lemmas, scored for one document.

Candidates:
- single content words, grouped by lemma (الصواريخ، بصاروخ، صاروخين → صاروخ): nouns and
  adjectives, verbs with ``keyword_verbs``, names (``noun_prop`` or inside an entity
  mention) only with ``keyword_names``; stop words and reporting verbs never;
- phrases of 2-3 words from the part-of-speech sequence inside one sentence with nothing
  but spaces between the words: noun + adjective(s) (القوات الكورية الشمالية) and
  construct chains, إضافة (وزارة الدفاع, وزارة الخارجية الروسية).

Scoring (``stats``, the default): YAKE-style statistics on lemma sequences — frequency,
position of the first occurrence, spread over sentences, phrase cohesion (how much of its
words' use the phrase accounts for), damping of once-only terms, bare adjectives and
adverbials — times an IDF-like weight from a background document-frequency table shipped
in the package (``arnews/data/keywords_df.tsv``, built from SaudiNewsNet by
benchmarks/build_background_df.py). A PositionRank-style graph scorer (``graph``: PageRank
over lemma co-occurrence, biased to early and rare words) is kept for comparison. On the
AKEC training split (benchmarks/keywords_eval.py, ``--names`` mode) ``stats`` scores
F1@10 ≈ 0.127, ``graph`` ≈ 0.095, the ``yake`` package 0.046. ``PARAMS`` were tuned there
on two halves of the documents, keeping values that did well on both and still rank
single lemmas (قوة، جيش) among the top keywords of a news article.

Words and shorter phrases that mostly occur inside a listed phrase are dropped
(deduplication against parts). A term is shown in its most frequent surface form, with
the article as written and without leading conjunctions, prepositions or pronoun suffixes.

For the corpus summary each document also gets ``doc.keyword_candidates`` (a
KeywordCandidates: ``counts``, ``{term: count}`` for every candidate that could be a keyword,
and ``info``, ``{term: (surface, gloss)}`` for the same terms);
:func:`corpus_keyword_scores` ranks terms over a batch with TF-IDF against the batch's
own document frequencies.
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from operator import itemgetter
from typing import Any, Iterable, NamedTuple

from .document import WORD_KINDS, Document, Keyword, KeywordCandidates, Token
from .morphology.senses import phrase_gloss
from .text import CONJUNCTIONS, PREPOSITIONS, match_key, strip_diacritics

BACKGROUND_FILE = "keywords_df.tsv"

# Reporting and other light verbs of news prose (as lemmas and as frequent forms), in
# match_key form. Excluded as keywords even with --verbs.
_REPORTING = """
قال أضاف أعلن أكد أشار أوضح ذكر صرح لفت نوه بين تابع أفاد نقل اعتبر رأى شدد كشف أعرب وصف
زعم أجاب سأل قالت أضافت أعلنت أكدت أشارت أوضحت ذكرت صرحت لفتت نوهت بينت تابعت أفادت كشفت
يقول تقول يضيف يؤكد تؤكد يشير تشير يوضح ذكر أبدى دعا طالب ختم استطرد اختتم مضى أردف
كان أصبح صار ظل بات ليس يكون تكون جرى تم يتم كاد عاد أمسى أضحى مازال ما_زال لازال
""".split()
REPORTING_VERBS: frozenset[str] = frozenset(match_key(w) for w in _REPORTING)

# Nouns and adjectives that work as prepositions or time fillers in news prose (بشأن، في إطار،
# في وقت سابق، الأسبوع الماضي): never keywords, and they break phrases.
_FUNCTION_CONTENT = """
شأن خصوص إطار صدد جانب سياق ضوء ظل إثر أثناء غضون مدى صعيد حوالي نحو حسب ذات نفس مقابل بين فوق تحت
أمام وراء خلف حول دون عبر سبب شكل نتيجة إضافة عقب وقت لدى بعض كل جميع غير مثل سوى عدة حين حيث
سابق ماضي مقبل حالي أخير تال آخر أخرى عام يوم مئة مائة شهر أسبوع ساعة سنة دقيقة
""".split()
FUNCTION_CONTENT: frozenset[str] = frozenset(match_key(w) for w in _FUNCTION_CONTENT)

# Content words that the generic stop-word list (stopwords-iso) contains but news keywords need.
CONTENT_WHITELIST: frozenset[str] = frozenset(match_key(w) for w in "قوة زيارة أمين وقف تحول نهاية إعادة عين".split())

# Function-word POS (CAMeL tag set) never start, end or stand as a keyword.
NOUN_POS = frozenset({"noun", "noun_quant"})
ADJ_POS = frozenset({"adj", "adj_comp"})
NAME_POS = frozenset({"noun_prop"})
VERB_POS = frozenset({"verb"})

# A proclitic as the analyses write it: a CAMeL feature value (wa), a Buckwalter segment (w+) or letters.
_CONJ = ("wa", "fa", "w+", "f+", *CONJUNCTIONS)
_PREP = ("bi", "li", "ka", "b+", "l+", "k+", *PREPOSITIONS)


@dataclass(slots=True)
class _Unit:
    """One word token as the keyword stage sees it."""

    index: int
    key: str  # lemma in match_key form: what groups inflected forms
    lemma: str  # lemma for display
    form: str  # the word without leading conjunction/preposition clitics, article kept
    bare: str  # the word as written, without diacritics
    gloss: str | None
    cls: str | None  # noun | adj | name | verb | None (not a content word)
    sentence: int
    start: int
    end: int
    definite: bool = False
    joined: bool = False  # carries a conjunction or preposition clitic (breaks a phrase)
    possessed: bool = False  # carries a pronoun enclitic (cannot continue a phrase)
    tanwin: bool = False  # indefinite accusative (مؤخرا، تدريبا): cannot head a construct
    usable: bool = True  # may stand as a single keyword (names only with --names)


@dataclass(slots=True)
class _Cand:
    """A candidate term and what its occurrences add up to.

    Made with its first occurrence (the containers already holding it): a document makes thousands
    of candidates, most seen once, and default factories or a first ``get``-and-increment would
    cost Python-level calls for each. Counts are plain dicts ({value: count}, first seen first),
    not Counters, for the same reason; _most_common() picks what Counter.most_common(1) would.
    """

    terms: tuple[str, ...]  # lemma keys
    label: str  # the lemmas for display, space-separated
    kind: str
    classes: tuple[str, ...]
    positions: list[int]  # index of the first unit of each occurrence
    sentences: set[int]
    surfaces: dict[str, int]
    offsets: list[tuple[int, int]]
    glosses: list[dict[str, int]]  # per word of the term: {gloss: count}
    modifier: int = 0  # (words) occurrences that modify a preceding noun
    adverbial: int = 0  # (words) occurrences in the indefinite accusative (أحيانا، مؤخرا)
    score: float = 0.0

    @property
    def count(self) -> int:
        return len(self.positions)

    @property
    def surface(self) -> str:
        """The most frequent surface form (the first seen among equally frequent ones)."""
        return _most_common(self.surfaces)


def _most_common(counts: dict[str, int]) -> str:
    """The key with the highest count, the first inserted on ties (as Counter.most_common(1))."""
    if len(counts) == 1:  # most candidates are seen in one form (and most words with one gloss)
        return next(iter(counts))
    return max(counts, key=counts.__getitem__)


def _by_count(counts: dict[str, int]) -> dict[str, int]:
    """The same dict, most frequent first, ties in insertion order (as dict(Counter.most_common()))."""
    return dict(sorted(counts.items(), key=itemgetter(1), reverse=True))


# --------------------------------------------------------------------------- tokens


# What the clitics of an analysis say, per distinct clitic tuple (a few hundred: و، ال، و+ال، ها ...).
@lru_cache(maxsize=4096)
def _proclitic_info(procls: tuple[str, ...]) -> tuple[bool, bool, bool, bool, int]:
    """(any clitic?, article?, conjunction?, preposition?, number of clitics other than the article)."""
    procs = [str(p) for p in procls if p and str(p) not in ("0", "na")]
    lower = [p.lower() for p in procs]
    article = any(p.startswith(("al_", "al", "ال")) and not p.startswith("ala") for p in lower)
    others = [p for p, low in zip(procs, lower) if not low.startswith(("al", "ال"))]  # one letter each
    conj = any(p.startswith(_CONJ) for p in others)
    prep = any(p.startswith(_PREP) for p in others)
    return bool(procs), article, conj, prep, len(others)


@lru_cache(maxsize=4096)
def _enclitic_info(encls: tuple[str, ...]) -> tuple[bool, int]:
    """(any pronoun enclitic?, letters it adds to the word)."""
    encs = [e for e in encls if e and e not in ("0", "na")]
    return bool(encs), sum(len(strip_diacritics(e)) for e in encs if not e.isascii())


def _display_form(tok: Token, bare: str) -> tuple[str, bool, bool, bool]:
    """(word without leading و/ف/ب/ل/ك clitics but with its article, joined?, definite?, possessed?).

    `bare` is the token's text without diacritics.
    """
    text = bare
    clitics, article, conj, prep, n = _proclitic_info(tuple(tok.proclitics)) if tok.proclitics else _NO_PROCLITICS
    if clitics:
        # Drop the clitics, restoring the article's alef after لـ (للقوات → القوات).
        if prep and article and n >= 1 and text[n - 1 : n + 1] == "لل":
            text = "ال" + text[n + 1 :]
        elif n and len(text) - n >= 2:
            text = text[n:]
        text, possessed = _strip_enclitics(tok, text)
        return text, conj or prep, article or possessed or text.startswith("ال"), possessed
    # No clitic analysis: strip و/ف before an article or a preposition + article, and ب/ك/ل
    # before an article (وبالقوات → القوات, للقوات → القوات).
    joined = False
    if len(text) > 4 and text[0] in "وف" and (text[1:3] in ("ال", "لل") or text[1:4] in ("بال", "كال")):
        text, joined = text[1:], True
    if len(text) > 5 and text[0] in "بك" and text[1:3] == "ال":
        text, joined = text[1:], True
    elif len(text) > 4 and text.startswith("لل"):
        text, joined = "ا" + text[1:], True
    text, possessed = _strip_enclitics(tok, text)
    return text, joined, possessed or text.startswith("ال"), possessed


_NO_PROCLITICS = _proclitic_info(())


def _strip_enclitics(tok: Token, text: str) -> tuple[str, bool]:
    """The word without its pronoun enclitic (قلقه → قلق, حكومتها → حكومة), and whether it had one."""
    if not tok.enclitics:
        return text, False
    possessed, n = _enclitic_info(tuple(tok.enclitics))
    if not possessed:
        return text, False
    if n and len(text) - n >= 2:
        text = text[:-n]
        if text.endswith("ت") and tok.lemma and strip_diacritics(tok.lemma).endswith("ة"):
            text = text[:-1] + "ة"
    return text, True


def _fallback_lemma(norm: str) -> str:
    """Without morphology: the normalised word minus clitics and article (a crude stem)."""
    w = norm
    if len(w) > 4 and w[0] in "وف":
        w = w[1:]
    for p in ("بال", "كال", "فال", "وال", "لل", "ال"):
        if w.startswith(p) and len(w) - len(p) >= 2:
            w = w[len(p) :]
            break
    return w


def _classify(tok: Token, key: str, norm_key: str, stop: frozenset[str], verbs: bool) -> str | None:
    """The word's class outside a name mention (inside one, nouns and adjectives count as names)."""
    pos = (tok.pos or "").lower()
    if tok.kind == "latin":
        return "name" if len(tok.text) > 2 and norm_key not in stop else None
    if tok.kind != "arabic":
        return None
    if key in REPORTING_VERBS or norm_key in REPORTING_VERBS or key in FUNCTION_CONTENT:
        return None
    if key not in CONTENT_WHITELIST and (norm_key in stop or key in stop) or len(key) < 2:
        return None
    if tok.lemma is None or not pos:  # no morphology: every non-stop word counts as a noun
        return "noun"
    if pos in NAME_POS:
        return "name"
    if pos in NOUN_POS:
        return "noun"
    if pos in ADJ_POS:
        return "adj"
    if pos in VERB_POS:
        return "verb" if verbs else None
    if pos in ("foreign", "abbrev"):
        return "name"
    return None


class _TokenInfo(NamedTuple):
    """What _units derives from a token's text and analysis alone (cached per distinct word and
    analysis; a tuple, so that _units unpacks it at tuple speed). The fields are _Unit's."""

    key: str
    lemma: str
    form: str
    bare: str
    gloss: str | None
    joined: bool
    definite: bool
    possessed: bool
    tanwin: bool
    cls: str | None  # outside a name mention
    cls_in_name: str | None  # inside one


_UNCLASSED = _TokenInfo("", "", "", "", None, False, False, False, False, None, None)  # see _token_info


def _token_info(tok: Token, stop: frozenset[str], verbs: bool, classed: bool = False) -> _TokenInfo:
    """With `classed`, for a word that is not a content word only its class (None) is filled in:
    that is all that _units(classed=True) uses."""
    norm_key = match_key(tok.norm)
    if tok.lemma:
        lemma, key = _lemma_key(tok.lemma, tok.analysis_source in ("backoff", "guess"))
    else:  # no morphology: drop clitics and article from the word
        key = _fallback_lemma(norm_key)
        lemma = _fallback_lemma(strip_diacritics(tok.text)) if tok.kind == "arabic" else tok.text
    cls = _classify(tok, key, norm_key, stop, verbs)
    if cls is None and classed:
        return _UNCLASSED
    bare = strip_diacritics(tok.text)
    form, joined, definite, possessed = _display_form(tok, bare)
    gloss = (tok.gloss or "").split(";")[0].strip() or None if tok.gloss else None
    tanwin = "\u064b" in tok.text or (bare.endswith("ا") and not lemma.endswith(("ا", "ى", "اء")) and not possessed)
    # Cached for the life of the process: where a derived string equals one the token already
    # holds (most do), keep that object rather than a second copy.
    lemma = _same(lemma, tok.lemma)
    return _TokenInfo(_same(key, lemma), lemma, _same(form, tok.text), _same(bare, tok.text), _same(gloss, tok.gloss),
                      joined, definite, possessed, tanwin, cls, "name" if cls in ("noun", "adj") else cls)


@lru_cache(maxsize=20_000)  # (a word's lemma recurs in its other forms: 10k lemmas in 30k words)
def _lemma_key(lemma: str, guessed: bool) -> tuple[str, str]:
    """(lemma for display, lemma key) of an analysis."""
    lemma = strip_diacritics(lemma)
    # Guessed names keep their article (الفيسبوك، والفيسبوك → الفيسبوك): group without it.
    if guessed and lemma.startswith("ال") and len(lemma) >= 5:
        lemma = lemma[2:]
    return lemma, match_key(lemma)


def _same(new: str | None, old: str | None) -> str | None:
    return old if new == old else new


# News repeats the same words with the same analyses: _token_info is computed once per distinct
# (word, analysis) and kept per (stop-word set, verbs, classed) setting. Bounded: cleared when full.
_INFO_CACHES: dict[tuple[frozenset[str], bool, bool], dict[tuple, _TokenInfo]] = {}
_INFO_MAX = 100_000


def _units(doc: Document, stop: frozenset[str], verbs: bool, allow_names: bool, classed: bool = False
           ) -> list[_Unit | None]:
    """One unit per token, None for tokens that are not words. With `classed`, only the units of
    content words (class not None), which is all that _candidates needs: another token stands between
    two words like any non-space text, so no phrase runs across it either way."""
    tokens = doc.tokens
    text = doc.text
    in_name: set[int] = set()  # tokens that start inside a name mention
    if doc.entities:
        starts = [t.start for t in tokens]  # (in text order)
        for m in doc.entities:
            if m.label in ("PERSON", "LOCATION", "ORGANIZATION", "MISC"):
                in_name.update(range(bisect_left(starts, m.start), bisect_left(starts, m.end)))
    if not isinstance(stop, frozenset):  # (a set or list from a caller: the cache key must be hashable)
        stop = frozenset(stop)
    cache = _INFO_CACHES.get((stop, verbs, classed))
    if cache is None or len(cache) >= _INFO_MAX:
        cache = _INFO_CACHES[(stop, verbs, classed)] = {}
    units: list[_Unit | None] = []
    append = units.append
    prev: _Unit | None = None  # the previous token's unit
    for i, tok in enumerate(tokens):
        if tok.kind not in WORD_KINDS:
            if not classed:
                append(None)
            prev = None
            continue
        procl, encl = tok.proclitics, tok.enclitics  # (most are empty: no tuple() call for them)
        ck = (tok.text, tok.norm, tok.kind, tok.lemma, tok.analysis_source, tok.pos, tok.gloss,
              tuple(procl) if procl else (), tuple(encl) if encl else ())
        info = cache.get(ck)
        if info is None:
            info = cache[ck] = _token_info(tok, stop, verbs, classed)
        if info is _UNCLASSED:  # (classed: not a content word)
            prev = None
            continue
        key, lemma, form, bare, gloss, joined, definite, possessed, tanwin, cls, cls_in_name = info
        if i in in_name:
            cls = cls_in_name
        sentence, start = tok.sentence, tok.start
        # An adjective right after a name belongs to it (كوريا الشمالية، ألمانيا الغربية).
        if (cls == "adj" and prev is not None and prev.cls == "name" and not joined and prev.sentence == sentence
                and not text[prev.end : start].strip()):
            cls, usable = "name", allow_names
        else:
            usable = cls is not None and (cls != "name" or allow_names)
        prev = _Unit(i, key, lemma, form, bare, gloss, cls, sentence, start, tok.end, definite, joined, possessed,
                     tanwin, usable)
        append(prev)
    return units


# --------------------------------------------------------------------------- candidates


def _continues(prev: _Unit, u: _Unit, seen_adj: bool, allow_names: bool) -> bool | None:
    """Whether a phrase ending in `prev` can go on with `u`: None if not, else whether the phrase then
    has an adjective. Phrases are noun (noun|name)* adj*: a construct chain, then adjectives; no
    clitic-joined inner words. (A phrase that cannot go on with `u` cannot with anything after it.)
    """
    cls = u.cls
    if u.joined or u.possessed or cls is None or cls == "verb":
        return None
    # Nisba words (كوري، عسكري) are often tagged noun; after a noun with the same definiteness
    # they are adjectives (القوات الكورية).
    if cls == "adj" or (cls == "noun" and u.key.endswith("ي") and u.definite == prev.definite and prev.cls != "adj"):
        return True
    # A noun or a name continues a construct chain.
    if seen_adj or prev.definite or prev.tanwin:  # a definite or tanwin noun cannot head a construct
        return None
    if cls == "name" and not allow_names:
        return None
    return False


def _candidates(doc: Document, units: list[_Unit | None], allow_names: bool, max_len: int = 3) -> dict[tuple, _Cand]:
    cands: dict[tuple, _Cand] = {}
    get = cands.get
    text = doc.text

    def add_phrase(seq: list[_Unit], surface: str | None) -> None:
        first, last = seq[0], seq[-1]
        terms = tuple([u.key for u in seq])
        if surface is None:  # (see the loop below for the common case)
            surface = " ".join((first.form + strip_diacritics(text[first.end : last.end])).split())
        c = get(terms)
        if c is None:
            cands[terms] = _Cand(terms, " ".join([u.lemma for u in seq]), "phrase", tuple([u.cls for u in seq]),
                                 [first.index], {first.sentence}, {surface: 1}, [(first.start, last.end)],
                                 [{u.gloss: 1} if u.gloss else {} for u in seq])
            return
        c.positions.append(first.index)
        c.sentences.add(first.sentence)
        c.surfaces[surface] = c.surfaces.get(surface, 0) + 1
        c.offsets.append((first.start, last.end))
        for g, u in zip(c.glosses, seq):
            if u.gloss:
                g[u.gloss] = g.get(u.gloss, 0) + 1

    words = [u for u in units if u is not None]
    n_words = len(words)
    # Token indices of words that modify a preceding noun in a phrase. Every mark comes from a phrase
    # that starts before the word, so it is final when the loop reaches the word.
    modifiers: set[int] = set()
    for n, u in enumerate(words):
        if u.usable:  # a single word: the common case, inlined
            terms = (u.key,)
            c = get(terms)
            if c is None:
                cands[terms] = _Cand(terms, u.lemma, "word", (u.cls,), [u.index], {u.sentence}, {u.form: 1},
                                     [(u.start, u.end)], [{u.gloss: 1} if u.gloss else {}],
                                     1 if u.index in modifiers else 0, 1 if u.tanwin else 0)
            else:
                c.positions.append(u.index)
                c.sentences.add(u.sentence)
                c.surfaces[u.form] = c.surfaces.get(u.form, 0) + 1
                c.offsets.append((u.start, u.end))
                if u.gloss:
                    g = c.glosses[0]
                    g[u.gloss] = g.get(u.gloss, 0) + 1
                if u.index in modifiers:
                    c.modifier += 1
                if u.tanwin:
                    c.adverbial += 1
        if u.cls != "noun" and not (allow_names and u.cls == "name"):
            continue  # only a noun (or a name, with names) heads a phrase
        seen_adj: bool | None = False
        last = u
        # The phrase as written, minus leading conjunction/preposition clitics of its first word, with
        # single spaces: the first word's form, then each next word without diacritics (tokens have no
        # spaces; forms no diacritics), after a space where there was one. None when a word is empty
        # without its diacritics (spaces around it would merge): add_phrase then works it out in full.
        surface = u.form or None
        for m in range(n + 1, min(n + max_len, n_words)):  # (no slice of `words` per word)
            v = words[m]
            # Only spaces between the words, in one sentence.
            if v.sentence != last.sentence or (v.start > last.end and text[last.end : v.start].strip()):
                break
            seen_adj = _continues(last, v, seen_adj, allow_names)
            if seen_adj is None:
                break
            if surface is not None and v.bare:
                surface = f"{surface} {v.bare}" if v.start > last.end else surface + v.bare
            else:
                surface = None
            add_phrase(words[n : m + 1], surface)
            if v.cls != "noun" or m - n > 1 or last.cls != "noun" or v.key.endswith("ي"):
                modifiers.add(v.index)
            last = v
    return cands


# --------------------------------------------------------------------------- background DF


@lru_cache(maxsize=1)
def background_df() -> tuple[int, dict[str, int]]:
    """(number of documents, {lemma key: document frequency}) from the shipped table."""
    try:
        text = resources.files("arnews").joinpath("data", BACKGROUND_FILE).read_text(encoding="utf-8")
    except (FileNotFoundError, OSError, ModuleNotFoundError):
        return 0, {}
    n = 0
    df: dict[str, int] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            if line.startswith("#documents"):
                n = int(line.split("\t")[1])
            continue
        term, _, count = line.partition("\t")
        df[term] = int(count)
    return n, df


def _idf(key: str, n_bg: int, df: dict[str, int]) -> float:
    if not n_bg:
        return 1.0
    return math.log((n_bg + 1) / (df.get(key, 0) + 1)) + 1.0


# --------------------------------------------------------------------------- scoring

# Tuned on the AKEC training split (benchmarks/keywords_eval.py).
PARAMS: dict[str, float] = {
    "tf_exp": 0.7,  # frequency: count ** tf_exp
    "idf_exp": 0.5,  # background rarity: idf ** idf_exp
    "pos_weight": 2.0,  # first occurrence: 1 + pos_weight / (1 + first sentence)
    "spread_weight": 0.3,  # spread: 1 + spread_weight * share of sentences
    "phrase_boost": 3.0,  # phrase: multiplied by phrase_boost * cohesion ** cohesion_exp
    "cohesion_exp": 0.0,
    "dedup": 0.7,  # drop a word when this share of its uses lies in a kept phrase
    "adj_penalty": 0.2,  # a bare adjective (or a word mostly used as one) is rarely a topic
    "once_phrase": 0.35,  # a phrase seen only once
    "once_word": 0.35,  # a word seen only once
}


def _is_modifier(c: _Cand) -> bool:
    """A bare adjective, or a word mostly used to modify a preceding noun (الكورية in القوات الكورية)."""
    return c.classes[0] == "adj" or c.modifier * 2 > len(c.positions)


@lru_cache(maxsize=200_000)
def _bg_idf(key: str) -> float:
    """_idf against the shipped background table (constant per key, so cached)."""
    n_bg, df = background_df()
    return _idf(key, n_bg, df)


def _score_stats(cands: dict[tuple, _Cand], n_sent: int, params: dict[str, float]) -> None:
    word_count = {c.terms[0]: len(c.positions) for c in cands.values() if c.kind == "word"}
    pos_weight, spread_weight, tf_exp, idf_exp = (params["pos_weight"], params["spread_weight"], params["tf_exp"],
                                                  params["idf_exp"])
    phrase_boost, cohesion_exp, once_phrase, once_word, adj_penalty = (
        params["phrase_boost"], params["cohesion_exp"], params["once_phrase"], params["once_word"],
        params["adj_penalty"])
    n_sent = max(n_sent, 1)
    bg_idf = _bg_idf
    for c in cands.values():
        count = len(c.positions)  # c.count
        terms = c.terms
        sentences = c.sentences
        # (One term: the same float as the sum / 1, without the generator.)
        idf = bg_idf(terms[0]) if len(terms) == 1 else sum([bg_idf(t) for t in terms]) / len(terms)
        pos = 1.0 + pos_weight / (1.0 + min(sentences))
        spread = 1.0 + spread_weight * len(sentences) / n_sent
        s = (count ** tf_exp) * (idf ** idf_exp) * pos * spread
        if c.kind == "phrase":
            cohesion = count / max(min([word_count.get(t, count) for t in terms]), count)
            s *= phrase_boost * (cohesion ** cohesion_exp) * (1 + 0.25 * (len(terms) - 2))
            if count == 1:
                s *= once_phrase
        else:
            if _is_modifier(c):
                s *= adj_penalty
            if count == 1:
                s *= once_word
            if c.adverbial == count:  # only ever adverbial: أحيانا، مؤخرا، تقريبا
                s *= adj_penalty
        c.score = s


def _score_graph(cands: dict[tuple, _Cand], units: list[_Unit | None], params: dict[str, float],
                 window: int = 3, damping: float = 0.85, iterations: int = 40) -> None:
    """PositionRank: PageRank over lemma co-occurrence, biased to early and rare words."""
    n_bg, df = background_df()
    seq = [u for u in units if u is not None and u.cls is not None]
    nodes = sorted({u.key for u in seq})
    if not nodes:
        return
    idx = {k: i for i, k in enumerate(nodes)}
    nbrs: list[Counter] = [Counter() for _ in nodes]
    for i, u in enumerate(seq):
        for v in seq[i + 1 : i + window]:
            if v.key != u.key:
                nbrs[idx[u.key]][idx[v.key]] += 1
                nbrs[idx[v.key]][idx[u.key]] += 1
    bias = [0.0] * len(nodes)
    for i, u in enumerate(seq):
        bias[idx[u.key]] += 1.0 / (1 + i)
    for k, i in idx.items():
        bias[i] *= _idf(k, n_bg, df) ** params["idf_exp"]
    total = sum(bias) or 1.0
    bias = [b / total for b in bias]
    rank = list(bias)
    out_w = [sum(n.values()) for n in nbrs]
    for _ in range(iterations):
        new = [(1 - damping) * b for b in bias]
        for i, n in enumerate(nbrs):
            if out_w[i]:
                share = damping * rank[i] / out_w[i]
                for j, w in n.items():
                    new[j] += share * w
        rank = new
    pr = {k: rank[i] * len(nodes) for k, i in idx.items()}
    for c in cands.values():
        s = sum(pr.get(t, 0.0) for t in c.terms)
        if c.kind == "phrase":
            s *= params["phrase_boost"] * 0.5 * (c.count ** 0.5)
        elif _is_modifier(c):
            s *= params["adj_penalty"]
        c.score = s


DEDUP_WINDOW = 10


def _select(cands: dict[tuple, _Cand], top: int, params: dict[str, float]) -> list[_Cand]:
    """The `top` best, best first; terms mostly used inside a listed longer phrase, and repeated surfaces,
    are dropped.

    Two passes: the second also drops words and shorter phrases whose uses lie inside phrases
    among the first pass's top ten even when they ranked above them (مجلس under
    مجلس الوزراء, الحرمين الشريفين under خادم الحرمين الشريفين). Each pass picks in rank order, so
    it stops as soon as it has as many as are needed (a longer list would start the same).
    """
    ranked = sorted(cands.values(), key=lambda c: (-c.score, -len(c.positions), c.label))
    Cover = dict[tuple[str, int], set[tuple]]  # (word key, token index) -> phrases listed there
    dedup = params["dedup"]

    def one_pass(pre: Cover, limit: int) -> list[_Cand]:
        chosen: list[_Cand] = []
        covered: Cover = defaultdict(set, {k: set(v) for k, v in pre.items()})
        surfaces: set[str] = set()
        for c in ranked:
            if len(chosen) >= limit:
                break
            surface = c.surface
            if surface in surfaces:
                continue
            terms = c.terms
            # An occurrence is inside when every word of it is covered by some other listed phrase.
            inside = 0
            if covered:
                for start in c.positions:
                    for j, t in enumerate(terms):
                        by = covered.get((t, start + j))
                        if not by or (len(by) == 1 and terms in by):
                            break
                    else:
                        inside += 1
            if inside >= dedup * len(c.positions):
                continue
            chosen.append(c)
            surfaces.add(surface)
            if c.kind == "phrase":
                _cover(covered, c)
        return chosen

    # (top < 1: the old fixed length, so that chosen[:top] stays what it was.)
    limit = top if top > 0 else 50
    first = one_pass({}, max(limit, DEDUP_WINDOW))
    pre: Cover = defaultdict(set)
    for c in first[:DEDUP_WINDOW]:  # a fixed window: the ranking must not depend on how many are asked for
        if c.kind == "phrase":
            _cover(pre, c)
    return one_pass(pre, limit) if pre else first


def _cover(covered: dict[tuple[str, int], set[tuple]], phrase: _Cand) -> None:
    """Mark the token positions of a phrase's words (its words are consecutive tokens)."""
    for start in phrase.positions:
        for j, term in enumerate(phrase.terms):
            covered[(term, start + j)].add(phrase.terms)


def _gloss(c: _Cand) -> str | None:
    if len(c.glosses) == 1:  # a word
        g = c.glosses[0]
        return _most_common(g) if g else None
    fixed = phrase_gloss(c.terms)  # صاحب السمو الملكي: "His Royal Highness", not word by word
    if fixed:
        return fixed
    # In a phrase each word keeps its first sense only ("delegation / Wafd" -> "delegation"):
    # "X / Y" inside a composed English phrase reads as nonsense.
    parts = [_most_common(g).partition(" / ")[0] if g else None for g in c.glosses]
    if not all(parts):
        return None
    # English order: adjectives before their noun, a construct chain as "X of Y".
    classes = c.classes
    if "adj" not in classes:  # (half the phrases: a construct chain alone)
        return " of ".join(parts)  # type: ignore[arg-type]
    nouns = [g for cls, g in zip(classes, parts) if cls != "adj"]
    if not nouns:
        return " ".join(parts)  # type: ignore[arg-type]
    adjs = [g for cls, g in zip(classes, parts) if cls == "adj"]
    if len(nouns) == 1:
        return " ".join([*reversed(adjs), nouns[0]])  # type: ignore[list-item]
    tail = " ".join([*reversed(adjs), nouns[-1]]) if adjs else nouns[-1]  # type: ignore[list-item]
    return " of ".join([nouns[0], *nouns[1:-1], tail])  # type: ignore[list-item]


def _keyword(c: _Cand, best: float) -> Keyword:
    return Keyword(lemma=c.label, score=round(c.score / best, 4) if best > 0 else 0.0, count=c.count, surface=c.surface,
                   gloss=_gloss(c), kind=c.kind, surfaces=_by_count(c.surfaces), offsets=c.offsets)


def keyword_candidates(doc: Document, stopwords: frozenset[str], *, verbs: bool = False, names: bool = False
                       ) -> dict[tuple, _Cand]:
    """Every candidate term of the document (words and phrases) with counts, positions and surfaces."""
    return _candidates(doc, _units(doc, stopwords, verbs, names, classed=True), names)


def rank_keywords(doc: Document, stopwords: frozenset[str], *, top: int = 10, verbs: bool = False,
                  names: bool = False, scorer: str = "stats", params: dict[str, float] | None = None
                  ) -> tuple[list[Keyword], dict[tuple, _Cand]]:
    """The `top` best keywords of one document (fewer when there are not enough), best first; the best scores 1.0."""
    p = {**PARAMS, **(params or {})}
    units = _units(doc, stopwords, verbs, names, classed=True)  # (both scorers use content words only)
    cands = _candidates(doc, units, names)
    if scorer == "graph":
        _score_graph(cands, units, p)
    else:
        _score_stats(cands, len(doc.sentences) or 1, p)
    chosen = _select(cands, top, p)
    # Scores relative to the document's best keyword (1.0), so they read the same in every document.
    best = chosen[0].score if chosen else 1.0
    return [_keyword(c, best) for c in chosen[:top]], cands


def extract_keywords(doc: Document, stopwords: frozenset[str], *, top: int = 10, verbs: bool = False,
                     names: bool = False, scorer: str = "stats") -> None:
    """The pipeline stage: fill doc.keywords, doc.backends["keywords"] and the corpus hand-over,
    doc.keyword_candidates.
    The arguments are rank_keywords'; the pipeline passes its Settings' values."""
    keywords, cands = rank_keywords(doc, stopwords, top=top, verbs=verbs, names=names, scorer=scorer)
    doc.keywords = keywords
    n_bg, _ = background_df()
    # "no lemmas" when there are words and none has a lemma (stops at the first word with one).
    lemmas = None
    for t in doc.tokens:
        if t.kind in WORD_KINDS:
            lemmas = bool(t.lemma)
            if lemmas:
                break
    morph = "word forms (no lemmas)" if lemmas is False else "lemmas"
    doc.backends["keywords"] = f"{scorer} on {morph}" + (f", background DF of {n_bg} docs" if n_bg else "")
    # For the corpus summary: every candidate that could stand as a keyword (bare adjectives and
    # words mostly used as modifiers left out), with its surface form and gloss.
    counts: dict[str, int] = {}
    info: dict[str, tuple[str, str | None]] = {}
    for c in cands.values():
        if c.kind == "phrase" or not _is_modifier(c):
            label = c.label
            counts[label] = len(c.positions)
            info[label] = (_most_common(c.surfaces), _gloss(c))  # (c.surface, without the property call)
    doc.keyword_candidates = KeywordCandidates(counts, info)


def corpus_keyword_scores(docs_candidates: Iterable[dict[str, int]], n_docs: int | None = None,
                          top: int | None = None) -> list[dict[str, Any]]:
    """Rank terms over a batch: summed sublinear TF times IDF from the batch's own document frequencies.

    Args:
        docs_candidates: one ``doc.keyword_candidates.counts`` dict per document.
        n_docs: number of documents (default: how many dicts were given).
        top: keep this many (default: all).
    Returns:
        dicts ``{"keyword", "documents", "count", "score"}``, best first.
    """
    df: Counter = Counter()
    tf: dict[str, float] = defaultdict(float)
    total: Counter = Counter()
    seen = 0
    for cands in docs_candidates:
        seen += 1
        for term, count in cands.items():
            df[term] += 1
            total[term] += count
            tf[term] += 1.0 + math.log(count)
    n = n_docs or seen
    rows = []
    for term, d in df.items():
        # A term in every document says little about this batch; one in a single document says little about it either.
        idf = math.log((1 + n) / (1 + d)) + 1.0
        score = tf[term] * idf * (1.0 if d > 1 or n == 1 else 0.5)
        rows.append({"keyword": term, "documents": d, "count": total[term], "score": round(score, 4)})
    rows.sort(key=lambda r: (-r["score"], -r["count"], r["keyword"]))
    return rows[:top] if top else rows


__all__ = ["extract_keywords", "rank_keywords", "keyword_candidates", "corpus_keyword_scores", "background_df",
           "REPORTING_VERBS", "PARAMS"]
