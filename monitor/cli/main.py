"""The `monitor` command line (see `monitor --help` and the README's commands).

Exit statuses: 0 all well, 1 some source failed (each named in the summary), 2 bad usage or a
bad sources file. Problems are one line each on stderr, never a traceback.
"""

from __future__ import annotations

import gzip
import os
import shlex
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, NoReturn, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click

from monitor import __version__
from monitor.collect.sources import ConfigError, Source, load_sources

if TYPE_CHECKING:
    from monitor.collect.crawl import SourceReport
    from monitor.store import Store
    from monitor.story.config import EngineConfig

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def data_dir_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """--data-dir, and --store beside it: every command with a data dir has a store."""
    return click.option(
        "--data-dir",
        type=click.Path(file_okay=False, path_type=Path),
        envvar="MONITOR_DATA_DIR",
        default="data",
        show_default=True,
        help="Where the store and export/ live (env MONITOR_DATA_DIR).",
    )(store_option(func))


def store_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--store",
        metavar="URL",
        envvar="MONITOR_STORE",
        expose_value=False,
        callback=_use_store,
        help="Keep the store in PostgreSQL (postgresql://USER@HOST/DB) instead of SQLite in "
        "the data dir; export/ and the lock stay in the data dir (env MONITOR_STORE).",
    )(func)


