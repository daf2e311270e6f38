"""Hostile and broken input: one test per case, each with its exact outcome.

The outcome of each case (README table): what is printed on stderr, the exit
code, and which documents were processed. `tokenize --format jsonl` is used as
the light command that goes through the whole input path; a few cases also run
`analyze` once its stages are installed.
"""
from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import time

import pytest

from arnews.sources import DEFAULT_MAX_BYTES, SourceError, iter_sources, read_source

AR = "أعرب الرئيس الأمريكي جو بايدن عن قلقه من نشر قوات كورية شمالية في مقاطعة كورسك.\n"


def write(path, data: bytes | str):
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def tokenize(cli, *args, input=None):
    return cli("tokenize", "-f", "jsonl", *map(str, args), input=input)


def names(cli, res):
    return [d["source"]["name"] for d in cli.jsonl(res) if d["ok"]]


def failed(cli, res):
    return [d["source"]["name"] for d in cli.jsonl(res) if not d["ok"]]


# --- empty and near-empty input: processed, zero words, a warning, exit 0 ---------------------------

def test_empty_file_is_processed_with_a_warning(cli, tmp_path):
    p = write(tmp_path / "empty.txt", b"")
    res = tokenize(cli, p)
    assert res.exit_code == 0
    assert res.stderr == f"arnews: warning: {p}: empty input: no text to analyse\n"
    [doc] = cli.jsonl(res)
    assert doc["ok"] and doc["stats"]["words"] == 0 and doc["tokens"] == []
    assert doc["warnings"] == ["empty input: no text to analyse"]


def test_whitespace_only_file_is_processed_with_a_warning(cli, tmp_path):
    p = write(tmp_path / "blank.txt", " \n\t\r\n  \u00a0\n")
    res = tokenize(cli, p)
    assert res.exit_code == 0
    assert res.stderr == f"arnews: warning: {p}: no text: the input is only whitespace\n"
    [doc] = cli.jsonl(res)
    assert doc["ok"] and doc["stats"]["words"] == 0 and doc["text"] == " \n\t\r\n  \u00a0\n"


def test_quiet_hides_warnings_but_not_errors(cli, tmp_path):
    empty = write(tmp_path / "empty.txt", b"")
    res = tokenize(cli, "-q", empty, tmp_path / "missing.txt")
    assert res.exit_code == 1
    assert res.stderr == f"arnews: error: {tmp_path / 'missing.txt'}: no such file or directory\n"


# --- binary files: refused, named on stderr, the other inputs still processed, exit 1 -----------------

@pytest.mark.parametrize("magic, kind", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG image"),
    (b"\x7fELF\x02\x01\x01\x00" + bytes(8), "ELF executable"),
])
def test_binary_file_is_refused_and_the_rest_processed(cli, tmp_path, magic, kind):
    good = write(tmp_path / "a.txt", AR)
    binary = write(tmp_path / "b.txt", magic + bytes(range(256)) * 4)
    res = tokenize(cli, good, binary)
    assert res.exit_code == 1
    assert res.stderr == f"arnews: error: {binary}: looks like a binary file ({kind}), not text\n"
    assert names(cli, res) == [str(good)] and failed(cli, res) == [str(binary)]


def test_real_executable_is_refused(cli, tmp_path):
    exe = os.path.realpath(os.sys.executable)
    res = tokenize(cli, exe)
    assert res.exit_code == 1
    assert res.stderr == f"arnews: error: {exe}: looks like a binary file (ELF executable), not text\n"


def test_binary_without_a_known_signature_is_refused(cli, tmp_path):
    blob = write(tmp_path / "blob.txt", bytes(range(32)) * 64)
    res = tokenize(cli, blob)
    assert res.exit_code == 1
    assert res.stderr.startswith(f"arnews: error: {blob}: looks like a binary file (")


# --- NUL bytes inside text: read as spaces with a warning ------------------------------------------------

def test_nul_bytes_inside_text_are_read_as_spaces(cli, tmp_path):
    p = write(tmp_path / "nul.txt", "قال بايدن\x00كورسك\x00\x00قوات اليوم".encode("utf-8"))
    res = tokenize(cli, p)
    assert res.exit_code == 0
    assert res.stderr == f"arnews: warning: {p}: 3 NUL character(s) read as spaces\n"
    [doc] = cli.jsonl(res)
    assert [t["text"] for t in doc["tokens"]] == ["قال", "بايدن", "كورسك", "قوات", "اليوم"]
    assert all(doc["text"][t["start"]:t["end"]] == t["text"] for t in doc["tokens"])


# --- invalid UTF-8 -------------------------------------------------------------------------------------

def test_utf8_with_a_few_bad_bytes_is_read_with_replacement_characters(cli, tmp_path):
    data = (AR * 3).encode("utf-8")
    at = data.index(b" ", 30)
    data = data[:at] + b"\xff" + data[at:]
    p = write(tmp_path / "bad.txt", data)
    res = tokenize(cli, p)
    assert res.exit_code == 0
    assert res.stderr == (f"arnews: warning: {p}: 1 invalid UTF-8 byte sequence(s) replaced by U+FFFD "
                          f"(first at byte {at} (line 1)); pass --encoding NAME if the file is in another encoding\n")
    [doc] = cli.jsonl(res)
    assert doc["source"]["encoding"] == "utf-8" and doc["text"].count("\ufffd") == 1


