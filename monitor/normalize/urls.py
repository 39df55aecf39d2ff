"""One canonical URL per post, and the post id derived from it.

The same post reached by two routes (a Telegram `/s/` link and a plain one, a tweet on
twitter.com, on x.com and through a Nitter bridge, a feed link with `utm_*` tags) must end up
as one record, so every URL a spider finds goes through `canonical_url` before it becomes an id.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import SplitResult, urlsplit, urlunsplit

from w3lib.url import canonicalize_url, safe_url_string, url_query_cleaner

# Query parameters that only say where a click came from.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "yclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "ref_src",
        "ref_url",
        "s",
        "t",
        "amp",
        "_ga",
        "mbid",
        "cmpid",
        "ocid",
        "spm",
        "share",
        "at_medium",
        "at_campaign",
        "wt_mc",
        "oly_enc_id",
        "oly_anon_id",
        "vero_id",
        "__twitter_impression",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "itm_")
# `s` and `t` are tracking only on X links (`?s=20&t=...`); on a news site `?s=` is a search.
X_ONLY_PARAMS = frozenset({"s", "t"})

X_HOSTS = frozenset(
    {
        "x.com",
        "www.x.com",
        "mobile.x.com",
        "twitter.com",
        "www.twitter.com",
        "mobile.twitter.com",
        "m.twitter.com",
        "fxtwitter.com",
        "vxtwitter.com",
        "fixupx.com",
        "fixvx.com",
        "nitter.net",
        "nitter.poast.org",
        "nitter.privacydev.net",
        "xcancel.com",
        "twiiit.com",
    }
)
TELEGRAM_HOSTS = frozenset({"t.me", "www.t.me", "telegram.me", "www.telegram.me", "telegram.dog"})

_X_STATUS = re.compile(r"^/(?P<handle>[A-Za-z0-9_]{1,15})/status(?:es)?/(?P<id>\d{1,20})(?:/|$)")
_X_I_STATUS = re.compile(r"^/i/(?:web/)?status/(?P<id>\d{1,20})(?:/|$)")
_TG_POST = re.compile(r"^/(?:s/)?(?P<channel>[A-Za-z][A-Za-z0-9_]{3,31})/(?P<id>\d+)/?$")


# A plain ASCII link (host, a path of letters, digits, "_" and "/"), as Telegram posts and
# X statuses are written: its host and path need no quoting or cleaning to be read.
_PLAIN_LINK = re.compile(r"https?://([A-Za-z0-9.-]+)(/[A-Za-z0-9_/]*)(?:[?#][!-~]*)?", re.ASCII)


def canonical_url(url: str) -> str:
    """The one URL under which a post is known (see the module docstring)."""
    url = url.strip()
    plain = _PLAIN_LINK.fullmatch(url)
    if plain:
        post = _social_post_url(plain[1].lower(), plain[2])
        if post:
            return post
    parts = urlsplit(safe_url_string(url))
    host = (parts.hostname or "").lower()
    return _social_post_url(host, parts.path) or _canonical_web_url(parts, x_host=host in X_HOSTS)


def _social_post_url(host: str, path: str) -> str | None:
    """The canonical URL of a Telegram post or X status from a link's host and path."""
    if host in TELEGRAM_HOSTS:
        return _telegram_post_path(path)
    if host in X_HOSTS or host.startswith("nitter."):
        return _x_status_path(path)
    return None


def x_status_url(url: str) -> str | None:
    """`https://x.com/<handle>/status/<id>` for a status link on any host (X, a Nitter or
    RSSHub bridge, an embed), or None when the path is not a status."""
    return _x_status_path(urlsplit(url).path)


def _x_status_path(path: str) -> str | None:
    match = _X_STATUS.match(path)
    if match:
        return f"https://x.com/{match['handle']}/status/{match['id']}"
    match = _X_I_STATUS.match(path)
    return f"https://x.com/i/status/{match['id']}" if match else None


def x_status_id(url: str) -> int | None:
    """The numeric status id of an X status URL, on any host."""
    return _x_status_number(urlsplit(url).path)


def _x_status_number(path: str) -> int | None:
    match = _X_STATUS.match(path) or _X_I_STATUS.match(path)
    return int(match["id"]) if match else None


def telegram_post_url(url: str) -> str | None:
    """`https://t.me/<channel>/<id>` for a Telegram post link, with or without `/s/`."""
    return _telegram_post_path(urlsplit(url).path)


def _telegram_post_path(path: str) -> str | None:
    match = _TG_POST.match(path)
    return f"https://t.me/{match['channel']}/{match['id']}" if match else None


def _canonical_web_url(parts: SplitResult, *, x_host: bool) -> str:
    url = urlunsplit(parts._replace(fragment=""))
    names = [p.split("=", 1)[0] for p in parts.query.split("&") if p]
    drop = [n for n in names if _is_tracking(n.lower(), x_host=x_host)]
    if drop:
        url = url_query_cleaner(url, drop, remove=True, keep_fragments=False)
    return canonicalize_url(url)


def _is_tracking(name: str, *, x_host: bool) -> bool:
    if name in X_ONLY_PARAMS:
        return x_host
    return name in TRACKING_PARAMS or name.startswith(TRACKING_PREFIXES)


def identity_key(canonical: str) -> str:
    """What makes two canonical URLs the same post: scheme, `www.` and a trailing slash do
    not; an X status is its number whatever the handle; Telegram channel names ignore case."""
    if canonical.startswith("https://t.me/") and "?" not in canonical and "#" not in canonical:
        return "tg:" + canonical[12:].lower()  # the common case, without splitting the URL
    parts = urlsplit(canonical)
    x_id = _x_status_number(parts.path) if parts.hostname == "x.com" else None
    if x_id is not None:
        return f"x:{x_id}"
    host = (parts.hostname or "").lower().removeprefix("www.")
    if host == "t.me":
        return f"tg:{parts.path.lower()}"
    port = f":{parts.port}" if parts.port else ""
    path = parts.path.rstrip("/") or "/"
    query = f"?{parts.query}" if parts.query else ""
    return f"web:{host}{port}{path}{query}"


def post_id(canonical: str) -> str:
    """A stable 16-hex-digit id for the post at this canonical URL."""
    return hashlib.blake2b(identity_key(canonical).encode(), digest_size=8).hexdigest()


def is_http_url(url: str | None) -> bool:
    """Only http(s) URLs are ever followed (never file:, ftp:, data: or javascript:)."""
    if not url or not isinstance(url, str):
        return False
    url = url.strip()
    if url[:6].lower().startswith(("http:", "https:")) and "[" not in url:
        return True  # what urlsplit would say, without splitting (an IPv6 host needs it)
    try:
        return urlsplit(url).scheme.lower() in ("http", "https")
    except ValueError:
        return False  # "http://[x": not a URL at all
