"""rich tables for people: the analyze view and one table per command.

Tables use the console's width (the terminal's, or COLUMNS). Names, types and numbers are
never cut: when the width is short, whole columns are left out in a set order (the entity
context, then the keyword gloss, then the keyword lemma), and only the context and gloss
columns are shortened to fit. Arabic cells are cut and wrapped in logical order, before any
bidi reordering, so a cut keeps the start of a phrase and wrapped lines read top to bottom.
"""
from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from typing import Callable

from rich import box
from rich.cells import cell_len
from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..document import Document, EntityGroup, Mention
from .records import frequent_words
from .text import for_display, neutralize

# A context or gloss column narrower than this says too little: the column is left out instead.
MIN_CONTEXT = 16
MIN_GLOSS = 10
_LABEL = 10  # "encoding  " in the header panel


def _clip(text: str, width: int) -> str:
    """At most `width` cells, cut at the end of the logical text with an ellipsis."""
    if cell_len(text) <= width:
        return text
    while text and cell_len(text) > width - 1:
        text = text[:-1]
    return text.rstrip() + "…"


@dataclass
class Column:
    name: str
    cells: list[str] = field(default_factory=list)  # logical text, neutralised
    justify: str = "left"
    style: str = ""
    flexible: bool = False  # may be shortened (with an ellipsis) down to `minimum`
    minimum: int = 0

    @property
    def natural(self) -> int:
        return max([cell_len(self.name), *(cell_len(c) for c in self.cells)])


def _overhead(columns: int) -> int:
    """Cells a _table() with this many columns adds around its columns' contents."""
    # box.SIMPLE_HEAD, pad_edge=False: an edge on each side, one padding cell on each side of a
    # column except at the two edges, and one divider between columns.
    return 2 + 2 * columns - 2 + (columns - 1)


def fit_columns(columns: list[Column], drop_order: list[str], width: int) -> tuple[list[Column], dict[str, int]]:
    """The columns to show within `width` cells and the width of each flexible one.

    Columns named in `drop_order` are left out one by one, in that order, until the rest fits
    with flexible columns at their minimum; the space left goes to the flexible columns.
    """
    shown = list(columns)
    for name in [None, *drop_order]:
        if name is not None:
            shown = [c for c in shown if c.name != name]
        need = _overhead(len(shown)) + sum(c.minimum if c.flexible else c.natural for c in shown)
        if need <= width:
            break
    room = width - _overhead(len(shown)) - sum(c.natural for c in shown if not c.flexible)
    widths: dict[str, int] = {}
    for c in shown:
        if c.flexible:
            widths[c.name] = max(c.minimum, min(c.natural, room))
            room -= widths[c.name]
    return shown, widths


def clear_mention(g: EntityGroup) -> Mention | None:
    """The first mention written as the entity's name (جو بايدن, not بايدن), else the first one."""
    for m in g.mentions:
        if m.text == g.canonical:
            return m
    return g.mentions[0] if g.mentions else None


def squash(text: str) -> str:
    return " ".join(neutralize(text).split())


@dataclass
class Context:
    """A mention in its sentence, cut to a width: the text before, the mention, the text after.

    `gap_before`/`gap_after`: the space between a side and the mention (none where the text has
    none: وبيونغ, «الناتو», الأبيض.).
    """

    before: str
    mention: str
    after: str
    gap_before: str = " "
    gap_after: str = " "

    @property
    def text(self) -> str:
        return self.prefix + self.mention + (self.gap_after + self.after if self.after else "")

    @property
    def prefix(self) -> str:
        """Everything before the mention."""
        return self.before + self.gap_before if self.before else ""


