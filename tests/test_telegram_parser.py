"""The t.me preview parser against real captures (tests/data/telegram, MIT, see LICENSE there)
and an Arabic channel page written in the same markup (daraa24.html)."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest

from monitor.collect.parsers.telegram import (
    ChannelPage,
    channel_from_url,
    parse_channel_page,
    parse_count,
    post_url,
)
from monitor.normalize.text import extract_hashtags

DATA = Path(__file__).resolve().parent / "data" / "telegram"
CDN = "https://cdn4.telegram-cdn.org/file/"
PLACEHOLDERS = (
    "Please open Telegram",
    "VIEW IN TELEGRAM",
    "not supported in your browser",
    "Media is too big",
)


def parse(name: str, url: str = "https://t.me/s/channel") -> ChannelPage:
    return parse_channel_page((DATA / name).read_bytes(), url)


def only_post(name: str) -> dict[str, Any]:
    posts = parse(name).posts
    assert len(posts) == 1
    return posts[0]


def media_of(fragment: str, data_post: str) -> list[dict[str, Any]]:
    """Media of a captured media fragment, inside the message node a page puts it in."""
    html = (DATA / fragment).read_text(encoding="utf-8")
    page = f'<div class="tgme_widget_message" data-post="{data_post}">{html}</div>'
    return parse_channel_page(page, "https://t.me/s/channel").posts[0]["media"]


def test_every_fixture_parses_without_placeholder_text() -> None:
    for path in sorted(DATA.glob("*.html")):
        page = parse_channel_page(path.read_bytes(), "https://t.me/s/channel")
        for post in page.posts:
            assert not any(p in post["text"] for p in PLACEHOLDERS), path.name


# -- a whole channel page ---------------------------------------------------------------------


def test_full_page_channel_paging_and_order() -> None:
    page = parse("full.html", "https://t.me/s/topwar_official")

    assert (page.channel, page.title) == ("topwar_official", "Военное обозрение")
    assert page.removed is False
    # Telegram's <link rel="prev"> and the "more" link both say before=70989, the smallest id.
    assert page.before == 70989
    assert [post["url"].rsplit("/", 1)[1] for post in page.posts] == [
        "70989", "70990", "70992", "70995", "70996", "70997",
        "70998", "70999", "71000", "71006", "71007", "71008",
    ]  # fmt: skip
    published = [post["published"] for post in page.posts]
    assert published == sorted(published)
    assert published[0] == "2023-02-28T07:47:53+00:00"
    assert [post["views"] for post in page.posts[:3]] == [37200, 34500, 33800]


def test_full_page_text_keeps_br_as_line_breaks_and_unescapes() -> None:
    posts = {post["url"]: post for post in parse("full.html").posts}

    assert posts["https://t.me/topwar_official/70989"]["text"] == (
        "В Санкт-Петербурге в небо над городом подняли истребители из-за неизвестного объекта "
        "в воздухе, аэропорт Пулково не принимает самолеты, сообщает Baza.\n"
        "Судя по сервису Flightradar, гражданские самолеты не приближаются к Санкт-Петербургу."
    )
    assert posts["https://t.me/topwar_official/70995"]["text"].startswith('План "Ковер" отменен,')


def test_full_page_album_keeps_every_photo_and_video() -> None:
    posts = {post["url"]: post for post in parse("full.html").posts}

    mixed = posts["https://t.me/topwar_official/70992"]["media"]
    assert [item["type"] for item in mixed] == ["photo", "photo", "video"]
    assert mixed[0]["url"].startswith(CDN + "HL75Yw5xRImP5vG7ECqDQcTtpHc-8j")
    assert mixed[2]["url"].startswith(CDN + "ee2e53dc9f.mp4?token=")
    assert mixed[2]["duration"] == 16
    assert mixed[2]["thumb"].startswith(CDN + "jPQi1lwA1SCXn9N0UBU4UnFyUh2nMz")
    # The album's caption is written once although Telegram nests it in a second text node.
    assert posts["https://t.me/topwar_official/70992"]["text"].startswith(
        "Сегодня ночью в Республике Адыгея упал неизвестный летательный аппарат"
    )
    photos = posts["https://t.me/topwar_official/71000"]["media"]
    assert [item["type"] for item in photos] == ["photo"] * 6
    assert photos[-1]["url"].startswith(CDN + "Zj3Wg2vybFgi1CG6O6iDm3muBMo1ss")


def test_full_page_forward_with_links_and_link_preview() -> None:
    post = next(p for p in parse("full.html").posts if p["url"].endswith("/70996"))

    assert post["forwarded_from_url"] == "https://t.me/yaremshooter/1066"
    assert post["links"] == ["https://t.me/infantmilitario/93419", "https://t.me/yaremshooter"]
    assert "подошли к самолетику в Бахмуте на расстояние 180 метров, пока" in post["text"]
    assert post["link_previews"] == [
        {
            "url": "http://t.me/infantmilitario/93419",
            "site_name": "Telegram",
            "title": "Милитарист",
            "description": "Сообщают, что стелу с истребителем МиГ-17ПФ в центре Бахмута и "
            "передовые подразделения ЧВК «Вагнера» разделяют 180 метров",
        }
    ]


def test_full_page_video_too_big_points_at_the_post() -> None:
    posts = {post["url"]: post for post in parse("full.html").posts}

    too_big = posts["https://t.me/topwar_official/71006"]["media"]
    assert len(too_big) == 1
    assert too_big[0]["type"] == "video"
    assert too_big[0]["url"] == "https://t.me/topwar_official/71006"
    assert too_big[0]["duration"] == 177
    assert too_big[0]["thumb"].startswith(CDN + "rxllsyzi0upEESVL4mM8eOaecWAKhc")
    playable = posts["https://t.me/topwar_official/71008"]["media"][0]
    assert playable["url"].startswith(CDN + "a325394411.mp4?token=")


# -- one message kind a capture ---------------------------------------------------------------


def test_text_message() -> None:
    post = only_post("message_text.html")

    assert post["url"] == "https://t.me/topwar_official/70991"
    assert post["platform"] == "telegram"
    assert post["title"] is None
    assert (post["author"], post["author_handle"]) == ("Военное обозрение", "topwar_official")
    assert post["published"] == "2023-02-28T08:48:01+00:00"
    assert post["views"] == 33400
    assert post["text"] == (
        "Неопознанный летающий объект замечен в 160 – 200 км от Петербурга\n\n"
        "По данным «Фонтанки», такую информацию министерство обороны по своим каналам сообщило "
        "в службу аэропорта Пулково. В связи с этим по установленной процедуре петербургский "
        "аэропорт пока не принимает самолёты и не даёт разрешения на взлёт. Какой-либо другой "
        "информации Минобороны в гражданские службы не сообщает.\n\n"
        "Источник, близкий к Смольному, подтвердил, что небо закрыто из-за неопознанного "
        "летающего объекта. В воздух подняты истребители. Читатели «Фонтанки» рассказывают, что "
        "услышать их можно даже в центре: «Звуки как на параде»."
    )
    assert (post["reply_to_url"], post["forwarded_from_url"]) == (None, None)
    assert (post["links"], post["link_previews"], post["media"]) == ([], [], [])


def test_link_preview() -> None:
    post = only_post("message_link_preview.html")
    article = "https://vnnews.ru/georgiy-zotov-okkupaciya-volosatym-kr/"

    assert post["text"] == article
    assert post["links"] == [article]
    assert post["views"] == 226200
    assert post["link_previews"] == [
        {
            "url": article,
            "site_name": "Ваши новости — интернет-газета",
            "title": "Георгий Зотов: ОККУПАЦИЯ ВОЛОСАТЫМ КРАБОМ",
            "description": "Современная журналистика превратилась в комедию и тщетную охоту "
            "за лайками с перепостами в попытке обогнать популярные блоги. Выглядит сие довольно "
            "жалко…",
        }
    ]
    assert post["media"] == []


def test_link_preview_without_image_unescapes_the_query() -> None:
    post = only_post("message_link_preview_text_only.html")
    url = "http://publication.pravo.gov.ru/Document/View/0001202302270011?index=7&rangeSize=1"

    assert post["links"] == [url]
    preview = post["link_previews"][0]
    assert (preview["url"], preview["site_name"]) == (url, "publication.pravo.gov.ru")
    assert preview["description"] == (
        'Распоряжение Президента Российской Федерации от 27.02.2023 № 59-рп\n"О поощрении"'
    )


def test_link_preview_of_a_telegram_video_post_keeps_emoji() -> None:
    post = only_post("message_link_preview_video.html")

    assert post["text"] == "Жениться вам, барин, пора! 😁\n\nhttps://t.me/shalnyak/5410"
    assert post["link_previews"][0]["description"] == (
        "Дядь @fighter_bomber глянь!!!\nУ меня такааая разработка🔥\n"
        "Для чего пока не знаю, но жути наводит пздц как🤓"
    )
    # The preview's video belongs to the linked post, not to this one.
    assert post["media"] == []


def test_forwarded_photo() -> None:
    post = only_post("message_media_forwarded_from.html")

    assert post["forwarded_from_url"] == "https://t.me/dimsmirnov175/44604"
    assert post["author"] == "Tynu40k Goblina (oper.ru)"
    assert post["text"] == (
        "Британская разведка выяснила, почему Ким Чен Ын начал выводить дочку в свет"
    )
    [photo] = post["media"]
    assert photo["type"] == "photo"
    assert photo["url"].startswith(CDN + "keYrQp0kfuA-v2y8PsdF0DmDlrXxR0")
    assert photo["url"].endswith(".jpg")


def test_photo_and_video_album() -> None:
    post = only_post("message_media_photo_and_video.html")

    assert post["url"] == "https://t.me/anna_news/46908"
    assert post["text"] == (
        "Ночью над Белгородом сбили 3 беспилотника\n\nОни упали на улицы города.\n\n"
        "Сообщается, что на себе БПЛА несли взрывчатку из пластида.\n\n"
        "#Белгород #Беспилотники\n\n@anna_news"
    )
    # Hashtags link to an in-channel search, which is not a link the author made.
    assert post["links"] == ["https://t.me/anna_news"]
    video, first, second = post["media"]
    assert (video["type"], video["duration"]) == ("video", 5)
    assert video["url"].startswith(CDN + "3fc678ce81.mp4?token=")
    assert (first["type"], second["type"]) == ("photo", "photo")
    assert first["url"].startswith(CDN + "hreFvq_I28dSzoM2DmY7nB4dqOYfR7")
    assert second["url"].startswith(CDN + "uncPmElZ9yFcNTWHzfyFA4HdbR-XFO")


def test_round_video() -> None:
    post = only_post("message_media_round_video.html")

    assert post["text"] == ""
    assert post["views"] == 54200
    [video] = post["media"]
    assert (video["type"], video["duration"]) == ("round_video", 44)
    assert video["url"].startswith(CDN + "abbcfd1c60.mp4?token=")
    assert video["thumb"].startswith(CDN + "gyTl8HKRG7WGruLu4m9L_VZZtdF0Dg")


def test_video_gif_and_too_big_fragments() -> None:
    [video] = media_of("media_video.html", "bolshiepushki/3477")
    assert (video["type"], video["duration"]) == ("video", 34)
    assert video["url"].startswith(CDN + "6a6c95d988.mp4?token=")

    [gif] = media_of("media_video_gif.html", "channel/6")
    assert gif["type"] == "gif"
    assert gif["url"] == CDN + "77..0c.mp4?token=..."
    assert "duration" not in gif

    [too_big] = media_of("media_video_too_big.html", "anna_news/46940")
    assert too_big["url"] == "https://t.me/anna_news/46940"
    assert (too_big["type"], too_big["duration"]) == ("video", 69)


def test_poll_question_and_options_are_the_text() -> None:
    post = only_post("message_poll.html")

    assert post["text"] == (
        "Как лучше?\nНесколько постов в день\nОдин пост в несколько дней\n"
        "Свой вариант в комментарии"
    )
    assert post["views"] == 1100
    assert post["media"] == []


def test_sticker() -> None:
    post = only_post("message_sticker.html")

    assert post["text"] == ""
    assert post["media"] == [{"type": "sticker", "url": CDN + "sticker.tgs?token=H..G"}]
    assert post["author"] == "🅰️User"


def test_voice_forwarded_from_a_user_without_link() -> None:
    post = only_post("message_voice.html")

    assert post["forwarded_from_url"] is None
    assert post["published"] == "2018-04-24T15:28:46+00:00"
    assert post["views"] == 746
    assert post["text"] == (
        "Обсудили:\n\n- Сталина не забыть\n- Плохие фильмы\n- Смешные переводы\n"
        "можно, матерные - нет\n\nСлушайте: @kakberadio\nПишите нам: @kakberadiobot"
    )
    assert post["links"] == ["https://t.me/kakberadio", "https://t.me/kakberadiobot"]
    [voice] = post["media"]
    assert (voice["type"], voice["duration"]) == ("voice", 27 * 60 + 40)
    assert voice["url"].startswith(CDN + "e7ba63f364.ogg?token=")


def test_file() -> None:
    post = only_post("message_media_file.html")

    assert post["forwarded_from_url"] == "https://t.me/kremlinprachka/20294"
    assert post["media"] == [
        {
            "type": "file",
            "url": "https://t.me/oper_goblin/16936",
            "title": "Оппозиционные медиапроекты.pdf",
            "size": "2.1 MB",
        }
    ]
    assert post["text"].startswith("Центр изучения новых коммуникаций подготовил исследование:")


def test_author_signature_wins_over_channel_name() -> None:
    post = only_post("message_with_from_author.html")

    assert post["author"] == "🅰️rkadiy Ivanov"
    assert post["author_handle"] == "channel"
    assert (post["text"], post["views"]) == ("test", 1)


def test_single_post_page_without_channel_header() -> None:
    # An ?embed=1 page carries one message and no channel header or history.
    page = parse("message_with_from_author.html", "https://t.me/channel/4?embed=1")

    assert (page.channel, page.title) == ("channel", "Channel title")
    assert (page.before, page.removed) == (None, False)


# -- the Arabic channel ------------------------------------------------------------------------


@pytest.fixture
def daraa24() -> ChannelPage:
    # Served by the local test server at this address in the end-to-end tests.
    return parse("daraa24.html", "http://127.0.0.1:8080/s/daraa24")


def test_daraa24_page_matches_expected(daraa24: ChannelPage) -> None:
    expected = json.loads((DATA / "daraa24.expected.json").read_text(encoding="utf-8"))
    assert asdict(daraa24) == expected


def test_daraa24_channel_paging_and_service_message(daraa24: ChannelPage) -> None:
    assert (daraa24.channel, daraa24.title) == ("daraa24", "درعا 24 | Daraa 24")
    assert (daraa24.before, daraa24.removed) == (31850, False)
    # 31858 is "... pinned «...»", a service message; 31853-31854 are the album's photos.
    assert [post["url"] for post in daraa24.posts] == [
        post_url("daraa24", post_id) for post_id in (31850, 31851, 31852, 31855, 31856, 31857)
    ]
    assert [post["views"] for post in daraa24.posts] == [5100, 3800, 2400, 987, 4600, 12300]
    assert {post["author"] for post in daraa24.posts} == {"درعا 24 | Daraa 24"}


def test_daraa24_urgent_report_and_its_follow_up(daraa24: ChannelPage) -> None:
    report, follow_up = daraa24.posts[0], daraa24.posts[-1]

    assert report["published"] == "2023-12-19T08:10:00+00:00"
    assert report["text"].startswith(
        "🔴 عاجل | انتشار لقوات الجيش في عدد من أحياء مدينة جاسم بريف درعا الشمالي،"
    )
    assert extract_hashtags(report["text"]) == ["جاسم", "درعا"]
    assert follow_up["reply_to_url"] == "https://t.me/daraa24/31850"
    # The reply's quote of the earlier report is not part of the follow-up's text.
    assert follow_up["text"] == (
        "متابعة للخبر السابق: انسحاب الجيش من مدينة جاسم بعد التوصل إلى اتفاق مع وجهاء المدينة "
        "برعاية اللجنة المركزية، كما أوردنا في خبرنا السابق.\n\n"
        "التفاصيل على موقعنا: https://daraa24.org/?p=31027\n"
        "ونقلت الخبر أيضاً قناة @horanfreeleague عن مصادر محلية.\n\n"
        "#جاسم #درعا #الفصائل_المحلية"
    )
    assert follow_up["links"] == ["https://daraa24.org/?p=31027", "https://t.me/horanfreeleague"]


def test_daraa24_forward_album_preview_and_arabic_script(daraa24: ChannelPage) -> None:
    forward, album, sources, analysis = daraa24.posts[1:5]

    assert forward["forwarded_from_url"] == "https://t.me/horanfreeleague/10234"
    assert [item["type"] for item in album["media"]] == ["photo"] * 3
    assert album["media"][0]["url"] == (
        "https://cdn4.cdn-telegram.org/file/Jm4sK8wQ2nR7vX1cB5tY9pL3dF6hG0aZ_eUi-oTrWqEyNbMx.jpg"
    )
    assert extract_hashtags(album["text"]) == ["جاسم", "الفصائل_المحلية"]
    # Tatweel, diacritics and Arabic-Indic digits stay exactly as published.
    assert sources["text"].startswith("مصـــادر مَحلّيّة لـ«درعا 24»: وُجَهاء مدينة جاسم")
    assert "تسليم ٢٥ شخصاً" in sources["text"]
    assert analysis["link_previews"] == [
        {
            "url": "https://daraa24.org/?p=31020",
            "site_name": "درعا 24",
            "title": "ماذا يجري في مدينة جاسم بريف درعا الشمالي؟",
            "description": "تشهد مدينة جاسم منذ أيام توتراً أمنياً بعد مطالبة اللجنة الأمنية "
            "بتسليم مطلوبين،\nفي ظل انتشار عسكري على مداخل المدينة.",
        }
    ]


# -- pages without posts, odd markup ----------------------------------------------------------


def test_removed_channel_page() -> None:
    # t.me/s/<unknown> redirects to t.me/<unknown>: a contact page with no channel and no post.
    page = parse("removed.html", "https://t.me/daraa24_old")

    assert page == ChannelPage(channel=None, title=None, posts=[], before=None, removed=True)


@pytest.mark.parametrize(
    "html",
    [b"", "", "   ", b"\xff\xfe\x00\x81garbage\x00", "<<<>>>", "<div class='tgme_widget_message'"],
)
def test_garbage_gives_an_empty_removed_page(html: str | bytes) -> None:
    page = parse_channel_page(html, "https://t.me/s/daraa24")

    assert (page.posts, page.before, page.removed) == ([], None, True)


def test_existing_channel_with_no_older_posts_is_not_removed() -> None:
    html = """<html><head><link rel="prev" href="/s/daraa24?before="></head><body>
      <div class="tgme_channel_info_header_username"><a href="https://t.me/daraa24">@daraa24</a></div>
      <section class="tgme_channel_history js-message_history"></section></body></html>"""

    page = parse_channel_page(html, "https://t.me/s/daraa24?before=1")

    assert (page.channel, page.posts, page.before, page.removed) == ("daraa24", [], None, False)


def test_without_a_cursor_the_smallest_id_pages_on() -> None:
    html = """<section class="tgme_channel_history">
      <div class="tgme_widget_message" data-post="daraa24/1"></div>
      <div class="tgme_widget_message" data-post="daraa24/40"></div>
      <div class="tgme_widget_message" data-post="daraa24/7"></div></section>"""

    older = html.replace("daraa24/1", "daraa24/5")
    assert parse_channel_page(older, "https://t.me/s/daraa24").before == 5
    # Id 1 is the channel's first message: there is nothing older.
    assert parse_channel_page(html, "https://t.me/s/daraa24").before is None


def test_a_message_missing_every_piece_only_lacks_fields() -> None:
    html = """<div class="tgme_widget_message" data-post="daraa24/9"></div>
      <div class="tgme_widget_message" data-post="daraa24/not-a-number"></div>
      <div class="tgme_widget_message" data-post="daraa24/10">
        <a class="tgme_widget_message_photo_wrap" style="background-image:url()"></a>
        <a class="tgme_widget_message_reply" href="tg://x"></a>
        <a class="tgme_widget_message_link_preview"></a>
        <span class="tgme_widget_message_views">n/a</span>
      </div>"""

    first, second = parse_channel_page(html, "https://t.me/s/daraa24").posts

    assert first == {
        "platform": "telegram",
        "url": "https://t.me/daraa24/9",
        "text": "",
        "title": None,
        "author": None,
        "author_handle": "daraa24",
        "published": None,
        "views": None,
        "reply_to_url": None,
        "forwarded_from_url": None,
        "links": [],
        "link_previews": [],
        "media": [],
    }
    assert (second["media"], second["reply_to_url"], second["views"]) == ([], None, None)
    assert second["link_previews"] == [
        {"url": None, "site_name": None, "title": None, "description": None}
    ]


def test_malformed_urls_attributes_and_control_characters() -> None:
    html = (
        '<div class="tgme_widget_message" data-post="daraa24/13" {odd="1">'
        '<a class="tgme_widget_message_reply" href="http://[::1">x</a>'
        '<div class="tgme_widget_message_text js-message_text">نص\x00 <a href="http://[x">رابط</a>'
        "</div></div>"
    )

    [post] = parse_channel_page(html, "https://t.me/s/daraa24").posts

    assert (post["text"], post["links"], post["reply_to_url"]) == ("نص رابط", [], None)
    assert channel_from_url("http://[::1/s/daraa24") is None


def test_emoji_images_and_double_escaped_links() -> None:
    html = """<div class="tgme_widget_message" data-post="daraa24/11">
      <div class="tgme_widget_message_text js-message_text">حريق <img class="emoji" alt="🔥"
        src="//telegram.org/img/emoji/40/F09F94A5.png"> في <a href="https://daraa24.org/?p=1&amp;amp;x=2"
        onclick="return confirm('Open this link?\\n\\n'+this.href);">الموقع</a></div></div>"""

    [post] = parse_channel_page(html, "https://t.me/s/daraa24").posts

    assert post["text"] == "حريق 🔥 في الموقع"
    # t.me/s escapes '&' twice in links that ask "Open this link?".
    assert post["links"] == ["https://daraa24.org/?p=1&x=2"]


def test_code_blocks_keep_their_lines_and_comments_are_not_text() -> None:
    html = """<div class="tgme_widget_message" data-post="daraa24/12">
      <div class="tgme_widget_message_text js-message_text">بيان<!-- x --> اللجنة
        المركزية:<pre>البند 1
