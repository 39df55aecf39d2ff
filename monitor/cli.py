"""The `monitor` command line (see `monitor --help` and DESIGN.md's CLI contract).

Exit statuses: 0 all well, 1 some source failed (each named in the summary), 2 bad usage or a
bad sources file. Problems are one line each on stderr, never a traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

import click

from monitor import __version__
from monitor.sources import ConfigError, Source, load_sources

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def data_dir_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--data-dir",
        type=click.Path(file_okay=False, path_type=Path),
        envvar="MONITOR_DATA_DIR",
        default="data",
        show_default=True,
        help="Where the store and export/ live (env MONITOR_DATA_DIR).",
    )(func)


def sources_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--sources",
        "sources_file",
        type=click.Path(dir_okay=False, path_type=Path),
        envvar="MONITOR_SOURCES",
        default="sources.toml",
        show_default=True,
        help="The sources file (env MONITOR_SOURCES).",
    )(func)


def settings_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "-s",
        "--set",
        "overrides",
        multiple=True,
        metavar="NAME=VALUE",
        help="Override a Scrapy setting for this run, e.g. -s DOWNLOAD_DELAY=2 (repeatable).",
    )(func)


def parse_overrides(pairs: Sequence[str]) -> dict[str, str]:
    overrides = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            fail(f"--set wants NAME=VALUE, not {pair!r}")
        overrides[name.strip()] = value
    return overrides


def fail(message: str, status: int = EXIT_USAGE) -> NoReturn:
    click.echo(f"monitor: {message}", err=True)
    sys.exit(status)


def read_sources(path: Path) -> list[Source]:
    try:
        return load_sources(path)
    except ConfigError as exc:
        for problem in exc.problems:
            click.echo(f"monitor: {exc.path}: {problem}", err=True)
        sys.exit(EXIT_USAGE)


def pick_sources(sources: list[Source], names: Sequence[str], path: Path) -> list[Source]:
    if not names:
        return [source for source in sources if source.enabled]
    by_name = {source.name: source for source in sources}
    unknown = [name for name in names if name not in by_name]
    if unknown:
        fail(f"{path}: no source named {', '.join(map(repr, unknown))}")
    return [by_name[name] for name in names]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="monitor")
def cli() -> None:
    """Watch local news observatories on websites, RSS, Telegram and X: keep every post once,
    in SQLite and in export/posts.jsonl."""


@cli.command()
@sources_option
@data_dir_option
@click.option(
    "--only", "only", multiple=True, metavar="NAME", help="Crawl only this source (repeatable)."
)
@click.option("-v", "--verbose", is_flag=True, help="Show Scrapy's log on stderr.")
@settings_option
def crawl(
    sources_file: Path,
    data_dir: Path,
    only: tuple[str, ...],
    verbose: bool,
    overrides: tuple[str, ...],
) -> None:
    """Crawl the enabled sources once and print a per-source summary."""
    from monitor.crawl import crawl_settings, run_sources
    from monitor.report import print_summary

    sources = pick_sources(read_sources(sources_file), only, sources_file)
    if not sources:
        fail(f"{sources_file}: no enabled sources")
    settings = crawl_settings(data_dir, verbose=verbose, overrides=parse_overrides(overrides))
    reports = run_sources(sources, settings)
    print_summary(reports)
    sys.exit(EXIT_FAILED if any(r.status == "failed" for r in reports) else EXIT_OK)


@cli.command()
@data_dir_option
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), help="Posts snapshot (JSONL)."
)
@click.option(
    "--threads",
    "threads_out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Threads snapshot (JSONL).",
)
@click.option(
    "--since", metavar="ISO", help="Only posts published (else collected) at or after this time."
)
def export(data_dir: Path, out: Path | None, threads_out: Path | None, since: str | None) -> None:
    """Write a consistent snapshot of the current posts, atomically."""
    from monitor.records import utc_iso
    from monitor.snapshot import write_jsonl_atomically
    from monitor.storage import open_store

    if out is None and threads_out is None:
        fail("export: give --out FILE (and/or --threads FILE)")
    if since and not utc_iso(since):
        fail(f"export: --since {since!r} is not an ISO 8601 time (e.g. 2023-12-19T08:00:00+03:00)")
    if not (data_dir / "monitor.sqlite3").exists():
        fail(f"export: no store in {data_dir} (run `monitor crawl` first, or give --data-dir)")
    store = open_store(data_dir)
    try:
        if out is not None:
            count = write_jsonl_atomically(out, store.iter_posts(since=since))
            click.echo(f"wrote {count} posts to {out}", err=True)
        if threads_out is not None:
            fail("export: --threads needs the story engine, which this version does not have yet")
    finally:
        store.close()


@cli.group()
def sources() -> None:
    """List, check, add and validate sources."""


@sources.command("list")
@sources_option
def sources_list(sources_file: Path) -> None:
    """Show the sources of the file."""
    from monitor.report import print_sources

    print_sources(read_sources(sources_file))


@sources.command("check")
@sources_option
@click.argument("name")
@click.option("-v", "--verbose", is_flag=True, help="Show Scrapy's log on stderr.")
@settings_option
def sources_check(sources_file: Path, name: str, verbose: bool, overrides: tuple[str, ...]) -> None:
    """Crawl one source now and print its posts as JSON lines, storing nothing."""
    from monitor.crawl import crawl_settings, run_sources
    from monitor.report import print_check_line

    [source] = pick_sources(read_sources(sources_file), [name], sources_file)
    settings = crawl_settings(
        None, check=True, verbose=verbose, overrides=parse_overrides(overrides)
    )
    [report] = run_sources([source], settings)
    print_check_line(report)
    sys.exit(EXIT_FAILED if report.status == "failed" else EXIT_OK)


@cli.command()
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Crawl into this dir instead of a fresh temporary one.",
)
@click.option("--show", default=8, show_default=True, help="How many posts to print.")
def demo(data_dir: Path | None, show: int) -> None:
    """Serve the bundled Arabic captures on 127.0.0.1 and crawl them end to end."""
    from monitor.demo import run_demo

    sys.exit(run_demo(data_dir, show=show))


def main() -> None:
    cli(prog_name="monitor")
