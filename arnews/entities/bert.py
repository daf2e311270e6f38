"""Optional backend: CAMeL Tools' fine-tuned Arabic BERT NER model (camel_data -i ner-arabert).

Only detection happens at import; camel_tools.ner (torch, transformers) is imported when the
backend is built.
"""
from __future__ import annotations

import os
from pathlib import Path

INSTALL_HINT = (
    "CAMeL Tools' BERT NER model is not installed. Install it with:\n"
    "    camel_data -i ner-arabert\n"
    "(data goes to $CAMELTOOLS_DATA, default ~/.camel_tools), or use --ner crf."
)

# camel_tools 1.x catalogue: ner-arabert lives in data/ner/arabert
_MODEL_SUBDIR = Path("data") / "ner" / "arabert"
_TAG_MAP = {"PERS": "PERS", "LOC": "LOC", "ORG": "ORG", "MISC": "MISC"}


def camel_data_dir() -> Path:
    env = os.environ.get("CAMELTOOLS_DATA")
    if env:
        return Path(env).expanduser()
    return Path.home() / ".camel_tools"


def model_dir() -> Path | None:
    """The installed model folder, or None (a folder with a config.json counts as installed)."""
    d = camel_data_dir() / _MODEL_SUBDIR
    if d.is_dir() and (d / "config.json").exists():
        return d
    return None


def is_available() -> bool:
    return model_dir() is not None


class BertBackend:
    """Wraps camel_tools.ner.NERecognizer; loaded lazily, once per process."""

    name = "bert"

    def __init__(self, path: Path | None = None):
        from .errors import MissingDataError

        path = path or model_dir()
        if path is None:
            raise MissingDataError(INSTALL_HINT)
        from camel_tools.ner import NERecognizer  # heavy: torch + transformers

        self.version = f"camel_tools ner-arabert ({path.name})"
        self._ner = NERecognizer(str(path))

    def tag(self, words: list[str], analyses: list | None = None) -> list[str]:
        if not words:
            return []
        labels = self._ner.predict_sentence(words)
        out = []
        for lab in labels:
            if lab == "O" or "-" not in lab:
                out.append("O")
            else:
                bio, typ = lab.split("-", 1)
                out.append(f"{bio}-{_TAG_MAP.get(typ, 'MISC')}")
        return out