def test_mostly_invalid_utf8_is_an_error(cli, tmp_path):
    good = write(tmp_path / "good.txt", AR)
    p = write(tmp_path / "garbage.txt", b"abc \xff\xfe\xfd def \x81\x8d\x8f\x90 \xc3\x28 ghi")
    res = tokenize(cli, p, good)
    assert res.exit_code == 1
    assert res.stderr == (f"arnews: error: {p}: cannot decode: not UTF-8 (bad byte at byte 4 (line 1)) and no "
                          "known Arabic encoding fits; pass --encoding NAME (e.g. cp1256, iso8859-6)\n")
    assert names(cli, res) == [str(good)]


def test_explicit_encoding_is_strict(cli, tmp_path):
    data = (AR * 2).encode("utf-8")
    p = write(tmp_path / "a.txt", data + b"\xff\n")
    res = tokenize(cli, "--encoding", "utf-8", p)
    assert res.exit_code == 1
    assert res.stderr == f"arnews: error: {p}: not valid utf-8 at byte {len(data)} (line 3); try another --encoding\n"


def test_truncated_multibyte_sequence_at_the_end(cli, tmp_path):
    data = AR.strip().encode("utf-8")
    p = write(tmp_path / "cut.txt", data + "ك".encode("utf-8")[:1])
    res = tokenize(cli, p)
    assert res.exit_code == 0
    assert res.stderr == (f"arnews: warning: {p}: ends in the middle of a UTF-8 character (truncated file?); "
                          "the last 1 byte(s) are shown as U+FFFD\n")
    [doc] = cli.jsonl(res)
    assert doc["text"] == AR.strip() + "\ufffd"


# --- other encodings ----------------------------------------------------------------------------------

@pytest.mark.parametrize("codec, reported", [("utf-16", "utf-16"), ("utf-16-le", "utf-16-le"),
                                              ("utf-16-be", "utf-16-be")])
def test_utf16_with_and_without_bom(cli, tmp_path, codec, reported):
    text = AR + "Biden 🇺🇸 “quoted” ﷲ\n"
    p = write(tmp_path / "u16.txt", text.encode(codec))
    res = tokenize(cli, p)
    assert res.exit_code == 0 and res.stderr == ""
    [doc] = cli.jsonl(res)
    assert doc["source"]["encoding"] == reported and doc["text"] == text


@pytest.mark.parametrize("codec, bom, reported", [("utf-16-le", b"\xff\xfe", "utf-16"),
                                                   ("utf-16-be", b"\xfe\xff", "utf-16"),
                                                   ("utf-16-le", b"", "utf-16-le"),
                                                   ("utf-16-be", b"", "utf-16-be")])
def test_utf16_with_a_lone_surrogate_is_read_with_a_replacement_character(cli, tmp_path, codec, bom, reported):
    half = (AR * 2).encode(codec)
    lone = "\ud83c".encode(codec, "surrogatepass")  # the first half of an emoji, and nothing after it
    p = write(tmp_path / "u16.txt", bom + half + lone + half)
    res = tokenize(cli, p)
    assert res.exit_code == 0
    offset = len(bom) + len(half)
    assert res.stderr == (f"arnews: warning: {p}: 1 invalid UTF-16 code unit(s) (lone surrogates or a cut-off last "
                          f"byte) replaced by U+FFFD (first at byte {offset}); pass --encoding NAME if the file is in "
                          "another encoding\n")
    [doc] = cli.jsonl(res)
    assert doc["source"]["encoding"] == reported and doc["text"] == AR * 2 + "\ufffd" + AR * 2
    assert len(doc["warnings"]) == 1


def test_cp1256(cli, tmp_path):
    p = write(tmp_path / "cp.txt", (AR * 2).encode("cp1256"))
    res = tokenize(cli, p)
    assert res.exit_code == 0 and res.stderr == ""
    [doc] = cli.jsonl(res)
    assert doc["source"]["encoding"] == "cp1256" and doc["text"] == AR * 2


def test_mixed_arabic_latin_emoji(cli, tmp_path):
    text = "قال Biden 👍🏽 إن 🇺🇸 ستدعم kyiv 2024 ❤️‍🔥!\n"
    p = write(tmp_path / "mixed.txt", text)
    res = tokenize(cli, p)
    assert res.exit_code == 0 and res.stderr == ""
    [doc] = cli.jsonl(res)
    toks = doc["tokens"]
    assert [t["text"] for t in toks] == ["قال", "Biden", "👍🏽", "إن", "🇺🇸", "ستدعم", "kyiv", "2024", "❤️‍🔥", "!"]
    assert all(text[t["start"]:t["end"]] == t["text"] for t in toks)
    assert [t["kind"] for t in toks if t["text"] in ("قال", "Biden", "2024")] == ["arabic", "latin", "number"]


