"""A batch progress bar on standard error: documents, words per second, time left.

Shown only for people (stderr is a terminal, no --quiet); otherwise every call is a
no-op. It refreshes from the loop that consumes results (no background thread), so
forking worker processes while it is shown is safe.
"""
from __future__ import annotations

import sys
import time
from typing import Any


class BatchProgress:
    """``with BatchProgress(total, enabled) as p: p.advance(words)`` once per finished document."""

    MIN_INTERVAL = 0.1  # seconds between redraws

    def __init__(self, total: int | None, enabled: bool, description: str = "analysing"):
        self.total, self.enabled, self.description = total, enabled, description
        self.documents = 0
        self.words = 0
        self._progress: Any = None
        self._task: Any = None
        self._last = 0.0
        self._start = 0.0

    def __enter__(self) -> "BatchProgress":
        if not self.enabled:
            return self
        from rich.console import Console
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TextColumn,
                                   TimeElapsedColumn, TimeRemainingColumn)
        from rich.text import Text

        outer = self

        class WordsPerSecond(ProgressColumn):
            def render(self, task: Any) -> Text:
                elapsed = time.perf_counter() - outer._start
                rate = outer.words / elapsed if elapsed > 0 else 0.0
                return Text(f"{rate:,.0f} words/s", style="progress.data.speed")

        self._start = time.perf_counter()
        self._progress = Progress(
            TextColumn("[progress.description]{task.description}"), BarColumn(), MofNCompleteColumn(),
            TextColumn("docs"), WordsPerSecond(), TimeElapsedColumn(), TextColumn("eta"), TimeRemainingColumn(),
            console=Console(file=sys.stderr), auto_refresh=False, transient=False,
            redirect_stdout=False, redirect_stderr=False,
        )
        self._progress.start()
        self._task = self._progress.add_task(self.description, total=self.total)
        self._progress.refresh()
        return self

    def advance(self, words: int = 0) -> None:
        self.documents += 1
        self.words += words
        if self._progress is None:
            return
        self._progress.update(self._task, advance=1)
        now = time.perf_counter()
        if now - self._last >= self.MIN_INTERVAL or (self.total is not None and self.documents >= self.total):
            self._last = now
            self._progress.refresh()

    def clear(self) -> None:
        """Erase the bar's line, so a message written to stderr next starts on a clean line
        (the bar is drawn again below it at the next update)."""
        if self._progress is not None:
            f = self._progress.console.file
            f.write("\r\x1b[2K")
            f.flush()
            self._last = 0.0  # redraw at the next advance

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.refresh()
            self._progress.stop()
            self._progress = None


def progress_wanted(quiet: bool, per_document_to_terminal: bool) -> bool:
    """Progress only for a person watching stderr, and not over documents printed on the same terminal."""
    if quiet or per_document_to_terminal:
        return False
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False
