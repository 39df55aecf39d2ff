"""The shipped gazetteer (monitor/data/places.tsv, described in monitor/data/PLACES.md) is sound.

The file is data that people extend by hand, so these tests check what a careless edit would
break: the columns, unique ids, parents that exist, each governorate's capital and district
seats, no name given twice within a governorate, Arabic and Latin in their own columns, the
coverage the story engine counts on, and the places of the seed story found by name.
"""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from functools import cache
from pathlib import Path

import pytest

from monitor.normalize.matching import fold, matching_text
from monitor.normalize.places import PLACE_WORDS, Gazetteer

PLACES = Path(__file__).resolve().parents[1] / "monitor" / "data" / "places.tsv"
COLUMNS = [
    "id",
    "type",
    "name_ar",
    "governorate",
    "parent",
    "variants_ar",
    "names_latin",
    "ambiguous",
]
TYPES = {
    "governorate",
    "district",
    "subdistrict",
    "city",
    "town",
    "village",
    "neighbourhood",
    "landmark",
    "camp",
    "region",
}
# Each governorate's id and the Arabic name of its capital.
CAPITALS = {
    "daraa": "درعا",
    "suwayda": "السويداء",
    "quneitra": "القنيطرة",
    "rif-dimashq": "دوما",  # its offices sit in Damascus; Duma is its largest town
    "damascus": "دمشق",
    "homs": "حمص",
    "hama": "حماة",
    "idlib": "إدلب",
    "aleppo": "حلب",
    "latakia": "اللاذقية",
    "tartus": "طرطوس",
    "raqqa": "الرقة",
    "deir-ez-zor": "دير الزور",
    "hasakah": "الحسكة",
}
# Every district (mantiqa): its seat's line when the district bears the seat's name, else its own.
DISTRICTS = {
    governorate: seats.split()
    for governorate, seats in {
        "aleppo": "jabal-saman afrin al-bab ayn-al-arab azaz jarabulus manbij safira",
        "damascus": "damascus",
        "daraa": "daraa izra sanamayn",
        "deir-ez-zor": "deir-ez-zor abu-kamal mayadin",
        "hama": "hama masyaf mhardeh salamiyah suqaylabiyah",
        "hasakah": "hasakah qamishli malikiyah ras-al-ayn",
        "homs": "homs mukharram qusayr rastan palmyra talkalakh",
        "idlib": "idlib ariha harem jisr-al-shughur maarat-al-numan",
        "latakia": "latakia haffah jableh qardaha",
        "quneitra": "quneitra fiq",
        "raqqa": "raqqa tal-abyad thawrah",
        "rif-dimashq": "duma tall darayya qatana qutayfah yabrud nabk zabadani qudsaya markaz",
        "suwayda": "suwayda shahba salkhad",
        "tartus": "tartus baniyas safita duraykish sheikh-badr qadmus",
    }.items()
}
MINIMUM_PLACES = {
    "daraa": 120,
    "suwayda": 60,
    "quneitra": 25,
    "aleppo": 15,
    "idlib": 15,
    "homs": 15,
    "hama": 15,
    "deir-ez-zor": 15,
    "hasakah": 15,
    "raqqa": 15,
    "latakia": 8,
    "tartus": 8,
}
PREFIX_WORDS = ("مدينة", "بلدة", "قرية", "محافظة", "ناحية", "منطقة")
LATIN = re.compile(r"[A-Za-z]")
ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f]")


@cache
def rows() -> tuple[dict[str, str], ...]:
    with PLACES.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        assert reader.fieldnames == COLUMNS
        return tuple(reader)


def by_id() -> dict[str, dict[str, str]]:
    return {row["id"]: row for row in rows()}


def split(cell: str) -> list[str]:
    return [name for name in cell.split("|") if name]


def arabic_names(row: dict[str, str]) -> list[str]:
    return [row["name_ar"], *split(row["variants_ar"])]


def places() -> list[dict[str, str]]:
    """Every row but the governorates (a governorate shares its name with its capital)."""
    return [row for row in rows() if row["type"] != "governorate"]


@cache
def name_index() -> dict[str, set[str]]:
    """Folded Arabic or lower-case Latin name -> ids of the places that bear it."""
    index: dict[str, set[str]] = defaultdict(set)
    for row in rows():
        for name in arabic_names(row):
            index[fold(name)].add(row["id"])
        for name in split(row["names_latin"]):
            index[name.lower()].add(row["id"])
    return index


def test_file_parses_with_eight_cells_a_line():
    lines = PLACES.read_text(encoding="utf-8").splitlines()
    assert lines[0].split("\t") == COLUMNS
    for number, line in enumerate(lines[1:], 2):
        assert line.count("\t") == len(COLUMNS) - 1, f"line {number}: {line!r}"
    assert len(rows()) == len(lines) - 1


