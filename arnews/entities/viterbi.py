"""CRF inference over arrays: the trained crfsuite model's weights, Viterbi over many sentences at once.

crfsuite's own tagger costs ~11 us per word here, most of it turning every feature string into
a C++ string and looking it up, one sentence per call. The same linear-chain model is a weight
row per (attribute, label) and a label-to-label transition matrix, so this module keeps them
as arrays (exported once from the .crfsuite file into a sibling .weights.npz), turns feature
strings into row ids with one dict lookup each, sums each word's rows for all the sentences of
a document together, and runs the Viterbi loop (the feature assembly too, in features.py) in C
(_ctagger.c, built at install where there is a C compiler; otherwise the same loops in Python
and numpy, several times slower: 0.40 against 0.06 s of tagging per 262 articles). Scores are
the same sums crfsuite makes (value 1 per attribute, unknown attributes ignored, no start/end
transitions) and ties go to the lower label id as in crfsuite, so the tags are crfsuite's:
tests/test_entities.py compares all three on real text.
"""
from __future__ import annotations

import itertools
import zlib
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np


def py_row_ids(index: dict[str, int], items: Iterable, unknown: int | None) -> list[int]:
    """Each int item as it is, each feature string as its attribute id; a string the model does
    not know gives `unknown`, or is left out when `unknown` is None (_ctagger.row_ids in Python)."""
    get = index.get
    out = [x if x.__class__ is int else get(x, unknown) for x in items]
    return out if unknown is not None else [x for x in out if x is not None]


try:  # the compiled loops (_ctagger.c); Python and numpy do the same where they were not built
    from ._ctagger import (add_blocks as c_add_blocks, emissions as c_emissions, morph_parts as c_morph_parts,
                           row_ids, sentence_ids as c_sentence_ids, viterbi as c_viterbi)
except ImportError:  # pragma: no cover - depends on the install having had a C compiler
    c_add_blocks = c_emissions = c_morph_parts = c_sentence_ids = c_viterbi = None
    row_ids = py_row_ids


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


def pair_table(index: dict[str, int], prefix: str) -> dict[str, dict[str, int]]:
    """{X: {Y: id}} for every feature prefix + "X|Y" in index, so that table[X][Y] is the id of
    prefix + X + "|" + Y exactly when the index holds that string (a word may itself hold a "|":
    every split of such a feature is entered)."""
    table: dict[str, dict[str, int]] = {}
    for feat, i in index.items():
        if feat.startswith(prefix):
            rest = feat[len(prefix):]
            cut = rest.find("|")
            while cut >= 0:
                table.setdefault(rest[:cut], {})[rest[cut + 1:]] = i
                cut = rest.find("|", cut + 1)
    return table


