"""`monitor sources validate` and `monitor sources add`: check a sources file, append a source.

The rules live in `monitor.collect.sources`; this module only reads, renders and writes. A new
source is appended as text after the untouched original, so every comment and blank line of the file
stays byte for byte, and the file is replaced atomically only once the result validates.
"""

from __future__ import annotations

import tomllib
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path

import tomlkit
from tomlkit.items import String, Table

from monitor.collect.sources import SELECTOR_KEYS, ConfigError, load_sources, parse_sources
from monitor.store.atomic import atomic_file

HEADER = (
    "# The sources `monitor crawl` reads: one [[source]] table a source; see README.md,\n"
    '# "Adding a source".\n'
)
EXISTING = "already in the file: "  # marks problems the operator must fix before adding
_ARGUMENT_KEYS = ("name", "kind", "url", "platform", "every", "selectors")


def validate_file(path: Path) -> list[str]:
    """Every problem of a sources file, one line each (empty list when it is fine)."""
    try:
        load_sources(path)
    except ConfigError as exc:
        return exc.problems
    except OSError as exc:
        return [f"cannot read: {exc.strerror or exc}"]
    return []


def parse_selector_options(pairs: Sequence[str]) -> dict[str, str]:
    """`KEY=CSS` strings from --selector options into a dict; ConfigError for a pair without '='
    or an unknown key (the selector itself is checked when the source is added)."""
    selectors: dict[str, str] = {}
    problems: list[str] = []
    for pair in pairs:
        key, sep, expr = pair.partition("=")  # the first '=': CSS such as a[rel=author] has more
        key = key.strip()
        if not sep:
            problems.append(f"{pair!r}: expected KEY=SELECTOR, e.g. 'links=h2 a'")
        elif key not in SELECTOR_KEYS:
            problems.append(f"{pair!r}: unknown key {key!r} (expected {', '.join(SELECTOR_KEYS)})")
        elif key in selectors:
            problems.append(f"{pair!r}: key {key!r} given twice")
        else:
            selectors[key] = expr.strip()
    if problems:
        raise ConfigError("--selector", problems)
    return selectors


def add_source(
    path: Path,
    name: str,
    kind: str,
    url: str,
    *,
    platform: str | None = None,
    every: str | None = None,
    selectors: Mapping[str, str] | None = None,
    extra: Mapping[str, object] | None = None,
) -> None:
    """Validate the new source together with the file's existing ones, then append it as a new
    [[source]] table, keeping every byte of the file before it.

    Raises ConfigError listing every problem (those already in the file marked with
    `EXISTING`) and leaves the file untouched when there is any. A missing file is created
    with `HEADER`. The write goes through a temp file in the same directory and os.replace,
    so a crash leaves the old file or the new one, never half of one; the file keeps its
    permissions. OSError when the file cannot be written.
    """
    path = Path(path)
    original = _read(path)
    table, problems = _new_table(name, kind, url, platform, every, selectors, extra)
    base = HEADER if original is None else original
    text = _append(base, _render(table))
    problems = _problems(base, text) + problems
    if problems:
        raise ConfigError(path, problems)
    with atomic_file(path) as handle:
        handle.write(text.encode("utf-8"))


def _read(path: Path) -> str | None:
    """The file's text exactly as stored (no newline translation), None when it is missing."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        if not path.parent.is_dir():
            raise ConfigError(path, [f"directory {str(path.parent)!r} not found"]) from None
        return None
    except OSError as exc:
        raise ConfigError(path, [f"cannot read: {exc.strerror or exc}"]) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(path, [f"{EXISTING}not valid TOML: not UTF-8 ({exc.reason})"]) from None


def _new_table(
    name: str,
    kind: str,
    url: str,
    platform: str | None,
    every: str | None,
    selectors: Mapping[str, str] | None,
    extra: Mapping[str, object] | None,
) -> tuple[Table, list[str]]:
    """The [[source]] table as a person writes it: name, kind, url, the optional keys, then a
    [source.selectors] sub-table; and the problems of values TOML cannot hold."""
    label = f"source {name!r}"
    problems: list[str] = []
    table = tomlkit.table()
    fields: list[tuple[str, object]] = [("name", name), ("kind", kind), ("url", url)]
    fields += [
        (key, value)
        for key, value in (("platform", platform), ("every", every))
        if value is not None
    ]
    for key, value in (extra or {}).items():
        if key in _ARGUMENT_KEYS:
            problems.append(f"{label}: field {key!r}: give it as its own option, not in extra")
        else:
            fields.append((key, value))
    for key, value in fields:
        try:
            table.add(key, _string(value) if isinstance(value, str) else tomlkit.item(value))
        except (TypeError, ValueError):  # tomlkit's ConvertError is both
            problems.append(f"{label}: field {key!r}: TOML cannot hold {value!r}")
    if selectors:
        sub = tomlkit.table()
        for key, expr in selectors.items():
            sub.add(key, _string(expr))
        table.add("selectors", sub)
        sub.trivia.indent = ""  # tomlkit puts a blank line above a sub-table; people do not
    return table, problems


def _string(value: str) -> String:
    """A basic string, or a literal one where that spares escapes ('//div[@id="x"]')."""
    literal = ('"' in value or "\\" in value) and "'" not in value and value.isprintable()
    return tomlkit.string(value, literal=literal)


def _render(table: Table) -> str:
    document = tomlkit.document()
    tables = tomlkit.aot()
    tables.append(table)
    document.append("source", tables)
    return document.as_string()


def _append(base: str, rendered: str) -> str:
    """`base` unchanged, then a blank line and `rendered` in the file's own line endings."""
    newline = "\r\n" if "\r\n" in base else "\n"
    if base and not base.endswith("\n"):
        base += newline
    if base.strip() and base.splitlines()[-1].strip():
        base += newline
    return base + rendered.replace("\n", newline)


def _problems(base: str, text: str) -> list[str]:
    """The problems of the would-be file `text`; those `base` already has come first, marked."""
    try:
        before = tomllib.loads(base)
    except tomllib.TOMLDecodeError as exc:
        return [f"{EXISTING}not valid TOML: {exc}"]
    existing = parse_sources(before)[1]
    marked = [EXISTING + problem for problem in existing]
    try:
        after = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:  # e.g. `source = [...]` written as an inline array
        return marked or [f"cannot append a [[source]] table to this file: {exc}"]
    # The new source's problems are the would-be file's less those the file has already.
    unmatched = Counter(existing)
    new = []
    for problem in parse_sources(after)[1]:
        if unmatched[problem]:
            unmatched[problem] -= 1
        else:
            new.append(problem)
    return marked + new
