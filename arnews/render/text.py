"""Making document text safe and readable in a terminal cell.

Document text is data, never markup: cells are built as rich ``Text`` objects
(which do not parse ``[bold]``-style markup), and characters that could change
the terminal or the layout (C0/C1 controls such as ESC, bidi embedding and
isolate controls) are shown as visible ``\\xNN`` / ``\\uNNNN`` escapes.

Terminals differ on right-to-left text: some apply the Unicode bidi algorithm
(Konsole, GNOME Terminal, macOS Terminal), many show characters in logical
order (tmux, xterm, VS Code, Windows Terminal), which makes Arabic read
backwards. rich does no bidi reordering itself, so with ``--bidi on`` each cell
is put in visual order (python-bidi) before rich lays out the table; widths and
column alignment are the same either way because reordering keeps the set of
characters.
"""
from __future__ import annotations

import os
import re
import unicodedata
from typing import Callable

_BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_UNSAFE_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f" + _BIDI_CONTROLS + "\u2028\u2029]")


def _escape(m: re.Match[str]) -> str:
    c = ord(m.group(0))
    return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"


def neutralize(text: str) -> str:
    """Controls and bidi overrides as visible escapes; tabs and newlines as spaces."""
    text = text.replace("\t", " ").replace("\n", " ").replace("\r", " ")
    return _UNSAFE_RE.sub(_escape, text)


def escape_controls(text: str, wrap: Callable[[str], str] | None = None) -> str:
    """Controls and bidi overrides as visible escapes, line structure kept (for HTML, which wraps
    the text itself): a raw U+202E would reverse the rest of its paragraph, ESC or BEL would reach
    a terminal that shows the page source. `wrap` may dress each escape (e.g. in markup)."""

    def sub(m: re.Match[str]) -> str:
        if m.group(0) in "\r\u2028\u2029":
            return m.group(0)
        return wrap(_escape(m)) if wrap else _escape(m)

    return _UNSAFE_RE.sub(sub, text)


def bidi_mode(choice: str, screen: bool) -> bool:
    """Whether to reorder right-to-left text for display: on, off, or auto.

    `screen`: the output is a terminal screen (standard output is a TTY, no -o). Visual order is
    only ever right for a screen: a file, pipe or redirect must hold the text's own logical order
    whatever TMUX/TERM say, so auto (and ARNEWS_BIDI=on) reorder nothing there; only --bidi on
    forces it.
    """
    if choice == "on":
        return True
    if choice == "off" or not screen:
        return False
    env = os.environ.get("ARNEWS_BIDI", "").lower()
    if env in ("on", "off"):
        return env == "on"
    term = os.environ.get("TERM", "")
    # Terminals known to show characters in logical order.
    return bool(
        os.environ.get("TMUX") or term.startswith(("screen", "tmux")) or os.environ.get("TERM_PROGRAM") == "vscode"
        or os.environ.get("WT_SESSION")
    )


def has_rtl(text: str) -> bool:
    return any(unicodedata.bidirectional(c) in ("R", "AL") for c in text)


def for_display(text: str, reorder: bool) -> str:
    """Neutralised text, in visual order when `reorder` and the text has right-to-left characters."""
    safe = neutralize(text)
    if reorder and has_rtl(safe):
        from bidi import get_display

        return get_display(safe)
    return safe


def make_console(**kwargs):
    """A rich Console whose broken pipe (``| head``) ends the run quietly with exit 0.

    rich's own handler exits with status 1; arnews treats a reader that went
    away as a normal end (the CLI turns BrokenPipeError into a quiet exit).
    """
    import errno

    from rich.console import Console

    class _Console(Console):
        def on_broken_pipe(self) -> None:
            self.quiet = True
            raise BrokenPipeError(errno.EPIPE, "broken pipe")

    return _Console(**kwargs)
