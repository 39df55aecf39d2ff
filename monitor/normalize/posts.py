"""Raw items (what spiders yield and `replay` reads) into post records."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from monitor import SCHEMA_VERSION
from monitor.collect.sources import DEFAULT_TIMEZONE, PLATFORMS
from monitor.contracts.items import POST_FIELDS, RAW_REQUIRED, PostRecord, RawItem
from monitor.normalize.dates import is_date_only, parse_date, to_iso, x_status_time
from monitor.normalize.matching import matching_text, opening
from monitor.normalize.places import Gazetteer, load_gazetteer
from monitor.normalize.text import extract_hashtags, extract_mentions, extract_urls, html_to_text
from monitor.normalize.urls import canonical_url, is_http_url, post_id, x_status_id
from monitor.story.config import TextConfig

_MARKUP = re.compile(r"<(?:[a-zA-Z][a-zA-Z0-9-]*[\s/>]|/[a-zA-Z]|!--)")
_LATIN_LETTER = re.compile(r"[A-Za-z]")
# Letters are counted in runs (Arabic: the words' letters), or by what is left when everything
# else is removed (Latin, after a search says there is any): finding each letter would make a
# list of them.
_ARABIC_LETTERS = re.compile(r"[\u0621-\u064a\u0671-\u06d3\u06fa-\u06ff]+")
_NOT_LATIN_LETTERS = re.compile(r"[^A-Za-z]+")
_NOT_PROSE = re.compile(r"https?://\S+|[@#]\w+")


# What each raw field may hold (None aside): a line from someone else's JSONL can hold anything.
_RAW_TYPES: tuple[tuple[str, type | tuple[type, ...], str], ...] = (
    *((key, str, "a string") for key in ("source", "platform", "url")),
    ("text", (str, int, float), "a string"),
    ("title", (str, int, float), "a string"),
    *(
        (key, str, "a string")
        for key in (
            "author",
            "author_handle",
            "collected_at",
            "reply_to_url",
            "forwarded_from_url",
            "embedded_in_url",
            "lang",
            "timezone",
        )
    ),
    ("published", (str, int, float), "a date"),
    *((key, list, "a list") for key in ("links", "media", "link_previews")),
    ("views", int, "a number"),
)

# No news post is this long; a longer one is a broken page or an attack, cut to size.
MAX_TEXT_CHARS = 100_000


class InvalidItem(ValueError):
    """A raw item that cannot become a post (missing url, not http(s), ...)."""


OPENING_CHARS = TextConfig().opening_chars


def normalize(
    raw: RawItem,
    *,
    now: datetime | None = None,
    gazetteer: Gazetteer | None = None,
    opening_chars: int = OPENING_CHARS,
) -> PostRecord:
    """The post record for a raw item; InvalidItem with a one-line reason when it has none."""
    missing = [key for key in RAW_REQUIRED if raw.get(key) is None]
    if missing:
        raise InvalidItem(f"missing {', '.join(missing)}")
    for key, kinds, name in _RAW_TYPES:
        value = raw.get(key)
        if value is not None and not isinstance(value, kinds):
            raise InvalidItem(f"{key} is {type(value).__name__}, not {name}")
    if not is_http_url(raw["url"]):
        raise InvalidItem(f"not an http(s) URL: {str(raw['url'])[:120]}")
    platform = raw["platform"]
    if platform not in PLATFORMS:
        raise InvalidItem(f"unknown platform {platform!r}")
    try:
        url = canonical_url(raw["url"])
    except ValueError as exc:
        raise InvalidItem(f"not a valid URL ({exc}): {str(raw['url'])[:120]}") from None
    collected_at = raw.get("collected_at") or to_iso((now or datetime.now(UTC)).astimezone(UTC))
    try:
        collected = datetime.fromisoformat(str(collected_at))
    except ValueError:
        problem = f"collected_at is not an ISO 8601 time: {str(collected_at)[:60]}"
        raise InvalidItem(problem) from None
    timezone = raw.get("timezone") or DEFAULT_TIMEZONE
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidItem(f"unknown timezone {timezone[:60]!r}") from None
    text = plain_text(raw["text"])
    title = plain_text(raw.get("title")) or None
    record: dict[str, Any] = dict.fromkeys(POST_FIELDS)
    record.update(
        schema_version=SCHEMA_VERSION,
        id=post_id(url),
        url=url,
        source=str(raw["source"]),
        platform=platform,
        author=plain_text(raw.get("author")) or None,
        author_handle=(raw.get("author_handle") or "").lstrip("@") or None,
        title=title,
        text=text,
        lang=_language(text or title or "", raw.get("lang")),
        published_raw=_as_text(raw.get("published")),
        collected_at=collected_at,
        hashtags=extract_hashtags(text),
        mentions=extract_mentions(text),
        links=_links(raw.get("links"), text, url),
        media=list(raw.get("media") or []),
        views=raw.get("views"),
        link_previews=list(raw.get("link_previews") or []),
        places=_places(gazetteer or load_gazetteer(), title, text, opening_chars),
        reply_to=_canonical_or_none(raw.get("reply_to_url")),
        embedded_in=_canonical_or_none(raw.get("embedded_in_url")),
        forwarded_from=_canonical_or_none(raw.get("forwarded_from_url")),
        revision=None,
    )
    record["published_at"] = published_at(
        record["published_raw"],
        url=url,
        timezone=timezone,
        now=collected if collected.tzinfo else collected.replace(tzinfo=UTC),
    )
    return cast(PostRecord, record)


def plain_text(value: Any) -> str:
    """Text as published, without markup: HTML in a raw item is turned into plain text."""
    if value is None:
        return ""
    text = str(value)[:MAX_TEXT_CHARS]
    if _MARKUP.search(text):
        # Tags in a text that came as plain text (a literal "<b>", a quoted script): its line
        # breaks are real, not source formatting that HTML would fold into spaces.
        return html_to_text(text.replace("\n", "<br>\n"))
    return text.strip()


def published_at(raw: str | None, *, url: str, timezone: str, now: datetime) -> str | None:
    """ISO 8601 with offset, or None. An X status id carries its creation time to the
    millisecond, which beats a date-only embed ("December 19, 2023") or a missing date."""
    parsed = parse_date(raw, timezone=timezone, now=now) if raw else None
    status_id = x_status_id(url) if url.startswith("https://x.com/") else None
    # (a date with a time of day other than midnight is not a date alone: no second parse)
    date_only = parsed is not None and not parsed.hour + parsed.minute + parsed.second
    if status_id is not None and (parsed is None or (date_only and is_date_only(raw or ""))):
        try:
            return to_iso(x_status_time(status_id).astimezone(ZoneInfo(timezone)))
        except ValueError:
            pass  # an id from before X's snowflake ids (2010) carries no time
    return to_iso(parsed) if parsed else None


def _places(gazetteer: Gazetteer, title: str | None, text: str, opening_chars: int) -> list[str]:
    # The opening's matching form is the one the engine compares too (a cache hit there).
    lead = opening(text, opening_chars)
    found = gazetteer.find(matching_text(lead)) if text else []
    if title:
        found += [p for p in gazetteer.find(matching_text(title)) if p not in found]
    head = f"{title or ''}\n{lead}"
    if _LATIN_LETTER.search(head):
        found += [p for p in gazetteer.find_transliterated(head) if p not in found]
    return found


def detect_lang(text: str) -> str | None:
    """'ar' or 'en' by the letters of the text proper (URLs, @handles and hashtags aside);
    None for text without letters. Arabic posts name sources and accounts in Latin letters
    ("عاجل | Daraa 24"), so Arabic wins unless Latin letters outnumber it twice over."""
    arabic, latin = _letter_counts(text)
    if not arabic and not latin:
        return None
    return "ar" if arabic * 2 >= latin else "en"


def _letter_counts(text: str) -> tuple[int, int]:
    if "http" in text or "@" in text or "#" in text:
        text = _NOT_PROSE.sub(" ", text)
    arabic = sum(map(len, _ARABIC_LETTERS.findall(text)))
    return arabic, len(_NOT_LATIN_LETTERS.sub("", text)) if _LATIN_LETTER.search(text) else 0


def _language(text: str, declared: Any) -> str | None:
    """The script of a text long enough to tell beats what a page or source declares: Arabic
    sites post English reports under `<html lang="ar">` and an `ar` source default."""
    text = text[:300]  # the opening tells the language as well as the whole article
    arabic, latin = _letter_counts(text)
    if arabic + latin >= 12:
        return "ar" if arabic * 2 >= latin else "en"
    if isinstance(declared, str) and declared.strip():
        return declared.strip().replace("_", "-").split("-")[0].lower()
    return detect_lang(text)


def _links(raw_links: Any, text: str, own_url: str) -> list[str]:
    links: dict[str, None] = {}
    for link in [*(raw_links or []), *extract_urls(text)]:
        if isinstance(link, str) and is_http_url(link) and link != own_url:
            links.setdefault(link.strip(), None)
    return list(links)


def _canonical_or_none(url: Any) -> str | None:
    if not is_http_url(url):
        return None
    try:
        return canonical_url(url)
    except ValueError:
        return None  # a reply or forward link that is not a URL is no link


def _as_text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return str(value).strip() or None
