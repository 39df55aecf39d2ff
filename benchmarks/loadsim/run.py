"""A load simulation of the several-machines mode, on one machine: one leader, W crawl workers
and one consumer against thousands of made-up sources that keep publishing.

    python -m benchmarks.loadsim.run                         # 5,000 sources, 3 workers, 3 min
    python -m benchmarks.loadsim.run --sources 1000 --minutes 2 --kill-worker-at 60
    python -m benchmarks.loadsim.run --kill-worker-at 60 --restart-after 10
    python -m benchmarks.loadsim.run --compare-one-worker    # the same run again with W=1

It starts a throwaway redis-server (AOF on) and PostgreSQL (tests/redis_server.py and
tests/postgres_server.py), the fixture server (server.py: ~70 % RSS feeds, ~30 % t.me/s channels,
each on its own loopback address, publishing on a clock `--speed` times faster than real), writes
the sources file (every source `--every`, 1m by default), then runs as subprocesses, each in a
directory of its own (its data dir, as on a machine of its own), with MONITOR_REDIS_URL and
MONITOR_STORE set:

    python -m monitor schedule --redis URL --store STORE --sources FILE     the leader
    python -m monitor worker --redis URL --store STORE --name wN            W workers
    python -m monitor ingest --redis URL --store STORE                      the consumer

After `--minutes` the server's clock stops (nothing is published after that); the run waits
until every source's entry page was fetched once more (a round after the last publication)
and what the workers received is stored, SIGTERMs the leader and the workers, waits until the
stream is drained (no entry left, none pending), and SIGTERMs the consumer.

How to read what it prints:

- The timeline (every `--print-every` s): posts published so far, posts some answer carried
  ("served"), posts stored, the stream's length and pending entries, the oldest entry's age,
  and the source pages the server answered a second (robots.txt not counted). Stored trailing
  published by a steady margin is a system that keeps up; a margin that grows is one that
  does not.
- posts/s end to end: stored posts over the wall time from the start of the processes to the
  drained stream (which includes the final round's wait), and the same over the publishing
  window only, beside the rate at which posts were published: the second should match the
  third when the system keeps up.
- stream lag: the maximum and the mean, over the samples, of the stream's length, its pending
  entries and its oldest entry's age (how long the item that waits longest has been in the
  stream since a worker's XADD): the consumer's backlog.
- crawl: each worker's pages/s, from the line it prints when it stops (`worker NAME: P pages,
  I items in S s`); the server's own count of pages and 304s, and of entry-page fetches
  against the runs the leader began (above 1: some runs' pages were fetched more than once);
  and the crawl period, the mean real time between two fetches of a source's entry page. A
  period near `--every` means the workers keep up with the schedule and pages/s is set by the
  demand (sources / every), not by what the workers could do; a longer one means they are
  saturated.
- `--compare-one-worker`: the run again with one worker (no kill); the ratio of the pages/s
  the server answered while publishing is how crawling scales from 1 to W workers (W at best,
  and only when one worker alone was saturated: a machine's cores are shared by every process
  here). The workers' own pages/s are over their whole life, idle waits included.
- exactly once: every post URL the server published and served is in PostgreSQL once, nothing
  else is there, no URL under two ids, each id first written (revision 1) once in
  export/posts.jsonl, every stored post in that log, and no torn line. "never served" posts
  were published and left the 20-post window before any fetch (a crawl period too long for the
  busiest sources): no crawler could have stored them, so they are counted apart. Posts served
  but not stored are split by whether their source was fetched after the stop: when the last
  round did not reach a source (`--final-timeout`), the next fetch might still have stored them.

Everything happens under a temporary directory, removed at the end unless `--keep` or a
failure: logs/ holds every process's output, samples.tsv the samples behind the timeline.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import orjson

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))

from monitor.normalize.urls import canonical_url, post_id  # noqa: E402
from monitor.stream import STREAM, connect  # noqa: E402
from monitor.stream.backlog import read_backlog  # noqa: E402
from tests.postgres_server import PostgresServer, find_binaries  # noqa: E402
from tests.redis_server import BINARY as REDIS_BINARY  # noqa: E402
from tests.redis_server import RedisServer  # noqa: E402

RUNS_BEGUN = re.compile(r"(?P<runs>\d+) runs begun")
WORKER_LINE = re.compile(
    r"worker (?P<name>\S+): (?P<pages>\d+) pages, (?P<items>\d+) items in (?P<seconds>[\d.]+) s"
)
# What a process gets to finish after SIGTERM before it is killed (a worker finishes the pages
# in flight, the consumer its batch).
STOP_GRACE = 60.0


@dataclass
class Sample:
    at: float  # seconds since the processes started
    published: int
    served: int
    stored: int
    length: int
    pending: int
    oldest_age: float | None
    requests: int
    pages: int  # source pages answered (feeds, channel pages, older pages): no robots.txt


@dataclass
class WorkerResult:
    name: str
    pages: int | None = None
    items: int | None = None
    seconds: float | None = None
    lives: int = 1
    killed: bool = False
    exit_codes: list[int | None] = field(default_factory=list)

    @property
    def pages_per_second(self) -> float | None:
        if self.pages is None or not self.seconds:
            return None
        return self.pages / self.seconds


@dataclass
class Check:
    published: int = 0
    served: int = 0
    stored: int = 0
    never_served: int = 0
    missing: list[str] = field(default_factory=list)  # served, not stored
    # of those, the ones whose source the last round did not reach (it might have stored them)
    missing_unreached: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)  # stored, never published
    url_twice: list[str] = field(default_factory=list)  # one URL under two ids
    doubled_in_log: list[str] = field(default_factory=list)  # revision 1 twice in the log
    not_in_log: list[str] = field(default_factory=list)
    torn_lines: list[int] = field(default_factory=list)
    log_lines: int = 0

    @property
    def ok(self) -> bool:
        return not (
            self.missing
            or self.unexpected
            or self.url_twice
            or self.doubled_in_log
            or self.not_in_log
            or self.torn_lines
        )


@dataclass
class RunResult:
    workers: int
    wall: float  # start of the processes → stream drained
    window: float  # start of the processes → clock stopped
    published_at_start: int  # the history
    published_in_window: int  # history included
    stored_in_window: int
    pages_in_window: int
    samples: list[Sample]
    worker_results: list[WorkerResult]
    server: dict[str, Any]
    check: Check
    notes: list[str]
    runs_begun: int | None  # as the leader says when it stops


class Abort(Exception):
    """The run cannot go on (a process died, a service is missing): the message says why."""


# -- processes --------------------------------------------------------------------------------


class Process:
    """A subprocess with its output in files: `name.out` and `name.err` (`name.2.out`, ... for
    the second life of a restarted one)."""

    def __init__(self, name: str, argv: list[str], cwd: Path, env: dict[str, str], logs: Path):
        self.name = name
        self.argv = argv
        self.cwd = cwd
        self.env = env
        self.logs = logs
        self.lives: list[tuple[subprocess.Popen[bytes], Path, Path]] = []
        cwd.mkdir(parents=True, exist_ok=True)

    def start(self) -> None:
        suffix = "" if not self.lives else f".{len(self.lives) + 1}"
        out = self.logs / f"{self.name}{suffix}.out"
        err = self.logs / f"{self.name}{suffix}.err"
        with out.open("wb") as stdout, err.open("wb") as stderr:
            popen = subprocess.Popen(
                self.argv, cwd=self.cwd, env=self.env, stdout=stdout, stderr=stderr
            )
        self.lives.append((popen, out, err))

    @property
    def popen(self) -> subprocess.Popen[bytes]:
        return self.lives[-1][0]

    def alive(self) -> bool:
        return bool(self.lives) and self.popen.poll() is None

    def signal(self, signum: int) -> None:
        if self.alive():
            self.popen.send_signal(signum)

    def stop(self, grace: float = STOP_GRACE) -> int | None:
        """SIGTERM, then SIGKILL after `grace` seconds; the exit code."""
        if not self.lives:
            return None
        self.signal(signal.SIGTERM)
        try:
            return self.popen.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            return self.popen.wait()

    def output(self) -> str:
        """Every life's stdout, then its stderr (where a summary line might land instead)."""
        return "".join(
            out.read_text(errors="replace") + err.read_text(errors="replace")
            for _popen, out, err in self.lives
        )

    def tail(self, lines: int = 8) -> str:
        if not self.lives:
            return ""
        text = self.lives[-1][2].read_text(errors="replace").strip().splitlines()
        return "\n".join("    " + line for line in text[-lines:])


