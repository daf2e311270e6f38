"""From BIO tags to Mention objects with offsets into the original text, plus sanity checks."""
from __future__ import annotations

from collections import Counter
from functools import lru_cache

from ..document import Document, Mention, Sentence, Source, Token
from .canonical import canonical_form, clitic_prefix, surface_offset
from .bio import spans
from .cleanup import Span, clean_spans
from ..text import CLITIC_FIRST, key, readings
from .lexicon import resources

LABELS = {"PERS": "PERSON", "LOC": "LOCATION", "ORG": "ORGANIZATION", "MISC": "MISC"}
_WORD_KINDS = ("arabic", "latin", "number")


_STOP: frozenset[str] | None = None


def _stopwords() -> frozenset[str]:
    global _STOP
    if _STOP is None:
        try:
            from ..stopwords import stopwords

            _STOP = frozenset(key(w) for w in stopwords())
        except Exception:  # the stop list is a nicety here, never a reason to fail
            _STOP = frozenset()
    return _STOP


# The longest stretch of tokens tagged as one sentence (see _tag_spans).
MAX_TAGGED_TOKENS = 1000


def _tag_spans(doc: Document, backend) -> list[Span]:
    """(token_start, token_end, TYPE) over the whole document, edges trimmed of punctuation."""
    tokens = doc.tokens
    sentences = doc.sentences or []
    if not sentences and tokens:
        from ..document import Sentence

        sentences = [Sentence(tokens[0].start, tokens[-1].end, 0, len(tokens))]
    todo = []
    for sent in sentences:
        # An overlong "sentence" (text with no stops or line breaks) is tagged in windows: the
        # tagger's memory grows with a sentence's length (5 MB of one-letter words as one sentence
        # took 6.7 GB), and no real sentence comes near MAX_TAGGED_TOKENS.
        for first in range(sent.token_start, sent.token_end, MAX_TAGGED_TOKENS):
            toks = tokens[first:min(first + MAX_TAGGED_TOKENS, sent.token_end)]
            if not any(t.kind == "arabic" for t in toks):
                continue
            words = [t.text for t in toks]
            # The morphology-filled tokens serve as the analyses (Token.source is analysis_source).
            analyses = toks if any(t.pos for t in toks) else None
            todo.append((first, toks, words, analyses))
    # One call per document: the encoder batches a document's sentences into one forward pass.
    tagged = backend.tag_sentences([(words, analyses) for _, _, words, analyses in todo])
    out = []
    for (first, toks, _, _), tags in zip(todo, tagged):
        out.extend(_word_spans(toks, tags, first))
    return out


def _word_spans(toks: list[Token], tags: list[str], offset: int) -> list[Span]:
    """The tagged spans of one sentence as document token ranges, punctuation trimmed off the ends."""
    out = []
    for s, e, typ in sorted(spans(tags)):
        while s < e and toks[s].kind not in _WORD_KINDS:
            s += 1
        while e > s and toks[e - 1].kind not in _WORD_KINDS:
            e -= 1
        if s < e:
            out.append(Span(offset + s, offset + e, typ))
    return out


def merge_adjacent(doc: Document, found: list[Span]) -> list[Span]:
    """Join two touching spans of one type when together they are a known name.

    Known: the gazetteer, or the same words found as one span elsewhere in the document
    (وبيونغ | يانغ -> بيونغ يانغ).
    """
    if len(found) < 2:
        return found
    tokens = doc.tokens
    res = resources()

    def keys(s: int, e: int) -> tuple[str, ...]:
        ks = [key(t.text) for t in tokens[s:e]]
        return tuple(ks)

    whole = {keys(s, e) for s, e, _ in found if e - s > 1}
    out = [found[0]]
    for s, e, typ in found[1:]:
        ps, pe, ptyp = out[-1]
        if ptyp == typ and pe == s and tokens[ps].sentence == tokens[s].sentence:
            ks = keys(ps, e)
            firsts = _bare(ks[0])
            if any((f,) + ks[1:] in whole or " ".join((f,) + ks[1:]) in res.gaz for f in firsts):
                out[-1] = (ps, e, typ)
                continue
        out.append(Span(s, e, typ))
    return out


# propagate() asks for every untagged word of every document.
_bare = lru_cache(maxsize=8192)(readings)


