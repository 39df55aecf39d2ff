"""The source registry: reads and validates `sources.toml`.

Every problem in a file is reported at once, each naming the source and the field, so an
operator fixes a file in one pass instead of one error per run.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from monitor.normalize.urls import is_http_url

KINDS = ("rss", "telegram", "html")
PLATFORMS = ("web", "telegram", "x", "facebook")
DEFAULT_PLATFORM = {"rss": "web", "telegram": "telegram", "html": "web"}
SELECTOR_KEYS = ("links", "next_page", "title", "body", "date", "author")
DEFAULT_EVERY = "1h"
DEFAULT_TIMEZONE = "Asia/Damascus"
DEFAULT_MAX_PAGES = {"rss": 1, "telegram": 3, "html": 3}
DEFAULT_MAX_SIZE = 10 * 1024 * 1024

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|d)\s*$", re.IGNORECASE)
# Polling a site more often than this is refused unless the source says `force_every = true`
# (a site one runs oneself, a test): observatories' servers are small.
MIN_EVERY_SECONDS = 60
_UNIT_SECONDS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "d": 86400}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$", re.IGNORECASE)
_SIZE_BYTES = {"b": 1, "kb": 1024, "mb": 1024**2, "gb": 1024**3}
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")

KNOWN_KEYS = frozenset(
    {
        "name",
        "kind",
        "url",
        "platform",
        "every",
        "force_every",
        "timezone",
        "lang",
        "enabled",
        "full_text",
        "selectors",
        "max_pages",
        "max_size",
    }
)


class ConfigError(Exception):
    """A sources file that cannot be used; `problems` lists every one found."""

    def __init__(self, path: Path | str, problems: list[str]):
        self.path = str(path)
        self.problems = problems
        super().__init__(f"{path}: " + "; ".join(problems))


@dataclass(frozen=True)
class Source:
    """One `[[source]]` table, with the `[defaults]` applied."""

    name: str
    kind: str
    url: str
    platform: str
    every: str = DEFAULT_EVERY
    timezone: str = DEFAULT_TIMEZONE
    lang: str | None = None
    enabled: bool = True
    full_text: bool = False
    selectors: Mapping[str, str] = field(default_factory=dict)
    max_pages: int = 1
    max_size: int = DEFAULT_MAX_SIZE

    @property
    def every_seconds(self) -> float:
        seconds = parse_duration(self.every)
        assert seconds is not None  # validated on load
        return seconds


def parse_duration(text: str | int | float) -> float | None:
    """Seconds in "90s", "10m", "2h", "1d"; None if unreadable. A bare number has no unit and
    is not read: "5" meant minutes to the operator who wrote it and seconds to the crawler."""
    match = _DURATION.match(text) if isinstance(text, str) else None
    if not match:
        return None
    seconds = float(match[1]) * _UNIT_SECONDS[match[2].lower()]
    return seconds if seconds > 0 else None


def every_problem(value: object, forced: object = False) -> str | None:
    """What is wrong with an `every` value, or None."""
    if isinstance(value, int | float | str) and not isinstance(value, bool):
        if re.fullmatch(r"\s*\d+(\.\d+)?\s*", str(value)):
            return f"field 'every': {value!r} has no unit (write e.g. '90s', '10m', '2h')"
        seconds = parse_duration(value)
    else:
        seconds = None
    if seconds is None:
        return f"field 'every': cannot read {value!r} (write e.g. '90s', '10m', '2h')"
    if seconds < MIN_EVERY_SECONDS and forced is not True:
        return (
            f"field 'every': {value!r} is more often than once a minute; "
            "add force_every = true to mean it"
        )
    return None


def format_duration(seconds: float) -> str:
    """A duration as `parse_duration` reads it, rounded for people: "45s", "22m", "3.5h"."""
    seconds = max(0.0, seconds)
    if seconds < 120:
        return f"{seconds:.0f}s"
    if seconds < 7200:
        return f"{seconds / 60:.0f}m"
    return f"{seconds / 3600:.1f}h"


def parse_size(text: str | int) -> int | None:
    """Bytes in "10MB", "512kb", or a bare number of bytes; None if unreadable."""
    if isinstance(text, int) and not isinstance(text, bool):
        return text if text > 0 else None
    match = _SIZE.match(str(text))
    if not match:
        return None
    size = int(float(match[1]) * _SIZE_BYTES[(match[2] or "b").lower()])
    return size if size > 0 else None


def load_sources(path: Path | str) -> list[Source]:
    """All sources of a file, or ConfigError naming every problem in it."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(path, ["file not found"]) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(path, [f"not valid TOML: {exc}"]) from None
    sources, problems = parse_sources(data)
    if problems:
        raise ConfigError(path, problems)
    return sources


