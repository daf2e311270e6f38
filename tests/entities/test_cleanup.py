"""Entity span clean-up (arnews.entities.cleanup): whatever a backend tags, links, Latin and
number fragments never sit inside an Arabic name, months are not names, currencies are not
places, a publisher (دار ...) is an organisation."""
from __future__ import annotations

from arnews.document import Document, Source
from arnews.entities import extract_entities, get_backend
from arnews.entities.cleanup import clean_spans
from arnews.entities.mentions import consistent_tags
from arnews.tokenize import tokenize


def make_doc(text: str) -> Document:
    doc = Document(Source("t", text, "utf-8"))
    doc.tokens, doc.sentences = tokenize(text)
    return doc


def spans_of(text: str, tagged: dict[str, str]) -> tuple[Document, list]:
    """A document and the spans a tagger would give: {"words of the span": TYPE}, each phrase at
    its first occurrence that no earlier phrase took."""
    doc = make_doc(text)
    words = [t.text for t in doc.tokens]
    found, used = [], set()
    for phrase, typ in tagged.items():
        ws = phrase.split()
        i = next(i for i in range(len(words))
                 if words[i:i + len(ws)] == ws and used.isdisjoint(range(i, i + len(ws))))
        used.update(range(i, i + len(ws)))
        found.append((i, i + len(ws), typ))
    return doc, sorted(found)


def texts(doc: Document, found: list) -> list[tuple[str, str]]:
    return [(doc.text[doc.tokens[s].start:doc.tokens[e - 1].end], typ) for s, e, typ in found]


class FixedTagger:
    """A backend that tags given words as given: the clean-up must not depend on the backend."""

    name, version = "fixed", "test"

    def __init__(self, tags: dict[str, str]):
        self.tags = tags

    def tag(self, words, analyses=None):
        return [self.tags.get(w, "O") for w in words]

    def tag_sentences(self, sentences):
        return [self.tag(words, analyses) for words, analyses in sentences]


def test_link_after_a_name_is_cut_off():
    text = "استقبل محمد بن سلمان https://t.co/x7Yq في الرياض"
    doc, found = spans_of(text, {"محمد بن سلمان https : / / t": "PERS", "الرياض": "LOC"})
    assert texts(doc, clean_spans(doc, found)) == [("محمد بن سلمان", "PERS"), ("الرياض", "LOC")]


def test_a_bare_https_word_and_latin_words_leave_an_arabic_name():
    doc, found = spans_of("قال محمد بن سلمان https اليوم", {"محمد بن سلمان https": "PERS"})
    assert texts(doc, clean_spans(doc, found)) == [("محمد بن سلمان", "PERS")]
    doc, found = spans_of("وصل Reuters عبد الله الثاني", {"Reuters عبد الله الثاني": "PERS"})
    assert texts(doc, clean_spans(doc, found)) == [("عبد الله الثاني", "PERS")]


def test_numbers_leave_names_but_stay_in_misc_events():
    doc, found = spans_of("فاز أحمد 2015 بالجائزة في مونديال 2006", {"أحمد 2015": "PERS", "مونديال 2006": "MISC"})
    assert texts(doc, clean_spans(doc, found)) == [("أحمد", "PERS"), ("مونديال 2006", "MISC")]
    doc, found = spans_of("الرقم 2015 فقط", {"2015": "LOC"})
    assert clean_spans(doc, found) == []


def test_a_latin_name_alone_stays_but_a_link_does_not():
    doc, found = spans_of("قال Albert Einstein ذلك www.example.com", {"Albert Einstein": "PERS", "www": "ORG"})
    assert texts(doc, clean_spans(doc, found)) == [("Albert Einstein", "PERS")]


def test_months_are_not_places():
    text = "وصل الوفد في 12 آب إلى دمشق ثم في كانون الثاني إلى عمان وفي شهر يناير إلى القاهرة"
    doc, found = spans_of(text, {"آب": "LOC", "دمشق": "LOC", "كانون الثاني": "LOC", "يناير": "LOC",
                                 "القاهرة": "LOC"})
    assert texts(doc, clean_spans(doc, found)) == [("دمشق", "LOC"), ("القاهرة", "LOC")]


