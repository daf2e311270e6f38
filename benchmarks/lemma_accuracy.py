#!/usr/bin/env python
"""Lemma, vowelled-lemma and gloss accuracy of the arnews lemmatiser on a CoNLL-U treebank.

Usage: python benchmarks/lemma_accuracy.py FILE.conllu [--raw] [--morphology auto|builtin|camel]

Default mode (pre-split words)
------------------------------
Each sentence's syntactic words (clitics already split off, as treebanks list them) are passed,
diacritics and tatweel removed, to the lemmatiser as pre-tokenised input; gold columns are only
read for scoring. Scored: every word except UPOS PUNCT, NUM, SYM and LEMMA "_".

- lemma_accuracy: predicted and gold lemmas compared without diacritics/tatweel and with
  أ إ آ ٱ mapped to ا. content_accuracy: the same over content words (NOUN PROPN VERB ADJ ADV X).
  first_analysis: the analyser's first analysis, as a baseline.
- diac_accuracy: the chosen *vowelled* lemma against the treebank's vowelled LEMMA, same words.
  Both sides are normalised for writing conventions only (``arnews.normalize.vowelled_key``): tatweel and sukun
  dropped; tanwin dropped wherever written; أ إ آ ٱ → ا and dagger alef ٰ → ا; the vowel mark on a word-initial alef dropped
  (hamzat wasl written اِ / اَ or bare); a short vowel written before its own long vowel letter
  dropped (fatha before ا/ى, damma before و, kasra before ي, when that letter carries no vowel
  of its own, and و / ي before an alef count as consonants); marks on the last letter dropped except shadda (case endings, tanwin); the marks
  on each letter put in a fixed order (shadda first). Everything else must be equal: a different
  short vowel or shadda is a different lemma (شَرْطَة "dash" is not شُرْطَة "police"). A lemma
  with no vowel mark at all (an unvowelled name in the lexicon or the treebank, or a name guessed
  from the word) has no vowelling to compare: such pairs are compared without diacritics.
- gloss_agreement: share of content words (with a non-empty treebank ``Gloss=`` in MISC) whose
  arnews gloss *as shown first* (the gloss up to its first ";" or " / ", which is what phrase
  glosses and keyword tables use) shares a word with the treebank gloss. Matching rule
  (``arnews.morphology.senses.gloss_words``): lower case, split on anything but letters, digits
  and hyphens (so on , ; / _ and spaces), English stop words dropped (``GLOSS_STOP``), a light
  stemmer (a short list of irregular forms such as said -> say, was -> be; plural -s/-es/-ies,
  -ing, -ed, final -e). bama_first_gloss: the same for the first gloss of the analyser's first
  analysis (BAMA order), the baseline. gloss_any (table only): any sense arnews lists matches.

The last line is machine-readable:

    lemma_accuracy=0.XXXX content_accuracy=0.XXXX first_analysis=0.XXXX tokens=N diac_accuracy=0.XXXX gloss_agreement=0.XXXX bama_first_gloss=0.XXXX

--raw mode (running text, as ``arnews lemmatize`` runs)
-------------------------------------------------------
Each document's raw text is rebuilt and run through the product pipeline exactly as
``arnews lemmatize`` does (``analyze_text`` with the default normalisation, stages tokens and
lemmas); the product's tokens are then aligned, by character offset, to the orthographic
tokens of the rebuilt text and the host word's lemma is scored per orthographic token.

Rebuilding the text: a sentence's ``# text =`` when present, else its FORMs (diacritics removed)
joined by a space unless ``SpaceAfter=No``, with multiword-token lines (``1-3 وبالقوات``) as one
orthographic token. Treebanks without either (PADT v1.3 dev has neither) get the clitics glued
back onto their host (``rejoin``: و + ب + الحظر → وبالحظر, ل + ال → لل, منطقة + نا → منطقتنا).
The host of an orthographic token is its non-clitic syntactic word (for a preposition plus a
pronoun, بها, the preposition). Scored: orthographic tokens with Arabic letters whose host is not
PUNCT/NUM/SYM or LEMMA "_"; an orthographic token the tokenizer cut in several pieces is scored on
its longest Arabic piece. PADT leaves some words unanalysed (UPOS X, XPOS U---------, no Gloss):
their LEMMA is the form itself, clitics included (ونادي, علينا, والكرامة); for those the host's
lemma is taken to be the form or the form without its clitics (``unanalysed_lemmas``: و/ف, then
ب/ك/ل, then ال, and a pronoun suffix), compared with ى=ي and ة=ه. Documents are the ``# orig_file_sentence`` / ``# newdoc id`` groups
(each sentence on its own line). The last line:

    raw_lemma_accuracy=0.XXXX raw_content_accuracy=0.XXXX words=N
"""
from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from pathlib import Path
from typing import NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from arnews.text import ALEF, ALEF_VARIANTS, ARABIC_LETTERS, strip_diacritics  # noqa: E402

