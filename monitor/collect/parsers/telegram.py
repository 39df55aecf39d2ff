"""Telegram's public web preview as raw items: channel pages and single-post embeds.

`https://t.me/s/<channel>` (a page of about 20 posts, oldest first) and
`https://t.me/<channel>/<id>?embed=1` (one post) render every message as the same
`tgme_widget_message` node, so one function reads both. Plain functions over parsel, no Scrapy:
the spider, `monitor sources check` and the tests call the very same code.

The markup is an undocumented widget, so every piece is optional: a message missing a piece
only lacks that field, and no input makes these functions raise.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast
from urllib.parse import parse_qs, urljoin, urlsplit

from lxml import etree
from parsel import Selector, SelectorList

from monitor.contracts.items import ParsedPost
from monitor.normalize.text import html_to_text
from monitor.normalize.urls import is_http_url, telegram_post_url

_USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{3,31}")
_DATA_POST = re.compile(r"(?P<channel>[A-Za-z0-9_]+)/(?P<id>[0-9]+)")
_BACKGROUND = re.compile(r"background-image\s*:\s*url\(\s*['\"]?([^'\")]+)", re.IGNORECASE)
# Line breaks in the HTML source are layout, not text (Telegram writes a text break as <br>).
# Characters XML forbids: lxml parses past them but refuses them in any text we edit.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_COUNT = re.compile(r"([0-9]+(?:\.[0-9]+)?)\s*([KMB]?)", re.IGNORECASE)
_COUNT_SCALE = {"": 1, "K": 1_000, "M": 1_000_000, "B": 1_000_000_000}
# Path segments of t.me that are never a channel name.
_NOT_CHANNELS = frozenset({"s", "c", "joinchat", "addstickers", "share", "proxy", "iv"})


def _has_class(name: str) -> str:
    """An XPath test for one class token (a substring test would also match `..._wrap`)."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def _outside(*names: str) -> str:
    return "not(ancestor::*[" + " or ".join(_has_class(n) for n in names) + "])"


_MESSAGES = f"//*[{_has_class('tgme_widget_message')} and @data-post]"
# The reply quote and the link preview carry their own text and media; they are not the post's.
_QUOTED = ("tgme_widget_message_reply", "tgme_widget_message_link_preview")
# Albums nest a `js-message_text` inside another: only the outermost is the caption.
_TEXT = f".//*[{_has_class('js-message_text')} and {_outside('js-message_text', *_QUOTED)}]"
_MEDIA_KINDS = (
    "tgme_widget_message_photo_wrap",
    "tgme_widget_message_video_player",
    "tgme_widget_message_roundvideo_player",
    "tgme_widget_message_voice_player",
    "tgme_widget_message_document_wrap",
    "tgme_widget_message_sticker_wrap",
)
_MEDIA = (
    ".//*[("
    + " or ".join(_has_class(kind) for kind in _MEDIA_KINDS)
    + f") and {_outside(*_QUOTED)}]"
)
# Fallback boxes ("This media is not supported in your browser", "VIEW IN TELEGRAM",
# "Please open Telegram to view this post") that a browser hides; never text.
_PLACEHOLDERS = (
    ".//*["
    + _has_class("message_media_not_supported_wrap")
    + " or "
    + _has_class("message_media_view_in_telegram")
    + "]"
)


@dataclass
class ChannelPage:
    """What one preview page holds.

    `before` is the cursor for the next older page (`/s/<channel>?before=<id>`): Telegram's own
    `<link rel="prev">` or the `data-before` of its "more" link; on a channel page that has
    neither, the smallest message id on the page when it is above 1, because `before` is
    exclusive (the real capture's prev link is exactly its smallest id) and an extra request
    for a page that turns out empty is cheaper than missing older posts. Embed pages never get
    a guessed cursor.
    """

    channel: str | None
    title: str | None
    posts: list[ParsedPost] = field(default_factory=list)
    before: int | None = None
    removed: bool = False