def _use_store(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    # Through the environment, so that every store the process opens (Scrapy's pipelines and
    # spiders too) is this one.
    if value is not None:
        os.environ["MONITOR_STORE"] = value


def redis_options(
    help: str, *, required: bool = False
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """`--redis URL` and `--stream NAME`: the Redis stream of raw items (several machines)."""
    from monitor.stream import STREAM

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        func = click.option(
            "--stream",
            envvar="MONITOR_REDIS_STREAM",
            default=STREAM,
            show_default=True,
            help="The Redis stream of raw items (env MONITOR_REDIS_STREAM).",
        )(func)
        return click.option(
            "--redis",
            "redis_url",
            envvar="MONITOR_REDIS_URL",
            required=required,
            metavar="URL",
            callback=_redis_url,
            help=help + " (env MONITOR_REDIS_URL).",
        )(func)

    return decorate


def _redis_url(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    from monitor.stream import shown

    if value is not None and value.split(":", 1)[0] not in ("redis", "rediss", "unix"):
        raise click.BadParameter(f"{shown(value)!r} is not a Redis URL (redis://HOST:PORT/DB)")
    return value


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


def engine_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--engine",
        "engine_file",
        type=click.Path(dir_okay=False, path_type=Path),
        envvar="MONITOR_ENGINE",
        default=None,
        help="The story engine's settings: a TOML file, its [engine] table or the whole file "
        "(env MONITOR_ENGINE; default: the sources file's [engine] table, else the defaults).",
    )(func)


def engine_config(
    engine_file: Path | None, sources_file: Path | None = None, assignments: Sequence[str] = ()
) -> EngineConfig:
    """The engine configuration of a command: its file, or the sources file's [engine] table,
    then any --set KEY=VALUE; a bad one is every problem on stderr and exit 2."""
    from monitor.story.config import (
        EngineConfig,
        EngineConfigError,
        load_engine_config,
        parse_assignments,
    )

    try:
        if engine_file is not None:
            config = load_engine_config(engine_file)
        elif sources_file is not None and sources_file.is_file():
            config = load_engine_config(sources_file, required=False)
        else:
            config = EngineConfig()
        if assignments:
            config = config.with_values(parse_assignments(assignments), origin="--set")
    except EngineConfigError as exc:
        for problem in exc.problems:
            click.echo(f"monitor: {exc.origin}: {problem}", err=True)
        sys.exit(EXIT_USAGE)
    return config


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
@engine_option
@redis_options("Send the raw items to a Redis stream, store nothing here")
def crawl(
    sources_file: Path,
    data_dir: Path,
    only: tuple[str, ...],
    verbose: bool,
    overrides: tuple[str, ...],
    engine_file: Path | None,
    redis_url: str | None,
    stream: str,
) -> None:
    """Crawl the enabled sources once and print a per-source summary."""
    from monitor.cli.report import print_summary
    from monitor.collect.crawl import Stopped, crawl_settings, run_sources

    sources = pick_sources(read_sources(sources_file), only, sources_file)
    if not sources:
        fail(f"{sources_file}: no enabled sources")
    config = engine_config(engine_file, sources_file)
    if redis_url:
        # a worker: its raw items go to the stream; its runs are recorded here as always
        from monitor.cli.ingest import reachable, worker_settings

        reachable(redis_url, "crawl")
        overrides = (*overrides, *worker_settings(redis_url, stream))
    start_data_dir(data_dir, "crawl")
    settings = crawl_settings(data_dir, verbose=verbose, overrides=parse_overrides(overrides))
    from monitor.collect.progress import on_terminal

    try:
        with hold_lock(data_dir, "crawl"):
            crawled = run_sources(
                sources,
                settings,
                data_dir,
                progress=on_terminal() and not verbose,
                engine_config=config,
            )
    except (Stopped, KeyboardInterrupt) as stop:
        signum = stop.signum if isinstance(stop, Stopped) else signal.SIGINT
        click.echo(
            f"monitor: crawl: stopped by {signal.Signals(signum).name} before crawling", err=True
        )
        sys.exit(128 + signum)
    print_summary(crawled.reports)
    if crawled.stopped_by is not None:
        name = signal.Signals(crawled.stopped_by).name
        click.echo(
            f"monitor: crawl: stopped by {name}; what was collected is stored, and each "
            "source's run is recorded as interrupted",
            err=True,
        )
        sys.exit(128 + crawled.stopped_by)
    sys.exit(EXIT_FAILED if any(r.status == "failed" for r in crawled.reports) else EXIT_OK)


@cli.command()
@sources_option
@data_dir_option
@click.option("-v", "--verbose", is_flag=True, help="Show Scrapy's log on stderr.")
@settings_option
@engine_option
@click.option(
    "--report",
    "report_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Keep the site of `monitor report` in this directory up to date.",
)
@redis_options("Lead crawl workers (`monitor worker`) through Redis instead of crawling here")
@click.option(
    "--run-timeout",
    type=click.FloatRange(min=1),
    default=3600.0,
    show_default=True,
    metavar="SECONDS",
    help="With --redis: a run on for longer is ended as interrupted (its requests were lost).",
)
def schedule(
    sources_file: Path,
    data_dir: Path,
    verbose: bool,
    overrides: tuple[str, ...],
    engine_file: Path | None,
    report_dir: Path | None,
    redis_url: str | None,
    stream: str,
    run_timeout: float,
) -> None:
    """Crawl each enabled source whenever it is due, until stopped (SIGTERM or Ctrl-C).
    With --report DIR, the site of `monitor report` is refreshed after each crawl that
    stored something.
    The sources file is read again on SIGHUP and whenever it is modified.
    With --redis URL it crawls nothing itself: it leads the workers (`monitor worker`), putting
    each due source's entry page in their shared queue; `monitor ingest` stores and records."""
    from monitor.collect.crawl import crawl_settings
    from monitor.collect.schedule import Scheduler

    sources = pick_sources(read_sources(sources_file), (), sources_file)
    if not sources:
        fail(f"{sources_file}: no enabled sources")
    if redis_url:
        from monitor.cli.ingest import run_leader

        run_leader(redis_url, stream, data_dir, sources_file, sources, run_timeout)
        return
    config = engine_config(engine_file, sources_file)
    start_data_dir(data_dir, "schedule")
    settings = crawl_settings(data_dir, verbose=verbose, overrides=parse_overrides(overrides))
    with hold_lock(data_dir, "schedule"):
        Scheduler(
            sources,
            settings,
            data_dir,
            announce=click.echo,
            engine_config=config,
            sources_file=sources_file,
            after_crawl=site_refresher(data_dir, report_dir) if report_dir else None,
        ).run()
    sys.exit(EXIT_OK)


@cli.command()
@sources_option
@data_dir_option
@redis_options("Show the backlog of the Redis stream too")
def status(sources_file: Path, data_dir: Path, redis_url: str | None, stream: str) -> None:
    """Every source's health: last run, last success, failures in a row, next due, warnings.
    Exit 1 when an enabled source's last run failed or it went silent (for cron and
    monitoring checks); sources with runs in the data dir but not in the file are listed too."""
    from monitor.cli.report import print_status
    from monitor.collect.health import failing

    reached = True
    if redis_url:
        from monitor.cli.ingest import print_backlog

        reached = print_backlog(redis_url, stream)
    sources = read_sources(sources_file)
    store = open_existing_store(data_dir)
    try:
        states = {source.name: store.get_source_state(source.name) for source in sources}
        elsewhere = {
            name: store.get_source_state(name)
            for name in store.source_names()
            if name not in states
        }
    finally:
        store.close()
    print_status(sources, states, elsewhere, sources_file.name)
    if not reached or any(source.enabled and failing(states[source.name]) for source in sources):
        sys.exit(EXIT_FAILED)


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
    from monitor.store.records import dump_thread_snapshot, utc_iso
    from monitor.store.snapshot import thread_snapshot, write_jsonl_atomically

    if out is None and threads_out is None:
        fail("export: give --out FILE (and/or --threads FILE)")
    if since and not utc_iso(since):
        fail(f"export: --since {since!r} is not an ISO 8601 time (e.g. 2023-12-19T08:00:00+03:00)")
    store = open_existing_store(data_dir)
    try:
        if out is not None:
            count = write_jsonl_atomically(out, store.iter_posts(since=since))
            click.echo(f"wrote {count} posts to {out}", err=True)
        if threads_out is not None:
            count = write_jsonl_atomically(
                threads_out, thread_snapshot(store), dump=dump_thread_snapshot
            )
            click.echo(f"wrote {count} threads to {threads_out}", err=True)
    finally:
        store.close()


@cli.command()
@click.argument("file", type=click.File("rb"))
@data_dir_option
@engine_option
def replay(file: BinaryIO, data_dir: Path, engine_file: Path | None) -> None:
    """Run raw items or exported records (JSONL, or .jsonl.gz; - for stdin) through the
    pipelines. Exit 1 when
    any line was refused (each is named; the good lines are kept)."""
    from monitor.collect.progress import replay_progress
    from monitor.collect.replay import ReplayReport, input_ready, read_lines
    from monitor.collect.replay import replay as run_replay

    config = engine_config(engine_file)
    start_data_dir(data_dir, "replay")
    report = ReplayReport()
    total = _size(file)
    # a .gz file (the real sets ship so) is read as the JSONL it holds
    lines: BinaryIO = (
        cast(BinaryIO, gzip.GzipFile(fileobj=file))
        if getattr(file, "name", "").endswith(".gz")
        else file
    )
    with hold_lock(data_dir, "replay"), replay_progress(total) as show:
        run_replay(
            read_lines(lines, report),
            data_dir,
            report,
            progress=lambda r: show(_position(file), r.posts),
            more_ready=input_ready(file),
            engine_config=config,
        )
    click.echo(
        f"replayed {report.lines} lines: {report.new} new posts, {report.updated} updated, "
        f"{report.unchanged} unchanged, {report.invalid} invalid",
        err=True,
    )
    for problem in report.problems:
        click.echo(f"monitor: {getattr(file, 'name', '-')}: {problem}", err=True)
    if report.invalid:
        # the good lines are kept; a script or cron job still learns that some were refused
        sys.exit(EXIT_FAILED)


def tz_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--tz",
        "zone",
        default="Asia/Damascus",
        show_default=True,
        callback=_zone,
        help="Show times in this zone (an IANA name such as Europe/Berlin, or UTC).",
    )(func)


def _zone(ctx: click.Context, param: click.Parameter, value: str) -> ZoneInfo:
    try:
        return ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        message = f"{value!r} is not a time zone (e.g. Asia/Damascus, UTC)"
        raise click.BadParameter(message) from None


@cli.command()
@data_dir_option
@click.option("--all", "show_all", is_flag=True, help="Closed threads too.")
@click.option("--limit", default=30, show_default=True, help="How many threads.")
@tz_option
def threads(data_dir: Path, show_all: bool, limit: int, zone: ZoneInfo) -> None:
    """List story threads, the most recently active first. A thread closes after a quiet spell
    in its posts' own times, not by the clock: an archive replayed today keeps threads "open"
    whose last post is recent beside the newest post it holds."""
    from monitor.cli.report import print_threads

    store = open_existing_store(data_dir)
    try:
        records = [t for t in store.iter_threads() if show_all or t.get("status") == "open"]
    finally:
        store.close()
    print_threads(
        sorted(records, key=lambda t: (t["last_seen"], t["thread_id"]), reverse=True)[:limit],
        zone,
    )


@cli.command("thread")
@data_dir_option
@click.argument("thread_id")
@tz_option
def thread_command(data_dir: Path, thread_id: str, zone: ZoneInfo) -> None:
    """Print one thread as a timeline, with follow-up and copy marks."""
    from monitor.cli.report import print_timeline

    store = open_existing_store(data_dir)
    try:
        record = store.get_thread(thread_id)
        if record is None:
            fail(f"thread: no thread {thread_id!r} in {data_dir}")
        posts = store.thread_posts(thread_id)
    finally:
        store.close()
    print_timeline(record, posts, zone)


@cli.command("report")
@data_dir_option
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The site's directory (made if missing); open OUT/index.html in a browser.",
)
@click.option(
    "--since",
    metavar="ISO",
    help="Write only the pages of threads with a post at or after this time "
    "(the index still lists every thread).",
)
@click.option(
    "--threads",
    "thread_ids",
    multiple=True,
    metavar="ID",
    help="Write only this thread's page (repeatable).",
)
@tz_option
def report_command(
    data_dir: Path, out: Path, since: str | None, thread_ids: tuple[str, ...], zone: ZoneInfo
) -> None:
    """Write the story threads as a static site that opens from file:// (no server, no CDN):
    an index with filters and search, a timeline page per thread. A run after a crawl rewrites
    only the pages whose thread changed."""
    from monitor.site import SiteError, build_site

    if not data_dir.is_dir():
        fail(f"no data dir at {data_dir} (run `monitor crawl` first, or give --data-dir)")
    try:
        result = build_site(data_dir, out, since=since, thread_ids=thread_ids or None, tz=zone.key)
    except SiteError as error:
        fail(f"report: {error}")
    click.echo(
        f"{result.threads} threads: {result.written} pages written, {result.unchanged} "
        f"unchanged, {result.retired} retired; open {result.index}",
        err=True,
    )


