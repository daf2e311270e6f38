"""Numpy-only inference of an exported model (no torch import), batched per document; checks tags against
the torch model's dev/held-out predictions and times the forward pass.
python np_infer.py MODEL.npz H|F [--marg marg_X.npz] [--doc 20]"""
import sys, time, json, pickle, argparse
import numpy as np
ROOT = str(__import__("pathlib").Path(__file__).resolve().parents[3]); sys.path.insert(0, ROOT)
from arnews.entities.features import key, resources
from arnews.entities.evaluate import score, report
from arnews.entities.crf import from_bilou

ap = argparse.ArgumentParser(); ap.add_argument("model"); ap.add_argument("setup"); ap.add_argument("--marg", default="")
ap.add_argument("--doc", type=int, default=20, help="sentences per document batch"); A = ap.parse_args()
z = np.load(A.model); P = {k: z[k] for k in z.files}; args = json.loads(str(P["args"]))
fid = {f: i + 1 for i, f in enumerate(str(P["feats"]).split("\n"))}
cid = {c: i + 2 for i, c in enumerate(str(P["chars"]))}
LAB = str(P["labels"]).split("\n")
emb = P["emb"].astype(np.float32)  # float16 on disk
if "wv" in P: wv = P["wv"].astype(np.float32)

def sig(x): return 1.0 / (1.0 + np.exp(-x))

def lstm_dir(X, lens, Wih, Whh, b, reverse):
    B, T, _ = X.shape; H = Whh.shape[1]
    if reverse:  # reverse each sentence within its own length
        idx = np.array([[(l - 1 - t) if t < l else t for t in range(T)] for l in lens])
        X = X[np.arange(B)[:, None], idx]
    G = X @ Wih.T + b  # all input projections at once
    h = np.zeros((B, H), np.float32); c = np.zeros((B, H), np.float32); out = np.empty((B, T, H), np.float32)
    WhhT = Whh.T.copy()
    for t in range(T):
        g = G[:, t] + h @ WhhT
        i, f, gg, o = sig(g[:, :H]), sig(g[:, H:2 * H]), np.tanh(g[:, 2 * H:3 * H]), sig(g[:, 3 * H:])
        c = f * c + i * gg; h = o * np.tanh(c); out[:, t] = h
    if reverse: out = out[np.arange(B)[:, None], idx]
    return out

FAST = True
from collections import Counter as _C
TM = _C()
def _prep_bilstm():
    Hd = P["rnn.weight_hh_l0"].shape[1]
    W = np.zeros((2 * Hd, 8 * Hd), np.float32)
    # gate-major layout for both directions: [i_f i_b | f_f f_b | g_f g_b | o_f o_b]
    for d, sfx in enumerate(("", "_reverse")):
        Whh = P["rnn.weight_hh_l0" + sfx]
        for q in range(4):
            W[d * Hd:(d + 1) * Hd, (2 * q + d) * Hd:(2 * q + d + 1) * Hd] = Whh[q * Hd:(q + 1) * Hd].T
    Wih = np.zeros((P["rnn.weight_ih_l0"].shape[1], 8 * Hd), np.float32); bias = np.zeros(8 * Hd, np.float32)
    Wih_f, Wih_b = P["rnn.weight_ih_l0"], P["rnn.weight_ih_l0_reverse"]
    return Hd, W, Wih_f, Wih_b
if args["enc"] == "lstm":
    _Hd, _Whh2 = _prep_bilstm()[:2]
    def _gm(Wih, b):  # input weights/bias with gate blocks scaled for the tanh-sigmoid trick
        return Wih.T.astype(np.float32), b.astype(np.float32)
    _Wf, _bf = _gm(P["rnn.weight_ih_l0"], P["rnn.bias_ih_l0"] + P["rnn.bias_hh_l0"])
    _Wb, _bb = _gm(P["rnn.weight_ih_l0_reverse"], P["rnn.bias_ih_l0_reverse"] + P["rnn.bias_hh_l0_reverse"])
