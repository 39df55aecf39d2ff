"""Follow-up markers: the words with which observatories say a post continues an earlier one
("متابعة للخبر السابق", "تحديث", "تصحيح", "Update:"), kept in `data/followup_markers.tsv`.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from monitor.matching import BANNERS, fold

MARKERS_FILE = Path(__file__).parent / "data" / "followup_markers.tsv"
# How far into a post a "start" marker followed by ":" or "|" may stand.
START_CHARS = 60


@dataclass(frozen=True)
class Marker:
    pattern: str
    where: str
    link_type: str


@dataclass(frozen=True)
class MarkerHit:
    text: str
    link_type: str


@lru_cache(maxsize=4)
def load_markers(path: Path = MARKERS_FILE) -> tuple[Marker, ...]:
    with path.open(encoding="utf-8") as handle:
        rows = csv.DictReader((line for line in handle if not line.startswith("#")), delimiter="\t")
        return tuple(Marker(row["pattern"], row["where"], row["link_type"]) for row in rows)


_BANNER_WORDS = "|".join(re.escape(fold(word)) for word in BANNERS)


@lru_cache(maxsize=4)
def _compiled(markers: tuple[Marker, ...]) -> list[tuple[Marker, re.Pattern[str]]]:
    """Each marker as a pattern on folded, lower-case text. A "start" marker opens the post
    (after banners, emoji and hashtags: "#درعا | عاجل | تحديث") or is followed by a colon or
    bar near the opening ("... تحديث: ..."), never a word met in passing ("تحديث البيانات")."""
    compiled = []
    for marker in markers:
        words = r"[\s_]+".join(re.escape(word) for word in fold(marker.pattern).lower().split())
        if marker.where == "start":
            opening = rf"^(?:[^\w#]|#\w+|(?:{_BANNER_WORDS})(?!\w))*"
            pattern = rf"{opening}{words}(?!\w)|^.{{0,{START_CHARS}}}?(?<!\w){words}\s*[:|\-–—]"
        else:
            pattern = rf"(?<!\w){words}(?!\w)"
        compiled.append((marker, re.compile(pattern, re.S)))
    # Longer patterns first, so "عاجل تحديث" wins over "تحديث" and names the marker.
    return sorted(compiled, key=lambda pair: -len(pair[0].pattern))


def find_marker(text: str, markers: tuple[Marker, ...] | None = None) -> MarkerHit | None:
    """The follow-up marker a post carries, if any (the longest pattern found)."""
    folded = fold(text).lower()
    for marker, pattern in _compiled(markers or load_markers()):
        if pattern.search(folded):
            return MarkerHit(marker.pattern, marker.link_type)
    return None