@cli.command("eval")
@click.argument("labelled", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--mistakes",
    is_flag=True,
    help="List each wrong decision with its evidence: threads wrongly joined or split, copies,"
    " follow-ups.",
)
@click.option(
    "--stories",
    is_flag=True,
    help="Show each labelled story's part in the thread scores, the costliest first: the"
    " threads it spread over and the other posts in its main thread.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the scores as one JSON object.")
@click.option(
    "--set",
    "assignments",
    multiple=True,
    metavar="KEY=VALUE",
    help="Try an engine setting without editing code, e.g. --set threads.join=0.25"
    " (repeatable; `monitor eval --help` lists none, the README lists them all).",
)
@engine_option
def eval_command(
    labelled: Path,
    mistakes: bool,
    stories: bool,
    as_json: bool,
    assignments: tuple[str, ...],
    engine_file: Path | None,
) -> None:
    """Replay a labelled file (JSONL, optionally .gz) into a temporary data dir and print the
    engine's scores."""
    import json

    from monitor.cli.report import print_scores, print_story_scores
    from monitor.story.evaluate import evaluate, load_labelled

    # its replay is scratch work in a temporary data dir, never in a shared store
    os.environ.pop("MONITOR_STORE", None)
    config = engine_config(engine_file, None, assignments)
    result = evaluate(load_labelled(labelled), config=config)
    if as_json:
        found = {**result.scores.as_dict(), "engine_config": config.digest()}
        if stories:
            found["stories"] = [row.as_dict() for row in result.stories]
        click.echo(json.dumps(found, ensure_ascii=False))
    else:
        print_scores(labelled.name, result.scores)
        if stories:
            print_story_scores(result.stories)
        click.echo(f"engine configuration {config.digest()}", err=True)
    if mistakes:
        for mistake in result.mistakes:
            click.echo(json.dumps(mistake, ensure_ascii=False))


