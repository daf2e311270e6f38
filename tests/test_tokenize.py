from camel_tools.tokenizers.word import simple_word_tokenize

from arnews.normalize import Normalizer
from arnews.tokenize import arabic_share, token_kind, tokenize, word_spans

from .helpers import SEED, SHARED_DATA, shared

SAMPLES = [
    "أعرب الرئيس الأمريكي جو بايدن عن قلقه، وذلك وفقاً لتصريحات (البيت الأبيض).",
    "قال: “إذا دخلوا الأراضي الأوكرانية، نعم”… 10 آلاف جندي؟!",
    "emoji 👍🏽 flags 🇸🇦 keycap 1️⃣ mixed عربيEnglish123 x#y a-b ١٢٣٫٥",
    "  leading and\ttabs\n\nnew  lines  ",
    "",
]


def test_same_tokens_as_camel_simple_word_tokenize():
    for text in SAMPLES + [SEED.read_text(encoding="utf-8")]:
        assert [t for t, _, _ in word_spans(text)] == simple_word_tokenize(text)


def test_same_tokens_as_camel_on_the_shared_corpus():
    folder = shared("corpus", "saudinewsnet")
    for path in sorted(folder.glob("*.txt"))[:150]:
        text = path.read_text(encoding="utf-8")
        assert [t for t, _, _ in word_spans(text)] == simple_word_tokenize(text), path.name


def test_offsets_slice_the_original_text():
    text = SEED.read_text(encoding="utf-8")
    tokens, _ = tokenize(text)
    assert len(tokens) == 372
    for t in tokens:
        assert text[t.start:t.end] == t.text


def test_offsets_survive_length_changing_normalisation():
    # Presentation forms and diacritics change a token's length when normalised; offsets must not move.
    text = "ﻻ بُدَّ مِنَ الـــقُوّاتِ ﷲ"
    tokens, _ = tokenize(text, Normalizer())
    for t in tokens:
        assert text[t.start:t.end] == t.text
    norms = [t.norm for t in tokens]
    assert "القوات" in norms and "لا" in norms


def test_kinds():
    assert token_kind("بايدن") == "arabic"
    assert token_kind("NATO") == "latin"
    assert token_kind("2024") == "number"
    assert token_kind("١٢") == "number"
    assert token_kind("،") == "punct"
    assert token_kind("$") == "symbol"


def test_sentences_split_at_stops_and_line_breaks():
    text = "عنوان بلا نقطة\nالجملة الأولى. الجملة الثانية؟ والثالثة!\n\nفقرة جديدة"
    tokens, sentences = tokenize(text)
    spans = [text[s.start:s.end] for s in sentences]
    assert spans == ["عنوان بلا نقطة", "الجملة الأولى.", "الجملة الثانية؟", "والثالثة!", "فقرة جديدة"]
    for i, s in enumerate(sentences):
        assert all(tokens[k].sentence == i for k in range(s.token_start, s.token_end))


def test_seed_sentence_count_and_arabic_share():
    text = SEED.read_text(encoding="utf-8")
    _, sentences = tokenize(text)
    assert len(sentences) == 12  # title, ten paragraphs, source line
    assert arabic_share(text) > 0.99
    assert arabic_share("abc عرب") == 0.5
    assert arabic_share("123") == 0.0


def test_token_cache_is_per_normalisation():
    """Chunks are cached with their normalised forms per set of steps, so two normalisers never mix."""
    text = "أعلنت الوزارة أعلنت"
    default, _ = tokenize(text, Normalizer())
    none, _ = tokenize(text, Normalizer(()))
    again, _ = tokenize(text, Normalizer())
    assert [t.norm for t in default] == ["اعلنت", "الوزاره", "اعلنت"]
    assert [t.norm for t in none] == text.split()
    assert [(t.text, t.start, t.end, t.norm, t.kind) for t in again] == \
        [(t.text, t.start, t.end, t.norm, t.kind) for t in default]


_LOOP_TEXTS = [
    "", " ", "\n\n", "a", "قال.\nثم", "end.", "\n.x", "\t\v\f", "؟؟ أ\n\n\nب ، ج",
    # Unicode spaces (NBSP, line separator, ideographic space, NEL, file separator) split chunks;
    # ZWSP and BOM are not whitespace.
    "x\u00a0y\u2028z\u3000w\u200bq\ufeffr\x1cs\x85t",
    "👍🏽 مرحبا!! 🇸🇦\r\nب (واس) - الرياض:",
    "سطر أول\rسطر ثان\r\rثالث", "ـــ ً ـًـ",
]