def mention_context(doc: Document, m: Mention, width: int) -> Context:
    """The sentence around `m`, cut at word boundaries to `width` cells with the mention whole.

    The mention is kept whole even when it alone is wider; the words around it are shared out
    evenly, a side that needs less leaving its room to the other.
    """
    text = doc.text
    lo, hi = 0, len(text)
    if doc.sentences and 0 <= m.token_start < len(doc.tokens):
        idx = doc.tokens[m.token_start].sentence
        if 0 <= idx < len(doc.sentences):
            lo, hi = min(doc.sentences[idx].start, m.start), max(doc.sentences[idx].end, m.end)
    # Only what can be shown is looked at (a text without sentence ends is one long sentence).
    lo, hi = max(lo, m.start - 4 * width - 64), min(hi, m.end + 4 * width + 64)
    raw_before, raw_after = text[lo:m.start], text[m.end:hi]
    gap_before = " " if raw_before[-1:].isspace() else ""
    gap_after = " " if raw_after[:1].isspace() else ""
    before, mention, after = squash(raw_before), squash(text[m.start:m.end]), squash(raw_after)
    room = width - cell_len(mention) - (len(gap_before) if before else 0) - (len(gap_after) if after else 0)
    if room <= 0:
        return Context("", mention, "")
    half = room // 2
    b_room = max(half, room - cell_len(after))
    a_room = room - min(b_room, cell_len(before))
    return Context(_tail(before, b_room), mention, _head(after, a_room), gap_before, gap_after)


def _head(s: str, width: int) -> str:
    """The start of `s` in at most `width` cells, whole words, "…" where it was cut."""
    if cell_len(s) <= width:
        return s
    words, out = s.split(" "), ""
    for w in words:
        cand = f"{out} {w}" if out else w
        if cell_len(cand) + 2 > width:
            break
        out = cand
    return f"{out} …" if out else ("…" if width >= 1 else "")


