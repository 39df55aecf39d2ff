"""`EngineConfig`: every threshold and weight of the story engine, in one documented place.

Each setting carries its meaning, unit and range (`setting(...)`); a configuration is checked
against them when it is made, so a bad value is refused with every problem named, before a
single post is read. A configuration comes from the defaults here, from a TOML file (an
`[engine]` table beside the sources in `sources.toml`, or a file of its own), and from
`KEY=VALUE` overrides (`monitor eval --set threads.join=0.25`). Its `digest()` goes into every
line of `runs.jsonl`, so that a reader of the export knows which rules made its threads.

`docs()` lists every setting for the README (a test keeps the README's table in step).
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import MISSING, asdict, dataclass, field, fields, is_dataclass, replace
from pathlib import Path
from typing import Any, cast

import orjson

DAY = 86400.0


class EngineConfigError(ValueError):
    """A configuration that cannot be used; `problems` names every one."""

    def __init__(self, origin: str, problems: list[str]):
        self.origin = origin
        self.problems = problems
        super().__init__(f"{origin}: " + "; ".join(problems))


def setting(
    default: Any, doc: str, unit: str, low: float | None = None, high: float | None = None
) -> Any:
    """A field of a configuration section: its default, what it means, its unit, its range."""
    return field(default=default, metadata={"doc": doc, "unit": unit, "low": low, "high": high})


@dataclass(frozen=True)
class TextConfig:
    """What the engine reads of a post."""

    opening_chars: int = setting(
        1000,
        "characters of a post's text the engine reads (copies, places, terms, markers): an "
        "article's opening names its story; the rest would only cost time",
        "characters",
        100,
        100_000,
    )
    body_terms: int = setting(
        60, "content words of the opening a post is represented by", "terms", 5, 1000
    )
    lead_terms: int = setting(
        20,
        "of those, how many open the post and count twice (a report says what it is about "
        "first; later paragraphs recall older events)",
        "terms",
        0,
        1000,
    )
    title_weight: int = setting(
        2, "how many times a title's words count (a headline names the story)", "times", 0, 10
    )


@dataclass(frozen=True)
class CopiesConfig:
    """Copies: the same report on another channel (`duplicate_of`)."""

    window_seconds: float = setting(
        3 * DAY, "how far apart in publication time a copy and its original may be", "seconds", 0
    )
    shingle: int = setting(5, "characters in a shingle of the matching text", "characters", 2, 20)
    num_perm: int = setting(
        128, "MinHash permutations: the length of a text's signature", "count", 16, 1024
    )
    sample_modulus: int = setting(
        4,
        "MinHash reads the shingles whose hash divides by this (the same for every text, so "
        "sampled sets keep their Jaccard); the check after LSH reads all of them",
        "count",
        1,
        64,
    )
    bands: int = setting(
        32,
        "LSH bands: a pair becomes a candidate with probability 1 - (1 - J^rows)^bands "
        "(32 × 4: 87 % at Jaccard 0.5, 99.9 % at 0.67); bands × rows ≤ num_perm",
        "count",
        1,
        512,
    )
    rows: int = setting(4, "MinHash values in an LSH band", "count", 1, 64)
    jaccard: float = setting(
        0.55, "shingle Jaccard from which two texts are one report", "ratio", 0.0, 1.0
    )
    containment: float = setting(
        0.8,
        "share of a shorter text's shingles found in a longer one from which the shorter is a "
        "cut copy (an X post cut at 280 characters)",
        "ratio",
        0.0,
        1.0,
    )
    min_size_ratio: float = setting(
        0.4,
        "a contained text must be at least this share of the other's size (a third is a "
        "quote, not a copy)",
        "ratio",
        0.0,
        1.0,
    )
    min_words: int = setting(
        6, "texts shorter than this say nothing about being a copy", "words", 1, 100
    )
    fact_words: int = setting(
        80,
        "content words at the start of two near-duplicate texts compared word by word: a "
        "changed place, name or verb there is a changed fact, not a copy",
        "words",
        1,
        1000,
    )
    changed_words_free: int = setting(
        12,
        "a text of this many content words or fewer (a headline, a short post) is no copy of "
        "another if it changes any of them",
        "words",
        0,
        1000,
    )
    changed_words_share: float = setting(
        0.2,
        "beyond those, the share of its content words a copy may change (an article reworded "
        "in a few places)",
        "ratio",
        0.0,
        1.0,
    )
    min_chars: int = setting(30, "likewise, in characters", "characters", 1, 10_000)


@dataclass(frozen=True)
class ThreadsConfig:
    """Story threads (`thread_id`): which open thread a post joins, or a new one."""

    join: float = setting(
        0.20,
        "score from which a long post (`long_terms` terms or more) joins a thread",
        "score",
        0.0,
        5.0,
    )
    join_short: float = setting(
        0.30,
        "score from which a short post (`short_terms` terms or fewer) joins a thread; between "
        "the two lengths the threshold moves in a straight line",
        "score",
        0.0,
        5.0,
    )
    short_terms: int = setting(8, "a post with this many terms or fewer is short", "terms", 1, 500)
    long_terms: int = setting(40, "a post with this many terms or more is long", "terms", 1, 1000)
    quiet_seconds: float = setting(
        7 * DAY, "a thread with no post for this long closes", "seconds", 3600
    )
    grace_seconds: float = setting(
        2 * DAY, "a thread's pull is whole for this long after its last post", "seconds", 0
    )
    fade_seconds: float = setting(
        5 * DAY,
        "then it fades by e^(-(gap - grace) / fade)",
        "seconds",
        1,
    )
    place_match: float = setting(
        0.30,
        "added when a short post names a place the thread is about (between short and long "
        "posts the pull moves in a straight line to `place_match_long`)",
        "score",
        0.0,
        2.0,
    )
    place_match_long: float = setting(
        0.20, "added when a long post names a place the thread is about", "score", 0.0, 2.0
    )
    place_conflict: float = setting(
        0.30,
        "taken off when the post names only towns the thread is not about",
        "score",
        0.0,
        2.0,
    )
    governorate_match: float = setting(
        0.04, "added when the post names only the thread's governorate", "score", 0.0, 2.0
    )
    event_conflict: float = setting(
        0.25,
        "taken off when the post names only other kinds of event than the thread (a roadside "
        "bomb against a siege)",
        "score",
        0.0,
        2.0,
    )
    same_source_marker: float = setting(
        0.10,
        "added when a post with a follow-up marker meets a thread its source posted in",
        "score",
        0.0,
        2.0,
    )
    thread_idf: float = setting(
        1.0,
        "how a term's weight counts its commonness: 1 by the open threads holding it (a "
        "story's own words stay heavy however many posts repeat them), 0 by the posts "
        "(a document frequency), between the two a geometric mean",
        "ratio",
        0.0,
        1.0,
    )
    concept_weight: float = setting(
        0.5,
        "weight of a bilingual concept term (`c:siege`) beside the word it comes from",
        "ratio",
        0.0,
        5.0,
    )
    centroid_terms: int = setting(
        200,
        "terms a thread keeps in its centroid (trimmed back to this when it reaches three times"
        " as many)",
        "terms",
        10,
        10_000,
    )
    post_terms: int = setting(
        40, "a post is represented by its this many heaviest terms", "terms", 5, 1000
    )
    candidate_terms: int = setting(
        12, "the post's heaviest terms that look up candidate threads", "terms", 1, 200
    )
    postings_per_term: int = setting(
        8,
        "of the open threads holding such a term, how many (those joined last) it looks at",
        "threads",
        1,
        10_000,
    )
    max_candidates: int = setting(6, "threads scored in full for a post", "threads", 1, 200)
    merge: float = setting(
        0.45,
        "centroid cosine from which two open threads that ran at the same time are one story "
        "and merge (the smaller into the larger; its posts move, as new revisions)",
        "cosine",
        0.0,
        1.01,
    )
    merge_min_posts: int = setting(
        4, "a thread is compared with the others from this many posts on", "posts", 1, 100_000
    )
    merge_postings: int = setting(
        50,
        "of the threads holding one of a thread's heaviest terms, how many (those joined last) "
        "are compared with it",
        "threads",
        1,
        100_000,
    )
    title_chars: int = setting(
        140, "a thread's title is cut to this length", "characters", 10, 10_000
    )


@dataclass(frozen=True)
class LinksConfig:
    """Follow-ups (`follows_up`, `link_type`)."""

    marker_start_chars: int = setting(
        60,
        "how far into a post a 'start' marker followed by ':' or '|' may stand",
        "characters",
        0,
        10_000,
    )
    marker_window: int = setting(
        240,
        "how much of the opening the 'start' markers read (banners, emoji and hashtags may "
        "come first)",
        "characters",
        0,
        100_000,
    )
    same_publisher: bool = setting(
        True,
        "a later post of a publisher in a thread continues its latest earlier post there "
        "(`update`), marker or not",
        "yes/no",
    )


@dataclass(frozen=True)
class MemoryConfig:
    """What the engine keeps in memory."""

    keep_recent: int = setting(
        5000,
        "never forget one of the last this many posts to arrive, however old (a first crawl "
        "or a backfill brings old posts together)",
        "posts",
        0,
        10_000_000,
    )


@dataclass(frozen=True)
class EngineConfig:
    """The story engine's rules. Sections: text, copies, threads, links, memory."""

    text: TextConfig = field(default_factory=TextConfig)
    copies: CopiesConfig = field(default_factory=CopiesConfig)
    threads: ThreadsConfig = field(default_factory=ThreadsConfig)
    links: LinksConfig = field(default_factory=LinksConfig)
    memory: MemoryConfig = field(default_factory=MemoryConfig)

    def __post_init__(self) -> None:
        problems = _problems(self)
        if problems:
            raise EngineConfigError("engine configuration", problems)

    @property
    def memory_seconds(self) -> float:
        """How far back (in post time) the engine remembers posts."""
        return self.threads.quiet_seconds + self.copies.window_seconds

    def as_dict(self) -> dict[str, dict[str, Any]]:
        return asdict(self)

    def digest(self) -> str:
        """12 hex digits that change whenever a setting does (for runs.jsonl)."""
        data = orjson.dumps(self.as_dict(), option=orjson.OPT_SORT_KEYS)
        return hashlib.sha256(data).hexdigest()[:12]

    def with_values(self, values: Mapping[str, Any], origin: str = "settings") -> EngineConfig:
        """A copy with `{"threads.join": 0.25, ...}` or `{"threads": {"join": 0.25}}` set;
        EngineConfigError naming every unknown setting and every bad value at once."""
        problems: list[str] = []
        sections: dict[str, dict[str, Any]] = {}
        known = {f.name: f for f in fields(self)}
        for key, value in _flatten(values):
            section, _, name = key.partition(".")
            if section not in known or not name:
                problems.append(f"unknown setting {key!r} (sections: {', '.join(known)})")
                continue
            names = {f.name: f for f in fields(getattr(self, section))}
            if name not in names:
                problems.append(f"unknown setting {key!r}")
                continue
            sections.setdefault(section, {})[name] = _as_field_type(value, names[name])
        try:
            changed = {name: replace(getattr(self, name), **new) for name, new in sections.items()}
            config = replace(self, **changed)
        except EngineConfigError as exc:
            problems += exc.problems
        if problems:
            raise EngineConfigError(origin, problems)
        return config