def _expected_sentences(text: str, tokens) -> list[tuple[int, int]]:
    """(first, end) token ranges by tokenize's rule: a sentence ends after a token made only of
    . ! ? ؟ … ۔ and before a token preceded by a line break (LF or CR)."""
    out, first = [], 0
    for k, t in enumerate(tokens):
        if k > first and ("\n" in text[tokens[k - 1].end:t.start] or "\r" in text[tokens[k - 1].end:t.start]):
            out.append((first, k))
            first = k
        if not t.text.strip(".!?؟…۔"):
            out.append((first, k + 1))
            first = k + 1
    if first < len(tokens):
        out.append((first, len(tokens)))
    return out


def test_str_split_and_the_chunk_regex_agree_on_whitespace():
    """tokenize splits chunks with str.split(), word_spans with _WORD_RE (\\S+): the same
    characters must be whitespace to both."""
    import sys

    from arnews import tokenize as tk

    chars = [chr(c) for c in range(sys.maxunicode + 1)]
    assert [ch for ch in chars if ch.isspace()] == [ch for ch in chars if tk._WORD_RE.fullmatch(ch) is None]


def test_token_loop_offsets_and_sentences():
    """tokenize's chunk loop (compiled where setup.py built the module): every token at its
    offsets with its normalised form and kind, the same tokens as word_spans, and sentences
    that split where the rule says and cover the tokens without gaps."""
    texts = list(_LOOP_TEXTS) + [SEED.read_text(encoding="utf-8")]
    corpus = SHARED_DATA / "corpus" / "saudinewsnet"
    if corpus.is_dir():  # (without it: the samples and the seed)
        texts += [p.read_text(encoding="utf-8") for p in sorted(corpus.rglob("*.txt"))[:150]]
    norm = Normalizer()
    for text in texts:
        for _ in range(2):  # the second time from the chunk cache
            tokens, sentences = tokenize(text, norm)
            spans = word_spans(text)
            assert [(t.text, t.start, t.end) for t in tokens] == spans, text[:40]
            assert all(text[sp.start:sp.end] == sp.text for sp in spans)
            assert all(text[t.start:t.end] == t.text and t.norm == norm(t.text) and t.kind == token_kind(t.text)
                       for t in tokens), text[:40]
            assert [(s.token_start, s.token_end) for s in sentences] == _expected_sentences(text, tokens), text[:40]
            for i, s in enumerate(sentences):
                assert (s.start, s.end) == (tokens[s.token_start].start, tokens[s.token_end - 1].end)
                assert all(tokens[k].sentence == i for k in range(s.token_start, s.token_end))
    # A plain callable as the normaliser (cached for the one text only).
    tokens, _ = tokenize("قال.\nثم", str.upper)
    assert [t.norm for t in tokens] == ["قال", ".", "ثم"]


def test_arabic_word_fast_path_agrees_with_the_general_checks():
    import unicodedata

    from arnews import tokenize as tk

    chars = [chr(c) for c in range(0x0600, 0x0700) if tk._ARABIC_WORD_RE.fullmatch(chr(c))]
    assert len(chars) == 59
    for ch in chars:
        assert unicodedata.category(ch)[0] in "LM"
        assert tk._PLAIN_RE.fullmatch(ch), hex(ord(ch))  # no punctuation, symbol or emoji
        # Both give the same kind: a letter is an Arabic word, tatweel or harakat alone are not.
        letter = unicodedata.category(ch)[0] == "L" and ch != "\u0640"
        assert tk._kind_by_category(ch) == token_kind(ch) == ("arabic" if letter else "other"), hex(ord(ch))
        assert tk._kind_by_category("ب" + ch) == token_kind("ب" + ch) == "arabic"
    assert token_kind("بالقوات") == "arabic" and token_kind("بـــالقوات") == "arabic"
    assert token_kind("ـــ") == token_kind("ًّ") == "other"
    assert token_kind("٣") == "number" and token_kind("،") == "punct"