_ALEF = str.maketrans(dict.fromkeys(ALEF_VARIANTS, ALEF))
_ARABIC_LETTER = re.compile(f"[{ARABIC_LETTERS}]")
SKIP_UPOS = {"PUNCT", "NUM", "SYM"}
CONTENT_UPOS = {"NOUN", "PROPN", "VERB", "ADJ", "ADV", "X"}


class Word(NamedTuple):
    """One syntactic word of a treebank sentence."""

    form: str
    lemma: str
    upos: str
    gloss: str | None  # MISC Gloss=, commas between senses
    space_after: bool
    xpos: str = ""


class Sentence(NamedTuple):
    words: list[Word]
    text: str | None  # "# text =" when present
    mwts: dict[int, tuple[int, str]]  # first word index -> (last word index, surface form)
    doc: str  # document id


class OrthToken(NamedTuple):
    """One orthographic (space-separated) token of a rebuilt sentence and its host word."""

    text: str
    host: Word
    space_after: bool = True


def strip(s: str) -> str:
    return strip_diacritics(s)


def key(s: str) -> str:
    return strip(s).translate(_ALEF)


# -- vowelled lemma ----------------------------------------------------------------------------
def same_vowelled(pred: str, gold: str) -> bool:
    """diac_accuracy's comparison. A lemma written without any vowel mark (an unvowelled name,
    in the lexicon, the treebank, or a name guessed from the word) has no vowelling to compare:
    then the two are compared without diacritics."""
    from arnews.text import is_vowelled, vowelled_key

    if not is_vowelled(pred) or not is_vowelled(gold):
        return key(pred) == key(gold)
    return vowelled_key(pred) == vowelled_key(gold)


# -- glosses ---------------------------------------------------------------------------------
from arnews.morphology.senses import GLOSS_STOP, first_sense, gloss_words  # noqa: E402,F401  (the matching rule)


# -- reading -----------------------------------------------------------------------------------
def read_conllu(path: str):
    """Yield Sentences; empty-node lines skipped, multiword-token lines kept as ``mwts``."""
    words: list[Word] = []
    mwts: dict[int, tuple[int, str]] = {}
    text = None
    doc = ""
    sent_id = ""
    with open(path, encoding="utf-8-sig") as fh:
        for line in fh:
            line = line.rstrip("\n").rstrip("\r")
            if not line.strip():
                if words:
                    yield Sentence(words, text, mwts, doc or sent_id)
                words, mwts, text = [], {}, None
                continue
            if line.startswith("#"):
                k, _, v = line[1:].strip().partition(" ")
                v = v.lstrip("= ").strip() if k in ("text", "sent_id", "newdoc") else v.strip()
                if k == "text":
                    text = v
                elif k == "sent_id":
                    sent_id = v
                elif k == "newdoc":
                    doc = v.removeprefix("id").lstrip("= ").strip() or v
                elif k == "orig_file_sentence":
                    doc = v.rsplit("#", 1)[0]
                continue
            cols = line.split("\t")
            if len(cols) < 4 or "." in cols[0]:
                continue
            misc = cols[9].split("|") if len(cols) > 9 else []
            if "-" in cols[0]:
                a, b = cols[0].split("-")
                mwts[len(words)] = (len(words) + int(b) - int(a), cols[1])
                continue
            gloss = next((m[6:] for m in misc if m.startswith("Gloss=")), None)
            words.append(Word(cols[1], cols[2], cols[3], gloss, "SpaceAfter=No" not in misc, cols[4]))
    if words:
        yield Sentence(words, text, mwts, doc or sent_id)


# -- raw text ----------------------------------------------------------------------------------
_PROCLITICS = {"و", "ف", "ب", "ل", "ك", "س"}
_ENCLITICS = {"ه", "ها", "هم", "هما", "هن", "ي", "ني", "نا", "ك", "كم", "كما", "كن"}


