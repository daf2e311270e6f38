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
_WEIGHTS = ("pytorch_model.bin", "model.safetensors")
_TAG_MAP = {"PERS": "PERS", "LOC": "LOC", "ORG": "ORG", "MISC": "MISC"}


def camel_data_dir() -> Path:
    env = os.environ.get("CAMELTOOLS_DATA")
    if env:
        return Path(env).expanduser()
    return Path.home() / ".camel_tools"


def _catalogue_path() -> Path | None:
    """Where the installed catalogue says the default NER model lives (camel_tools' own rule)."""
    import json

    base = camel_data_dir()
    try:
        cat = json.loads((base / "catalogue.json").read_text(encoding="utf-8"))
        comp = cat["components"]["NamedEntityRecognition"]
        return base / "data" / comp["datasets"][comp["default"]]["path"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def model_dir() -> Path | None:
    """The installed model folder, or None (config.json plus the weights count as installed)."""
    d = _catalogue_path() or camel_data_dir() / _MODEL_SUBDIR
    if (d / "config.json").is_file() and any((d / w).is_file() for w in _WEIGHTS):
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
        try:  # import camel_tools without its import-time side effects (see morphology.camel_data)
            from ..morphology.camel_data import prepare_camel_import

            prepare_camel_import()
        except ImportError:
            pass
        from camel_tools.ner import NERecognizer  # heavy: torch + transformers

        self.version = f"camel_tools ner-arabert ({path.name})"
        self._ner = NERecognizer(str(path))

    def tag_sentences(self, sentences: list[tuple[list[str], list | None]]) -> list[list[str]]:
        return [self.tag(words, analyses) for words, analyses in sentences]

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