def _tail(s: str, width: int) -> str:
    """The end of `s` in at most `width` cells, whole words, "…" where it was cut."""
    if cell_len(s) <= width:
        return s
    out = ""
    for w in reversed(s.split(" ")):
        cand = f"{w} {out}" if out else w
        if cell_len(cand) + 2 > width:
            break
        out = cand
    return f"… {out}" if out else ("…" if width >= 1 else "")


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

    def fitted(self, title: str, columns: list[Column], drop_order: list[str],
                cell: dict[str, Callable[[int, int], Text]] | None = None) -> Table:
        """A table of `columns` fitted to the console width (see fit_columns)."""
        shown, widths = fit_columns(columns, drop_order, self.console.width)
        table = self._table(title)
        for c in shown:
            # Names and numbers are never cut: they may only wrap when even the narrowest table
            # does not fit (a name longer than the screen).
            table.add_column(c.name, justify=c.justify, style=c.style, no_wrap=True,
                             overflow="ellipsis" if c.flexible else "fold",
                             width=widths.get(c.name), min_width=c.natural if not c.flexible else None)
        rows = len(columns[0].cells) if columns else 0
        for i in range(rows):
            out = []
            for c in shown:
                make = (cell or {}).get(c.name)
                if make is not None:
                    out.append(make(i, widths.get(c.name, c.natural)))
                elif c.flexible:
                    out.append(self.t(_clip(c.cells[i], widths[c.name])))
                else:
                    out.append(self.t(c.cells[i]))
            table.add_row(*out)
        return table

    def none(self, title: str, what: str) -> Text:
        out = Text(title + "\n", style="italic")
        out.append(f"  no {what} found\n", style="dim")
        return out

    def _lines(self, text: str, width: int) -> Text:
        """Text wrapped at words in logical order, each line then put in display order."""
        lines = textwrap.wrap(neutralize(text), max(width, 10), break_on_hyphens=False) or [""]
        return Text("\n".join(for_display(line, self.reorder) for line in lines))

    def header(self, doc: Document) -> Panel:
        s = doc.stats
        width = max(20, self.console.width - 4 - _LABEL)  # panel border and padding, label column
        grid = Table.grid(padding=(0, 0))
        grid.add_column(no_wrap=True, style="bold", width=_LABEL)
        grid.add_column(overflow="fold")
        grid.add_row("source", self._lines(doc.source.name, width))
        first = next((line.strip() for line in doc.text.splitlines() if line.strip()), "")
        if first:
            # The first line (a news headline) identifies the article: it wraps, never cut short.
            # Like every cell it is data: markup shown as typed, controls as visible escapes.
            grid.add_row("text", self._lines(first if len(first) <= 600 else first[:599] + "…", width))
        grid.add_row("encoding", doc.source.encoding)
        grid.add_row("counts", f"{s.characters:,} characters · {s.words:,} words · {s.sentences:,} sentences · "
                               f"{s.arabic_share:.0%} Arabic script")
        if doc.backends:
            grid.add_row("backends", " · ".join(f"{k}: {v}" for k, v in doc.backends.items()))
        for w in doc.warnings:
            grid.add_row(Text("warning", style="bold yellow"), self._lines(w, width))
        return Panel(grid, title="arnews", title_align="left", box=box.ROUNDED, expand=False)

    def top_words(self, doc: Document) -> RenderableType:
        title = "Most frequent words (stop words excluded)"
        words = frequent_words(doc)[: self.top]
        if not words:
            return self.none(title, "words")
        columns = [
            Column("#", [str(i) for i in range(1, len(words) + 1)], "right", "dim"),
            Column("word", [squash(w.word) for w in words], "right"),
            Column("count", [str(w.count) for w in words], "right"),
        ]
        return self.fitted(title, columns, [])

    def entities(self, doc: Document, limit: int | None = None) -> RenderableType:
        groups = doc.entity_groups[: limit or self.top]
        if not groups:
            return self.none("Entities", "entities")
        mentions = [clear_mention(g) for g in groups]
        # The context column's natural width: the whole sentence of each mention.
        width = self.console.width
        natural = [mention_context(doc, m, width).text if m else squash(g.context) for g, m in zip(groups, mentions)]
        longest_mention = max((cell_len(squash(m.text)) for m in mentions if m), default=0)
        columns = [
            Column("entity", [squash(g.canonical) for g in groups], "right", "bold"),
            Column("type", [g.label.lower() for g in groups]),
            Column("n", [str(g.count) for g in groups], "right"),
            Column("context", natural, "right", flexible=True, minimum=max(MIN_CONTEXT, longest_mention)),
        ]

        def context_cell(i: int, width: int) -> Text:
            m = mentions[i]
            if m is None:
                return self.t(_clip(natural[i], width))
            ctx = mention_context(doc, m, width)
            return self._emphasised(ctx)

        return self.fitted("Entities", columns, ["context"], {"context": context_cell})

    def _emphasised(self, ctx: Context) -> Text:
        """The context with its mention in bold (in visual order, found again after reordering)."""
        out = self.t(ctx.text)
        if self.reorder:
            at = out.plain.find(for_display(ctx.mention, True))
        else:
            at = len(ctx.prefix)
        if at >= 0:
            out.stylize("bold", at, at + len(ctx.mention))
        return out

    def keywords(self, doc: Document, limit: int | None = None) -> RenderableType:
        kws = doc.keywords[: limit or self.top]
        if not kws:
            return self.none("Keywords", "keywords")
        columns = [
            Column("#", [str(i) for i in range(1, len(kws) + 1)], "right", "dim"),
            # As a reader writes it: the most frequent written form, without clitics.
            Column("keyword", [squash(k.surface) for k in kws], "right", "bold"),
            Column("lemma", [squash(k.lemma) for k in kws], "right"),
            Column("gloss", [squash(k.gloss or "") for k in kws], flexible=True, minimum=MIN_GLOSS),
            Column("n", [str(k.count) for k in kws], "right"),
            Column("score", [f"{k.score:.2f}" for k in kws], "right"),
        ]
        return self.fitted("Keywords", columns, ["gloss", "lemma"])

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
        """Print one document's view: every section the command has, saying "none found" when empty."""
        if view == "analyze":
            parts: list = [self.header(doc)]
            if "ner" in doc.backends or "entities" in doc.backends or doc.entity_groups:
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
