"""`monitor schedule` picks up an edited sources.toml without a restart: when the file is
modified, and on SIGHUP. Real runs of the CLI against the demo's captures on 127.0.0.1."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import pytest

from monitor.cli.localserver import CaptureServer
from tests.conftest import DEMO, FAST, monitor_command, monitor_env, read_jsonl

pytestmark = pytest.mark.slow

# Three feeds of the demo captures: one request each, so a crawl takes a fraction of a second.
FEEDS = {
    "first": "/Daraa24_24/rss",
    "second": "/horan/feed/",
    "third": "/daraa24/feed/",
}
WAIT_SECONDS = 25.0


def source(name: str, base: str, *extra: str) -> str:
    """A `[[source]]` table for one of FEEDS, crawled every second (below the minute a real
    site is allowed, hence force_every)."""
    lines = [
        "[[source]]",
        f'name = "{name}"',
        'kind = "rss"',
        f'url = "{base}{FEEDS[name]}"',
        'every = "1s"',
        "force_every = true",
        *extra,
    ]
    return "\n".join(lines) + "\n\n"


class Schedule:
    """A running `monitor schedule`, its stdout and stderr read line by line as they come."""

    def __init__(self, sources: Path, data: Path, base: str, *options: str):
        self.sources = sources
        self.data = data
        self.process = subprocess.Popen(
            [
                *monitor_command(),
                "schedule",
                "--sources",
                str(sources),
                "--data-dir",
                str(data),
                *FAST,
                "-s",
                f"MONITOR_TELEGRAM_EMBED_BASE={base}",
                *options,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=monitor_env(),
        )
        self.out: list[str] = []
        self.err: list[str] = []
        assert self.process.stdout is not None and self.process.stderr is not None
        self.readers = [
            threading.Thread(target=_collect, args=(self.process.stdout, self.out), daemon=True),
            threading.Thread(target=_collect, args=(self.process.stderr, self.err), daemon=True),
        ]
        for reader in self.readers:
            reader.start()

    def printed(self, text: str, *, err: bool = False) -> bool:
        return any(text in line for line in list(self.err if err else self.out))

    def runs(self, name: str, since: datetime | None = None) -> list[dict]:
        """The runs of a source recorded so far (started after `since`)."""
        log = self.data / "export" / "runs.jsonl"
        try:
            records = read_jsonl(log) if log.exists() else []
        except ValueError:  # a line being written as we read: look again at the next poll
            return []
        return [
            r
            for r in records
            if r["source"] == name
            and (since is None or datetime.fromisoformat(r["started_at"]) > since)
        ]

    def wait_for(self, condition: Callable[[], object], what: str) -> None:
        deadline = time.monotonic() + WAIT_SECONDS
        while not condition():
            assert self.process.poll() is None, f"schedule ended while waiting for {what}"
            assert time.monotonic() < deadline, f"no {what} in {WAIT_SECONDS:.0f}s: {self.log()}"
            time.sleep(0.1)

    def stop(self) -> None:
        """SIGTERM, as an operator stops it: it ends cleanly, with status 0."""
        assert self.process.poll() is None, f"schedule ended on its own: {self.log()}"
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=20)
        self._close()
        assert self.process.returncode == 0, self.log()
        assert self.printed("SIGTERM: finishing the crawls in flight, then stopping")
        assert not self.printed("Traceback", err=True), self.log()

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self._close()

    def _close(self) -> None:
        for reader in self.readers:
            reader.join(timeout=5)
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()

    def log(self) -> str:
        return "\nstdout:\n" + "".join(self.out) + "\nstderr:\n" + "".join(self.err)


def _collect(stream: IO[str], lines: list[str]) -> None:
    for line in stream:
        lines.append(line)


@pytest.fixture
def base() -> Iterator[str]:
    with CaptureServer(DEMO / "site") as server:
        yield server.base_url


@pytest.fixture
def start(tmp_path: Path, base: str) -> Iterator[Callable[..., Schedule]]:
    """Start `monitor schedule` on a sources file; whatever a test leaves running is killed."""
    started: list[Schedule] = []

    def _start(sources: Path, *options: str) -> Schedule:
        started.append(Schedule(sources, tmp_path / "data", base, *options))
        return started[-1]

    yield _start
    for schedule in started:
        schedule.kill()


def test_an_added_source_is_crawled_without_a_restart(tmp_path, base, start):
    sources = tmp_path / "sources.toml"
    sources.write_text(source("first", base), encoding="utf-8")
    schedule = start(sources)
    schedule.wait_for(lambda: schedule.runs("first"), "run of 'first'")
    assert not schedule.runs("second")

    with sources.open("a", encoding="utf-8") as file:
        file.write(source("second", base))
    schedule.wait_for(lambda: schedule.printed("reloaded"), "reload")
    assert schedule.printed(f"reloaded {sources}: +1 added (second)")
    schedule.wait_for(lambda: schedule.runs("second"), "run of 'second'")
    schedule.stop()


def test_the_site_is_refreshed_after_each_crawl_that_stored_posts(tmp_path, base, start):
    sources = tmp_path / "sources.toml"
    sources.write_text(source("first", base), encoding="utf-8")
    site = tmp_path / "site"
    schedule = start(sources, "--report", str(site))
    schedule.wait_for(lambda: schedule.printed(f"site {site}:"), "site refresh")
    pages = {page.name for page in (site / "threads").glob("*.html")}
    assert (site / "index.html").is_file() and pages
    with sources.open("a", encoding="utf-8") as file:
        file.write(source("second", base))
    schedule.wait_for(lambda: schedule.runs("second"), "run of 'second'")
    schedule.wait_for(
        lambda: {page.name for page in (site / "threads").glob("*.html")} > pages, "new pages"
    )
    schedule.stop()


def test_a_removed_source_is_crawled_no_more(tmp_path, base, start):
    sources = tmp_path / "sources.toml"
    sources.write_text(source("first", base) + source("second", base), encoding="utf-8")
    schedule = start(sources)
    schedule.wait_for(
        lambda: schedule.runs("first") and schedule.runs("second"), "run of both sources"
    )

    sources.write_text(source("first", base), encoding="utf-8")
    schedule.wait_for(lambda: schedule.printed("reloaded"), "reload")
    reloaded = datetime.now(UTC)
    assert schedule.printed(f"reloaded {sources}: -1 removed (second)")
    # Both had the same interval; two more runs of the kept one span at least one of the other.
    schedule.wait_for(lambda: len(schedule.runs("first", reloaded)) >= 2, "two runs of 'first'")
    assert not schedule.runs("second", reloaded)
    schedule.stop()


def test_a_file_with_problems_is_refused_and_the_old_sources_run_on(tmp_path, base, start):
    sources = tmp_path / "sources.toml"
    good = source("first", base)
    sources.write_text(good, encoding="utf-8")
    schedule = start(sources)
    schedule.wait_for(lambda: schedule.runs("first"), "run of 'first'")

    bad = good + source("second", base, 'colour = "red"')
    bad += source("third", base).replace(f"{base}/daraa24", "ftp://example.org")
    sources.write_text(bad, encoding="utf-8")
    schedule.wait_for(lambda: schedule.printed("not reloaded", err=True), "refusal")
    refused = datetime.now(UTC)
    assert schedule.printed(
        f"monitor: {sources}: source 'second': unknown field 'colour'", err=True
    )
    assert schedule.printed(
        f"monitor: {sources}: source 'third': field 'url': 'ftp://example.org/feed/' is not an "
        "http(s) URL",
        err=True,
    )
    assert schedule.printed(
        f"monitor: {sources}: not reloaded; still running the 1 source before", err=True
    )
    assert not schedule.printed("reloaded")
    schedule.wait_for(lambda: schedule.runs("first", refused), "run of 'first' after the refusal")
    assert not schedule.runs("second") and not schedule.runs("third")

    sources.write_text(good + source("second", base), encoding="utf-8")
    schedule.wait_for(lambda: schedule.printed("reloaded"), "reload of the fixed file")
    assert schedule.printed(f"reloaded {sources}: +1 added (second)")
    schedule.wait_for(lambda: schedule.runs("second"), "run of 'second'")
    schedule.stop()


def test_sighup_reloads_even_when_the_modification_time_did_not_change(tmp_path, base, start):
    sources = tmp_path / "sources.toml"
    sources.write_text(source("first", base) + source("second", base), encoding="utf-8")
    schedule = start(sources)
    schedule.wait_for(
        lambda: schedule.runs("first") and schedule.runs("second"), "run of both sources"
    )

    before = sources.stat()
    sources.write_text(source("first", base, 'lang = "en"'), "utf-8")
    os.utime(sources, ns=(before.st_atime_ns, before.st_mtime_ns))
    time.sleep(2.5)  # longer than the two looks at the file an edit needs to be read
    assert not schedule.printed("reloaded"), "the edit was seen without its modification time"

    schedule.process.send_signal(signal.SIGHUP)
    schedule.wait_for(lambda: schedule.printed("reloaded"), "reload on SIGHUP")
    assert schedule.printed(f"reloaded {sources}: -1 removed (second), 1 changed (first)")
    schedule.process.send_signal(signal.SIGHUP)
    schedule.wait_for(lambda: schedule.printed(f"reloaded {sources}: no changes"), "2nd reload")
    schedule.stop()