def _size(handle: BinaryIO) -> int | None:
    try:
        return os.fstat(handle.fileno()).st_size or None
    except (OSError, ValueError):
        return None


def _position(handle: BinaryIO) -> int:
    try:
        return handle.tell()
    except (OSError, ValueError):
        return 0


@contextmanager
def hold_lock(data_dir: Path, command: str) -> Iterator[None]:
    """The data dir's lock for the whole command, or a one-line refusal (exit 2)."""
    from monitor.store.lock import DataDirBusy, DataDirLock

    lock = DataDirLock(data_dir, command)
    try:
        lock.acquire()
    except DataDirBusy as busy:
        fail(f"{command}: {busy}")
    try:
        yield
    finally:
        lock.release()


def start_data_dir(data_dir: Path, command: str) -> None:
    """Make the data dir of a command that starts a store, in a directory that exists: a typo
    in a parent (/srv/moniter/data) is refused, not turned into a new, empty store."""
    if data_dir.is_dir():
        return
    if data_dir.exists():
        fail(f"{command}: --data-dir {data_dir} is not a directory")
    if not data_dir.parent.is_dir():
        fail(
            f"{command}: no directory {data_dir.parent} to make the data dir {data_dir.name} "
            "in (a typo in --data-dir?); create it first"
        )
    data_dir.mkdir()


