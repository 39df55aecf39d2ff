"""Places a post names, from a gazetteer of Syrian places in Arabic and Latin spellings.

`data/places.tsv` ships with the project (see data/PLACES.md); an operator adds places with an
extra file in the same format (`MONITOR_PLACES` or `places.tsv` in the data dir).
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress
from pathlib import Path

from monitor import PACKAGE_DATA
from monitor.normalize.matching import fold

DATA = PACKAGE_DATA
SPECIFIC_TYPES = frozenset({"city", "town", "village", "neighbourhood", "landmark", "camp"})
WITHIN = "~"
# Types whose parent is the town they lie in (a town's parent is its district's seat).
INSIDE_TOWN_TYPES = frozenset({"neighbourhood", "landmark", "camp"})
# Words that say the next word is a place, which an ambiguous name needs before it counts.
PLACE_WORDS = frozenset(
    fold(word)
    for word in """مدينة بمدينة لمدينة ومدينة بلدة ببلدة لبلدة وبلدة قرية بقرية لقرية وقرية بلدات
    قرى مخيم بمخيم حي بحي ساحة بساحة في town village city""".split()
)
# Clitics an Arabic name can carry in running text: "بجاسم", "وجاسم", "لجاسم", "وبجاسم".
_CLITICS = ("", "و", "ب", "ل", "ف", "وب", "ول", "فب")


@dataclass(frozen=True)
class Place:
    id: str
    type: str
    name_ar: str
    governorate: str
    parent: str
    ambiguous: bool

    @property
    def specific(self) -> bool:
        """A town, village, neighbourhood or landmark: naming one is strong evidence."""
        return self.type in SPECIFIC_TYPES


class Gazetteer:
    """Finds place names in matching text (folded, lower-case, punctuation gone)."""

    def __init__(self, places: Iterable[tuple[Place, list[str]]], clashes: Iterable[str] = ()):
        # words a name with a clitic spells that are not that place ("وزارة": ministry)
        not_places = {tuple(fold(word.lower()).split()) for word in clashes}
        self.places: dict[str, Place] = {}
        # name → (place id, whether the name needs a cue: an ambiguous Arabic name)
        self.names: dict[tuple[str, ...], list[tuple[str, bool]]] = {}
        # first word of a name → the longest name it starts, to skip every other word fast
        self.first_words: dict[str, int] = {}
        # consonant skeletons of Latin names: "Sweida", "Suwaidaa", "As-Suwayda" → ("swd",)
        self.skeletons: dict[tuple[str, ...], list[str]] = {}
        for place, names in places:
            self.places[place.id] = place
            for name in names:
                # "الحراك" is also "the movement"; "Hirak" in an English report is only a place.
                needs_cue = place.ambiguous and not name[:1].isascii()
                if name[:1].isascii():
                    key = latin_skeleton(name)
                    if key and place.id not in self.skeletons.setdefault(key, []):
                        self.skeletons[key].append(place.id)
                for key in _keys(name):
                    if key in not_places:
                        continue
                    self.first_words[key[0]] = max(self.first_words.get(key[0], 0), len(key))
                    entries = self.names.setdefault(key, [])
                    if all(place_id != place.id for place_id, _ in entries):
                        entries.append((place.id, needs_cue))

    @classmethod
    def from_files(cls, *paths: Path) -> Gazetteer:
        rows: list[tuple[Place, list[str]]] = []
        for path in paths:
            if path.is_file():
                rows.extend(_read(path))
        return cls(rows, read_clashes())

    def find(self, matching: str) -> list[str]:
        """Ids of the places named, the most often named first (then by first mention)."""
        tokens = matching.split()
        found: dict[str, int] = {}
        first_words = self.first_words
        # (at C speed: most of a post's words start no place name)
        starts = compress(range(len(tokens)), map(first_words.__contains__, tokens))
        covered = -1
        for i in starts:
            if i <= covered:
                continue  # inside a longer name already found
            longest = first_words[tokens[i]]
            for size in range(min(longest, len(tokens) - i), 0, -1):
                entries = self.names.get(tuple(tokens[i : i + size]))
                if not entries:
                    continue
                # A dateline ("الحراك | ...") opens the post; otherwise a place word must precede.
                cue = i == 0 or tokens[i - 1] in PLACE_WORDS
                for place_id in self._resolve(entries, cue):
                    found[place_id] = found.get(place_id, 0) + 1
                covered = i + size - 1
                break
        order = {place_id: n for n, place_id in enumerate(found)}
        return sorted(found, key=lambda place_id: (-found[place_id], order[place_id]))

    def find_transliterated(self, text: str) -> list[str]:
        """Places named in English text in spellings the gazetteer does not list ("Jbata
        al-Khashab", "Sweida", "Al-Karamah Square"), matched on consonant skeletons of
        capitalised words, so that ordinary English words ("door", "state") stay out. A
        skeleton shared by several places counts only for the one in a governorate the
        text names otherwise."""
        matches: list[list[str]] = []
        for run in _CAPITALISED_RUN.findall(text):
            words = re.split(r"[\s\-]+", run.strip(" -"))
            start = 0
            while start < len(words):
                for end in range(min(len(words), start + 5), start, -1):
                    key = latin_skeleton(" ".join(words[start:end]))
                    if key and key in self.skeletons:
                        matches.append(self.skeletons[key])
                        start = end - 1
                        break
                start += 1
        sure = {ids[0] for ids in matches if len(ids) == 1}
        governorates = {self.places[place_id].governorate for place_id in sure}
        found: dict[str, None] = {}
        for ids in matches:
            chosen = (
                ids
                if len(ids) == 1
                else [i for i in ids if self.places[i].governorate in governorates]
            )
            if len(chosen) > 1:
                # "Sweida" is the governorate and its capital: the broader, as in Arabic text.
                chosen = [i for i in chosen if not self.places[i].specific]
            if len(chosen) == 1:
                found.setdefault(chosen[0], None)
        return list(found)

    def _resolve(self, entries: list[tuple[str, bool]], cue: bool) -> list[str]:
        """Which of the places sharing a name are meant. "درعا" is a governorate and its
        capital: the city only after "مدينة"; an ambiguous name only with a cue."""
        places = [self.places[place_id] for place_id, needs_cue in entries if cue or not needs_cue]
        broad = [p for p in places if not p.specific]
        if broad and not cue:
            places = broad
        return [p.id for p in places]

    def specific_areas(self, place_ids: list[str]) -> list[str]:
        """The towns, villages and landmarks among `place_ids`, in order, each followed by
        the town a landmark or neighbourhood lies in, marked `~` (Karama Square is in
        Suwayda city: `~suwayda/suwayda`), which counts as a weaker match than the place."""
        areas: dict[str, None] = {}
        for place_id in place_ids:
            place = self.places.get(place_id)
            if place is None or not place.specific:
                continue
            areas.setdefault(place_id, None)
            parent = self.places.get(place.parent)
            if place.type in INSIDE_TOWN_TYPES and parent is not None and parent.specific:
                areas.setdefault(WITHIN + parent.id, None)
        return list(areas)

    def lineage(self, place_id: str) -> list[str]:
        """The place, then each enclosing place up to its governorate."""
        chain = []
        seen = set()
        current: str | None = place_id
        while current and current in self.places and current not in seen:
            seen.add(current)
            chain.append(current)
            place = self.places[current]
            current = place.parent if place.parent != current else None
        return chain


_ARTICLES = frozenset({"al", "el", "as", "ash", "ad", "ar", "az", "at", "an", "ath", "adh", "ul"})
# Capitalised words, with the articles and hyphens between them ("Jbata al-Khashab").
_CAPITALISED_RUN = re.compile(r"(?:[A-Z][\w'’]*(?:[\s-]+(?:(?:al|el|as|ash|ad|ar|az|at|an)-)?)?)+")
_VOWELS = re.compile(r"[aeiouy]+")


@lru_cache(maxsize=65536)
def latin_skeleton(name: str) -> tuple[str, ...] | None:
    """A transliteration-proof key: articles gone, then each word's consonants without
    doubling or a final h ("Jdeidet Artouz" and "Jdeidat Artuz" → ("jdd", "rtz"); "Sweida",
    "Suwayda" → ("swd",)). None when too short to be telling: a word must keep three
    consonants, and a name of one word must be five letters long or keep four."""
    key = []
    words = [w for w in re.split(r"[\s\-'’]+", name.lower()) if w and w not in _ARTICLES]
    for word in words:
        letters = re.sub(r"[^a-z]", "", word)
        consonants = letters[:1] if letters[:1] in ("y", "w") else ""
        consonants += _VOWELS.sub("", letters[len(consonants) :])
        consonants = re.sub(r"(.)\1+", r"\1", consonants).removesuffix("h")
        if len(consonants) < 3:
            return None
        key.append(consonants)
    if not key:
        return None
    if len(key) == 1 and len(key[0]) < 4 and len(re.sub(r"[^a-z]", "", words[0])) < 5:
        return None
    return tuple(key)


def _keys(name: str) -> list[tuple[str, ...]]:
    words = fold(name.lower()).replace("-", " ").replace("'", " ").replace("’", " ").split()
    if not words:
        return []
    if not words[0][0].isascii():
        return [(clitic + words[0], *words[1:]) for clitic in _CLITICS] + (
            # "للسويداء": ل before a name that starts with ال drops the alef
            [("ل" + words[0][1:], *words[1:])] if words[0].startswith("ال") else []
        )
    return [tuple(words)]


def _read(path: Path) -> list[tuple[Place, list[str]]]:
    rows = []
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if not row.get("id") or not row.get("name_ar"):
                continue
            place = Place(
                id=row["id"].strip(),
                type=(row.get("type") or "").strip(),
                name_ar=row["name_ar"].strip(),
                governorate=(row.get("governorate") or "").strip(),
                parent=(row.get("parent") or row.get("governorate") or "").strip(),
                ambiguous=(row.get("ambiguous") or "").strip() == "1",
            )
            names = [place.name_ar]
            for column in ("variants_ar", "names_latin"):
                names += [
                    name.strip() for name in (row.get(column) or "").split("|") if name.strip()
                ]
            rows.append((place, names))
    return rows


def read_clashes(path: Path | None = None) -> list[str]:
    """The words that a name with a clitic spells but that are no place (see the file)."""
    path = path or DATA / "place_word_clashes.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=4)
def load_gazetteer(extra: str | None = None) -> Gazetteer:
    """The shipped gazetteer, plus an operator's own file if given (else $MONITOR_PLACES)."""
    extra = extra or os.environ.get("MONITOR_PLACES")
    paths = [DATA / "places.tsv"]
    if extra:
        paths.append(Path(extra))
    return Gazetteer.from_files(*paths)
