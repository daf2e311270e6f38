"""Faults around a batch (issue 19): dying workers, a killed parent, --jobs, output that would
destroy an input, damaged caches, leftovers. Real processes, each bounded by a timeout."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from arnews import batch
from arnews.pipeline import Settings

from .helpers import SEED


def _corpus(root: Path, n: int, text: bytes | None = None) -> Path:
    root.mkdir()
    text = text if text is not None else SEED.read_bytes()
    for i in range(n):
        (root / f"doc{i:03d}.txt").write_bytes(text)
    return root


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _wait_for(predicate, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.05)


def _clean(err: bytes) -> str:
    text = err.decode("utf-8")
    assert "Traceback" not in text and "Exception ignored" not in text, text
    return text


linux_only = pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="needs Linux /proc")


# --- 1. a dead worker ------------------------------------------------------------------------------------------

# Pools are started in a fresh Python (not in this test process): forked workers inherit every
# lock of the process that forks them, and other tests leave threads behind here.
_BATCH = """
import json, os, signal, sys
from arnews import batch
from arnews.batch import iter_inputs, run_documents
from arnews.pipeline import Settings

args = json.loads(sys.argv[1])
real = batch.process_item

def poisoned(pipe, item):  # (in a forked worker) the input named poison kills it, as the OOM killer would
    if "poison" in item.name:
        os.kill(os.getpid(), signal.SIGKILL)
    return real(pipe, item)

def die(*a):
    os._exit(3)

if args.get("poison"):
    batch.process_item = poisoned
if args.get("die"):
    batch.Pipeline = die  # every worker dies in its initializer
if args.get("cores"):
    batch.default_jobs = lambda: args["cores"]
import multiprocessing
out, most = [], 0
try:
    for d in run_documents(iter_inputs([args["root"]]), Settings().with_stages("tokens"), jobs=args["jobs"],
                           chunk_size=args.get("chunk_size", 4), window=args.get("window"), order=args["order"]):
        most = max(most, len(multiprocessing.active_children()))
        out.append([os.path.basename(d.name), d.error, d.stats.words])
except batch.WorkersFailed as e:
    out = str(e)
