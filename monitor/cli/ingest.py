"""Several machines on the command line: `monitor ingest`, and what `--redis` does on `crawl`
(raw items go to the stream) and on `status` (the stream's backlog).

Registered by the import at the end of `monitor/cli/main.py`. Like the other commands, these
import nothing heavy until they run: redis only when a Redis URL is given.
"""

from __future__ import annotations

import signal
import socket
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from monitor.cli.main import (
    EXIT_FAILED,
    EXIT_OK,
    cli,
    data_dir_option,
    engine_config,
    engine_option,
    fail,
    hold_lock,
    parse_overrides,
    redis_options,
    settings_option,
    start_data_dir,
)
from monitor.collect.sources import Source, format_duration
from monitor.stream import StreamError, shown

# An entry pending this long is worth a warning in `status`: no consumer is storing it.
PENDING_WARNING = 600.0


@cli.command("ingest")
@redis_options("The Redis server of the stream, e.g. redis://queue:6379", required=True)
@data_dir_option
@engine_option
@click.option(
    "--name",
    metavar="NAME",
    help="This consumer's name in the group (default: HOST:DATA_DIR, the same after a restart, "
    "so that the entries it had not stored come first).",
)
@click.option(
    "--idle-exit",
    type=click.FloatRange(min=0),
    metavar="SECONDS",
    help="Exit once no entry has come for this long (batch use, tests).",
)
@click.option("--once", is_flag=True, help="Exit as soon as the stream is drained.")
@click.option(
    "--claim-idle",
    type=click.FloatRange(min=0),
    default=60.0,
    show_default=True,
    metavar="SECONDS",
    help="Take over entries left pending this long by another consumer (a dead one).",
)
def ingest(
    redis_url: str,
    stream: str,
    data_dir: Path,
    engine_file: Path | None,
    name: str | None,
    idle_exit: float | None,
    once: bool,
    claim_idle: float,
) -> None:
    """Store the raw items that crawl workers send to a Redis stream (`monitor crawl
    --redis`), as one consumer of the group `monitor`: in batches, through the same engine as
    `monitor replay`; a batch is acknowledged once it is committed. Runs until SIGTERM or
    Ctrl-C, which finish the batch in hand. Exit 1 when --idle-exit or --once ended it and an
    entry was refused (each is named, and moved to the stream STREAM:refused)."""
    import redis

    from monitor.story.engine import PREPARED_BATCH
    from monitor.stream import connect, describe
    from monitor.stream.consumer import GroupReader
    from monitor.stream.ingest import IngestReport, ingest_stream

    config = engine_config(engine_file)
    start_data_dir(data_dir, "ingest")
    where = shown(redis_url)
    report = IngestReport()
    problem = None
    with hold_lock(data_dir, "ingest"), stop_on_signals() as stopping:
        try:
            client = connect(redis_url)
            try:
                reader = GroupReader(
                    client,
                    stream,
                    name or consumer_name(data_dir),
                    count=PREPARED_BATCH,  # a batch read is a batch for `Engine.prepare`
                    claim_idle=claim_idle,
                )
                ingest_stream(
                    reader,
                    data_dir,
                    report,
                    stopping=stopping,
                    say=lambda line: click.echo(f"monitor: ingest: {line}", err=True),
                    where=where,
                    idle_exit=0.0 if once else idle_exit,
                    engine_config=config,
                )
            finally:
                client.close()
        except StreamError as exc:
            problem = str(exc)
        except redis.RedisError as exc:  # (a key of that name that is no stream, say)
            problem = f"Redis at {where}: {describe(exc)}"
    click.echo(
        f"ingested {report.entries} entries from {stream} at {where}: {report.new} new posts, "
        f"{report.updated} updated, {report.unchanged} unchanged, {report.refused} refused",
        err=True,
    )
    if problem:
        fail(f"ingest: {problem}", EXIT_FAILED)
    drained = once or idle_exit is not None
    sys.exit(EXIT_FAILED if drained and report.refused and not stopping() else EXIT_OK)


