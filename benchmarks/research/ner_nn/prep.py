"""Precompute CRF feature strings (reusing arnews' FeatureExtractor and train_ner.features) for:
  H: holdout setup  - train blocks 0-2 of 4 (jackknifed name list, 5 folds) / held-out block 3
  F: final setup    - full train (jackknifed, 5 folds) / dev (name list from full train)
Writes feats_{H,F}.pkl: dict(train=(xs, tags, words), test=(xs, tags, words)).
"""
import pickle, sys, time
ROOT = str(__import__("pathlib").Path(__file__).resolve().parents[3]); sys.path.insert(0, ROOT); sys.path.insert(0, ROOT + "/benchmarks")
from train_ner import features, name_list, analyses_for, block, SHARED
from arnews.entities.evaluate import read_bio
from arnews.entities.features import FeatureExtractor

t0 = time.time()
train = read_bio(SHARED / "train.tsv"); dev = read_bio(SHARED / "dev.tsv")
ana_tr = analyses_for(train, True); ana_dev = analyses_for(dev, True)
print("analyses", time.time() - t0, flush=True)
n = len(train)
def pack(sents, xs):
    return (xs, [t for _, t in sents], [w for w, _ in sents])
# H
idx_sub = [i for i in range(n) if block(i, n, 4) != 3]; idx_held = [i for i in range(n) if block(i, n, 4) == 3]
sub = [train[i] for i in idx_sub]; held = [train[i] for i in idx_held]
xs_sub = features(sub, [ana_tr[i] for i in idx_sub], True, 5)
fx = FeatureExtractor(use_morph=True, extra_lists={"tl": name_list(sub)})
xs_held = [fx.sentence(w, ana_tr[i]) for i, (w, _) in zip(idx_held, held)]
pickle.dump(dict(train=pack(sub, xs_sub), test=pack(held, xs_held), idx_sub=idx_sub, idx_held=idx_held),
            open("feats_H.pkl", "wb"))
print("H", time.time() - t0, flush=True)
xs_tr = features(train, ana_tr, True, 5)
fx = FeatureExtractor(use_morph=True, extra_lists={"tl": name_list(train)})
xs_dev = [fx.sentence(w, a) for (w, _), a in zip(dev, ana_dev)]
pickle.dump(dict(train=pack(train, xs_tr), test=pack(dev, xs_dev)), open("feats_F.pkl", "wb"))
pickle.dump(dict(train=ana_tr, dev=ana_dev), open("analyses.pkl", "wb"))
print("F", time.time() - t0, flush=True)
