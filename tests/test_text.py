"""arnews.text: the Arabic primitives every stage shares."""
from __future__ import annotations

import ast
from pathlib import Path

from arnews import text
from arnews.normalize import Normalizer

PACKAGE = Path(__file__).resolve().parent.parent / "arnews"


def test_strip_diacritics_keeps_letters_and_removes_marks_and_tatweel():
    assert text.strip_diacritics("مُحَمَّدٌ") == "محمد"
    assert text.strip_diacritics("الـــقـدس") == "القدس"
    assert text.strip_diacritics("ٱلرَّحْمَٰن") == "ٱلرحمن"  # alef wasla is a letter; dagger alef a mark
    assert text.strip_diacritics("ۖقال") == "قال"  # a Quranic annotation sign
    assert text.strip_diacritics("ۥ") == "ۥ"  # small waw (U+06E5) is a letter


def test_match_key_merges_spelling_variants_only():
    assert text.match_key("أُسامة") == text.match_key("اسامه") == "اسامه"
    assert text.match_key("إلى") == text.match_key("الي")
    assert text.match_key("آل") == "ال"
    assert text.match_key("قرار") == "قرار"
    assert text.match_key("مؤتمر") != text.match_key("مءتمر")  # hamza seats stay (that step is off by default)


def test_match_key_equals_the_normalisation_steps_it_stands_for():
    steps = Normalizer(("tatweel", "diacritics", "alef", "alef_maqsura", "teh_marbuta"))
    for word in ("أُولغا", "زاخاروفـة", "مُصْطَفَى", "ٱلْقُدْس", "إسرائيل", "ۖقال"):
        assert text.match_key(word) == steps(word), word


def test_key_is_match_key_and_returns_the_same_object_for_unchanged_words():
    word = "".join(["زخرف", "ظغضث"])  # a fresh str object, and a word no other test has keyed
    assert text.key(word) is word
    assert text.key("روسيَا") == "روسيا"


def test_clitic_candidates_split_leading_conjunctions_and_prepositions():
    assert text.clitic_candidates("وبموسكو") == (("و", "بموسكو"), ("وب", "موسكو"))
    assert text.clitic_candidates("للبنتاغون") == (("لل", "البنتاغون"), ("ل", "لبنتاغون"))
    assert text.clitic_candidates("موسكو") == ()
    assert text.readings("فروسيا") == ("فروسيا", "روسيا")


def test_vowelled_key_treats_writing_conventions_as_equal_and_vowels_as_different():
    assert text.vowelled_key("شُرْطَة") == text.vowelled_key("شُرطَةٌ")
    assert text.vowelled_key("شُرْطَة") != text.vowelled_key("شَرْطَة")
    assert text.is_vowelled("كَتَبَ") and not text.is_vowelled("كتب")


def test_no_other_module_defines_the_diacritic_range():
    """The diacritic set is defined once (here): no other module spells out U+064B as a range
    start or a character set of marks."""
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path.name == "text.py" and path.parent == PACKAGE:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and "\u064b-" in node.value:
                offenders.append(str(path.relative_to(PACKAGE)))
            if isinstance(node, ast.Constant) and node.value == 0x064B:
                offenders.append(str(path.relative_to(PACKAGE)))
    assert not offenders, offenders