def propagate(doc: Document, found: list[Span]) -> list[Span]:
    """Label consistency inside one document: a name found once is found everywhere.

    Untagged occurrences of a multi-word name, of a person's surname (بايدن after جو بايدن),
    or of a rare single-word name get the same type. Sentence-level tagging misses these
    when the context is weak (a title, a quote).
    """
    tokens = doc.tokens
    res = resources()
    stop = _stopwords()
    covered = [False] * len(tokens)
    for s, e, _ in found:
        for i in range(s, e):
            covered[i] = True
    names: dict[tuple[str, ...], Counter] = {}
    for s, e, typ in found:
        ks = tuple(key(t.text) for t in tokens[s:e])
        names.setdefault(ks, Counter())[typ] += 1
        if typ == "PERS" and e - s >= 2:
            names.setdefault((ks[-1],), Counter())["PERS"] += 1
    # Strip clitics off the first word of each name so وبايدن also matches بايدن.
    table: dict[tuple[str, ...], str] = {}
    for ks, c in names.items():
        first = ks[0]
        pre = clitic_prefix(first)
        if pre:
            first = canonical_key(first, pre)
        ks = (first,) + ks[1:]
        if len(ks) == 1:
            w = ks[0]
            if len(w) < 3 or w in stop or res.count.get(w, 0) >= 300 or not w.isalpha():
                continue
        table[ks] = c.most_common(1)[0][0]
    if not table:
        return found
    by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for ks, typ in sorted(table.items(), key=lambda kv: -len(kv[0])):  # longest first
        by_first.setdefault(ks[0], []).append((ks[1:], typ))
    extra = []
    n = len(tokens)
    firsts = by_first.keys()
    i = 0
    while i < n:
        tok = tokens[i]
        if covered[i] or tok.kind != "arabic":
            i += 1
            continue
        k = key(tok.text)
        if k[:1] in CLITIC_FIRST:
            readings_i = _bare(k)
            if firsts.isdisjoint(readings_i):  # (nearly every word: no name starts with any of its readings)
                i += 1
                continue
        elif k in firsts:
            readings_i = (k,)  # (readings(k) without the call: no clitic letter to strip)
        else:
            i += 1
            continue
        hit = None
        for first in readings_i:
            for rest, typ in by_first.get(first, ()):
                e = i + 1 + len(rest)
                if e > n or any(covered[j] or tokens[j].sentence != tok.sentence for j in range(i + 1, e)):
                    continue
                if all(key(tokens[i + 1 + j].text) == r for j, r in enumerate(rest)):
                    hit = (e, typ)
                    break
            if hit:
                break
        if hit:
            extra.append(Span(i, hit[0], hit[1]))
            i = hit[0]
        else:
            i += 1
    return sorted(found + extra)


def canonical_key(k: str, pre: str) -> str:
    if pre.endswith("لل"):
        return "ا" + k[len(pre) - 1:]
    return k[len(pre):]


def vote_types(doc: Document, found: list[Span]) -> list[Span]:
    """One type per name in a document: a name tagged with different types takes the type most
    of its mentions have (a strict majority; ties keep the tagger's types)."""
    tokens = doc.tokens

    def name_key(s: int, e: int) -> tuple[str, ...]:
        ks = [key(t.text) for t in tokens[s:e]]
        pre = clitic_prefix(ks[0])
        if pre:
            ks[0] = canonical_key(ks[0], pre)
        return tuple(ks)

    keys = [name_key(s, e) for s, e, _ in found]
    votes: dict[tuple[str, ...], Counter] = {}
    for k, (_, _, typ) in zip(keys, found):
        votes.setdefault(k, Counter())[typ] += 1
    out = []
    for k, (s, e, typ) in zip(keys, found):
        c = votes[k]
        if len(c) > 1:
            (best, n), *rest = c.most_common()
            if n > c[typ] and (not rest or n > rest[0][1]):
                typ = best
        out.append(Span(s, e, typ))
    return out


def consistent(doc: Document, found: list[Span]) -> list[Span]:
    """The document-level consistency steps find_mentions applies to the tagger's spans.

    (A former step took a rare word after a lone known first name as the surname; on
    cross-validated training tags it made 27 wrong spans for 3 right ones (رايس ستسعى، بوش
    مسلوب) and cost 0.35 F1, so it is gone.)
    """
    found = merge_adjacent(doc, found)
    found = propagate(doc, found)
    return vote_types(doc, found)


