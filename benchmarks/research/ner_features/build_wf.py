"""Build the table the wordfreq_profile.patch experiment reads (ARNEWS_WF).

    pip install --target /tmp/namesrc wordfreq==3.1.1 msgpack --no-deps
    PYTHONPATH=/tmp/namesrc python benchmarks/research/ner_features/build_wf.py /tmp/wf.pkl

Each Arabic word of wordfreq's large Arabic list (data CC-BY-SA 4.0), in arnews' match-key
form, with its centibel bin (lower = more frequent; the most frequent spelling wins).
"""
import gzip
import pickle
import re
import sys
from pathlib import Path

import msgpack

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
from arnews.entities.features import key  # noqa: E402

import wordfreq  # noqa: E402  (only for its data file's path)

AR = re.compile(r"^[\u0621-\u064a]+$")
data = Path(wordfreq.__file__).parent / "data" / "large_ar.msgpack.gz"
bins = msgpack.load(gzip.open(data), raw=False)
out: dict[str, int] = {}
for cb, words in enumerate(bins[1:], start=1):
    for w in words:
        if AR.match(w):
            out.setdefault(key(w), cb)
pickle.dump(out, open(sys.argv[1], "wb"))
print(f"{len(out)} words -> {sys.argv[1]}")
