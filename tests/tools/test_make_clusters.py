"""tools/make_clusters.py: the builder of the shipped word table, on a small corpus it makes up."""
from __future__ import annotations

import gzip
import io
import json
import sys
import zipfile

from arnews.entities.lexicon import Resources

from ..helpers import REPO

sys.path.insert(0, str(REPO / "tools"))
import make_clusters  # noqa: E402


def _corpus(tmp_path):
    """A zip like SaudiNewsNet's daily files: cities after مدينة, persons after الرئيس."""
    cities = "الرياض جدة القاهرة دمشق عمان بيروت تونس".split()
    people = "بوتين ماكرون أردوغان ترامب ميركل جونسون".split()
    arts = []
    for i in range(60):
        c, p = cities[i % len(cities)], people[i % len(people)]
        body = (f"زار الرئيس {p} مدينة {c} أمس . وقال الرئيس {p} إن مدينة {c} جميلة .\n"
                f"ووصل {p} إلى {c} صباحا .")
        arts.append({"source": "x", "url": "", "date_extracted": "", "title": f"خبر {i}", "author": "", "content": body})
    arts.append(dict(arts[0]))  # the same article twice counts once
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("day.json", json.dumps(arts, ensure_ascii=False))
    path = tmp_path / "day.zip"
    path.write_bytes(buf.getvalue())
    return path


def test_builder_writes_a_table_features_read(tmp_path):
    out = tmp_path / "data" / "clusters.tsv.gz"
    out.parent.mkdir()
    assert make_clusters.main(["--corpus", str(_corpus(tmp_path)), "--out", str(out), "--ks", "2,3,4,5",
                               "--min-count", "5"]) == 0
    rows = [line.split("\t") for line in gzip.open(out, "rt", encoding="utf-8").read().splitlines()]
    assert all(len(r) == 7 for r in rows)  # word, count, four cluster sizes, hint
    res = Resources(out.parent)
    # 60 articles: الرئيس 120 times in ~1,500 words -> about 32,000 per 400,000 words
    assert 25_000 < res.count["الرئيس"] < 40_000
    assert len(res.clusters["الرياض"]) == 4
    assert res.hints["بوتين"] == "PERS" and res.hints["الرياض"] == "LOC"
    assert "خبر" not in res.hints
    # same input, same bytes
    again = tmp_path / "again.tsv.gz"
    make_clusters.main(["--corpus", str(tmp_path / "day.zip"), "--out", str(again), "--ks", "2,3,4,5",
                        "--min-count", "5"])
    assert again.read_bytes() == out.read_bytes()


def test_builder_names_a_missing_corpus(tmp_path, capsys):
    assert make_clusters.main(["--corpus", str(tmp_path / "nope"), "--out", str(tmp_path / "x.gz")]) == 2
    assert "no such corpus" in capsys.readouterr().err
