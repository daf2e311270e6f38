"""Pick one analysis per word in context.

Every word gets a list of candidates: the analyser's analyses (deduplicated by lemma, POS and
clitics), closed-class readings from a small table (clitic pronouns and particles standing
alone, as in treebank input), and always one *guess*: the word itself as a proper noun, which
is the right answer for names and foreign words the lexicon lacks or mangles.

A linear model scores the candidates (a conditional-logit ranker trained on UD Arabic PADT dev
by benchmarks/train_lemma_ranker.py; weights in data/lemma_ranker.json). Features are general
on purpose: POS, clitics on already-split input, spelling variants, backoff, lemma frequency in
news text, the POS signature of the neighbouring words, a few shape cues for names. No per-lemma
weights; what it knows of single lemmas is their counts in the treebank (``tb`` features, from
data/lemma_table.json.gz), the one thing that tells same-letter readings apart (شُرْطَة "police"
and شَرْطَة "dash" share every other feature). Cross-validated by document, so the figures say
how that carries to unseen text.

Everything static about a word (its candidates and their static scores) is cached per distinct
word, so running text costs one dict lookup per token plus a few for ambiguous words.
"""
from __future__ import annotations

import gzip
import json
import math
from functools import lru_cache
from pathlib import Path

from ..memo import Memo
from ..text import (CLITIC_PRONOUNS, ENCLITIC_SURFACE, PROCLITIC_SURFACE, is_vowelled, match_key, strip_diacritics,
                    vowelled_key)
from .base import WordAnalysis
from .senses import news_gloss, order_senses

DATA_DIR = Path(__file__).parent / "data"
MODEL_PATH = DATA_DIR / "lemma_ranker.json"
PRIOR_PATH = DATA_DIR / "lemma_prior.json.gz"
TABLE_PATH = DATA_DIR / "lemma_table.json.gz"
# Score bonus of a reading hand-listed in data/news_senses.tsv: breaks ties between same-letter
# readings the model cannot tell apart (ملكي "royal" / "proprietary"), no more.
NEWS_WEIGHT = 0.05

@lru_cache(maxsize=65_536)
def _lemma_key(lemma: str) -> str:
    """match_key of a lemma: lemmas recur across the words being analysed, so cached."""
    return match_key(lemma)


@lru_cache(maxsize=256)
def _prc_surface(value: str) -> str | None:
    if not value or value in ("0", "na", "-"):
        return None
    head = value.split("_")[0]
    return PROCLITIC_SURFACE.get(head, head)


@lru_cache(maxsize=256)
def _enc_surface(value: str) -> str | None:
    if not value or value in ("0", "na", "-"):
        return None
    pn, _, kind = value.partition("_")
    if pn == "1s" and kind == "dobj":
        return "ني"
    return ENCLITIC_SURFACE.get(pn, pn)


