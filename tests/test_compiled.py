"""Compiled modules (setup.py) must be built from the source beside them.

Python imports a module's compiled file before its .py, so in a source checkout an edit to a
compiled module's source does nothing until it is rebuilt: tests would pass or fail on old
code. This test fails while any in-place build is older than its source.
"""
from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "arnews"


def test_in_place_builds_are_newer_than_their_sources():
    stale = []
    for built in PACKAGE.rglob("*.so"):
        stem = built.name.split(".", 1)[0]
        sources = [p for p in (built.with_name(stem + ".py"), built.with_name(stem + ".c")) if p.exists()]
        assert sources, f"{built} has no source beside it: delete it"
        if any(src.stat().st_mtime > built.stat().st_mtime for src in sources):
            stale.append(str(built.relative_to(PACKAGE.parent)))
    assert not stale, f"rebuild with `python setup.py build_ext --inplace -q`: stale {stale}"
