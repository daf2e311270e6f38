"""CRF features for Arabic NER.

Per word (cached per distinct word): match-key form; the form with leading clitics off where
the corpus counts make the split sure (والبنتاغون -> البنتاغون, never لبنان -> بنان); first
letters and suffixes of the clitic-less core; length and long-vowel shape (transliterated
names are full of ا و ي); frequency band and distributional clusters from raw news text
(tools/make_clusters.py); the trigger type a word usually follows in raw text ("hint"); trigger
words (الرئيس، وزارة، مدينة ...); external name lists for rare words (given, family and foreign
person names, places, clubs: make_names.py) and, per sentence, their class conjoined with the
neighbour's; the jackknifed training-name list when the model has one.
Per sentence: gazetteer matches over several words (CLDR via make_gazetteer.py), sentence
topic (sport/business) conjoined with gazetteer type and coarse cluster, the same word
features for neighbours at -2..+2, and, when analyses are given, POS, analysis source
(lexicon/backoff/guess), lemma and the analyser's clitic split.

Features are plain strings (``name=value``), the form python-crfsuite takes directly.
"""
from __future__ import annotations

import re
from typing import NamedTuple

from ..text import key, match_key, readings
from .lexicon import Resources, resources

# Trigger words (match-key form): what tends to come right before a name of each type.
TRIGGERS: dict[str, str] = {}
_TRIGGER_WORDS = {
    "PERS": """الرئيس رئيس الرئيسة رئيسة وزير الوزير وزيرة الوزيرة الملك الملكة ملك الأمير أمير الأميرة
        الشيخ الشيخة السيد السيدة المتحدث المتحدثة متحدث الناطق الناطقة النائب نائب النائبة نائبة الأمين
        الزعيم زعيم الجنرال اللواء العقيد العميد الفريق المشير الدكتور الدكتورة د المستشار المستشارة
        السفير سفير السفيرة المبعوث مبعوث الإعلامي الإعلامية الصحفي الصحفية المدرب اللاعب المدير مدير
        المديرة المفوض القاضي المحامي الكاتب الكاتبة الشاعر الفنان الفنانة الممثل الممثلة المغني المغنية
        الروائي الأستاذ البروفيسور السناتور الحاخام البابا الإمام المفتي الكاردينال المرشح المرشحة
        الموفد القائد قائد السكرتير الملحن المخرج المخرجة الباحث الخبير المحلل الحاكم
        ولي العاهل رئيسا الشقيق زوجته زوجها والده والدته ابن بنت نجل""",
    "ORG": """وكالة شركة حزب جامعة مجلس وزارة منظمة جمعية هيئة مؤسسة بنك مصرف صحيفة جريدة اتحاد حركة
        جبهة نادي فريق مركز معهد محكمة لجنة مجموعة قناة إذاعة الحزب الشركة الوكالة صندوق برنامج
        مكتب إدارة مديرية مستشفى مجمع كلية مدرسة تحالف منتدى رابطة نقابة سلطة قوات جيش باسم""",
    "LOC": """مدينة مقاطعة منطقة محافظة ولاية دولة عاصمة بلدة قرية جزيرة جزر مطار ميناء نهر جبل بحر
        إقليم العاصمة المدينة مخيم حي شارع ساحة خليج صحراء""",
}
for _t, _words in _TRIGGER_WORDS.items():
    for _w in _words.split():
        TRIGGERS.setdefault(match_key(_w), _t)

# Sentence topics: in sport a city is usually a team (ORG), in business a name is often a company.
TOPICS: dict[str, str] = {}
for _t, _words in {
    "SPORT": """مباراة مباراه المباراة الدوري دوري هدف هدفا أهداف الأهداف فريق الفريق المنتخب منتخب بطولة البطولة
        كأس كاس نادي النادي لاعب اللاعب لاعبي اللاعبين مدرب المدرب الفوز فاز تعادل التعادل ملعب الملعب
        الموسم الشوط المرمى ركلة ضربة الجزاء المونديال الأولمبية سباق السباق بطل البطل الميدالية""",
    "BIZ": """شركة الشركة شركات الشركات أسهم الأسهم سهم مبيعات المبيعات أرباح الأرباح سيارات السيارات
        سيارة السيارة السوق الأسواق البورصة الاستثمار المستثمرين صفقة الصفقة منتجات المنتجات
        طراز الطراز إنتاج الإنتاج مصنع المصنع العملاء برامج البرامج الإنترنت الكمبيوتر الهاتف""",
}.items():
    for _w in _words.split():
        TOPICS.setdefault(match_key(_w), _t)