def test_text_with_no_arabic_is_processed_with_a_warning(cli, tmp_path):
    p = write(tmp_path / "en.txt", "The president said nothing.\n")
    res = tokenize(cli, p)
    assert res.exit_code == 0
    assert res.stderr == (f"arnews: warning: {p}: no Arabic script found (is this the right file, or does it "
                          "need --encoding?)\n")
    [doc] = cli.jsonl(res)
    assert doc["stats"]["words"] == 4 and doc["stats"]["arabic_words"] == 0


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"])
def test_every_line_ending_splits_sentences(cli, tmp_path, ending):
    p = write(tmp_path / "lines.txt", ending.join(["السطر الأول", "السطر الثاني", "السطر الثالث"]) + ending)
    res = tokenize(cli, p)
    assert res.exit_code == 0 and res.stderr == ""
    [doc] = cli.jsonl(res)
    assert doc["stats"]["sentences"] == 3
    assert [t["sentence"] for t in doc["tokens"]] == [0, 0, 1, 1, 2, 2]


@pytest.mark.parametrize("text", ["ـــــــ\n", "ـ ـ ـ\n", "ًٌٍَُِّْ\n", "ـًـ ّ\n", "،؛؟ «» ٪\n", "١٢٣ ٤٥\n"])
def test_text_without_arabic_letters_has_no_arabic_word_and_a_warning(cli, tmp_path, text):
    """Tatweel, harakat, Arabic punctuation or digits alone are Arabic script but no Arabic word."""
    p = write(tmp_path / "marks.txt", text)
    for command in ("tokenize", "analyze"):
        res = cli(command, "-f", "jsonl", p)
        assert res.exit_code == 0
        assert res.stderr == (f"arnews: warning: {p}: no Arabic script found (is this the right file, or does it "
                              "need --encoding?)\n")
        [doc] = cli.jsonl(res)
        assert doc["stats"]["arabic_words"] == 0 and doc["stats"]["words"] == 0
        assert all(t["kind"] != "arabic" for t in doc["tokens"])
        assert not doc.get("entities") and not any(t.get("pos") == "noun_prop" for t in doc["tokens"])


# --- size --------------------------------------------------------------------------------------------------

def test_single_200k_character_line(cli, tmp_path):
    line = ("كلمة عربية، " * 20000)[:200_000]
    p = write(tmp_path / "line.txt", line)
    t0 = time.perf_counter()
    res = tokenize(cli, p)
    assert time.perf_counter() - t0 < 20
    assert res.exit_code == 0 and res.stderr == ""
    [doc] = cli.jsonl(res)
    assert doc["stats"]["characters"] == 200_000 and doc["stats"]["words"] == 33_334
    assert doc["tokens"][-1]["end"] <= 200_000


def test_100_mb_file_is_refused_before_reading(cli, tmp_path):
    big = tmp_path / "big.txt"
    with open(big, "wb") as fh:  # sparse: costs no disk and is never read
        fh.truncate(100 * 1024 * 1024)
    good = write(tmp_path / "good.txt", AR)
    res = tokenize(cli, big, good)
    assert res.exit_code == 1
    assert res.stderr == (f"arnews: error: {big}: is 104.9 MB, over the --max-bytes limit of 5,000,000 bytes "
                          "(5.0 MB); raise it with --max-bytes N (0: no limit)\n")
    assert names(cli, res) == [str(good)]


def test_max_bytes_raises_or_lowers_the_limit(cli, tmp_path):
    p = write(tmp_path / "a.txt", AR * 100)
    size = p.stat().st_size
    res = tokenize(cli, "--max-bytes", size - 1, p)
    assert res.exit_code == 1 and "over the --max-bytes limit" in res.stderr
    assert tokenize(cli, "--max-bytes", size, p).exit_code == 0
    assert tokenize(cli, "--max-bytes", 0, p).exit_code == 0


def test_stdin_over_the_limit_is_refused_not_truncated(cli):
    res = tokenize(cli, "--max-bytes", 1000, "-", input=(AR * 20).encode("utf-8"))
    assert res.exit_code == 1
    assert res.stderr == ("arnews: error: <stdin>: is over the --max-bytes limit of 1,000 bytes; "
                          "raise it with --max-bytes N (0: no limit)\n")
    res = tokenize(cli, "--max-bytes", 200_000, "-", input=(AR * 3000).encode("utf-8"))
    assert res.stderr == ("arnews: error: <stdin>: is over the --max-bytes limit of 200,000 bytes (0.2 MB); "
                          "raise it with --max-bytes N (0: no limit)\n")


def test_default_limit_is_5_mb():
    # The documented memory bound (README): under 1.5 GB per worker for analyze at this size.
    assert DEFAULT_MAX_BYTES == 5_000_000


# --- files that cannot be read -----------------------------------------------------------------------

