"""The dask engine on a LocalCluster (loopback, 2 workers) gives the same results as the local run."""
from __future__ import annotations

import json
import shutil

import pytest

pytest.importorskip("distributed")

from arnews.batch import iter_inputs, run_documents  # noqa: E402
from arnews.dask_engine import DaskUnavailable, run_dask  # noqa: E402
from arnews.pipeline import Settings  # noqa: E402
from arnews.render.prepared import DocumentFormatter  # noqa: E402
from arnews.render.records import document_dict  # noqa: E402

from .helpers import shared  # noqa: E402

ARTICLES = ["alyaum-0001.txt", "okaz-0002.txt", "sabq-0003.txt", "alwatan-0004.txt", "aawsat-0005.txt"]


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    src = shared("corpus", "saudinewsnet")
    d = tmp_path_factory.mktemp("dask")
    for name in ARTICLES:
        shutil.copy(src / name, d / name)
    (d / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    return d


def test_dask_local_cluster_equals_local_run(folder):
    settings = Settings()
    local = list(run_documents(iter_inputs([str(folder)]), settings, jobs=1))
    fmt = DocumentFormatter("analyze", "jsonl", top=10)
    # Threads keep the cluster quick to start in CI; the CLI starts worker processes.
    got = list(run_dask(iter_inputs([str(folder)]), settings, workers=2, processes=False, chunk_size=1,
                        transform=fmt))
    assert [p.name for p in got] == [d.name for d in local]
    assert [json.loads(p.text) for p in got] == [document_dict(d, "analyze", 10) for d in local]
    assert [p.ok for p in got].count(False) == 1
    assert sum(p.words for p in got) == sum(d.stats.words for d in local) > 500


def test_dask_completion_order_and_documents(folder):
    settings = Settings().with_stages("tokens")
    local = {d.name: document_dict(d, "tokens") for d in run_documents(iter_inputs([str(folder)]), settings)}
    got = list(run_dask(iter_inputs([str(folder)]), settings, workers=2, processes=False, order="completion",
                        chunk_size=2, window=2))
    assert sorted(d.name for d in got) == sorted(local)
    assert all(document_dict(d, "tokens") == local[d.name] for d in got)


def test_unreachable_scheduler_is_a_clear_error(monkeypatch):
    monkeypatch.setattr("arnews.dask_engine.CONNECT_TIMEOUT", "1s")
    with pytest.raises(DaskUnavailable, match="cannot reach the dask scheduler"):
        list(run_dask([], Settings(), scheduler="tcp://127.0.0.1:9"))


def test_cli_engine_dask_writes_the_same_jsonl(folder, monkeypatch):
    from click.testing import CliRunner

    from arnews.cli import main

    monkeypatch.setattr("arnews.dask_engine.LOCAL_PROCESSES", False)  # quick to start; same code path otherwise
    args = ["analyze", str(folder), "-f", "jsonl"]
    local = CliRunner().invoke(main, args + ["--jobs", "1"])
    dask = CliRunner().invoke(main, args + ["--engine", "dask", "--jobs", "2"])
    assert dask.exit_code == local.exit_code == 1
    assert dask.stdout == local.stdout
    assert "image.txt" in dask.stderr and "INFO" not in dask.stderr