def test_required_cells_and_known_types():
    for row in rows():
        assert row["id"] and row["name_ar"] and row["governorate"], row
        assert row["type"] in TYPES, row
        assert row["ambiguous"] in ("", "1"), row
        for column in COLUMNS:
            assert row[column] == row[column].strip(), (row["id"], column)
        for name in arabic_names(row) + split(row["names_latin"]):
            assert name == name.strip() and "  " not in name, (row["id"], name)


def test_ids_are_unique_ascii_slugs_under_their_governorate():
    counts = Counter(row["id"] for row in rows())
    assert [place_id for place_id, n in counts.items() if n > 1] == []
    for row in rows():
        if row["type"] == "governorate":
            assert row["id"] == row["governorate"]
            assert re.fullmatch(r"[a-z]+(-[a-z]+)*", row["id"])
        else:
            assert re.fullmatch(
                rf"{re.escape(row['governorate'])}/[a-z0-9]+(-[a-z0-9]+)*", row["id"]
            )


def test_the_fourteen_governorates():
    governorates = {row["id"] for row in rows() if row["type"] == "governorate"}
    assert governorates == set(CAPITALS)
    assert {row["governorate"] for row in rows()} == governorates


def test_every_parent_exists_within_the_governorate_and_leads_up_to_it():
    index = by_id()
    for row in rows():
        if row["type"] == "governorate":
            assert row["parent"] == "", row
            continue
        assert row["parent"] in index, row
        assert index[row["parent"]]["governorate"] == row["governorate"], row
        seen, current = set(), row["id"]
        while index[current]["type"] != "governorate":
            assert current not in seen, f"parent cycle through {current}"
            seen.add(current)
            current = index[current]["parent"]
        assert current == row["governorate"]


@pytest.mark.parametrize("governorate", sorted(CAPITALS))
def test_every_governorate_has_its_capital(governorate):
    capitals = [
        row
        for row in places()
        if row["governorate"] == governorate and row["name_ar"] == CAPITALS[governorate]
    ]
    assert [row["type"] for row in capitals] == ["city"]


@pytest.mark.parametrize("governorate", sorted(DISTRICTS))
def test_every_district_is_there(governorate):
    index = by_id()
    for slug in DISTRICTS[governorate]:
        row = index.get(f"{governorate}/{slug}")
        assert row is not None, f"{governorate}/{slug}"
        assert row["type"] in ("city", "district"), row


def test_no_place_named_twice_in_one_governorate():
    seen: dict[tuple[str, str], str] = {}
    clashes = []
    for row in places():
        key = (fold(row["name_ar"]), row["governorate"])
        if key in seen:
            clashes.append((seen[key], row["id"]))
        seen[key] = row["id"]
    assert clashes == []


def test_no_spelling_shared_by_two_places_of_one_governorate():
    """A variant that is another place's name (or variant) in the same governorate would make
    every mention of it ambiguous; places that share a name across governorates are fine."""
    owners: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in places():
        for name in arabic_names(row):
            owners[fold(name), row["governorate"]].add(row["id"])
        for name in split(row["names_latin"]):
            owners[name.lower(), row["governorate"]].add(row["id"])
    shared = {key: ids for key, ids in owners.items() if len(ids) > 1}
    assert shared == {}


def test_arabic_columns_hold_no_latin_and_latin_column_no_arabic():
    for row in rows():
        for name in arabic_names(row):
            assert not LATIN.search(name), (row["id"], name)
            assert ARABIC.search(name), (row["id"], name)
        for name in split(row["names_latin"]):
            assert not ARABIC.search(name), (row["id"], name)
            assert LATIN.search(name), (row["id"], name)


def test_names_carry_no_prefix_word():
    for row in rows():
        assert not row["name_ar"].startswith(PREFIX_WORDS), row


def test_ambiguous_names_never_start_with_the_place_word_they_need():
    """The matcher accepts an ambiguous name only after a place word ("بلدة الحراك"), so a
    spelling that swallows the place word ("مدينة البعث") would never match."""
    for row in rows():
        if row["ambiguous"] != "1":
            continue
        for name in arabic_names(row):
            assert fold(name).split()[0] not in PLACE_WORDS, (row["id"], name)


def test_coverage():
    per_governorate = Counter(row["governorate"] for row in rows())
    for governorate, minimum in MINIMUM_PLACES.items():
        assert per_governorate[governorate] >= minimum, (governorate, per_governorate[governorate])
    assert per_governorate["rif-dimashq"] + per_governorate["damascus"] >= 60
    assert per_governorate["rif-dimashq"] >= 60