def consistent_tags(sentences: list[list[str]], tags: list[list[str]]) -> list[list[str]]:
    """Document consistency on pre-tokenised, tagged sentences: one BIO tag per input token.

    The sentences are read as one document (joined by line breaks) and get the same steps
    `find_mentions` applies to a document (`consistent`: merge_adjacent, propagate,
    vote_types; then cleanup.clean_spans); spans are trimmed of punctuation at their edges as in `_tag_spans`. Used by
    benchmarks/ner_f1.py, where a corpus without document markers is scored sentence by sentence
    with the neighbouring sentences as the document.
    """
    from ..tokenize import token_kind

    doc = Document(Source("sentences", "\n".join(" ".join(words) for words in sentences), "utf-8"))
    tokens: list[Token] = []
    sents: list[Sentence] = []
    found: list[Span] = []
    pos = 0
    for si, (words, tg) in enumerate(zip(sentences, tags)):
        t0 = len(tokens)
        for w in words:
            tokens.append(Token(w, pos, pos + len(w), w, token_kind(w), si))
            pos += len(w) + 1
        sents.append(Sentence(tokens[t0].start if words else pos, pos, t0, len(tokens)))
        found.extend(_word_spans(tokens[t0:], tg, t0))
    doc.tokens, doc.sentences = tokens, sents
    found = clean_spans(doc, consistent(doc, found))
    out = [["O"] * len(words) for words in sentences]
    for s, e, typ in found:
        si = tokens[s].sentence
        base = sents[si].token_start
        row = out[si]
        row[s - base] = "B-" + typ
        for i in range(s + 1, e):
            row[i - base] = "I-" + typ
    return out


def _agree_on_clitics(tokens, named: list[tuple]) -> list[tuple]:
    """Take off fewer clitic letters where that gives a name the document already has.

    Two clitics can be as likely as one on an unknown word (وبيونغ: و+بيونغ or و+ب+يونغ), and
    corpus counts may favour the wrong split; another mention of the same document (لبيونغ يانغ
    -> بيونغ يانغ) settles it.
    """
    canons = Counter(item[4] for item in named)
    out = []
    for s, e, typ, pre, canon in named:
        if len(pre) > 1:
            words = [t.text for t in tokens[s:e]]
            for shorter in range(len(pre) - 1, 0, -1):
                alt = canonical_form(words, pre[:shorter])
                if alt != canon and canons.get(alt, 0) > 0:
                    pre, canon = pre[:shorter], alt
                    break
        out.append((s, e, typ, pre, canon))
    return out


def find_mentions(doc: Document, backend, consistency: bool = True) -> list[Mention]:
    """Tag each sentence and turn the tagged spans into cleaned-up mentions."""
    tokens = doc.tokens
    known = {key(t.text) for t in tokens if t.kind == "arabic"}
    stop = _stopwords()
    res = resources()
    found = _tag_spans(doc, backend)
    if consistency:
        found = consistent(doc, found)
    found = clean_spans(doc, found)
    named = []
    for s, e, typ in found:
        first = tokens[s]
        pro = first.proclitics if first.analysis_source == "lexicon" else None
        pre = clitic_prefix(first.text, known, pro) if first.kind == "arabic" else ""
        named.append((s, e, typ, pre, canonical_form([t.text for t in tokens[s:e]], pre)))
    out: list[Mention] = []
    for s, e, typ, pre, canon in _agree_on_clitics(tokens, named):
        first = tokens[s]
        ck = key(canon)
        if len(ck.replace(" ", "")) < 2 or ck in stop or not any(ch.isalpha() for ch in ck):
            continue
        if e - s == 1 and first.kind == "number":
            continue
        if res.gaz.get(ck) == "ORG":
            typ = "ORG"  # the curated institutions list (make_gazetteer.ORGANISATIONS) wins
        start = first.start + (0 if pre.endswith("لل") else surface_offset(first.text, len(pre)))
        end = tokens[e - 1].end
        out.append(Mention(
            text=doc.text[start:end], label=LABELS.get(typ, "MISC"), start=start, end=end,
            canonical=canon, token_start=s, token_end=e,
        ))
    return out