def load_engine_config(path: Path | str, *, required: bool = True) -> EngineConfig:
    """The configuration in a TOML file: its `[engine]` table, or the whole file when it has
    none (a file of its own). A sources file without `[engine]` gives the defaults."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise EngineConfigError(str(path), ["file not found"]) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise EngineConfigError(str(path), [f"not valid TOML: {exc}"]) from None
    if "engine" in data:
        table = data["engine"]
        if not isinstance(table, Mapping):
            raise EngineConfigError(str(path), ["[engine] must be a table"])
    elif "source" in data or "defaults" in data or not required:
        table = {}
    else:
        table = data
    return EngineConfig().with_values(table, origin=str(path))


def parse_assignments(pairs: Sequence[str]) -> dict[str, Any]:
    """`["threads.join=0.25", ...]` as settings (values read as TOML: 0.25, true, "text")."""
    values: dict[str, Any] = {}
    problems = []
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key.strip():
            problems.append(f"--set wants SECTION.NAME=VALUE, not {pair!r}")
            continue
        try:
            values[key.strip()] = tomllib.loads(f"v = {raw.strip()}")["v"]
        except tomllib.TOMLDecodeError:
            values[key.strip()] = raw.strip()
    if problems:
        raise EngineConfigError("--set", problems)
    return values


def docs() -> Iterator[tuple[str, Any, str, str]]:
    """(SECTION.NAME, default, unit and range, meaning) for every setting, in order."""
    for section in fields(EngineConfig):
        # every section is a field(default_factory=...): never MISSING here
        for item in fields(cast("Callable[[], Any]", section.default_factory)()):
            meta = item.metadata
            default = item.default if item.default is not MISSING else None
            yield f"{section.name}.{item.name}", default, _range(meta), meta["doc"]


def _range(meta: Mapping[str, Any]) -> str:
    low, high = meta["low"], meta["high"]
    unit: str = meta["unit"]
    if low is None and high is None:
        return unit
    if high is None:
        return f"{unit}, ≥ {low:g}"
    return f"{unit}, {low:g}–{high:g}"


def _problems(config: EngineConfig) -> list[str]:
    problems = []
    for section in fields(config):
        values = getattr(config, section.name)
        for item in fields(values):
            value = getattr(values, item.name)
            problem = _check(value, item)
            if problem:
                problems.append(f"{section.name}.{item.name}: {problem}")
    if problems:
        return problems  # (the rules between settings need each setting to be a number)
    copies, threads, text = config.copies, config.threads, config.text
    if copies.bands * copies.rows > copies.num_perm:
        problems.append(
            f"copies.bands × copies.rows ({copies.bands * copies.rows}) exceeds copies.num_perm"
            f" ({copies.num_perm})"
        )
    if threads.short_terms > threads.long_terms:
        problems.append("threads.short_terms must not exceed threads.long_terms")
    if text.lead_terms > text.body_terms:
        problems.append("text.lead_terms must not exceed text.body_terms")
    return problems


def _kind(item: Any) -> str:
    return item.type if isinstance(item.type, str) else item.type.__name__


def _check(value: Any, item: Any) -> str | None:
    kind, meta = _kind(item), item.metadata
    if kind == "bool":
        return None if isinstance(value, bool) else f"must be true or false, not {value!r}"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"must be a number, not {value!r}"
    if kind == "int" and not isinstance(value, int):
        return f"must be a whole number, not {value!r}"
    if value != value:  # NaN
        return "must be a number, not NaN"
    low, high = meta.get("low"), meta.get("high")
    if (low is not None and value < low) or (high is not None and value > high):
        return f"{value!r} is out of range ({_range(meta)})"
    return None


def _as_field_type(value: Any, item: Any) -> Any:
    """A number as the field's kind of number (TOML's 1 for a float setting, 2.0 for a whole
    one); anything else as it is, for `_check` to refuse."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    if _kind(item) == "float":
        return float(value)
    if _kind(item) == "int" and isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _flatten(values: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for key, value in values.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping) and "." not in name:
            yield from _flatten(value, name + ".")
        elif is_dataclass(value):
            yield from _flatten(asdict(value), name + ".")  # type: ignore[arg-type]
        else:
            yield name, value
