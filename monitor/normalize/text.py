"""Plain text out of HTML, and the entities a post's text carries (hashtags, mentions, links).

Stored text stays as published: these helpers only remove markup and normalise whitespace.
Matching text for the story engine (diacritics, alef forms, ...) lives elsewhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html import unescape

import lxml.html
from lxml import etree

# Elements whose content is never post text.
DROP_TAGS = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "iframe",
        "object",
        "embed",
        "svg",
        "canvas",
        "form",
        "button",
        "select",
        "input",
        "textarea",
        "head",
        "title",
        "meta",
        "link",
    }
)
BLOCK_TAGS = frozenset(
    {
        "p",
        "div",
        "li",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "section",
        "article",
        "aside",
        "header",
        "footer",
        "nav",
        "main",
        "pre",
        "figure",
        "figcaption",
        "table",
        "tr",
        "hr",
        "address",
        "details",
        "summary",
        "body",
    }
)
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_BLANK_RUN = re.compile(r"\n{3,}")
# Byte-order marks and zero-width spaces left inside text by CMSs: invisible, and they split words.
_INVISIBLE = re.compile(r"[\ufeff\u200b]")

# A hashtag is a run of letters, digits, marks (Arabic diacritics, tatweel) and underscores.
# The sign comes first and what stands before it is checked after (not part of a word, an
# entity "&#..." or a URL): a pattern that opens with the sign is searched for at C speed.
_HASHTAG = re.compile(r"[#＃](?<![\w&/][#＃])([\w\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]+)")
_MENTION = re.compile(r"@(?<![\w@/.]@)([A-Za-z0-9_]{2,32})\b")
_URL = re.compile(r"\bhttps?://[^\s<>\"'«»\u200f\u200e]+", re.IGNORECASE)
_URL_TRAILING = ".,;:!?)]}؟،؛…'\""


def html_to_text(html: str | bytes | etree._Element | None) -> str:
    """Return the visible text of an HTML fragment: blocks and `<br>` become line breaks."""
    if html is None:
        return ""
    if isinstance(html, etree._Element):
        root = html
    else:
        if isinstance(html, bytes):
            html = html.decode("utf-8", "replace")
        if not html.strip():
            return ""
        if "<" not in html:
            return normalize_whitespace(unescape(html))
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    parts: list[str] = []
    _walk(root, parts)
    return normalize_whitespace("".join(parts))


def _walk(node: etree._Element, parts: list[str]) -> None:
    tag = node.tag if isinstance(node.tag, str) else ""
    tag = tag.rsplit("}", 1)[-1].lower()
    if tag in DROP_TAGS or not tag:
        # Comments and processing instructions have no str tag; their tail is still text.
        return
    if tag == "br":
        parts.append("\n")
        return
    if tag == "pre":
        parts.append("\n" + node.text_content() + "\n")
        return
    block = tag in BLOCK_TAGS
    if block:
        parts.append("\n")
    if node.text:
        parts.append(_flow(node.text))
    for child in node:
        _walk(child, parts)
        if child.tail:
            parts.append(_flow(child.tail))
    if block:
        parts.append("\n")


def _flow(text: str) -> str:
    # Line breaks in HTML source are spaces, as a browser shows them; only <br> and blocks
    # (and <pre>) break lines. Pretty-printed pages would otherwise split sentences.
    return text.replace("\r", " ").replace("\n", " ")


def normalize_whitespace(text: str) -> str:
    """Collapse spaces inside lines, trim each line, and keep at most one blank line."""
    text = _INVISIBLE.sub("", text).replace("\r\n", "\n")
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return _BLANK_RUN.sub("\n\n", "\n".join(lines)).strip()


def extract_hashtags(text: str) -> list[str]:
    """Hashtags without '#', in order of first appearance, each once."""
    if not text or ("#" not in text and "＃" not in text):
        return []
    return _unique([tag.rstrip("_") or tag for tag in _HASHTAG.findall(text)])


def extract_mentions(text: str) -> list[str]:
    """@handles without '@' (Latin handles, as on X and Telegram), each once."""
    if not text or "@" not in text:
        return []
    return _unique(_MENTION.findall(text))


def extract_urls(text: str) -> list[str]:
    """http(s) URLs written in the text, trailing punctuation removed, each once."""
    if not text or "://" not in text:
        return []
    return _unique([url.rstrip(_URL_TRAILING) for url in _URL.findall(text)])


def _unique(values: Iterable[str]) -> list[str]:
    return [value for value in dict.fromkeys(values) if value]