def parse_sources(data: Mapping[str, Any]) -> tuple[list[Source], list[str]]:
    """Sources from parsed TOML, and the list of problems (empty when all is well)."""
    problems: list[str] = []
    defaults = data.get("defaults", {})
    if not isinstance(defaults, Mapping):
        return [], ["[defaults] must be a table"]
    for key in sorted(set(data) - {"defaults", "source", "engine"}):
        problems.append(
            f"unknown top-level key {key!r} (expected [defaults], [[source]] and [engine])"
        )
    if "engine" in data:
        problems.extend(_check_engine(data["engine"]))
    # a typo in [defaults] is one problem of [defaults], not one of every source
    problems.extend(
        f"[defaults]: unknown field {key!r}" for key in sorted(set(defaults) - KNOWN_KEYS)
    )
    tables = data.get("source", [])
    if not isinstance(tables, list):
        return [], [*problems, "'source' must be an array of tables: write [[source]]"]
    sources: list[Source] = []
    seen: dict[str, int] = {}
    for index, table in enumerate(tables, start=1):
        label = f"source #{index}"
        if isinstance(table, Mapping) and isinstance(table.get("name"), str):
            label = f"source {table['name']!r}"
            if table["name"] in seen:
                problems.append(f"{label}: duplicate name (also source #{seen[table['name']]})")
            seen.setdefault(table["name"], index)
        source, errors = _parse_source(table, defaults)
        for error in errors:
            line = _blame(error, table, defaults, label)
            if line not in problems:
                problems.append(line)
        if source is not None:
            sources.append(source)
    return sources, problems


def _blame(error: str, table: Any, defaults: Mapping[str, Any], label: str) -> str:
    """The problem as one line naming where its value was written: the source's own table,
    or [defaults] when the source took the value from there."""
    field = re.match(r"field '([a-z_]+)", error)
    if field and isinstance(table, Mapping) and field[1] in defaults and field[1] not in table:
        return f"[defaults]: {error}"
    return f"{label}: {error}"


def _check_engine(table: Any) -> list[str]:
    """Problems of the story engine's `[engine]` table (see monitor.story.config)."""
    from monitor.story.config import EngineConfig, EngineConfigError

    if not isinstance(table, Mapping):
        return ["[engine] must be a table"]
    try:
        EngineConfig().with_values(table)
    except EngineConfigError as exc:
        return [f"[engine] {problem}" for problem in exc.problems]
    return []


