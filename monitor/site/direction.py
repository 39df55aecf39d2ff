"""Which way a block of text runs, and in which language it is: from the post's `lang`, else
from its first strong character (the rule browsers apply to `dir="auto"`)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

# Languages written right to left (base codes: "ar-SY" counts as "ar").
RTL_LANGUAGES = frozenset(
    {"ar", "arc", "ckb", "dv", "fa", "he", "iw", "ks", "ps", "sd", "syr", "ug", "ur", "yi"}
)


@dataclass(frozen=True)
class Direction:
    dir: str  # "rtl" or "ltr"
    lang: str | None  # None: not known, and no attribute is written


def first_strong(text: str) -> str | None:
    """ "rtl" or "ltr" by the first letter with a strong direction, or None if there is none."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return None


def direction(text: str, lang: str | None = None) -> Direction:
    """The block's `dir` and `lang`. A declared language decides; without one the text does,
    and Arabic script is taken for Arabic (the observatories write Arabic or English)."""
    if lang:
        base = lang.split("-", 1)[0].lower()
        return Direction("rtl" if base in RTL_LANGUAGES else "ltr", lang)
    found = first_strong(text)
    if found == "rtl":
        return Direction("rtl", "ar" if _arabic_script(text) else None)
    return Direction("ltr", None)


def _arabic_script(text: str) -> bool:
    for char in text:
        if unicodedata.bidirectional(char) in ("R", "AL"):
            return "ARABIC" in unicodedata.name(char, "")
    return False
