"""Word vectors from SaudiNewsNet: the same PPMI (left/right contexts) + SVD that make_clusters.build uses,
kept as dense vectors (words with count >= 3).  python wv.py DIM -> wv{DIM}.npz (words, vecs)"""
import sys
from collections import Counter
from pathlib import Path
import numpy as np
ROOT = str(__import__("pathlib").Path(__file__).resolve().parents[3]); sys.path.insert(0, ROOT)
sys.path.insert(0, ROOT + "/tools")
from make_clusters import _sentences, SHARED  # noqa: E402
MIN_COUNT, N_CONTEXT, SEED = 3, 3000, 13  # (the builder's settings when these vectors were measured)
from scipy import sparse
from sklearn.decomposition import TruncatedSVD
from sklearn.preprocessing import normalize
dim = int(sys.argv[1])
paths = sorted((SHARED / "corpus" / "saudinewsnet").glob("*.txt"))
sents = list(_sentences(paths))
counts = Counter(w for s in sents for w in s)
vocab = [w for w, c in counts.most_common() if c >= MIN_COUNT]
index = {w: i for i, w in enumerate(vocab)}; ctx = {w: i for i, w in enumerate(vocab[:N_CONTEXT])}
rows, cols = [], []
for s in sents:
    p = ["<s>"] + s + ["</s>"]
    for j in range(1, len(p) - 1):
        i = index.get(p[j])
        if i is None: continue
        l, r = ctx.get(p[j - 1]), ctx.get(p[j + 1])
        if l is not None: rows.append(i); cols.append(l)
        if r is not None: rows.append(i); cols.append(N_CONTEXT + r)
m = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(vocab), 2 * N_CONTEXT))
tot = m.sum(); row = np.asarray(m.sum(1)).ravel(); col = np.asarray(m.sum(0)).ravel(); m = m.tocoo()
pmi = np.log(m.data * tot / (row[m.row] * col[m.col] + 1e-9)); k = pmi > 0
ppmi = sparse.csr_matrix((pmi[k], (m.row[k], m.col[k])), shape=m.shape)
emb = normalize(TruncatedSVD(dim, random_state=SEED).fit_transform(ppmi)) * np.sqrt(dim) * 0.3
np.savez(f"wv{dim}.npz", words=np.array("\n".join(vocab)), vecs=emb.astype(np.float16))
print(len(vocab), "words")