def parse_channel_page(html: str | bytes, url: str) -> ChannelPage:
    """Read a `t.me/s/<channel>` page or a `?embed=1` post page fetched from `url`.

    Posts come oldest first, as on the page; service messages ("Channel created",
    "... pinned ...", a new channel photo) are not posts and are left out. `removed` is True
    when the page shows neither a channel nor a message, which is what Telegram serves for a
    channel that was deleted, renamed or never existed.
    """
    if isinstance(html, bytes):
        html = html.decode("utf-8", "replace")
    page = Selector(text=_CONTROL.sub("", html))
    nodes = page.xpath(_MESSAGES)
    channel = _page_channel(page, nodes)
    title = _page_title(page, nodes)
    posts = [
        post
        for node in nodes
        if not _is_service(node)
        if (post := _parse_post(node, url, title)) is not None
    ]
    return ChannelPage(
        channel=channel,
        title=title,
        posts=posts,
        before=_before(page, nodes),
        removed=channel is None and not posts,
    )


def post_url(channel: str, post_id: int | str) -> str:
    """The canonical URL of a channel post: `https://t.me/<channel>/<id>`."""
    return f"https://t.me/{channel}/{post_id}"


def channel_from_url(url: str) -> str | None:
    """The channel name in a preview, channel or post URL, on any host.

    `https://t.me/s/daraa24`, `t.me/daraa24`, `https://t.me/s/daraa24/123?before=9` and
    `http://127.0.0.1:8080/s/daraa24` all give "daraa24"; a path with no channel gives None.
    """
    try:
        path = urlsplit(url if "//" in url else f"//{url}").path
    except ValueError:  # not a URL at all, e.g. "http://[x"
        return None
    segments = [segment for segment in path.split("/") if segment]
    if segments[:1] == ["s"]:
        segments = segments[1:]
    if not segments or segments[0].lower() in _NOT_CHANNELS:
        return None
    return segments[0] if _USERNAME.fullmatch(segments[0]) else None


def parse_count(text: str | None) -> int | None:
    """Telegram's rounded counters as ints: "987" → 987, "1.2K" → 1200, "3M" → 3000000."""
    match = _COUNT.fullmatch((text or "").strip())
    if not match:
        return None
    return int(Decimal(match[1]) * _COUNT_SCALE[match[2].upper()])


# -- the page ---------------------------------------------------------------------------------


def _page_channel(page: Selector, nodes: SelectorList[Selector]) -> str | None:
    handle = _text(page.css(".tgme_channel_info_header_username")).lstrip("@")
    if _USERNAME.fullmatch(handle):
        return handle
    for node in nodes:
        match = _DATA_POST.fullmatch(_attr(node, "data-post"))
        if match:
            return match["channel"]
    return None


def _page_title(page: Selector, nodes: SelectorList[Selector]) -> str | None:
    # An embed page has no channel header; its message names the channel.
    candidates = [
        page.css(".tgme_channel_info_header_title"),
        page.css(".tgme_header_title"),
        nodes.css(".tgme_widget_message_owner_name"),
    ]
    return next((title for found in candidates if (title := _text(found))), None)


def _is_service(node: Selector) -> bool:
    return "service_message" in _attr(node, "class").split()


def _before(page: Selector, nodes: SelectorList[Selector]) -> int | None:
    prev_links = page.xpath("//link[@rel='prev']/@href").getall()
    cursors = [_query_value(href, "before") for href in prev_links]
    cursors += page.css(".tme_messages_more::attr(data-before)").getall()
    for cursor in cursors:
        if cursor.isascii() and cursor.isdigit():
            return int(cursor)
    if not page.css(".tgme_channel_history"):
        return None
    ids = [int(m["id"]) for n in nodes if (m := _DATA_POST.fullmatch(_attr(n, "data-post")))]
    smallest = min(ids, default=0)
    return smallest if smallest > 1 else None


def _query_value(href: str, name: str) -> str:
    absolute = _absolute(href, "https://t.me/")
    return parse_qs(urlsplit(absolute).query).get(name, [""])[0] if absolute else ""


# -- one message ------------------------------------------------------------------------------


