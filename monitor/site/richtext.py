"""A post's text as HTML: escaped, line breaks kept (by CSS), links clickable, and the
left-to-right runs inside Arabic (URLs, handles, numbers with separators) isolated in `<bdi>`
so that the bidirectional algorithm does not reorder their parts."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

# (with a scheme, or the scheme-less forms posts carry: "www.", "pic.twitter.com/...")
_URL = re.compile(r"(?:https?://|www\.|pic\.twitter\.com/)[^\s<>\"'«»\u200e\u200f]+", re.IGNORECASE)
# Closing punctuation belongs to the sentence, not to the URL before it.
_URL_TRAILING = ".,;:!?)]}؟،؛…'\""
_HANDLE = re.compile(r"(?<![\w@/.])@[A-Za-z0-9_]{2,32}\b")
# Latin digits with separators inside ("10:30", "2023/12/19", "1.5", "13,000"); a plain
# number reads right whichever way the text runs.
_NUMBER = re.compile(r"(?<![0-9A-Za-z])[0-9]+(?:[.,:/\-][0-9]+)+(?![0-9A-Za-z])")
_TOKENS = re.compile(f"{_URL.pattern}|{_HANDLE.pattern}|{_NUMBER.pattern}", re.IGNORECASE)


def rich_text(text: str) -> Markup:
    """The text as safe HTML; everything outside a token is escaped as it is."""
    parts: list[str] = []
    position = 0
    for match in _TOKENS.finditer(text):
        token = match.group(0)
        end = match.end()
        if token[:1] not in "@0123456789":
            stripped = token.rstrip(_URL_TRAILING)
            end -= len(token) - len(stripped)
            token = stripped
        parts.append(escape(text[position : match.start()]))
        parts.append(_token(token))
        position = end
    parts.append(escape(text[position:]))
    return Markup("").join(parts)


def _token(token: str) -> Markup:
    if token.startswith("@") or token[:1].isdigit():
        return Markup('<bdi dir="ltr">{}</bdi>').format(token)
    href = token if re.match(r"https?://", token, re.IGNORECASE) else f"https://{token}"
    return Markup('<bdi dir="ltr"><a href="{}" rel="noopener noreferrer">{}</a></bdi>').format(
        href, token
    )


def safe_url(url: str | None) -> str | None:
    """The URL if a link may point at it (http or https), else None: a record's URL comes from
    pages written by others, and `javascript:` must not become a link."""
    if url and re.match(r"https?://", url, re.IGNORECASE):
        return url
    return None
