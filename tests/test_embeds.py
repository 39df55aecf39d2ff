"""Embedded posts (X/Twitter, Telegram, Facebook) become raw items and leave the page."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest

from monitor.collect.parsers.embeds import extract_embeds, is_embed
from monitor.normalize.text import html_to_text

DATA = Path(__file__).parent / "data" / "html"
PAGE = "https://example.org/news/1/"
STATUS = "https://twitter.com/Daraa24_24/status/1737099519245131836"


def _embeds(body: str) -> tuple[list[dict], str]:
    """The raw items found in an HTML fragment, and the fragment's text once they are gone."""
    root = lxml.html.fragment_fromstring(body, create_parent="div")
    items = extract_embeds(root, PAGE)
    return items, html_to_text(root)


def test_standard_tweet_embed_becomes_an_x_item_and_leaves_the_page() -> None:
    items, rest = _embeds(
        '<p>قبل</p><blockquote class="twitter-tweet"><p lang="ar" dir="rtl">متابعة للخبر السابق:'
        "<br>انسحاب الجيش من مدينة جاسم."
        '<a href="https://twitter.com/hashtag/%D8%AC%D8%A7%D8%B3%D9%85?src=hash">#جاسم</a> '
        '<a href="https://daraa24.org/?p=33190">daraa24.org/?p=33190</a> '
        '<a href="https://t.co/AbCdEf">pic.twitter.com/zhxoSINsLo</a></p>'
        "&mdash; Daraa 24 – 24 درعا (@Daraa24_24) "
        f'<a href="{STATUS}?ref_src=twsrc%5Etfw">December 19, 2023</a></blockquote>'
        '<script async src="https://platform.twitter.com/widgets.js"></script>بعد'
    )
    assert items == [
        {
            "platform": "x",
            "url": f"{STATUS}?ref_src=twsrc%5Etfw",
            "text": "متابعة للخبر السابق:\nانسحاب الجيش من مدينة جاسم.#جاسم daraa24.org/?p=33190 "
            "pic.twitter.com/zhxoSINsLo",
            "author": "Daraa 24 – 24 درعا",
            "author_handle": "Daraa24_24",
            "published": "December 19, 2023",
            "lang": "ar",
            "links": ["https://daraa24.org/?p=33190"],
            "media": [{"type": "photo", "url": "https://pic.twitter.com/zhxoSINsLo"}],
            "embedded_in_url": PAGE,
        }
    ]
    assert rest == "قبل\nبعد"  # the text after the embed (its tail) stays


@pytest.mark.parametrize(
    "markup",
    [
        pytest.param(
            '<blockquote class="twitter-tweet">انسحاب الجيش من مدينة جاسم — Daraa 24 – 24 درعا '
            '(@Daraa24_24) <a href="https://x.com/Daraa24_24/status/1737099519245131836">'
            "December 19, 2023</a></blockquote>",
            id="no <p>, x.com link",
        ),
        pytest.param(
            '<blockquote class="twitter-tweet" data-lang="ar"><p dir="rtl">انسحاب الجيش من مدينة'
            " جاسم</p>Daraa 24 – 24 درعا (@Daraa24_24) "
            '<a href="https://mobile.twitter.com/Daraa24_24/status/1737099519245131836">'
            "December 19, 2023</a></blockquote>",
            id="no &mdash;",
        ),
        pytest.param(
            '<blockquote class="twitter-tweet"><p>انسحاب الجيش من مدينة جاسم</p>'
            "<p>— Daraa 24 – 24 درعا (@Daraa24_24) "
            '<a href="https://twitter.com/Daraa24_24/status/1737099519245131836">'
            "December 19, 2023</a></p></blockquote>",
            id="attribution in a <p> of its own (wpautop)",
        ),
    ],
)
def test_tweet_embed_variants_keep_text_author_and_date(markup: str) -> None:
    items, rest = _embeds(markup)
    assert [(i["text"], i["author"], i["author_handle"], i["published"]) for i in items] == [
        ("انسحاب الجيش من مدينة جاسم", "Daraa 24 – 24 درعا", "Daraa24_24", "December 19, 2023")
    ]
    assert "1737099519245131836" in items[0]["url"]
    assert rest == ""


