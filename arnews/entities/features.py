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

import gzip
import re
from pathlib import Path

from ..text import CLITIC_FIRST, clitic_candidates, key, match_key, readings

DATA = Path(__file__).resolve().parent / "data"

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

class Resources:
    """Gazetteer, clusters and word counts, loaded once."""

    def __init__(self, data: Path = DATA):
        self.gaz: dict[str, str] = {}
        self.gaz_first: set[str] = set()
        self.gaz_max = 1
        lengths: dict[str, set[int]] = {}
        gpath = data / "gazetteer.tsv"
        if gpath.exists():
            for line in gpath.read_text(encoding="utf-8").splitlines():
                if "\t" not in line:
                    continue
                typ, phrase = line.split("\t", 1)
                self.gaz.setdefault(phrase, typ)
                parts = phrase.split()
                self.gaz_first.add(parts[0])
                self.gaz_max = max(self.gaz_max, len(parts))
                # (split on single spaces: the words gazetteer_tags joins hold none)
                exact = phrase.split(" ")
                lengths.setdefault(exact[0], set()).add(len(exact))
        # first word -> the lengths (in words) of the phrases that start with it, longest first
        self.gaz_lengths: dict[str, tuple[int, ...]] = {w: tuple(sorted(ls, reverse=True)) for w, ls in lengths.items()}
        self.count: dict[str, int] = {}
        self.clusters: dict[str, tuple[str, ...]] = {}
        self.hints: dict[str, str] = {}
        cpath = data / "clusters.tsv.gz"
        if cpath.exists():
            # Equal cluster ids and equal id tuples share one object: the table has ~86k words but
            # only a few thousand ids, and each batch worker holds its own copy (~20 MB saved each).
            shared: dict = {}
            with gzip.open(cpath, "rt", encoding="utf-8") as f:
                for line in f:
                    # word, count, one cluster column per k-means size (tools/make_clusters.py), hint
                    parts = line.rstrip("\n").split("\t")
                    self.count[parts[0]] = int(parts[1])
                    if len(parts) > 3 and parts[2]:
                        ids = tuple(shared.setdefault(c, c) for c in parts[2:-1])
                        self.clusters[parts[0]] = shared.setdefault(ids, ids)
                    if len(parts) > 3 and parts[-1]:
                        self.hints[parts[0]] = parts[-1]
        # External name lists (make_names.py): word -> its list types, "PF,PL.c" (split when a
        # word is first seen: loading stays at some 20 ms for 55,000 words).
        self.names: dict[str, str] = {}
        npath = data / "names.tsv.gz"
        if npath.exists():
            with gzip.open(npath, "rt", encoding="utf-8") as f:
                cells = iter(f.read().replace("\n", "\t").split("\t"))
            self.names = dict(zip(cells, cells))

    def strip(self, k: str) -> tuple[str, str]:
        """(prefix, remainder) where the corpus makes a clitic split sure, else ("", k)."""
        own = self.count.get(k, 0)
        best = ("", k)
        best_n = max(own, 2)
        for pre, rem in clitic_candidates(k):
            if len(rem) < 3 or (len(rem) == 3 and rem[0] in CLITIC_FIRST):
                continue  # بوش is not ب + وش, nor كوفي ك + وفي: too short to be sure
            n = self.count.get(rem, 0)
            if n > best_n:
                best, best_n = (pre, rem), n
        return best


_RES: Resources | None = None


def resources() -> Resources:
    global _RES
    if _RES is None:
        _RES = Resources()
    return _RES


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


