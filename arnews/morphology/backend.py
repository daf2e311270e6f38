# cython: annotation_typing=False
# (Cython would otherwise enforce the annotations as exact types: they are documentation here)
"""A morphology backend: a CAMeL Tools Analyzer (built-in or official DB) plus the ranker.

setup.py compiles this module with Cython where it can (choose runs for every word of running
text); the file stays plain Python and runs as it is where it was not built.
"""
from __future__ import annotations

import operator
import re
import threading
from typing import NamedTuple

from ..text import ARABIC_DIGITS, ARABIC_LETTERS, CLITIC_PRONOUNS, CONJUNCTIONS, strip_diacritics
from .base import WordAnalysis
from .disambiguate import Candidate, Ranker, _gloss, build_candidates, pos_signature

_ARABIC_LETTER = re.compile(f"[{ARABIC_LETTERS}]")
_DIGITS = re.compile(f"^[0-9{ARABIC_DIGITS}.,٫٬%]+$")
# In treebank input على / إلى / لدى are written with final ي before a split-off pronoun.
_BEFORE_PRONOUN = {"علي": ("على", "عَلَى"), "إلي": ("إلى", "إِلَى"), "الي": ("إلى", "إِلَى"), "لدي": ("لدى", "لَدَى")}
MLE_WEIGHT = 4.0
_SCORE = operator.attrgetter("score")
_CLITIC_PRONOUNS = frozenset(CLITIC_PRONOUNS)
# Verb collocations the ranker cannot see (it knows the neighbours' POS, not the words): after
# ما / لا (وما, ولا) these are the verbs دام "as long as" and زال "still", not دامٍ "bloody" or أزال "remove".
_COLLOCATIONS = {(neg, verb): lemma for lemma, negs, verbs in (
    ("دام", ("ما",), ("دام", "دامت")), ("زال", ("ما", "لا"), ("زال", "زالت", "يزال", "تزال", "يزالون", "نزال")))
    for neg in negs for verb in verbs}
_COLLOCATION_VERBS = frozenset(w for _, w in _COLLOCATIONS)


class WordEntry(NamedTuple):
    """What the backend knows of a word out of context (cached per distinct word)."""

    candidates: list[Candidate]  # best static score first; never empty (the guess is always one)
    signature: str  # the POS signature its neighbours' context weights are keyed by
    margin: float  # static score of the best minus the second best (inf when alone)


def _non_arabic(word: str) -> WordAnalysis:
    if _DIGITS.match(word):
        return WordAnalysis(word, word, "digit", None, [], word, [], "lexicon")
    if not any(ch.isalnum() for ch in word):
        return WordAnalysis(word, word, "punc", None, [], word, [], "lexicon")
    if word.isascii():
        return WordAnalysis(word, word, "latin", None, [], word, [], "guess")
    return WordAnalysis(word, word, "foreign", None, [], word, [], "guess")