print(json.dumps({"docs": out, "most_workers": most}))
"""


def _batch_in_fresh_process(env: dict, root: Path, timeout: float = 90, **args) -> dict:
    import sys

    args = {"root": str(root), "jobs": 2, "order": "input", **args}
    res = subprocess.run([sys.executable, "-c", _BATCH, json.dumps(args)], capture_output=True, env=env,
                         timeout=timeout)
    assert res.returncode == 0, res.stderr.decode()
    return json.loads(res.stdout)


@linux_only
@pytest.mark.parametrize("order", ["input", "completion"])
def test_an_input_that_kills_its_worker_is_failed_and_the_rest_is_done(subprocess_env, tmp_path, order):
    root = _corpus(tmp_path / "c", 12, "كلمة عربية أخرى.\n".encode())
    (root / "doc005-poison.txt").write_text("نص قاتل.\n", encoding="utf-8")
    got = _batch_in_fresh_process(subprocess_env, root, poison=True, chunk_size=2, window=3, order=order)
    names = [name for name, _, _ in got["docs"]]
    assert sorted(names) == sorted(p.name for p in root.iterdir())  # every input, once
    if order == "input":
        assert names == sorted(names)
    assert [(name, error) for name, error, _ in got["docs"] if error] == [
        ("doc005-poison.txt",
         "the worker process analysing it was killed by SIGKILL (out of memory?), twice; not analysed")]
    assert all(words == 3 for name, error, words in got["docs"] if not error)


@linux_only
def test_a_dead_worker_while_workers_are_also_replaced_for_memory(subprocess_env, tmp_path):
    """Both replacements at once (every chunk over a 1 MB budget, and a worker killed): the lost
    chunks are sent to whichever pool is current, and the run ends (within the timeout)."""
    root = _corpus(tmp_path / "c", 12, "كلمة عربية أخرى.\n".encode())
    (root / "doc005-poison.txt").write_text("نص قاتل.\n", encoding="utf-8")
    got = _batch_in_fresh_process(dict(subprocess_env, ARNEWS_WORKER_MAX_MB="1"), root, poison=True,
                                  chunk_size=2, window=3)
    assert [name for name, _, _ in got["docs"]] == sorted(p.name for p in root.iterdir())
    assert [name for name, error, _ in got["docs"] if error] == ["doc005-poison.txt"]


@linux_only
def test_workers_that_always_die_end_the_run_with_an_error(subprocess_env, tmp_path):
    root = _corpus(tmp_path / "c", 12, "كلمة عربية أخرى.\n".encode())
    got = _batch_in_fresh_process(subprocess_env, root, die=True, chunk_size=2)
    assert got["docs"].startswith("worker processes keep dying before finishing anything (4 times in a row;")


@linux_only
def test_kill_9_of_a_worker_loses_nothing(arnews_argv, subprocess_env, tmp_path):
    root = _corpus(tmp_path / "c", 40)
    out = tmp_path / "out.jsonl"
    proc = subprocess.Popen([*arnews_argv, "analyze", str(root), "-f", "jsonl", "-o", str(out), "--jobs", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=subprocess_env)
    try:
        _wait_for(lambda: len(_children(proc.pid)) >= 2)
        _wait_for(lambda: any(p.stat().st_size > 0 for p in tmp_path.glob(".arnews-*.tmp")))  # under way
        os.kill(_children(proc.pid)[0], signal.SIGKILL)
        _, err = proc.communicate(timeout=120)
    finally:
        proc.kill()
    text = _clean(err)
    assert proc.returncode == 0, text
    assert "a worker process was killed by SIGKILL" in text
    docs = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [d["source"]["name"] for d in docs] == [str(root / f"doc{i:03d}.txt") for i in range(40)]
    assert all(d["ok"] for d in docs)
    assert not (tmp_path / "out.jsonl.partial").exists()


# --- 3. workers die with their parent; SIGHUP ------------------------------------------------------------------

@linux_only
@pytest.mark.parametrize("sig, code", [(signal.SIGKILL, -9), (signal.SIGHUP, 129)])
def test_workers_end_with_their_parent(arnews_argv, subprocess_env, tmp_path, sig, code):
    root = _corpus(tmp_path / "c", 200)
    out = tmp_path / "out.jsonl"
    proc = subprocess.Popen([*arnews_argv, "analyze", str(root), "-f", "jsonl", "-o", str(out), "--jobs", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=subprocess_env)
    try:
        _wait_for(lambda: len(_children(proc.pid)) >= 2)
        workers = _children(proc.pid)
        _wait_for(lambda: any(p.stat().st_size > 0 for p in tmp_path.glob(".arnews-*.tmp")))
        proc.send_signal(sig)
        stdout, err = proc.communicate(timeout=30)  # EOF: no worker holds the pipes any more
        _wait_for(lambda: not any(_alive(w) for w in workers), timeout=10)
    finally:
        proc.kill()
    assert proc.returncode == code and stdout == b""
    if sig == signal.SIGHUP:
        _clean(err)
        assert not list(tmp_path.glob(".arnews-*")) and not out.exists()  # temp file removed
    else:
        for leftover in tmp_path.glob(".arnews-*.tmp"):  # a SIGKILL cannot clean up (see test 10)
            leftover.unlink()


# --- 4. --jobs is capped -------------------------------------------------------------------------------------

def test_jobs_is_capped_at_what_the_inputs_fill(subprocess_env, tmp_path):
    root = _corpus(tmp_path / "c", 5, "كلمة عربية.\n".encode())
    got = _batch_in_fresh_process(subprocess_env, root, jobs=1000)
    assert len(got["docs"]) == 5 and got["most_workers"] == 2  # two chunks of at most 4 inputs


def test_jobs_is_capped_at_two_per_core(subprocess_env, tmp_path):
    root = _corpus(tmp_path / "c", 40, "كلمة عربية.\n".encode())
    got = _batch_in_fresh_process(subprocess_env, root, jobs=1000, chunk_size=1, cores=1)
    assert len(got["docs"]) == 40 and got["most_workers"] == 2


def test_cli_says_when_jobs_is_capped(cli, tmp_path):
    root = _corpus(tmp_path / "c", 3, "كلمة عربية.\n".encode())
    res = cli("tokenize", "-f", "jsonl", str(root))  # no --jobs option: nothing to say
    assert res.exit_code == 0 and res.stderr == ""
    res = cli("analyze", "-f", "jsonl", "--jobs", "1000", str(root))
    assert res.exit_code == 0, res.stderr
    assert f"arnews: note: --jobs 1000 capped at {batch.max_jobs()} (2 worker processes per core)\n" in res.stderr
    assert len(cli.jsonl(res)) == 3
    assert "At most 2 per core" in cli("analyze", "--help").stdout


# --- 5. damaged morphology DB; 9. an unusable cache folder ------------------------------------------------------

def _run(argv, env, *args, timeout=120):
    return subprocess.run([*argv, *map(str, args)], capture_output=True, env=env, timeout=timeout)


@pytest.fixture(scope="module")
def built_cache(tmp_path_factory, arnews_argv, subprocess_env):
    cache = tmp_path_factory.mktemp("cache") / "arnews"
    res = _run(arnews_argv, dict(subprocess_env, ARNEWS_CACHE_DIR=str(cache)), "data", "build")
    assert res.returncode == 0, res.stderr
    return cache


@pytest.fixture
def cache_env(built_cache, tmp_path, subprocess_env):
    import shutil

    cache = tmp_path / "cache"
    shutil.copytree(built_cache, cache)
    [folder] = (cache / "morphology").iterdir()
    return dict(subprocess_env, ARNEWS_CACHE_DIR=str(cache)), folder


def _lemmatized(res) -> list[dict]:
    tokens = [t for d in (json.loads(line) for line in res.stdout.decode().splitlines()) for t in d["tokens"]]
    assert sum(t["analysis_source"] == "lexicon" for t in tokens) > 100  # the DB was really used
    return tokens


def test_a_truncated_db_is_noticed_and_rebuilt(arnews_argv, cache_env):
    env, folder = cache_env
    db = folder / "morphology.db"
    size = db.stat().st_size
    os.truncate(db, size // 2)
    for pkl in folder.glob("*.pickle"):
        pkl.unlink()  # as after a camel-tools upgrade: the pickle is made again from the DB text
    status = _run(arnews_argv, env, "data", "status", "-f", "json")
    [row] = [r for r in json.loads(status.stdout) if r["name"] == "builtin"]
    assert row["built"] is False and "damaged" in row["detail"]
    res = _run(arnews_argv, env, "lemmatize", "-f", "jsonl", SEED)
    err = _clean(res.stderr)
    assert res.returncode == 0, err
    assert err == (f"arnews: WARNING: the built-in morphology DB at {db} is damaged or out of date (truncated?); "
                   "rebuilding it\n")
    _lemmatized(res)
    assert db.stat().st_size == size


def test_data_build_repairs_a_truncated_db_without_force(arnews_argv, cache_env):
    env, folder = cache_env
    db = folder / "morphology.db"
    size = db.stat().st_size
    os.truncate(db, size // 2)
    res = _run(arnews_argv, env, "data", "build")
    _clean(res.stderr)
    assert res.returncode == 0 and db.stat().st_size == size
    status = _run(arnews_argv, env, "data", "status", "-f", "json")
    [row] = [r for r in json.loads(status.stdout) if r["name"] == "builtin"]
    assert row["built"] is True


def test_a_damaged_pickle_is_rebuilt_without_a_traceback(arnews_argv, cache_env):
    env, folder = cache_env
    [pkl] = folder.glob("*.pickle")
    pkl.write_bytes(b"\x80\x05garbage" + bytes(pkl.stat().st_size - 9))  # same size: only loading tells
    res = _run(arnews_argv, env, "lemmatize", "-f", "jsonl", SEED)
    err = _clean(res.stderr)
    assert res.returncode == 0, err
    assert err.startswith(f"arnews: WARNING: could not load {pkl} (") and err.count("\n") == 1, err
    _lemmatized(res)


def test_a_db_built_before_the_record_is_checked_once_and_kept(arnews_argv, cache_env):
    env, folder = cache_env
    (folder / "build.json").unlink()
    [pkl] = folder.glob("*.pickle")
    before = pkl.stat().st_mtime_ns
    res = _run(arnews_argv, env, "lemmatize", "-f", "jsonl", SEED)
    assert res.returncode == 0 and _clean(res.stderr) == ""
    _lemmatized(res)
    assert pkl.stat().st_mtime_ns == before and (folder / "build.json").exists()


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_an_unwritable_cache_folder_is_one_environment_error(arnews_argv, subprocess_env, tmp_path, jobs):
    root = _corpus(tmp_path / "c", 12)
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache folder should be\n")
    res = _run(arnews_argv, dict(subprocess_env, ARNEWS_CACHE_DIR=str(blocker)), "analyze", "-f", "jsonl",
               "--jobs", jobs, root)
    err = _clean(res.stderr)
    assert res.returncode == 2, err
    assert err.startswith("arnews: error: cannot write arnews' cache folder (") and err.count("\n") == 1, err
    assert err.endswith(f"Not a directory); make {blocker} a writable folder, or point ARNEWS_CACHE_DIR at one "
                        "(e.g. ARNEWS_CACHE_DIR=/tmp/arnews-cache)\n")
    res = _run(arnews_argv, dict(subprocess_env, ARNEWS_CACHE_DIR=str(blocker)), "data", "build")
    assert res.returncode == 2 and _clean(res.stderr).startswith("arnews: error: cannot write arnews' cache folder")


# --- 9. messages ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("command", ["analyze", "tokenize", "normalize"])
def test_a_folder_without_input_files_is_an_error(cli, tmp_path, command):
    empty = tmp_path / "empty"
    empty.mkdir()
    res = cli(command, empty)
    assert res.exit_code == 1
    assert res.stderr == (f"arnews: error: {empty}: no input files found under this folder (glob *.txt); "
                          "check the path and --glob\n")
    full = _corpus(tmp_path / "c", 2, "كلمة عربية.\n".encode())
    res = cli(command, "--glob", "*.md", full)
    assert res.exit_code == 1
    assert res.stderr == (f"arnews: error: {full}: no input files found under this folder (glob *.md); "
                          "check the path and --glob\n")
    res = cli(command, full)  # the same folder with files that match: fine
    assert res.exit_code == 0 and res.stderr == ""


def _read_only_folder(tmp_path: Path) -> Path:
    """A real folder this process cannot create files in (root ignores permission bits: sysfs then)."""
    if os.geteuid() != 0:
        d = tmp_path / "ro"
        d.mkdir()
        d.chmod(0o555)
        return d
    d = Path("/sys/kernel")
    try:
        (d / "arnews-probe").open("w").close()
    except OSError:
        return d
    pytest.skip("no folder is read-only for root here (no sysfs)")


def test_output_into_a_read_only_folder_names_the_output_and_exits_2(cli, tmp_path):
    folder = _read_only_folder(tmp_path)
    out = folder / "out.jsonl"
    doc = tmp_path / "a.txt"
    doc.write_text("كلمة عربية.\n", encoding="utf-8")
    try:
        for command in ("analyze", "tokenize", "normalize"):
            res = cli(command, "-o", out, doc)
            assert res.exit_code == 2 and res.stdout == ""
            assert res.stderr == (f"arnews: error: cannot write {out}: permission denied (in {folder}); choose "
                                  "another -o FILE or make the folder writable\n")
    finally:
        if folder.is_relative_to(tmp_path):
            folder.chmod(0o755)


# --- 10. leftovers ---------------------------------------------------------------------------------------------

def test_a_complete_run_removes_the_partial_output_of_an_interrupted_one(cli, tmp_path):
    doc = tmp_path / "a.txt"
    doc.write_text("كلمة عربية.\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    partial = tmp_path / "out.jsonl.partial"
    partial.write_text('{"interrupted": "run"}\n', encoding="utf-8")
    res = cli("tokenize", "-f", "jsonl", "-o", out, doc)
    assert res.exit_code == 0 and out.exists() and not partial.exists()


def test_temporary_files_older_than_a_day_beside_the_output_are_removed(cli, tmp_path):
    doc = tmp_path / "a.txt"
    doc.write_text("كلمة عربية.\n", encoding="utf-8")
    old, fresh, other = (tmp_path / ".arnews-killed.tmp", tmp_path / ".arnews-running.tmp",
                         tmp_path / ".other-old.tmp")
    for p in (old, fresh, other):
        p.write_text("half a result", encoding="utf-8")
    day_ago = time.time() - 25 * 3600
    for p in (old, other):
        os.utime(p, (day_ago, day_ago))
    res = cli("tokenize", "-f", "jsonl", "-o", tmp_path / "out.jsonl", doc)
    assert res.exit_code == 0
    assert not old.exists() and other.exists()
    assert fresh.exists()  # may be another run's output in progress
    fresh.unlink()


# --- 7. memory per token ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("view, fmt", [("analyze", "jsonl"), ("tokens", "json"), ("lemmas", "jsonl"),
                                       ("tokens", "csv"), ("lemmas", "tsv")])
def test_long_documents_are_formatted_in_pieces_that_join_to_the_same_output(monkeypatch, view, fmt):
    from arnews.pipeline import Pipeline
    from arnews.render import prepared, records

    text = SEED.read_text(encoding="utf-8")
    doc = Pipeline(Settings()).run_text(text * 3, name="long")
    whole = prepared.DocumentFormatter(view, fmt)(doc)  # one piece: as many tokens as TOKENS_PER_PART
    monkeypatch.setattr(records, "TOKENS_PER_PART", 100)
    monkeypatch.setattr(prepared, "TOKENS_PER_PART", 100)
    pieces = prepared.DocumentFormatter(view, fmt)(doc)
    assert whole.text and whole.parts is None
    assert pieces.text is None and len(pieces.parts) > len(doc.tokens) // 100
    assert "".join(pieces.parts) == whole.text
    if fmt.startswith("json"):
        assert json.loads(whole.text) == records.document_dict(doc, view, 10)


def test_an_overlong_sentence_is_tagged_in_windows(monkeypatch):
    """Text with no stops (one "sentence" of a million words) is tagged in windows of bounded length."""
    from arnews.entities import mentions
    from arnews.pipeline import Pipeline

    pipe = Pipeline(Settings().with_stages("entities"))
    line = SEED.read_text(encoding="utf-8").replace(".", " ").replace("\n", " ")
    doc = pipe.run_text(line)
    assert len(doc.sentences) == 1 and len(doc.tokens) > 300
    seen = []
    real = pipe.ner.tag_sentences
    monkeypatch.setattr(pipe.ner, "tag_sentences", lambda sents: seen.extend(len(w) for w, _ in sents) or real(sents))
    monkeypatch.setattr(mentions, "MAX_TAGGED_TOKENS", 100)
    windowed = pipe.run_text(line)
    assert max(seen) == 100 and sum(seen) == len(doc.tokens)
    whole = {g.canonical for g in doc.entity_groups}
    assert whole and len(whole & {g.canonical for g in windowed.entity_groups}) >= 0.8 * len(whole)


_PEAK = """
import atexit, resource, sys
atexit.register(lambda: sys.stderr.write(f"peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB\\n"))
sys.argv = ["arnews", *sys.argv[1:]]
from arnews.cli import run
run()
"""


@linux_only
def test_memory_follows_bytes_not_one_long_sentence(arnews_argv, subprocess_env, tmp_path):
    """100,000 one-letter words and no stop: ~0.07 GB above a ten-word input at peak (0.38 GB
    when tagged as one sentence; 5.8 GB for the 5 MB the default --max-bytes lets in)."""
    import sys

    def peak(path: Path) -> tuple[int, bytes]:
        res = subprocess.run([sys.executable, "-c", _PEAK, "analyze", "-f", "jsonl", str(path)],
                             capture_output=True, env=subprocess_env, timeout=600)  # (a bound, not a speed check: the default encoder+crf takes ~1 min CPU here)
        assert res.returncode == 0, res.stderr
        [line] = [x for x in _clean(res.stderr).splitlines() if x.startswith("peak ")]
        return int(line.split()[1]), res.stdout

    assert _run(arnews_argv, subprocess_env, "data", "build").returncode == 0  # not measured below
    small, big = tmp_path / "small.txt", tmp_path / "big.txt"
    small.write_text(("و " * 10)[:-1], encoding="utf-8")
    big.write_text(("و " * 100_000)[:-1], encoding="utf-8")
    base, _ = peak(small)
    top, out = peak(big)
    assert top - base < 200, (base, top)
    assert len(json.loads(out)["tokens"]) == 100_000