def bilstm(X, lens):
    B, T, _ = X.shape; Hd = _Hd
    idx = np.array([[(l - 1 - t) if t < l else t for t in range(T)] for l in lens])
    Xr = X[np.arange(B)[:, None], idx]
    Gf = (X @ _Wf + _bf).reshape(B, T, 4, 1, Hd); Gb = (Xr @ _Wb + _bb).reshape(B, T, 4, 1, Hd)
    G = np.concatenate([Gf, Gb], 3).reshape(B, T, 8 * Hd)  # gate-major, both directions
    G[:, :, :4 * Hd] *= 0.5; G[:, :, 6 * Hd:] *= 0.5  # i, f, o: sigmoid(x) = 0.5 + 0.5 tanh(x / 2)
    W = _Whh2.copy(); W[:, :4 * Hd] *= 0.5; W[:, 6 * Hd:] *= 0.5
    h = np.zeros((B, 2 * Hd), np.float32); c = np.zeros((B, 2 * Hd), np.float32); out = np.empty((B, T, 2 * Hd), np.float32)
    H2 = 2 * Hd
    for t in range(T):
        g = np.tanh(G[:, t] + h @ W)
        s_if = 0.5 + 0.5 * g[:, :2 * H2]
        c = s_if[:, H2:] * c + s_if[:, :H2] * g[:, 2 * H2:3 * H2]
        h = (0.5 + 0.5 * g[:, 3 * H2:]) * np.tanh(c); out[:, t] = h
    o = out.reshape(B, T, 2, Hd)
    back = o[:, :, 1][np.arange(B)[:, None], idx]
    return np.concatenate([o[:, :, 0], back], 2)

def forward(ids_flat, lens_tok, chars, sent_lens, wvidx=None, marg=None):
    """ids_flat: feature ids of all tokens; lens_tok: features per token; chars: N x ml char ids."""
    _t = time.perf_counter()
    offs = np.concatenate([[0], np.cumsum(lens_tok)[:-1]])
    e = np.add.reduceat(emb[ids_flat], offs, axis=0) + P["bias"]
    e[lens_tok == 0] = P["bias"]
    parts = [e]; TM["embbag"] += time.perf_counter() - _t; _t = time.perf_counter()
    if args["char"]:
        ce = P["cemb"][chars]  # N ml 24
        N, ml, D = ce.shape; pad = np.zeros((N, 1, D), np.float32); cp = np.concatenate([pad, ce, pad], 1)
        col = np.concatenate([cp[:, k:k + ml] for k in range(3)], 2)  # N ml 72
        W = P["cconv_w"].transpose(2, 1, 0).reshape(3 * D, -1)  # (k, in) x out
        h = col @ W + P["cconv_b"]; h[chars == 0] = -1e4; parts.append(h.max(1))
    if wvidx is not None: parts.append(np.vstack([wv, np.zeros((1, wv.shape[1]), np.float32)])[wvidx])
    if marg is not None: parts.append(marg)
    TM["charcnn"] += time.perf_counter() - _t; _t = time.perf_counter()
    tok = np.tanh(np.concatenate(parts, 1).astype(np.float32))
    B, T = len(sent_lens), max(sent_lens)
    X = np.zeros((B, T, tok.shape[1]), np.float32); mask = np.arange(T)[None] < np.array(sent_lens)[:, None]
    X[mask] = tok
    if args["enc"] == "lstm" and FAST:
        H = bilstm(X, sent_lens)
    elif args["enc"] == "lstm":
        H = np.concatenate([lstm_dir(X, sent_lens, P["rnn.weight_ih_l0"], P["rnn.weight_hh_l0"], P["rnn.bias_ih_l0"] + P["rnn.bias_hh_l0"], False),
                            lstm_dir(X, sent_lens, P["rnn.weight_ih_l0_reverse"], P["rnn.weight_hh_l0_reverse"], P["rnn.bias_ih_l0_reverse"] + P["rnn.bias_hh_l0_reverse"], True)], 2)
    else:
        def conv(X, w, b):
            Xp = np.pad(X, ((0, 0), (1, 1), (0, 0))); col = np.concatenate([Xp[:, k:k + T] for k in range(3)], 2)
            return np.maximum(col @ w.transpose(2, 1, 0).reshape(-1, w.shape[0]) + b, 0) * mask[..., None]
        H = conv(conv(X, P["c1.weight"], P["c1.bias"]), P["c2.weight"], P["c2.bias"])
    E = H @ P["out_w"].T + P["out_b"]  # B T L
    TM["encoder"] += time.perf_counter() - _t; _t = time.perf_counter()
    # batched Viterbi
    tr, L = P["trans"], len(LAB); sc = P["start"] + E[:, 0]; bps = []
    lens = np.array(sent_lens); ident = np.broadcast_to(np.arange(L), (B, L))
    for t in range(1, T):
        m = sc[:, :, None] + tr[None]; bp = m.argmax(1); new = m.max(1) + E[:, t]
        act = (t < lens)[:, None]; sc = np.where(act, new, sc); bps.append(np.where(act, bp, ident))
    sc = sc + P["end"]; y = sc.argmax(1); path = [y]
    for bp in reversed(bps): y = bp[np.arange(B), y]; path.append(y)
    path = np.stack(path[::-1], 1); TM["viterbi"] += time.perf_counter() - _t
    return [[LAB[q] for q in path[b, :l]] for b, l in enumerate(sent_lens)]

