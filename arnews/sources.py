"""Reading inputs: files, folders (recursive), stdin; decoding with encoding detection.

Nothing here raises for a bad input: each input yields either a Source or a
SourceError, so one unreadable file never stops a batch. What happens to each
kind of broken input (all covered by tests/test_bad_input.py):

* empty or whitespace-only input: read, with a warning (zero words is a result);
* text with no Arabic script: read, with a warning;
* a known binary format (PNG, ELF, PDF, ZIP, ...) or text that is mostly
  control characters: refused as binary;
* a few NUL bytes inside otherwise good text (broken exports): each NUL is read
  as a space (so words on both sides stay apart and offsets stay true), with a
  warning; text that is over 30% NULs and other controls is binary;
* UTF-8 with a few bad bytes (at most 1 for every 20 good non-ASCII characters),
  or cut in the middle of a character at the end: the bad bytes become U+FFFD,
  with a warning giving the count and the first byte offset and line; anything
  else that is not UTF-8 goes to code-page detection (Windows-1256, ISO-8859-6,
  ...) and is refused with a hint about ``--encoding`` when nothing fits;
* an explicit ``--encoding`` is strict: bytes that are not valid in it are an error;
* inputs over ``max_bytes`` (default 5 MB, see DEFAULT_MAX_BYTES) are refused before they are read.
"""
from __future__ import annotations

import codecs
import errno
import fnmatch
import logging
import os
import re
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Collection, Iterable, Iterator

from .document import Source
from .tokenize import has_arabic_letter

log = logging.getLogger(__name__)

DEFAULT_GLOB = "*.txt"
# Memory is the bound: analysing one document peaks at about 0.15 GB + 0.25 GB per MB of its
# text, per worker (measured 2026-12-03 with -f jsonl, the heaviest output: 5 MB of one-letter
# words, 1.7 million tokens, 1.35 GB; 4.3 MB of news, 0.85 GB; tokenize: 0.7 GB for the former;
# see docs/faults.md). So 5 MB (about 900,000 words of news, far beyond any article) keeps a
# worker well under 2 GB; --max-bytes raises it, 0 removes it.
DEFAULT_MAX_BYTES = 5_000_000
STDIN_NAME = "<stdin>"

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32"),
    (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16"),
)
# Signatures of common binary formats: reading them as text would only produce noise.
_BINARY_MAGIC = {
    b"\x89PNG": "PNG image",
    b"\x7fELF": "ELF executable",
    b"%PDF": "PDF document",
    b"PK\x03\x04": "ZIP archive (also .docx, .xlsx, .epub)",
    b"\x1f\x8b": "gzip archive",
    b"GIF8": "GIF image",
    b"\xff\xd8\xff": "JPEG image",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1": "MS Office document (.doc, .xls)",
    b"SQLite format 3\x00": "SQLite database",
    b"\xfd7zXZ\x00": "xz archive",
    b"(\xb5/\xfd": "zstd archive",
    b"7z\xbc\xaf'\x1c": "7-Zip archive",
    b"Rar!\x1a\x07": "RAR archive",
    b"\xca\xfe\xba\xbe": "Mach-O or Java class file",
    b"\xcf\xfa\xed\xfe": "Mach-O executable",
    b"\x00asm": "WebAssembly module",
}
# Candidates for text that is neither BOM-marked nor UTF-8: Arabic legacy code pages first.
_LEGACY = ["cp1256", "iso8859_6", "cp720", "mac_arabic", "cp1252", "latin_1"]
# Control characters that never occur in text (tab, newlines, form feed and ESC are left out:
# ESC sequences are shown escaped by the table renderer and kept in data output).
_BINARY_CONTROLS_RE = re.compile("[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")
_BINARY_CONTROL_SHARE = 0.30  # above this share of control characters a "text" is binary
_MAX_BAD_UTF8_RATIO = 1 / 20  # bad bytes per good non-ASCII character still read as UTF-8


