"""Matching text, places and follow-up markers on real Arabic."""

import pytest

from monitor.normalize.matching import matching_text
from monitor.normalize.places import load_gazetteer
from monitor.story.markers import find_marker


@pytest.mark.parametrize(
    ("published", "expected"),
    [
        # diacritics, tatweel, alef/hamza forms, ة/ه, ى/ي
        ("عـاجـل | قُتِلَ شابٌ في مدينةِ نوى", "قتل شاب في مدينه نوي"),
        ("إطلاق سراح ٤ معتقلين من أبناء بلدة داعل", "اطلاق سراح 4 معتقلين من ابناء بلده داعل"),
        ("آذار ٱلأول ۲۰۲٤ مؤسسة رئيسى", "اذار الاول 2024 موسسه رييسي"),
        # credits, handles, links, emoji and the # and _ of hashtags
        (
            "🔴 عاجل: انسحاب الجيش من جاسم (درعا 24) @Daraa24_24 https://t.me/daraa24/1 #الفصائل_المحلية",
            "انسحاب الجيش من جاسم الفصايل المحليه",
        ),
        ("انتشار للجيش في جاسم.\nالمصدر: مراسل درعا 24 في الريف الشمالي", "انتشار للجيش في جاسم"),
        (
            "Update: Regime forces withdraw from Jasim — Daraa 24",
            "update regime forces withdraw from jasim",
        ),
        ("… pic.twitter.com/zhxoSINsLo", ""),
    ],
)
def test_matching_text(published, expected):
    assert matching_text(published) == expected


def test_copies_that_differ_only_in_form_match_exactly():
    telegram = "عـاجـل | انتشار لقوات الجيش في عدد من أحياء مدينة جاسم بريف درعا الشمالي #جاسم"
    x = "عاجل: انتشار لقوات الجيش في عدد من احياء مدينه جاسم بريف درعا الشمالي. (درعا 24) #جاسم"
    assert matching_text(telegram) == matching_text(x)


@pytest.mark.parametrize(
    ("text", "places"),
    [
        (
            "انتشار لقوات الجيش في عدد من أحياء مدينة جاسم بريف درعا الشمالي",
            ["daraa/jasim", "daraa"],
        ),
        ("استهداف سيارة بعبوة ناسفة على طريق إنخل – جاسم", ["daraa/inkhil", "daraa/jasim"]),
        ("صور من ساحة الكرامة اليوم", ["suwayda/karama-square"]),
        (
            "Regime forces withdraw from Jasim in northern Daraa countryside",
            ["daraa/jasim", "daraa"],
        ),
        # "الحراك" is also "the movement": a place only with a cue
        ("الحراك | عائلة الطفل المخطوف تناشد الأهالي", ["daraa/hirak"]),
        ("استمرار الحراك السلمي", []),
    ],
)
def test_places(text, places):
    assert load_gazetteer().find(matching_text(text)) == places


def test_transliterations_the_gazetteer_does_not_list():
    gazetteer = load_gazetteer()
    assert gazetteer.find_transliterated("Thousands rally in Al-Karamah Square in Al-Suwaidaa") == [
        "suwayda/karama-square",
        "suwayda",
    ]
    assert gazetteer.find_transliterated("The door of the State Security branch") == []


@pytest.mark.parametrize(
    ("text", "marker", "link_type"),
    [
        ("متابعة للخبر السابق:\nانسحاب الجيش من مدينة جاسم", "متابعة للخبر السابق", "follow_up"),
        ("🔴 عاجل | متابعة | انسحاب الجيش", "متابعة", "follow_up"),
        ("عـاجـل | تحديث: ارتفاع عدد القتلى", "تحديث", "update"),
        ("#طفس | تحديث: انسحاب جزئي للتعزيزات", "تحديث", "update"),
        ("ارتفعت حصيلة ضحايا الانفجار إلى ٤ أطفال", "ارتفعت حصيلة", "update"),
        ("#درعا | تصحيح: عدد القتلى ٣ وليس ٤", "تصحيح", "correction"),
        ("وكانت القوات قد انسحبت كما أوردنا صباح اليوم", "كما أوردنا", "follow_up"),
        ("Update: roads into Jasim reopened", "update", "update"),
        ("Correction: the toll is three, not four", "correction", "correction"),
    ],
)
def test_follow_up_markers(text, marker, link_type):
    hit = find_marker(text)
    assert (hit.text, hit.link_type) == (marker, link_type)


@pytest.mark.parametrize(
    "text",
    ["قال إن تحديث البيانات سيتم غداً", "المتابعة مستمرة للحراك", "Updates to the school timetable"],
)
def test_words_in_passing_are_not_markers(text):
    assert find_marker(text) is None