# External name lists count only for words the raw news corpus has seen fewer times than this:
# a frequent word is known by its own features, and most list noise is frequent words
# (cross-validated: 50 beats 10 and 500).
NL_RARE = 50
_NONE = ("",)
_UNSEEN = ("u",)
# One object per distinct value of the small parts that the per-word caches keep for every word.
_NL_CLASSES: dict[tuple[str, ...], tuple[str, ...]] = {}
_K0: dict[str, str] = {}
_SUFFIX_NAMES = ((1, "x1="), (2, "x2="), (3, "x3="), (4, "x4="))
_LEN_FEATURES = tuple(f"len={n}" for n in range(11))
_NV_FEATURES = tuple(f"nv={n}" for n in range(5))
_CONSONANT = re.compile("[^اوي]")  # the long-vowel shape: every other character is C
_VOWEL_TABLE = str.maketrans("اوي", "VVV")
_ARABIC_BLOCK = re.compile("[\u0600-\u06ff]")


def _bucket(n: int) -> str:
    if n == 0:
        return "0"
    if n < 3:
        return "1"
    if n < 10:
        return "2"
    if n < 50:
        return "3"
    if n < 500:
        return "4"
    return "5"


class WordInfo(NamedTuple):
    """What the sentence features need of one word (cached per distinct word).

    ``own`` and ``seen`` are lists of feature strings (training, label scores) or, in the
    tagger's cache, one row id each (a word's parts summed once: see LinearChain.add_block).
    """
    key: str  # match-key form
    stem: str  # the form with leading clitics off where the corpus makes the split sure
    own: object  # the word's own features
    # What a neighbour at offset d sees of this word, as seen[d] for d in -2, -1, 1, 2
    # (a tuple (None, +1, +2, -2, -1): ~40k words per worker, so the entry's size matters).
    seen: tuple
    k0: str  # coarse cluster feature ("k0=..."), conjoined with the sentence's topics
    gaz_firsts: tuple  # the forms of the word that start some gazetteer phrase
    name_classes: tuple  # name-list classes for the neighbours' conjunctions: P, L, O, c, u
    topics: tuple  # sentence topics the word signals (SPORT, BIZ)


class MorphPart(NamedTuple):
    """Features from one word's analysis: its own, and what the next / previous word sees of it
    (None when it has nothing for them). Strings, or one row id each in the tagger's cache."""
    own: object
    next_sees: object  # features prefixed "-1:" (the next word's -1 neighbour is this word)
    prev_sees: object  # features prefixed "1:"