class LinearChain:
    """A linear-chain CRF's weights: attribute -> row id, a table of score rows, transitions.

    The table starts with one row per attribute (its weight for each label) and a zero row for
    unknown attributes; ``add_block`` appends the summed row of a group of attributes that
    always occur together (a word's own features), so a word costs one row, not forty. The
    table grows up to ``max_blocks`` added rows (~40 MB), then its owner starts it afresh.
    """

    def __init__(self, arrays: dict[str, np.ndarray], max_blocks: int = 600_000):
        attrs = str(arrays["attrs"]).split("\n")
        self.labels: list[str] = str(arrays["labels"]).split("\n")
        state = arrays["state"]
        self.trans = arrays["trans"].astype(np.float64)
        self.index: dict[str, int] = {a: i for i, a in enumerate(attrs)}
        self.unknown = len(attrs)
        # float32 halves the memory of the block rows; on ANERcorp dev and the seed the tags
        # equal crfsuite's (which sums in double) everywhere (tests/test_entities.py).
        self._table = np.zeros((state.shape[0] + 8192, state.shape[1]), dtype=np.float32)
        self._table[:state.shape[0]] = state
        self._size = self._base = state.shape[0]  # rows in use, pending ones included
        self._max = state.shape[0] + max_blocks
        # Blocks whose rows are not summed yet: done in one numpy call before the next tagging.
        self._pending: list[int] = []
        self._pending_starts: list[int] = []
        self._pending_from = self._size
        self._shared: dict[tuple[int, ...], int] = {}  # small blocks' rows, by their attribute ids
        # For _ctagger.sentence_ids: the ids of the features every sentence has at its ends, and
        # the word-pair features as {X: {Y: id}} (b-=X|Y, b+=X|Y: one of each per word, 4,000 known).
        self.fixed_ids = tuple(self.index.get(f, self.unknown) for f in ("BOS", "EOS", "-2:pad", "-1:pad", "1:pad", "2:pad"))
        self.pair_tables = (pair_table(self.index, "b-="), pair_table(self.index, "b+="))
        self.use_c = True  # the compiled loops when they are built (tests turn them off to compare)

    def state_scores(self, sentence: Sequence[Sequence[str]]) -> np.ndarray:
        """Each word's score for each label [words, labels] from its feature strings (crfsuite's
        state sums: value 1 per attribute, unknown attributes ignored), without the row table."""
        out = np.zeros((len(sentence), len(self.labels)))
        for t, feats in enumerate(sentence):
            ids = [i for i in map(self.index.get, feats) if i is not None]
            if ids:
                out[t] = self._table[ids].sum(0)
        return out

    def add_block(self, features: Iterable[str]) -> int:
        """One row id that scores `features` (attributes the model does not know score nothing):
        the zero row, an attribute's own row, or a new row holding the sum."""
        ids = row_ids(self.index, features, None)
        n = len(ids)
        if n <= 1:
            return ids[0] if ids else self.unknown
        if n <= SHARED_MAX:
            # Blocks of 2-4 known attributes recur: over 668 articles 180k such blocks (mostly what
            # a neighbour sees of a word: its clusters) held only 34k distinct ones.
            k = tuple(ids)
            row = self._shared.get(k)
            if row is None:
                row = self._shared[k] = self._new_row(ids)
            return row
        return self._new_row(ids)

    def add_blocks(self, blocks: Sequence[Sequence[str]]) -> tuple[int, ...]:
        """add_block for each of `blocks`, in order (one C call for a new word's parts)."""
        if c_add_blocks is not None and self.use_c:
            rows, self._size = c_add_blocks(self.index, blocks, self._shared, self._pending, self._pending_starts,
                                            self._size, SHARED_MAX, self.unknown)
            return rows
        return tuple([self.add_block(b) for b in blocks])

    def _new_row(self, ids: list[int]) -> int:
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

    def tag_ids(self, sentences: Sequence[Sequence[Sequence[int]]], batch: int = 64) -> list[list[str]]:
        """Best label sequence of each sentence, given each word's row ids."""
        self._flush()
        labels = self.labels
        if c_viterbi is not None and self.use_c:
            words = [ids for sent in sentences for ids in sent]
            if not words:
                return [[] for _ in sentences]
            emis = np.empty((len(words), len(labels)))
            c_emissions(words, self._table, len(labels), emis)  # (a word with no known attribute: zeros)
            paths = c_viterbi(emis, [len(s) for s in sentences], self.trans, len(labels))
            return [[labels[j] for j in path] for path in paths]
        out: list[list[str]] = [[]] * len(sentences)
        # Similar lengths together, longest first, so that little of each batch is padding.
        order = sorted(range(len(sentences)), key=lambda i: -len(sentences[i]))
        for lo in range(0, len(order), batch):
            part = [i for i in order[lo:lo + batch] if sentences[i]]
            if not part:
                continue
            for i, path in zip(part, self._viterbi([sentences[i] for i in part])):
                out[i] = [labels[j] for j in path]
        return out

    def _emissions(self, words: Sequence[Sequence[int]]) -> np.ndarray:
        """Each word's summed rows (float64, one row of label scores per word)."""
        counts = np.fromiter(map(len, words), dtype=np.intp, count=len(words))
        if not counts.all():  # a word with no known attribute: the zero row (reduceat needs one)
            words = [ids or [self.unknown] for ids in words]
            counts = np.fromiter(map(len, words), dtype=np.intp, count=len(words))
        starts = np.zeros(len(words), dtype=np.intp)
        np.cumsum(counts[:-1], out=starts[1:])
        rows = np.fromiter(itertools.chain.from_iterable(words), dtype=np.intp, count=int(counts.sum()))
        return np.add.reduceat(self._table[rows], starts, axis=0).astype(np.float64)

    def _viterbi(self, sents: Sequence[Sequence[Sequence[int]]]) -> list[list[int]]:
        """Viterbi over sentences sorted longest first (so the ones still running are a prefix)."""
        lens = [len(s) for s in sents]
        width, n_b, n_l = lens[0], len(sents), self.trans.shape[0]
        emis = np.zeros((n_b, width, n_l))
        emis[np.arange(width)[None, :] < np.array(lens)[:, None]] = self._emissions([ids for s in sents for ids in s])
        delta = emis[:, 0, :].copy()
        back = np.zeros((n_b, width, n_l), dtype=np.intp)
        trans = self.trans
        live = n_b
        for t in range(1, width):
            while lens[live - 1] <= t:
                live -= 1
            scores = delta[:live, :, None] + trans  # [sentence, from, to]
            back[:live, t] = scores.argmax(axis=1)  # first maximum: crfsuite's tie-break
            delta[:live] = scores.max(axis=1) + emis[:live, t]
        cur = delta.argmax(axis=1)
        path = np.zeros((n_b, width), dtype=np.intp)
        live = 0
        for t in range(width - 1, 0, -1):  # backwards: more sentences join as t falls
            while live < n_b and lens[live] > t:
                live += 1
            path[:live, t] = cur[:live]
            cur[:live] = back[np.arange(live), t, cur[:live]]
        path[:, 0] = cur
        return [path[b, :n].tolist() for b, n in enumerate(lens)]
