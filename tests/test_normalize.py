import pytest

from arnews.normalize import DEFAULT_STEPS, STEPS, Normalizer, UnknownStepError, normalize_text, parse_steps
from arnews.text import match_key


@pytest.mark.parametrize(
    "step, raw, expected",
    [
        ("unicode", "\ufefb\ufe8d", "لاا"),  # lam-alef ligature and isolated alef presentation forms
        ("letters", "کی", "كي"),
        ("tatweel", "كـــتاب", "كتاب"),
        ("diacritics", "كَتَبَ الْكِتَابُ", "كتب الكتاب"),
        ("alef", "أإآٱ", "اااا"),
        ("hamza", "مسؤول قائد", "مسءول قاءد"),
        ("alef_maqsura", "على", "علي"),
        ("teh_marbuta", "مدينة", "مدينه"),
        ("digits", "٢٠٢٤ ۱۲", "2024 12"),
        ("punctuation", "،؛؟«»“”", ',;?""""'),
    ],
)
def test_each_step_alone(step, raw, expected):
    assert normalize_text(raw, (step,)) == expected


def test_steps_are_independent_switches():
    text = "الرِّئاسةُ"
    assert normalize_text(text, ("diacritics",)) == "الرئاسة"
    assert normalize_text(text, ("teh_marbuta",)) == "الرِّئاسهُ"
    assert normalize_text(text, ()) == text


def test_default_excludes_hamza_and_includes_the_rest():
    assert "hamza" not in DEFAULT_STEPS
    assert set(DEFAULT_STEPS) == set(STEPS) - {"hamza"}
    assert normalize_text("أعربَ الرئيسُ عن قلقِه في مقاطعةِ كورسك") == "اعرب الرئيس عن قلقه في مقاطعه كورسك"


def test_parse_steps_spec_and_skip():
    assert parse_steps("default") == DEFAULT_STEPS
    assert parse_steps("none") == ()
    assert parse_steps("all") == tuple(STEPS)
    assert parse_steps("teh_marbuta,diacritics") == ("diacritics", "teh_marbuta")  # canonical order
    assert "teh_marbuta" not in parse_steps("default", ["teh_marbuta"])
    with pytest.raises(UnknownStepError, match="unknown normalisation step 'nope'"):
        parse_steps("nope")


def test_normalizer_is_idempotent_and_cached():
    n = Normalizer()
    once = n("إِنَّ الـقُوّاتَ ١٢")
    assert n(once) == once
    assert n("إِنَّ الـقُوّاتَ ١٢") is once


def test_match_key_merges_variants():
    assert match_key("أولغا") == match_key("اولغا")
    assert match_key("موسكوُ") == "موسكو"
    assert match_key("زاخاروفة") == match_key("زاخاروفه")


def test_normaliser_is_freed_without_the_cyclic_collector():
    """Batch workers keep the collector from rescanning old objects (gc.freeze after every chunk),
    so per-call objects must not form reference cycles: a Normaliser and its cache go with refcounting."""
    import gc
    import weakref

    from arnews.normalize import Normalizer, normalize_text

    was = gc.isenabled()
    gc.disable()
    try:
        n = Normalizer()
        assert n("أحمد") == n.lookup("أحمد") == n.uncached("أحمد") == "احمد"
        ref = weakref.ref(n)
        del n
        assert ref() is None
        assert normalize_text("ـأحمد\n") == "احمد\n"
    finally:
        if was:
            gc.enable()
