"""Property tests (hypothesis, 1,000 examples each; marked slow, CI runs them).

They use the library directly and one Pipeline per module, so each stays fast.
"""
from __future__ import annotations

import csv
import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arnews.normalize import DEFAULT_STEPS, STEPS, Normalizer
from arnews.render.records import COLUMNS, VIEWS, RowWriter, document_dict, document_rows, dumps
from arnews.sources import Decoded, InputError, decode
from arnews.tokenize import tokenize

pytestmark = pytest.mark.slow

EXAMPLES = settings(max_examples=1000, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

# Arabic letters, hamza forms, diacritics, tatweel, digits, punctuation, presentation forms, Persian
# letters, Latin, emoji (with modifiers and ZWJ), combining marks, controls, bidi marks and whitespace.
ARABICISH = st.sampled_from(
    [chr(c) for c in range(0x0621, 0x064B)] * 3
    + [chr(c) for c in range(0x064B, 0x0660)] + ["\u0640", "\u0670", "\u0671"]
    + [chr(c) for c in range(0x0660, 0x066E)] + list("،؛؟«»…—–“”")
    + ["\ufef7", "\ufefb", "\ufdf2", "\ufe8d", "\u06a9", "\u06cc", "\u06be"]
    + list("abcXYZé0123.,!?-'\"()[]/") + ["e\u0301", "\u0301", "\u0640\u0301"]
    + ["👍", "🏽", "\u200d", "🇺", "🇸", "❤", "\ufe0f", "\u20e3"]
    + ["\x00", "\x1b", "\u202e", "\u2067", "\u200f", "\ufeff", "\ufffd"]
    + [" ", " ", " ", "\n", "\t", "\r\n", "\u00a0", "\u2028"]
)
# Small pieces that compose under NFKC once something between them is removed (ا + ـ + ٔ -> أ).
COMPOSING = st.sampled_from(["ا", "و", "ي", "e", "\u0640", "\u0654", "\u0655", "\u0653", "\u0301", "\u064b", " "])
TEXT = st.one_of(st.lists(ARABICISH, max_size=80).map("".join), st.text(max_size=80),
                 st.lists(COMPOSING, max_size=12).map("".join))
STEP_SETS = st.sampled_from([DEFAULT_STEPS, tuple(STEPS), (), *((s,) for s in STEPS),
                             ("tatweel", "unicode"), ("diacritics", "unicode"), ("alef", "unicode", "letters")])


@pytest.fixture(scope="module")
def pipe():
    """One full pipeline (all stages) for the module; backends load once."""
    from arnews.pipeline import Pipeline, Settings

    p = Pipeline(Settings())
    doc = p.run_text("أعرب الرئيس الأمريكي جو بايدن عن قلقه من نشر قوات في مقاطعة كورسك.")
    if doc.error:
        pytest.skip(f"analysis stages not available: {doc.error}")
    return p


@EXAMPLES
@given(text=TEXT, steps=STEP_SETS)
def test_normalisation_is_idempotent(text, steps):
    n = Normalizer(steps)
    once = n(text)
    assert Normalizer(steps)(once) == once


@EXAMPLES
@given(text=TEXT)
def test_token_offsets_slice_the_original(text):
    tokens, sentences = tokenize(text, Normalizer())
    last = 0
    for t in tokens:
        assert text[t.start:t.end] == t.text and t.text.strip() == t.text and t.text
        assert t.start >= last
        last = t.end
    for s in sentences:
        assert 0 <= s.start <= s.end <= len(text)


def _check_offsets(doc):
    text = doc.text
    starts = {t.start for t in doc.tokens}
    ends = {t.end for t in doc.tokens}
    spans = {(t.start, t.end) for t in doc.tokens}
    for t in doc.tokens:
        assert text[t.start:t.end] == t.text
    for m in doc.entities:
        assert text[m.start:m.end] == m.text
    for g in doc.entity_groups:
        for m in g.mentions:
            assert text[m.start:m.end] == m.text
    for k in doc.keywords:
        assert k.offsets
        for s, e in k.offsets:
            # A keyword occurrence spans whole tokens; its surface is what is written there
            # (without leading clitics and diacritics).
            assert s in starts and e in ends and s < e
            if k.kind == "word":
                # One word as written. (k.surface is a display form: clitics dropped and an
                # assimilated article restored, e.g. للآر -> الآر, so it need not be a substring.)
                assert (s, e) in spans, (text[s:e], k.surfaces)


@EXAMPLES
@given(text=TEXT)
def test_analysis_never_raises_and_every_offset_slices_the_original(pipe, text):
    doc = pipe.run_text(text)
    assert doc.error is None, doc.error
    _check_offsets(doc)


@EXAMPLES
@given(text=TEXT, view=st.sampled_from(VIEWS))
def test_json_output_always_parses(pipe, text, view):
    doc = pipe.run_text(text, name=text[:10] or "doc")
    data = document_dict(doc, view, top=5)
    back = json.loads(dumps(data))
    assert back["source"]["name"] == doc.source.name and back["ok"] is True
    if "text" in back:
        assert back["text"] == text
    for t in back.get("tokens", []):
        assert text[t["start"]:t["end"]] == t["text"]
    json.loads(dumps(data, indent=2))


@EXAMPLES
@given(text=TEXT, view=st.sampled_from(VIEWS), fmt=st.sampled_from(["csv", "tsv"]))
def test_csv_output_round_trips(pipe, text, view, fmt):
    doc = pipe.run_text(text, name="name, with \"quotes\"\tand\ra break")
    buf = io.StringIO(newline="")
    RowWriter(buf, view, fmt).write(document_rows(doc, view, top=5))
    expected = [{c: "" if row.get(c) is None else str(row.get(c)) for c in COLUMNS[view]}
                for row in document_rows(doc, view, top=5)]
    read = list(csv.DictReader(io.StringIO(buf.getvalue(), newline=""), delimiter="\t" if fmt == "tsv" else ","))
    assert read == expected


@EXAMPLES
@given(data=st.one_of(st.binary(max_size=300), TEXT.map(lambda s: s.encode("utf-8", "surrogatepass")),
                      st.tuples(TEXT, st.sampled_from(["utf-16", "utf-16-le", "cp1256", "utf-8-sig"])).map(
                          lambda p: p[0].encode(p[1], "ignore"))))
def test_decoding_arbitrary_bytes_gives_text_or_a_clear_error(data):
    try:
        d = decode(data)
    except InputError as e:
        assert str(e) and "\n" not in str(e)
        return
    assert isinstance(d, Decoded) and isinstance(d.text, str) and d.encoding
    assert "\x00" not in d.text  # NULs are read as spaces
    d.text.encode("utf-8")  # always writable as UTF-8 (no lone surrogates)


@EXAMPLES
@given(data=st.binary(max_size=200))
def test_cli_never_shows_a_traceback_on_arbitrary_input(cli, data):
    res = cli("tokenize", "-f", "jsonl", "-", input=data)
    assert res.exit_code in (0, 1)
    [doc] = cli.jsonl(res)
    assert doc["ok"] is (res.exit_code == 0)
