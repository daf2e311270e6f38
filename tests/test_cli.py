"""CLI wiring: inputs, formats, offsets in machine output, errors and exit codes."""
import csv
import io
import json

import pytest
from click.testing import CliRunner

from arnews.cli import main

from .helpers import SEED, shared

SEED_TEXT = SEED.read_text(encoding="utf-8")


def run(*args, input=None):
    return CliRunner().invoke(main, list(args), input=input)


def test_help_lists_commands_and_every_command_has_examples():
    res = run("--help")
    assert res.exit_code == 0
    commands = ["analyze", "tokenize", "normalize", "lemmatize", "entities", "keywords", "data"]
    for c in commands:
        assert c in res.output
    for c in commands:
        out = run(c, "--help").output
        assert "Example" in out, c
    assert "Exit codes" in run("analyze", "--help").output


def test_version():
    res = run("--version")
    assert res.exit_code == 0 and "arnews" in res.output


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_tokenize_json_offsets_slice_the_original(fmt):
    res = run("tokenize", "--format", fmt, str(SEED))
    assert res.exit_code == 0, res.stderr
    data = json.loads(res.stdout)
    doc = data["documents"][0] if fmt == "json" else data
    assert doc["schema_version"] == "1.1"
    assert doc["source"] == {"name": str(SEED), "encoding": "utf-8", "bytes": len(SEED_TEXT.encode("utf-8"))}
    assert doc["text"] == SEED_TEXT
    assert len(doc["tokens"]) == 372
    for t in doc["tokens"]:
        assert SEED_TEXT[t["start"]:t["end"]] == t["text"]


@pytest.mark.parametrize("fmt, delim", [("csv", ","), ("tsv", "\t")])
def test_tokenize_csv_and_tsv_round_trip(fmt, delim):
    res = run("tokenize", "--format", fmt, str(SEED))
    assert res.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(res.stdout), delimiter=delim))
    assert list(rows[0]) == ["document", "index", "token", "start", "end", "norm", "kind", "sentence"]
    assert len(rows) == 372
    for r in rows:
        assert SEED_TEXT[int(r["start"]):int(r["end"])] == r["token"]
    assert rows[7]["token"] == "الكورية" and rows[7]["norm"] == "الكوريه"


def test_table_output_has_no_colour_codes_when_not_a_tty():
    res = run("tokenize", str(SEED))
    assert res.exit_code == 0
    assert "\x1b[" not in res.stdout
    assert "بايدن" in res.stdout and "الكوريه" in res.stdout


def test_stdin_with_dash_and_without_paths():
    for args in (["tokenize", "-f", "jsonl", "-"], ["tokenize", "-f", "jsonl"]):
        res = run(*args, input=SEED_TEXT.encode("utf-8"))
        assert res.exit_code == 0, res.stderr
        doc = json.loads(res.stdout)
        assert doc["source"]["name"] == "<stdin>" and doc["text"] == SEED_TEXT


def test_folder_is_walked_recursively_in_sorted_order(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "b.txt").write_text("باء", encoding="utf-8")
    (tmp_path / "sub" / "a.txt").write_text("ألف", encoding="utf-8")
    (tmp_path / "note.md").write_text("ignored", encoding="utf-8")
    res = run("tokenize", "-f", "jsonl", str(tmp_path))
    assert res.exit_code == 0
    names = [json.loads(line)["source"]["name"] for line in res.stdout.splitlines()]
    assert names == [str(tmp_path / "b.txt"), str(tmp_path / "sub" / "a.txt")]
    res = run("tokenize", "-f", "jsonl", "--glob", "*.md", str(tmp_path))
    assert [json.loads(line)["text"] for line in res.stdout.splitlines()] == ["ignored"]


