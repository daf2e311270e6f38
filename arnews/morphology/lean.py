"""A leaner CAMeL Analyzer for the built-in DB.

``camel_tools.morphology.analyzer.Analyzer`` merges the full feature set of every
prefix/stem/suffix combination (diacritic rewriting, tokenisation schemes, CAPHI, with
a dozen regex substitutions each). arnews only needs the lemma, POS, stem, gloss and
clitics, so this subclass keeps Analyzer's segmentation, compatibility tables, digit /
punctuation / foreign handling and backoff logic (``analyze`` is inherited unchanged)
and only replaces the two methods that build the analysis dicts. Word-level features it
does not produce: diac, bw, caphi, tokenisations. Analyses are about twice as fast.

The DB entries carry precomputed helper keys (added in ``builtin.prepare_db``):
``_dd`` (undiacritised surface of the entry's diac) and, on stems, ``_lem`` (undiacritised lemma).
"""
from __future__ import annotations

from collections import deque

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


class LeanAnalyzer(Analyzer):
    def analyze(self, word):
        word = word.strip()
        if not _PURE_AR_RE.match(word):
            return super().analyze(word)
        db = self._db
        analyses = deque()
        word_dediac = dediac_ar(word)
        word_normal = self._normalize(word_dediac)
        prefix_hash, suffix_hash, stem_hash = db.prefix_hash, db.suffix_hash, db.stem_hash
        for prefix, stem, suffix in _segments_gen(word_normal, db.max_prefix_size, db.max_suffix_size):
            prefix_analyses = prefix_hash.get(prefix)
            if prefix_analyses is None:
                continue
            suffix_analyses = suffix_hash.get(suffix)
            if suffix_analyses is None:
                continue
            stem_analyses = stem_hash.get(stem)
            if stem_analyses is not None:
                analyses.extend(self._combined_analyses(word_dediac, prefix_analyses, stem_analyses,
                                                        suffix_analyses))
        if (self._backoff_condition == "NOAN" and not analyses) or self._backoff_condition == "ADD":
            backoff_cats = db.stem_backoffs[self._backoff_action]
            stem_analyses = [(cat, a) for cat, a in stem_hash["NOAN"] if cat in backoff_cats]
            for prefix, stem, suffix in _segments_gen(word_normal, db.max_prefix_size, db.max_suffix_size):
                prefix_analyses = prefix_hash.get(prefix)
                suffix_analyses = suffix_hash.get(suffix)
                if prefix_analyses is None or suffix_analyses is None:
                    continue
                analyses.extend(self._combined_backoff_analyses(stem, word_dediac, prefix_analyses,
                                                                stem_analyses, suffix_analyses))
        return list(analyses)

    def _combined_analyses(self, word_dediac, prefix_analyses, stem_analyses, suffix_analyses):
        db = self._db
        out = deque()
        word = word_dediac.replace("\u0640", "")
        psc_all = db.prefix_suffix_compat
        ssc_all = db.stem_suffix_compat
        for pcat, pf in prefix_analyses:
            ps_compat = db.prefix_stem_compat[pcat]
            psc = psc_all.get(pcat)
            if psc is None:
                continue
            p_dd = pf.get("_dd", "")
            for scat, sf in stem_analyses:
                if scat not in ps_compat:
                    continue
                ssc = ssc_all.get(scat)
                if ssc is None:
                    continue
                ps_dd = p_dd + sf["_dd"]
                for xcat, xf in suffix_analyses:
                    if xcat not in ssc or xcat not in psc:
                        continue
                    out.append({
                        "pos": sf["pos"], "lex": sf["lex"], "_lem": sf["_lem"], "stem": sf["diac"], "_sdd": sf["_dd"],
                        "stemgloss": sf.get("gloss", ""),
                        "prc2": pf.get("prc2") or sf.get("prc2", "0"),
                        "prc1": pf.get("prc1") or sf.get("prc1", "0"),
                        "prc0": pf.get("prc0") or sf.get("prc0", "0"),
                        "enc0": xf.get("enc0") or sf.get("enc0", "0"),
                        "source": "lex" if ps_dd + xf.get("_dd", "") == word else "spvar",
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