def consumer_name(data_dir: Path) -> str:
    """HOST:DATA_DIR: one consumer a data dir (its lock sees to it), and the same name after a
    restart, so that it reads its own pending entries first, in their order."""
    return f"{socket.gethostname()}:{data_dir.resolve()}"


@contextmanager
def stop_on_signals(
    command: str = "ingest", doing: str = "stopping after this batch"
) -> Iterator[Callable[[], bool]]:
    """SIGTERM or Ctrl-C: finish the batch in hand, then stop (exit 0). A second one ends the
    process at once; what is committed is safe and the rest is read again next time."""
    stopped: list[int] = []

    def stop(signum: int, frame: object) -> None:
        if not stopped:
            name = signal.Signals(signum).name
            click.echo(f"monitor: {command}: {doing} ({name})", err=True)
        stopped.append(signum)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)

    before = {signum: signal.signal(signum, stop) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield lambda: bool(stopped)
    finally:
        for signum, handler in before.items():
            signal.signal(signum, handler)


def worker_settings(redis_url: str, stream: str) -> tuple[str, ...]:
    """The Scrapy settings (as `-s NAME=VALUE`) of a crawl that sends its items to a stream."""
    return (
        f"MONITOR_REDIS_URL={redis_url}",
        f"MONITOR_REDIS_STREAM={stream}",
        'ITEM_PIPELINES={"pipelines.stream.StreamPipeline": 100}',
    )


def print_backlog(redis_url: str, stream: str) -> bool:
    """One line on the stream, warnings on stderr; False when Redis cannot be read."""
    import redis

    from monitor.cluster.backlog import read_crawling
    from monitor.stream import connect, describe
    from monitor.stream.backlog import read_backlog

    try:
        client = connect(redis_url)
        try:
            backlog = read_backlog(client, stream)
            crawling = read_crawling(client)
        finally:
            client.close()
    except StreamError as exc:
        click.echo(f"monitor: status: {exc}", err=True)
        return False
    except redis.RedisError as exc:
        click.echo(f"monitor: status: Redis at {shown(redis_url)}: {describe(exc)}", err=True)
        return False
    oldest = f", the oldest {_ago(backlog.oldest_age)}" if backlog.oldest_age is not None else ""
    pending_age = backlog.oldest_pending_age
    pending = f", the oldest {_ago(pending_age)}" if pending_age is not None else ""
    click.echo(
        f"stream {stream} at {shown(redis_url)}: {backlog.length} entries not stored yet"
        f"{oldest}; {backlog.waiting} waiting, {backlog.pending} pending{pending}; "
        f"{_count(backlog.consumers, 'consumer')}; {backlog.refused} refused"
    )
    click.echo(
        f"crawling: {_count(crawling.queued, 'request')} queued, "
        f"{_count(crawling.runs, 'run')} on, {_count(len(crawling.workers), 'worker')} alive"
        + (f" ({', '.join(crawling.workers)})" if crawling.workers else "")
        + (f"; {crawling.held} requests held by workers" if crawling.held else "")
    )
    if backlog.length and not backlog.has_group:
        click.echo(f"monitor: warning: {stream}: no consumer yet (run `monitor ingest`)", err=True)
    if pending_age is not None and pending_age >= PENDING_WARNING:
        click.echo(
            f"monitor: warning: {stream}: an entry pending for {format_duration(pending_age)}: "
            "is its consumer alive? (`monitor ingest` takes it over)",
            err=True,
        )
    return True


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def _ago(seconds: float) -> str:
    return f"{format_duration(seconds)} old"


def reachable(redis_url: str, command: str) -> None:
    """Exit 1 with one line when Redis cannot be reached."""
    from monitor.stream import connect

    try:
        connect(redis_url).close()
    except StreamError as exc:
        fail(f"{command}: {exc}", EXIT_FAILED)


@cli.command("worker")
@redis_options("The Redis server of the queue and the stream", required=True)
@data_dir_option
@click.option(
    "--name",
    metavar="NAME",
    help="This worker's name (default: the host's): the same after a restart, so that it "
    "gives back what it held before.",
)
@click.option("-v", "--verbose", is_flag=True, help="Show Scrapy's log on stderr.")
@settings_option
def worker(
    redis_url: str,
    stream: str,
    data_dir: Path,
    name: str | None,
    verbose: bool,
    overrides: tuple[str, ...],
) -> None:
    """Crawl what the shared queue holds (the leader, `monitor schedule --redis`, puts each
    due source's entry page there), with any number of other workers, and send the raw items
    to the stream for `monitor ingest`. Known posts are read from the store (--store: the
    consumer's PostgreSQL), so that article pages stored before are not fetched again. Runs
    until SIGTERM or Ctrl-C; what it holds then goes back to the queue."""
    import time

    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.reactor import install_reactor
    from twisted.internet import task

    from monitor.cluster.keys import HEARTBEAT_SECONDS
    from monitor.cluster.worker import WorkerSpider, default_name, worker_settings
    from monitor.collect.collector import settle_for_crawling
    from monitor.collect.crawl import crawl_settings

    reachable(redis_url, "worker")
    worker_name = name or default_name()
    settings = crawl_settings(
        None,
        verbose=verbose,
        overrides={
            "MONITOR_DATA_DIR": str(data_dir),
            **worker_settings(redis_url, worker_name, stream),
            **parse_overrides(overrides),
        },
    )
    if not verbose:
        # The full log (with tracebacks) goes to a file; the terminal gets one line a problem.
        log_dir = data_dir / "logs"
        log_dir.mkdir(parents=True, exist_ok=True)
        settings.set("LOG_ENABLED", True, priority="cmdline")
        settings.set("LOG_FILE", str(log_dir / f"worker-{worker_name}.log"), priority="cmdline")
    install_reactor(settings["TWISTED_REACTOR"], settings["ASYNCIO_EVENT_LOOP"])
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(WorkerSpider)
    began = time.monotonic()

    def opened(spider: WorkerSpider) -> None:
        given = spider.give_back()  # what this worker held when it last stopped short
        if given:
            click.echo(f"monitor: worker {worker_name}: {given} requests given back", err=True)
        spider.heartbeat()
        every = min(HEARTBEAT_SECONDS, spider.heartbeat_ttl / 3)
        task.LoopingCall(spider.heartbeat).start(every, now=False)

    from scrapy import signals

    crawler.signals.connect(opened, signal=signals.spider_opened)
    click.echo(f"monitor: worker {worker_name}: crawling from {shown(redis_url)}", err=True)
    process.crawl(crawler)
    settle_for_crawling()
    process.start()
    spider = crawler.spider
    pages = spider.pages if isinstance(spider, WorkerSpider) else 0
    sent = crawler.stats.get_value("monitor/stream/sent", 0) if crawler.stats else 0
    seconds = time.monotonic() - began
    click.echo(f"worker {worker_name}: {pages} pages, {sent} items in {seconds:.1f} s")


def run_leader(
    redis_url: str,
    stream: str,
    data_dir: Path,
    sources_file: Path,
    sources: list[Source],
    run_timeout: float,
) -> None:
    """`monitor schedule --redis`: lead the workers until SIGTERM or Ctrl-C."""
    import redis

    from monitor.cluster.leader import Leader, NotLeader
    from monitor.stream import connect, describe

    def say(line: str) -> None:
        click.echo(line, err=True)

    try:
        client = connect(redis_url, patient=True)
    except StreamError as exc:
        fail(f"schedule: {exc}", EXIT_FAILED)
    leader = Leader(
        client,
        data_dir,
        sources,
        sources_file=sources_file,
        stream=stream,
        run_timeout=run_timeout,
        announce=click.echo,
        warn=say,
    )
    with stop_on_signals("schedule", "stopping after this round") as stopping:
        try:
            leader.run(stopping)
        except NotLeader as exc:
            fail(f"schedule: {exc}", EXIT_FAILED)
        except redis.RedisError as exc:
            fail(f"schedule: Redis at {shown(redis_url)}: {describe(exc)}", EXIT_FAILED)
        finally:
            client.close()
    click.echo(f"{leader.launched} runs begun; the runs on go on with the workers", err=True)
