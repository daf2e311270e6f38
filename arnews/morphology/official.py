"""The official CAMeL Tools data (calima-msa-r13 DB and MLE disambiguator), when installed."""
from __future__ import annotations

from pathlib import Path

from .base import MissingDataError
from .camel_data import OFFICIAL_DB, official_paths, prepare_camel_import, user_camel_dir

INSTALL_HINT = (
    "the official CAMeL Tools morphology data ({db}) is not installed in {dir}. Install it with "
    "`camel_data -i light` (needs internet), or set CAMELTOOLS_DATA to a directory that has it, "
    "or use `--morphology builtin`."
)


def official_status() -> dict:
    data_dir = user_camel_dir()
    paths = official_paths(data_dir)
    ok = paths["db"] is not None
    detail = f"CAMeL Tools data dir {data_dir}"
    if ok:
        detail += "; MLE disambiguator " + ("installed" if paths["mle"] else "not installed")
    else:
        detail += f"; {OFFICIAL_DB} not installed"
    return {"name": "camel", "available": ok, "built": ok, "path": str(paths["db"] or data_dir),
            "version": OFFICIAL_DB if ok else "", "detail": detail}


def load_official():
    """(MorphologyDB analyzer, MLE disambiguator or None, version) from the user's CAMeL data dir.

    Raises:
        MissingDataError: when the DB is not installed.
    """
    data_dir = user_camel_dir()
    paths = official_paths(data_dir)
    if paths["db"] is None:
        raise MissingDataError(INSTALL_HINT.format(db=OFFICIAL_DB, dir=data_dir))
    prepare_camel_import()
    from camel_tools.morphology.analyzer import Analyzer
    from camel_tools.morphology.database import MorphologyDB

    db = MorphologyDB(str(paths["db"]), "a")
    analyzer = Analyzer(db, "NOAN_PROP")
    mle = None
    if paths["mle"] is not None:
        from camel_tools.disambig.mle import MLEDisambiguator

        mle = MLEDisambiguator(analyzer, str(paths["mle"]), top=1, cache_size=0)
    return analyzer, mle, OFFICIAL_DB


def official_db_path() -> Path | None:
    return official_paths()["db"]