def test_encoding_is_detected_and_reported_per_document():
    folder = shared("corpus", "encodings")
    res = run("tokenize", "-f", "jsonl", str(folder))
    assert res.exit_code == 0
    docs = {json.loads(l)["source"]["name"].rsplit("/", 1)[1]: json.loads(l) for l in res.stdout.splitlines()}
    assert docs["article-cp1256.txt"]["source"]["encoding"] == "cp1256"
    assert docs["article-utf16-bom.txt"]["source"]["encoding"] == "utf-16"
    assert docs["article-utf8-bom.txt"]["source"]["encoding"] == "utf-8-sig"
    original = (folder.parent / "saudinewsnet" / "alriyadh-0014.txt").read_text(encoding="utf-8")
    assert docs["article-cp1256.txt"]["text"] == original


def test_explicit_encoding_option(tmp_path):
    p = tmp_path / "a.txt"
    p.write_bytes("الرئيس الروسي".encode("cp1256"))
    res = run("tokenize", "-f", "jsonl", "--encoding", "cp1256", str(p))
    assert res.exit_code == 0 and json.loads(res.stdout)["text"] == "الرئيس الروسي"
    res = run("tokenize", "--encoding", "bogus", str(p))
    assert res.exit_code == 2 and "unknown encoding" in res.stderr


def test_missing_file_reports_one_line_and_still_processes_the_rest():
    res = run("tokenize", "-f", "jsonl", "nosuchfile", str(SEED))
    assert res.exit_code == 1
    assert res.stderr.strip() == "arnews: error: nosuchfile: no such file or directory"
    failed, seed = (json.loads(line) for line in res.stdout.splitlines())
    # Failed inputs stay visible to programs too: a record with ok=false and the reason.
    assert failed == {"schema_version": "1.1", "source": {"name": "nosuchfile", "encoding": "", "bytes": 0},
                      "ok": False, "error": "no such file or directory"}
    assert seed["source"]["name"] == str(SEED) and seed["ok"]


def test_undecodable_input_exit_1(tmp_path):
    p = tmp_path / "bin.txt"
    p.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    res = run("tokenize", "-f", "jsonl", str(p), str(SEED))
    assert res.exit_code == 1
    assert "binary file (PNG image)" in res.stderr
    assert "Traceback" not in res.stderr


def test_usage_errors_exit_2():
    assert run("tokenize", "--format", "xml", str(SEED)).exit_code == 2
    res = run("tokenize", "--normalize", "bogus", str(SEED))
    assert res.exit_code == 2 and "unknown normalisation step" in res.stderr
    assert run("nosuchcommand").exit_code == 2


def test_output_file_is_written(tmp_path):
    out = tmp_path / "tokens.tsv"
    res = run("tokenize", "-f", "tsv", "-o", str(out), str(SEED))
    assert res.exit_code == 0 and res.stdout == ""
    assert out.read_text(encoding="utf-8").startswith("document\tindex\ttoken")
    assert [p.name for p in tmp_path.iterdir()] == ["tokens.tsv"]  # no temp file left behind


def test_normalize_command_steps():
    res = run("normalize", "--normalize", "diacritics,alef", "-", input="أَعْرَبَ عن قلقه\n".encode("utf-8"))
    assert res.exit_code == 0 and res.stdout == "اعرب عن قلقه\n"
    res = run("normalize", "--skip", "teh_marbuta", "-", input="مقاطعة كورسك".encode("utf-8"))
    assert res.stdout == "مقاطعة كورسك\n"
    res = run("normalize", str(SEED))
    assert "الكوريه الشماليه" in res.stdout and "ـ" not in res.stdout


def test_data_status_lists_every_backend_without_loading_them():
    res = run("data", "status", "--format", "json")
    assert res.exit_code == 0, res.stderr
    rows = {(r["component"], r["name"]): r for r in json.loads(res.stdout)}
    assert {("morphology", "builtin"), ("morphology", "camel"), ("ner", "crf"), ("ner", "bert")} <= set(rows)
    assert rows[("ner", "crf")]["available"] is True and rows[("ner", "crf")]["version"].startswith("anercorp-crf")
    assert rows[("morphology", "builtin")]["available"] is True
    table = run("data", "status")
    assert table.exit_code == 0 and "builtin" in table.stdout and "Traceback" not in table.stdout
