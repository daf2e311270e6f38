"""Per-document output prepared where the document was analysed (e.g. in a worker process).

A batch worker turns each Document into a ``Prepared``: the small digest the corpus
summary needs plus the document's output already formatted (a JSON object, CSV rows).
Only that travels back to the parent process, which just writes it: sending whole
Documents (every token with its analysis) would cost the parent more than the
analysis itself. Formats rendered in the parent (table, html) keep the Document.
"""
from __future__ import annotations

import io
import itertools
from dataclasses import dataclass
from typing import Any, Callable

from ..corpus import DocDigest, digest
from ..document import Document
from .records import TOKENS_PER_PART, RowWriter, document_json_parts, document_rows

# Formats whose per-document output is a string that can be made anywhere.
TEXT_FORMATS = ("json", "jsonl", "csv", "tsv")


@dataclass
class Prepared:
    """One document ready for the Sink."""

    digest: DocDigest
    text: str | None = None  # json/jsonl: one JSON object (no newline); csv/tsv: rows without header
    doc: Document | None = None  # formats rendered in the parent
    # A long document's `text` in pieces (then `text` is None), written one after the other: joined,
    # the output of a 5 MB input's 1.7 million tokens would be one string of ~0.8 GB.
    parts: list[str] | None = None

    def write_text(self, write: Callable[[str], Any]) -> None:
        """Pass the formatted text to `write`, piece by piece."""
        for piece in self.parts if self.parts is not None else (self.text or "",):
            write(piece)

    @property
    def ok(self) -> bool:
        return self.digest.ok

    @property
    def error(self) -> str | None:
        return self.digest.error

    @property
    def name(self) -> str:
        return self.digest.name

    @property
    def words(self) -> int:
        return self.digest.words


class DocumentFormatter:
    """Document -> Prepared for one view and format; picklable, so workers can run it.

    `top`: at most this many keywords and frequent words per document (None: all the pipeline
    made, see records.computed_rows); entity groups are never cut.
    """

    def __init__(self, view: str, fmt: str, top: int | None = None, per_document: bool = True):
        self.view, self.fmt, self.top, self.per_document = view, fmt, top, per_document
        self._buf: io.StringIO | None = None
        self._rows: RowWriter | None = None

    def __getstate__(self) -> dict[str, Any]:
        return {"view": self.view, "fmt": self.fmt, "top": self.top, "per_document": self.per_document}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(**state)

    def __call__(self, doc: Document) -> Prepared:
        d = digest(doc)
        if not self.per_document:
            return Prepared(d)
        if self.fmt in ("json", "jsonl"):
            parts = document_json_parts(doc, self.view, self.top)
            return Prepared(d, text=parts[0]) if len(parts) == 1 else Prepared(d, parts=parts)
        if self.fmt in ("csv", "tsv"):
            parts = self._csv(doc) if doc.ok else [""]
            return Prepared(d, text=parts[0]) if len(parts) == 1 else Prepared(d, parts=parts)
        return Prepared(d, doc=doc)

    def _csv(self, doc: Document) -> list[str]:
        """The document's rows, in pieces of TOKENS_PER_PART rows (see Prepared.parts)."""
        if self._rows is None:
            self._buf = io.StringIO()
            self._rows = RowWriter(self._buf, self.view, self.fmt)  # its header is dropped below
        assert self._buf is not None
        parts = []
        rows = iter(document_rows(doc, self.view, self.top))
        while True:
            self._buf.seek(0)
            self._buf.truncate(0)
            batch = list(itertools.islice(rows, TOKENS_PER_PART))
            self._rows.write(batch)
            if batch or not parts:
                parts.append(self._buf.getvalue())
            if len(batch) < TOKENS_PER_PART:
                return parts