d = pickle.load(open(f"feats_{A.setup}.pkl", "rb")); xs, tags, words = d["test"]
M = np.load(A.marg)["test"] if A.marg else None
RES = resources()
wvi = None
if "wv" in P:
    import os
    # the word-vector vocabulary is needed for lookups: stored alongside in the training npz
    wz = np.load(args["wv"]); wvi = {w: i for i, w in enumerate(str(wz["words"]).split("\n"))}
# lookups (string -> id): counted separately from the forward pass
t0 = time.perf_counter()
enc = []
for x, w in zip(xs, words):
    ids, lt = [], []
    for tok in x:
        k = [fid[f] for f in tok if f in fid]; ids += k; lt.append(len(k))
    ml = max(min(len(key(q)), 20) for q in w)
    ch = np.zeros((len(w), max(ml, 1)), np.int64)
    for i, q in enumerate(w):
        cc = [cid.get(c, 1) for c in key(q)[:20]] or [1]; ch[i, :len(cc)] = cc
    wi = np.array([wvi.get(key(q), wvi.get(RES.strip(key(q))[1], -1)) for q in w]) if wvi is not None else None
    enc.append((np.array(ids, np.int64), np.array(lt), ch, wi))
t_lookup = time.perf_counter() - t0
ntok = sum(len(w) for w in words); pred = []; moff = np.concatenate([[0], np.cumsum([len(w) for w in words])])
def run():
    out = []
    for s in range(0, len(enc), A.doc):
        grp = enc[s:s + A.doc]; sl = [len(g[1]) for g in grp]
        ml = max(g[2].shape[1] for g in grp)
        ch = np.zeros((sum(sl), ml), np.int64); r = 0
        for g in grp: ch[r:r + len(g[1]), :g[2].shape[1]] = g[2]; r += len(g[1])
        wi = np.concatenate([g[3] for g in grp]) if wvi is not None else None
        mg = M[moff[s]:moff[min(s + A.doc, len(enc))]] if M is not None else None
        out += forward(np.concatenate([g[0] for g in grp]), np.concatenate([g[1] for g in grp]), ch, sl, wi, mg)
    return out
run(); best = 1e9
for _ in range(3):
    TM.clear(); t0 = time.perf_counter(); pred = run(); el = time.perf_counter() - t0
    if el < best: best = el; parts = dict(TM)
print("parts us/token:", {k: round(v / ntok * 1e6, 2) for k, v in parts.items()})
print(f"tokens {ntok}; numpy forward (emb bag + char CNN + encoder + Viterbi) {best / ntok * 1e6:.2f} us/token "
      f"(doc = {A.doc} sentences); feature-id lookups {t_lookup / ntok * 1e6:.2f} us/token")
sc = score(tags, [from_bilou(p) for p in pred]); print(report(sc, len(tags)))
import os; print("model file", os.path.getsize(A.model) / 1e6, "MB")

# Cost of the CRF posterior marginals the NN+CRF ensemble needs (forward-backward over the CRF's own
# state scores, batched per document like the tagger; 17 labels, log space). Shape-only cost: timed on
# random scores of the same shape as the documents above.
def fwd_bwd(S, lens, tr):
    B, T, L = S.shape; mx = tr.max(); et = np.exp(tr - mx)
    la = np.empty_like(S); lb = np.zeros_like(S); a = S[:, 0]; la[:, 0] = a
    for t in range(1, T):
        m = a.max(1, keepdims=True); a = np.log(np.exp(a - m) @ et) + m + mx + S[:, t]; la[:, t] = a
    b = np.zeros((B, L))
    for t in range(T - 2, -1, -1):
        x = b + S[:, t + 1]; m = x.max(1, keepdims=True)
        nb = np.log(np.exp(x - m) @ et.T) + m + mx
        act = (t + 1 < lens)[:, None]; b = np.where(act, nb, 0.0); lb[:, t] = b
    post = la + lb; post -= post.max(2, keepdims=True); p = np.exp(post); return p / p.sum(2, keepdims=True)
rng = np.random.default_rng(0); trr = rng.normal(size=(17, 17)); tot = 0.0
for s in range(0, len(enc), A.doc):
    sl = [len(g[1]) for g in enc[s:s + A.doc]]; S = rng.normal(size=(len(sl), max(sl), 17))
    t0 = time.perf_counter(); fwd_bwd(S, np.array(sl), trr); tot += time.perf_counter() - t0
print(f"CRF forward-backward marginals: {tot / ntok * 1e6:.2f} us/token")
