# cython: annotation_typing=False
# (Cython would otherwise enforce the annotations as exact types: they are documentation here)
"""A leaner CAMeL Analyzer for the built-in DB.

``camel_tools.morphology.analyzer.Analyzer`` merges the full feature set of every
prefix/stem/suffix combination (diacritic rewriting, tokenisation schemes, CAPHI, with
a dozen regex substitutions each). arnews only needs the lemma, POS, stem, gloss and
clitics, so this subclass keeps Analyzer's segmentation order, compatibility tables and
backoff logic, and builds only those fields. Words of Arabic letters go through its own
loop over the (prefix, stem, suffix) splits, which caches the suffixes that fit each prefix
and stem category; any other word goes to ``Analyzer.analyze`` (digit, punctuation and
foreign handling). Word-level features it does not produce: diac, bw, caphi, tokenisations.
tests/morphology/test_morphology.py checks that it gives Analyzer's analyses in the fields arnews reads.

The DB entries carry precomputed helper keys (added in ``builtin.prepare_db``):
``_dd`` (undiacritised surface of the entry's diac) and, on stems, ``_lem`` (undiacritised lemma).

setup.py compiles this module with Cython where it can (_combine and _combined_analyses run
for every new word); the file stays plain Python and runs as it is where it was not built.
"""
from __future__ import annotations

from collections import deque

from ..text import TATWEEL
from .camel_data import prepare_camel_import

prepare_camel_import()  # before the first camel_tools import (offline catalogue handling)

import re  # noqa: E402

from camel_tools.morphology.analyzer import Analyzer, _segments_gen  # noqa: E402
from camel_tools.utils.charsets import AR_CHARSET  # noqa: E402
from camel_tools.utils.dediac import dediac_ar  # noqa: E402

# Words made only of Arabic letters and diacritics take the Analyzer's segmentation branch
# anyway; its digit/punctuation checks before that (a regex over 8,500 punctuation and symbol
# characters) cost more than the whole lookup, so such words skip straight to it.
_PURE_AR_RE = re.compile("^[" + re.escape("".join(sorted(AR_CHARSET))) + "]+$")


def _translate_table(norm_map) -> dict[int, str] | None:
    """The Analyzer's normalisation CharMapper as a str.translate table (CharMapper.map_string
    loops over the characters in Python), or None when it is not a plain char -> string map."""
    charmap = getattr(norm_map, "_charmap", None)
    if norm_map is None or getattr(norm_map, "_default", 0) is not None or not isinstance(charmap, dict):
        return None
    if not all(isinstance(k, str) and len(k) == 1 and (v is None or isinstance(v, str)) for k, v in charmap.items()):
        return None
    return {ord(k): v for k, v in charmap.items() if v is not None}  # None: the character is kept


def _compatible_suffixes(suffix_analyses, psc) -> tuple:
    """The suffix analyses whose category goes with the prefix's (`psc`), in DB order, as
    (category, enc0, undiacritised surface)."""
    return tuple((xcat, xf.get("enc0"), xf.get("_dd", "")) for xcat, xf in suffix_analyses if xcat in psc)


