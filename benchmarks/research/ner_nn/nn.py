"""Neural tagger over arnews' CRF feature strings: EmbeddingBag(features) + char CNN (+ optional CRF
marginals, optional word vectors) -> BiLSTM or CNN encoder -> linear-chain CRF (BILOU, hard constraints).
python nn.py --setup H|F [options]   (H: train blocks 0-2 / held-out block 3 of train;  F: train / dev)
"""
import argparse, json, pickle, sys, time, random
import numpy as np
import torch, torch.nn as nn, torch.nn.functional as Fn
ROOT = str(__import__("pathlib").Path(__file__).resolve().parents[3]); sys.path.insert(0, ROOT); sys.path.insert(0, ROOT + "/benchmarks")
from train_ner import LEXICAL
from arnews.entities.evaluate import score, report
from arnews.entities.crf import to_bilou, from_bilou
from arnews.entities.features import key

torch.set_num_threads(1)
ap = argparse.ArgumentParser()
ap.add_argument("--setup", default="H"); ap.add_argument("--epochs", type=int, default=20)
ap.add_argument("--min-count", type=int, default=2); ap.add_argument("--dim", type=int, default=64)
ap.add_argument("--hidden", type=int, default=64); ap.add_argument("--enc", default="lstm")
ap.add_argument("--layers", type=int, default=1)
ap.add_argument("--char", type=int, default=32); ap.add_argument("--dropout", type=float, default=0.5)
ap.add_argument("--fdrop", type=float, default=0.1, help="random feature dropout")
ap.add_argument("--ndrop", type=float, default=0.3, help="lexical-feature dropout on name tokens")
ap.add_argument("--lr", type=float, default=2e-3); ap.add_argument("--batch", type=int, default=16)
ap.add_argument("--marg", default="", help="npz of CRF marginals (train/test) to add as inputs")
ap.add_argument("--wv", default="", help="npz word vectors (words, vecs) keyed by match key")
ap.add_argument("--seed", type=int, default=1); ap.add_argument("--save", default="")
ap.add_argument("--wd", type=float, default=0.0)
ap.add_argument("--mix-a", default="0.5,1,2,3,4")
ap.add_argument("--dump", default="", help="save the final model's test emissions + transitions (npz) for ensembling")
ap.add_argument("--mix", default="", help="npz of CRF marginals: at the end, also decode with E + a*log(CRF marginal)")
ap.add_argument("--drop-prefix", default="", help="comma-separated feature prefixes left out of the input, e.g. -2:,-1:,1:,2:,b-=,b+=")
ap.add_argument("--ema", type=float, default=0.0, help="evaluate with an exponential moving average of the weights")
args = ap.parse_args()
random.seed(args.seed); np.random.seed(args.seed); torch.manual_seed(args.seed)

d = pickle.load(open(f"feats_{args.setup}.pkl", "rb"))
xs_tr, tags_tr, words_tr = d["train"]; xs_te, tags_te, words_te = d["test"]
from collections import Counter
cnt = Counter(f for x in xs_tr for t in x for f in t)
DROP = tuple(p for p in args.drop_prefix.split(",") if p)
feats = sorted(f for f, c in cnt.items() if c >= args.min_count and not (DROP and f.startswith(DROP)))
fid = {f: i + 1 for i, f in enumerate(feats)}  # 0: padding (unused)
LAB = ["O"] + [f"{p}-{t}" for t in ("PERS", "LOC", "ORG", "MISC") for p in "BILU"]
lid = {l: i for i, l in enumerate(LAB)}
chars = Counter(c for ws in words_tr for w in ws for c in key(w))
cid = {c: i + 2 for i, c in enumerate(sorted(c for c, n in chars.items() if n >= 2))}  # 0 pad, 1 unk
wv = None
if args.wv:
    z = np.load(args.wv); wv = True; wvi = {w: i for i, w in enumerate(str(z["words"]).split("\n"))}; wvm = z["vecs"].astype(np.float32)
marg = np.load(args.marg) if args.marg else None
from arnews.entities.features import resources
RES = resources()

