"""Ensemble dumped NN emissions (mean over models) + a*log(CRF marginal); Viterbi with mean transitions.
python ens.py SETUP MARG.npz A DUMP1.npz [DUMP2.npz ...]"""
import sys, pickle, numpy as np
ROOT = str(__import__("pathlib").Path(__file__).resolve().parents[3]); sys.path.insert(0, ROOT)
from arnews.entities.evaluate import score, report
from arnews.entities.crf import from_bilou
LAB = ["O"] + [f"{p}-{t}" for t in ("PERS", "LOC", "ORG", "MISC") for p in "BILU"]
setup, mpath, alist = sys.argv[1], sys.argv[2], [float(a) for a in sys.argv[3].split(",")]
D = [np.load(p) for p in sys.argv[4:]]
E = np.mean([z["E"] for z in D], 0); tr = np.mean([z["trans"] for z in D], 0)
st = np.mean([z["start"] for z in D], 0); en = np.mean([z["end"] for z in D], 0)
M = np.log(np.load(mpath)["test"] + 1e-3) if mpath != "-" else np.zeros_like(E)
tags = pickle.load(open(f"feats_{setup}.pkl", "rb"))["test"][1]
def vit(e):
    sc = st + e[0]; bp = []
    for t in range(1, len(e)):
        m = sc[:, None] + tr; bp.append(m.argmax(0)); sc = m.max(0) + e[t]
    y = [int((sc + en).argmax())]
    for b in reversed(bp): y.append(int(b[y[-1]]))
    return y[::-1]
for a in alist:
    pred, o = [], 0
    for t in tags:
        e = E[o:o + len(t)] + a * M[o:o + len(t)]; o += len(t); pred.append(from_bilou([LAB[q] for q in vit(e)]))
    s = score(tags, pred)
    print(f"models={len(D)} a={a} f1={s['ALL'][2]:.4f} " + " ".join(f"{k}={s[k][2]:.3f}" for k in ("PERS", "LOC", "ORG", "MISC")))
    if len(alist) == 1: print(report(s, len(tags)))
