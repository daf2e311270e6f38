"""Dev: NN+CRF ensemble (E_nn + a*log p_crf) plain and with ner_f1's document-consistency step (--context 5).
python ens_ctx.py DUMP.npz MARG.npz A"""
import sys, pickle, numpy as np
ROOT = str(__import__("pathlib").Path(__file__).resolve().parents[3]); sys.path.insert(0, ROOT); sys.path.insert(0, ROOT + "/benchmarks")
from arnews.entities.evaluate import score, report
from arnews.entities.crf import from_bilou
from ner_f1 import with_context
LAB = ["O"] + [f"{p}-{t}" for t in ("PERS", "LOC", "ORG", "MISC") for p in "BILU"]
z = np.load(sys.argv[1]); M = np.log(np.load(sys.argv[2])["test"] + 1e-3); a = float(sys.argv[3])
_, tags, words = pickle.load(open("feats_F.pkl", "rb"))["test"]
def vit(e):
    sc = z["start"] + e[0]; bp = []
    for t in range(1, len(e)):
        m = sc[:, None] + z["trans"]; bp.append(m.argmax(0)); sc = m.max(0) + e[t]
    y = [int((sc + z["end"]).argmax())]
    for b in reversed(bp): y.append(int(b[y[-1]]))
    return y[::-1]
pred, o = [], 0
for t in tags:
    pred.append(from_bilou([LAB[q] for q in vit(z["E"][o:o + len(t)] + a * M[o:o + len(t)])])); o += len(t)
print("plain"); print(report(score(tags, pred), len(tags)))
print("with document-consistency (context 5)"); print(report(score(tags, with_context(words, pred, 5)), len(tags)))
