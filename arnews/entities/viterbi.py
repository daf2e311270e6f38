"""The CRF tagger: the trained crfsuite model's weights as arrays, Viterbi over a document's sentences.

A linear-chain CRF is a weight row per (attribute, label) and a label-to-label transition
matrix. This module keeps them as arrays (exported once from the .crfsuite file into a sibling
.weights.npz), turns feature strings into row ids with one dict lookup each (features.py
builds them), and leaves two loops to C (_ctagger.c): each word's emission sums and the
Viterbi pass, for all the sentences of a document at once. Scores are the sums crfsuite makes
(value 1 per attribute, unknown attributes ignored, no start/end transitions) and ties go to
the lower label id as in crfsuite, so the tags are crfsuite's: tests/entities/test_entities.py compares
them on real text. crfsuite itself only trains the model and exports its weights.
"""
from __future__ import annotations

import zlib
from pathlib import Path

import numpy as np

from .errors import MissingDataError

try:  # built at install where there is a C compiler (setup.py)
    from ._ctagger import emissions as _emissions, viterbi as _viterbi
except ImportError:  # pragma: no cover - depends on the install having had a C compiler
    _emissions = _viterbi = None


def require_compiled() -> None:
    """Raise MissingDataError where the install could not build _ctagger.c (no C compiler)."""
    if _viterbi is None:
        raise MissingDataError("the crf NER backend needs its compiled tagger (arnews/entities/_ctagger.c), "
                               "which this install lacks: reinstall arnews where a C compiler is available "
                               "(pip install --force-reinstall --no-cache-dir arnews)")


def weights_path(model: Path) -> Path:
    return Path(model).with_suffix(".weights.npz")


def model_crc(model: Path) -> int:
    """Checksum of a .crfsuite file: ties an exported weights file to the model it came from."""
    return zlib.crc32(Path(model).read_bytes())


def read_model(model: Path) -> dict[str, np.ndarray]:
    """The weights of a trained .crfsuite model as arrays (crfsuite's dump; ~0.4 s)."""
    import pycrfsuite

    tagger = pycrfsuite.Tagger()
    tagger.open(str(model))
    info = tagger.info()
    # Label ids as crfsuite numbers them, so that ties break the same way.
    labels = [lab for lab, _ in sorted(info.labels.items(), key=lambda kv: int(kv[1]))]
    lid = {lab: i for i, lab in enumerate(labels)}
    attrs = sorted({a for a, _ in info.state_features})
    aid = {a: i for i, a in enumerate(attrs)}
    state = np.zeros((len(attrs) + 1, len(labels)), dtype=np.float64)  # last row: unknown attribute
    for (a, lab), w in info.state_features.items():
        state[aid[a], lid[lab]] = w
    trans = np.zeros((len(labels), len(labels)), dtype=np.float64)
    for (a, b), w in info.transitions.items():
        trans[lid[a], lid[b]] = w
    return {"attrs": np.array("\n".join(attrs)), "labels": np.array("\n".join(labels)), "state": state,
            "trans": trans, "model_crc": np.array(model_crc(model), dtype=np.int64)}


def export_weights(model: Path, out: Path | None = None) -> Path:
    """Write MODEL.weights.npz from a trained .crfsuite model (train_ner.py does, after training)."""
    out = Path(out) if out else weights_path(model)
    with open(out, "wb") as fh:  # np.savez would add .npz to a name that lacks it
        np.savez_compressed(fh, **read_model(model))
    return out


SHARED_MAX = 4  # blocks of at most this many attributes share one row