def site_refresher(data_dir: Path, out: Path) -> Callable[[SourceReport], None]:
    """After a crawl that stored something, rewrite the site's pages whose thread changed; a
    failure is one line, and the schedule goes on."""
    from monitor.site import SiteError, build_site

    def refresh(report: SourceReport) -> None:
        if not (report.new or report.updated):
            return
        try:
            result = build_site(data_dir, out)
        except SiteError as error:
            click.echo(f"monitor: schedule: report: {error}", err=True)
            return
        click.echo(f"  site {out}: {result.written} pages written, {result.unchanged} unchanged")

    return refresh


def open_existing_store(data_dir: Path) -> Store:
    """The store of a command that only reads, seeing one committed state throughout."""
    from monitor.store import StoreUnavailable, open_snapshot, store_path, store_url

    try:
        # (with PostgreSQL the data dir holds only the logs, which these commands do not read)
        if store_url() is None:
            if not data_dir.is_dir():
                fail(f"no data dir at {data_dir} (run `monitor crawl` first, or give --data-dir)")
            if not store_path(data_dir).exists():
                fail(f"no store in {data_dir} (run `monitor crawl` first, or give --data-dir)")
        return open_snapshot(data_dir)
    except StoreUnavailable as error:
        fail(str(error))


@cli.group()
def sources() -> None:
    """List, check, add and validate sources."""


@sources.command("list")
@sources_option
def sources_list(sources_file: Path) -> None:
    """Show the sources of the file."""
    from monitor.cli.report import print_sources

    print_sources(read_sources(sources_file))


