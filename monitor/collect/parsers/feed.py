"""RSS 0.9x/1.0/2.0 and Atom feeds into raw items, through feedparser.

feedparser only ever sees bytes that Scrapy downloaded (it never fetches), with the HTTP
headers, so it can honour the charset the server declared.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast
from urllib.parse import unquote, urljoin, urlsplit

import feedparser
import lxml.html

from monitor.contracts.items import ParsedPost
from monitor.normalize.dates import from_struct_time, parse_date, to_iso
from monitor.normalize.text import html_to_text
from monitor.normalize.urls import is_http_url, x_status_url

_MEDIA_TYPES = {"image": "photo", "video": "video", "audio": "audio"}


@dataclass
class FeedPage:
    """What a feed document held: its entries as raw items, and what went wrong."""

    title: str | None
    items: list[ParsedPost] = field(default_factory=list)
    skipped: int = 0  # entries with no usable link
    problem: str | None = None  # feedparser's complaint (bozo), if any
    is_feed: bool = True


FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json")


def advertised_feeds(body: bytes, base: str) -> list[str]:
    """The feeds an HTML page names in `<link rel="alternate" type="application/rss+xml">`
    (and Atom, JSON Feed), as absolute URLs in the page's order."""
    try:
        root = lxml.html.fromstring(body)
    except (lxml.etree.ParserError, ValueError):
        return []
    found: list[str] = []
    for link in root.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").lower().strip()
        href = (link.get("href") or "").strip()
        if "alternate" in rel and kind in FEED_TYPES and href:
            absolute = urljoin(base, href)
            if absolute not in found:
                found.append(absolute)
    return found


def parse_feed(
    body: bytes,
    url: str,
    headers: Mapping[str, str] | None = None,
    *,
    platform: str = "web",
    timezone: str = "Asia/Damascus",
) -> FeedPage:
    """Raw items (without `source`) for every entry with a link; never raises on bad input."""
    response_headers = {k.lower(): v for k, v in (headers or {}).items()}
    response_headers.setdefault("content-location", url)
    parsed = feedparser.parse(
        without_entity_declarations(body),
        response_headers=response_headers,
        # We turn every HTML value into plain text ourselves; sanitising it first is waste.
        sanitize_html=False,
        resolve_relative_uris=False,
    )
    feed = parsed.get("feed", {})
    page = FeedPage(title=feed.get("title"))
    if parsed.get("bozo"):
        page.problem = _problem(parsed.get("bozo_exception"))
    page.is_feed = bool(parsed.get("version")) or bool(parsed.get("entries"))
    feed_lang = feed.get("language")
    for entry in parsed.get("entries", []):
        item = _entry_item(entry, url, platform=platform, timezone=timezone, feed=feed)
        if item is None:
            page.skipped += 1
            continue
        # Bridges declare one language for every account they serve, so it says nothing.
        if feed_lang and "lang" not in item and platform != "x":
            item["lang"] = feed_lang.split("-")[0].lower()
        page.items.append(item)
    return page


# An internal DTD subset, and any entity declaration: feeds have no use for them, and
# feedparser's fallback parser expands what they declare (a 35 KB "quadratic blowup" feed
# became a 100 MB post).
_INTERNAL_SUBSET = re.compile(rb"<!DOCTYPE[^>\[]*\[.*?\]\s*>", re.S | re.I)
_ENTITY = re.compile(rb"<!ENTITY[^>]*>", re.I)


def without_entity_declarations(body: bytes) -> bytes:
    head = body[:65536]
    if b"<!ENTITY" not in head.upper() and b"<!DOCTYPE" not in head.upper():
        return body
    return _ENTITY.sub(b"", _INTERNAL_SUBSET.sub(b"", body))


def _entry_item(
    entry: Mapping[str, Any], base: str, *, platform: str, timezone: str, feed: Mapping[str, Any]
) -> ParsedPost | None:
    link = _entry_link(entry, base)
    if link is None:
        return None
    html = _entry_html(entry)
    title = html_to_text(entry.get("title")) or None
    text = html_to_text(html) if html else ""
    item: dict[str, Any] = {
        "platform": platform,
        "url": link,
        "title": title,
        "text": text,
        "author": entry.get("author") or None,
        "published": _published(entry, timezone),
        "links": _html_links(html, base),
        "media": _media(entry, html, base),
    }
    if platform == "x":
        _as_x_post(item, feed)
    return cast(
        ParsedPost,
        {key: value for key, value in item.items() if key == "text" or value not in (None, [], "")},
    )


