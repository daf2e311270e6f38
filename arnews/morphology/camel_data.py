"""Where CAMeL Tools data lives, and importing camel_tools safely on a machine without it.

Importing ``camel_tools.morphology`` loads ``$CAMELTOOLS_DATA/catalogue.json`` and, when
that file is missing, tries to download it (``DownloaderError`` offline). It also creates
``~/.camel_tools`` at import time. Before the first camel_tools import we therefore:

- leave everything alone when the user's data dir has a real catalogue (their data, their choice);
- otherwise point ``CAMELTOOLS_DATA`` at an arnews-owned directory holding a minimal catalogue,
  and, when ``~/.camel_tools`` does not exist, keep camel_tools from creating it.

Nothing here writes into the user's CAMeL data directory. Detection of the official data
reads the catalogue JSON directly, so ``arnews data status`` never imports camel_tools.
"""
from __future__ import annotations

import json
import os
import sys
import threading
from pathlib import Path

MINIMAL_CATALOGUE = {"version": "1.6.0", "packages": {}, "components": {}}
OFFICIAL_DB = "calima-msa-r13"

_lock = threading.Lock()
_prepared = False


def cache_dir() -> Path:
    """arnews' own cache root: $ARNEWS_CACHE_DIR or the platform user cache dir (not created here)."""
    env = os.environ.get("ARNEWS_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("arnews"))


class CacheDirUnusable(Exception):
    """arnews' cache folder cannot be created or written: a problem of the machine, not of an input."""


def cache_dir_unusable(e: OSError) -> CacheDirUnusable:
    """The error to raise when writing into the cache folder failed with `e`: what, where, and the fix."""
    where = e.filename or cache_dir()
    reason = e.strerror or type(e).__name__
    return CacheDirUnusable(
        f"cannot write arnews' cache folder ({where}: {reason}); make {cache_dir()} a writable folder, "
        "or point ARNEWS_CACHE_DIR at one (e.g. ARNEWS_CACHE_DIR=/tmp/arnews-cache)")


def make_cache_subdir(path: Path) -> None:
    """mkdir -p `path` inside the cache folder; CacheDirUnusable when that is impossible."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise cache_dir_unusable(e) from None


def default_camel_home() -> Path:
    if sys.platform == "win32":
        return Path.home() / "AppData/Roaming/camel_tools"
    return Path.home() / ".camel_tools"


def user_camel_dir() -> Path:
    """The CAMeL data directory the user has configured (may not exist)."""
    env = os.environ.get("CAMELTOOLS_DATA")
    if env:
        return Path(env).expanduser().absolute()
    return default_camel_home()


def _read_catalogue(data_dir: Path) -> dict | None:
    try:
        with open(data_dir / "catalogue.json", encoding="utf-8") as fh:
            cat = json.load(fh)
    except (OSError, ValueError):
        return None
    return cat if isinstance(cat, dict) and "components" in cat else None


def official_paths(data_dir: Path | None = None, db_name: str = OFFICIAL_DB) -> dict[str, Path | None]:
    """Paths of the official morphology DB and MLE model when installed, else None."""
    data_dir = data_dir or user_camel_dir()
    cat = _read_catalogue(data_dir) or {}
    comps = cat.get("components", {})

    def find(component: str, filename: str) -> Path | None:
        ds = comps.get(component, {}).get("datasets", {}).get(db_name)
        if not isinstance(ds, dict) or "path" not in ds:
            return None
        p = data_dir / "data" / ds["path"] / filename
        return p if p.is_file() else None

    return {"db": find("MorphologyDB", "morphology.db"), "mle": find("DisambigMLE", "model.json"),
            "catalogue": data_dir / "catalogue.json" if cat else None}


def prepare_camel_import() -> None:
    """Make ``import camel_tools.morphology`` safe; call before the first camel_tools import."""
    global _prepared
    with _lock:
        if _prepared or "camel_tools.data" in sys.modules:
            _prepared = True
            return
        if _read_catalogue(user_camel_dir()) is None:
            own = cache_dir() / "camel_tools_data"
            make_cache_subdir(own)
            cat = own / "catalogue.json"
            if _read_catalogue(own) is None:
                tmp = own / f"catalogue.json.{os.getpid()}.tmp"
                try:
                    tmp.write_text(json.dumps(MINIMAL_CATALOGUE), encoding="utf-8")
                    os.replace(tmp, cat)
                except OSError as e:
                    raise cache_dir_unusable(e) from None
            os.environ["CAMELTOOLS_DATA"] = str(own)
        home_default = default_camel_home()
        old_home = os.environ.get("HOME")
        swap_home = not home_default.exists() and sys.platform != "win32"
        try:
            if swap_home:
                # camel_tools.data.catalogue mkdirs ~/.camel_tools at import; give it our dir instead.
                fake_home = cache_dir() / "camel_home"
                make_cache_subdir(fake_home)
                os.environ["HOME"] = str(fake_home)
            import camel_tools.data  # noqa: F401  (loads the catalogue now, with the env above)
        finally:
            if swap_home:
                if old_home is None:
                    os.environ.pop("HOME", None)
                else:
                    os.environ["HOME"] = old_home
        _prepared = True


