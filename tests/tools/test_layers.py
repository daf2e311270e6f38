"""tools/import_layers.py: the package's imports form layers, with no cycle and no upward arrow."""
from __future__ import annotations

import subprocess
import sys

from ..helpers import REPO

sys.path.insert(0, str(REPO / "tools"))
import import_layers  # noqa: E402


def test_package_has_no_cycle_and_no_upward_import():
    run = subprocess.run([sys.executable, str(REPO / "tools" / "import_layers.py")],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.strip().endswith(" 0 problems")


def test_one_missing_data_error_for_every_stage():
    import arnews.entities
    import arnews.errors
    import arnews.morphology

    assert arnews.morphology.MissingDataError is arnews.entities.MissingDataError is arnews.errors.MissingDataError


def _package(tmp_path, files: dict[str, str]):
    pkg = tmp_path / "arnews"
    for name, text in files.items():
        path = pkg / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return pkg


def test_a_cycle_through_a_function_level_import_is_found(tmp_path):
    pkg = _package(tmp_path, {
        "__init__.py": "",
        "batch.py": "from .dask_engine import run_dask\n",
        "dask_engine.py": "def run():\n    from .batch import process_item\n",
    })
    graph = import_layers.build_graph(pkg)
    assert graph["arnews.batch"] == {"arnews.dask_engine"}
    assert graph["arnews.dask_engine"] == {"arnews.batch"}
    assert import_layers.problems(graph) == ["cycle: arnews.batch <-> arnews.dask_engine"]
    assert import_layers.main([str(pkg)]) == 1


def test_an_upward_import_is_found_and_modules_and_names_are_told_apart(tmp_path):
    pkg = _package(tmp_path, {
        "__init__.py": "",
        "document.py": "",
        "keywords.py": ("from typing import TYPE_CHECKING\nfrom .document import Document\n"
                        "if TYPE_CHECKING:\n    from .pipeline import Pipeline\n"),
        "pipeline.py": "from . import keywords\nfrom .document import Document\n",
        "entities/__init__.py": "from . import _ctagger\n",
        "entities/_ctagger.c": "",
    })
    graph = import_layers.build_graph(pkg)
    assert graph["arnews.pipeline"] == {"arnews.keywords", "arnews.document"}
    assert graph["arnews.entities"] == {"arnews.entities._ctagger"}  # a C extension is a module too
    found = import_layers.problems(graph)
    assert "upward: arnews.keywords (later stages) -> arnews.pipeline (pipeline)" in found
    assert "cycle: arnews.keywords <-> arnews.pipeline" in found


def test_a_module_outside_every_layer_is_reported(tmp_path):
    pkg = _package(tmp_path, {"__init__.py": "", "novelty.py": ""})
    assert import_layers.problems(import_layers.build_graph(pkg)) == [
        "unplaced: arnews.novelty is in no layer (add it to LAYERS in tools/import_layers.py)"]