def test_month_names_with_a_clitic_and_nissan_the_company():
    doc, found = spans_of("منذ حزيران وبنيسان تبيع نيسان سيارات", {"حزيران": "LOC", "وبنيسان": "PERS",
                                                                    "نيسان": "ORG"})
    assert texts(doc, clean_spans(doc, found)) == [("نيسان", "ORG")]
    doc, found = spans_of("في 5 نيسان", {"نيسان": "ORG"})  # a date, whatever the tagger thought
    assert clean_spans(doc, found) == []


def test_currencies_are_misc_not_places():
    text = "ارتفع الدولار الأمريكي وبلغ 5 ملايين ريال سعودي و300 مليون ريال وسعر اليورو"
    doc, found = spans_of(text, {"الدولار الأمريكي": "LOC", "ريال سعودي": "ORG", "ريال": "ORG", "اليورو": "LOC"})
    assert texts(doc, clean_spans(doc, found)) == [
        ("الدولار الأمريكي", "MISC"), ("ريال سعودي", "MISC"), ("ريال", "MISC"), ("اليورو", "MISC")]


def test_real_madrid_stays_a_club():
    doc, found = spans_of("فاز ريال مدريد على برشلونة ثم تعادل ريال مع إشبيلية",
                          {"ريال مدريد": "ORG", "برشلونة": "ORG", "ريال": "ORG"})
    assert texts(doc, clean_spans(doc, found)) == [("ريال مدريد", "ORG"), ("برشلونة", "ORG"), ("ريال", "ORG")]


def test_a_publisher_is_an_organisation():
    doc, found = spans_of("صدر الكتاب عن دار الشروق وعن دار الساقي في دار السلام",
                          {"دار الشروق": "PERS", "الساقي": "PERS", "دار السلام": "LOC"})
    assert texts(doc, clean_spans(doc, found)) == [
        ("دار الشروق", "ORG"), ("دار الساقي", "ORG"), ("دار السلام", "LOC")]


def test_find_mentions_cleans_whatever_the_backend():
    doc = make_doc("قال محمد بن سلمان https اليوم إن الدولار ارتفع في آب")
    tagger = FixedTagger({"محمد": "B-PERS", "بن": "I-PERS", "سلمان": "I-PERS", "https": "I-PERS",
                          "الدولار": "B-LOC", "آب": "B-LOC"})
    extract_entities(doc, tagger)
    assert [(m.text, m.label) for m in doc.entities] == [("محمد بن سلمان", "PERSON"), ("الدولار", "MISC")]


def test_consistent_tags_clean_too():
    out = consistent_tags([["في", "آب", "زار", "عمر", "https"]], [["O", "B-LOC", "O", "B-PERS", "I-PERS"]])
    assert out == [["O", "O", "O", "B-PERS", "O"]]


def test_crf_on_a_name_followed_by_a_link():
    doc = make_doc("التقى ولي العهد الأمير محمد بن سلمان https://t.co/abc رئيس الوزراء في جدة")
    extract_entities(doc, get_backend("crf"))
    assert doc.entities
    for m in doc.entities:
        assert "http" not in m.text and "t.co" not in m.text and "/" not in m.text


def test_a_person_loses_a_number_an_organisation_keeps_it():
    doc, found = spans_of("افتتح الجامبوري الكشفي العالمي الـ 23 أحمد 2015",
                          {"الجامبوري الكشفي العالمي الـ 23": "ORG", "أحمد 2015": "PERS"})
    assert texts(doc, clean_spans(doc, found)) == [("الجامبوري الكشفي العالمي الـ 23", "ORG"), ("أحمد", "PERS")]
    doc, found = spans_of("افتتح المهرجان الـ 23", {"المهرجان الـ 23": "LOC"})
    assert texts(doc, clean_spans(doc, found)) == [("المهرجان", "LOC")]


def test_nisba_adjectives_after_a_definite_noun_are_not_a_place():
    doc, found = spans_of("عبر عن قلقه من انتشار القوات الكورية الشمالية في كورسك.",
                          {"الكورية الشمالية": "LOC", "كورسك": "LOC"})
    assert texts(doc, clean_spans(doc, found)) == [("كورسك", "LOC")]
    # A name that starts the phrase keeps it: no definite noun before الجمهورية العربية السورية.
    doc, found = spans_of("وصل الوفد إلى الجمهورية العربية السورية أمس.", {"الجمهورية العربية السورية": "LOC"})
    assert texts(doc, clean_spans(doc, found)) == [("الجمهورية العربية السورية", "LOC")]