def encode(xs, tags, words, part):
    out = []
    mk = marg[part] if marg is not None else None
    off = 0
    for j, (x, t, w) in enumerate(zip(xs, tags, words)):
        ids, lex, lens = [], [], []
        for tok in x:
            k = [(fid[f], f.startswith(LEXICAL)) for f in tok if f in fid]
            ids += [a for a, _ in k]; lex += [b for _, b in k]; lens.append(len(k))
        ch = [[cid.get(c, 1) for c in key(ww)[:20]] or [1] for ww in w]
        y = [lid[l] for l in to_bilou(t)]
        r = dict(ids=np.array(ids, np.int64), lex=np.array(lex, bool), lens=np.array(lens), ch=ch, y=np.array(y))
        if wv is not None:
            r["wv"] = np.array([wvi.get(key(ww), wvi.get(RES.strip(key(ww))[1], -1)) for ww in w])
        if mk is not None:
            r["m"] = mk[off:off + len(w)]; off += len(w)
        out.append(r)
    return out

tr = encode(xs_tr, tags_tr, words_tr, "train"); te = encode(xs_te, tags_te, words_te, "test")
L = len(LAB)
# allowed BILOU transitions
allowed = np.zeros((L, L), bool); start_ok = np.zeros(L, bool); end_ok = np.zeros(L, bool)
for a, la in enumerate(LAB):
    pa, ta = (la.split("-") + [None])[:2]
    start_ok[a] = pa in ("O", "B", "U"); end_ok[a] = pa in ("O", "L", "U")
    for b, lb in enumerate(LAB):
        pb, tb = (lb.split("-") + [None])[:2]
        if pa in ("B", "I"):
            allowed[a, b] = pb in ("I", "L") and tb == ta
        else:
            allowed[a, b] = pb in ("O", "B", "U")