def _parse_source(table: Any, defaults: Mapping[str, Any]) -> tuple[Source | None, list[str]]:
    if not isinstance(table, Mapping):
        return None, ["must be a table"]
    merged = {**defaults, **table}
    if isinstance(defaults.get("selectors"), Mapping) and isinstance(
        table.get("selectors"), Mapping
    ):
        merged["selectors"] = {**defaults["selectors"], **table["selectors"]}
    errors = [f"unknown field {key!r}" for key in sorted(set(table) - KNOWN_KEYS)]
    name, kind, url = merged.get("name"), merged.get("kind"), merged.get("url")
    if not isinstance(name, str) or not name:
        errors.append("missing field 'name'")
    elif not _NAME.match(name):
        errors.append(f"field 'name': {name!r} must be letters, digits, '-', '_' or '.'")
    if kind is None:
        errors.append("missing field 'kind'")
    elif kind not in KINDS:
        errors.append(f"field 'kind': unknown kind {kind!r} (expected one of {', '.join(KINDS)})")
    if url is None:
        errors.append("missing field 'url'")
    elif not isinstance(url, str) or not is_http_url(url):
        errors.append(f"field 'url': {url!r} is not an http(s) URL")
    platform = merged.get("platform", DEFAULT_PLATFORM.get(str(kind), "web"))
    if platform not in PLATFORMS:
        errors.append(f"field 'platform': unknown platform {platform!r}")
    errors.extend(_check_optional(merged, str(kind)))
    if errors:
        return None, errors
    # (no errors: name, kind and url were each found to be a string above)
    name, kind, url = cast(str, name), cast(str, kind), cast(str, url)
    return (
        Source(
            name=name,
            kind=kind,
            url=url.strip(),
            platform=platform,
            every=str(merged.get("every", DEFAULT_EVERY)),
            timezone=merged.get("timezone", DEFAULT_TIMEZONE),
            lang=merged.get("lang"),
            enabled=merged.get("enabled", True),
            full_text=merged.get("full_text", False),
            selectors=dict(merged.get("selectors", {})),
            max_pages=merged.get("max_pages", DEFAULT_MAX_PAGES[kind]),
            max_size=parse_size(merged.get("max_size", DEFAULT_MAX_SIZE)) or DEFAULT_MAX_SIZE,
        ),
        [],
    )


def _check_optional(merged: Mapping[str, Any], kind: str) -> list[str]:
    errors: list[str] = []
    if "every" in merged and (problem := every_problem(merged["every"], merged.get("force_every"))):
        errors.append(problem)
    if "force_every" in merged and not isinstance(merged["force_every"], bool):
        errors.append("field 'force_every': must be true or false")
    if "timezone" in merged:
        try:
            ZoneInfo(str(merged["timezone"]))
        except (ZoneInfoNotFoundError, ValueError):
            errors.append(f"field 'timezone': unknown timezone {merged['timezone']!r}")
    for key in ("enabled", "full_text"):
        if key in merged and not isinstance(merged[key], bool):
            errors.append(f"field {key!r}: must be true or false")
    if "lang" in merged and not isinstance(merged["lang"], str):
        errors.append("field 'lang': must be a language code such as \"ar\"")
    max_pages = merged.get("max_pages", 1)
    if not isinstance(max_pages, int) or isinstance(max_pages, bool) or max_pages < 1:
        errors.append(f"field 'max_pages': must be a whole number ≥ 1, not {max_pages!r}")
    if "max_size" in merged and parse_size(merged["max_size"]) is None:
        errors.append(f"field 'max_size': cannot read {merged['max_size']!r} (write e.g. '10MB')")
    errors.extend(_check_selectors(merged.get("selectors", {}), kind))
    return errors


def _check_selectors(selectors: Any, kind: str) -> list[str]:
    if not isinstance(selectors, Mapping):
        return ["field 'selectors': must be a table of KEY = \"CSS or XPath\""]
    from monitor.collect.parsers.article import check_selector

    errors = []
    for key, expr in selectors.items():
        if key not in SELECTOR_KEYS:
            errors.append(
                f"field 'selectors.{key}': unknown key (expected {', '.join(SELECTOR_KEYS)})"
            )
        elif not isinstance(expr, str) or not expr.strip():
            errors.append(f"field 'selectors.{key}': must be a non-empty selector string")
        elif reason := check_selector(expr):
            errors.append(f"field 'selectors.{key}': bad selector {expr!r}: {reason}")
    if kind == "html" and "links" not in selectors:
        errors.append("field 'selectors.links': required for kind 'html' (the article links)")
    return errors