class AnalyzerBackend:
    """Analyses words with a CAMeL Analyzer and disambiguates them with the ranker.

    Candidates (with their static scores) are cached per distinct word and input mode.
    """

    def __init__(self, name: str, version: str, analyzer, ranker: Ranker | None = None, mle=None,
                 keep_features: bool = False):
        self.name = name
        self.version = version
        self._analyzer = analyzer
        self._ranker = ranker or Ranker()
        self._mle = mle  # optional camel_tools MLEDisambiguator (official data)
        if mle is not None and "mle_top" not in self._ranker.weights:
            # The ranker is trained on the built-in DB, which has no MLE model: trust the
            # official disambiguator's choice strongly, the ranker breaks the remaining ties.
            self._ranker.weights = {**self._ranker.weights, "mle_top": MLE_WEIGHT}
        # One dict per input mode (pre_split False/True), keyed by the word alone: no key tuple
        # to build for every token or to keep for every cached word.
        self._caches: tuple[dict[str, WordEntry], dict[str, WordEntry]] = ({}, {})
        self._keep_features = keep_features  # training needs them; at run time they only cost memory
        self._lock = threading.Lock()
        self._ctx_bound = {}
        for mode in ("split", "raw"):
            ctx = [abs(v) for k, v in self._ranker.weights.items() if k.startswith((f"{mode}:ppos=", f"{mode}:npos="))]
            self._ctx_bound[mode] = 2 * max(ctx, default=0.0)

    # -- candidates ---------------------------------------------------------------------------
    def candidates(self, word: str, pre_split: bool = False) -> WordEntry:
        """The word's candidates sorted by static score, POS signature and static margin top1-top2."""
        cache = self._caches[bool(pre_split)]
        hit = cache.get(word)
        if hit is not None:
            return hit
        analyses = self._analyzer.analyze(word)
        if self._keep_features or self._mle is not None:
            # Feature dicts: for training, or for the MLE mark, which is a feature added here.
            cands = build_candidates(word, analyses, pre_split, self._ranker.prior, table=self._ranker.table,
                                     senses=self._ranker.senses)
            if self._mle is not None:
                self._mark_mle(word, cands)
            self._ranker.static_score(cands)
        else:  # scored as they are built, no feature dicts (same scores)
            cands = build_candidates(word, analyses, pre_split, self._ranker.prior, self._ranker.weights,
                                     self._ranker.table, self._ranker.senses)
        cands.sort(key=_SCORE, reverse=True)  # best first, equal scores in build order (a stable sort)
        margin = cands[0].score - cands[1].score if len(cands) > 1 else float("inf")
        sig = pos_signature(cands)
        if not self._keep_features:
            # Keep only what can still win in some context (plus backoff readings, which the
            # name/clitic rule may pick), and drop the feature dicts: the cache holds ~50k words.
            floor = cands[0].score - self._ctx_bound["split" if pre_split else "raw"] - 1e-9
            cands = [c for c in cands if c.score >= floor or c.source == "backoff"]
            if self._mle is not None:  # (the other path builds none)
                for c in cands:
                    c.feats = None
        entry = WordEntry(cands, sig, margin)
        if len(cache) < 500_000:
            cache[word] = entry
        return entry

    def _mark_mle(self, word: str, cands: list[Candidate]) -> None:
        try:
            top = self._mle.disambiguate([word])[0].analyses
        except Exception:
            return
        if not top:
            return
        a = top[0].analysis
        lemma, pos = strip_diacritics(a.get("lex", "")), a.get("pos")
        for c in cands:
            if c.lemma == lemma and c.pos == pos and c.source != "guess":
                c.feats["mle_top"] = 1.0

    def first_analysis_lemma(self, word: str) -> str:
        """The undiacritised lemma of the analyser's first analysis (the word itself if none)."""
        analyses = self._analyzer.analyze(strip_diacritics(word))
        return strip_diacritics(analyses[0].get("lex") or word) if analyses else word

    def first_analysis_gloss(self, word: str) -> str | None:
        """The gloss of the analyser's first analysis (the BAMA-order baseline of the benchmark)."""
        analyses = self._analyzer.analyze(strip_diacritics(word))
        return _gloss(analyses[0]) if analyses else None

    # -- decoding -----------------------------------------------------------------------------
    def choose(self, words: list[str], pre_split: bool, known_forms: set[str] | None = None,
               all_arabic: bool = False) -> list[Candidate | WordAnalysis]:
        """The best candidate per word (Candidate, or WordAnalysis for non-Arabic words).
        ``all_arabic``: the caller guarantees every word contains Arabic letters."""
        get = self._caches[bool(pre_split)].get
        if all_arabic:
            entries = [get(w) or self.candidates(w, pre_split) for w in words]
        else:
            entries = [(get(w) or self.candidates(w, pre_split)) if _ARABIC_LETTER.search(w)
                       else None for w in words]
        n = len(words)
        out: list[Candidate | WordAnalysis] = []
        mode = "split" if pre_split else "raw"
        bound = self._ctx_bound[mode]
        # Ranker.context_bonus, inlined below (it runs for every reading of every ambiguous word).
        ctx = self._ranker.context_weights(mode)
        for i, entry in enumerate(entries):
            if entry is None:
                out.append(_non_arabic(words[i]))
                continue
            cands = entry[0]  # (indexed: unpacking a tuple subclass takes the slow path)
            best = cands[0]
            if entry[2] <= bound and bound > 0:
                prev_sig = entries[i - 1][1] if i > 0 and entries[i - 1] is not None else ("BOS" if i == 0 else "nonar")
                next_sig = entries[i + 1][1] if i + 1 < n and entries[i + 1] is not None else ("EOS" if i + 1 == n else "nonar")
                best_score = None
                for c in cands:
                    t = ctx.get(c.pos)
                    s = c.score + (t[0].get(prev_sig, 0.0) + t[1].get(next_sig, 0.0) if t is not None else 0.0)
                    if best_score is None or s > best_score:
                        best, best_score = c, s
            if pre_split and i + 1 < n and words[i + 1] in _CLITIC_PRONOUNS and words[i] in _BEFORE_PRONOUN:
                lemma, diac = _BEFORE_PRONOUN[words[i]]
                best = Candidate(lemma, diac, "prep", "on;to;at", (), words[i], (), "lexicon", {})
            elif best.source != "lexicon" and not pre_split:
                if known_forms is None:
                    known_forms = set(words)
                best = self._name_clitics(words[i], cands, best, known_forms)
            out.append(best)
        return out if _COLLOCATION_VERBS.isdisjoint(words) else self._collocations(words, out, pre_split)

    def _collocations(self, words: list[str], out: list, pre_split: bool) -> list:
        for i in range(1, len(words)):
            prev = words[i - 1]
            lemma = _COLLOCATIONS.get((prev[1:] if prev[:1] in CONJUNCTIONS else prev, words[i]))  # (ولا يزال)
            if lemma is not None:
                verb = next((c for c in self.candidates(words[i], pre_split)[0] if c.pos == "verb" and c.lemma == lemma),
                            None)
                if verb is not None:
                    out[i] = verb
        return out

    @staticmethod
    def _name_clitics(word: str, cands: list[Candidate], best: Candidate, known: set[str]) -> Candidate:
        """Unknown word in running text: strip a proclitic only when the bare form occurs on its own
        nearby (لبيونغ next to بيونغ); otherwise the whole word is the name."""
        options = [c for c in cands if c.source == "backoff" and c.proclitics and c.lemma in known]
        if options:
            return max(options, key=lambda c: len(c.lemma))
        for c in cands:
            if c.source == "backoff" and not c.proclitics and not c.enclitics and c.lemma == word:
                return c
        return best

    def analyze_sentence(self, words: list[str], *, pre_split: bool = False,
                         known_forms: set[str] | None = None) -> list[WordAnalysis]:
        """One analysis per word, in context. ``known_forms``: other word forms of the text, used
        to decide whether an unknown word carries a clitic (defaults to the sentence's words)."""
        clean = [strip_diacritics(w) for w in words]
        res = self.choose(clean, pre_split, known_forms)
        return [r.to_analysis() if isinstance(r, Candidate) else r for r in res]