# Treebank (and general lexicographic) conventions for closed-class lemmas.
_PRONOUNS = ("هو", "هي", "هم", "هما", "هن", "أنا", "نحن", "أنت", "أنتم", "أنتما", "أنتن", "إياه", "إياها", "إياهم")
_LEMMA_CONVENTIONS = {
    **{p: ("هو", "هُوَ") for p in _PRONOUNS},
    "التي": ("الذي", "الَّذِي"), "الذين": ("الذي", "الَّذِي"), "اللذان": ("الذي", "الَّذِي"), "اللتان": ("الذي", "الَّذِي"),
    "اللذين": ("الذي", "الَّذِي"), "اللتين": ("الذي", "الَّذِي"), "اللواتي": ("الذي", "الَّذِي"), "اللاتي": ("الذي", "الَّذِي"),
    "اللائي": ("الذي", "الَّذِي"),
    "هذه": ("هذا", "هٰذا"), "هؤلاء": ("هذا", "هٰذا"), "هذان": ("هذا", "هٰذا"), "هاتان": ("هذا", "هٰذا"),
    "هذين": ("هذا", "هٰذا"), "هاتين": ("هذا", "هٰذا"),
}
# Feminine elatives are lemmatised to the masculine elative (أخرى → آخر, كبرى → أكبر), as
# adjectives are generally lemmatised to the masculine singular.
_FEM_ELATIVE = {
    "أخرى": ("آخر", "آخَر"), "أولى": ("أول", "أَوَّل"), "كبرى": ("أكبر", "أَكْبَر"), "صغرى": ("أصغر", "أَصْغَر"),
    "عظمى": ("أعظم", "أَعْظَم"), "وسطى": ("أوسط", "أَوْسَط"), "عليا": ("أعلى", "أَعْلَى"), "دنيا": ("أدنى", "أَدْنَى"),
    "قصوى": ("أقصى", "أَقْصَى"), "كبريات": ("أكبر", "أَكْبَر"), "أخريات": ("آخر", "آخَر"),
}
# word -> [(lemma, lemma_diac, pos, gloss)] readings that the lexicon lacks or buries.
CLOSED: dict[str, list[tuple[str, str, str, str]]] = {
    "و": [("و", "وَ", "conj", "and")],
    "ف": [("ف", "فَ", "conj", "and;so")],
    "ب": [("ب", "بِ", "prep", "by;with")],
    "ل": [("ل", "لِ", "prep", "for;to"), ("ل", "لِ", "part", "to;in order to")],
    "ك": [("ك", "كَ", "prep", "like;such as"), ("هو", "هُوَ", "pron", "you")],
    "س": [("س", "سَ", "part_fut", "will")],
    "ال": [("ال", "ال", "part_det", "the")],
    **{c: [("هو", "هُوَ", "pron", "he;she;it;they")] for c in CLITIC_PRONOUNS if c != "ك"},
    **{p: [("هو", "هُوَ", "pron", "he;she;it;they")] for p in _PRONOUNS},
}
# Frequent function words and the forms they take before a pronoun suffix. In running text they
# carry clitics (وهو، لكنه، بأن، لديه، ولم) that the BAMA tables often analyse badly, so raw
# input also gets candidates built from these: proclitics + core + enclitic.
_FUNCTION_WORDS: dict[str, tuple[str, str, str, str, str | None]] = {
    # core: (lemma, lemma_diac, pos, gloss, form before an enclitic or None if it takes none)
    **{p: ("هو", "هُوَ", "pron", "he;she;it;they", None) for p in _PRONOUNS if not p.startswith("إيا")},
    "ذلك": ("ذلك", "ذٰلِكَ", "pron_dem", "that", None), "تلك": ("ذلك", "ذٰلِكَ", "pron_dem", "that", None),
    "هذا": ("هذا", "هٰذا", "pron_dem", "this", None), "هذه": ("هذا", "هٰذا", "pron_dem", "this", None),
    "هؤلاء": ("هذا", "هٰذا", "pron_dem", "these", None),
    "الذي": ("الذي", "الَّذِي", "pron_rel", "who;which", None), "التي": ("الذي", "الَّذِي", "pron_rel", "who;which", None),
    "الذين": ("الذي", "الَّذِي", "pron_rel", "who;which", None),
    "لم": ("لم", "لَمْ", "part_neg", "not (past)", None), "لن": ("لن", "لَنْ", "part_neg", "will not", None),
    "لا": ("لا", "لا", "part_neg", "not;no", None), "قد": ("قد", "قَدْ", "part", "(has/have);may", None),
    "ما": ("ما", "ما", "part", "what;not", None), "كما": ("كما", "كَما", "conj", "as;also", None),
    "أن": ("أن", "أَنَّ", "conj_sub", "that", "أن"), "إن": ("إن", "إِنَّ", "part", "indeed;that", "إن"),
    "لكن": ("لكن", "لٰكِنَّ", "conj", "but", "لكن"), "لأن": ("لأن", "لِأَنَّ", "conj_sub", "because", "لأن"),
    "على": ("على", "عَلَى", "prep", "on;above", "علي"), "إلى": ("إلى", "إِلَى", "prep", "to;towards", "إلي"),
    "لدى": ("لدى", "لَدَى", "prep", "at;with", "لدي"), "في": ("في", "فِي", "prep", "in", "في"),
    "من": ("من", "مِن", "prep", "from;of", "من"), "عن": ("عن", "عَن", "prep", "about;from", "عن"),
    "مع": ("مع", "مَعَ", "prep", "with", "مع"), "بين": ("بين", "بَيْنَ", "prep", "between;among", "بين"),
    "عند": ("عند", "عِنْدَ", "prep", "at;when", "عند"), "حول": ("حول", "حَوْلَ", "prep", "about;around", "حول"),
    "منذ": ("منذ", "مُنْذُ", "prep", "since", None), "ضد": ("ضد", "ضِدَّ", "prep", "against", "ضد"),
    "خلال": ("خلال", "خِلالَ", "prep", "during;through", "خلال"), "بعد": ("بعد", "بَعْدَ", "prep", "after", "بعد"),
    "قبل": ("قبل", "قَبْلَ", "prep", "before", "قبل"), "أمام": ("أمام", "أَمامَ", "prep", "in front of", "أمام"),
    "نحو": ("نحو", "نَحْوَ", "prep", "towards;about", None), "دون": ("دون", "دُونَ", "prep", "without", "دون"),
    "نعم": ("نعم", "نَعَم", "interj", "yes", None), "أمس": ("أمس", "أَمْس", "noun", "yesterday", None),
    "أيضا": ("أيضا", "أَيْضاً", "adv", "also", None), "حيث": ("حيث", "حَيْثُ", "conj", "where;since", None),
}
_RAW_PROCLITICS = ("", "و", "ف", "ب", "ل", "ك", "وب", "ول", "فب", "فل", "وك")
_PREP_PROCLITIC_OK = frozenset(("pron", "pron_dem", "pron_rel", "conj_sub", "noun"))
_RAW_ENCLITICS = ("", *CLITIC_PRONOUNS)  # (their order only orders the table's keys: each gives its own surfaces)