def test_unreadable_file(cli, tmp_path, monkeypatch):
    locked = write(tmp_path / "locked.txt", AR)
    good = write(tmp_path / "good.txt", AR)
    locked.chmod(0)
    try:
        if os.geteuid() == 0:
            # root reads files whatever their mode, so make the open fail as it would for a user.
            import arnews.sources as sources

            real_open = open

            def deny(path, *a, **kw):
                if os.fspath(path) == str(locked):
                    raise PermissionError(13, "Permission denied", os.fspath(path))
                return real_open(path, *a, **kw)

            monkeypatch.setattr(sources, "open", deny, raising=False)
        res = tokenize(cli, locked, good)
    finally:
        locked.chmod(stat.S_IRUSR | stat.S_IWUSR)
    assert res.exit_code == 1
    assert res.stderr == f"arnews: error: {locked}: permission denied\n"
    assert names(cli, res) == [str(good)]


def test_unreadable_subfolder_is_reported(tmp_path, monkeypatch):
    (tmp_path / "ok").mkdir()
    (tmp_path / "secret").mkdir()
    write(tmp_path / "ok" / "a.txt", AR)
    write(tmp_path / "secret" / "b.txt", AR)
    import arnews.sources as sources

    real_scandir = os.scandir

    def scandir(path):  # as root, chmod cannot lock a folder: fail the listing as it would for a user
        if os.fspath(path) == str(tmp_path / "secret"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(sources.os, "scandir", scandir)
    items = list(iter_sources([str(tmp_path)]))
    assert items[0].name == str(tmp_path / "ok" / "a.txt")
    assert isinstance(items[1], SourceError)
    assert (items[1].name, items[1].message) == (str(tmp_path / "secret"), "cannot list folder: permission denied")
    assert len(items) == 2


def test_deeply_nested_folder(tmp_path):
    import sys

    from arnews.sources import expand_inputs

    deep = tmp_path
    for _ in range(300):
        deep = deep / "d"
        deep.mkdir()
    write(deep / "x.txt", AR)
    write(tmp_path / "top.txt", AR)
    # A walk that recursed per level (os.walk on Python 3.11) would fail under this limit; the
    # same happens for real at ~1000 levels. (The tree stays shallow enough for pytest's clean-up.)
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(120)
    try:
        found = list(expand_inputs([str(tmp_path)]))
    finally:
        sys.setrecursionlimit(limit)
    assert found == [str(tmp_path / "top.txt"), str(deep / "x.txt")]


def test_directory_given_as_a_file(cli, tmp_path):
    folder = tmp_path / "folder"
    folder.mkdir()
    with pytest.raises(Exception, match="is a directory"):
        read_source(folder)
    # As an output file it is a usage error.
    good = write(tmp_path / "a.txt", AR)
    res = cli("tokenize", "-o", folder, good)
    assert res.exit_code == 2 and "is a directory" in res.stderr
    assert list(folder.iterdir()) == []


def test_file_given_as_a_directory(cli, tmp_path):
    f = write(tmp_path / "a.txt", AR)
    res = tokenize(cli, f"{f}/", f"{f}/b.txt", f)
    assert res.exit_code == 1
    assert res.stderr == (f"arnews: error: {f}/: not a directory: a folder in the path is a file\n"
                          f"arnews: error: {f}/b.txt: not a directory: a folder in the path is a file\n")
    assert names(cli, res) == [str(f)]
    res = cli("tokenize", "-o", f"{f}/out.txt", f)
    assert res.exit_code == 2 and f"cannot write {f}/out.txt: {f} is not a folder" in res.stderr


def test_symlinked_folder_loop_is_not_followed(cli, tmp_path):
    root = tmp_path / "corpus"
    (root / "sub").mkdir(parents=True)
    write(root / "sub" / "a.txt", AR)
    os.symlink("..", root / "sub" / "up")
    os.symlink(".", root / "self")
    res = tokenize(cli, root)
    assert res.exit_code == 0 and res.stderr == ""
    assert names(cli, res) == [str(root / "sub" / "a.txt")]


def test_symlinked_file_loop_and_broken_link_are_errors(cli, tmp_path):
    root = tmp_path / "corpus"
    root.mkdir()
    write(root / "a.txt", AR)
    os.symlink("loop.txt", root / "loop.txt")
    os.symlink("missing", root / "dangling.txt")
    os.symlink("a.txt", root / "z-link.txt")
    res = tokenize(cli, root)
    assert res.exit_code == 1
    assert res.stderr == (f"arnews: error: {root / 'dangling.txt'}: broken symbolic link (its target does not exist)\n"
                          f"arnews: error: {root / 'loop.txt'}: symbolic link loop\n")
    assert names(cli, res) == [str(root / "a.txt"), str(root / "z-link.txt")]


def test_fifo_inside_a_folder_is_skipped(cli, tmp_path):
    write(tmp_path / "a.txt", AR)
    os.mkfifo(tmp_path / "pipe.txt")  # reading it would block forever
    res = tokenize(cli, tmp_path)
    assert res.exit_code == 0 and res.stderr == ""
    assert names(cli, res) == [str(tmp_path / "a.txt")]


def test_folder_of_10000_tiny_files(cli, tmp_path):
    root = tmp_path / "many"
    root.mkdir()
    for i in range(10_000):
        (root / f"{i:05d}.txt").write_bytes(f"خبر رقم {i}\n".encode("utf-8"))
    t0 = time.perf_counter()
    res = tokenize(cli, root)
    elapsed = time.perf_counter() - t0
    assert res.exit_code == 0 and res.stderr == ""
    docs = cli.jsonl(res)
    assert len(docs) == 10_000 and all(d["ok"] for d in docs)
    assert [d["source"]["name"] for d in docs] == [str(root / f"{i:05d}.txt") for i in range(10_000)]
    assert elapsed < 60, elapsed


def test_non_utf8_file_names(cli, tmp_path):
    raw = os.path.join(os.fsencode(tmp_path), b"caf\xe9-\xff.txt")
    with open(raw, "wb") as fh:
        fh.write(AR.encode("utf-8"))
    shown = f"{tmp_path}/caf\\xe9-\\xff.txt"
    # Given directly (as the shell would pass it) and found inside a folder.
    res = tokenize(cli, os.fsdecode(raw), tmp_path)
    assert res.exit_code == 0 and res.stderr == ""
    res.stdout.encode("utf-8")  # stdout is valid UTF-8
    assert names(cli, res) == [shown, shown]
    [src] = list(iter_sources([raw.decode("utf-8", "surrogateescape")]))
    assert src.text == AR and src.name == shown


def test_non_utf8_file_name_in_an_error_line(cli, tmp_path):
    raw = os.path.join(os.fsencode(tmp_path), b"\x1b[31mred\xff.txt")
    with open(raw, "wb") as fh:
        fh.write(b"\x89PNG\r\n\x1a\n")
    res = tokenize(cli, os.fsdecode(raw))
    assert res.exit_code == 1
    # Neither the ESC of the name nor its undecodable byte reaches the terminal raw.
    assert res.stderr == (f"arnews: error: {tmp_path}/\\x1b[31mred\\xff.txt: looks like a binary file "
                          "(PNG image), not text\n")


# --- standard input ------------------------------------------------------------------------------------

def test_stdin_given_twice_is_a_usage_error(cli):
    res = tokenize(cli, "-", "-", input=AR.encode("utf-8"))
    assert res.exit_code == 2 and res.stdout == ""
    assert res.stderr.endswith("Error: `-` (standard input) is given more than once; it can be read only once\n")


def test_stdin_empty_is_processed_with_a_warning(cli):
    res = tokenize(cli, "-", input=b"")
    assert res.exit_code == 0
    assert res.stderr == "arnews: warning: <stdin>: empty input: no text to analyse\n"
    assert [d["stats"]["words"] for d in cli.jsonl(res)] == [0]


def test_stdin_closed(arnews_argv, subprocess_env, tmp_path):
    good = write(tmp_path / "a.txt", AR)
    script = 'exec "$@" <&-'
    res = subprocess.run(["sh", "-c", script, "sh", *arnews_argv, "tokenize", "-f", "jsonl", "-", str(good)],
                         capture_output=True, env=subprocess_env, timeout=120)
    assert res.returncode == 1
    assert res.stderr.decode() == "arnews: error: <stdin>: standard input is closed\n"
    assert [json.loads(line)["ok"] for line in res.stdout.splitlines()] == [False, True]
    # With no paths at all, a closed standard input is a usage error.
    res = subprocess.run(["sh", "-c", script, "sh", *arnews_argv, "tokenize"],
                         capture_output=True, env=subprocess_env, timeout=120)
    assert res.returncode == 2
    assert b"no input: give files or folders" in res.stderr and b"Traceback" not in res.stderr


def test_stdin_read_error_is_reported(tmp_path):
    class Broken(io.RawIOBase):
        def readable(self):
            return True

        def readinto(self, b):
            raise OSError(5, "Input/output error")

    [item] = list(iter_sources(["-"], stdin=io.BufferedReader(Broken())))
    assert isinstance(item, SourceError) and item.message == "cannot read: Input/output error"


# --- output file ---------------------------------------------------------------------------------------

def test_output_in_a_missing_folder_is_a_usage_error(cli, tmp_path):
    good = write(tmp_path / "a.txt", AR)
    out = tmp_path / "missing" / "out.jsonl"
    res = cli("tokenize", "-f", "jsonl", "-o", out, good)
    assert res.exit_code == 2 and res.stdout == ""
    assert res.stderr.endswith(f"Error: cannot write {out}: {out.parent} does not exist\n")
    assert not out.parent.exists()


def test_output_equal_to_an_input_is_a_usage_error(cli, tmp_path):
    p = write(tmp_path / "a.txt", AR)
    for spelled in (p, tmp_path / "." / "a.txt"):
        res = cli("normalize", "-o", spelled, p)
        assert res.exit_code == 2
        assert res.stderr.endswith(f"Error: output file {spelled} is also an input; choose another -o FILE\n")
        assert p.read_text(encoding="utf-8") == AR  # untouched
    link = tmp_path / "link.txt"
    os.link(p, link)  # the same file under another name
    assert cli("tokenize", "-o", link, p).exit_code == 2


def test_output_inside_an_input_folder_is_not_read_back(cli, tmp_path):
    write(tmp_path / "a.txt", AR)
    out = tmp_path / "out.txt"
    res = cli("tokenize", "-f", "jsonl", "-o", out, tmp_path)
    assert res.exit_code == 0, res.stderr
    docs = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [d["source"]["name"] for d in docs] == [str(tmp_path / "a.txt")]
    # An existing file there that the glob does not match is no input: replaced as asked.
    old = tmp_path / "out.jsonl"
    old.write_text("an old result\n", encoding="utf-8")
    assert cli("tokenize", "-f", "jsonl", "-o", old, tmp_path).exit_code == 0
    assert old.read_text(encoding="utf-8") != "an old result\n"


def test_output_equal_to_a_file_inside_an_input_folder_is_a_usage_error(cli, tmp_path):
    fo = tmp_path / "fo"
    (fo / "sub").mkdir(parents=True)
    write(fo / "a.txt", AR)
    write(fo / "sub" / "b.txt", AR)
    for command in ("analyze", "tokenize", "normalize"):
        for out, spelled in ((fo / "sub" / "b.txt", fo / "sub" / "b.txt"),
                             (fo / "sub" / "b.txt", tmp_path / "fo" / "sub" / ".." / "sub" / "b.txt")):
            res = cli(command, "-o", spelled, fo)
            assert res.exit_code == 2, res.stderr
            assert res.stderr.endswith(f"Error: output file {spelled} is also an input (inside {fo}, matching "
                                       "--glob *.txt); choose another -o FILE\n")
            assert out.read_text(encoding="utf-8") == AR  # untouched
    assert cli("tokenize", "--glob", "a*", "-o", fo / "sub" / "b.txt", fo).exit_code == 0  # not an input then


def test_output_file_keeps_normal_permissions(cli, tmp_path):
    good = write(tmp_path / "a.txt", AR)
    out = tmp_path / "out.tsv"
    old = os.umask(0o022)
    try:
        assert cli("tokenize", "-f", "tsv", "-o", out, good).exit_code == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == 0o644  # not mkstemp's 0600
    out.chmod(0o640)
    assert cli("tokenize", "-f", "tsv", "-o", out, good).exit_code == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o640  # a replaced file keeps its mode


def test_output_through_a_symlink_replaces_the_target(cli, tmp_path):
    good = write(tmp_path / "a.txt", AR)
    target = write(tmp_path / "real.tsv", "old\n")
    link = tmp_path / "link.tsv"
    os.symlink(target.name, link)
    assert cli("tokenize", "-f", "tsv", "-o", link, good).exit_code == 0
    assert link.is_symlink() and target.read_text(encoding="utf-8").startswith("document\t")


# --- nothing lost: Ctrl-C, SIGTERM, broken pipe ---------------------------------------------------------------

def _corpus(tmp_path, n: int):
    from .helpers import SEED

    root = tmp_path / "corpus"
    root.mkdir()
    text = SEED.read_bytes()
    for i in range(n):
        (root / f"doc{i:04d}.txt").write_bytes(text)
    return root


def _start(argv, env, **kw):
    return subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, **kw)


