"""arnews leans on parts of camel_tools that are not public API: LeanAnalyzer subclasses
Analyzer and overrides its private combination methods, reads MorphologyDB's tables directly,
and the built-in DB is pickled (so the class layout must match at load). pyproject.toml pins
camel-tools to the minor version these were written against; this test names each private
piece, so that an upgrade that moves one fails here, loudly and by name, rather than somewhere
deep in the lemma stage."""
from __future__ import annotations

import inspect
from importlib.metadata import version

import pytest

TESTED_MINOR = "1.6"  # keep equal to the bound in pyproject.toml


@pytest.fixture(scope="module")
def camel():
    from arnews.morphology.camel_data import prepare_camel_import

    prepare_camel_import()
    from camel_tools.morphology import analyzer

    return analyzer


def _params(fn) -> list[str]:
    return list(inspect.signature(fn).parameters)


def test_installed_camel_tools_is_the_tested_minor_version():
    assert version("camel-tools").rsplit(".", 1)[0] == TESTED_MINOR, (
        f"camel-tools {version('camel-tools')} installed; arnews is tested against {TESTED_MINOR}.x "
        "(see tests/morphology/test_camel_private_api.py for the private API it relies on)")


def test_pyproject_bounds_camel_tools_to_the_tested_minor():
    import re
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "pyproject.toml").read_text(encoding="utf-8")
    spec = re.search(r'"camel-tools([^"]*)"', text).group(1)
    assert spec == f">={TESTED_MINOR},<{TESTED_MINOR.split('.')[0]}.{int(TESTED_MINOR.split('.')[1]) + 1}", spec


def test_analyzer_private_methods_that_lean_analyzer_overrides_or_calls(camel):
    Analyzer = camel.Analyzer
    assert _params(Analyzer._combined_analyses) == [
        "self", "word_dediac", "prefix_analyses", "stem_analyses", "suffix_analyses"]
    assert _params(Analyzer._combined_backoff_analyses) == [
        "self", "stem", "word_dediac", "prefix_analyses", "stem_analyses", "suffix_analyses"]
    assert _params(Analyzer._normalize) == ["self", "word"]
    assert _params(camel._segments_gen) == ["word", "max_prefix", "max_suffix"]
    # _segments_gen yields every (prefix, stem, suffix) split within the size limits.
    assert ("و", "كتب", "") in set(camel._segments_gen("وكتب", 2, 2))


def test_analyzer_and_db_private_attributes(camel):
    from arnews.morphology.builtin import load_db

    db = load_db()
    for name in ("prefix_hash", "suffix_hash", "stem_hash", "prefix_stem_compat", "prefix_suffix_compat",
                 "stem_suffix_compat", "stem_backoffs", "max_prefix_size", "max_suffix_size", "defaults",
                 "compute_feats"):
        assert hasattr(db, name), f"MorphologyDB.{name} is gone"
    analyzer = camel.Analyzer(db, "NOAN_PROP")
    for name in ("_db", "_backoff_condition", "_backoff_action", "_norm_map"):
        assert hasattr(analyzer, name), f"Analyzer.{name} is gone"
    assert (analyzer._backoff_condition, analyzer._backoff_action) == ("NOAN", "PROP")
    # The tables hold (category, analysis dict) pairs keyed by the surface string.
    cat, analysis = next(iter(db.stem_hash["كتب"]))
    assert isinstance(cat, str) and isinstance(analysis, dict) and "lex" in analysis