class Model(nn.Module):
    def __init__(s):
        super().__init__()
        s.emb = nn.EmbeddingBag(len(fid) + 1, args.dim, mode="sum")
        nn.init.normal_(s.emb.weight, 0, 0.05)
        s.bias = nn.Parameter(torch.zeros(args.dim))
        din = args.dim
        if args.char:
            s.cemb = nn.Embedding(len(cid) + 2, 24, padding_idx=0)
            s.cconv = nn.Conv1d(24, args.char, 3, padding=1); din += args.char
        if wv is not None:
            s.wv = torch.tensor(np.vstack([wvm, np.zeros((1, wvm.shape[1]), np.float32)])); din += wvm.shape[1]
        if marg is not None:
            din += L
        s.drop = nn.Dropout(args.dropout)
        if args.enc == "lstm":
            s.rnn = nn.LSTM(din, args.hidden, num_layers=args.layers, bidirectional=True, batch_first=True)
            dout = 2 * args.hidden
        elif args.enc == "cnn":
            s.c1 = nn.Conv1d(din, 2 * args.hidden, 3, padding=1); s.c2 = nn.Conv1d(2 * args.hidden, 2 * args.hidden, 3, padding=1)
            dout = 2 * args.hidden
        else:  # none: feed-forward only
            s.ff = nn.Linear(din, 2 * args.hidden); dout = 2 * args.hidden
        s.out = nn.Linear(dout, L)
        s.trans = nn.Parameter(torch.zeros(L, L)); s.start = nn.Parameter(torch.zeros(L)); s.end = nn.Parameter(torch.zeros(L))
        s.register_buffer("tmask", torch.tensor(np.where(allowed, 0.0, -1e4), dtype=torch.float32))
        s.register_buffer("smask", torch.tensor(np.where(start_ok, 0.0, -1e4), dtype=torch.float32))
        s.register_buffer("emask", torch.tensor(np.where(end_ok, 0.0, -1e4), dtype=torch.float32))

    def emissions(s, batch, train):
        B = len(batch); T = max(len(r["y"]) for r in batch)
        ids = np.concatenate([r["ids"] for r in batch]); lens = np.concatenate([r["lens"] for r in batch])
        w = np.ones(len(ids), np.float32)
        if train:
            keep = np.random.rand(len(ids)) >= args.fdrop
            if args.ndrop > 0:
                lexs = np.concatenate([r["lex"] for r in batch])
                names = np.concatenate([r["y"] for r in batch]) != 0
                tokdrop = names & (np.random.rand(len(names)) < args.ndrop)
                keep &= ~(lexs & np.repeat(tokdrop, lens))
            w = keep.astype(np.float32)
        offs = np.concatenate([[0], np.cumsum(lens)[:-1]])
        e = s.emb(torch.from_numpy(ids), torch.from_numpy(offs), per_sample_weights=torch.from_numpy(w)) + s.bias
        parts = [e]
        if args.char:
            chs = [c for r in batch for c in r["ch"]]; ml = max(len(c) for c in chs)
            ca = np.zeros((len(chs), ml), np.int64)
            for i, c in enumerate(chs): ca[i, :len(c)] = c
            ct = torch.from_numpy(ca)
            h = s.cconv(s.cemb(ct).transpose(1, 2))  # N, C, ml
            h = h.masked_fill((ct == 0).unsqueeze(1), -1e4).max(2).values
            parts.append(h)
        if wv is not None:
            parts.append(s.wv[torch.from_numpy(np.concatenate([r["wv"] for r in batch]))])
        if marg is not None:
            parts.append(torch.from_numpy(np.concatenate([r["m"] for r in batch]).astype(np.float32)))
        tok = torch.tanh(torch.cat(parts, 1))
        X = torch.zeros(B, T, tok.shape[1]); pos = 0
        for b, r in enumerate(batch):
            n = len(r["y"]); X[b, :n] = tok[pos:pos + n]; pos += n
        X = s.drop(X)
        lengths = torch.tensor([len(r["y"]) for r in batch])
        if args.enc == "lstm":
            pk = nn.utils.rnn.pack_padded_sequence(X, lengths, batch_first=True, enforce_sorted=False)
            H, _ = s.rnn(pk); H, _ = nn.utils.rnn.pad_packed_sequence(H, batch_first=True, total_length=T)
        elif args.enc == "cnn":
            m = (torch.arange(T)[None] < lengths[:, None]).float().unsqueeze(1)
            H = torch.relu(s.c1(X.transpose(1, 2))) * m; H = s.drop(H.transpose(1, 2)).transpose(1, 2)
            H = (torch.relu(s.c2(H)) * m).transpose(1, 2)
        else:
            H = torch.relu(s.ff(X))
        return s.out(s.drop(H)), lengths

    def nll(s, E, lengths, Y):
        B, T, _ = E.shape
        mask = torch.arange(T)[None] < lengths[:, None]
        trans = s.trans + s.tmask
        alpha = s.start + s.smask + E[:, 0]
        gold = (s.start + s.smask)[Y[:, 0]] + E[:, 0].gather(1, Y[:, :1]).squeeze(1)
        for t in range(1, T):
            a2 = torch.logsumexp(alpha.unsqueeze(2) + trans.unsqueeze(0), 1) + E[:, t]
            mt = mask[:, t]
            alpha = torch.where(mt.unsqueeze(1), a2, alpha)
            g = trans[Y[:, t - 1], Y[:, t]] + E[:, t].gather(1, Y[:, t:t + 1]).squeeze(1)
            gold = gold + g * mt
        last = Y.gather(1, (lengths - 1).unsqueeze(1)).squeeze(1)
        gold = gold + (s.end + s.emask)[last]
        Z = torch.logsumexp(alpha + s.end + s.emask, 1)
        return (Z - gold).sum()

def viterbi(E, n, trans, start, end):
    sc = start + E[0]; bp = []
    for t in range(1, n):
        m = sc[:, None] + trans; bp.append(m.argmax(0)); sc = m.max(0) + E[t]
    sc = sc + end; y = [int(sc.argmax())]
    for b in reversed(bp): y.append(int(b[y[-1]]))
    return y[::-1]

model = Model()
opt = torch.optim.Adam(model.parameters(), lr=args.lr, weight_decay=args.wd)
ema = {k: v.detach().clone() for k, v in model.state_dict().items()} if args.ema else None
def swap():  # exchange live and EMA weights
    global ema
    cur = {k: v.detach().clone() for k, v in model.state_dict().items()}; model.load_state_dict(ema); ema = cur