@lru_cache(maxsize=1)
def raw_closed_table() -> dict[str, list[tuple[str, str, str, str, tuple[str, ...], tuple[str, ...]]]]:
    """surface -> [(lemma, lemma_diac, pos, gloss, proclitics, enclitics)] for function words with clitics."""
    table: dict[str, list] = {}
    for core, (lemma, diac, pos, gloss, before_enc) in _FUNCTION_WORDS.items():
        for pro in _RAW_PROCLITICS:
            if pro[-1:] in ("ب", "ل", "ك") and pos not in _PREP_PROCLITIC_OK:
                continue
            for enc in _RAW_ENCLITICS:
                if enc and before_enc is None:
                    continue
                stem = before_enc if enc else core
                surface = pro + stem + enc
                if pro.endswith("ل") and surface[len(pro):].startswith("ال"):
                    surface = pro + surface[len(pro) + 1:]  # ل + الذي -> للذي
                procl = tuple(pro)
                encl = (enc,) if enc else ()
                table.setdefault(surface, []).append((lemma, diac, pos, gloss, procl, encl))
    return table


_CLOSED_POS = frozenset(("prep", "conj", "conj_sub", "part", "part_neg", "part_fut", "part_interrog", "part_det",
                         "pron", "pron_dem", "pron_rel", "pron_interrog", "adv_interrog", "interj"))


@lru_cache(maxsize=4096)
def _proclitics(prc3: str, prc2: str, prc1: str, prc0: str) -> tuple[str, ...]:
    return tuple(s for s in map(_prc_surface, (prc3, prc2, prc1, prc0)) if s)


# proclitics tuple -> whether it holds a clitic other than the article (a few hundred tuples).
_NON_ARTICLE = Memo(lambda procl: any(p != "ال" for p in procl), 10_000)


@lru_cache(maxsize=1024)
def _enclitics(enc0: str) -> tuple[str, ...]:
    s = _enc_surface(enc0)
    return (s,) if s else ()