def _parse_post(node: Selector, page_url: str, page_title: str | None) -> ParsedPost | None:
    match = _DATA_POST.fullmatch(_attr(node, "data-post"))
    if not match:
        return None
    texts = node.xpath(_TEXT)
    caption = "\n\n".join(filter(None, (_text(text) for text in texts)))
    reply = node.css(".tgme_widget_message_reply::attr(href)").get()
    forward = node.css("a.tgme_widget_message_forwarded_from_name::attr(href)").get()
    post: dict[str, Any] = {
        "platform": "telegram",
        "url": post_url(match["channel"], match["id"]),
        "text": "\n\n".join(filter(None, (caption, _poll_text(node)))),
        "title": None,
        "author": _author(node) or page_title,
        "author_handle": match["channel"],
        "published": _published(node),
        "views": parse_count(node.css(".tgme_widget_message_views::text").get()),
        "reply_to_url": _post_link(reply, page_url),
        "forwarded_from_url": _post_link(forward, page_url),
        "links": _links(texts, page_url),
        "link_previews": [_link_preview(preview, page_url) for preview in _previews(node)],
        "media": [item for el in node.xpath(_MEDIA) if (item := _media(el, page_url))],
    }
    return cast(ParsedPost, post)


def _author(node: Selector) -> str:
    signature = _text(node.css(".tgme_widget_message_from_author"))
    return signature or _text(node.css(".tgme_widget_message_owner_name"))


def _published(node: Selector) -> str | None:
    return (
        node.css(".tgme_widget_message_date time::attr(datetime)").get()
        or node.css("time::attr(datetime)").get()
    )


def _poll_text(node: Selector) -> str:
    poll = node.css(".tgme_widget_message_poll")
    lines = [_text(poll.css(".tgme_widget_message_poll_question"))]
    lines += [_text(option) for option in poll.css(".tgme_widget_message_poll_option_text")]
    return "\n".join(filter(None, lines))


def _post_link(href: str | None, page_url: str) -> str | None:
    """A reply or forward target as its canonical post URL; a profile link is not a post."""
    absolute = _absolute(href, page_url)
    return telegram_post_url(absolute) if absolute else None


def _absolute(href: str | None, base: str) -> str | None:
    """`href` resolved against `base`, or None when either is not a URL at all."""
    if not href:
        return None
    try:
        absolute = urljoin(base, href.strip())
        urlsplit(absolute)  # urljoin passes some of them through unchecked
    except ValueError:  # urllib rejects e.g. "http://[x"
        return None
    return absolute


def _links(texts: SelectorList[Selector], page_url: str) -> list[str]:
    found: dict[str, None] = {}
    for anchor in texts.xpath(".//a[@href]"):
        href = _attr(anchor, "href")
        # Hashtags link to an in-channel search written as a bare query ("?q=%23..."): not a link
        # the author made.
        if href.startswith("?"):
            continue
        if _attr(anchor, "onclick"):
            # Since 2024 t.me/s escapes '&' twice in links that ask "Open this link?".
            href = href.replace("&amp;", "&")
        absolute = _absolute(href, page_url)
        if absolute and is_http_url(absolute):
            found.setdefault(absolute, None)
    return list(found)


def _previews(node: Selector) -> SelectorList[Selector]:
    preview = _has_class("tgme_widget_message_link_preview")
    return node.xpath(f".//*[{preview} and {_outside('tgme_widget_message_reply')}]")


def _link_preview(preview: Selector, page_url: str) -> dict[str, str | None]:
    return {
        "url": _absolute(_attr(preview, "href"), page_url),
        "site_name": _text(preview.css(".link_preview_site_name")) or None,
        "title": _text(preview.css(".link_preview_title")) or None,
        "description": _text(preview.css(".link_preview_description")) or None,
    }


# -- media ------------------------------------------------------------------------------------


def _media(el: Selector, page_url: str) -> dict[str, object] | None:
    classes = _attr(el, "class").split()
    kind = next(kind for kind in _MEDIA_KINDS if kind in classes)
    item = _MEDIA_READERS[kind](el, page_url)
    return item if item.get("url") else None


def _photo(el: Selector, page_url: str) -> dict[str, object]:
    return {"type": "photo", "url": _background(el)}