def load_chain(model: Path) -> "LinearChain":
    """The model's LinearChain: from its exported weights when they match the model, else read
    from the model itself (a custom or retrained model without a fresh export)."""
    model = Path(model)
    path = weights_path(model)
    if path.exists():
        with np.load(path, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
        if int(arrays.get("model_crc", -1)) == model_crc(model):
            return LinearChain(arrays)
    return LinearChain(read_model(model))


class LinearChain:
    """A linear-chain CRF's weights: attribute -> row id, a table of score rows, transitions.

    The table starts with one row per attribute (its weight for each label) and a zero row for
    unknown attributes; ``add_block`` appends the summed row of a group of attributes that
    always occur together (a word's own features), so a word costs one row, not forty. The
    table grows up to ``max_blocks`` added rows (~40 MB), then its owner starts it afresh.
    """

    def __init__(self, arrays: dict, max_blocks: int = 600_000):
        require_compiled()
        attrs = str(arrays["attrs"]).split("\n")
        self.labels: list = str(arrays["labels"]).split("\n")
        state = arrays["state"]
        self.trans = np.ascontiguousarray(arrays["trans"], dtype=np.float64)
        self.index: dict = {a: i for i, a in enumerate(attrs)}
        self.unknown = len(attrs)
        # float32 halves the memory of the block rows; on ANERcorp dev and the seed the tags
        # equal crfsuite's (which sums in double) everywhere (tests/entities/test_entities.py).
        self._table = np.zeros((state.shape[0] + 8192, state.shape[1]), dtype=np.float32)
        self._table[:state.shape[0]] = state
        self._size = self._base = state.shape[0]  # rows in use, pending ones included
        self._max = state.shape[0] + max_blocks
        # Blocks whose rows are not summed yet: done in one numpy call before the next tagging.
        self._pending: list = []
        self._pending_starts: list = []
        self._pending_from = self._size
        self._shared: dict = {}  # small blocks' rows, by their attribute ids

    def row_ids(self, items: list) -> list:
        """Each int item as it is (a row), each feature string as its attribute's row; a string
        the model does not know gives the zero row."""
        get, unknown = self.index.get, self.unknown
        return [x if x.__class__ is int else get(x, unknown) for x in items]

    def add_block(self, features: list) -> int:
        """One row id that scores `features` (attributes the model does not know score nothing):
        the zero row, an attribute's own row, or a new row holding the sum."""
        get = self.index.get
        ids = [i for i in [get(f) for f in features] if i is not None]
        n = len(ids)
        if n <= 1:
            return ids[0] if n else self.unknown
        if n <= SHARED_MAX:
            # Blocks of 2-4 known attributes recur: over 668 articles 180k such blocks (mostly what
            # a neighbour sees of a word: its clusters) held only 34k distinct ones.
            k = tuple(ids)
            row = self._shared.get(k)
            if row is None:
                row = self._shared[k] = self._new_row(ids)
            return row
        return self._new_row(ids)

    def add_blocks(self, blocks) -> tuple:
        """add_block for each of `blocks`, in order."""
        return tuple([self.add_block(b) for b in blocks])

    def _new_row(self, ids: list) -> int:
        self._pending_starts.append(len(self._pending))
        self._pending.extend(ids)
        self._size += 1
        return self._size - 1

    def full(self) -> bool:
        """True once the added rows reach max_blocks (the caller then forgets its row ids and
        calls reset(), between documents: a document's rows are summed when it is tagged)."""
        return self._size >= self._max

    def reset(self) -> None:
        """Drop every added row (the attributes' own rows stay), pending ones unsummed."""
        self._pending, self._pending_starts, self._shared = [], [], {}
        self._size = self._pending_from = self._base

    def _flush(self) -> None:
        if not self._pending_starts:
            return
        if self._size > len(self._table):  # grown by a quarter: the table is a worker's largest cache
            grown = np.zeros((max(len(self._table) * 5 // 4, self._size), self._table.shape[1]),
                             dtype=np.float32)
            grown[:self._pending_from] = self._table[:self._pending_from]
            self._table = grown
        sums = np.add.reduceat(self._table[self._pending], self._pending_starts, axis=0)
        self._table[self._pending_from:self._size] = sums
        self._pending, self._pending_starts, self._pending_from = [], [], self._size

    def emissions(self, words: list) -> np.ndarray:
        """Each word's label scores [words, labels]: the sum of its rows, in double, in list
        order (a word with no known attribute: zeros)."""
        self._flush()
        out = np.empty((len(words), len(self.labels)))
        if words:
            _emissions(words, self._table, len(self.labels), out)
        return out

    def tag_ids(self, sentences: list) -> list:
        """Best label sequence of each sentence, given each word's row ids."""
        labels = self.labels
        words = [ids for sent in sentences for ids in sent]
        if not words:
            return [[] for _ in sentences]
        paths = _viterbi(self.emissions(words), [len(s) for s in sentences], self.trans, len(labels))
        return [[labels[j] for j in path] for path in paths]