class Candidate:
    __slots__ = ("lemma", "lemma_diac", "pos", "gloss", "proclitics", "stem", "enclitics", "source", "feats", "score")

    def __init__(self, lemma, lemma_diac, pos, gloss, proclitics, stem, enclitics, source, feats):
        self.lemma = lemma
        self.lemma_diac = lemma_diac
        self.pos = pos
        self.gloss = gloss
        self.proclitics = proclitics
        self.stem = stem
        self.enclitics = enclitics
        self.source = source
        self.feats = feats  # dict name -> value
        self.score = 0.0

    def to_analysis(self) -> WordAnalysis:
        return WordAnalysis(self.lemma, self.lemma_diac, self.pos, self.gloss, list(self.proclitics), self.stem,
                            list(self.enclitics), self.source)

    def __repr__(self) -> str:
        return f"Candidate({self.lemma!r}, {self.pos}, {self.proclitics}, {self.enclitics}, {self.source}, {self.score:.2f})"


def _gloss(a: dict) -> str | None:
    g = a.get("stemgloss") or a.get("gloss")
    if not g or g in ("_", "NOAN"):
        return None
    return g.replace("_", " ")


_FOREIGN_END = ("يا", "فا", "وف", "يف", "سكي", "ينغ", "ونغ", "يس", "وس", "غ")


def _add_sense(c: Candidate, a: dict, first_stem: str | None) -> None:
    """Another sense of the same lemma on the same diacritised stem (مقاطعة: "boycott", "region"):
    nothing here tells them apart, so the gloss lists both ("boycott / region;district;county")
    instead of silently showing the first. (Other stems of one lemma, such as a passive verb or a
    plural, only repeat the first sense in another form.)"""
    g = _gloss(a)
    if g and c.gloss and first_stem and a.get("stem") == first_stem and g not in c.gloss.split(" / "):
        c.gloss = f"{c.gloss} / {g}"


def pos_class(pos: str) -> str:
    """V(erb), A(djective), F(unction word) or N(oun): the grain at which treebank lemma counts
    are kept (عَسْكَرِيّ is mostly an adjective "military", sometimes a noun "soldier")."""
    return "V" if pos == "verb" else "A" if pos in ("adj", "adj_num") else "F" if pos in _CLOSED_POS else "N"


def table_keys(lemma_diac: str, cls: str) -> tuple[str, str] | None:
    """The lemma table's keys of a reading: its vowelled lemma, and that with its POS class."""
    if not is_vowelled(lemma_diac):
        return None
    k = vowelled_key(lemma_diac)
    return k, f"{k}|{cls}"


