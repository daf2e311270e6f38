"""Shared test helpers: paths to the seed and to ../shared/data (skip cleanly when absent)."""
from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "seeds" / "novosti-biden-north-korean-troops-kursk.txt"
SHARED_DATA = REPO.parent / "shared" / "data"
# Our own small news corpus (tests/fixtures/news/README.md): equivalence tests run on it on a
# bare clone, and add the shared corpus when it is present.
FIXTURE_NEWS = REPO / "tests" / "fixtures" / "news"


def news_texts(shared_articles: int = 0) -> list[str]:
    """The seed, the fixture articles, and the first `shared_articles` SaudiNewsNet articles
    when ../shared is present."""
    texts = [SEED.read_text(encoding="utf-8")]
    texts += [p.read_text(encoding="utf-8") for p in sorted(FIXTURE_NEWS.glob("*.txt"))]
    corpus = SHARED_DATA / "corpus" / "saudinewsnet"
    texts += [p.read_text(encoding="utf-8") for p in sorted(corpus.rglob("*.txt"))[:shared_articles]]
    return texts


def shared(*parts: str) -> Path:
    """A path under ../shared/data, or skip the test when that data is not present."""
    p = SHARED_DATA.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"shared data not present: {p}")
    return p


def skip_unless_built(source: str) -> None:
    """Called when an optional C extension is missing: skip where the install had no C compiler
    to build it, fail where it had one (then `pip install -e .` should have built it)."""
    import shutil
    import sysconfig

    cc = (sysconfig.get_config_var("CC") or "cc").split()[0]
    if shutil.which(cc) is None:
        pytest.skip(f"no C compiler ({cc}) where arnews was installed: the Python loop runs instead")
    pytest.fail(f"{source} was not built (pip install -e . rebuilds it)")


def read_pty(master: int, proc, timeout: float) -> bytes:
    """Everything a child writes to the pseudo-terminal `master` until it closes its end or exits;
    fails the test (and kills the child) when that takes longer than `timeout` seconds."""
    import os
    import select
    import time

    chunks = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 1.0)
        if ready:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the child closed its end
                break
            if not data:
                break
            chunks.append(data)
        elif proc.poll() is not None:
            break
    else:
        proc.kill()
        pytest.fail(f"the child did not finish in {timeout} s on a pty")
    return b"".join(chunks)
