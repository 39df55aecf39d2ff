"""Article and listing pages: body text without furniture, metadata, embedded posts, selectors.

Fixtures in tests/data/html/: enab-jasim.html is built around the seed article
(jasim-agreement.txt); the others are real captures from other projects' test sets (see
SOURCES and the LICENSE files beside them) and a windows-1256 page written for these tests.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import parsel
import pytest

from monitor.collect.parsers.article import (
    Article,
    check_selector,
    extract_article,
    extract_links,
    extract_next_page,
    select,
)

DATA = Path(__file__).parent / "data" / "html"
ENAB_URL = "https://www.enabbaladi.net/671802/"
ENAB_TITLE = "بعد حصار لأيام.. عودة الحياة إلى طبيعتها في جاسم بموجب اتفاق"
# What an operator would write in sources.toml for each site.
ENAB_SELECTORS = {
    "title": "h1.entry-title",
    "body": "div.entry-content",
    "date": "header time.published",
    "author": 'a[rel="author"]',
}
CNN_URL = "http://arabic.cnn.com/2013/middle_east/8/3/syria.clashes/index.html"
CNN_SELECTORS = {
    "title": "#cnnContentContainer h1",
    "body": "div.cnn_strycntntrgt > p",
    "date": ".cnn_strytmstmp",
}
LBC_URL = "https://www.lbcgroup.tv/news/lifestyle/898682/lbci-lebanon-articles/ar"
LBC_SELECTORS = {
    "title": 'meta[property="og:title"]',
    "body": ".LongDesc",
    "date": '//meta[@itemprop="datePublished"]/@content',
    "author": 'meta[itemprop="author"]',
}
ASSABAH_URL = "http://www.assabah.com.tn/article/164913/"
ASSABAH_SELECTORS = {
    "title": "h1#page-title::text",
    "body": ".field-name-body .field-item",
    "date": "span.date-display-single",
}
BASICTHINKING_URL = "https://www.basicthinking.de/blog/2018/12/05/erfolgreiche-tweets-zutaten/"


def _lines(text: str) -> list[str]:
    return [line for line in text.split("\n") if line]


def _article(name: str, url: str, selectors: dict[str, str] | None = None) -> Article:
    return extract_article((DATA / name).read_bytes(), url, selectors)


@pytest.fixture(scope="module")
def seed() -> list[str]:
    return (DATA / "jasim-agreement.txt").read_text(encoding="utf-8").split("\n")


# The seed article (Enab Baladi-style WordPress page with a Daraa 24 tweet and a Telegram post)


@pytest.mark.parametrize(
    "selectors",
    [None, ENAB_SELECTORS, {"body": ".entry-content > *"}, {"body": "article p, article h2"}],
    ids=["fallbacks", "selectors", "children", "paragraphs"],
)
def test_enab_body_is_the_seed_text_without_the_tweet(
    seed: list[str], selectors: dict[str, str] | None
) -> None:
    article = _article("enab-jasim.html", ENAB_URL, selectors)
    # Seed lines 6-7 are the flattened tweet ("متابعة للخبر السابق:" up to its attribution).
    assert _lines(article.text) == seed[:5] + seed[7:]


@pytest.mark.parametrize("selectors", [None, ENAB_SELECTORS], ids=["fallbacks", "selectors"])
def test_enab_body_has_no_page_furniture(selectors: dict[str, str] | None) -> None:
    text = _article("enab-jasim.html", ENAB_URL, selectors).text
    furniture = [
        ENAB_TITLE,  # the title is not body text
        "شارك",  # share buttons
        "فيسبوك",
        "إعلان",  # ad slot
        "اقرأ أيضًا",  # inline and block "read also"
        "قوات النظام تحاصر مدينة جاسم وتغلق",  # the related posts
        "تعبيرية",  # the photo caption
        "الوسوم",  # tags
        "اشترك",  # newsletter
        "الله يحمي",  # comments
        "آخر الأخبار",  # sidebar widget
        "جميع الحقوق محفوظة",  # footer
        "انسحاب الجيش من مدينة جاسم",  # the embedded tweet
        "Daraa24_24",
    ]
    assert [snippet for snippet in furniture if snippet in text] == []


@pytest.mark.parametrize("selectors", [None, ENAB_SELECTORS], ids=["fallbacks", "selectors"])
def test_enab_metadata(selectors: dict[str, str] | None) -> None:
    article = _article("enab-jasim.html", ENAB_URL, selectors)
    assert article.title == ENAB_TITLE
    assert article.author == "عنب بلدي"
    assert article.date_candidates[0] == "2023-12-20T14:35:00+03:00"
    assert article.lang == "ar"
    assert article.links == []  # the only body link was a "read also" one


def test_enab_date_candidates() -> None:
    # Neither the related posts' nor the comment's dates, nor the last-modified one.
    assert _article("enab-jasim.html", ENAB_URL).date_candidates == ["2023-12-20T14:35:00+03:00"]
    # The selected <time>: its datetime attribute first, then its text.
    assert _article("enab-jasim.html", ENAB_URL, ENAB_SELECTORS).date_candidates == [
        "2023-12-20T14:35:00+03:00",
        "20 كانون الأول 2023",
    ]


@pytest.mark.parametrize("selectors", [None, ENAB_SELECTORS], ids=["fallbacks", "selectors"])
def test_enab_embedded_tweet_and_telegram_post(
    seed: list[str], selectors: dict[str, str] | None
) -> None:
    tweet, telegram = _article("enab-jasim.html", ENAB_URL, selectors).embedded
    flattened_tweet = seed[6].split("— Daraa 24")[0]
    assert tweet == {
        "platform": "x",
        "url": "https://twitter.com/Daraa24_24/status/1737099519245131836?ref_src=twsrc%5Etfw",
        "text": f"{seed[5]}\n{flattened_tweet}",
        "author": "Daraa 24 – 24 درعا",
        "author_handle": "Daraa24_24",
        "published": "December 19, 2023",
        "lang": "ar",
        "links": [],  # hashtags and the photo are not links
        "media": [{"type": "photo", "url": "https://pic.twitter.com/zhxoSINsLo"}],
        "embedded_in_url": ENAB_URL,
    }
    assert "#جاسم #الجيش #الفصائل_المحلية" in tweet["text"]
    assert telegram == {
        "platform": "telegram",
        "url": "https://t.me/daraa24/33190",
        "text": "",
        "embed_url": "https://t.me/daraa24/33190?embed=1",
        "embedded_in_url": ENAB_URL,
    }


def test_title_fallbacks_and_site_name_suffix() -> None:
    html = (DATA / "enab-jasim.html").read_text(encoding="utf-8")
    without_og = html.replace('property="og:title"', 'property="og:title-x"')
    assert extract_article(without_og, ENAB_URL).title == ENAB_TITLE  # from the <h1>
    only_title_tag = "<html><head><title>{}</title>{}</head><body><p>نص</p></body></html>"
    site = '<meta property="og:site_name" content="عنب بلدي">'
    assert extract_article(only_title_tag.format("خبر | عنب بلدي", site), "").title == "خبر"
    assert extract_article(only_title_tag.format("خبر - آخر", site), "").title == "خبر - آخر"
    assert extract_article(only_title_tag.format("خبر | عنب بلدي", ""), "").title == (
        "خبر | عنب بلدي"
    )


# Real captures


@pytest.mark.parametrize("selectors", [None, CNN_SELECTORS], ids=["fallbacks", "selectors"])
def test_cnn_arabic(selectors: dict[str, str] | None) -> None:
    expected = json.loads((DATA / "cnn-arabic.expected.json").read_text(encoding="utf-8"))
    article = _article("cnn-arabic.html", CNN_URL, selectors)
    assert article.text.startswith(expected["expected"]["cleaned_text"])
    assert article.title == "معارضون يسيطرون على مخازن للصواريخ بريف دمشق"
    assert article.lang == expected["expected"]["meta_lang"]
    assert "الأكثر تصفحاً" not in article.text  # "most read" box beside the story
    assert article.links[0] == (
        "http://arabic.cnn.com/2013/middle_east/8/2/jordan.syria.borders.drugs.and.weapons/index.html"
    )


def test_cnn_arabic_date_comes_only_from_a_selector() -> None:
    assert _article("cnn-arabic.html", CNN_URL).date_candidates == []  # no date markup at all
    assert _article("cnn-arabic.html", CNN_URL, CNN_SELECTORS).date_candidates == [
        "الأحد، 04 آب/اغسطس 2013، آخر تحديث 02:21 (GMT+0400)"
    ]
    # With the selector the comment-policy note below the story stays out too.
    assert "ترحب شبكة CNN" not in _article("cnn-arabic.html", CNN_URL, CNN_SELECTORS).text


@pytest.mark.parametrize("selectors", [None, LBC_SELECTORS], ids=["fallbacks", "selectors"])
def test_lbcgroup(selectors: dict[str, str] | None) -> None:
    expected = json.loads((DATA / "lbcgroup.expected.json").read_text(encoding="utf-8"))["V1"]
    article = _article("lbcgroup-2026-01-08.html", LBC_URL, selectors)
    assert _lines(article.text) == expected["body"]["sections"][0]["paragraphs"]
    assert article.title == expected["title"]
    published = datetime.fromisoformat(expected["publishing_date"])
    assert datetime.fromisoformat(article.date_candidates[0]) == published
    assert article.author == "LBCI"
    assert article.links[0].startswith("https://www.dailymail.co.uk/")


@pytest.mark.parametrize("selectors", [None, ASSABAH_SELECTORS], ids=["fallbacks", "selectors"])
def test_assabah(selectors: dict[str, str] | None) -> None:
    article = _article("assabah-article.html", ASSABAH_URL, selectors)
    assert article.title == (
        "الناشط الحقوقي السوداني خالد عبد الكريم ماسا لـ«الصباح»: كل الشروط متوفرة لثورة سودانية"
        " ولا حاجة لنستورد شيئا"
    )
    assert article.date_candidates[0] == "2019-02-08T00:00:00+01:00"
    lines = _lines(article.text)
    assert lines[0] == "حوار: آسيا العتروس"
    assert lines[-1].startswith("وبالنسبة للنظام في الخرطوم فهو يعتمد سياسة جس النبض")
    for furniture in ("إضافة تعليق جديد", "نسخة للطباعة", "Tweet", "جميع الحقوق"):
        assert furniture not in article.text


@pytest.mark.parametrize(
    "selectors", [None, {"body": ".entry-content"}], ids=["fallbacks", "selectors"]
)
def test_basicthinking_tweets_leave_the_body(selectors: dict[str, str] | None) -> None:
    article = _article("embedded-tweets-basicthinking.html", BASICTHINKING_URL, selectors)
    assert len(article.embedded) == 12
    assert all(tweet["embedded_in_url"] == BASICTHINKING_URL for tweet in article.embedded)
    assert {tweet["author_handle"] for tweet in article.embedded} >= {"diktator", "RobertHabeck"}
    assert article.embedded[0]["url"] == (
        "https://twitter.com/diktator/status/1044502590266978309?ref_src=twsrc%5Etfw"
    )
    assert article.embedded[0]["published"] == "25. September 2018"
    for tweet in article.embedded:
        for line in _lines(tweet["text"]):
            assert line[:40] not in article.text
        assert tweet["author_handle"] not in article.text
    assert article.text.startswith("Was haben Robert Habeck, Anja Amaranth, Frank Thelen")
    assert "Peter Wittkamp hat sich durch seine Pointen-Treffsicherheit" in article.text
    assert "Auch interessant" not in article.text
    assert "Teile diesen Beitrag" not in article.text
    assert article.title == "Erfolgreiche Tweets: 12 Twitter-Nutzer verraten ihre Zutaten"
    assert article.date_candidates[0] == "2018-12-05T05:50:40+00:00"
    assert article.lang == "de"


# Encodings and odd input


def test_windows_1256_bytes_decoded_from_meta_charset() -> None:
    article = _article("daraa24-windows-1256.html", "https://daraa24.org/?p=33190")
    assert article.title == "انتشار للجيش في طرقات مدينة جاسم بريف درعا الشمالي"
    assert _lines(article.text)[0].startswith("انتشرت قوات من الجيش صباح اليوم الثلاثاء")
    assert "شارك الخبر" not in article.text


def test_windows_1256_bytes_decoded_from_http_equiv() -> None:
    html = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1256">'
        "</head><body><article><p>فك الحصار عن مدينة جاسم</p></article></body></html>"
    )
    assert extract_article(html.encode("cp1256"), "").text == "فك الحصار عن مدينة جاسم"


def test_utf8_bytes_without_any_charset() -> None:
    html = "<html><body><p>عودة الحياة إلى جاسم</p></body></html>"
    assert extract_article(html.encode("utf-8"), "").text == "عودة الحياة إلى جاسم"


@pytest.mark.parametrize(
    "html",
    [
        "",
        b"",
        "   ",
        b"\xff\xfe\x00",
        "plain text, no markup",
        "<p>unclosed <div><b>bold",
        '<?xml version="1.0" encoding="utf-8"?><html><body><p>xhtml</p></body></html>',
        '<html><head><script type="application/ld+json">{"broken": </script></head></html>',
        '<html><head><script type="application/ld+json">[1, "x", {"author": 5}]</script></head>'
        '<body><a href="http://[::1">bad host</a><time>no datetime</time></body></html>',
        "<html><head><meta property='og:title'><base href='::'></head><body>\x00</body></html>",
    ],
)
def test_odd_input_never_raises(html: str | bytes) -> None:
    article = extract_article(html, "https://example.org/x", ENAB_SELECTORS)
    assert isinstance(article.text, str)
    assert article.embedded == []


def test_missing_pieces_are_none_or_empty() -> None:
    article = extract_article("<html><body><div>سطر</div></body></html>", "https://example.org/")
    assert article == Article(
        url="https://example.org/",
        title=None,
        text="",
        author=None,
        date_candidates=[],
        lang=None,
        links=[],
        embedded=[],
    )


def test_a_selector_that_matches_nothing_falls_back() -> None:
    selectors = {"title": ".gone", "body": ".gone", "date": ".gone", "author": ".gone"}
    article = _article("enab-jasim.html", ENAB_URL, selectors)
    assert article.title == ENAB_TITLE
    assert article.author == "عنب بلدي"
    assert article.date_candidates[0] == "2023-12-20T14:35:00+03:00"
    assert article.text.startswith("بعد أيام من حصار مدينة جاسم")


def test_date_selector_attribute_beats_its_text() -> None:
    html = (
        '<html><body><span class="d" content="2023-12-19T09:00:00+02:00">الثلاثاء</span>'
        "<article><p>نص</p></article></body></html>"
    )
    assert extract_article(html, "", {"date": "span.d"}).date_candidates == [
        "2023-12-19T09:00:00+02:00",
        "الثلاثاء",
    ]


# Selectors


def test_select_css_and_xpath() -> None:
    sel = parsel.Selector(text='<div class="a"><p>x</p><a href="/y">y</a></div>')
    assert select(sel, "div.a p::text").getall() == ["x"]
    assert select(sel, "a::attr(href)").getall() == ["/y"]
    assert select(sel, "//div[@class='a']/p/text()").getall() == ["x"]
    assert select(sel, "(//a)[1]/@href").getall() == ["/y"]
    with pytest.raises(ValueError, match="invalid CSS selector"):
        select(sel, "div[")


@pytest.mark.parametrize("expr", ["div.entry-content", "h1::text", "//time/@datetime", "(//p)[1]"])
def test_check_selector_accepts_valid_selectors(expr: str) -> None:
    assert check_selector(expr) is None


@pytest.mark.parametrize(
    ("expr", "start"),
    [
        ("div[", "invalid CSS selector 'div['"),
        ("//div[", "invalid XPath selector '//div['"),
        ("", "empty selector"),
    ],
)
def test_check_selector_gives_a_one_line_reason(expr: str, start: str) -> None:
    reason = check_selector(expr)
    assert reason is not None
    assert reason.startswith(start)
    assert "\n" not in reason


# Listing pages

LISTING = """<html><head><base href="https://www.enabbaladi.net/"></head><body>
<nav><a href="/category/syria/">سوريا</a></nav>
<div class="posts">
  <article><h2><a href="671802/">عودة الحياة إلى جاسم</a></h2>
    <a href="671802/#comments">1</a></article>
  <article><h2><a href="https://www.enabbaladi.net/671455/">حصار جاسم</a></h2></article>
  <article><h2><a href="mailto:news@example.org">بريد</a></h2></article>
  <article><h2><a href="javascript:void(0)">لا شيء</a></h2></article>
  <article><h2><a href="//www.enabbaladi.net/671290/">عبوة ناسفة</a></h2></article>