def _wait_for(predicate, timeout=120.0):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.05)


def _finish(proc) -> tuple[bytes, bytes]:
    """The rest of stdout and all of stderr. (Not communicate(): after readline() it would
    read the pipe behind the reader's buffer and lose what that buffer holds.)"""
    rest = proc.stdout.read()
    err = proc.stderr.read()
    proc.wait(timeout=120)
    return rest, err


def _clean_stderr(err: bytes) -> str:
    text = err.decode("utf-8")
    assert "Traceback" not in text and "Exception ignored" not in text and "KeyboardInterrupt" not in text, text
    return text


@pytest.mark.slow
def test_ctrl_c_keeps_streamed_documents_and_exits_130(arnews_argv, subprocess_env, tmp_path):
    import signal

    root = _corpus(tmp_path, 400)
    proc = _start([*arnews_argv, "analyze", "-j", "1", "-f", "jsonl", str(root)], subprocess_env)
    first = proc.stdout.readline()
    proc.send_signal(signal.SIGINT)
    rest, err = _finish(proc)
    assert proc.returncode == 130
    lines = (first + rest).decode("utf-8").splitlines()
    docs = [json.loads(line) for line in lines]  # every line is a whole record
    assert 1 <= len(docs) < 400 and all(d["ok"] for d in docs)
    assert [d["source"]["name"] for d in docs] == [str(root / f"doc{i:04d}.txt") for i in range(len(docs))]
    assert _clean_stderr(err) == (f"arnews: interrupted after {len(docs)} document(s); "
                                  "the documents finished so far were written\n")


