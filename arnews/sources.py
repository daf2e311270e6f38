"""Reading inputs: files, folders (recursive), stdin; decoding with encoding detection.

Nothing here raises for a bad input: each input yields either a Source or a
SourceError, so one unreadable file never stops a batch.
"""
from __future__ import annotations

import codecs
import fnmatch
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator

from .document import Source

DEFAULT_GLOB = "*.txt"
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
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
    b"PK\x03\x04": "ZIP archive",
    b"\x1f\x8b": "gzip archive",
    b"GIF8": "GIF image",
    b"\xff\xd8\xff": "JPEG image",
}
# Candidates for text that is neither BOM-marked nor UTF-8: Arabic legacy code pages first.
_LEGACY = ["cp1256", "iso8859_6", "cp720", "mac_arabic", "cp1252", "latin_1"]


@dataclass
class SourceError:
    """An input that could not be read or decoded, with a message that says what to do."""

    name: str
    message: str
    path: str | None = None


class InputError(Exception):
    pass


def _decode_utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    # Mostly-ASCII or Arabic UTF-16 has a NUL or a 0x06 high byte in every other position.
    if len(data) < 4 or len(data) % 2:
        return None
    even, odd = data[0::2], data[1::2]
    for enc, high in (("utf-16-le", odd), ("utf-16-be", even)):
        share = sum(1 for b in high if b in (0x00, 0x06)) / len(high)
        if share > 0.9:
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError:
                return None
    return None


def decode_bytes(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """Decode `data`; returns (text, encoding name). Raises InputError when it cannot.

    Order: an explicit encoding; a byte-order mark; strict UTF-8; BOM-less UTF-16;
    then charset detection among Arabic code pages (Windows-1256, ISO-8859-6, ...).
    """
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise InputError(f"unknown encoding {encoding!r} (try utf-8, cp1256, iso8859-6, utf-16)") from None
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as e:
            raise InputError(f"not valid {encoding} at byte {e.start}; try another --encoding") from None
        return text.removeprefix("\ufeff"), encoding
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(codec), label
            except UnicodeDecodeError as e:
                raise InputError(f"starts with a {label} byte-order mark but is not valid {label} (byte {e.start})") from None
    for magic, kind in _BINARY_MAGIC.items():
        if data.startswith(magic):
            raise InputError(f"looks like a binary file ({kind}), not text")
    # BOM-less UTF-16 of Arabic or Latin text is often valid UTF-8 byte for byte (NULs and
    # 0x06 are ASCII controls), so it has to be recognised before trying UTF-8.
    utf16 = _decode_utf16_without_bom(data) if b"\x00" in data else None
    if utf16 is not None:
        return utf16
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as err:
        utf8_error = err
    if b"\x00" in data:
        raise InputError("looks like a binary file (contains NUL bytes and is not UTF-16), not text")
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=_LEGACY).best()
    if best is None:
        raise InputError(
            f"cannot decode: not UTF-8 (bad byte at {utf8_error.start}) and no known Arabic encoding fits; "
            "pass --encoding NAME (e.g. cp1256, iso8859-6)"
        )
    name = codecs.lookup(best.encoding).name
    return str(best), name


def read_source(path: str | os.PathLike[str], encoding: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> Source:
    """Read and decode one file. Raises InputError with a user-facing message."""
    p = Path(path)
    try:
        if p.is_dir():
            raise InputError("is a directory (folders are read recursively only when given as a path; check the path)")
        size = p.stat().st_size
        if max_bytes and size > max_bytes:
            raise InputError(
                f"is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB limit; raise it with --max-bytes"
            )
        with open(p, "rb") as fh:
            data = fh.read(max_bytes + 1 if max_bytes else -1)
    except InputError:
        raise
    except FileNotFoundError:
        raise InputError("no such file") from None
    except PermissionError:
        raise InputError("permission denied") from None
    except OSError as e:
        raise InputError(e.strerror or str(e)) from None
    if max_bytes and len(data) > max_bytes:
        raise InputError(f"is over the {max_bytes / 1e6:.0f} MB limit; raise it with --max-bytes")
    text, enc = decode_bytes(data, encoding)
    return Source(name=str(path), text=text, encoding=enc, path=str(path), size_bytes=len(data))


def read_stream(stream: BinaryIO, name: str = STDIN_NAME, encoding: str | None = None,
                max_bytes: int = DEFAULT_MAX_BYTES) -> Source:
    try:
        data = stream.read(max_bytes + 1 if max_bytes else -1)
    except OSError as e:
        raise InputError(f"cannot read: {e.strerror or e}") from None
    if data is None:
        data = b""
    if max_bytes and len(data) > max_bytes:
        raise InputError(f"is over the {max_bytes / 1e6:.0f} MB limit; raise it with --max-bytes")
    text, enc = decode_bytes(data, encoding)
    return Source(name=name, text=text, encoding=enc, path=None, size_bytes=len(data))


def _is_hidden(name: str) -> bool:
    return name.startswith(".")


def walk_folder(folder: Path, glob: str = DEFAULT_GLOB) -> Iterator[Path]:
    """Files under `folder` matching `glob`, recursively, in sorted order; hidden entries skipped.

    Symlinked folders are not followed, so a link loop cannot make the walk endless.
    """
    for root, dirs, files in os.walk(folder, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not _is_hidden(d))
        for name in sorted(files):
            if not _is_hidden(name) and fnmatch.fnmatch(name, glob):
                yield Path(root) / name


def expand_inputs(paths: Iterable[str], glob: str = DEFAULT_GLOB) -> Iterator[str | SourceError]:
    """Expand folder arguments into files; "-" stays "-". Missing paths become errors."""
    for raw in paths:
        if raw == "-":
            yield raw
            continue
        p = Path(raw)
        if p.is_dir():
            try:
                yield from (str(f) for f in walk_folder(p, glob))
            except OSError as e:
                yield SourceError(raw, f"cannot list folder: {e.strerror or e}", raw)
        elif p.exists() or p.is_symlink():
            yield raw
        else:
            yield SourceError(raw, "no such file or directory", raw)


def iter_sources(paths: Iterable[str], *, glob: str = DEFAULT_GLOB, encoding: str | None = None,
                 max_bytes: int = DEFAULT_MAX_BYTES, stdin: BinaryIO | None = None) -> Iterator[Source | SourceError]:
    """Sources (or errors) for every input, in order. "-" reads standard input once."""
    stdin_used = False
    for item in expand_inputs(paths, glob):
        if isinstance(item, SourceError):
            yield item
            continue
        if item == "-":
            if stdin_used:
                yield SourceError(STDIN_NAME, "standard input was given more than once; it is read only the first time")
                continue
            stdin_used = True
            stream = stdin if stdin is not None else sys.stdin.buffer
            try:
                yield read_stream(stream, STDIN_NAME, encoding, max_bytes)
            except InputError as e:
                yield SourceError(STDIN_NAME, str(e))
            continue
        try:
            yield read_source(item, encoding, max_bytes)
        except InputError as e:
            yield SourceError(item, str(e), item)
