"""README stays true: the quick-start commands are the ones CI runs, and documented options exist."""
import re

from click.testing import CliRunner

from arnews.cli import main

from .helpers import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def _quickstart_commands() -> list[str]:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.+?)\n```", section)


def test_quick_start_is_two_commands_run_verbatim_by_ci():
    commands = _quickstart_commands()
    assert len(commands) == 2
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    for cmd in commands:
        assert "\n" not in cmd
        assert cmd in ci
    assert "pip install torch==2.13.0" in commands[0]
    assert "arnews analyze seeds/" in commands[0]
    assert "pytest" in commands[1]


def test_seed_named_in_readme_exists():
    for name in set(re.findall(r"seeds/([\w.-]+\.txt)", README)):
        assert (REPO / "seeds" / name).is_file(), name


def test_documented_options_exist():
    help_text = CliRunner().invoke(main, ["analyze", "--help"]).output
    for opt in re.findall(r"^\| `(--?[\w-]+)", README, flags=re.M):
        if opt.startswith("-j"):
            opt = "--jobs"
        assert opt in help_text, opt


def test_readme_is_user_documentation_of_reasonable_length():
    # Measurement history and implementation detail live in docs/ (benchmarks.md, internals.md).
    assert len(README.splitlines()) <= 250
    for page in ("benchmarks.md", "internals.md"):
        assert f"docs/{page}" in README and (REPO / "docs" / page).is_file()