@pytest.mark.slow
def test_ctrl_c_json_output_stays_valid_and_says_interrupted(arnews_argv, subprocess_env, tmp_path):
    import signal

    root = _corpus(tmp_path, 400)
    proc = _start([*arnews_argv, "analyze", "-j", "1", "-f", "json", str(root)], subprocess_env)
    head = proc.stdout.readline() + proc.stdout.readline()  # the opening line and the first document
    proc.send_signal(signal.SIGINT)
    rest, err = _finish(proc)
    assert proc.returncode == 130
    _clean_stderr(err)
    data = json.loads(head + rest)  # one valid JSON document
    assert 1 <= len(data["documents"]) < 400 and all(d["ok"] for d in data["documents"])
    assert data["corpus"]["interrupted"] is True and data["corpus"]["documents"] == len(data["documents"])


@pytest.mark.slow
def test_ctrl_c_table_summary_says_interrupted(arnews_argv, subprocess_env, tmp_path):
    import signal

    root = _corpus(tmp_path, 400)
    env = dict(subprocess_env, COLUMNS="200")
    proc = _start([*arnews_argv, "analyze", "-j", "1", str(root)], env)
    proc.stdout.readline()
    proc.send_signal(signal.SIGINT)
    rest, err = _finish(proc)
    assert proc.returncode == 130
    _clean_stderr(err)
    assert "interrupted: the summary covers the documents finished before Ctrl-C" in rest.decode("utf-8")