@dataclass
class SourceError:
    """An input that could not be read or decoded, with a message that says what to do."""

    name: str
    message: str
    path: str | None = None


class InputError(Exception):
    pass


@dataclass
class Decoded:
    """Decoded text, the encoding used, and what the reader had to repair or wants to flag."""

    text: str
    encoding: str
    warnings: list[str] = field(default_factory=list)


def display_name(path: str | os.PathLike[str] | bytes) -> str:
    """A path as text that can always be printed and written as UTF-8.

    File names that are not valid UTF-8 reach Python as lone surrogates
    (``surrogateescape``); they are shown as ``\\xNN`` escapes of the raw bytes.
    """
    if isinstance(path, bytes):
        return path.decode("utf-8", "backslashreplace")
    s = os.fspath(path)
    try:
        s.encode("utf-8")
        return s
    except UnicodeEncodeError:
        return s.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _where(data: bytes, pos: int) -> str:
    line = data.count(b"\n", 0, pos) + 1
    return f"byte {pos} (line {line})"


# High bytes of UTF-16 code units in Arabic or Latin text: Latin-1 (0x00), Arabic (0x06-0x08),
# general punctuation (0x20), presentation forms (0xFB, 0xFE) and surrogates (emoji, 0xD8-0xDF).
_UTF16_HIGH = frozenset([0x00, 0x06, 0x07, 0x08, 0x20, 0xFB, 0xFE, *range(0xD8, 0xE0)])


def _decode_utf16_without_bom(data: bytes) -> Decoded | None:
    # Arabic or Latin UTF-16 has one of a few high bytes in every other position.
    # (Binary data that passes this decodes to control characters and is refused later.)
    if len(data) < 4 or len(data) % 2:
        return None
    even, odd = data[0::2], data[1::2]
    for enc, high in (("utf-16-le", odd), ("utf-16-be", even)):
        share = sum(1 for b in high if b in _UTF16_HIGH) / len(high)
        if share > 0.9:
            decoded = _lenient_utf16(data, enc, enc)
            if decoded is None:
                continue
            text = decoded.text
            # Check the characters too: UTF-8 Arabic (0xD8/0xD9 lead bytes) must not pass for surrogates.
            if sum(1 for c in text if _is_utf16_text_char(c)) >= 0.9 * len(text):
                return decoded
    return None


def _lenient_utf16(data: bytes, codec: str, label: str, offset: int = 0) -> Decoded | None:
    """UTF-16 (`data` after any BOM, which is `offset` bytes long): strictly, or with a few bad
    code units (a lone surrogate, an odd last byte) replaced by U+FFFD and a warning, as for
    UTF-8; None when too much of it is bad."""
    try:
        return Decoded(data.decode(codec), label)
    except UnicodeDecodeError as e:
        first = e.start + offset
    text = data.decode(codec, "replace")
    bad = text.count("\ufffd") - _count_utf16_fffd(data, codec)
    good = sum(1 for c in text if c > "\x7f" and c != "\ufffd")
    if bad <= 0 or good == 0 or bad > good * _MAX_BAD_UTF8_RATIO:
        return None
    return Decoded(text, label, [
        f"{bad} invalid UTF-16 code unit(s) (lone surrogates or a cut-off last byte) replaced by U+FFFD "
        f"(first at byte {first}); pass --encoding NAME if the file is in another encoding"])


def _count_utf16_fffd(data: bytes, codec: str) -> int:
    """U+FFFD characters really in the text (not replacements)."""
    mark = "\ufffd".encode(codec.replace("-sig", ""))
    return sum(1 for i in range(0, len(data) - 1, 2) if data[i:i + 2] == mark)


def _is_utf16_text_char(c: str) -> bool:
    o = ord(c)
    return (o <= 0x24F or 0x600 <= o <= 0x8FF or 0x2000 <= o <= 0x206F or 0xFB50 <= o <= 0xFEFF
            or o >= 0x10000)