class LeanAnalyzer(Analyzer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._norm_table = _translate_table(getattr(self, "_norm_map", None))
        self._suffix_cache: dict[tuple, tuple] = {}

    def analyze(self, word):
        word = word.strip()
        if not _PURE_AR_RE.match(word):
            return super().analyze(word)
        db = self._db
        word_dediac = dediac_ar(word)
        table = self._norm_table
        word_normal = word_dediac.translate(table) if table is not None else self._normalize(word_dediac)
        analyses = self._combine(word_dediac, word_normal)
        if (self._backoff_condition == "NOAN" and not analyses) or self._backoff_condition == "ADD":
            prefix_hash, suffix_hash = db.prefix_hash, db.suffix_hash
            backoff_cats = db.stem_backoffs[self._backoff_action]
            stem_analyses = [(cat, a) for cat, a in db.stem_hash["NOAN"] if cat in backoff_cats]
            for prefix, stem, suffix in _segments_gen(word_normal, db.max_prefix_size, db.max_suffix_size):
                prefix_analyses = prefix_hash.get(prefix)
                suffix_analyses = suffix_hash.get(suffix)
                if prefix_analyses is None or suffix_analyses is None:
                    continue
                analyses.extend(self._combined_backoff_analyses(stem, word_dediac, prefix_analyses,
                                                                stem_analyses, suffix_analyses))
        return list(analyses)

    def _combine(self, word_dediac: str, word_normal: str) -> list[dict]:
        """The analyses of the word's (prefix, stem, suffix) splits, in the order of _segments_gen,
        written out so that a prefix missing from the DB skips all its stem/suffix splits at once."""
        db = self._db
        prefix_hash, suffix_hash, stem_hash = db.prefix_hash, db.suffix_hash, db.stem_hash
        analyses: list[dict] = []
        w = len(word_normal)
        max_prefix, max_suffix = db.max_prefix_size, db.max_suffix_size
        # The word's endings that are suffixes in the DB, by where they start (ascending): the same
        # for every prefix, so looked up once per word, not once per prefix.
        endings = []
        for j in range(max(1, w - max_suffix), w + 1):
            suffix_analyses = suffix_hash.get(word_normal[j:])
            if suffix_analyses is not None:
                endings.append((j, suffix_analyses))
        for p in range(0, min(max_prefix, w - 1) + 1):
            prefix_analyses = prefix_hash.get(word_normal[:p])
            if prefix_analyses is None:
                continue
            first_end = max(p + 1, w - max_suffix)  # (stem of at least one letter)
            for j, suffix_analyses in endings:
                if j < first_end:
                    continue
                stem_analyses = stem_hash.get(word_normal[p:j])
                if stem_analyses is not None:
                    analyses.extend(self._combined_analyses(word_dediac, prefix_analyses, stem_analyses,
                                                            suffix_analyses, word_normal[j:]))
        return analyses

    def _suffixes_for(self, suffix: str, pcat, suffix_analyses, psc) -> tuple:
        """The suffix's analyses that go with prefix category `pcat`, in DB order, as
        (category, enc0, undiacritised surface), and a dict for those of them that also go with
        each stem category (filled by the caller). Cached per (suffix, prefix category): there
        are a few thousand pairs, and filtering here spares the innermost loop most of its turns."""
        key = (suffix, pcat)
        hit = self._suffix_cache.get(key)
        if hit is None:
            hit = self._suffix_cache[key] = (_compatible_suffixes(suffix_analyses, psc), {})
        return hit

    def _combined_analyses(self, word_dediac, prefix_analyses, stem_analyses, suffix_analyses, suffix=None):
        db = self._db
        out = deque()
        word = word_dediac.replace(TATWEEL, "")
        psc_all = db.prefix_suffix_compat
        ssc_all = db.stem_suffix_compat
        for pcat, pf in prefix_analyses:
            ps_compat = db.prefix_stem_compat[pcat]
            psc = psc_all.get(pcat)
            if psc is None:
                continue
            if suffix is None:  # (Analyzer.analyze's call, for non-Arabic words: nothing to cache by)
                suffixes, by_stem = _compatible_suffixes(suffix_analyses, psc), {}
            else:
                suffixes, by_stem = self._suffixes_for(suffix, pcat, suffix_analyses, psc)
            if not suffixes:
                continue
            p_dd = pf.get("_dd", "")
            p_prc2, p_prc1, p_prc0 = pf.get("prc2"), pf.get("prc1"), pf.get("prc0")
            for scat, sf in stem_analyses:
                if scat not in ps_compat:
                    continue
                # The suffixes that also go with the stem's category (cached per category: most
                # of them do not, and the loop below would skip them one by one for every stem).
                fitting = by_stem.get(scat)
                if fitting is None:
                    ssc = ssc_all.get(scat)
                    fitting = by_stem[scat] = () if ssc is None else tuple(x for x in suffixes if x[0] in ssc)
                if not fitting:
                    continue
                ps_dd = p_dd + sf["_dd"]
                # What depends on the prefix and stem only, read once for all their suffixes.
                pos, lex, lem, diac, sdd = sf["pos"], sf["lex"], sf["_lem"], sf["diac"], sf["_dd"]
                gloss = sf.get("gloss", "")
                prc2 = p_prc2 or sf.get("prc2", "0")
                prc1 = p_prc1 or sf.get("prc1", "0")
                prc0 = p_prc0 or sf.get("prc0", "0")
                enc0 = sf.get("enc0", "0")
                for _xcat, x_enc0, x_dd in fitting:
                    out.append({
                        "pos": pos, "lex": lex, "_lem": lem, "stem": diac, "_sdd": sdd, "stemgloss": gloss,
                        "prc2": prc2, "prc1": prc1, "prc0": prc0,
                        "enc0": x_enc0 or enc0,
                        "source": "lex" if ps_dd + x_dd == word else "spvar",
                    })
        return out

    def _combined_backoff_analyses(self, stem, word_dediac, prefix_analyses, stem_analyses, suffix_analyses):
        db = self._db
        out = deque()
        for pcat, pf in prefix_analyses:
            ps_compat = db.prefix_stem_compat[pcat]
            psc = db.prefix_suffix_compat.get(pcat)
            for scat, sf in stem_analyses:
                if scat not in ps_compat:
                    continue
                if self._backoff_action == "PROP" and "NOUN_PROP" not in sf.get("bw", ""):
                    continue
                for xcat, xf in suffix_analyses:
                    if xcat not in db.stem_suffix_compat[scat] or psc is None or xcat not in psc:
                        continue
                    out.append({
                        "pos": sf["pos"], "lex": stem, "_lem": stem, "stem": stem, "stemgloss": "",
                        "prc2": pf.get("prc2") or "0", "prc1": pf.get("prc1") or "0",
                        "prc0": pf.get("prc0") or "0", "enc0": xf.get("enc0") or "0",
                        "source": "backoff",
                    })
        return out
