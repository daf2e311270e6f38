"""Render an arnews HTML report and take a headless-Chromium screenshot of it, as a reader would see it.

Usage:
    python benchmarks/screenshot_report.py [INPUT ...] [-o report.png] [--html report.html]
                                           [--size 1200,1600] [--hover]

With no INPUT the seed article is used. The report is written by
``arnews analyze --format html`` (one self-contained file), then Debian's ``chromium``
(``apt-get install chromium``) opens it headless and saves a PNG. ``--hover`` adds a copy
of the page where the first keyword's tooltip is forced open, to check the tooltips.
Look at the PNG: right-to-left text, entity colours and legend, keyword bars.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--hide-scrollbars"]

# Forces the tooltip of the first underlined keyword open (screenshot of the hover state only).
_HOVER_CSS = ".tipshow::after{content:attr(data-tip);position:absolute;z-index:5;top:100%;right:0;white-space:pre;" \
             "direction:ltr;text-align:left;background:#222;color:#fff;font:13px/1.4 sans-serif;padding:4px 8px;" \
             "border-radius:4px}"


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def screenshot(html_path: Path, png_path: Path, size: str = "1200,1600", timeout: int = 120) -> None:
    """Take a screenshot of a local HTML file with headless Chromium (raises if it fails)."""
    exe = find_chromium()
    if exe is None:
        raise RuntimeError("chromium not found: apt-get install chromium")
    with tempfile.TemporaryDirectory(prefix="arnews-chromium-") as profile:
        cmd = [exe, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--screenshot={png_path.resolve()}",
               f"--window-size={size}", html_path.resolve().as_uri()]
        subprocess.run(cmd, check=True, timeout=timeout, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if not png_path.exists() or png_path.stat().st_size == 0:
        raise RuntimeError(f"chromium wrote no screenshot to {png_path}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("inputs", nargs="*", default=[str(REPO / "seeds" / "novosti-biden-north-korean-troops-kursk.txt")])
    ap.add_argument("-o", "--output", type=Path, default=Path("report.png"))
    ap.add_argument("--html", type=Path, help="Keep the HTML report here (default: a temporary file).")
    ap.add_argument("--size", default="1200,1600", help="Window size WIDTH,HEIGHT in pixels.")
    ap.add_argument("--top", type=int, default=10)
    ap.add_argument("--names", action="store_true", help="Pass --names to arnews analyze.")
    ap.add_argument("--hover", action="store_true", help="Also save OUTPUT-hover.png with a tooltip forced open.")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="arnews-report-") as tmp:
        html_path = args.html or Path(tmp) / "report.html"
        cmd = [sys.executable, "-m", "arnews", "analyze", *args.inputs, "--format", "html", "-o", str(html_path),
               "--top", str(args.top), "-q"]
        if args.names:
            cmd.append("--names")
        proc = subprocess.run(cmd, cwd=REPO)
        if proc.returncode not in (0, 1) or not html_path.exists():
            print(f"arnews analyze failed (exit {proc.returncode})", file=sys.stderr)
            return 1
        screenshot(html_path, args.output, args.size)
        print(f"screenshot: {args.output}")
        if args.hover:
            forced = Path(tmp) / "hover.html"
            page = html_path.read_text(encoding="utf-8").replace("</style>", _HOVER_CSS + "</style>", 1)
            forced.write_text(page.replace('class="w kw"', 'class="w kw tipshow"', 1), encoding="utf-8")
            hover_png = args.output.with_name(args.output.stem + "-hover.png")
            screenshot(forced, hover_png, args.size)
            print(f"screenshot: {hover_png}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