def _lenient_utf8(data: bytes, err: UnicodeDecodeError) -> Decoded | None:
    """UTF-8 with a few bad bytes (or cut short at the end): decoded with U+FFFD and a warning."""
    if err.reason == "unexpected end of data" and err.end == len(data):
        # The first error is an incomplete character at the very end: a truncated file.
        return Decoded(data[: err.start].decode("utf-8") + "\ufffd", "utf-8", [
            f"ends in the middle of a UTF-8 character (truncated file?); the last {len(data) - err.start} "
            "byte(s) are shown as U+FFFD"])
    text = data.decode("utf-8", "replace")
    bad = text.count("\ufffd") - data.count(b"\xef\xbf\xbd")
    good = sum(1 for c in text if c > "\x7f" and c != "\ufffd")
    if bad <= 0 or good == 0 or bad > good * _MAX_BAD_UTF8_RATIO:
        return None
    return Decoded(text, "utf-8", [
        f"{bad} invalid UTF-8 byte sequence(s) replaced by U+FFFD (first at {_where(data, err.start)}); "
        "pass --encoding NAME if the file is in another encoding"])


def _check_text(text: str, encoding: str, warnings: list[str]) -> Decoded:
    """Refuse binary-looking text; read stray NULs as spaces; flag empty or non-Arabic text."""
    if text:
        sample = text[:65536]
        controls = len(_BINARY_CONTROLS_RE.findall(sample))
        if controls > _BINARY_CONTROL_SHARE * len(sample):
            raise InputError(
                f"looks like a binary file ({controls / len(sample):.0%} control characters), not text")
        nuls = text.count("\x00")
        if nuls:
            text = text.replace("\x00", " ")
            warnings.append(f"{nuls} NUL character(s) read as spaces")
    if not text:
        warnings.append("empty input: no text to analyse")
    elif text.isspace():
        warnings.append("no text: the input is only whitespace")
    elif not has_arabic_letter(text):
        warnings.append("no Arabic script found (is this the right file, or does it need --encoding?)")
    return Decoded(text, encoding, warnings)


def encoding_problem(encoding: str) -> str | None:
    """Why `encoding` cannot decode text (unknown, or a bytes codec like base64), or None."""
    try:
        info = codecs.lookup(encoding)
    except LookupError:
        return f"unknown encoding {encoding!r} (try utf-8, cp1256, iso8859-6, utf-16)"
    if not getattr(info, "_is_text_encoding", True):
        return f"{encoding!r} is not a text encoding (try utf-8, cp1256, iso8859-6, utf-16)"
    return None


def decode(data: bytes, encoding: str | None = None) -> Decoded:
    """Decode `data` into text, with warnings for anything repaired. Raises InputError when it cannot.

    Order: an explicit encoding (strict); a byte-order mark; binary signatures;
    BOM-less UTF-16; UTF-8 (a few bad bytes replaced, with a warning); then charset
    detection among Arabic code pages (Windows-1256, ISO-8859-6, ...).
    """
    if encoding:
        problem = encoding_problem(encoding)
        if problem:
            raise InputError(problem)
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as e:
            raise InputError(f"not valid {encoding} at {_where(data, e.start)}; try another --encoding") from None
        return _check_text(text.removeprefix("\ufeff"), encoding, [])
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            if label == "utf-16":
                decoded = _lenient_utf16(data[len(bom):], codec, label, len(bom))
                if decoded is not None:
                    return _check_text(decoded.text, label, decoded.warnings)
            try:
                return _check_text(data[len(bom):].decode(codec), label, [])
            except UnicodeDecodeError as e:
                raise InputError(
                    f"starts with a {label} byte-order mark but is not valid {label} "
                    f"(byte {e.start + len(bom)}); pass --encoding NAME") from None
    for magic, kind in _BINARY_MAGIC.items():
        if data.startswith(magic):
            raise InputError(f"looks like a binary file ({kind}), not text")
    # BOM-less UTF-16 of Arabic or Latin text is often valid UTF-8 byte for byte (NULs and
    # 0x06 are ASCII controls), so it has to be recognised before trying UTF-8.
    utf16 = _decode_utf16_without_bom(data) if b"\x00" in data else None
    if utf16 is not None:
        return _check_text(utf16.text, utf16.encoding, utf16.warnings)
    try:
        return _check_text(data.decode("utf-8"), "utf-8", [])
    except UnicodeDecodeError as err:
        utf8_error = err
    lenient = _lenient_utf8(data, utf8_error)
    if lenient is not None:
        return _check_text(lenient.text, lenient.encoding, lenient.warnings)
    if b"\x00" in data:
        raise InputError("looks like a binary file (contains NUL bytes and is not UTF-16), not text")
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=_LEGACY).best()
    if best is None:
        raise InputError(
            f"cannot decode: not UTF-8 (bad byte at {_where(data, utf8_error.start)}) and no known Arabic "
            "encoding fits; pass --encoding NAME (e.g. cp1256, iso8859-6)"
        )
    return _check_text(str(best), codecs.lookup(best.encoding).name, [])


