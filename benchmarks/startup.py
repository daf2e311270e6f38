"""Start-up time of `arnews analyze` on one article, against importing CAMeL's analyzer.

    python benchmarks/startup.py [FILE] [--runs 5]

Runs, alternating so both see the same machine load, ``--runs`` times each:

- baseline: ``python -c "import camel_tools.morphology.analyzer"``
- arnews:   ``arnews analyze FILE`` (default: the seed article), output to /dev/null

One warm-up run of each comes first (not counted), so the built-in lexicon is built and
the OS file cache is warm. Before that the arnews package is byte-compiled (compileall), as
pip does when it installs a package and as Python does on the first import anywhere bytecode
may be written: camel_tools, installed by pip, has its bytecode, while an editable install run
with PYTHONDONTWRITEBYTECODE=1 (this workplace sets it) would otherwise compile every arnews
module from source on every run (~60-80 ms here). If the user's CAMeL data folder has no catalogue (a fresh
machine, offline), the baseline gets the same ``CAMELTOOLS_DATA`` arnews uses, since
importing camel_tools would otherwise try to download one.

Last line: ``startup_s=X baseline_s=Y overhead_s=Z runs=N`` (medians of wall time;
overhead = arnews - baseline; the target is at most 0.4 s).
arnews runs as a quick-start install does, with the CRF: an installed `encoder` extra is turned
off (ARNEWS_NO_ENCODER=1); the encoder's own start-up is in benchmarks/ner_speed.py (article_s).
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "seeds" / "novosti-biden-north-korean-troops-kursk.txt"


def _wall(cmd: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    took = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(f"startup.py: {' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr.decode(errors='replace')}")
    return took


def _baseline_env() -> dict[str, str]:
    env = dict(os.environ)
    from arnews.morphology.camel_data import _read_catalogue, cache_dir, user_camel_dir

    if _read_catalogue(user_camel_dir()) is None:
        env["CAMELTOOLS_DATA"] = str(cache_dir() / "camel_tools_data")
    return env


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("file", nargs="?", default=str(SEED))
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()

    script = Path(sys.executable).with_name("arnews")
    arnews = [str(script)] if script.exists() else ([shutil.which("arnews")] if shutil.which("arnews")
                                                    else [sys.executable, "-m", "arnews"])
    arnews_cmd = arnews + ["analyze", args.file]
    base_cmd = [sys.executable, "-c", "import camel_tools.morphology.analyzer"]
    env = dict(os.environ, ARNEWS_NO_ENCODER="1")
    import compileall

    import arnews as package

    compileall.compile_dir(str(Path(package.__file__).parent), quiet=1)
    _wall(arnews_cmd, env)  # warm-up: builds the lexicon if needed, fills the OS cache
    base_env = _baseline_env()
    _wall(base_cmd, base_env)

    ours, base = [], []
    for _ in range(args.runs):
        base.append(_wall(base_cmd, base_env))
        ours.append(_wall(arnews_cmd, env))
    s, b = statistics.median(ours), statistics.median(base)
    try:
        load = f"{os.getloadavg()[0]:.2f}"
    except OSError:
        load = "n/a"
    print(f"arnews runs: {' '.join(f'{x:.3f}' for x in ours)}")
    print(f"baseline runs: {' '.join(f'{x:.3f}' for x in base)}")
    print(f"load average: {load} on {os.cpu_count()} cores")
    print(f"startup_s={s:.3f} baseline_s={b:.3f} overhead_s={s - b:.3f} runs={args.runs}")


if __name__ == "__main__":
    main()
