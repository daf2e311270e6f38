"""rich tables for people: the analyze view and one table per command."""
from __future__ import annotations

from rich import box
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..document import Document
from .text import for_display


def _clip(text: str, width: int) -> str:
    """At most `width` characters, cut at the end of the logical text with an ellipsis."""
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


class TableRenderer:
    def __init__(self, console: Console, reorder: bool = False, top: int = 10):
        self.console = console
        self.reorder = reorder
        self.top = top

    def t(self, s: object, style: str = "") -> Text:
        """A cell: never markup, controls neutralised, optionally in visual order."""
        return Text(for_display("" if s is None else str(s), self.reorder), style=style)

    def _table(self, title: str | Text, *columns: tuple[str, dict]) -> Table:
        # A str title would be parsed as rich markup: titles with document data must be Text.
        table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False, expand=False)
        for name, kw in columns:
            table.add_column(name, **kw)
        return table

    def header(self, doc: Document) -> Panel:
        s = doc.stats
        lines = Text()
        lines.append("source    ", style="bold")
        lines.append_text(self.t(doc.source.name))
        first = next((line.strip() for line in doc.text.splitlines() if line.strip()), "")
        if first:
            # The first line (a news headline) identifies the article; like every cell it is data:
            # markup shown as typed, controls and bidi overrides as visible escapes.
            lines.append("\ntext      ", style="bold")
            lines.append_text(self.t(first if len(first) <= 70 else first[:69] + "…"))
        lines.append(f"\nencoding  {doc.source.encoding}", style="")
        lines.append(
            f"\ncounts    {s.characters:,} characters · {s.words:,} words · {s.sentences:,} sentences · "
            f"{s.arabic_share:.0%} Arabic script"
        )
        if doc.backends:
            lines.append("\nbackends  " + " · ".join(f"{k}: {v}" for k, v in doc.backends.items()))
        for w in doc.warnings:
            lines.append("\nwarning   ", style="yellow")
            lines.append_text(self.t(w))
        return Panel(lines, title="arnews", title_align="left", box=box.ROUNDED, expand=False)

    def top_words(self, doc: Document) -> Table:
        table = self._table(
            "Most frequent words (normalised, stop words excluded)",
            ("#", {"justify": "right", "style": "dim"}),
            ("word", {"justify": "right"}),
            ("count", {"justify": "right"}),
        )
        for i, (w, c) in enumerate(doc.top_words[: self.top], 1):
            table.add_row(str(i), self.t(w), str(c))
        return table

    def entities(self, doc: Document, limit: int | None = None) -> Table:
        table = self._table(
            "Entities",
            ("entity", {"justify": "right", "style": "bold", "max_width": 24}),
            ("type", {"no_wrap": True}),
            ("n", {"justify": "right"}),
            ("context", {"justify": "right", "max_width": 40, "overflow": "ellipsis", "no_wrap": True}),
        )
        for g in doc.entity_groups[: limit or self.top]:
            table.add_row(self.t(g.canonical), g.label.lower(), str(g.count), self.t(g.context))
        return table

    def keywords(self, doc: Document, limit: int | None = None) -> Table:
        table = self._table(
            "Keywords",
            ("#", {"justify": "right", "style": "dim", "no_wrap": True}),
            ("keyword", {"justify": "right", "style": "bold", "no_wrap": True}),
            ("as written", {"justify": "right", "no_wrap": True}),
            ("gloss", {"max_width": 18, "overflow": "ellipsis", "no_wrap": True}),
            ("n", {"justify": "right", "no_wrap": True}),
            ("score", {"justify": "right", "no_wrap": True, "min_width": 5}),
        )
        for i, k in enumerate(doc.keywords[: limit or self.top], 1):
            # Arabic cells are clipped in logical order before any bidi reordering, so the start of a
            # phrase survives and a cell never wraps (wrapped visual-order lines would read bottom-up).
            table.add_row(str(i), self.t(_clip(k.lemma, 16)), self.t(_clip(k.surface, 24)), self.t(k.gloss or ""),
                          str(k.count), f"{k.score:.2f}")
        return table

    def tokens(self, doc: Document, with_morph: bool) -> Table:
        cols = [("#", {"justify": "right", "style": "dim"}), ("token", {"justify": "right"}),
                ("start", {"justify": "right"}), ("end", {"justify": "right"})]
        if with_morph:
            cols += [("lemma", {"justify": "right", "style": "bold"}), ("pos", {}), ("gloss", {"max_width": 28})]
        else:
            cols += [("normalised", {"justify": "right"}), ("kind", {})]
        table = self._table(Text("Tokens of ") + self.t(doc.source.name), *cols)
        for i, tok in enumerate(doc.tokens):
            row = [str(i), self.t(tok.text), str(tok.start), str(tok.end)]
            if with_morph:
                row += [self.t(tok.lemma or ""), tok.pos or "", self.t(tok.gloss or "")]
            else:
                row += [self.t(tok.norm), tok.kind]
            table.add_row(*row)
        return table

    def document(self, doc: Document, view: str) -> None:
        """Print one document's view."""
        if view == "analyze":
            parts: list = [self.header(doc)]
            if "entities" in doc.backends or doc.entity_groups:
                parts.append(self.entities(doc))
            if "keywords" in doc.backends or doc.keywords:
                parts.append(self.keywords(doc))
            else:
                parts.append(self.top_words(doc))
            self.console.print(Group(*parts))
        elif view == "entities":
            self.console.print(self.header(doc))
            self.console.print(self.entities(doc, limit=10**9))
        elif view == "keywords":
            self.console.print(self.header(doc))
            self.console.print(self.keywords(doc))
        else:
            self.console.print(self.tokens(doc, with_morph=view == "lemmas"))
