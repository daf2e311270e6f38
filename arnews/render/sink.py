"""Where documents go: one Sink per command run, streaming in the chosen format.

Streaming formats (jsonl, csv, tsv, and the JSON array) write each document as
soon as it arrives, so memory stays flat over any corpus size. With ``-o FILE``
everything goes to a temporary file beside FILE that replaces it only when the
run ends normally, so an error never leaves a half-written FILE behind; a complete
run also removes FILE.partial of an interrupted one, and temporary files older than a
day (left by a killed run) beside FILE.
"""
from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from typing import IO, TYPE_CHECKING, Iterator

from ..corpus import CorpusSummary
from ..document import SCHEMA_VERSION, Document
from ..errors import OutputNotWritable
from .records import RowWriter, computed_rows, dumps

if TYPE_CHECKING:  # pragma: no cover
    from .prepared import DocumentFormatter, Prepared


# Temporary files older than this beside the output are left by a run that was killed (SIGKILL,
# power loss) and cannot finish any more: removed when the next run starts writing there.
STALE_TMP_SECONDS = 24 * 3600
TMP_PREFIX, TMP_SUFFIX = ".arnews-", ".tmp"


def remove_stale_temp_files(directory: str, max_age: float = STALE_TMP_SECONDS) -> list[str]:
    """Delete `.arnews-*.tmp` files in `directory` older than `max_age` seconds; returns their paths."""
    import time

    removed = []
    cutoff = time.time() - max_age
    try:
        with os.scandir(directory) as it:
            entries = [e for e in it if e.name.startswith(TMP_PREFIX) and e.name.endswith(TMP_SUFFIX)]
    except OSError:
        return removed
    for e in entries:
        with contextlib.suppress(OSError):
            if e.is_file(follow_symlinks=False) and e.stat(follow_symlinks=False).st_mtime < cutoff:
                os.unlink(e.path)
                removed.append(e.path)
    return removed