@pytest.mark.slow
def test_ctrl_c_with_output_file_keeps_it_unchanged_and_saves_a_partial(arnews_argv, subprocess_env, tmp_path):
    import signal

    root = _corpus(tmp_path, 400)
    out = tmp_path / "out.jsonl"
    out.write_text("previous result\n", encoding="utf-8")
    proc = _start([*arnews_argv, "analyze", "-j", "1", "-f", "jsonl", "-o", str(out), str(root)], subprocess_env)
    _wait_for(lambda: any(p.stat().st_size > 0 for p in tmp_path.glob(".arnews-*.tmp")))
    proc.send_signal(signal.SIGINT)
    stdout, err = proc.communicate(timeout=120)
    assert proc.returncode == 130 and stdout == b""
    assert out.read_text(encoding="utf-8") == "previous result\n"  # never a half FILE
    partial = tmp_path / "out.jsonl.partial"
    docs = [json.loads(line) for line in partial.read_text(encoding="utf-8").splitlines()]
    assert len(docs) >= 1 and all(d["ok"] for d in docs)
    assert _clean_stderr(err) == (f"arnews: interrupted after {len(docs)} document(s); output so far kept in "
                                  f"{partial} ({out} not changed)\n")
    assert not list(tmp_path.glob(".arnews-*"))


@pytest.mark.slow
def test_ctrl_c_to_the_whole_process_group_with_workers(arnews_argv, subprocess_env, tmp_path):
    import signal

    root = _corpus(tmp_path, 400)
    out = tmp_path / "out.jsonl"
    proc = _start([*arnews_argv, "analyze", "-j", "2", "-f", "jsonl", "-o", str(out), str(root)], subprocess_env,
                  start_new_session=True)
    _wait_for(lambda: any(p.stat().st_size > 0 for p in tmp_path.glob(".arnews-*.tmp")))
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal does on Ctrl-C
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130
    text = _clean_stderr(err)
    assert text.startswith("arnews: interrupted after ") and "Process" not in text
    assert not out.exists() and (tmp_path / "out.jsonl.partial").exists()
    assert not list(tmp_path.glob(".arnews-*"))


@pytest.mark.slow
def test_sigterm_removes_the_temporary_output(arnews_argv, subprocess_env, tmp_path):
    import signal

    root = _corpus(tmp_path, 400)
    out = tmp_path / "out.jsonl"
    proc = _start([*arnews_argv, "analyze", "-j", "1", "-f", "jsonl", "-o", str(out), str(root)], subprocess_env)
    _wait_for(lambda: any(p.stat().st_size > 0 for p in tmp_path.glob(".arnews-*.tmp")))
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 143
    _clean_stderr(err)
    assert not out.exists() and not list(tmp_path.glob(".arnews-*"))


@pytest.mark.parametrize("command, fmt", [("tokenize", "jsonl"), ("analyze", "jsonl"), ("analyze", "table")])
def test_broken_pipe_exits_quietly(arnews_argv, subprocess_env, tmp_path, command, fmt):
    root = _corpus(tmp_path, 60)
    proc = _start([*arnews_argv, command, "-f", fmt, str(root)], subprocess_env)
    proc.stdout.readline()
    proc.stdout.close()  # like `| head -1`
    err = proc.stderr.read()
    proc.wait(timeout=120)
    assert proc.returncode == 0
    assert _clean_stderr(err) == ""


# --- the same bad inputs through every stage (analyze) ------------------------------------------------------