def decode_bytes(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """Decode `data`; returns (text, encoding name). Raises InputError when it cannot (see decode())."""
    d = decode(data, encoding)
    return d.text, d.encoding


def _size_error(size: int, max_bytes: int, exact: bool = True) -> InputError:
    limit = f"{max_bytes:,} bytes" + (f" ({max_bytes / 1e6:.1f} MB)" if max_bytes >= 100_000 else "")
    # A stream is read only up to the limit, so its size is not known: just say it is over.
    what = f"is {size / 1e6:.1f} MB, over" if exact else "is over"
    return InputError(f"{what} the --max-bytes limit of {limit}; raise it with --max-bytes N (0: no limit)")


def _os_message(e: OSError) -> str:
    if isinstance(e, FileNotFoundError):
        return "no such file or directory"
    if isinstance(e, PermissionError):
        return "permission denied"
    if isinstance(e, IsADirectoryError):
        return "is a directory"
    if isinstance(e, NotADirectoryError):
        return "not a directory: a folder in the path is a file"
    if e.errno == errno.ELOOP:
        return "symbolic link loop"
    return e.strerror or str(e)


def _stat_error(path: str) -> str | None:
    """Why `path` cannot be opened (broken link, loop, file used as a folder...), or None."""
    try:
        os.stat(path)
        return None
    except FileNotFoundError:
        if os.path.islink(path):
            return "broken symbolic link (its target does not exist)"
        return "no such file or directory"
    except OSError as e:
        return _os_message(e)


def read_source(path: str | os.PathLike[str], encoding: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> Source:
    """Read and decode one file. Raises InputError with a user-facing message.

    At most `max_bytes` are read (0: no limit): an input over the limit is refused,
    never truncated. FIFOs and devices (``<(cmd)``) are read like streams.
    """
    p = os.fspath(path)
    try:
        st = os.stat(p)
        if stat.S_ISDIR(st.st_mode):
            raise InputError("is a directory (folders are read recursively only when given as a path; check the path)")
        if max_bytes and stat.S_ISREG(st.st_mode) and st.st_size > max_bytes:
            raise _size_error(st.st_size, max_bytes)
        with open(p, "rb") as fh:
            data = fh.read(max_bytes + 1 if max_bytes else -1)
    except InputError:
        raise
    except FileNotFoundError:
        raise InputError(_stat_error(p) or "no such file or directory") from None
    except OSError as e:
        raise InputError(_os_message(e)) from None
    if max_bytes and len(data) > max_bytes:
        raise _size_error(len(data), max_bytes, exact=False)
    d = decode(data, encoding)
    name = display_name(path)
    return Source(name=name, text=d.text, encoding=d.encoding, path=p, size_bytes=len(data),
                  warnings=d.warnings)


def stdin_stream() -> BinaryIO | None:
    """The binary standard input, or None when it is closed (e.g. ``arnews analyze - <&-``)."""
    stream = sys.stdin
    if stream is None or stream.closed:
        return None
    return getattr(stream, "buffer", None)


def read_stream(stream: BinaryIO | None, name: str = STDIN_NAME, encoding: str | None = None,
                max_bytes: int = DEFAULT_MAX_BYTES) -> Source:
    """Read and decode a binary stream (standard input). None means the stream is closed."""
    if stream is None:
        raise InputError("standard input is closed")
    try:
        data = stream.read(max_bytes + 1 if max_bytes else -1)
    except (OSError, ValueError) as e:  # ValueError: read from a closed file
        raise InputError(f"cannot read: {getattr(e, 'strerror', None) or e}") from None
    if data is None:
        data = b""
    if max_bytes and len(data) > max_bytes:
        raise _size_error(len(data), max_bytes, exact=False)
    d = decode(data, encoding)
    return Source(name=name, text=d.text, encoding=d.encoding, path=None, size_bytes=len(data), warnings=d.warnings)


def _is_hidden(name: str) -> bool:
    return name.startswith(".")


def _file_id(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


class _RegularPath(str):
    """A path that _walk has just seen to be a regular file (iter_inputs need not stat it again)."""

    __slots__ = ()


def _walk(folder: str, glob: str, exclude: Collection[tuple[int, int]]) -> Iterator[str | SourceError]:
    # Iterative (os.walk recurses, and a folder nested ~1000 deep would raise RecursionError),
    # depth-first, sorted, hidden entries skipped, symlinked folders not followed.
    stack = [folder]
    while stack:
        root = stack.pop()
        try:
            with os.scandir(root) as it:
                entries = list(it)
        except OSError as e:
            yield SourceError(display_name(root), f"cannot list folder: {_os_message(e)}", root)
            continue
        dirs, files = [], []
        for entry in entries:
            if _is_hidden(entry.name):
                continue
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                is_dir = False
            (dirs if is_dir else files).append(entry.name)
        for name in sorted(files):
            if not fnmatch.fnmatch(name, glob):
                continue
            path = os.path.join(root, name)
            try:
                st = os.stat(path)
            except OSError:
                problem = _stat_error(path) or "cannot read"
                yield SourceError(display_name(path), problem, path)
                continue
            if not stat.S_ISREG(st.st_mode):
                log.info("skipping %s: not a regular file", display_name(path))
                continue
            if (st.st_dev, st.st_ino) in exclude:
                log.info("skipping %s: it is the output file", display_name(path))
                continue
            yield _RegularPath(path)
        stack.extend(os.path.join(root, d) for d in sorted(dirs, reverse=True))


def walk_folder(folder: Path | str, glob: str = DEFAULT_GLOB) -> Iterator[Path]:
    """Files under `folder` matching `glob`, recursively, in sorted order; hidden entries skipped.

    Symlinked folders are not followed, so a link loop cannot make the walk endless;
    entries that are not regular files (FIFOs, sockets, devices) are skipped.
    """
    for item in _walk(os.fspath(folder), glob, ()):
        if isinstance(item, str):
            yield Path(item)


def expand_inputs(paths: Iterable[str], glob: str = DEFAULT_GLOB, *,
                  exclude: Iterable[str] = ()) -> Iterator[str | SourceError]:
    """Expand folder arguments into files; "-" stays "-". Missing paths become errors.

    Files in `exclude` (e.g. the output file) are skipped inside folders.
    """
    excluded = {fid for fid in map(_file_id, exclude) if fid is not None}
    for raw in paths:
        if raw == "-":
            yield raw
            continue
        raw = os.fspath(raw)
        if os.path.isdir(raw):
            found = False
            for item in _walk(raw, glob, excluded):
                found = True
                yield item
            if not found:  # an empty folder, or a --glob that matches nothing: say so (exit 1)
                yield SourceError(display_name(raw), f"no input files found under this folder (glob {glob}); "
                                  "check the path and --glob", raw)
            continue
        problem = _stat_error(raw)
        if problem is None:
            yield raw
        else:
            yield SourceError(display_name(raw), problem, raw)


def folder_holding(output: str, paths: Iterable[str], glob: str = DEFAULT_GLOB) -> str | None:
    """The folder among `paths` whose walk would read the existing file `output`, or None.

    Writing there would replace one of the inputs (`arnews analyze fo -o fo/b.txt`), so the
    caller refuses it before anything is read or written. Follows the walk's rules: names that
    match `glob`, no hidden entries, no symlinked folders on the way.
    """
    try:
        if not os.path.isfile(output):
            return None
        real = os.path.realpath(output)
    except (OSError, ValueError):
        return None
    name = os.path.basename(real)
    if _is_hidden(name) or not fnmatch.fnmatch(name, glob):
        return None
    folders = [p for p in paths if p != "-" and os.path.isdir(p)]
    parts: list[str] = []
    d = os.path.dirname(real)
    while True:
        for folder in folders:
            try:
                if os.path.samefile(d, folder):
                    return folder if not any(map(_is_hidden, parts)) else None
            except OSError:
                continue
        parent = os.path.dirname(d)
        if parent == d:
            return None
        parts.append(os.path.basename(d))
        d = parent


@dataclass(frozen=True)
class SourceRef:
    """A file that the process analysing it reads and decodes (cheap to send to a worker)."""

    path: str
    encoding: str | None = None
    max_bytes: int = DEFAULT_MAX_BYTES

    @property
    def name(self) -> str:
        return display_name(self.path)


def iter_inputs(paths: Iterable[str], *, glob: str = DEFAULT_GLOB, encoding: str | None = None,
                max_bytes: int = DEFAULT_MAX_BYTES, stdin: BinaryIO | None = None,
                exclude: Iterable[str] = ()) -> Iterator[Source | SourceError | SourceRef]:
    """Like iter_sources, but regular files stay unread (SourceRef) until a worker runs them.

    Standard input, FIFOs and devices are read here (no other process can read them).
    """
    stdin_used = False
    for item in expand_inputs(paths, glob, exclude=exclude):
        if isinstance(item, SourceError):
            yield item
        elif item == "-":
            if stdin_used:
                yield SourceError(STDIN_NAME, "standard input was given more than once; it is read only the first time")
                continue
            stdin_used = True
            try:
                yield read_stream(stdin if stdin is not None else stdin_stream(), STDIN_NAME, encoding, max_bytes)
            except InputError as e:
                yield SourceError(STDIN_NAME, str(e))
        elif isinstance(item, _RegularPath) or _is_regular(item):
            yield SourceRef(str(item), encoding, max_bytes)
        else:
            yield resolve(SourceRef(item, encoding, max_bytes))


def _is_regular(path: str) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return True  # let read_source report the problem


def resolve(item: "Source | SourceError | SourceRef") -> Source | SourceError:
    """Read a SourceRef; Sources and SourceErrors pass through."""
    if not isinstance(item, SourceRef):
        return item
    try:
        return read_source(item.path, item.encoding, item.max_bytes)
    except InputError as e:
        return SourceError(display_name(item.path), str(e), item.path)
    except Exception as e:  # a decoder bug must not stop the batch either
        log.debug("reading %s failed", item.path, exc_info=True)
        return SourceError(display_name(item.path), f"cannot read: {type(e).__name__}: {e}", item.path)


def iter_sources(paths: Iterable[str], *, glob: str = DEFAULT_GLOB, encoding: str | None = None,
                 max_bytes: int = DEFAULT_MAX_BYTES, stdin: BinaryIO | None = None,
                 exclude: Iterable[str] = ()) -> Iterator[Source | SourceError]:
    """Sources (or errors) for every input, in order. "-" reads standard input once."""
    for item in iter_inputs(paths, glob=glob, encoding=encoding, max_bytes=max_bytes, stdin=stdin, exclude=exclude):
        yield resolve(item)