def _entry_link(entry: Mapping[str, Any], base: str) -> str | None:
    candidates = [entry.get("link")]
    candidates += [
        link.get("href") for link in entry.get("links", []) if link.get("rel") == "alternate"
    ]
    guid = entry.get("id")
    if isinstance(guid, str) and is_http_url(guid):
        candidates.append(guid)
    for candidate in candidates:
        if isinstance(candidate, str) and candidate.strip():
            absolute = urljoin(base, candidate.strip())
            if is_http_url(absolute):
                return absolute
    return None


def _entry_html(entry: Mapping[str, Any]) -> str:
    for content in entry.get("content", []) or []:
        if content.get("value"):
            return cast(str, content["value"])
    return entry.get("summary") or entry.get("description") or ""


def _published(entry: Mapping[str, Any], timezone: str) -> str | None:
    raw: str | None = entry.get("published") or entry.get("updated") or entry.get("created")
    if raw and parse_date(raw, timezone=timezone) is not None:
        return raw
    # feedparser reads some dates we do not (obsolete RFC 822 zones, W3CDTF oddities); its
    # struct is in UTC, which is still a true instant.
    struct = entry.get("published_parsed") or entry.get("updated_parsed")
    if struct:
        try:
            return to_iso(from_struct_time(struct))
        except (ValueError, OverflowError):
            pass
    return raw or None


def _html_links(html: str, base: str) -> list[str]:
    if not html or "<a" not in html:
        return []
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (ValueError, lxml.etree.ParserError):
        return []
    links = (urljoin(base, href.strip()) for href in root.xpath(".//a/@href"))
    return list(dict.fromkeys(link for link in links if is_http_url(link)))


def _media(entry: Mapping[str, Any], html: str, base: str) -> list[dict[str, Any]]:
    media: dict[str, dict[str, Any]] = {}
    for enclosure in [*entry.get("media_content", []), *entry.get("enclosures", [])]:
        url = enclosure.get("url") or enclosure.get("href")
        kind = _MEDIA_TYPES.get(
            str(enclosure.get("type") or enclosure.get("medium") or "").split("/")[0]
        )
        if url and kind and is_http_url(urljoin(base, url)):
            media.setdefault(urljoin(base, url), {"type": kind, "url": urljoin(base, url)})
    if html and ("<img" in html or "<video" in html):
        try:
            root = lxml.html.fragment_fromstring(html, create_parent="div")
        except (ValueError, lxml.etree.ParserError):
            root = None
        if root is not None:
            for tag, kind in (("img", "photo"), ("video", "video"), ("source", "video")):
                for src in root.xpath(f".//{tag}/@src"):
                    url = urljoin(base, src.strip())
                    if is_http_url(url):
                        media.setdefault(url, {"type": kind, "url": url})
    return list(media.values())


def _as_x_post(item: dict[str, Any], feed: Mapping[str, Any]) -> None:
    """A status read through an RSS bridge (Nitter, RSSHub): x.com URL, the account handle,
    the tweet text (a bridge's item title is the text again, sometimes cut short), and no
    links back into the bridge (its hashtag searches and profile links)."""
    bridge_host = urlsplit(item["url"]).hostname
    status = x_status_url(item["url"])
    if status:
        item["url"] = status
        item["author_handle"] = status.split("/")[3]
    feed_name, _, feed_handle = str(feed.get("title") or "").partition(" / @")
    creator = str(item.get("author") or "")
    if feed_handle and item.get("author_handle", "").lower() == feed_handle.strip().lower():
        item["author"] = feed_name.strip()
    else:
        # A retweet: the status belongs to someone else; the bridge names them only by handle.
        item["author"] = None if creator.startswith("@") else creator or None
    if not item["text"] and item.get("title"):
        item["text"] = item["title"]
    item["title"] = None
    item["links"] = [
        link for link in item.get("links", []) if urlsplit(link).hostname != bridge_host
    ]
    for media in item.get("media", []):
        media["url"] = _bridge_media_url(media["url"], bridge_host)


def _bridge_media_url(url: str, bridge_host: str | None) -> str:
    """Nitter serves X's images at /pic/<quoted pbs.twimg.com path>; point at X's own copy."""
    parts = urlsplit(url)
    if parts.hostname != bridge_host or not parts.path.startswith("/pic/"):
        return url
    path = unquote(parts.path.removeprefix("/pic/")).removeprefix("orig/")
    if path.startswith(
        ("media/", "ext_tw_video_thumb/", "amplify_video_thumb/", "tweet_video_thumb/")
    ):
        return f"https://pbs.twimg.com/{path}"
    return url


def _problem(exc: Any) -> str:
    if exc is None:
        return "malformed feed"
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}"[:240]