def source_pages(stats: dict[str, Any]) -> int:
    """Pages of sources the server answered (200 or 304), from its /_stats."""
    by_kind = stats["by_kind"]
    return sum(int(by_kind.get(kind, 0)) for kind in ("feed", "channel", "older"))


def get_json(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(url, timeout=60) as answer:
        return dict(json.loads(answer.read()))


def get_text(url: str) -> str:
    with urllib.request.urlopen(url, timeout=300) as answer:
        return str(answer.read().decode())


# -- the store --------------------------------------------------------------------------------


def stored_count(store: str) -> int:
    import psycopg

    try:
        with psycopg.connect(store, autocommit=True) as connection:
            row = connection.execute("SELECT count(*) FROM posts").fetchone()
    except psycopg.errors.UndefinedTable:  # the consumer has not opened the store yet
        return 0
    return int(row[0]) if row else 0


def stored_posts(store: str) -> dict[str, str]:
    """id → url of every post in the store (a post row without its own record takes the
    record of the revision it points at: monitor/store/postgres.py)."""
    import psycopg

    with psycopg.connect(store, autocommit=True) as connection:
        rows = connection.execute(
            "SELECT posts.id, coalesce(posts.record, revisions.record)"
            " FROM posts JOIN revisions ON revisions.seq = posts.seq"
        ).fetchall()
    return {row[0]: orjson.loads(row[1]).get("url", "") for row in rows}


def check_exactly_once(ledger: str, store: str, log: Path) -> Check:
    check = Check()
    served_ids: dict[str, str] = {}
    published_ids: set[str] = set()
    unreached: set[str] = set()
    for line in ledger.splitlines():
        url, _source, _published, served, after_stop = line.split("\t")
        identity = post_id(canonical_url(url))
        published_ids.add(identity)
        check.published += 1
        if served == "1":
            served_ids[identity] = url
        else:
            check.never_served += 1
        if after_stop != "1":
            unreached.add(identity)
    check.served = len(served_ids)
    stored = stored_posts(store)
    check.stored = len(stored)
    missing = [identity for identity in served_ids if identity not in stored]
    check.missing = [served_ids[identity] for identity in missing]
    check.missing_unreached = [served_ids[i] for i in missing if i in unreached]
    check.unexpected = [url for identity, url in stored.items() if identity not in published_ids]
    check.url_twice = [url for url, n in Counter(stored.values()).items() if n > 1]
    firsts: Counter[str] = Counter()
    logged: set[str] = set()
    data = log.read_bytes() if log.exists() else b""
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    elif lines:
        check.torn_lines.append(len(lines))  # the last line lacks its newline
    for number, raw in enumerate(lines, start=1):
        try:
            record = orjson.loads(raw)
        except orjson.JSONDecodeError:
            check.torn_lines.append(number)
            continue
        logged.add(record.get("id", ""))
        if record.get("revision") == 1:
            firsts[record.get("id", "")] += 1
    check.log_lines = len(lines)
    check.doubled_in_log = [identity for identity, n in firsts.items() if n > 1]
    check.not_in_log = [identity for identity in stored if identity not in logged]
    return check


# -- one run ----------------------------------------------------------------------------------


class Run:
    def __init__(self, arguments: argparse.Namespace, workers: int, work: Path, *, kill: bool):
        self.arguments = arguments
        self.workers = workers
        self.work = work
        self.kill = kill
        self.logs = work / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.notes: list[str] = []
        self.samples: list[Sample] = []
        self.redis: RedisServer | None = None
        self.postgres: PostgresServer | None = None
        self.server: subprocess.Popen[bytes] | None = None
        self.processes: list[Process] = []

    def say(self, line: str) -> None:
        print(line, flush=True)

    # -- services --

    def start_services(self) -> tuple[str, str, str]:
        """Redis, PostgreSQL and the fixture server: (redis URL, store URL, control URL)."""
        if not Path(REDIS_BINARY).exists():
            raise Abort("needs Debian's redis-server: apt-get install redis-server")
        bin_dir = find_binaries()
        if bin_dir is None:
            raise Abort("needs Debian's postgresql: apt-get install postgresql")
        self.redis = RedisServer(self.work / "redis").start()
        self.postgres = PostgresServer(bin_dir)
        self.postgres.start()
        store = self.postgres.new_database()
        a = self.arguments
        command = [sys.executable, "-m", "benchmarks.loadsim.server"]
        command += ["--sources", str(a.sources), "--speed", str(a.speed), "--seed", str(a.seed)]
        command += ["--history", str(a.history)]
        if a.shared_telegram_host:
            command.append("--shared-telegram-host")
        with (self.logs / "server.err").open("wb") as stderr:
            self.server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=stderr)
        assert self.server.stdout is not None
        line = self.server.stdout.readline()
        if not line:
            raise Abort(f"the fixture server exited: see {self.logs / 'server.err'}")
        ready = json.loads(line)
        self.say(
            f"fixture server: {ready['feeds']} feeds and {ready['channels']} channels on "
            f"port {ready['port']}, clock ×{a.speed:g}"
        )
        return self.redis.url, store, str(ready["control"])

    def write_samples(self) -> None:
        """samples.tsv in the run's directory, for a plot of the lag over time."""
        lines = ["t\tpublished\tserved\tstored\txlen\tpending\toldest_age\trequests\tpages"]
        lines += [
            f"{s.at:.1f}\t{s.published}\t{s.served}\t{s.stored}\t{s.length}\t{s.pending}\t"
            f"{'' if s.oldest_age is None else f'{s.oldest_age:.2f}'}\t{s.requests}\t{s.pages}"
            for s in self.samples
        ]
        (self.work / "samples.tsv").write_text("\n".join(lines) + "\n")

    def stop_services(self) -> None:
        for process in self.processes:
            if process.alive():
                process.popen.kill()
                process.popen.wait()
        if self.server is not None and self.server.poll() is None:
            self.server.terminate()
            self.server.wait(timeout=30)
        if self.redis is not None:
            self.redis.stop()
        if self.postgres is not None:
            self.postgres.stop()

    # -- the run --

    def execute(self) -> RunResult:
        a = self.arguments
        redis_url, store, control = self.start_services()
        sources_file = self.work / "sources.toml"
        sources_file.write_text(get_text(f"{control}/_sources.toml?every={a.every}"))
        env = {
            **os.environ,
            "MONITOR_REDIS_URL": redis_url,
            "MONITOR_STORE": store,
            "PYTHONUNBUFFERED": "1",  # the workers' last line must reach their file
        }
        for name in ("MONITOR_DATA_DIR", "MONITOR_SOURCES", "MONITOR_REDIS_STREAM"):
            env.pop(name, None)
        python = shlex.split(a.monitor) if a.monitor else [sys.executable, "-m", "monitor"]
        common = ["--redis", redis_url, "--store", store]
        consumer = Process(
            "ingest",
            [*python, "ingest", *common, *a.ingest_arg],
            self.work / "ingest",
            env,
            self.logs,
        )
        leader = Process(
            "leader",
            [*python, "schedule", *common, "--sources", str(sources_file), *a.leader_arg],
            self.work / "leader",
            env,
            self.logs,
        )
        workers = [
            Process(
                f"w{n}",
                [*python, "worker", *common, "--name", f"w{n}", *a.worker_arg],
                self.work / f"w{n}",
                env,
                self.logs,
            )
            for n in range(1, self.workers + 1)
        ]
        self.processes = [consumer, leader, *workers]
        client = connect(redis_url)
        started = time.monotonic()
        for process in self.processes:
            process.start()
        self.say(
            f"started: the leader, {self.workers} worker{'s' if self.workers > 1 else ''}, "
            f"the consumer; {a.minutes:g} min of publishing"
        )
        self.say(
            f"{'t':>6} {'published':>9} {'served':>8} {'stored':>8} {'XLEN':>7} "
            f"{'pending':>7} {'oldest':>7} {'pages/s':>7}"
        )
        killed_at: float | None = None  # while w1 is dead
        kill_done = restarted = False
        next_sample = started
        next_print = started
        previous_pages = (started, 0)
        window_end = started + a.minutes * 60

        def sample(now: float) -> Sample:
            stats = get_json(f"{control}/_stats")
            backlog = read_backlog(client, STREAM)
            taken = Sample(
                at=now - started,
                published=int(stats["published"]),
                served=int(stats["served_posts"]),
                stored=stored_count(store),
                length=backlog.length,
                pending=backlog.pending,
                oldest_age=backlog.oldest_age,
                requests=int(stats["requests"]),
                pages=source_pages(stats),
            )
            self.samples.append(taken)
            return taken

        def show(taken: Sample) -> None:
            nonlocal previous_pages
            at, pages = previous_pages
            rate = (taken.pages - pages) / max(started + taken.at - at, 1e-9)
            previous_pages = (started + taken.at, taken.pages)
            oldest = f"{taken.oldest_age:.1f}s" if taken.oldest_age is not None else "-"
            self.say(
                f"{taken.at:5.0f}s {taken.published:9d} {taken.served:8d} {taken.stored:8d} "
                f"{taken.length:7d} {taken.pending:7d} {oldest:>7} {rate:7.0f}"
            )

        def watch(now: float, fresh: bool = False) -> None:
            """Sample when due (`fresh`: now), print, and notice a process that died."""
            nonlocal next_sample, next_print
            if fresh or now >= next_sample:
                taken = sample(now)
                next_sample = now + a.sample_every
                if now >= next_print:
                    show(taken)
                    next_print = now + a.print_every
            for process in (consumer, leader):
                if not process.alive():
                    raise Abort(
                        f"{process.name} exited ({process.popen.returncode}):\n{process.tail()}"
                    )
            for process in workers:
                dead = not process.alive()
                if dead and not (process is workers[0] and killed_at is not None):
                    raise Abort(
                        f"worker {process.name} exited ({process.popen.returncode}):\n"
                        f"{process.tail()}"
                    )

        try:
            # publishing
            while (now := time.monotonic()) < window_end:
                kill_due = self.kill and a.kill_worker_at is not None and not kill_done
                if kill_due and now - started >= a.kill_worker_at:
                    workers[0].signal(signal.SIGKILL)
                    workers[0].popen.wait()
                    killed_at = now
                    kill_done = True
                    self.say(f"{now - started:5.0f}s kill -9 worker {workers[0].name}")
                if (
                    killed_at is not None
                    and a.restart_after is not None
                    and not restarted
                    and now - killed_at >= a.restart_after
                ):
                    workers[0].start()
                    restarted = True
                    killed_at = None
                    self.say(f"{now - started:5.0f}s worker {workers[0].name} restarted")
                watch(now)
                time.sleep(0.2)
            stopped = get_json(f"{control}/_clock?stop=1")
            window = time.monotonic() - started
            in_window = sample(time.monotonic())
            show(in_window)
            self.say(f"{window:5.0f}s the clock stopped: {stopped['published']} posts published")

            # the last round: every source fetched after the last publication
            deadline = time.monotonic() + a.final_timeout
            while True:
                now = time.monotonic()
                stats = get_json(f"{control}/_stats")
                if stats["fetched_since_stop"] >= stats["sources"]:
                    self.say(f"{now - started:5.0f}s every source fetched after the stop")
                    break
                if now > deadline:
                    note = (
                        f"only {stats['fetched_since_stop']} of {stats['sources']} sources "
                        f"were fetched in the {a.final_timeout:g} s after the stop"
                    )
                    self.notes.append(note)
                    self.say(f"{now - started:5.0f}s {note}")
                    break
                watch(now)
                time.sleep(0.5)

            # what the workers received reaches the store
            deadline = time.monotonic() + a.drain_timeout
            steady: tuple[int, float] | None = None
            while True:
                now = time.monotonic()
                watch(now, fresh=True)
                last = self.samples[-1]
                # (what is stored was served, so equal counts are equal sets)
                if last.stored >= last.served and last.length == 0:
                    break
                if steady is None or steady[0] != last.stored or last.length:
                    steady = (last.stored, now)
                elif now - steady[1] >= a.settle:
                    break  # nothing moves any more: what is missing will stay missing
                if now > deadline:
                    self.notes.append(f"stored count still moving after {a.drain_timeout:g} s")
                    break
                time.sleep(1.0)

            for process in [leader, *workers]:
                code = process.stop()
                self.say(f"{time.monotonic() - started:5.0f}s {process.name} stopped ({code})")

            # the stream drained
            deadline = time.monotonic() + a.drain_timeout
            while True:
                backlog = read_backlog(client, STREAM)
                if backlog.length == 0 and backlog.pending == 0:
                    break
                if time.monotonic() > deadline:
                    self.notes.append(
                        f"the stream still held {backlog.length} entries "
                        f"({backlog.pending} pending) after {a.drain_timeout:g} s"
                    )
                    break
                time.sleep(0.5)
            wall = time.monotonic() - started
            show(sample(time.monotonic()))
            code = consumer.stop()
            self.say(f"{time.monotonic() - started:5.0f}s ingest stopped ({code}); drained")
            server = get_json(f"{control}/_stats")
            ledger = get_text(f"{control}/_ledger")
            log = self.work / "ingest" / "data" / "export" / "posts.jsonl"
            check = check_exactly_once(ledger, store, log)
        finally:
            client.close()
            self.write_samples()
        results = []
        for process in workers:
            result = WorkerResult(process.name, lives=len(process.lives))
            result.exit_codes = [popen.returncode for popen, _out, _err in process.lives]
            result.killed = any(code == -signal.SIGKILL for code in result.exit_codes)
            lines = list(WORKER_LINE.finditer(process.output()))
            match = lines[-1] if lines else None  # the last life's line
            if match:
                result.pages = int(match["pages"])
                result.items = int(match["items"])
                result.seconds = float(match["seconds"])
            results.append(result)
        begun = RUNS_BEGUN.search(leader.output())
        return RunResult(
            workers=self.workers,
            wall=wall,
            window=window,
            published_at_start=self.samples[0].published,
            published_in_window=in_window.published,
            stored_in_window=in_window.stored,
            pages_in_window=in_window.pages,
            samples=self.samples,
            worker_results=results,
            server=server,
            check=check,
            notes=self.notes,
            runs_begun=int(begun["runs"]) if begun else None,
        )