@pytest.mark.slow
def test_analyze_survives_every_bad_input(cli, tmp_path):
    ok = {
        "empty.txt": b"",
        "blank.txt": b" \n\t\n",
        "nul.txt": "قال بايدن\x00كورسك\x00\x00قوات اليوم".encode("utf-8"),
        "badbyte.txt": (AR * 3).encode("utf-8").replace(b" ", b" \xff", 1),
        "cut.txt": AR.strip().encode("utf-8") + b"\xd9",
        "u16.txt": (AR + "Biden 🇺🇸\n").encode("utf-16-le"),
        "cp.txt": (AR * 2).encode("cp1256"),
        "mixed.txt": "قال Biden 👍🏽 إن 🇺🇸 ستدعم kyiv 2024 ❤️‍🔥!\n".encode("utf-8"),
        "english.txt": b"The president said nothing.\n",
        "hostile.txt": "\x1b[31mRED [bold]x[/bold] \u202eabc الرئيس بايدن\n".encode("utf-8"),
    }
    bad = {"png.txt": b"\x89PNG\r\n\x1a\n" + bytes(64), "garbage.txt": b"abc \xff\xfe\xfd def \x81\x8d\x8f\x90 ghi"}
    for name, data in {**ok, **bad}.items():
        write(tmp_path / name, data)
    res = cli("analyze", "-j", "1", "-f", "jsonl", "--per-document", *sorted(tmp_path / n for n in {**ok, **bad}))
    assert res.exit_code == 1
    docs = {os.path.basename(d["source"]["name"]): d for d in cli.jsonl(res)}
    assert sorted(n for n, d in docs.items() if d["ok"]) == sorted(ok)
    assert sorted(n for n, d in docs.items() if not d["ok"]) == sorted(bad)
    errors = [line for line in res.stderr.splitlines() if line.startswith("arnews: error:")]
    assert [e.split(": ")[2].rsplit("/", 1)[1] for e in errors] == ["garbage.txt", "png.txt"]
    for name, d in docs.items():
        if d["ok"]:
            text = d["text"]
            assert all(text[t["start"]:t["end"]] == t["text"] for t in d["tokens"])
            assert all(text[m["start"]:m["end"]] == m["text"] for g in d["entities"] for m in g["mentions"])
    assert docs["empty.txt"]["stats"]["words"] == 0 and docs["empty.txt"]["keywords"] == []


@pytest.mark.slow
def test_analyze_a_single_200k_character_line(cli, tmp_path):
    line = ("كلمة عربية، " * 20000)[:200_000]
    p = write(tmp_path / "line.txt", line)
    t0 = time.perf_counter()
    res = cli("analyze", "-j", "1", "-f", "jsonl", p)
    assert time.perf_counter() - t0 < 180
    assert res.exit_code == 0 and res.stderr == ""
    [doc] = cli.jsonl(res)
    assert doc["stats"]["characters"] == 200_000 and doc["stats"]["words"] == 33_334


def test_every_command_documents_its_exit_codes(cli):
    for command in ("analyze", "tokenize", "lemmatize", "entities", "keywords", "normalize"):
        res = cli(command, "--help", env={"COLUMNS": "200"})
        text = " ".join(res.stdout.split())
        assert res.exit_code == 0
        for part in ("0 all inputs processed", "1 some inputs failed", "2 usage error", "130 interrupted",
                     "143 terminated"):
            assert part in text, (command, part)


def test_output_to_a_fifo_or_device_is_written_not_replaced(cli, tmp_path):
    import threading

    good = write(tmp_path / "a.txt", AR)
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    res = cli("tokenize", "-f", "jsonl", "-o", fifo, good)
    reader.join(timeout=60)
    assert res.exit_code == 0
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)  # still a FIFO (a rename would have replaced it)
    assert json.loads(got[0])["text"] == AR
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "out.fifo"]


def test_stdout_closed(arnews_argv, subprocess_env, tmp_path):
    good = write(tmp_path / "a.txt", AR)
    script = 'exec "$@" >&-'
    res = subprocess.run(["sh", "-c", script, "sh", *arnews_argv, "tokenize", "-f", "jsonl", str(good)],
                         capture_output=True, env=subprocess_env, timeout=120)
    assert res.returncode == 1
    assert res.stderr.decode() == "arnews: error: standard output is closed (use -o FILE)\n"
    out = tmp_path / "out.jsonl"
    res = subprocess.run(["sh", "-c", script, "sh", *arnews_argv, "tokenize", "-f", "jsonl", "-o", str(out),
                          str(good)], capture_output=True, env=subprocess_env, timeout=120)
    assert res.returncode == 0 and res.stderr == b"" and json.loads(out.read_text(encoding="utf-8"))["ok"]


@pytest.mark.parametrize("command", ["tokenize", "normalize"])
@pytest.mark.parametrize("encoding, message", [
    ("bogus", "unknown encoding 'bogus'"),
    ("base64", "'base64' is not a text encoding"),
    ("rot13", "'rot13' is not a text encoding"),
])
def test_encoding_that_cannot_decode_text_is_a_usage_error(cli, tmp_path, command, encoding, message):
    p = write(tmp_path / "a.txt", AR)
    res = cli(command, "--encoding", encoding, p)
    assert res.exit_code == 2 and res.stdout == ""
    assert f"Invalid value for '--encoding': {message}" in res.stderr
    with pytest.raises(Exception, match=message):
        read_source(p, encoding)