def evaluate(data, gold_tags, mixa=0.0):
    model.eval(); preds = []
    tr_ = (model.trans + model.tmask).detach().numpy(); st = (model.start + model.smask).detach().numpy(); en = (model.end + model.emask).detach().numpy()
    with torch.no_grad():
        order = sorted(range(len(data)), key=lambda i: len(data[i]["y"]))
        res = {}
        for k in range(0, len(order), 64):
            bi = order[k:k + 64]; E, lens = model.emissions([data[i] for i in bi], False); E = E.numpy()
            for j, i in enumerate(bi):
                if mixa:
                    E[j, :len(data[i]["y"])] += mixa * np.log(MIX[i] + 1e-3)
                res[i] = from_bilou([LAB[q] for q in viterbi(E[j], int(lens[j]), tr_, st, en)])
    model.train()
    preds = [res[i] for i in range(len(data))]
    return score(gold_tags, preds), preds

print(f"features {len(fid)} chars {len(cid)} params {sum(p.numel() for p in model.parameters())}", flush=True)
t0 = time.time(); hist = []
for ep in range(args.epochs):
    order = sorted(range(len(tr)), key=lambda i: len(tr[i]["y"]) + random.random() * 8)
    batches = [order[k:k + args.batch] for k in range(0, len(order), args.batch)]; random.shuffle(batches)
    tot = 0.0
    for bi in batches:
        batch = [tr[i] for i in bi]
        E, lens = model.emissions(batch, True)
        Y = torch.zeros(len(batch), E.shape[1], dtype=torch.long)
        for b, r in enumerate(batch): Y[b, :len(r["y"])] = torch.from_numpy(r["y"])
        loss = model.nll(E, lens, Y)
        opt.zero_grad(); (loss / len(batch)).backward()
        nn.utils.clip_grad_norm_(model.parameters(), 5.0); opt.step(); tot += loss.item()
        if ema is not None:
            with torch.no_grad():
                for k, v in model.state_dict().items():
                    if v.dtype.is_floating_point: ema[k].mul_(args.ema).add_(v, alpha=1 - args.ema)
    if args.lr > 0 and ep >= args.epochs * 0.6:
        for g in opt.param_groups: g["lr"] *= 0.7
    if args.setup == "F" and ep < args.epochs - 1:  # dev: look once, at the end
        print(f"ep {ep} loss {tot:.0f} t={time.time() - t0:.0f}s", flush=True); continue
    if ema is not None: swap()
    sc, _ = evaluate(te, tags_te)
    if ema is not None and ep < args.epochs - 1: swap()
    hist.append(round(sc["ALL"][2], 4))
    print(f"ep {ep} loss {tot:.0f} test_f1 {sc['ALL'][2]:.4f} " + " ".join(f"{t}={sc[t][2]:.3f}" for t in ("PERS", "LOC", "ORG", "MISC") if t in sc) + f" t={time.time() - t0:.0f}s", flush=True)
print(report(sc, len(te)))
if args.dump:
    model.eval(); Es = []
    with torch.no_grad():
        for k in range(0, len(te), 64):
            E, lens = model.emissions(te[k:k + 64], False)
            Es += [E[j, :int(lens[j])].numpy() for j in range(len(lens))]
    np.savez(args.dump, E=np.concatenate(Es), trans=(model.trans + model.tmask).detach().numpy(),
             start=(model.start + model.smask).detach().numpy(), end=(model.end + model.emask).detach().numpy())
    model.train()
if args.mix:
    mt = np.load(args.mix)["test"]; MIX = []; o = 0
    for r in te: MIX.append(mt[o:o + len(r["y"])]); o += len(r["y"])
    for a in [float(q) for q in args.mix_a.split(",")]:
        s2, _ = evaluate(te, tags_te, a)
        print(f"MIX a={a} f1={s2['ALL'][2]:.4f} " + " ".join(f"{t}={s2[t][2]:.3f}" for t in ("PERS", "LOC", "ORG", "MISC")), flush=True)
print("HIST", json.dumps(hist), "train_secs", round(time.time() - t0))
if args.save:
    torch.save(dict(state=model.state_dict(), fid=fid, cid=cid, LAB=LAB, args=vars(args)), args.save)