# -- the report -------------------------------------------------------------------------------


def _stat(values: list[float]) -> str:
    if not values:
        return "no samples"
    return f"max {max(values):.1f}, mean {statistics.fmean(values):.1f}"


def report(result: RunResult, out: TextIO = sys.stdout) -> None:
    def say(line: str) -> None:
        print(line, file=out, flush=True)

    check = result.check
    server = result.server
    say("")
    say(f"== {result.workers} worker{'s' if result.workers > 1 else ''} ==")
    say(
        f"posts/s end to end: {check.stored / result.wall:.1f} ({check.stored} stored in "
        f"{result.wall:.0f} s, start to drained stream)"
    )
    new = result.published_in_window - result.published_at_start
    say(
        f"  while publishing ({result.window:.0f} s): {new} posts published "
        f"({new / result.window:.1f}/s) after {result.published_at_start} of history; "
        f"{result.stored_in_window} of the {result.published_in_window} stored by the stop "
        f"({result.stored_in_window / result.window:.1f}/s)"
    )
    samples = result.samples
    say(
        "stream lag over "
        f"{len(samples)} samples: length {_stat([float(s.length) for s in samples])}; "
        f"pending {_stat([float(s.pending) for s in samples])}; oldest entry's age (s) "
        f"{_stat([s.oldest_age or 0.0 for s in samples])}"
    )
    pages = server["by_kind"]
    answered = source_pages(server)
    say(
        f"server: {server['requests']} requests ({answered} source pages: "
        f"{pages.get('feed', 0)} feeds, {pages.get('channel', 0)} channel pages, "
        f"{pages.get('older', 0)} older pages; {pages.get('robots', 0)} robots.txt), "
        f"statuses {server['by_status']}"
    )
    say(
        f"  pages/s while publishing: {result.pages_in_window / result.window:.1f} "
        f"({result.pages_in_window} in {result.window:.0f} s); over the whole run "
        f"{answered / result.wall:.1f}"
    )
    if result.runs_begun:
        say(
            f"  {server['entry_fetches']} entry-page fetches for the {result.runs_begun} runs "
            f"the leader began: ×{server['entry_fetches'] / result.runs_begun:.2f} (1 when no "
            "run's first page is fetched twice)"
        )
    if server.get("mean_gap"):
        say(
            f"crawl period: a source's entry page every {server['mean_gap']:.0f} s on average "
            f"(longest gap {server['max_gap']:.0f} s)"
        )
    known = sum(w.pages for w in result.worker_results if w.pages is not None)
    for worker in result.worker_results:
        lives = f", {worker.lives} lives" if worker.lives > 1 else ""
        killed = " (killed -9)" if worker.killed else ""
        if worker.pages is not None and worker.seconds:
            say(
                f"  worker {worker.name}: {worker.pages} pages, {worker.items} items in "
                f"{worker.seconds:.0f} s: {worker.pages_per_second:.1f} pages/s{killed}{lives}"
            )
        else:
            missing = [w for w in result.worker_results if w.pages is None]
            estimate = (
                f"; ≈{answered - known} pages by the server's count minus the others'"
                if len(missing) == 1 and known
                else ""
            )
            say(
                f"  worker {worker.name}: no `worker NAME: P pages, ...` line on its stdout"
                f"{killed}{lives}{estimate}"
            )
    for note in result.notes:
        say(f"note: {note}")
    say(
        f"ledger: {check.published} published, {check.served} served, {check.stored} stored; "
        f"posts.jsonl {check.log_lines} lines"
    )
    if check.never_served:
        say(
            f"  {check.never_served} published posts were never on a page a worker fetched "
            "(they left the 20-post window before their source was fetched again): not "
            "counted below"
        )
    if check.ok:
        say("exactly once: OK")
        return
    say("exactly once: FAILED")
    for label, found in (
        ("served but not stored", check.missing),
        ("  of which on sources the last round did not reach", check.missing_unreached),
        ("stored but never published", check.unexpected),
        ("one URL stored under two ids", check.url_twice),
        ("first revision twice in posts.jsonl", check.doubled_in_log),
        ("stored but not in posts.jsonl", check.not_in_log),
        ("torn lines in posts.jsonl (line numbers)", [str(n) for n in check.torn_lines]),
    ):
        if found:
            say(f"  {label}: {len(found)}, e.g. {', '.join(map(str, found[:3]))}")