def build_candidates(word: str, analyses: list[dict], pre_split: bool, prior: dict[str, float],
                     weights: dict[str, float] | None = None, table: dict[str, float] | None = None,
                     senses: dict[str, str] | None = None) -> list[Candidate]:
    """Candidates with their static features (not yet scored).

    ``table``: log counts of vowelled lemmas (and lemma + POS class) in the treebank the ranker
    was trained on (``table_keys``); they tell readings with the same letters apart (شُرْطَة
    "police" from شَرْطَة "dash", مِن from مَن), which nothing else here does. ``senses``: the
    treebank's gloss words per vowelled lemma, which order a reading's senses (senses.py), as
    does the hand-written news_senses.tsv; a reading listed there gets the "news" feature, a
    fixed tie-breaker (NEWS_WEIGHT), not a learned weight.

    With ``weights``: the candidates are scored here instead (``Ranker.static_score``'s sum, the
    same terms in the same order, so the same floats) and get no feature dicts. That is what the
    analyser does for every new word; building ~15-entry dicts only to sum them and drop them
    cost ~20 us per word. Training (no weights) gets the dicts.
    """
    mode = "split" if pre_split else "raw"
    groups: dict[tuple, Candidate] = {}
    # Per candidate while grouping: [analyses merged into it, all of them spelling variants?,
    # also a closed-class reading?] (identity-keyed; Candidate defines no __eq__).
    tally: dict[Candidate, list] = {}
    first_stem: dict[Candidate, str | None] = {}  # the diacritised stem of each group's first analysis
    nlex = 0
    for a in analyses:
        pos = a.get("pos") or "noun"
        lex = a.get("lex") or word
        lemma = a.get("_lem") or strip_diacritics(lex)
        lemma_diac = lex
        if pos.startswith("pron") or pos in ("noun", "adj") and lemma in ("هذه", "هؤلاء"):
            conv = _LEMMA_CONVENTIONS.get(lemma)
            if conv:
                lemma, lemma_diac = conv
        elif pos in ("adj", "noun"):
            conv = _FEM_ELATIVE.get(lemma)
            if conv:
                lemma, lemma_diac = conv
            elif pos == "adj" and lemma.endswith("ي") and len(lemma) > 3:
                # Nisba spelling variants listed under one BAMA lemma (أميركي under أمريكي,
                # ديمقراطي under ديموقراطي): keep the spelling the text uses.
                sdd = a.get("_sdd") or strip_diacritics(a.get("stem") or "")
                if sdd != lemma and sdd.endswith("ي") and len(sdd) > 3 and sdd[:2] == lemma[:2]:
                    lemma, lemma_diac = sdd, a.get("stem") or sdd
        procl = _proclitics(a.get("prc3", "0"), a.get("prc2", "0"), a.get("prc1", "0"), a.get("prc0", "0"))
        encl = _enclitics(a.get("enc0", "0"))
        src = a.get("source")
        backoff = src == "backoff"
        if not backoff:
            nlex += 1
        key = (lemma_diac, pos, procl, encl, backoff)
        c = groups.get(key)
        if c is None:
            stem = a.get("_sdd") or strip_diacritics(a.get("stem") or "")
            c = Candidate(lemma, lemma_diac, pos, None if backoff else _gloss(a), procl, stem, encl,
                          "backoff" if backoff else "lexicon", None)
            groups[key] = c
            t = tally[c] = [0, True, False]
            first_stem[c] = a.get("stem")
        else:
            t = tally[c]
            if not backoff:
                _add_sense(c, a, first_stem[c])
        t[0] += 1
        if src != "spvar":
            t[1] = False
    cands = list(groups.values())
    news: set[Candidate] = set()  # readings listed in news_senses.tsv
    dropped = False
    for c in cands:
        if c.gloss:
            learned = senses.get(vowelled_key(c.lemma_diac)) if senses else None
            g = news_gloss(c.lemma_diac, c.pos, c.gloss)
            if g == "-":  # a sense news no longer uses (مارك: the German mark): not a reading
                c.source = "dropped"
                dropped = True
            elif g is not None:
                c.gloss = g
                news.add(c)
            elif learned:
                c.gloss = order_senses(c.gloss, learned)
    if dropped:
        cands = [c for c in cands if c.source != "dropped"]
    for c in CLOSED.get(word, ()):
        cand = Candidate(c[0], c[1], c[2], c[3], (), word, (), "lexicon", None)
        tally[cand] = [1, False, True]
        cands.append(cand)
    if not pre_split:
        for lemma, diac, pos, gloss, procl, encl in raw_closed_table().get(word, ()):
            same = [c for c in cands if c.lemma == lemma and c.pos == pos and c.proclitics == procl
                    and c.enclitics == encl]
            if same:
                for c in same:
                    tally[c][2] = True
            else:
                stem = word[len("".join(procl)):len(word) - len("".join(encl))] if encl else word[len("".join(procl)):]
                cand = Candidate(lemma, diac, pos, gloss, procl, stem, encl, "lexicon", None)
                tally[cand] = [1, False, True]
                cands.append(cand)
            # A rare name spelled like a function word (هو "Ho") is noise next to the function word.
            cands = [c for c in cands if not (c.pos == "noun_prop" and c.source == "lexicon" and c.lemma == lemma
                                              and c.proclitics == procl and c.enclitics == encl)]
    self_lemma = word
    guess = Candidate(self_lemma, self_lemma, "noun_prop", None, (), word, (), "guess", None)
    tally[guess] = [1, False, False]
    cands.append(guess)

    wkey = match_key(word)
    lexical = [c for c in cands if c.source == "lexicon"]
    lex_poss = {c.pos for c in lexical}
    all_prop = bool(lex_poss) and lex_poss <= {"noun_prop"}
    foreign_shape = word.endswith(_FOREIGN_END) or "يي" in word or "ىي" in word
    # In split (treebank) input a word whose every reading needs a clitic is usually left unsplit
    # on purpose: the treebank's foreign/unanalysed words (X), lemma = the word itself.
    all_clitic = bool(lex_poss) and all(_NON_ARTICLE[c.proclitics] or c.enclitics for c in lexical)
    n_lemmas = len({c.lemma for c in lexical})
    wget = weights.get if weights is not None else None
    for c in cands:
        n, spvar, closed = tally[c]
        # The features in a fixed order (it is the order of the sum, so of the score's last bits).
        f: list[tuple[str, float]] = []
        if c.source == "guess":
            f.append(("self", 1.0))
        if closed:
            f.append(("closed", 1.0))
        f.append((f"pos={c.pos}", 1.0))
        if spvar:
            f.append(("spvar", 1.0))
        if c.source == "backoff":
            f.append(("backoff", 1.0))
        if c.source == "guess":
            f += [("self&nlex0", 1.0 if nlex == 0 else 0.0),
                  ("self&allprop", 1.0 if all_prop else 0.0),
                  ("self&foreign", 1.0 if foreign_shape else 0.0),
                  ("self&short", 1.0 if len(word) <= 3 else 0.0),
                  ("self&al", 1.0 if word.startswith("ال") else 0.0),
                  ("self&nlemmas", math.log1p(n_lemmas)),
                  (f"{mode}:self&allclitic", 1.0 if all_clitic else 0.0)]
        else:
            f.append(("mass", math.log(n)))
            lk = _lemma_key(c.lemma)
            if lk == wkey:
                f.append(("lemeqword", 1.0))
            pr = prior.get(f"{lk}|{c.pos}", 0.0)
            f.append(("prior", pr))
            f.append(("prior_lem", prior.get(lk, 0.0)))
            if pr == 0.0:
                f.append(("prior0", 1.0))
            f.append(("lemlen_diff", (len(word) - len(c.lemma)) / 4.0))
            if len(c.lemma) <= 2:
                f.append((f"short_lemma&{c.pos if c.pos in ('verb', 'noun', 'adj') else 'other'}", 1.0))
            if c.proclitics:
                nonal = [p for p in c.proclitics if p != "ال"]
                if nonal:
                    f.append((f"{mode}:prc", float(len(nonal))))
                if "ال" in c.proclitics:
                    f.append(("al", 1.0))
            if c.enclitics:
                f.append((f"{mode}:enc", 1.0))
            if c.pos in _CLOSED_POS:
                f.append(("closedpos&len", min(len(word), 6) / 6.0))
            if c.lemma.endswith("ة") and c.pos in ("noun", "adj"):
                f.append(("fem_lemma", 1.0))
            if c.pos == "noun_prop" and c.source == "lexicon":
                f.append(("lexprop&foreign", 1.0 if foreign_shape else 0.0))
            if c in news:
                f.append(("news", 1.0))
            if table and c.source == "lexicon":
                tk = table_keys(c.lemma_diac, pos_class(c.pos))
                if tk is not None:
                    f.append(("tb", table.get(tk[0], 0.0)))
                    f.append(("tb_cls", table.get(tk[1], 0.0)))
        if wget is None:
            c.feats = {k: v for k, v in f if v}
        else:
            c.score = sum([wget(k, 0.0) * v for k, v in f if v])  # = Ranker.static_score
    return cands