class AtomicFile:
    """A temporary file beside `path` that becomes `path` only on commit().

    The temporary file is hidden (``.arnews-*.tmp``) and gets the permissions a
    new file would get (or those of the file it replaces), not mkstemp's 0600.
    A symlink at `path` is written through (its target is replaced). A device,
    FIFO or socket (``-o /dev/null``, ``-o /dev/stdout``) is written to directly:
    replacing it would destroy it, and a rename cannot make it atomic anyway.
    """

    def __init__(self, path: str):
        self.path = os.path.realpath(path)
        self.tmp: str | None = None
        if os.path.exists(path) and not os.path.isfile(path):
            self.stream: IO[str] = open(path, "w", encoding="utf-8", newline="")
            return
        directory = os.path.dirname(self.path)
        remove_stale_temp_files(directory)
        try:
            fd, self.tmp = tempfile.mkstemp(prefix=TMP_PREFIX, suffix=TMP_SUFFIX, dir=directory)
        except OSError as e:
            # Name the output, not the hidden temporary file (which the user never asked for).
            reason = "permission denied" if isinstance(e, PermissionError) else (e.strerror or str(e)).lower()
            raise OutputNotWritable(f"cannot write {path}: {reason} (in {directory}); choose another -o FILE "
                                    "or make the folder writable") from None
        try:
            try:
                mode = os.stat(self.path).st_mode & 0o7777
            except OSError:
                umask = os.umask(0)
                os.umask(umask)
                mode = 0o666 & ~umask
            os.fchmod(fd, mode)
            self.stream = os.fdopen(fd, "w", encoding="utf-8", newline="")
        except BaseException:
            os.close(fd)
            os.unlink(self.tmp)
            raise

    def commit(self) -> None:
        self.stream.close()
        if self.tmp is not None:
            os.replace(self.tmp, self.path)
            # What an interrupted earlier run kept is superseded by this complete output.
            with contextlib.suppress(OSError):
                os.unlink(self.path + ".partial")

    def save_partial(self) -> str | None:
        """Keep what was written as `path`.partial (after Ctrl-C); `path` itself is left alone."""
        self.stream.close()
        if self.tmp is None:
            return None
        partial = self.path + ".partial"
        os.replace(self.tmp, partial)
        return partial

    def discard(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.stream.close()
        if self.tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(self.tmp)


@contextlib.contextmanager
def atomic_output(path: str | None) -> Iterator[IO[str]]:
    """Standard output, or a temp file renamed over `path` on success and removed on failure."""
    if not path:
        yield sys.stdout
        sys.stdout.flush()
        return
    f = AtomicFile(path)
    try:
        yield f.stream
    except BaseException:
        f.discard()
        raise
    f.commit()


def _isatty(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError, OSError):
        return False


def file_width() -> int:
    """Table width for -o FILE: COLUMNS when set, else 100."""
    columns = os.environ.get("COLUMNS", "")
    return int(columns) if columns.isdigit() and int(columns) > 0 else 100


class Sink:
    def __init__(self, view: str, fmt: str, output: str | None, bidi: str = "auto", top: int = 10,
                 summary: bool = True, per_document: bool = True):
        # top: rows per table; data formats get every entity and data_top keywords and words.
        self.view, self.fmt, self.output, self.top = view, fmt, output, top
        self.data_top = computed_rows(top)
        self.bidi = bidi
        self.show_summary = summary
        self.per_document = per_document
        self.corpus = CorpusSummary()
        self.documents = 0
        self._file: AtomicFile | None = None
        self._stream: IO[str] | None = None
        self.partial_path: str | None = None  # set when an interrupted run kept its output as FILE.partial
        self._rows: RowWriter | None = None
        self._table = None
        self._first_json = True
        self._formatter: "DocumentFormatter | None" = None

    def __enter__(self) -> "Sink":
        if self.output:
            self._file = AtomicFile(self.output)
            self._stream = self._file.stream
        else:
            self._stream = sys.stdout
        if self.fmt == "table":
            from .table import TableRenderer
            from .text import bidi_mode, make_console

            # Colour only for a terminal; rich also honours NO_COLOR. A file gets plain text.
            # make_console: a broken pipe ends the run quietly (exit 0), not with rich's exit 1.
            # Width: the terminal's (rich's default, which also honours COLUMNS); a file gets
            # COLUMNS or 100, never the width of whatever terminal started the run.
            console = make_console(file=self._stream, no_color=bool(os.environ.get("NO_COLOR")) or None,
                                   force_terminal=False if self.output else None, soft_wrap=False,
                                   width=file_width() if self.output else None)
            screen = not self.output and _isatty(self._stream)
            self._table = TableRenderer(console, reorder=bidi_mode(self.bidi, screen), top=self.top)
        elif self.fmt in ("csv", "tsv"):
            self._rows = RowWriter(self._stream, self.view, self.fmt)
        elif self.fmt == "html":
            self._html_docs: list[Document] = []  # html is not streamable: collected, written at the end
        elif self.fmt == "json":
            self._stream.write('{"schema_version": %s, "documents": [' % dumps(SCHEMA_VERSION))
        return self

    @property
    def formatter(self) -> "DocumentFormatter":
        """Document -> Prepared for this sink; picklable, so batch workers can format what they analysed."""
        if self._formatter is None:
            from .prepared import DocumentFormatter

            self._formatter = DocumentFormatter(self.view, self.fmt, None, self.per_document)
        return self._formatter

    def add(self, item: "Document | Prepared") -> None:
        """Write one document: a Document, or a Prepared one (formatted by `formatter`, e.g. in a worker)."""
        from .prepared import Prepared

        p = item if isinstance(item, Prepared) else self.formatter(item)
        self.documents += 1
        self.corpus.add(p.digest)
        if not self.per_document:
            return
        s = self._stream
        assert s is not None
        doc = p.doc
        if self.fmt == "html":
            self._html_docs.append(doc)
            return
        if self.fmt == "json":
            s.write("\n" if self._first_json else ",\n")
            p.write_text(s.write)
            self._first_json = False
        elif self.fmt == "jsonl":
            p.write_text(s.write)
            s.write("\n")
        elif self._rows is not None:
            p.write_text(s.write)
        elif self._table is not None and doc is not None and doc.ok:
            self._table.document(doc, self.view)
        s.flush()

    def interrupted(self) -> None:
        """Mark the run as interrupted: the summary says so, and -o FILE is kept as FILE.partial."""
        self.corpus.interrupted = True

    def _finish(self) -> None:
        s = self._stream
        assert s is not None
        # After Ctrl-C the summary is shown even for one document: it says the run was interrupted.
        want_summary = self.show_summary and (self.documents > 1 or not self.per_document or self.corpus.interrupted)
        if self.fmt == "html":
            from .html import render_report

            summary = self.corpus.to_dict(self.data_top) if want_summary or len(self._html_docs) > 1 else None
            s.write(render_report(self._html_docs, top=self.data_top, summary=summary))
        elif self.fmt == "json":
            s.write("\n]")
            if want_summary:
                s.write(', "corpus": ' + dumps(self.corpus.to_dict(self.data_top)))
            s.write("}\n")
        elif self.fmt == "jsonl" and want_summary and not self.per_document:
            s.write(dumps({"schema_version": SCHEMA_VERSION, "corpus": self.corpus.to_dict(self.data_top)}) + "\n")
        elif self._table is not None and want_summary:
            from .corpus_table import print_corpus

            print_corpus(self._table, self.corpus)

    def __exit__(self, exc_type, exc, tb) -> bool | None:
        try:
            if exc_type is None:
                self._finish()
                if self._file is None:
                    sys.stdout.flush()
        except BaseException:
            if self._file is not None:
                self._file.discard()
            raise
        if self._file is None:
            return None
        if exc_type is not None:
            self._file.discard()  # an error: no half-written FILE, and no temp file left behind
        elif self.corpus.interrupted:
            self.partial_path = self._file.save_partial()  # FILE untouched; what was done is kept
        else:
            self._file.commit()
        return None
