"""CRF (train_ner.fit, shipped params) on a setup's train part; held-out F1 and test marginals.
python crf_cv.py SETUP -> crf_SETUP.crfsuite, margtest_SETUP.npz (test only)"""
import pickle, sys
import numpy as np
ROOT = str(__import__("pathlib").Path(__file__).resolve().parents[3]); sys.path.insert(0, ROOT); sys.path.insert(0, ROOT + "/benchmarks")
from train_ner import fit
from arnews.entities.evaluate import score, report
from arnews.entities.crf import from_bilou
import pycrfsuite
LAB = ["O"] + [f"{p}-{t}" for t in ("PERS", "LOC", "ORG", "MISC") for p in "BILU"]
setup = sys.argv[1]; d = pickle.load(open(f"feats_{setup}.pkl", "rb")); xs, tags, _ = d["train"]
out = f"crf_{setup}.crfsuite"; fit(xs, tags, out, 0.05, 0.05, 200, 0.5, True)
tg = pycrfsuite.Tagger(); tg.open(out); xt, tt, _ = d["test"]; pred, M = [], []
for x in xt:
    pred.append(from_bilou(tg.tag(x))); labs = set(tg.labels())
    M.append(np.array([[tg.marginal(l, t) if l in labs else 0.0 for l in LAB] for t in range(len(x))], np.float32))
np.savez(f"margtest_{setup}.npz", test=np.concatenate(M)); s = score(tt, pred)
print(f"CRF {setup} f1={s['ALL'][2]:.4f} " + " ".join(f"{k}={s[k][2]:.3f}" for k in ("PERS", "LOC", "ORG", "MISC")))