البند 2</pre><div class="message_media_not_supported_wrap">VIEW IN TELEGRAM</div></div></div>"""

    [post] = parse_channel_page(html, "https://t.me/s/daraa24").posts

    assert post["text"] == "بيان اللجنة المركزية:\nالبند 1\nالبند 2"


# -- URLs and counters ------------------------------------------------------------------------


def test_post_url() -> None:
    assert post_url("daraa24", 31850) == "https://t.me/daraa24/31850"
    assert post_url("daraa24", "31857") == "https://t.me/daraa24/31857"


@pytest.mark.parametrize(
    ("url", "channel"),
    [
        ("https://t.me/s/daraa24", "daraa24"),
        ("https://t.me/daraa24", "daraa24"),
        ("https://t.me/s/daraa24/31857", "daraa24"),
        ("https://t.me/daraa24/31857?embed=1", "daraa24"),
        ("https://t.me/s/daraa24?before=31850", "daraa24"),
        ("t.me/s/Suwayda24", "Suwayda24"),
        ("http://127.0.0.1:8080/s/daraa24", "daraa24"),
        ("https://telegram.me/horanfreeleague/", "horanfreeleague"),
        ("https://t.me/", None),
        ("https://t.me/s/", None),
        ("https://t.me/joinchat/AAAAAE", None),
        ("https://t.me/c/1234567/5", None),
        ("https://t.me/+AbCdEf", None),
        ("", None),
    ],
)
def test_channel_from_url(url: str, channel: str | None) -> None:
    assert channel_from_url(url) == channel


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("987", 987),
        ("1.2K", 1200),
        ("226.2K", 226200),
        ("3M", 3000000),
        ("1.15M", 1150000),
        (" 2.4K ", 2400),
        ("", None),
        (None, None),
        ("views", None),
    ],
)
def test_parse_count(text: str | None, count: int | None) -> None:
    assert parse_count(text) == count