@pytest.mark.parametrize(
    "markup",
    [
        pytest.param(
            '<div class="twitter-tweet twitter-tweet-rendered"><iframe data-tweet-id='
            '"1737099519245131836" src="https://platform.twitter.com/embed/Tweet.html?id='
            '1737099519245131836"></iframe></div>',
            id="rendered by widgets.js",
        ),
        pytest.param(
            '<twitter-widget class="twitter-tweet" data-tweet-id="1737099519245131836">'
            "</twitter-widget>",
            id="twitter-widget element",
        ),
    ],
)
def test_rendered_tweet_keeps_its_id(markup: str) -> None:
    items, _ = _embeds(markup)
    assert [(i["platform"], i["url"], i["text"]) for i in items] == [
        ("x", "https://twitter.com/i/status/1737099519245131836", "")
    ]


def test_wordpress_twitter_block_with_only_the_status_url() -> None:
    items, rest = _embeds(
        '<figure class="wp-block-embed is-type-rich is-provider-twitter wp-block-embed-twitter">'
        '<div class="wp-block-embed__wrapper">\nhttps://x.com/Daraa24_24/status/1737099519245131836'
        "\n</div></figure><p>النص</p>"
    )
    assert [(i["url"], i["author_handle"]) for i in items] == [
        ("https://x.com/Daraa24_24/status/1737099519245131836", "Daraa24_24")
    ]
    assert rest == "النص"


def test_wordpress_twitter_block_with_the_embed_code_gives_one_item() -> None:
    items, _ = _embeds(
        '<figure class="wp-block-embed wp-block-embed-twitter">'
        '<div class="wp-block-embed__wrapper">'
        f'<blockquote class="twitter-tweet"><p>نص</p>&mdash; D (@Daraa24_24) <a href="{STATUS}">'
        "December 19, 2023</a></blockquote></div></figure>"
    )
    assert [(i["url"], i["text"]) for i in items] == [(STATUS, "نص")]


TELEGRAM_ITEM = {
    "platform": "telegram",
    "url": "https://t.me/daraa24/33190",
    "text": "",
    "embed_url": "https://t.me/daraa24/33190?embed=1",
    "embedded_in_url": PAGE,
}


@pytest.mark.parametrize(
    "markup",
    [
        pytest.param(
            '<script async src="https://telegram.org/js/telegram-widget.js?22" '
            'data-telegram-post="daraa24/33190" data-width="100%"></script>',
            id="widget script",
        ),
        pytest.param(
            '<iframe id="telegram-post-daraa24-33190" src="https://t.me/daraa24/33190?embed=1"'
            ' width="100%"></iframe>',
            id="rendered iframe",
        ),
        pytest.param(
            '<blockquote class="telegram-post">بيان <a href="https://t.me/daraa24/33190">'
            "t.me/daraa24/33190</a></blockquote>",
            id="blockquote.telegram-post",
        ),
        pytest.param(
            '<script async src="https://telegram.org/js/telegram-widget.js?22" '
            'data-telegram-post="daraa24/33190"></script><iframe '
            'src="https://t.me/daraa24/33190?embed=1"></iframe>',
            id="script and its rendered iframe: one post",
        ),
    ],
)
def test_telegram_embeds(markup: str) -> None:
    items, rest = _embeds(markup)
    assert items == [TELEGRAM_ITEM]
    assert rest == ""