_NOMINAL = frozenset(("noun", "adj", "noun_prop", "adj_num", "noun_num"))


def pos_signature(cands: list[Candidate]) -> str:
    """A weight-independent summary of a word's POS options, used as context for its neighbours.
    A nominal word whose every reading has the article gets "+al": an indefinite noun before a
    definite one is the head of a construct (خريجي أكاديمية الشرطة: "academy", not "academic")."""
    read = [c for c in cands if c.source != "guess"]
    poss = {c.pos for c in read}
    if not poss:
        return "unk"
    if len(poss) == 1:
        sig = next(iter(poss))
    elif poss <= _NOMINAL:
        sig = "nominal"
    else:
        return "amb"
    if sig in _NOMINAL or sig == "nominal":
        if all("ال" in c.proclitics for c in read):
            return sig + "+al"
    return sig


class Ranker:
    """Linear scorer over candidate features; weights from the shipped JSON model."""

    def __init__(self, weights: dict[str, float] | None = None, prior: dict[str, float] | None = None,
                 table: dict[str, float] | None = None, senses: dict[str, str] | None = None):
        self.prior = prior if prior is not None else load_prior()
        self.table = table if table is not None else load_table()
        self.senses = senses if senses is not None else load_senses()
        self.weights = weights if weights is not None else load_weights()

    @property
    def weights(self) -> dict[str, float]:
        return self._weights

    @weights.setter
    def weights(self, weights: dict[str, float]) -> None:
        if "news" not in weights:
            weights = {**weights, "news": NEWS_WEIGHT}
        self._weights = weights
        # Context weights by mode and candidate POS: {mode: {pos: ({prev_sig: w}, {next_sig: w})}}.
        ctx: dict[str, dict[str, tuple[dict[str, float], dict[str, float]]]] = {"split": {}, "raw": {}}
        for k, v in weights.items():
            mode, _, rest = k.partition(":")
            if mode in ctx and rest.startswith(("ppos=", "npos=")):
                sig_part, _, pos_part = rest.partition("&pos=")
                which = 0 if rest.startswith("ppos=") else 1
                ctx[mode].setdefault(pos_part, ({}, {}))[which][sig_part[5:]] = v
        self._ctx = ctx

    def static_score(self, cands: list[Candidate]) -> None:
        w = self._weights
        for c in cands:
            c.score = sum([w.get(k, 0.0) * v for k, v in c.feats.items()])  # (a list: faster than a generator)

    def context_weights(self, mode: str) -> dict[str, tuple[dict[str, float], dict[str, float]]]:
        """{candidate POS: ({previous signature: weight}, {next signature: weight})}: what
        context_bonus reads, for callers that inline it."""
        return self._ctx[mode]

    def context_bonus(self, c: Candidate, prev_sig: str, next_sig: str, mode: str) -> float:
        t = self._ctx[mode].get(c.pos)
        if t is None:
            return 0.0
        return t[0].get(prev_sig, 0.0) + t[1].get(next_sig, 0.0)