class FeatureExtractor:
    """Turns a sentence (words, optional analyses) into crfsuite feature lists."""

    def __init__(self, res: Resources | None = None, use_morph: bool = False, extra_lists=None):
        self.res = res or resources()
        self.use_morph = use_morph
        self.lists = extra_lists or {}  # name -> {key: type}; e.g. jackknifed training-name lists
        self._cache: dict[str, tuple] = {}
        self._mcache: dict[tuple, tuple] = {}
        # sentence_rows: the same per-word and per-analysis parts as row ids of one LinearChain.
        self._rows_chain = None
        self._rcache: dict[str, tuple] = {}
        self._mrcache: dict[tuple, tuple] = {}

    # -- per word -------------------------------------------------------------------------
    def word_info(self, word: str) -> tuple:
        """(key, clitic-less form, own features, {offset: what a neighbour there sees}, coarse
        cluster feature, gazetteer phrase starts, name-list class, sentence topics it signals),
        cached per word."""
        info = self._cache.get(word)
        if info is None:
            info = self._word_info(word)
            if len(self._cache) < 300_000:
                self._cache[word] = info
        return info

    def _word_info(self, word: str) -> tuple:
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
        nlk: tuple[str, ...] = ()
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
        nb = {-2: ["-2:" + x for x in ctx], -1: ["-1:" + x for x in ctx], 1: ["1:" + x for x in ctx],
              2: ["2:" + x for x in ctx]}
        nb[-1].append("-1:x2=" + x2)
        nb[1].append("1:x2=" + x2)
        # (~64 distinct values, kept per word in the caches: one string each)
        k0 = _K0.setdefault(cl[0], "k0=" + cl[0]) if cl else "k0=none"
        topics = tuple(sorted({TOPICS[x] for x in (k, s) if x in TOPICS}))  # (mostly none: the shared ())
        topics = _NL_CLASSES.setdefault(topics, topics)
        return (k, s, f, nb, k0, self._gaz_firsts(k), nlk, topics)

    def morph_features(self, info: tuple, a) -> list[str]:
        """Features from one word's analysis (pos, source, proclitic split, lemma)."""
        pos = getattr(a, "pos", None) or "none"
        src = getattr(a, "source", None) or "none"
        f = [f"pos={pos}", f"src={src}", f"ps={pos}|{src}"]
        k, s = info[0], info[1]
        pro = [key(p) for p in (getattr(a, "proclitics", None) or []) if p]
        if src == "lexicon":
            lemma = getattr(a, "lemma", None)
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

    def _gaz_firsts(self, k: str) -> tuple[str, ...]:
        """The forms of `k` that start a gazetteer phrase (clitics, article, accusative alef off)."""
        firsts = list(readings(k))
        # Also without the article or an accusative alef: اليورو -> يورو، دولارا -> دولار.
        firsts += [x[2:] for x in firsts if x.startswith("ال") and len(x) > 4]
        firsts += [x[:-1] for x in firsts if x.endswith("ا") and len(x) > 4]
        gf = self.res.gaz_first
        return tuple(x for x in firsts if x in gf)

    # -- per sentence ---------------------------------------------------------------------
    def gazetteer_tags(self, infos: list[tuple]) -> list[str | None]:
        res = self.res
        n = len(infos)
        tags: list[str | None] = [None] * n
        free = 0  # the first word not inside a phrase already tagged
        for i in [i for i, info in enumerate(infos) if info[5]]:  # (the words that start some phrase)
            if i < free:
                continue
            firsts = infos[i][5]
            hit = None
            longest = min(res.gaz_max, n - i)
            for first in firsts:
                # Longest first, only the lengths some phrase starting with `first` has.
                for length in res.gaz_lengths.get(first, ()):
                    if length > longest:
                        continue
                    phrase = " ".join([first] + [infos[j][0] for j in range(i + 1, i + length)])
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

    def sentence(self, words: list[str], analyses: list | None = None) -> list[list[str]]:
        """One crfsuite feature list per word (training, and tagging with crfsuite)."""
        return self._assemble([self.word_info(w) for w in words], analyses, self._morph_cached)

    def sentence_rows(self, words: list[str], analyses: list | None, chain) -> list[list[int]]:
        """The same features as row ids of `chain` (viterbi.LinearChain), for its tagger.

        A word's own features, what each neighbour sees of it and its morphology features are
        one summed row each, made when the word is first seen; only those row ids are kept
        per word, not the ~45 strings (which made a batch worker's memory grow by some
        190 MB over 668 articles). What depends on the sentence (gazetteer phrases, topic,
        word pairs) is built as strings and looked up, as for crfsuite.
        """
        if self._rows_chain is not chain:
            self._rows_chain = chain
            self.forget_rows()
        from .viterbi import c_sentence_ids, row_ids  # (here: viterbi imports numpy, which one article never needs)

        infos = [self._word_rows(w) for w in words]
        index, unk = chain.index, chain.unknown
        if c_sentence_ids is not None and chain.use_c:
            return c_sentence_ids(infos, *self._sentence_parts(infos, analyses, self._morph_rows), index, unk,
                                  chain.fixed_ids, chain.pair_tables)
        return [row_ids(index, tok, unk) for tok in self._assemble(infos, analyses, self._morph_rows, rows=True)]

    def drop_string_caches(self) -> None:
        """Forget the per-word feature strings (a process that moved to sentence_rows)."""
        self._cache, self._mcache = {}, {}

    def forget_rows(self) -> None:
        """Forget the row ids (the chain was reset)."""
        self._rcache, self._mrcache = {}, {}

    def _word_rows(self, word: str) -> tuple:
        """word_info with the feature lists replaced by row ids (cached per word)."""
        info = self._rcache.get(word)
        if info is None:
            k, s, f, nb, *rest = self._word_info(word)
            # One row id per part, the neighbour parts in a tuple indexed like the dict (-2, -1,
            # 1, 2): ~40k words per worker, so the entry's size matters.
            own, r1, r2, r_2, r_1 = self._rows_chain.add_blocks((f, nb[1], nb[2], nb[-2], nb[-1]))
            info = (k, s, own, (None, r1, r2, r_2, r_1), *rest)
            if len(self._rcache) < 300_000:
                self._rcache[word] = info
        return info

    def _sentence_parts(self, infos: list[tuple], analyses: list | None, mf) -> tuple[list, list, list, list, list]:
        """What _assemble's loop needs besides the words' parts: gazetteer tags, morphology
        parts and what the -1/+1 neighbours see of them, the sentence's topics, the name-list classes."""
        n = len(infos)
        gaz = self.gazetteer_tags(infos) if any(info[5] for info in infos) else [None] * n
        with_morph = analyses if self.use_morph and analyses else None
        if mf == self._morph_rows:
            from .viterbi import c_morph_parts

            if c_morph_parts is not None and self._rows_chain.use_c:  # the loop below in C (_ctagger.morph_parts)
                morph, near, cls, topics = c_morph_parts(infos, with_morph, self._mrcache, mf)
                return gaz, morph, near, sorted(topics), cls
        morph: list = [None] * n
        near: list = [()] * n  # the morphology features a neighbour at -1/+1 sees
        if with_morph is not None:
            for i, a in enumerate(with_morph):
                if a is not None:
                    morph[i], near[i] = mf(infos[i], a)
        topics = sorted({t for info in infos for t in info[7]})
        return gaz, morph, near, topics, [info[6] for info in infos]

    def _assemble(self, infos: list[tuple], analyses: list | None, mf, rows: bool = False) -> list[list]:
        """Per word: its own and its neighbours' per-word parts (lists of feature strings, or with
        ``rows`` one row id each, as `infos` and `mf` give them) plus the features that depend
        on the sentence (strings). (_ctagger.sentence_ids is this loop in C, for rows.)"""
        n = len(infos)
        gaz, morph, near, topics, cls = self._sentence_parts(infos, analyses, mf)
        out = []
        last = n - 1
        for i in range(n):
            info = infos[i]
            feats = [info[2]] if rows else list(info[2])
            put = feats.append if rows else feats.extend
            g = gaz[i]
            if g:
                feats.append(f"g={g}")
            for t in topics:
                feats.append(f"topic={t}")
                if g:
                    feats.append(f"topic={t}|g={g}")
                feats.append(f"topic={t}|{info[4]}")
            if morph[i] is not None:
                put(morph[i])
            if i == 0:
                feats.append("BOS")
            if i == last:
                feats.append("EOS")
            if i >= 2:
                put(infos[i - 2][3][-2])
                if gaz[i - 2]:
                    feats.append(f"-2:g={gaz[i - 2]}")
            else:
                feats.append("-2:pad")
            if i >= 1:
                put(infos[i - 1][3][-1])
                if gaz[i - 1]:
                    feats.append(f"-1:g={gaz[i - 1]}")
                if near[i - 1]:
                    put(near[i - 1][0])
            else:
                feats.append("-1:pad")
            if i < last:
                put(infos[i + 1][3][1])
                if gaz[i + 1]:
                    feats.append(f"1:g={gaz[i + 1]}")
                if near[i + 1]:
                    put(near[i + 1][1])
            else:
                feats.append("1:pad")
            if i < last - 1:
                put(infos[i + 2][3][2])
                if gaz[i + 2]:
                    feats.append(f"2:g={gaz[i + 2]}")
            else:
                feats.append("2:pad")
            # A person-list word conjoined with the next / previous word's list class (given
            # name + unseen word: نقل مارك روته). Only pairs with a person list: conjoining the
            # place and club classes too scored a little higher in cross-validation (0.7403
            # against 0.7356 per sentence) but lost روته of the seed article.
            a = cls[i]
            if i < last and (a or cls[i + 1]):
                for x in a or _NONE:
                    for y in cls[i + 1] or _NONE:
                        if x == "P" or y == "P":
                            feats.append(f"nc+={x}>{y}")
            if i > 0 and (a or cls[i - 1]):
                for x in a or _NONE:
                    for y in cls[i - 1] or _NONE:
                        if x == "P" or y == "P":
                            feats.append(f"nc-={y}<{x}")
            if i > 0:
                feats.append(f"b-={infos[i - 1][1]}|{info[1]}")
            if i < last:
                feats.append(f"b+={info[1]}|{infos[i + 1][1]}")
            out.append(feats)
        return out

    @staticmethod
    def _morph_key(info: tuple, a) -> tuple:
        # (a: a WordAnalysis, or a morphology-filled Token; both have these attributes)
        pro = a.proclitics
        return (info[0], a.pos, a.source, a.lemma, tuple(pro) if pro else ())

    def _morph_parts(self, info: tuple, a) -> tuple:
        """morph_features for one word and analysis, plus what its -1/+1 neighbours see."""
        f = self.morph_features(info, a)
        sel = [x for x in f if x[0] in "pl"]
        return f, ([f"-1:{x}" for x in sel], [f"1:{x}" for x in sel]) if sel else ()

    def _morph_cached(self, info: tuple, a) -> tuple:
        ck = self._morph_key(info, a)
        hit = self._mcache.get(ck)
        if hit is None:
            hit = self._morph_parts(info, a)
            if len(self._mcache) < 300_000:
                self._mcache[ck] = hit
        return hit

    def _morph_rows(self, info: tuple, a) -> tuple:
        ck = self._morph_key(info, a)
        hit = self._mrcache.get(ck)
        if hit is None:
            f, near = self._morph_parts(info, a)
            if near:
                own, before, after = self._rows_chain.add_blocks((f, near[0], near[1]))
                hit = (own, (before, after))
            else:
                hit = (self._rows_chain.add_block(f), ())
            if len(self._mrcache) < 300_000:
                self._mrcache[ck] = hit
        return hit
