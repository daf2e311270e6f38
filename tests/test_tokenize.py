from camel_tools.tokenizers.word import simple_word_tokenize

from arnews.normalize import Normalizer
from arnews.tokenize import arabic_share, token_kind, tokenize, word_spans

from .helpers import SEED, shared

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
