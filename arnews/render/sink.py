"""Where documents go: one Sink per command run, streaming in the chosen format.

Streaming formats (jsonl, csv, tsv, and the JSON array) write each document as
soon as it arrives, so memory stays flat over any corpus size. With ``-o FILE``
everything goes to a temporary file beside FILE that replaces it only when the
run ends normally, so an error never leaves a half-written FILE behind.
"""
from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from typing import IO, Iterator

from ..corpus import CorpusSummary
from ..document import SCHEMA_VERSION, Document
from .records import RowWriter, document_dict, document_rows, dumps


@contextlib.contextmanager
def atomic_output(path: str | None) -> Iterator[IO[str]]:
    """Standard output, or a temp file renamed over `path` on success and removed on failure."""
    if not path:
        yield sys.stdout
        sys.stdout.flush()
        return
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".arnews-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            yield fh
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


class Sink:
    def __init__(self, view: str, fmt: str, output: str | None, bidi: str = "auto", top: int = 10,
                 summary: bool = True, per_document: bool = True):
        self.view, self.fmt, self.output, self.top = view, fmt, output, top
        self.bidi = bidi
        self.show_summary = summary
        self.per_document = per_document
        self.corpus = CorpusSummary()
        self.documents = 0
        self._ctx: contextlib.AbstractContextManager | None = None
        self._stream: IO[str] | None = None
        self._rows: RowWriter | None = None
        self._table = None
        self._first_json = True

    def __enter__(self) -> "Sink":
        self._ctx = atomic_output(self.output)
        self._stream = self._ctx.__enter__()
        if self.fmt == "table":
            from rich.console import Console

            from .table import TableRenderer
            from .text import bidi_mode

            # Colour only for a terminal; rich also honours NO_COLOR. A file gets plain text.
            console = Console(file=self._stream, no_color=bool(os.environ.get("NO_COLOR")) or None,
                              force_terminal=False if self.output else None, soft_wrap=False,
                              width=None if not self.output else 100)
            self._table = TableRenderer(console, reorder=bidi_mode(self.bidi), top=self.top)
        elif self.fmt in ("csv", "tsv"):
            self._rows = RowWriter(self._stream, self.view, self.fmt)
        elif self.fmt == "json":
            self._stream.write('{"schema_version": %s, "documents": [' % dumps(SCHEMA_VERSION))
        return self

    def add(self, doc: Document) -> None:
        self.documents += 1
        self.corpus.add(doc)
        if not self.per_document:
            return
        s = self._stream
        assert s is not None
        if self.fmt == "json":
            s.write(("\n" if self._first_json else ",\n") + dumps(document_dict(doc, self.view, self.top)))
            self._first_json = False
        elif self.fmt == "jsonl":
            s.write(dumps(document_dict(doc, self.view, self.top)) + "\n")
        elif self._rows is not None:
            if doc.ok:
                self._rows.write(document_rows(doc, self.view, self.top))
        elif self._table is not None and doc.ok:
            self._table.document(doc, self.view)
        s.flush()

    def interrupted(self) -> None:
        self.corpus.interrupted = True

    def _finish(self) -> None:
        s = self._stream
        assert s is not None
        want_summary = self.show_summary and (self.documents > 1 or not self.per_document)
        if self.fmt == "json":
            s.write("\n]")
            if want_summary:
                s.write(', "corpus": ' + dumps(self.corpus.to_dict(self.top)))
            s.write("}\n")
        elif self.fmt == "jsonl" and want_summary and not self.per_document:
            s.write(dumps({"schema_version": SCHEMA_VERSION, "corpus": self.corpus.to_dict(self.top)}) + "\n")
        elif self._table is not None and want_summary:
            from .corpus_table import print_corpus

            print_corpus(self._table, self.corpus)

    def __exit__(self, exc_type, exc, tb) -> bool | None:
        assert self._ctx is not None
        if exc_type is None:
            self._finish()
        # On an exception the temporary output file is removed: no half-written FILE.
        return self._ctx.__exit__(exc_type, exc, tb)
