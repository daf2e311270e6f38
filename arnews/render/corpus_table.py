"""The corpus summary as rich tables (after a batch)."""
from __future__ import annotations

from rich import box
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..corpus import CorpusSummary


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
        t = Table(title="Entities across the corpus", title_justify="left", box=box.SIMPLE_HEAD)
        for name, kw in (("entity", {"justify": "right", "style": "bold"}), ("type", {}),
                         ("docs", {"justify": "right"}), ("mentions", {"justify": "right"})):
            t.add_column(name, **kw)
        for e in ents:
            t.add_row(r.t(e["entity"]), e["label"].lower(), str(e["documents"]), str(e["mentions"]))
        r.console.print(t)
    kws = corpus.top_keywords(r.top)
    if kws:
        t = Table(title="Keywords across the corpus", title_justify="left", box=box.SIMPLE_HEAD)
        for name, kw in (("keyword", {"justify": "right", "style": "bold"}), ("gloss", {"max_width": 24}),
                         ("docs", {"justify": "right"}), ("count", {"justify": "right"}),
                         ("score", {"justify": "right"})):
            t.add_column(name, **kw)
        for k in kws:
            t.add_row(r.t(k["keyword"]), r.t(k["gloss"] or ""), str(k["documents"]), str(k["count"]),
                      f"{k['score']:.2f}")
        r.console.print(t)
    if corpus.failures:
        t = Table(title="Failed inputs", title_justify="left", box=box.SIMPLE_HEAD)
        t.add_column("input", overflow="fold")
        t.add_column("reason", overflow="fold")
        for name, err in corpus.failures:
            t.add_row(r.t(name), r.t(err))
        r.console.print(t)
        if corpus.failed > len(corpus.failures):
            r.console.print(f"… and {corpus.failed - len(corpus.failures):,} more failed inputs (named on stderr)")
