"""`arnews data status`: what language data is installed or built, where, which version."""
from __future__ import annotations

import os
from typing import Any


def collect_status() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    from .morphology import status as morphology_status

    for r in morphology_status():
        rows.append({"component": "morphology", **r})
    from .entities import status as ner_status

    for r in ner_status():
        rows.append({"component": "ner", **r})
    rows.append({"component": "environment", "name": "CAMELTOOLS_DATA", "available": True, "built": None,
                 "path": os.environ.get("CAMELTOOLS_DATA", "~/.camel_tools (default)"), "version": "",
                 "detail": "where CAMeL Tools looks for its official data"})
    return rows


def print_status(rows: list[dict[str, Any]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="arnews data", title_justify="left")
    for col in ("component", "backend", "available", "path", "version", "detail"):
        table.add_column(col, overflow="fold")
    for r in rows:
        avail = r.get("available")
        mark = "yes" if avail else "no"
        if r.get("built") is False and avail:
            mark = "yes (builds on first use)"
        table.add_row(r["component"], str(r.get("name", "")), mark, str(r.get("path") or ""),
                      str(r.get("version") or ""), str(r.get("detail") or ""))
    Console().print(table)
