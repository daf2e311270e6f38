"""Build the shipped word table arnews/entities/data/clusters.tsv.gz from raw, unlabelled news.

    python tools/make_clusters.py [--corpus DIR_OR_ZIP ...] [--out FILE] [--ks 64,256,1024]

Needs the `dev` extra (scikit-learn, scipy): ``pip install -e '.[dev]'``. Default input: the 17
daily SaudiNewsNet files of ../shared/data/corpus/saudinewsnet-full/ (29,344 articles, 8.4M
words; read in place from the zips, articles with the same text counted once). A folder of
.txt files (e.g. ../shared/data/corpus/saudinewsnet/) or single files are read too.
Deterministic: the same input gives the same table.

What the table holds per word (match-key form, arnews.text.key):
- count: occurrences per COUNT_BASE (400,000) words of the input, at least 1 for a word kept.
  The thresholds that read it (features: frequency bands, the clitic split, NL_RARE; mentions:
  propagate) were tuned on a 394k-word corpus, so the counts keep that scale; a bigger corpus
  only makes them less noisy. Words seen fewer than MIN_KEEP times are left out (count 0).
- distributional clusters at several granularities (KS): for the MAX_CLUSTERED most frequent
  words seen at least MIN_COUNT times, counts of the N_CONTEXT most frequent words right
  before and right after, positive PMI, a DIM-dimension SVD, then k-means per size;
- hint: PERS/LOC/ORG when a word typically follows a trigger word of that type in the raw
  text (``الرئيس [الأمريكي] X``, ``مدينة X``, ``شركة X``): a distant type hint with no labels.

Line format: ``word<TAB>count<TAB>c1<TAB>...<TAB>cK<TAB>hint`` (clusters empty for words
without a vector; lexicon.Resources reads the first three cluster columns as k0..k2 and any
further ones as k3...).
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
import time
import zipfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

OUT = ROOT / "arnews" / "entities" / "data" / "clusters.tsv.gz"
SHARED = ROOT.parent / "shared" / "data"
COUNT_BASE = 400_000
MIN_KEEP = 5
MIN_COUNT = 5
MAX_CLUSTERED = 90_000
N_CONTEXT = 5000
DIM = 100
KS = (64, 256, 1024, 4096)
SEED = 13


def _texts(paths: list[Path]):
    """Article texts: each JSON article of a zip (title, then content), or a whole .txt file."""
    seen: set[bytes] = set()
    for p in paths:
        if p.suffix == ".zip":
            with zipfile.ZipFile(p) as z:
                for name in sorted(z.namelist()):
                    for art in json.loads(z.read(name)):
                        text = (art.get("title") or "") + "\n" + (art.get("content") or "")
                        h = hashlib.sha1(text.encode("utf-8")).digest()
                        if h not in seen:
                            seen.add(h)
                            yield text
        else:
            text = p.read_text(encoding="utf-8")
            h = hashlib.sha1(text.encode("utf-8")).digest()
            if h not in seen:
                seen.add(h)
                yield text


def _sentences(paths: list[Path]):
    """Lists of match-key words, one per line of text."""
    from arnews.text import key
    from arnews.tokenize import word_spans

    for text in _texts(paths):
        for line in text.splitlines():
            words = [key(w) for w, _, _ in word_spans(line)]
            if words:
                yield words


def read_corpus(paths: list[Path]):
    """(ids, words): the corpus as one int array, -1 between lines, and the word of each id."""
    import numpy as np
    from array import array

    index: dict[str, int] = {}
    words: list[str] = []
    ids = array("i")
    for s in _sentences(paths):
        for w in s:
            i = index.get(w)
            if i is None:
                i = index[w] = len(words)
                words.append(w)
            ids.append(i)
        ids.append(-1)
    return np.frombuffer(ids, dtype=np.int32).copy(), words


def embed(ids, counts, vocab_ids):
    """Unit-length PPMI+SVD vectors of `vocab_ids` (left and right neighbour counts)."""
    import numpy as np
    from scipy import sparse
    from sklearn.decomposition import TruncatedSVD
    from sklearn.preprocessing import normalize

    n_all = len(counts)
    row_of = np.full(n_all, -1, dtype=np.int64)
    row_of[vocab_ids] = np.arange(len(vocab_ids))
    ctx_ids = vocab_ids[:N_CONTEXT]
    col_of = np.full(n_all, -1, dtype=np.int64)
    col_of[ctx_ids] = np.arange(len(ctx_ids))
    centre, left = ids[1:], ids[:-1]
    blocks = []
    for c, o, shift in ((centre, left, 0), (left, centre, N_CONTEXT)):  # o left of c; then c left of o
        ok = (c >= 0) & (o >= 0)
        r = row_of[c[ok]]
        k = col_of[o[ok]]
        keep = (r >= 0) & (k >= 0)
        blocks.append((r[keep], k[keep] + shift))
    rows = np.concatenate([b[0] for b in blocks])
    cols = np.concatenate([b[1] for b in blocks])
    m = sparse.csr_matrix((np.ones(len(rows), dtype=np.float64), (rows, cols)),
                          shape=(len(vocab_ids), 2 * N_CONTEXT))
    m.sum_duplicates()
    total = m.sum()
    row = np.asarray(m.sum(axis=1)).ravel()
    col = np.asarray(m.sum(axis=0)).ravel()
    m = m.tocoo()
    pmi = np.log(m.data * total / (row[m.row] * col[m.col] + 1e-9))
    keep = pmi > 0
    ppmi = sparse.csr_matrix((pmi[keep], (m.row[keep], m.col[keep])), shape=m.shape)
    emb = TruncatedSVD(min(DIM, min(ppmi.shape) - 1), random_state=SEED).fit_transform(ppmi)
    return normalize(emb)


def cluster(emb, ks) -> list:
    from sklearn.cluster import MiniBatchKMeans

    return [MiniBatchKMeans(k, random_state=SEED, n_init=3, batch_size=4096).fit_predict(emb) for k in ks]


def trigger_hints(ids, words: list[str], counts) -> dict[str, str]:
    """word -> type when at least 20% (and 2) of its occurrences follow a trigger of that type."""
    import numpy as np
    from arnews.entities.features import TRIGGERS

    # A trigger id -> its type; also و+trigger, and "trigger + nisba adjective" two words back.
    types = ("PERS", "LOC", "ORG")
    trig = np.full(len(words) + 1, -1, dtype=np.int8)  # (index -1: the line break)
    nisba = np.zeros(len(words) + 1, dtype=bool)
    for i, w in enumerate(words):
        t = TRIGGERS.get(w)
        if t is None and w[:1] == "و" and w[1:] in TRIGGERS:
            t = TRIGGERS[w[1:]]
        if t is not None:
            trig[i] = types.index(t)
        nisba[i] = w.startswith("ال") and w.endswith("ي")
    prev = np.concatenate(([-1], ids[:-1]))
    prev2 = np.concatenate(([-1, -1], ids[:-2]))
    t1 = trig[prev]
    # الرئيس الأمريكي X: a nisba adjective right before, a trigger before that (same line).
    t2 = np.where(nisba[prev] & (prev >= 0) & (prev2 >= 0), trig[prev2], -1)
    t = np.where(t1 >= 0, t1, t2)
    ok = (ids >= 0) & (t >= 0)
    seen = Counter(zip(ids[ok].tolist(), t[ok].tolist()))
    best: dict[int, tuple[int, int]] = {}
    for (w, ty), n in seen.items():
        if n > best.get(w, (0, -1))[0]:
            best[w] = (n, ty)
    return {words[w]: types[ty] for w, (n, ty) in best.items() if n >= 2 and n >= 0.2 * counts[w]}


def build(paths: list[Path], ks=KS, min_count: int = MIN_COUNT, max_clustered: int = MAX_CLUSTERED):
    """Rows (word, count per COUNT_BASE words, cluster labels or None, hint) by falling frequency."""
    import numpy as np

    t0 = time.perf_counter()
    ids, words = read_corpus(paths)
    counts = np.bincount(ids[ids >= 0], minlength=len(words))
    total = int(counts.sum())
    print(f"{total} words, {len(words)} distinct, read in {time.perf_counter() - t0:.0f}s", file=sys.stderr)
    order = np.argsort(-counts, kind="stable")
    vocab_ids = order[counts[order] >= min_count][:max_clustered]
    emb = embed(ids, counts, vocab_ids)
    labels = cluster(emb, ks)
    print(f"{len(vocab_ids)} words clustered at {time.perf_counter() - t0:.0f}s", file=sys.stderr)
    label_of = {int(w): [int(lab[j]) for lab in labels] for j, w in enumerate(vocab_ids)}
    hints = trigger_hints(ids, words, counts)
    rows = []
    for w in order:
        c = int(counts[w])
        if c < MIN_KEEP:
            break
        rows.append((words[w], max(1, round(c * COUNT_BASE / total)), label_of.get(int(w)), hints.get(words[w], "")))
    return rows, total


def write(rows, out: Path, n_ks: int) -> None:
    empty = [""] * n_ks
    lines = ("\t".join([w, str(c), *(map(str, cl) if cl else empty), hint]) + "\n" for w, c, cl, hint in rows)
    # (no file name, mtime 0 in the gzip header: the same input gives the same bytes)
    with open(out, "wb") as f, gzip.GzipFile(filename="", fileobj=f, mode="wb", compresslevel=9, mtime=0) as raw:
        raw.write("".join(lines).encode("utf-8"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", nargs="*", default=[str(SHARED / "corpus" / "saudinewsnet-full")],
                    help="folders (of .zip or .txt files) or files; default: saudinewsnet-full")
    ap.add_argument("--out", default=str(OUT))
    ap.add_argument("--ks", default=",".join(map(str, KS)), help="k-means sizes, comma-separated")
    ap.add_argument("--min-count", type=int, default=MIN_COUNT, help="occurrences a word needs for a vector")
    ap.add_argument("--max-clustered", type=int, default=MAX_CLUSTERED, help="most words with a vector")
    args = ap.parse_args(argv)
    paths: list[Path] = []
    for a in args.corpus:
        p = Path(a)
        if p.is_dir():
            paths.extend(sorted(p.glob("*.zip")) or sorted(p.glob("*.txt")))
        elif p.is_file():
            paths.append(p)
        else:
            print(f"error: no such corpus folder or file: {a}", file=sys.stderr)
            return 2
    ks = tuple(int(k) for k in args.ks.split(","))
    rows, total = build(paths, ks, args.min_count, args.max_clustered)
    out = Path(args.out)
    write(rows, out, len(ks))
    print(f"{len(rows)} words ({sum(1 for r in rows if r[2])} clustered) from {total} words in {len(paths)} files "
          f"-> {out} ({out.stat().st_size / 1e6:.1f} MB)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