def compare(many: RunResult, one: RunResult) -> None:
    def rates(result: RunResult) -> list[float]:
        return [r for w in result.worker_results if (r := w.pages_per_second) is not None]

    def total(result: RunResult) -> float:
        return result.pages_in_window / result.window

    print("")
    print(f"== {many.workers} workers against 1 ==")
    many_rates, one_rates = rates(many), rates(one)
    if many_rates and one_rates:
        mean = statistics.fmean(many_rates)
        print(
            f"pages/s per worker: {mean:.1f} with {many.workers} "
            f"({', '.join(f'{r:.1f}' for r in many_rates)}), {one_rates[0]:.1f} alone: "
            f"ratio {mean / one_rates[0]:.2f}"
        )
    else:
        print("pages/s per worker: not known (the workers printed no summary line)")
    print(
        f"pages/s in all while publishing (server's count): {total(many):.1f} with "
        f"{many.workers}, {total(one):.1f} with one: ×{total(many) / max(total(one), 1e-9):.2f} "
        f"(ideal ×{many.workers})"
    )
    for result in (many, one):
        gap = result.server.get("mean_gap")
        if gap:
            print(f"  crawl period with {result.workers}: {gap:.0f} s")
    print(
        f"posts/s end to end: {many.check.stored / many.wall:.1f} with {many.workers}, "
        f"{one.check.stored / one.wall:.1f} with one"
    )


