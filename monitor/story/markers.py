"""Follow-up markers: the words with which observatories say a post continues an earlier one
("متابعة للخبر السابق", "تحديث", "تصحيح", "Update:"), kept in `data/followup_markers.tsv`.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple, cast

from monitor import PACKAGE_DATA
from monitor.normalize.matching import BANNERS, fold
from monitor.normalize.matching import folded as folded_lower
from monitor.story.config import LinksConfig

MARKERS_FILE = PACKAGE_DATA / "followup_markers.tsv"
_DEFAULTS = LinksConfig()


class Marker(NamedTuple):
    # a tuple: `find_marker` looks its compiled patterns up by the markers, for every post
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


# When a post carries markers of several kinds, the strongest claim names the link.
_PRECEDENCE = {"correction": 0, "update": 1, "follow_up": 2}


@dataclass(frozen=True)
class _Patterns:
    markers: list[Marker]
    opening: re.Pattern[str] | None  # a start marker opening the post
    labelled: re.Pattern[str] | None  # a start marker near the opening, followed by ":" or "|"
    anywhere: re.Pattern[str] | None
    anchors: tuple[str, ...]  # the first word of each "anywhere" marker, to skip most texts


@lru_cache(maxsize=4)
def _compiled(markers: tuple[Marker, ...], start_chars: int) -> _Patterns:
    """Markers as three patterns on folded, lower-case text, each an alternation read once.
    A "start" marker opens the post (after banners, emoji and hashtags: "#درعا | عاجل |
    تحديث") or is followed by a colon or bar near the opening ("... تحديث: ..."), never a
    word met in passing ("تحديث البيانات"). Longer patterns come first in each alternation."""
    ordered = sorted(markers, key=lambda marker: -len(marker.pattern))
    start: list[str] = []
    anywhere: list[str] = []
    for index, marker in enumerate(ordered):
        words = r"[\s_]+".join(re.escape(word) for word in fold(marker.pattern).lower().split())
        (start if marker.where == "start" else anywhere).append(f"(?P<m{index}>{words})")
    return _Patterns(
        markers=ordered,
        opening=_alternation(rf"^(?:[^\w#]|#\w+|(?:{_BANNER_WORDS})(?!\w))*(?:{{}})(?!\w)", start),
        labelled=_alternation(rf"^.{{{{0,{start_chars}}}}}?(?<!\w)(?:{{}})\s*[:|\-–—]", start),
        anywhere=_alternation(r"(?<!\w)(?:{})(?!\w)", anywhere),
        anchors=tuple({fold(m.pattern).lower().split()[0] for m in ordered if m.where != "start"}),
    )


def _alternation(template: str, branches: list[str]) -> re.Pattern[str] | None:
    if not branches:
        return None
    # Group names repeat across the two start patterns, so each is compiled on its own.
    return re.compile(template.format("|".join(branches)), re.S)


def find_marker(
    text: str, markers: tuple[Marker, ...] | None = None, links: LinksConfig = _DEFAULTS
) -> MarkerHit | None:
    """The follow-up marker a post carries, if any: of those found, a correction before an
    update before a follow-up, then the longest. A "start" marker followed by ":" or "|" may
    stand `links.marker_start_chars` into the post; start markers read the first
    `links.marker_window` characters (banners, emoji and hashtags may come first)."""
    folded = folded_lower(text)
    patterns = _compiled(markers or load_markers(), links.marker_start_chars)
    opening = folded[: links.marker_window]
    found = []
    for pattern, where in ((patterns.opening, opening), (patterns.labelled, opening)):
        match = pattern.search(where) if pattern is not None else None
        if match:
            # every branch is a named group: a match has a last group
            found.append(patterns.markers[int(cast(str, match.lastgroup)[1:])])
    if patterns.anywhere is not None and any(anchor in folded for anchor in patterns.anchors):
        for match in patterns.anywhere.finditer(folded):
            found.append(patterns.markers[int(cast(str, match.lastgroup)[1:])])
    if not found:
        return None
    best = min(found, key=lambda m: (_PRECEDENCE.get(m.link_type, 9), -len(m.pattern)))
    return MarkerHit(best.pattern, best.link_type)
