"""CRF baseline on a setup (H or F) using train_ner.fit (same params as shipped), + marginals.
python crf_base.py H  -> crf_H.crfsuite, prints held-out F1; saves marginals of test to marg_H_test.npy"""
import pickle, sys, time
import numpy as np
ROOT = str(__import__("pathlib").Path(__file__).resolve().parents[3]); sys.path.insert(0, ROOT); sys.path.insert(0, ROOT + "/benchmarks")
from train_ner import fit
from arnews.entities.evaluate import score, report
from arnews.entities.crf import from_bilou
import pycrfsuite
setup = sys.argv[1]
d = pickle.load(open(f"feats_{setup}.pkl", "rb"))
xs, tags, _ = d["train"]
out = f"crf_{setup}.crfsuite"
secs = fit(xs, tags, out, 0.05, 0.05, 200, 0.5, True)
tg = pycrfsuite.Tagger(); tg.open(out)
xt, tt, _ = d["test"]
pred = [from_bilou(tg.tag(x)) for x in xt]
print(f"trained {secs:.0f}s"); print(report(score(tt, pred), len(tt)))