def _host(members: list[Word]) -> Word:
    """The non-clitic word of a multiword token (the preposition of بها)."""
    for i, w in enumerate(members):
        f = strip(w.form)
        if i < len(members) - 1 and f in _PROCLITICS | {"ال"} and w.upos != "PRON":
            continue
        if i > 0 and w.upos == "PRON" and f in _ENCLITICS:
            continue
        return w
    return members[-1] if members[-1].upos != "PRON" or len(members) == 1 else members[-2]


def rejoin(sent: Sentence | list[Word]) -> list[OrthToken]:
    """The orthographic tokens of a sentence, each with its host word.

    Treebanks with multiword-token lines or SpaceAfter=No: those lines, and a space where the
    treebank has one. Otherwise clitic words are glued back onto their host (و + ب + الحظر ->
    وبالحظر, ل + ال -> لل, منطقة + نا -> منطقتنا), a space between tokens."""
    words = sent.words if isinstance(sent, Sentence) else sent
    mwts = sent.mwts if isinstance(sent, Sentence) else {}
    if mwts or not all(w.space_after for w in words):
        out = []
        i = 0
        while i < len(words):
            if i in mwts:
                last, surface = mwts[i]
                out.append(OrthToken(strip(surface), _host(words[i:last + 1]), words[last].space_after))
                i = last + 1
            else:
                out.append(OrthToken(strip(words[i].form), words[i], words[i].space_after))
                i += 1
        return out
    out: list[OrthToken] = []
    pending = ""
    pending_words: list[Word] = []
    for wd in words:
        w = strip(wd.form)
        if pending and not _ARABIC_LETTER.search(w):  # (a clitic before punctuation: its own token)
            out.append(OrthToken(pending, pending_words[-1]))
            pending, pending_words = "", []
        if w in _PROCLITICS and wd.upos not in ("PRON", "X"):
            pending += w
            pending_words.append(wd)
            continue
        if w in _ENCLITICS and wd.upos == "PRON" and pending:
            # preposition + pronoun (ب + ها -> بها): the preposition is the host
            out.append(OrthToken(pending + w, pending_words[-1]))
            pending, pending_words = "", []
            continue
        if w in _ENCLITICS and wd.upos == "PRON" and out and _ARABIC_LETTER.search(out[-1].text):
            text = out[-1].text
            if text.endswith("ة"):
                text = text[:-1] + "ت"
            out[-1] = OrthToken(text + w, out[-1].host)
            continue
        if pending:
            w = pending + w[1:] if pending.endswith("ل") and w.startswith("ال") else pending + w
            pending, pending_words = "", []
        out.append(OrthToken(w, wd))
    if pending:
        out.append(OrthToken(pending, pending_words[-1]))
    return out


def raw_sentence(sent: Sentence) -> tuple[str, list[tuple[int, int, Word]]]:
    """(raw text, [(start, end, host word)] per orthographic token)."""
    toks = rejoin(sent)
    if sent.text:  # the treebank's own text, when every token can be found in it in order
        text = strip(sent.text)
        spans = []
        pos = 0
        for t in toks:
            j = text.find(t.text, pos)
            if j < 0:
                break
            spans.append((j, j + len(t.text), t.host))
            pos = j + len(t.text)
        else:
            return text, spans
    parts: list[str] = []
    spans = []
    pos = 0
    for i, t in enumerate(toks):
        parts.append(t.text)
        spans.append((pos, pos + len(t.text), t.host))
        pos += len(t.text)
        if t.space_after and i + 1 < len(toks):
            parts.append(" ")
            pos += 1
    return "".join(parts), spans


_UNANALYSED_PRO = re.compile("^(?:[وف]?(?:[بكل]?ال|لل|[بكل])?)")
_UNANALYSED_ENC = ("ه", "ها", "هم", "هما", "هن", "كم", "كما", "كن", "ني", "نا")  # (not ي ك: name endings)