class FeatureExtractor:
    """Turns a sentence (words, optional analyses) into crfsuite feature lists, or into the row
    ids of a LinearChain: the same features through the same loop (`_assemble`)."""

    def __init__(self, res: Resources | None = None, use_morph: bool = False, extra_lists=None):
        self.res = res or resources()
        self.use_morph = use_morph
        self.lists = extra_lists or {}  # name -> {key: type}; e.g. jackknifed training-name lists
        self._cache: dict = {}
        self._mcache: dict = {}
        # sentence_rows: the same per-word and per-analysis parts as row ids of one LinearChain.
        self._rows_chain = None
        self._rcache: dict = {}
        self._mrcache: dict = {}

    # -- per word -------------------------------------------------------------------------
    def word_info(self, word: str) -> WordInfo:
        """The word's parts with feature strings (cached per word)."""
        info = self._cache.get(word)
        if info is None:
            info = self._word_info(word)
            if len(self._cache) < 300_000:
                self._cache[word] = info
        return info

    def _word_info(self, word: str) -> WordInfo:
        res = self.res
        k = key(word)
        pre, s = res.strip(k)
        core = s[2:] if s.startswith("ال") and len(s) > 4 else s
        f = [f"w={k}", f"s={s}"]
        if pre:
            f.append(f"pre={pre}")
        if s is not k and s.startswith("ال"):
            f.append("al")
        f.append("p1=" + k[:1])
        f.append("p2=" + k[:2])
        n_core = len(core)
        # (Plain concatenation, no f-string formatting of n: this runs for every new word.)
        for n, name in _SUFFIX_NAMES:
            if n_core > n:
                f.append(name + core[-n:])
        if n_core > 3:
            f.append("c2=" + core[:2])
        if n_core > 4:
            f.append("c3=" + core[:3])
        f.append(_LEN_FEATURES[min(n_core, 10)])
        if n_core >= 3:
            # Long-vowel shape: transliterated foreign names are full of ا و ي (مايكروسوفت).
            cv = _CONSONANT.sub("C", core).translate(_VOWEL_TABLE)
            f.append("cv=" + cv[:8])
            f.append(_NV_FEATURES[min(cv.count("V"), 4)])
        if not _ARABIC_BLOCK.search(word):
            if any(ch.isdigit() for ch in word):
                f.append("shape=digit")
            elif any(ch.isalpha() for ch in word):
                f.append("shape=latin")
            else:
                f.append("shape=punct")
        cnt = res.count.get(s, 0)
        f.append(f"freq={_bucket(cnt)}")
        cl = res.clusters.get(s) or res.clusters.get(k)
        ctx = [f"w={k}"]
        if cl:
            f.extend(f"k{i}={c}" for i, c in enumerate(cl))
            ctx.append(f"k1={cl[1]}")
            ctx.append(f"k2={cl[2]}")
        hint = res.hints.get(s) or res.hints.get(k)
        if hint:
            f.append(f"hint={hint}")
        trig = TRIGGERS.get(s) or TRIGGERS.get(k)
        if trig:
            f.append(f"trig={trig}")
            ctx.append(f"trig={trig}")
        if s != k:
            ctx.append(f"s={s}")
        # External name lists (make_names.py), for rare words only: nl=PF / PL / PX / LC / OG,
        # ".c" where the word is also a common word. nlk is what the neighbours' conjunctions
        # see: the strong lists' letters (P, L, O; مارك is both L and P), "c" (common-word
        # entries only), "u" (an unseen word on no list).
        nl = (res.names.get(s) or res.names.get(k)) if cnt < NL_RARE else None
        nlk: tuple = ()
        if nl:
            nl = nl.split(",")
            for t in nl:
                f.append(f"nl={t}")
                ctx.append(f"nl={t}")
            nlk = tuple(sorted({t[0] for t in nl if not t.endswith(".c")})) or ("c",)
            nlk = _NL_CLASSES.setdefault(nlk, nlk)
        elif cnt == 0 and len(core) >= 3:
            nlk = _UNSEEN
        for name, table in self.lists.items():
            t = table.get(s) or table.get(k)
            if t:
                f.append(f"{name}={t}")
                ctx.append(f"{name}={t}")
        # Context features as the neighbours see them, prefixed once per word type.
        x2 = s[-2:]
        seen = (None, ["1:" + x for x in ctx], ["2:" + x for x in ctx], ["-2:" + x for x in ctx],
                ["-1:" + x for x in ctx])
        seen[-1].append("-1:x2=" + x2)
        seen[1].append("1:x2=" + x2)
        # (~64 distinct values, kept per word in the caches: one string each)
        k0 = _K0.setdefault(cl[0], "k0=" + cl[0]) if cl else "k0=none"
        topics = tuple(sorted({TOPICS[x] for x in (k, s) if x in TOPICS}))  # (mostly none: the shared ())
        topics = _NL_CLASSES.setdefault(topics, topics)
        return WordInfo(k, s, f, seen, k0, self._gaz_firsts(k), nlk, topics)

    def morph_features(self, info: WordInfo, a) -> list:
        """Features from one word's analysis (pos, source, proclitic split, lemma)."""
        # (a: a WordAnalysis, or a morphology-filled Token; both have these attributes)
        pos = a.pos or "none"
        src = a.source or "none"
        f = [f"pos={pos}", f"src={src}", f"ps={pos}|{src}"]
        k, s = info.key, info.stem
        pro = [key(p) for p in (a.proclitics or []) if p]
        if src == "lexicon":
            lemma = a.lemma
            if lemma and pos not in ("noun_prop",):
                f.append(f"lem={key(lemma)}")
            pre = "".join(p for p in pro if p != "ال")
            if pre and k.startswith(pre) and len(k) - len(pre) >= 2:
                ms = k[len(pre):]
                if ms != s:
                    f.append(f"ms={ms}")
                    cl = self.res.clusters.get(ms)
                    if cl:
                        f.append(f"mk1={cl[1]}")
                    t = self.res.gaz.get(ms)
                    if t:
                        f.append(f"mg={t}")
        return f

    def _gaz_firsts(self, k: str) -> tuple:
        """The forms of `k` that start a gazetteer phrase (clitics, article, accusative alef off)."""
        firsts = list(readings(k))
        # Also without the article or an accusative alef: اليورو -> يورو، دولارا -> دولار.
        firsts += [x[2:] for x in firsts if x.startswith("ال") and len(x) > 4]
        firsts += [x[:-1] for x in firsts if x.endswith("ا") and len(x) > 4]
        gf = self.res.gaz_first
        return tuple(x for x in firsts if x in gf)

    # -- per sentence ---------------------------------------------------------------------
    def gazetteer_tags(self, infos: list) -> list:
        """Per word: B-TYPE / I-TYPE where a gazetteer phrase covers it (longest first), else None."""
        res = self.res
        n = len(infos)
        tags: list = [None] * n
        free = 0  # the first word not inside a phrase already tagged
        for i in [i for i, info in enumerate(infos) if info.gaz_firsts]:  # (the words that start some phrase)
            if i < free:
                continue
            firsts = infos[i].gaz_firsts
            hit = None
            longest = min(res.gaz_max, n - i)
            for first in firsts:
                # Longest first, only the lengths some phrase starting with `first` has.
                for length in res.gaz_lengths.get(first, ()):
                    if length > longest:
                        continue
                    phrase = " ".join([first] + [infos[j].key for j in range(i + 1, i + length)])
                    typ = res.gaz.get(phrase)
                    if typ:
                        hit = (length, typ)
                        break
                if hit:
                    break
            if hit:
                length, typ = hit
                tags[i] = f"B-{typ}"
                for j in range(i + 1, i + length):
                    tags[j] = f"I-{typ}"
                free = i + length
        return tags

    def sentence(self, words: list, analyses: list | None = None) -> list:
        """One crfsuite feature list per word (training; crfsuite's own marginals)."""
        return self._assemble([self.word_info(w) for w in words], analyses, self._morph_cached, False)

    def sentence_rows(self, words: list, analyses: list | None, chain) -> list:
        """The same features as row ids of `chain` (viterbi.LinearChain), for its tagger.

        A word's own features, what each neighbour sees of it and its morphology features are
        one summed row each, made when the word is first seen; only those row ids are kept
        per word, not the ~45 strings (which made a batch worker's memory grow by some
        190 MB over 668 articles). What depends on the sentence (gazetteer phrases, topic,
        word pairs) is built as strings and looked up.
        """
        if self._rows_chain is not chain:
            self._rows_chain = chain
            self.forget_rows()
        infos = [self._word_rows(w) for w in words]
        ids = chain.row_ids
        return [ids(feats) for feats in self._assemble(infos, analyses, self._morph_rows, True)]

    def forget_rows(self) -> None:
        """Forget the row ids (the chain was reset)."""
        self._rcache, self._mrcache = {}, {}

    def _word_rows(self, word: str) -> WordInfo:
        """The word's parts with each feature list replaced by its row id (cached per word)."""
        info = self._rcache.get(word)
        if info is None:
            info = self._word_info(word)
            seen = info.seen
            own, r1, r2, r_2, r_1 = self._rows_chain.add_blocks((info.own, seen[1], seen[2], seen[-2], seen[-1]))
            info = info._replace(own=own, seen=(None, r1, r2, r_2, r_1))
            if len(self._rcache) < 300_000:
                self._rcache[word] = info
        return info

    def _assemble(self, infos: list, analyses: list | None, mf, rows: bool) -> list:
        """Per word: its own and its neighbours' per-word parts (lists of feature strings, or with
        ``rows`` one row id each, as `infos` and `mf` give them) plus the features that depend
        on the sentence (strings)."""
        n = len(infos)
        gaz = self.gazetteer_tags(infos) if any(info.gaz_firsts for info in infos) else [None] * n
        morph: list = [None] * n
        if self.use_morph and analyses:
            for i, a in enumerate(analyses):
                if a is not None:
                    morph[i] = mf(infos[i], a)
        topics = sorted({t for info in infos for t in info.topics})
        out = []
        last = n - 1
        for i in range(n):
            info = infos[i]
            feats = [info.own] if rows else list(info.own)
            put = feats.append if rows else feats.extend
            g = gaz[i]
            if g:
                feats.append(f"g={g}")
            for t in topics:
                feats.append(f"topic={t}")
                if g:
                    feats.append(f"topic={t}|g={g}")
                feats.append(f"topic={t}|{info.k0}")
            m = morph[i]
            if m is not None:
                put(m.own)
            if i == 0:
                feats.append("BOS")
            if i == last:
                feats.append("EOS")
            if i >= 2:
                put(infos[i - 2].seen[-2])
                if gaz[i - 2]:
                    feats.append(f"-2:g={gaz[i - 2]}")
            else:
                feats.append("-2:pad")
            if i >= 1:
                put(infos[i - 1].seen[-1])
                if gaz[i - 1]:
                    feats.append(f"-1:g={gaz[i - 1]}")
                m = morph[i - 1]
                if m is not None and m.next_sees is not None:
                    put(m.next_sees)
            else:
                feats.append("-1:pad")
            if i < last:
                put(infos[i + 1].seen[1])
                if gaz[i + 1]:
                    feats.append(f"1:g={gaz[i + 1]}")
                m = morph[i + 1]
                if m is not None and m.prev_sees is not None:
                    put(m.prev_sees)
            else:
                feats.append("1:pad")
            if i < last - 1:
                put(infos[i + 2].seen[2])
                if gaz[i + 2]:
                    feats.append(f"2:g={gaz[i + 2]}")
            else:
                feats.append("2:pad")
            # A person-list word conjoined with the next / previous word's list class (given
            # name + unseen word: نقل مارك روته). Only pairs with a person list: conjoining the
            # place and club classes too scored a little higher in cross-validation (0.7403
            # against 0.7356 per sentence) but lost روته of the seed article.
            a = info.name_classes
            if i < last:
                b = infos[i + 1].name_classes
                if a or b:
                    for x in a or _NONE:
                        for y in b or _NONE:
                            if x == "P" or y == "P":
                                feats.append(f"nc+={x}>{y}")
            if i > 0:
                b = infos[i - 1].name_classes
                if a or b:
                    for x in a or _NONE:
                        for y in b or _NONE:
                            if x == "P" or y == "P":
                                feats.append(f"nc-={y}<{x}")
                feats.append(f"b-={infos[i - 1].stem}|{info.stem}")
            if i < last:
                feats.append(f"b+={info.stem}|{infos[i + 1].stem}")
            out.append(feats)
        return out

    @staticmethod
    def _morph_key(info: WordInfo, a) -> tuple:
        pro = a.proclitics
        return (info.key, a.pos, a.source, a.lemma, tuple(pro) if pro else ())

    def _morph_parts(self, info: WordInfo, a) -> MorphPart:
        """morph_features for one word and analysis, plus what its -1/+1 neighbours see."""
        f = self.morph_features(info, a)
        sel = [x for x in f if x[0] in "pl"]
        if not sel:
            return MorphPart(f, None, None)
        return MorphPart(f, [f"-1:{x}" for x in sel], [f"1:{x}" for x in sel])

    def _morph_cached(self, info: WordInfo, a) -> MorphPart:
        ck = self._morph_key(info, a)
        hit = self._mcache.get(ck)
        if hit is None:
            hit = self._morph_parts(info, a)
            if len(self._mcache) < 300_000:
                self._mcache[ck] = hit
        return hit

    def _morph_rows(self, info: WordInfo, a) -> MorphPart:
        ck = self._morph_key(info, a)
        hit = self._mrcache.get(ck)
        if hit is None:
            part = self._morph_parts(info, a)
            if part.next_sees is not None:
                hit = MorphPart(*self._rows_chain.add_blocks(part))
            else:
                hit = MorphPart(self._rows_chain.add_block(part.own), None, None)
            if len(self._mrcache) < 300_000:
                self._mrcache[ck] = hit
        return hit
