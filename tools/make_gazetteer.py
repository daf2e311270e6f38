"""Build the shipped gazetteer (data/gazetteer.tsv) from CLDR data via Babel.

Run ``python tools/make_gazetteer.py`` to regenerate it. Sources (none of them is
the NER training set, so the model cannot learn to trust them blindly):

- LOC: CLDR Arabic territory names and time-zone exemplar cities.
- LANG: CLDR Arabic language names (``العربية``, ``الروسية`` ...), which double as the
  feminine nisba adjectives of nationalities.
- CUR: CLDR Arabic currency names, first word (``دولار``, ``يورو``, ``درهم`` ...).
- ORG: a short hand-written list of international organisations and of the seats of
  government that news uses for the institution (البيت الأبيض، الكرملين، البنتاغون), with
  common spelling variants. ANERcorp tags some of these MISC; the entity table shows them
  as organisations (see mentions.py).

Each line is ``TYPE<TAB>phrase`` with the phrase in match-key form (see arnews.text.key).
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "arnews" / "entities" / "data" / "gazetteer.tsv"
_ARABIC_WORDS = re.compile(r"^[\u0600-\u06FF ]+$")


ORGANISATIONS = """
الأمم المتحدة|منظمة الأمم المتحدة|حلف شمال الأطلسي|حلف الناتو|الناتو|الاتحاد الأوروبي|الاتحاد الأوربي
الاتحاد الأفريقي|الاتحاد الإفريقي|جامعة الدول العربية|الجامعة العربية|مجلس التعاون الخليجي
مجلس الأمن|مجلس الأمن الدولي|الجمعية العامة للأمم المتحدة|صندوق النقد الدولي|البنك الدولي
منظمة الصحة العالمية|منظمة التجارة العالمية|منظمة التعاون الإسلامي|منظمة أوبك|أوبك|أوبك بلس
اليونسكو|اليونيسف|الإنتربول|الفيفا|الاتحاد الدولي لكرة القدم|اللجنة الأولمبية الدولية
الوكالة الدولية للطاقة الذرية|محكمة العدل الدولية|المحكمة الجنائية الدولية|الصليب الأحمر
الهلال الأحمر|منظمة العفو الدولية|هيومن رايتس ووتش|مجموعة العشرين|مجموعة السبع
البيت الأبيض|الكرملين|البنتاغون|البنتاجون|الإليزيه|قصر الإليزيه|داونينغ ستريت|الكونغرس|الكونجرس
الكنيست|مجلس الشيوخ|مجلس النواب|وزارة الخارجية الأمريكية|وكالة المخابرات المركزية
"""


def _clean(name: str) -> list[str]:
    name = re.sub(r"\(.*?\)", " ", name)
    out = []
    for part in re.split(r"[-–،,/]", name):
        part = " ".join(part.split())
        if part and _ARABIC_WORDS.match(part) and len(part) > 1:
            out.append(part)
    return out


def build() -> dict[str, set[str]]:
    import zoneinfo

    try:
        import babel
        from babel.dates import get_timezone_location
    except ImportError:
        raise SystemExit("make_gazetteer needs Babel (CLDR data): pip install babel") from None

    sys.path.insert(0, str(ROOT))
    from arnews.text import key

    loc = babel.Locale("ar")
    entries: dict[str, set[str]] = {"LOC": set(), "LANG": set(), "CUR": set(), "ORG": set()}
    for code, name in loc.territories.items():
        if code in ("001", "ZZ"):
            continue
        for n in _clean(name):
            entries["LOC"].add(key(n))
    for zone in sorted(zoneinfo.available_timezones()):
        try:
            city = get_timezone_location(zone, locale="ar", return_city=True)
        except Exception:
            continue
        for n in _clean(city or ""):
            entries["LOC"].add(key(n))
    for name in loc.languages.values():
        for n in _clean(name):
            if n.startswith("ال"):
                entries["LANG"].add(key(n))
    for name in loc.currencies.values():
        for n in _clean(name):
            entries["CUR"].add(key(n.split()[0]))
    for line in ORGANISATIONS.split("\n"):
        for n in line.split("|"):
            if n.strip():
                entries["ORG"].add(key(n.strip()))
    return entries


def main() -> int:
    entries = build()
    lines = sorted(f"{t}\t{p}" for t, ps in entries.items() for p in ps)
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(lines)} entries to {OUT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