def unanalysed_lemmas(form: str) -> set[str]:
    """What the lemma of a word the treebank left unanalysed can be: the form itself, or the form
    without proclitics (و ف, then ب ك ل, then ال) and/or a pronoun suffix (ت before it read as ة)."""
    from arnews.text import match_key

    form = strip(form)
    out = {form}
    for m in {0, len(_UNANALYSED_PRO.match(form).group(0)), 1 if form[:1] in "وف" else 0}:
        stem = form[m:]
        if stem.startswith("ل") and form[m - 1:m] == "ل":  # لل: ل + ال
            stem = "ال" + stem[1:]
        out.add(stem)
        for e in _UNANALYSED_ENC:
            if stem.endswith(e) and len(stem) > len(e) + 1:
                core = stem[: -len(e)]
                out.add(core)
                if core.endswith("ت"):
                    out.add(core[:-1] + "ة")
    return {match_key(x) for x in out if len(x) > 1} | {match_key(x[2:]) for x in out if x.startswith("ال") and len(x) > 3}


def unanalysed_word(w: Word) -> bool:
    return w.upos == "X" and w.xpos.startswith("U")


def raw_hit(host: Word, lemma: str) -> bool:
    """Whether a predicted lemma is right for an orthographic token with this host word."""
    if unanalysed_word(host):
        # PADT's unanalysed words (XPOS U): LEMMA is just the form, clitics included
        # (ونادي, علينا): the host's lemma is the form or the form without its clitics.
        from arnews.text import match_key

        return match_key(lemma) in unanalysed_lemmas(host.form)
    return key(lemma) == key(host.lemma)


def documents(sents: list[Sentence]) -> list[list[Sentence]]:
    docs: dict[str, list[Sentence]] = {}
    for s in sents:
        docs.setdefault(s.doc, []).append(s)
    return list(docs.values())


def run_raw(args) -> int:
    from arnews.pipeline import Pipeline, Settings

    t0 = time.perf_counter()
    pipe = Pipeline(Settings(morphology=args.morphology).with_stages("lemmas"))
    sents = list(read_conllu(args.file))
    total = Counter()
    correct = Counter()
    split_count = 0
    unanalysed = 0
    per_upos_total = Counter()
    for doc_sents in documents(sents):
        lines, spans = [], []
        off = 0
        for s in doc_sents:
            text, sp = raw_sentence(s)
            lines.append(text)
            spans += [(a + off, b + off, w) for a, b, w in sp]
            off += len(text) + 1
        doc = pipe.run_text("\n".join(lines), "treebank")
        toks = doc.tokens
        ti = 0
        for a, b, host in spans:
            while ti < len(toks) and toks[ti].start < a:
                ti += 1
            pieces = []
            j = ti
            while j < len(toks) and toks[j].start < b:
                if toks[j].kind == "arabic":
                    pieces.append(toks[j])
                j += 1
            if host.upos in SKIP_UPOS or host.lemma == "_" or not pieces:
                continue
            if len(pieces) > 1:
                split_count += 1
            tok = max(pieces, key=lambda t: len(t.text))
            unanalysed += unanalysed_word(host)
            ok = raw_hit(host, tok.lemma or "")
            per_upos_total[host.upos] += 1
            for bucket in ("all", host.upos) + (("content",) if host.upos in CONTENT_UPOS else ()):
                total[bucket] += 1
                correct[bucket] += ok

    def acc(b: str) -> float:
        return correct[b] / total[b] if total[b] else 0.0

    elapsed = time.perf_counter() - t0
    print(f"backend: {pipe.morphology.name} ({pipe.morphology.version}); {len(sents)} sentences, "
          f"{total['all']} orthographic words scored in {elapsed:.1f} s ({unanalysed} of them unanalysed in the treebank); "
          f"{split_count} cut in pieces by the tokenizer")
    print(f"{'UPOS':8} {'words':>7} {'lemma':>7}")
    for b in sorted(per_upos_total, key=lambda b: -per_upos_total[b]):
        print(f"{b:8} {total[b]:7d} {acc(b):7.4f}")
    print(f"raw_lemma_accuracy={acc('all'):.4f} raw_content_accuracy={acc('content'):.4f} words={total['all']}")
    return 0


