"""Build the shipped word clusters (data/clusters.tsv.gz) from raw, unlabelled news text.

Run ``python -m arnews.entities.make_clusters [DIR_OR_FILES...]`` (default: the shared
SaudiNewsNet articles). Distributional clusters: for every word seen at least ``MIN_COUNT``
times, counts of the words to its left and right (the ``N_CONTEXT`` most frequent words),
positive PMI, a 100-dimension SVD, then k-means at three granularities. The file also keeps
every word's corpus frequency, which the features use to decide whether stripping a
leading clitic leaves a real word (والبنتاغون → البنتاغون, but not لبنان → بنان).

It also records which trigger words (features.TRIGGERS) typically come right before a word in
the raw text (``الرئيس [الأمريكي] X``, ``مدينة X``, ``شركة X``): a distant hint of the word's
type that needs no labelled data.

Line format: ``word<TAB>count<TAB>c1<TAB>c2<TAB>c3<TAB>hint`` (clusters empty for rare words,
hint empty or PERS/LOC/ORG).
"""
from __future__ import annotations

import gzip
import sys
from collections import Counter
from pathlib import Path

OUT = Path(__file__).resolve().parent / "data" / "clusters.tsv.gz"
SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
MIN_COUNT = 3
MIN_KEEP = 2
N_CONTEXT = 3000
KS = (64, 256, 1024)
SEED = 13


def _sentences(paths: list[Path]):
    from ..tokenize import word_spans
    from .features import key

    for p in paths:
        text = p.read_text(encoding="utf-8")
        for line in text.splitlines():
            words = [key(w) for w, _, _ in word_spans(line)]
            if words:
                yield words


def build(paths: list[Path]):
    import numpy as np
    from scipy import sparse
    from sklearn.cluster import MiniBatchKMeans
    from sklearn.decomposition import TruncatedSVD
    from sklearn.preprocessing import normalize

    sents = list(_sentences(paths))
    counts = Counter(w for s in sents for w in s)
    vocab = [w for w, c in counts.most_common() if c >= MIN_COUNT]
    index = {w: i for i, w in enumerate(vocab)}
    ctx = {w: i for i, w in enumerate(vocab[:N_CONTEXT])}
    rows, cols = [], []
    for s in sents:
        padded = ["<s>"] + s + ["</s>"]
        for j in range(1, len(padded) - 1):
            i = index.get(padded[j])
            if i is None:
                continue
            left, right = ctx.get(padded[j - 1]), ctx.get(padded[j + 1])
            if left is not None:
                rows.append(i)
                cols.append(left)
            if right is not None:
                rows.append(i)
                cols.append(N_CONTEXT + right)
    m = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(vocab), 2 * N_CONTEXT))
    total = m.sum()
    row = np.asarray(m.sum(axis=1)).ravel()
    col = np.asarray(m.sum(axis=0)).ravel()
    m = m.tocoo()
    pmi = np.log(m.data * total / (row[m.row] * col[m.col] + 1e-9))
    keep = pmi > 0
    ppmi = sparse.csr_matrix((pmi[keep], (m.row[keep], m.col[keep])), shape=m.shape)
    emb = TruncatedSVD(100, random_state=SEED).fit_transform(ppmi)
    emb = normalize(emb)
    labels = [MiniBatchKMeans(k, random_state=SEED, n_init=3, batch_size=4096).fit_predict(emb) for k in KS]
    return counts, vocab, labels, trigger_hints(sents, counts)


def trigger_hints(sents, counts) -> dict[str, str]:
    """word -> type when at least 20% (and 2) of its occurrences follow a trigger of that type."""
    from .features import TRIGGERS

    seen: dict[str, Counter] = {}
    for s in sents:
        for j in range(1, len(s)):
            prev = s[j - 1][1:] if s[j - 1][:1] == "و" and s[j - 1][1:] in TRIGGERS else s[j - 1]
            t = TRIGGERS.get(prev)
            if t is None and j >= 2 and prev.startswith("ال") and prev.endswith("ي"):
                t = TRIGGERS.get(s[j - 2])  # الرئيس الأمريكي X
            if t is not None:
                seen.setdefault(s[j], Counter())[t] += 1
    out = {}
    for w, c in seen.items():
        t, n = c.most_common(1)[0]
        if n >= 2 and n >= 0.2 * counts[w]:
            out[w] = t
    return out


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    paths: list[Path] = []
    for a in args or [str(SHARED / "corpus" / "saudinewsnet")]:
        p = Path(a)
        paths.extend(sorted(p.glob("*.txt")) if p.is_dir() else [p])
    counts, vocab, labels, hints = build(paths)
    cl = {w: [str(lab[i]) for lab in labels] for i, w in enumerate(vocab)}
    with gzip.open(OUT, "wt", encoding="utf-8", compresslevel=9) as f:
        for w, c in counts.most_common():
            if c < MIN_KEEP:
                break
            f.write("\t".join([w, str(c), *cl.get(w, ["", "", ""]), hints.get(w, "")]) + "\n")
    print(f"{len(vocab)} clustered words from {len(paths)} files -> {OUT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
