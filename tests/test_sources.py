import hashlib
import io

import pytest

from arnews.sources import InputError, SourceError, decode_bytes, iter_sources, read_stream, walk_folder

from .helpers import shared

TEXT = "أعرب الرئيس الأمريكي جو بايدن عن قلقه\n"


def _manifest():
    folder = shared("corpus", "encodings")
    rows = (folder / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()[1:]
    return folder, [r.split("\t") for r in rows if r.strip()]


def test_shared_encoding_samples_decode_to_their_utf8_originals():
    folder, rows = _manifest()
    assert len(rows) == 3
    seen = {}
    for name, _enc, _bom, original, sha in rows:
        src = next(iter_sources([str(folder / name)]))
        assert not isinstance(src, SourceError), src
        expected = (folder.parent / original).read_text(encoding="utf-8")
        assert src.text == expected
        assert hashlib.sha256(src.text.encode("utf-8")).hexdigest() == sha
        seen[name] = src.encoding
    assert seen == {"article-cp1256.txt": "cp1256", "article-utf16-bom.txt": "utf-16",
                    "article-utf8-bom.txt": "utf-8-sig"}


@pytest.mark.parametrize(
    "data, encoding",
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("utf-16"), "utf-16"),
        (TEXT.encode("utf-16-be"), "utf-16-be"),
        (TEXT.encode("utf-16-le"), "utf-16-le"),
        (TEXT.encode("utf-32"), "utf-32"),
        ((TEXT * 5).encode("cp1256"), "cp1256"),
    ],
)
def test_decode_detects_encoding(data, encoding):
    text, found = decode_bytes(data)
    assert text == TEXT * (5 if encoding == "cp1256" else 1)
    assert found == encoding


def test_iso_8859_6_is_detected():
    text = "الرئيس الروسي فلاديمير بوتين في حديث له مع الإعلامية أولغا سكابييفا على ضرورة التعاون\n" * 3
    decoded, found = decode_bytes(text.encode("iso8859_6"))
    assert decoded == text
    assert found == "iso8859-6"


def test_explicit_encoding_overrides_detection_and_reports_errors():
    data = TEXT.encode("cp1256")
    assert decode_bytes(data, "cp1256") == (TEXT, "cp1256")
    with pytest.raises(InputError, match="not valid utf-8"):
        decode_bytes(data, "utf-8")
    with pytest.raises(InputError, match="unknown encoding"):
        decode_bytes(data, "no-such-codec")


def test_folder_walk_is_recursive_sorted_and_skips_hidden_and_nonmatching(tmp_path):
    for rel in ["b.txt", "a.txt", "sub/c.txt", "sub/d.md", ".hidden.txt", ".git/e.txt", "sub/.f.txt"]:
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(TEXT, encoding="utf-8")
    assert [p.relative_to(tmp_path).as_posix() for p in walk_folder(tmp_path)] == ["a.txt", "b.txt", "sub/c.txt"]
    assert [p.name for p in walk_folder(tmp_path, "*.md")] == ["d.md"]


def test_missing_input_is_an_error_item_and_others_still_read(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(TEXT, encoding="utf-8")
    items = list(iter_sources([str(tmp_path / "missing.txt"), str(good)]))
    assert isinstance(items[0], SourceError) and "no such file" in items[0].message
    assert items[1].text == TEXT


def test_stdin_read_once():
    stream = io.BytesIO(TEXT.encode("utf-8"))
    items = list(iter_sources(["-", "-"], stdin=stream))
    assert items[0].name == "<stdin>" and items[0].text == TEXT
    assert isinstance(items[1], SourceError) and "more than once" in items[1].message
    assert read_stream(io.BytesIO(b"")).text == ""
