"""Features for the other 4-fold CV splits of train (C0..C2; C3 == H): python cvprep.py -> feats_C{f}.pkl"""
import pickle, sys
ROOT = str(__import__("pathlib").Path(__file__).resolve().parents[3]); sys.path.insert(0, ROOT); sys.path.insert(0, ROOT + "/benchmarks")
from train_ner import features, name_list, block, SHARED
from arnews.entities.evaluate import read_bio
from arnews.entities.features import FeatureExtractor
train = read_bio(SHARED / "train.tsv"); ana = pickle.load(open("analyses.pkl", "rb"))["train"]; n = len(train)
for f in range(3):
    i_s = [i for i in range(n) if block(i, n, 4) != f]; i_h = [i for i in range(n) if block(i, n, 4) == f]
    sub = [train[i] for i in i_s]; held = [train[i] for i in i_h]
    xs = features(sub, [ana[i] for i in i_s], True, 5)
    fx = FeatureExtractor(use_morph=True, extra_lists={"tl": name_list(sub)})
    xh = [fx.sentence(train[i][0], ana[i]) for i in i_h]
    pk = lambda ss, x: (x, [t for _, t in ss], [w for w, _ in ss])
    pickle.dump(dict(train=pk(sub, xs), test=pk(held, xh)), open(f"feats_C{f}.pkl", "wb"))