</div>
<a class="next page-numbers" href="/page/2/">التالي</a>
</body></html>"""
LISTING_URL = "https://www.enabbaladi.net/category/syria/"
ARTICLES = [
    "https://www.enabbaladi.net/671802/",
    "https://www.enabbaladi.net/671455/",
    "https://www.enabbaladi.net/671290/",
]


@pytest.mark.parametrize(
    "selector", [".posts article", ".posts h2 a", ".posts h2 a::attr(href)", "//article//h2/a"]
)
def test_extract_links(selector: str) -> None:
    assert extract_links(LISTING, LISTING_URL, selector) == ARTICLES


def test_extract_links_on_odd_input() -> None:
    assert extract_links(b"", LISTING_URL, "a") == []
    assert extract_links("<a>no href</a>", LISTING_URL, "a") == []


@pytest.mark.parametrize(
    ("html", "selector", "expected"),
    [
        ('<link rel="next" href="?page=2"><a href="/x">x</a>', None, f"{LISTING_URL}?page=2"),
        (
            '<a rel="nofollow next" href="/page/3/">›</a>',
            None,
            "https://www.enabbaladi.net/page/3/",
        ),
        (LISTING, None, "https://www.enabbaladi.net/page/2/"),
        (
            '<div class="pager"><a href="/p/9">9</a></div>',
            ".pager a",
            "https://www.enabbaladi.net/p/9",
        ),
        (
            '<a class="more" href="/p/9">9</a>',
            "//a[@class='more']/@href",
            "https://www.enabbaladi.net/p/9",
        ),
        ('<a href="/x">x</a>', None, None),
        (f'<link rel="next" href="{LISTING_URL}#top">', None, None),  # points back here
        ("", None, None),
    ],
)
def test_extract_next_page(html: str, selector: str | None, expected: str | None) -> None:
    assert extract_next_page(html, LISTING_URL, selector) == expected


DARAA24_ARTICLE = (
    Path(__file__).parents[1] / "monitor" / "data" / "demo" / "site" / "daraa24" / "archives"
) / "51884.html"


def test_a_dateline_above_the_first_paragraph_is_not_the_first_line_of_the_body():
    """Some themes print the time above the text, inside the body's block; it is a date
    candidate, not a line of the article. A time inside a sentence stays in it."""
    page = DARAA24_ARTICLE.read_text(encoding="utf-8")
    content = '<div class="td-post-content tagdiv-type">'
    dated = page.replace(
        content, content + '\n<time datetime="2023-12-18T14:10:06+03:00">2023-12-18 14:10</time>'
    )
    assert dated != page
    article = extract_article(dated, "https://daraa24.org/archives/51884")
    assert article.text.startswith("قُتل طفلان وأُصيب ثلاثة آخرون")
    assert "2023-12-18T14:10:06+03:00" in article.date_candidates
    inline = page.replace(
        "ظهر اليوم الاثنين 18 كانون الأول 2023،",
        'ظهر اليوم <time datetime="2023-12-18">الاثنين 18 كانون الأول 2023</time>،',
    )
    assert inline != page
    kept = extract_article(inline, "https://daraa24.org/archives/51884")
    assert "ظهر اليوم الاثنين 18 كانون الأول 2023،" in kept.text
