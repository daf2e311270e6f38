"""Jackknifed CRF marginals as NN inputs.  python marg.py H|F -> marg_{H,F}.npz (train, test: tokens x 17)
train part: 5 contiguous folds; each fold's marginals from a CRF (train_ner.features + fit, shipped params)
trained on the other folds (its own nested jackknifed name list), fold features with name_list(other folds).
test part: the CRF trained on the whole training part (H: crf_H.crfsuite; F: the shipped ner.crfsuite)."""
import pickle, sys, time
import numpy as np
ROOT = str(__import__("pathlib").Path(__file__).resolve().parents[3]); sys.path.insert(0, ROOT); sys.path.insert(0, ROOT + "/benchmarks")
from train_ner import features, fit, name_list, block
from arnews.entities.features import FeatureExtractor
import pycrfsuite
LAB = ["O"] + [f"{p}-{t}" for t in ("PERS", "LOC", "ORG", "MISC") for p in "BILU"]
setup = sys.argv[1]
d = pickle.load(open(f"feats_{setup}.pkl", "rb")); ana = pickle.load(open("analyses.pkl", "rb"))["train"]
xs, tags, words = d["train"]
if setup == "H":
    ana = [ana[i] for i in d["idx_sub"]]; test_model = "crf_H.crfsuite"
else:
    test_model = ROOT + "/arnews/entities/data/ner.crfsuite"
sents = list(zip(words, tags)); n = len(sents)

def margs(tagger, xseq):
    tagger.set(xseq); labs = set(tagger.labels())
    return np.array([[tagger.marginal(l, t) if l in labs else 0.0 for l in LAB] for t in range(len(xseq))], np.float32)

t0 = time.time(); out_tr = [None] * n
for f in range(5):
    idx_o = [i for i in range(n) if block(i, n, 5) != f]; idx_f = [i for i in range(n) if block(i, n, 5) == f]
    other = [sents[i] for i in idx_o]
    xo = features(other, [ana[i] for i in idx_o], True, 5)
    path = f"/tmp/ner_nn_jk_{setup}_{f}.crfsuite"
    fit(xo, [t for _, t in other], path, 0.05, 0.05, 200, 0.5, True)
    fx = FeatureExtractor(use_morph=True, extra_lists={"tl": name_list(other)})
    tg = pycrfsuite.Tagger(); tg.open(path)
    for i in idx_f:
        out_tr[i] = margs(tg, fx.sentence(sents[i][0], ana[i]))
    print("fold", f, time.time() - t0, flush=True)
tg = pycrfsuite.Tagger(); tg.open(test_model)
out_te = [margs(tg, x) for x in d["test"][0]]
np.savez(f"marg_{setup}.npz", train=np.concatenate(out_tr), test=np.concatenate(out_te))
print("done", time.time() - t0)