# -- pre-split ---------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("file")
    ap.add_argument("--raw", action="store_true", help="rebuild running text and run the product on it")
    ap.add_argument("--morphology", default="auto", choices=["auto", "builtin", "camel"])
    ap.add_argument("--show-errors", type=int, default=0, metavar="N",
                    help="print N vowelled-lemma and N gloss disagreements (content words)")
    args = ap.parse_args(argv)
    if not Path(args.file).is_file():
        print(f"error: {args.file}: no such file (give a CoNLL-U treebank, e.g. "
              f"../shared/data/lemma/padt-dev.conllu)", file=sys.stderr)
        return 2

    from arnews.morphology import MissingDataError, get_backend

    t0 = time.perf_counter()
    try:
        backend = get_backend(args.morphology)
    except MissingDataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.raw:
        return run_raw(args)
    t_load = time.perf_counter() - t0
    total = Counter()
    correct = Counter()
    first = Counter()
    diac = Counter()
    gtot = Counter()
    gok = Counter()
    gany = Counter()
    gbama = Counter()
    errors: dict[str, list[str]] = {"diac": [], "gloss": []}
    n_words = 0
    t1 = time.perf_counter()
    for sent in read_conllu(args.file):
        words = [strip(w.form) for w in sent.words]
        n_words += len(words)
        preds = backend.analyze_sentence(words, pre_split=True)
        for gw, w, p in zip(sent.words, words, preds):
            upos, gold = gw.upos, gw.lemma
            if upos in SKIP_UPOS or gold == "_":
                continue
            g = key(gold)
            ok = key(p.lemma) == g
            dok = same_vowelled(p.lemma_diac or p.lemma, gold)
            fa = key(backend.first_analysis_lemma(w)) == g if hasattr(backend, "first_analysis_lemma") else False
            buckets = ("all", upos) + (("content",) if upos in CONTENT_UPOS else ())
            for bucket in buckets:
                total[bucket] += 1
                correct[bucket] += ok
                first[bucket] += fa
                diac[bucket] += dok
            gold_words = gloss_words(gw.gloss)
            if upos in CONTENT_UPOS and gold_words:
                shown = bool(gloss_words(first_sense(p.gloss)) & gold_words)
                anys = bool(gloss_words(p.gloss) & gold_words)
                bama = getattr(backend, "first_analysis_gloss", lambda _w: None)(w)
                for bucket in ("content", upos):
                    gtot[bucket] += 1
                    gok[bucket] += shown
                    gany[bucket] += anys
                    gbama[bucket] += bool(gloss_words(first_sense(bama)) & gold_words)
                if not shown and len(errors["gloss"]) < args.show_errors:
                    errors["gloss"].append(f"{w}\t{p.lemma_diac}\t{p.gloss}\t| gold {gold} {gw.gloss}")
            if not dok and ok and len(errors["diac"]) < args.show_errors:
                errors["diac"].append(f"{w}\t{p.lemma_diac}\t| gold {gold}")
    elapsed = time.perf_counter() - t1

    def acc(c: Counter, b: str, t: Counter = total) -> float:
        return c[b] / t[b] if t[b] else 0.0

    for kind, lines in errors.items():
        for line in lines:
            print(f"{kind}: {line}")
    print(f"backend: {backend.name} ({backend.version}); load {t_load:.2f} s; "
          f"{n_words} words in {elapsed:.2f} s ({n_words / max(elapsed, 1e-9):,.0f} words/s)")
    print(f"{'UPOS':8} {'tokens':>7} {'lemma':>7} {'first':>7} {'vowel':>7} {'gloss':>7} {'g.any':>7} {'g.bama':>7}")
    for b in sorted((b for b in total if b not in ("all", "content")), key=lambda b: -total[b]) + ["content", "all"]:
        gl = (f"{acc(gok, b, gtot):7.4f} {acc(gany, b, gtot):7.4f} {acc(gbama, b, gtot):7.4f}" if gtot[b]
              else f"{'':7} {'':7} {'':7}")
        print(f"{b:8} {total[b]:7d} {acc(correct, b):7.4f} {acc(first, b):7.4f} {acc(diac, b):7.4f} {gl}")
    print(f"gloss scored on {gtot['content']} content words with a treebank gloss; "
          f"any listed sense matches: {acc(gany, 'content', gtot):.4f}")
    print(f"lemma_accuracy={acc(correct, 'all'):.4f} content_accuracy={acc(correct, 'content'):.4f} "
          f"first_analysis={acc(first, 'all'):.4f} tokens={total['all']} diac_accuracy={acc(diac, 'all'):.4f} "
          f"gloss_agreement={acc(gok, 'content', gtot):.4f} bama_first_gloss={acc(gbama, 'content', gtot):.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
