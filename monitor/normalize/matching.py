"""Matching text: what the story engine compares, never what it stores.

Two copies of one report differ in ways a reader ignores: diacritics and tatweel, the alef and
hamza forms, ة/ه and ى/ي, Arabic-Indic or Western digits, an "عاجل |" banner, a "(درعا 24)"
credit, emoji, links and handles. `matching_text` removes all of that, so that what is left
is the report itself.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Banners that open a post, not part of the report ("عاجل |", "خاص:", "🔴 عاجل").
BANNERS = ("عاجل", "خاص", "هام", "مباشر", "breaking", "urgent", "exclusive")
# Outlets whose names appear in credit lines ("(درعا 24)", "المصدر: السويداء 24").
OUTLETS = (
    "درعا 24",
    "24 درعا",
    "daraa 24",
    "daraa24",
    "تجمع احرار حوران",
    "احرار حوران",
    "horan free league",
    "السويداء 24",
    "suwayda 24",
    "suwayda24",
    "عنب بلدي",
    "enab baladi",
    "المرصد السوري",
    "sohr",
    "تلفزيون سوريا",
    "syria tv",
    "نبا",
    "nabaa",
    "الراصد",
    "شبكه شام",
    "شام",
    "سانا",
    "sana",
    "الحدث",
    "الجزيره",
    "العربيه",
)

_DIACRITICS = re.compile(r"[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
# (letter, its folded form): no folded form is itself folded, so the order does not matter.
_FOLD = (
    *((letter, "ا") for letter in "أإآٱٲٳ"),
    *((letter, "ي") for letter in "ىئی"),
    ("ة", "ه"),
    ("ۀ", "ه"),
    ("ؤ", "و"),
    ("ک", "ك"),
    *((chr(0x0660 + d), str(d)) for d in range(10)),
    *((chr(0x06F0 + d), str(d)) for d in range(10)),
    ("٫", "."),
    ("٬", ","),
    ("،", " "),
    ("؛", " "),
    ("؟", " "),
)
# A word cut short where a post was truncated ("طلاب جامع… pic.twitter.com/..."): not a word.
_CUT_WORD = re.compile(r"\w+(?:…|\.\.\.)")
_URL = re.compile(r"(?:https?://|www\.)\S+|pic\.twitter\.com/\S+|\S+\.(?:com|net|org)/\S*", re.I)
_MENTION = re.compile(r"@\w+")
_HASHTAG = re.compile(r"#(\w+)")
# Anything that is not a letter, a digit or a space: punctuation, emoji, symbols.
_NOT_WORD = re.compile(r"[^\w\s]|_")


def _outlet_pattern() -> re.Pattern[str]:
    names = "|".join(re.escape(name) for name in sorted(OUTLETS, key=len, reverse=True))
    # "(درعا 24)", "المصدر: مراسل درعا 24 ...", "— Daraa 24" at the end of a post
    return re.compile(
        rf"\((?:[^()]{{0,25}}\b)?(?:{names})(?:\b[^()]{{0,25}})?\)"
        rf"|(?:المصدر|المصادر|source|via|credit)\s*[:：]?[^\n]{{0,60}}?(?:{names})[^\n]*"
        rf"|\s[-—–]+\s*(?:{names})[^\n]*",
        re.I,
    )


_CREDIT = _outlet_pattern()
# A credit closing a post, whoever it names ("... المصدر: مراسلنا في درعا", "Source: AFP"): a
# few words after "source:" at the very end are an attribution, not the report. (Without the
# colon, "وقال المصدر إن ..." is the report.)
_TAIL_CREDIT = re.compile(
    r"(?:^|\s)(?:المصدر|المصادر|مصدر الخبر|source|via)\s*[:：|]\s*(?:\S+\s*){1,5}$", re.I
)
_CREDIT_MARKS = ("(", "مصدر", "مصادر", "source", "via", "credit", " -", " —", " –")
_BANNER = re.compile(rf"^\s*(?:(?:{'|'.join(BANNERS)})\s*[|:：\-–—]+\s*)+", re.I)


def fold(text: str) -> str:
    """Letters only folded: diacritics and tatweel gone, alef/hamza, ى, ة and digits unified;
    Arabic presentation forms (ﺍﻟﻘﺎﻫﺮﺓ, which some sites still publish) as plain letters."""
    if not text.isascii():
        # NFKC: presentation forms and ligatures (ﻻ, ﷲ) become letters, a hamza written as a
        # combining mark joins its letter
        text = unicodedata.normalize("NFKC", text)
    text = _DIACRITICS.sub("", text)
    # A chain of `in` and `replace` runs at C speed; `str.translate` with a table looks up
    # every character in a dict and cost half of all the matching work.
    for letter, folded in _FOLD:
        if letter in text:
            text = text.replace(letter, folded)
    return text


@lru_cache(maxsize=4096)
def folded(text: str) -> str:
    """`fold(text).lower()`, kept for the next caller: the matching text and the follow-up
    markers of a post both start from it."""
    return fold(text).lower()


@lru_cache(maxsize=4096)
def matching_text(text: str) -> str:
    """The text as the engine compares it (see the module docstring)."""
    text = folded(text)
    if "/" in text or "www." in text:
        text = _URL.sub(" ", text)
    if "@" in text:
        text = _MENTION.sub(" ", text)
    # Credits stand in brackets, after "المصدر"/"source", or after a dash: skip the costly
    # pattern for a text that has none of these.
    if any(mark in text for mark in _CREDIT_MARKS):
        text = _TAIL_CREDIT.sub(" ", _CREDIT.sub(" ", text))
    if "#" in text:
        text = _HASHTAG.sub(lambda m: m.group(1).replace("_", " "), text)
    if "…" in text or "..." in text:
        text = _CUT_WORD.sub(" ", text)
    text = _BANNER.sub("", _strip_leading_symbols(text))
    return " ".join(_NOT_WORD.sub(" ", text).split())


def opening(text: str, limit: int) -> str:
    """The first `limit` characters of a text, cut at a space: a word cut in half would be a
    word that is not in the text. The engine compares this much of a post, and normalising
    finds places in the same opening (one matching text, worked out once: a cache hit)."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    return cut[:space] if space > limit // 2 else cut


def _strip_leading_symbols(text: str) -> str:
    # "🔴 عاجل | ..." : emoji before a banner would hide the banner from the pattern.
    return re.sub(r"^[^\w]+", "", text)
