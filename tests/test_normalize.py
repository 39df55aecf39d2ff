"""Raw items into post records: text, dates, URLs and entities, on real Arabic."""

import pytest

from monitor.normalize.posts import InvalidItem, detect_lang, normalize

COLLECTED = "2023-12-20T12:00:00+00:00"


def raw(**fields):
    return {
        "source": "s",
        "platform": "web",
        "url": "https://daraa24.org/p/1",
        "text": "",
        "collected_at": COLLECTED,
        **fields,
    }


def test_embedded_tweet_date_only_takes_its_time_from_the_status_id():
    record = normalize(
        raw(
            platform="x",
            url="https://twitter.com/Daraa24_24/status/1737099519245131836?ref_src=twsrc%5Etfw",
            text="متابعة للخبر السابق:\nانسحاب الجيش من مدينة جاسم ...#جاسم #الجيش #الفصائل_المحلية… pic.twitter.com/zhxoSINsLo",
            published="December 19, 2023",
            author_handle="@Daraa24_24",
            timezone="Asia/Damascus",
        )
    )
    assert record["url"] == "https://x.com/Daraa24_24/status/1737099519245131836"
    assert record["published_at"] == "2023-12-19T16:16:13+03:00"
    assert record["published_raw"] == "December 19, 2023"
    assert record["hashtags"] == ["جاسم", "الجيش", "الفصائل_المحلية"]
    assert record["author_handle"] == "Daraa24_24"
    assert record["lang"] == "ar"


@pytest.mark.parametrize(
    ("published", "expected"),
    [
        ("الأربعاء 20 كانون الأول 2023", "2023-12-20T00:00:00+03:00"),
        ("١٩ كانون الأول ٢٠٢٣ - ٠٨:١٠", "2023-12-19T08:10:00+03:00"),
        ("منذ ساعة", "2023-12-20T14:00:00+03:00"),
        ("منذ ساعتين", "2023-12-20T13:00:00+03:00"),
        ("Tue, 19 Dec 2023 08:15:00 +0200", "2023-12-19T08:15:00+02:00"),
        ("2023-12-19T05:10:00+00:00", "2023-12-19T05:10:00+00:00"),
        ("2023-12-19 08:10", "2023-12-19T08:10:00+03:00"),
    ],
)
def test_dates_in_the_source_timezone(published, expected):
    record = normalize(raw(published=published, timezone="Asia/Damascus"))
    assert record["published_at"] == expected
    assert record["published_raw"] == published


def test_unparseable_date_is_null_and_kept_raw():
    record = normalize(raw(published="قريباً إن شاء الله"))
    assert record["published_at"] is None
    assert record["published_raw"] == "قريباً إن شاء الله"


def test_markup_and_script_never_reach_the_text():
    record = normalize(
        raw(
            text='<p onclick="steal()">عـاجـل | قُتِلَ شاب في <b>طفس</b><br>#درعا <script>alert(1)</script>'
            '<img src=x onerror="alert(2)"></p>',
            title="<h1>خبر &amp; صورة</h1>",
        )
    )
    assert record["text"] == "عـاجـل | قُتِلَ شاب في طفس\n#درعا"
    assert record["title"] == "خبر & صورة"
    assert record["hashtags"] == ["درعا"]


def test_plain_text_with_ampersand_keeps_its_lines():
    assert normalize(raw(text="A & B\nسطر ثانٍ"))["text"] == "A & B\nسطر ثانٍ"


def test_entities_in_rtl_text_mixed_with_latin():
    text = (
        "أفاد مراسل @horanfreeleague بأن ٤ عناصر قُتلوا، التفاصيل: "
        "https://daraa24.org/2023/12/19/jasim/?utm_source=tg. #جاسم #ـدرعا #Daraa_24"
    )
    record = normalize(raw(text=text, links=["javascript:alert(1)", "https://t.me/daraa24/1"]))
    assert record["mentions"] == ["horanfreeleague"]
    assert record["hashtags"] == ["جاسم", "ـدرعا", "Daraa_24"]
    assert record["links"] == [
        "https://t.me/daraa24/1",
        "https://daraa24.org/2023/12/19/jasim/?utm_source=tg",
    ]


def test_invalid_items_are_refused_with_a_reason():
    with pytest.raises(InvalidItem, match="missing url"):
        normalize({"source": "s", "platform": "web", "text": "x"})
    with pytest.raises(InvalidItem, match="not an http"):
        normalize(raw(url="file:///etc/passwd"))
    with pytest.raises(InvalidItem, match="platform"):
        normalize(raw(platform="myspace"))


def test_reply_and_forward_urls_are_canonical():
    record = normalize(
        raw(
            platform="telegram",
            url="https://t.me/s/daraa24/33191",
            reply_to_url="https://t.me/daraa24/33190?single",
            forwarded_from_url="https://t.me/s/horanfreeleague/10234",
        )
    )
    assert record["url"] == "https://t.me/daraa24/33191"
    assert record["reply_to"] == "https://t.me/daraa24/33190"
    assert record["forwarded_from"] == "https://t.me/horanfreeleague/10234"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("انسحاب الجيش من جاسم", "ar"),
        ("Army withdraws from Jasim", "en"),
        ("عاجل | Daraa 24 @Daraa24_24", "ar"),
        ("123 !!", None),
    ],
)
def test_detect_lang(text, lang):
    assert detect_lang(text) == lang
