"""The corpus summary as rich tables (after a batch)."""
from __future__ import annotations

from rich import box
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..corpus import CorpusSummary
from .table import MIN_GLOSS, Column, squash


def print_corpus(r, corpus: CorpusSummary) -> None:
    """Print the corpus summary with the TableRenderer `r` (its console, bidi choice and --top)."""
    head = Text(
        f"{corpus.documents:,} documents · {corpus.succeeded:,} read · {corpus.failed:,} failed · "
        f"{corpus.words:,} words · {corpus.sentences:,} sentences"
    )
    if corpus.approximate:
        head.append("\nvery large vocabulary: the rarest entities/keywords were dropped from the counts",
                    style="dim")
    if corpus.interrupted:
        head.append("\ninterrupted: the summary covers the documents finished before Ctrl-C", style="yellow")
    r.console.print(Panel(head, title="corpus", title_align="left", box=box.ROUNDED, expand=False))
    ents = corpus.top_entities(r.top)
    if ents:
        r.console.print(r.fitted("Entities across the corpus", [
            Column("entity", [squash(e["entity"]) for e in ents], "right", "bold"),
            Column("type", [e["label"].lower() for e in ents]),
            Column("docs", [str(e["documents"]) for e in ents], "right"),
            Column("mentions", [str(e["mentions"]) for e in ents], "right"),
        ], []))
    kws = corpus.top_keywords(r.top)
    if kws:
        # As a reader writes it (the first document's most frequent form), the lemma beside it.
        r.console.print(r.fitted("Keywords across the corpus", [
            Column("keyword", [squash(k["keyword"]) for k in kws], "right", "bold"),
            Column("lemma", [squash(k["lemma"]) for k in kws], "right"),
            Column("gloss", [squash(k["gloss"] or "") for k in kws], flexible=True, minimum=MIN_GLOSS),
            Column("docs", [str(k["documents"]) for k in kws], "right"),
            Column("count", [str(k["count"]) for k in kws], "right"),
            Column("score", [f"{k['score']:.2f}" for k in kws], "right"),
        ], ["gloss", "lemma"]))
    if corpus.failures:
        t = Table(title="Failed inputs", title_justify="left", box=box.SIMPLE_HEAD)
        t.add_column("input", overflow="fold")
        t.add_column("reason", overflow="fold")
        for name, err in corpus.failures:
            t.add_row(r.t(name), r.t(err))
        r.console.print(t)
        if corpus.failed > len(corpus.failures):
            r.console.print(f"… and {corpus.failed - len(corpus.failures):,} more failed inputs (named on stderr)")