def _video(el: Selector, page_url: str) -> dict[str, object]:
    # A GIF is a looping video without a play button or duration.
    kind = "video" if el.css(".message_video_play") else "gif"
    # "Media is too big" videos have no <video>: the post itself is where to watch them.
    url = el.css("video::attr(src)").get() or _post_link(_attr(el, "href"), page_url)
    return _with_extras(
        {"type": kind, "url": url},
        thumb=_background(el.css(".tgme_widget_message_video_thumb")),
        duration=_duration(el.css(".message_video_duration::text").get()),
    )


def _round_video(el: Selector, page_url: str) -> dict[str, object]:
    return _with_extras(
        {"type": "round_video", "url": el.css("video::attr(src)").get()},
        thumb=_background(el.css(".tgme_widget_message_roundvideo_thumb")),
        duration=_duration(el.css(".tgme_widget_message_roundvideo_duration::text").get()),
    )


def _voice(el: Selector, page_url: str) -> dict[str, object]:
    return _with_extras(
        {"type": "voice", "url": el.css("audio::attr(src)").get()},
        duration=_duration(el.css(".tgme_widget_message_voice_duration::text").get()),
    )


def _document(el: Selector, page_url: str) -> dict[str, object]:
    # The preview serves no file, only the post that carries it.
    url = _post_link(_attr(el, "href"), page_url)
    title = _text(el.css(".tgme_widget_message_document_title"))
    extra = _text(el.css(".tgme_widget_message_document_extra"))
    if el.css(".tgme_widget_message_document_icon.audio"):
        return _with_extras({"type": "audio", "url": url}, title=title, performer=extra)
    return _with_extras({"type": "file", "url": url}, title=title, size=extra)


def _sticker(el: Selector, page_url: str) -> dict[str, object]:
    url = (
        el.css("source[type='application/x-tgsticker']::attr(srcset)").get()
        or el.css("video::attr(src)").get()
        or el.css("[data-webp]::attr(data-webp)").get()
        or _background(el.css(".tgme_widget_message_sticker"))
    )
    return {"type": "sticker", "url": url.split()[0] if url else None}


_MEDIA_READERS = {
    "tgme_widget_message_photo_wrap": _photo,
    "tgme_widget_message_video_player": _video,
    "tgme_widget_message_roundvideo_player": _round_video,
    "tgme_widget_message_voice_player": _voice,
    "tgme_widget_message_document_wrap": _document,
    "tgme_widget_message_sticker_wrap": _sticker,
}


def _with_extras(item: dict[str, object], **extras: object) -> dict[str, object]:
    item.update((key, value) for key, value in extras.items() if value)
    return item


def _attr(found: Selector | SelectorList[Selector], name: str) -> str:
    """An attribute of the (first) element, "" when absent. Read through XPath because parsel's
    `.attrib` copies every attribute and lxml refuses some malformed names it parsed."""
    return found.xpath(f"@{name}").get("")


def _background(el: Selector | SelectorList[Selector]) -> str | None:
    match = _BACKGROUND.search(_attr(el, "style"))
    return match[1].strip() if match else None


def _duration(text: str | None) -> int | None:
    """Seconds in "0:34", "27:40" or "1:02:03"."""
    parts = (text or "").strip().split(":")
    if not all(part.isascii() and part.isdigit() for part in parts):
        return None
    seconds = 0
    for part in parts:
        seconds = seconds * 60 + int(part)
    return seconds


# -- text -------------------------------------------------------------------------------------


def _text(found: Selector | SelectorList[Selector]) -> str:
    """Plain text of the first element found, as a browser shows it: source line breaks are
    spaces, emoji images their alt text, and the hidden placeholders are gone."""
    if isinstance(found, SelectorList):
        if not found:
            return ""
        found = found[0]
    if not isinstance(found.root, etree._Element):
        return ""
    root = copy.deepcopy(found.root)
    for placeholder in root.xpath(_PLACEHOLDERS):
        _replace_with_text(placeholder, "")
    for image in list(root.iter("img")):
        _replace_with_text(image, image.get("alt", ""))
    return html_to_text(root)


def _replace_with_text(el: etree._Element, text: str) -> None:
    parent = el.getparent()
    if parent is None:
        return
    text += el.tail or ""
    previous = el.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + text
    else:
        parent.text = (parent.text or "") + text
    parent.remove(el)