def test_regions_named_by_the_observatories():
    index = name_index()
    for name in ("حوران", "الجولان", "البادية", "الغوطة الشرقية", "الغوطة الغربية", "القلمون"):
        assert any(by_id()[i]["type"] == "region" for i in index[fold(name)]), name
    for name in ("اللجاة", "جبل العرب", "جبل الدروز", "وادي اليرموك", "حوض اليرموك"):
        assert any(by_id()[i]["type"] == "region" for i in index[fold(name)]), name


@pytest.mark.parametrize(
    ("name", "place_id"),
    [
        ("جاسم", "daraa/jasim"),
        ("إنخل", "daraa/inkhil"),
        ("انخل", "daraa/inkhil"),
        ("درعا", "daraa"),
        ("درعا", "daraa/daraa"),
        ("ساحة الكرامة", "suwayda/karama-square"),
        ("ساحة السير", "suwayda/karama-square"),
        ("السويداء", "suwayda"),
        ("طفس", "daraa/tafas"),
        ("نوى", "daraa/nawa"),
        ("بصر الحرير", "daraa/busr-al-harir"),
        ("بصرى الحرير", "daraa/busr-al-harir"),
        ("Jasim", "daraa/jasim"),
        ("Jassem", "daraa/jasim"),
        ("Jasem", "daraa/jasim"),
        ("Sweida", "suwayda"),
        ("Busra al-Harir", "daraa/busr-al-harir"),
        ("Tafas", "daraa/tafas"),
    ],
)
def test_seed_story_places_resolve_by_name(name, place_id):
    key = fold(name) if ARABIC.search(name) else name.lower()
    assert place_id in name_index()[key]


def test_rif_of_a_governorate_is_not_a_place_name():
    """ "ريف درعا" is the countryside of Daraa: the matcher reads ريف, the file names only درعا."""
    assert fold("ريف درعا") not in name_index()
    assert fold("ريف السويداء") not in name_index()


def test_the_engine_finds_the_seed_story_places():
    gazetteer = Gazetteer.from_files(PLACES)
    found = gazetteer.find(matching_text("اشتباكات في مدينة جاسم بريف درعا الشمالي"))
    assert "daraa/jasim" in found and "daraa" in found
    found = gazetteer.find(matching_text("وقفة احتجاجية في ساحة الكرامة بمدينة السويداء"))
    assert {"suwayda/karama-square", "suwayda/suwayda"} <= set(found)
    found = gazetteer.find(matching_text("قصف على طفس ونوى وبصر الحرير وإنخل"))
    assert {"daraa/tafas", "daraa/nawa", "daraa/busr-al-harir", "daraa/inkhil"} <= set(found)
    # An ambiguous name counts only with a cue, such as a place word before it.
    assert "daraa/hirak" not in gazetteer.find(matching_text("يستمر الحراك السلمي في السويداء"))
    assert "daraa/hirak" in gazetteer.find(matching_text("اعتقال شاب في بلدة الحراك"))
    found = gazetteer.find(matching_text("Clashes in Jassem and Inkhil, Daraa countryside"))
    assert {"daraa/jasim", "daraa/inkhil", "daraa"} <= set(found)
    assert gazetteer.lineage("daraa/jasim") == ["daraa/jasim", "daraa/sanamayn", "daraa"]


def test_no_clitic_form_of_a_name_is_a_commoner_word():
    """«وزارة» ("ministry") is «و» + «زارة» (Zara, Homs) to a matcher; «فاطمة» is «ف» + «اطمة».
    Every clitic form of a shipped one-word name that general Arabic uses more than the name
    itself (wordfreq's frequencies) is listed as no place in place_word_clashes.txt."""
    wordfreq = pytest.importorskip("wordfreq", reason="pip install wordfreq (the test extras)")
    from monitor.normalize.matching import fold
    from monitor.normalize.places import _CLITICS, read_clashes

    listed = {fold(word) for word in read_clashes()}
    missing = []
    for row in rows():
        names = [row["name_ar"], *(n.strip() for n in (row["variants_ar"] or "").split("|"))]
        for name in (n for n in names if n and " " not in n):
            bare = wordfreq.zipf_frequency(name, "ar")
            forms = [clitic + name for clitic in _CLITICS if clitic]
            forms += ["ل" + name[1:]] if name.startswith("ال") else []
            for form in forms:
                common = wordfreq.zipf_frequency(form, "ar")
                if common >= 3.0 and common > bare - 0.5 and fold(form) not in listed:
                    missing.append(f"{form} ({row['id']})")
    assert not missing