@sources.command("validate")
@sources_option
def sources_validate(sources_file: Path) -> None:
    """Check the sources file and list every problem in it (exit 2 if any)."""
    from monitor.collect.sources_edit import validate_file

    problems = validate_file(sources_file)
    for problem in problems:
        click.echo(f"monitor: {sources_file}: {problem}", err=True)
    if problems:
        sys.exit(EXIT_USAGE)
    count = len(load_sources(sources_file))
    click.echo(f"{sources_file}: {count} sources, no problems")


@sources.command("add")
@sources_option
@click.argument("name")
@click.option("--kind", required=True, help="rss, telegram or html.")
@click.option("--url", required=True, help="The feed, the t.me/s/<channel> page, or the listing.")
@click.option("--platform", help="web, telegram, x or facebook (default: from the kind).")
@click.option("--every", help='How often to crawl it: "90s", "10m", "2h" (at least "1m").')
@click.option(
    "--force-every",
    is_flag=True,
    help="Allow --every under a minute (a site you run yourself).",
)
@click.option(
    "--selector",
    "selector_pairs",
    multiple=True,
    metavar="KEY=CSS",
    help="For html sources: links, next_page, title, body, date, author (repeatable).",
)
def sources_add(
    sources_file: Path,
    name: str,
    kind: str,
    url: str,
    platform: str | None,
    every: str | None,
    force_every: bool,
    selector_pairs: tuple[str, ...],
) -> None:
    """Validate a new source and append it to the sources file, keeping its comments."""
    from monitor.collect.sources_edit import add_source, parse_selector_options

    try:
        selectors = parse_selector_options(selector_pairs)
        add_source(
            sources_file,
            name,
            kind,
            url,
            platform=platform,
            every=every,
            selectors=selectors,
            extra={"force_every": True} if force_every else None,
        )
    except ConfigError as exc:
        for problem in exc.problems:
            click.echo(f"monitor: {exc.path}: {problem}", err=True)
        sys.exit(EXIT_USAGE)
    except OSError as exc:
        fail(f"{sources_file}: cannot write: {exc.strerror or exc}")
    try_it = shlex.join(["monitor", "sources", "check", name, "--sources", str(sources_file)])
    click.echo(f"added {name!r} to {sources_file}; try it with: {try_it}")


@sources.command("check")
@sources_option
@click.argument("name")
@click.option("-v", "--verbose", is_flag=True, help="Show Scrapy's log on stderr.")
@settings_option
def sources_check(sources_file: Path, name: str, verbose: bool, overrides: tuple[str, ...]) -> None:
    """Crawl one source now and print its posts as JSON lines, storing nothing."""
    from monitor.cli.report import print_check_line
    from monitor.collect.crawl import crawl_settings, run_sources

    [source] = pick_sources(read_sources(sources_file), [name], sources_file)
    settings = crawl_settings(
        None, check=True, verbose=verbose, overrides=parse_overrides(overrides)
    )
    [report] = run_sources([source], settings).reports
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
    from monitor.cli.demo import run_demo

    # the demo's posts are not news: they never go to a shared store
    os.environ.pop("MONITOR_STORE", None)

    sys.exit(run_demo(data_dir, show=show))


# Several machines: `monitor ingest`, and --redis on crawl and status (monitor/cli/ingest.py).
import monitor.cli.ingest  # noqa: E402, F401


def main() -> None:
    try:
        status = cli.main(prog_name="monitor", standalone_mode=False)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except click.Abort as abort:
        # Ctrl-C where no command handles it: the shell's status for SIGINT, not a failure
        interrupted = isinstance(abort.__cause__, KeyboardInterrupt)
        sys.exit(128 + signal.SIGINT if interrupted else EXIT_FAILED)
    except Exception as error:
        # A store that cannot be opened (a bad --store URL, a server that does not answer) is
        # found deep inside crawl, schedule, replay and report: one line here, not a traceback.
        # (imported only now: `monitor --help` loads no store)
        from monitor.store import StoreUnavailable

        if not isinstance(error, StoreUnavailable):
            raise
        fail(str(error))
    sys.exit(status if isinstance(status, int) else EXIT_OK)