def context_feats(c: Candidate, prev_sig: str, next_sig: str, mode: str) -> dict[str, float]:
    """Context features: the neighbours' POS signatures crossed with the candidate's POS."""
    return {f"{mode}:ppos={prev_sig}&pos={c.pos}": 1.0, f"{mode}:npos={next_sig}&pos={c.pos}": 1.0}


def load_weights(path: Path = MODEL_PATH) -> dict[str, float]:
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)["weights"]
    except FileNotFoundError:
        return dict(DEFAULT_WEIGHTS)


def load_senses(path: Path = TABLE_PATH) -> dict[str, str]:
    try:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            return json.load(fh).get("senses", {})
    except FileNotFoundError:
        return {}


def load_table(path: Path = TABLE_PATH) -> dict[str, float]:
    try:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            return json.load(fh)["table"]
    except FileNotFoundError:
        return {}


def load_prior(path: Path = PRIOR_PATH) -> dict[str, float]:
    try:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            return json.load(fh)["prior"]
    except FileNotFoundError:
        return {}


# Hand-set fallback (camel-offline.md's heuristics) used when no trained model is shipped.
DEFAULT_WEIGHTS = {
    "split:prc": -3.0, "split:enc": -3.0, "raw:prc": -0.2, "raw:enc": -0.1, "spvar": -1.0, "backoff": -2.0,
    "pos=verb": -0.3, "prior": 0.3, "closed": 2.0, "self": -4.0, "self&nlex0": 5.0, "self&allprop": 2.0,
    "lemeqword": 0.3, "mass": 0.2,
}
