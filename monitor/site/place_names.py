"""Places as a reader names them: the gazetteer id `daraa/jasim` shown as "Jasim · جاسم", and
the places that contain it, so that filtering by Daraa finds a story about Jasim."""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from monitor import PACKAGE_DATA
from monitor.normalize.places import INSIDE_TOWN_TYPES, WITHIN


@dataclass(frozen=True)
class PlaceName:
    latin: str
    arabic: str
    kind: str  # city, town, governorate, ...
    within: tuple[str, ...]  # the places that contain it, innermost first


class PlaceNames:
    def __init__(self, names: dict[str, PlaceName]):
        self.names = names

    @classmethod
    def load(cls, data_dir: Path | None = None) -> PlaceNames:
        """The shipped gazetteer, then the operator's own files (as the engine reads them:
        $MONITOR_PLACES, or places.tsv in the data dir), a later row winning."""
        paths = [PACKAGE_DATA / "places.tsv"]
        if os.environ.get("MONITOR_PLACES"):
            paths.append(Path(os.environ["MONITOR_PLACES"]))
        if data_dir is not None:
            paths.append(data_dir / "places.tsv")
        names: dict[str, PlaceName] = {}
        for path in paths:
            if path.is_file():
                names.update(_read(path))
        return cls(names)

    def label(self, place_id: str) -> str:
        place = self.names.get(place_id)
        if place is None:
            return place_id.rsplit("/", 1)[-1].replace("-", " ")
        # the governorate and its capital share a name: "Daraa governorate", "Daraa"
        latin = f"{place.latin} governorate" if place.kind == "governorate" else place.latin
        if latin and place.arabic:
            return f"{latin} · {place.arabic}"
        return latin or place.arabic

    def named(self, place_ids: Iterable[str]) -> list[str]:
        """The places a thread names, without the engine's `~town` marks (the town a named
        landmark lies in, which the landmark's lineage holds already)."""
        return list(dict.fromkeys(p for p in place_ids if not p.startswith(WITHIN)))

    def lineage(self, place_id: str) -> list[str]:
        """The place and the places that contain it, innermost first."""
        place = self.names.get(place_id)
        return [place_id, *(place.within if place else ())]


def _read(path: Path) -> dict[str, PlaceName]:
    names: dict[str, PlaceName] = {}
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            place_id = (row.get("id") or "").strip()
            if not place_id:
                continue
            latin = (row.get("names_latin") or "").split("|", 1)[0].strip()
            # A town's parent in the gazetteer is its district's seat, which does not contain
            # it; a neighbourhood's, landmark's or camp's is the town it lies in.
            within = []
            if (row.get("type") or "").strip() in INSIDE_TOWN_TYPES:
                within.append((row.get("parent") or "").strip())
            within.append((row.get("governorate") or "").strip())
            names[place_id] = PlaceName(
                latin=latin,
                arabic=(row.get("name_ar") or "").strip(),
                kind=(row.get("type") or "").strip(),
                within=tuple(dict.fromkeys(w for w in within if w and w != place_id)),
            )
    return names
