"""Posts embedded in a web page (X/Twitter, Telegram, Facebook), as raw items of their own.

An article that quotes a tweet or a Telegram post carries a second post: `extract_embeds` finds
those embeds under an element, removes them from the tree (so they stay out of the article's
body text) and returns one raw item for each, in page order, each once.

Raw items carry `platform`, `url` (as found; canonicalisation happens later), `text` and
`embedded_in_url`; tweets add `author`, `author_handle`, `published`, `lang`, `links` and
`media`. Telegram and Facebook embeds hold no text in the page: their items have `text = ""`
and an `embed_url` that the spider fetches to get the post itself (None when there is none).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from copy import deepcopy
from typing import Any
from urllib.parse import parse_qs, urlsplit

import lxml.html

from monitor.normalize.text import html_to_text

_STATUS_URL = re.compile(
    r"^https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/"
    r"(?:i/web|i|(?P<handle>[A-Za-z0-9_]{1,15}))/status(?:es)?/(?P<id>\d+)",
    re.IGNORECASE,
)
# The standard embed ends with "&mdash; Name (@handle)" before the status link; some pages
# lose the dash, so a line of its own also counts as the attribution.
_ATTRIBUTION = re.compile(
    r"(?:—|&mdash;|^|\n)\s*(?P<name>[^\n—]*?)\s*\(@(?P<handle>[A-Za-z0-9_]{1,15})\)\s*$"
)
_TELEGRAM_URL = re.compile(
    r"^https?://(?:www\.)?(?:t\.me|telegram\.me)/(?:s/)?(?P<post>(?:c/)?[A-Za-z0-9_]+/\d+)",
    re.IGNORECASE,
)
_TWEET_CLASSES = frozenset({"twitter-tweet", "twitter-tweet-rendered", "twitter-video"})
_FACEBOOK_CLASSES = frozenset({"fb-post", "fb-video"})
_FACEBOOK_PLUGINS = ("facebook.com/plugins/post.php", "facebook.com/plugins/video.php")


def extract_embeds(root: lxml.html.HtmlElement, page_url: str) -> list[dict[str, Any]]:
    """Find the posts embedded under `root`, remove them from the tree, return their raw items."""
    items: dict[tuple[str, str], dict[str, Any]] = {}
    for element, parse in _find(root):
        if not _attached(element, root):
            continue  # inside an embed already taken out
        item = parse(element)
        _remove(element)
        if item is not None:
            item["embedded_in_url"] = page_url
            items.setdefault((item["platform"], item["url"]), item)
    return list(items.values())


def is_embed(element: lxml.html.HtmlElement) -> bool:
    """True when `element` itself is embed markup that `extract_embeds` would take out."""
    return _parser_for(element) is not None


_Parser = Callable[[lxml.html.HtmlElement], "dict[str, Any] | None"]


def _find(root: lxml.html.HtmlElement) -> list[tuple[lxml.html.HtmlElement, _Parser]]:
    # Collected before any removal: changing a tree while iterating it skips elements.
    found = []
    for element in root.iter():
        parse = _parser_for(element)
        if parse is not None:
            found.append((element, parse))
    return found


def _parser_for(element: Any) -> _Parser | None:
    if not isinstance(element.tag, str):
        return None
    classes = set(element.get("class", "").split())
    tag = element.tag.lower()
    if classes & _TWEET_CLASSES or element.get("data-tweet-id"):
        return _tweet
    if _is_wordpress_twitter_wrapper(element, classes):
        return _tweet_url_only
    if element.get("data-telegram-post") or (tag == "blockquote" and "telegram-post" in classes):
        return _telegram
    if tag == "iframe" and _TELEGRAM_URL.match(element.get("src", "").strip()):
        return _telegram
    if classes & _FACEBOOK_CLASSES and element.get("data-href"):
        return _facebook
    if tag == "iframe" and any(p in element.get("src", "") for p in _FACEBOOK_PLUGINS):
        return _facebook
    return None


def _is_wordpress_twitter_wrapper(element: Any, classes: set[str]) -> bool:
    # WordPress leaves the bare status URL in this wrapper when it could not fetch the embed
    # code; with the embed code inside, the tweet element itself is parsed instead.
    if "wp-block-embed-twitter" not in classes and "is-provider-twitter" not in classes:
        return False
    return not any(_parser_for(child) is _tweet for child in element.iterdescendants())


# X / Twitter


def _tweet(element: lxml.html.HtmlElement) -> dict[str, Any] | None:
    status = _status_link(element)
    if status is None:
        return _rendered_tweet(element)
    url = status.get("href", "").strip()
    body = deepcopy(element)
    for copy_of_status in [a for a in body.iter("a") if a.get("href", "").strip() == url]:
        _remove(copy_of_status)
    text = html_to_text(body)
    item = _bare_tweet(url)
    attribution = _ATTRIBUTION.search(text)
    if attribution:
        text = text[: attribution.start()].strip()
        item["author"] = attribution.group("name") or None
        item["author_handle"] = attribution.group("handle")
    anchors = [a for a in body.iter("a") if a.get("href")]
    item.update(
        text=text,
        published=html_to_text(status) or None,
        lang=next((p.get("lang") for p in element.iter("p") if p.get("lang")), None),
        links=[a.get("href").strip() for a in anchors if _is_plain_link(a)],
        media=[{"type": "photo", "url": url} for url in _tweet_photos(anchors)],
    )
    return item


def _status_link(element: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    # The status link is the last one: the text before it may link to other tweets.
    links = [a for a in element.iter("a") if _STATUS_URL.match(a.get("href", "").strip())]
    return links[-1] if links else None


def _rendered_tweet(element: lxml.html.HtmlElement) -> dict[str, Any] | None:
    """A tweet that widgets.js already replaced by an iframe: only its id is left."""
    for node in element.iter():
        tweet_id = node.get("data-tweet-id") or _query_param(node.get("src", ""), "id")
        if tweet_id and tweet_id.isdigit():
            return _bare_tweet(f"https://twitter.com/i/status/{tweet_id}")
    return None


def _tweet_url_only(element: lxml.html.HtmlElement) -> dict[str, Any] | None:
    candidates = [a.get("href", "") for a in element.iter("a")] + html_to_text(element).split()
    for candidate in candidates:
        if _STATUS_URL.match(candidate.strip()):
            return _bare_tweet(candidate.strip())
    return None


def _bare_tweet(url: str) -> dict[str, Any]:
    match = _STATUS_URL.match(url)
    return {
        "platform": "x",
        "url": url,
        "text": "",
        "author": None,
        "author_handle": match.group("handle") if match else None,
        "published": None,
        "lang": None,
        "links": [],
        "media": [],
    }


def _is_plain_link(anchor: lxml.html.HtmlElement) -> bool:
    href = anchor.get("href", "")
    text = html_to_text(anchor)
    return not (text.startswith("#") or "/hashtag/" in href or _photo_url(anchor))


def _tweet_photos(anchors: list[lxml.html.HtmlElement]) -> list[str]:
    return [url for url in map(_photo_url, anchors) if url]


def _photo_url(anchor: lxml.html.HtmlElement) -> str | None:
    """The pic.twitter.com address a tweet shows for its attached photo or video."""
    for value in (html_to_text(anchor), anchor.get("href", "").strip()):
        address = value.removeprefix("https://").removeprefix("http://")
        if address.startswith(("pic.twitter.com/", "pic.x.com/")):
            return "https://" + address
    return None


# Telegram and Facebook


def _telegram(element: lxml.html.HtmlElement) -> dict[str, Any] | None:
    post = element.get("data-telegram-post", "").strip().strip("/")
    if not post:
        sources = [element.get("src", "")] + [a.get("href", "") for a in element.iter("a")]
        matches = (_TELEGRAM_URL.match(source.strip()) for source in sources)
        post = next((m.group("post") for m in matches if m), "")
    if not re.fullmatch(r"(?:c/)?[A-Za-z0-9_]+/\d+", post):
        return None
    url = f"https://t.me/{post}"
    return {"platform": "telegram", "url": url, "text": "", "embed_url": f"{url}?embed=1"}


def _facebook(element: lxml.html.HtmlElement) -> dict[str, Any] | None:
    url = element.get("data-href") or _query_param(element.get("src", ""), "href")
    if not url or not url.strip().startswith(("http://", "https://")):
        return None
    return {"platform": "facebook", "url": url.strip(), "text": "", "embed_url": None}


# Tree helpers


def _query_param(url: str, name: str) -> str | None:
    values = parse_qs(urlsplit(url.strip()).query).get(name)
    return values[0] if values else None


def _attached(element: lxml.html.HtmlElement, root: lxml.html.HtmlElement) -> bool:
    return element is root or any(ancestor is root for ancestor in element.iterancestors())


def _remove(element: lxml.html.HtmlElement) -> None:
    # drop_tree keeps the element's tail: the text that follows an embed is article text.
    if element.getparent() is not None:
        element.drop_tree()