@pytest.mark.parametrize(
    "markup",
    [
        pytest.param(
            '<div class="fb-post" data-href="https://www.facebook.com/daraa24/posts/123456789" '
            'data-width="500"><blockquote cite="https://www.facebook.com/daraa24/posts/123456789" '
            'class="fb-xfbml-parse-ignore">نص المنشور</blockquote></div>',
            id="fb-post div",
        ),
        pytest.param(
            '<iframe src="https://www.facebook.com/plugins/post.php?href=https%3A%2F%2Fwww.'
            'facebook.com%2Fdaraa24%2Fposts%2F123456789&amp;show_text=true&amp;width=500">'
            "</iframe>",
            id="post.php iframe",
        ),
    ],
)
def test_facebook_post_embeds(markup: str) -> None:
    items, rest = _embeds(markup)
    assert items == [
        {
            "platform": "facebook",
            "url": "https://www.facebook.com/daraa24/posts/123456789",
            "text": "",
            "embed_url": None,
            "embedded_in_url": PAGE,
        }
    ]
    assert rest == ""


def test_share_buttons_and_timelines_are_not_embedded_posts() -> None:
    markup = (
        '<a href="https://twitter.com/share" class="twitter-share-button">Tweet</a> '
        '<a class="twitter-timeline" href="https://twitter.com/Daraa24_24">تغريدات</a> '
        '<iframe src="https://www.facebook.com/plugins/like.php?href=https%3A%2F%2Fexample.org">'
        '</iframe><a href="https://t.me/share/url?url=https://example.org">تلغرام</a>'
    )
    items, rest = _embeds(markup)
    assert items == []
    assert rest == "Tweet تغريدات تلغرام"


def test_is_embed_names_the_markup_extract_embeds_takes() -> None:
    root = lxml.html.fragment_fromstring(
        '<div><blockquote class="twitter-tweet"><p>x</p></blockquote><blockquote>y</blockquote>'
        '<div class="fb-post" data-href="https://www.facebook.com/x/posts/1"></div></div>'
    )
    assert [is_embed(child) for child in root] == [True, False, True]


def test_odd_embeds_never_raise() -> None:
    items, _ = _embeds(
        '<blockquote class="twitter-tweet"></blockquote>'
        '<div class="twitter-tweet-rendered"><iframe src="https://platform.twitter.com/x"></iframe>'
        '</div><script data-telegram-post="not a post"></script>'
        '<div class="fb-post" data-href="javascript:alert(1)"></div>'
        '<iframe src="https://www.facebook.com/plugins/post.php"></iframe>'
    )
    assert items == []


def test_basicthinking_twelve_tweets() -> None:
    """A real page (German blog, 2018) with twelve standard tweet embeds."""
    html = (DATA / "embedded-tweets-basicthinking.html").read_text(encoding="utf-8")
    root = lxml.html.document_fromstring(html)
    items = extract_embeds(root, PAGE)
    assert [(i["author_handle"], i["published"]) for i in items] == [
        ("diktator", "25. September 2018"),
        ("Mohrenpost", "27. August 2018"),
        ("RobertHabeck", "2. Juni 2018"),
        ("frank_thelen", "6. März 2018"),
        ("AnjaAmaranth", "10. September 2018"),
        ("johannesceh", "29. April 2018"),
        ("TijenOnaran", "28. August 2018"),
        ("herrfranken", "17. Juni 2018"),
        ("ManuelGerres", "13. Oktober 2018"),
        ("bloggendebahner", "11. Juli 2018"),
        ("C_Holler", "26. November 2018"),
        ("meikyworldwide", "19. November 2018"),
    ]
    for item in items:
        assert item["url"].startswith(f"https://twitter.com/{item['author_handle']}/status/")
        assert item["text"] and "—" not in item["text"]
    assert items[0]["author"] == "Peter Wittkamp🐬"
    assert items[6]["lang"] == "en"
    assert items[4]["media"] == [{"type": "photo", "url": "https://pic.twitter.com/qc6VqGZYA2"}]
    assert items[3]["links"] == [
        "https://twitter.com/DoroBaer?ref_src=twsrc%5Etfw",
        "https://twitter.com/Lilium?ref_src=twsrc%5Etfw",
    ]
    # A tweet of two paragraphs keeps both.
    assert items[10]["text"].startswith("Wie lustig #Palmer meets Deutschlandhut wäre.\n")
    assert items[10]["text"].endswith("„ORTSPOLIZEIBEHÖRDENLEITER!“")
    assert not root.xpath('//blockquote[contains(@class, "twitter-tweet")]')