def run_once(arguments: argparse.Namespace, workers: int, *, kill: bool) -> RunResult:
    work = Path(tempfile.mkdtemp(prefix="monitor-loadsim-"))
    run = Run(arguments, workers, work, kill=kill)
    failed = True
    try:
        result = run.execute()
        failed = not result.check.ok
        return result
    finally:
        run.stop_services()
        if arguments.keep or failed:
            print(f"(logs and data kept in {work})", flush=True)
        else:
            shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sources", type=int, default=5000, help="made-up sources (5000)")
    parser.add_argument("--workers", type=int, default=3, help="crawl workers (3)")
    parser.add_argument("--minutes", type=float, default=3.0, help="minutes of publishing (3)")
    parser.add_argument(
        "--speed", type=float, default=60.0, help="simulated seconds a real second (60)"
    )
    parser.add_argument("--every", default="1m", help="how often each source is due (1m)")
    parser.add_argument("--seed", type=int, default=1, help="the landscape's seed (1)")
    parser.add_argument(
        "--history", type=float, default=2.0, help="simulated hours published before (2)"
    )
    parser.add_argument(
        "--shared-telegram-host", action="store_true", help="every channel on one address"
    )
    parser.add_argument(
        "--kill-worker-at", type=float, metavar="SECONDS", help="kill -9 worker w1 then"
    )
    parser.add_argument(
        "--restart-after",
        type=float,
        metavar="SECONDS",
        help="restart the killed worker this long after (default: it stays dead)",
    )
    parser.add_argument(
        "--compare-one-worker",
        action="store_true",
        help="run everything again with one worker (no kill) and compare",
    )
    parser.add_argument(
        "--final-timeout",
        type=float,
        default=300.0,
        help="seconds to wait for the round after the stop (300)",
    )
    parser.add_argument(
        "--drain-timeout", type=float, default=300.0, help="seconds to wait for the store (300)"
    )
    parser.add_argument(
        "--settle",
        type=float,
        default=20.0,
        help="seconds the stored count may stand still before the run stops waiting (20)",
    )
    parser.add_argument("--sample-every", type=float, default=2.0, help="seconds (2)")
    parser.add_argument("--print-every", type=float, default=10.0, help="seconds (10)")
    for role in ("leader", "worker", "ingest"):
        parser.add_argument(
            f"--{role}-arg",
            action="append",
            default=[],
            metavar="ARG",
            help=f"an extra argument for `monitor {'schedule' if role == 'leader' else role}` "
            f"(repeatable; write --{role}-arg=-s to pass a dash)",
        )
    parser.add_argument(
        "--monitor",
        metavar="COMMAND",
        help="the command that runs monitor (default: this Python's `-m monitor`)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    arguments = parser.parse_args()
    print(
        f"{arguments.sources} sources, {arguments.workers} workers, every {arguments.every}, "
        f"{arguments.minutes:g} min at ×{arguments.speed:g}; {os.cpu_count()} CPUs",
        flush=True,
    )
    try:
        many = run_once(arguments, arguments.workers, kill=True)
        report(many)
        if arguments.compare_one_worker:
            print("\nagain with one worker", flush=True)
            one = run_once(arguments, 1, kill=False)
            report(one)
            compare(many, one)
    except Abort as exc:
        raise SystemExit(f"loadsim: {exc}") from None
    except KeyboardInterrupt:
        with contextlib.suppress(Exception):
            print("interrupted", file=sys.stderr)
        raise SystemExit(130) from None


if __name__ == "__main__":
    main()
