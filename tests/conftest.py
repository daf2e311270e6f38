"""Shared fixtures. Additive: add fixtures, do not change the behaviour of existing ones."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

REPO = Path(__file__).resolve().parents[1]

try:  # hypothesis keeps caches in ./.hypothesis: keep the working folder clean
    import tempfile

    from hypothesis.configuration import set_hypothesis_home_dir

    set_hypothesis_home_dir(os.path.join(tempfile.gettempdir(), "arnews-tests-hypothesis"))
except ImportError:  # pragma: no cover
    pass
# Files that arnews itself may create next to an output file; none may outlive a test.
LEFTOVER_PATTERNS = (".arnews-*.tmp",)


class CliRun:
    """Runs the arnews CLI in-process and checks that no Python traceback escaped."""

    def __call__(self, *args: str, input: bytes | str | None = None, env: dict | None = None) -> Result:
        from arnews.cli import main

        res = CliRunner().invoke(main, [str(a) for a in args], input=input, env=env)
        if res.exception is not None and not isinstance(res.exception, SystemExit):
            raise AssertionError(f"arnews raised {type(res.exception).__name__}: {res.exception}") \
                from res.exception
        assert "Traceback" not in res.stderr, res.stderr
        return res

    @staticmethod
    def jsonl(res: Result) -> list[dict]:
        """The documents of a `--format jsonl` run."""
        # Split on "\n" only: str.splitlines() also splits on U+0085/U+2028 inside JSON strings.
        return [json.loads(line) for line in res.stdout.split("\n") if line.strip()]


@pytest.fixture
def cli() -> CliRun:
    """`cli("tokenize", "-f", "jsonl", path)`: an in-process run with stdout and stderr apart."""
    return CliRun()


@pytest.fixture(scope="session")
def arnews_argv() -> list[str]:
    """The command line that starts arnews in a subprocess (for signals, pipes, closed stdin, ttys)."""
    return [sys.executable, "-m", "arnews"]


@pytest.fixture(scope="session")
def subprocess_env() -> dict[str, str]:
    """Environment for arnews subprocesses: this checkout first on the path, no colour surprises."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("FORCE_COLOR", None)
    return env


def _leftovers(folder: Path) -> set[Path]:
    found: set[Path] = set()
    for pattern in LEFTOVER_PATTERNS:
        found.update(p for p in folder.rglob(pattern) if ".git" not in p.parts)
    return found


@pytest.fixture(autouse=True)
def no_temp_files_left(request: pytest.FixtureRequest):
    """Every test: no arnews temporary file may remain in its tmp_path."""
    yield
    tmp = request.node.funcargs.get("tmp_path")
    if isinstance(tmp, Path) and tmp.exists():
        left = _leftovers(tmp)
        assert not left, f"temporary files left behind: {sorted(map(str, left))}"


@pytest.fixture(autouse=True, scope="session")
def no_temp_files_left_in_checkout():
    """The whole suite: no arnews temporary file appears in the working folder."""
    before = _leftovers(REPO) | _leftovers(Path.cwd())
    yield
    after = _leftovers(REPO) | _leftovers(Path.cwd())
    new = after - before
    assert not new, f"temporary files left behind in the checkout: {sorted(map(str, new))}"
