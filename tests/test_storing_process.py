"""A crawl stores its posts through a process of its own (monitor.store.storing_process): it
dies with the crawl, the crawl stops with one line if it dies, and a Ctrl-C on the terminal
(which reaches both) still leaves every collected post stored and logged."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from monitor.cli.localserver import CaptureServer
from tests.conftest import (
    DEMO,
    crawl,
    crawl_args,
    monitor_command,
    monitor_env,
    read_jsonl,
    write_demo_sources,
)
from tests.test_crash_safety import check_intact

pytestmark = pytest.mark.slow
DEMO_POSTS = 45
# slow enough to act between pages
SLOW = ("-s", "DOWNLOAD_DELAY=0.2", "-s", "AUTOTHROTTLE_ENABLED=false")


def crawl_until_stored(sources: Path, data: Path, base: str) -> subprocess.Popen[str]:
    """A slow crawl of the demo, once it has stored and logged 5 posts."""
    embed = ("-s", f"MONITOR_TELEGRAM_EMBED_BASE={base}")
    crawl = subprocess.Popen(
        [*monitor_command(), *crawl_args(sources, data, *SLOW, *embed)],
        env=monitor_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # (its own group: the Ctrl-C test signals the group)
    )
    log = data / "export" / "posts.jsonl"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and crawl.poll() is None:
        if log.exists() and log.read_bytes().count(b"\n") >= 5:
            return crawl
        time.sleep(0.01)
    raise AssertionError(f"{log} never held 5 lines (crawl exit {crawl.poll()})")


def storing_process_of(pid: int) -> int:
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            command = Path(f"/proc/{child}/cmdline").read_bytes()
            if b"monitor.store.storing_process" in command:
                return int(child)
    raise AssertionError(f"process {pid} has no storing process")


def gone(pid: int, seconds: float = 5) -> bool:
    """True once the process is dead (a zombie counts: nobody may reap it in a container)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.02)
    return False


def stored_ids(data: Path) -> set[str]:
    db = sqlite3.connect(data / "monitor.sqlite3")
    try:
        return {row[0] for row in db.execute("SELECT id FROM posts")}
    finally:
        db.close()


@pytest.fixture
def demo(tmp_path: Path):
    with CaptureServer(DEMO / "site") as server:
        sources = tmp_path / "sources.toml"
        write_demo_sources(sources, server.base_url)
        yield sources, tmp_path / "data", server.base_url


def test_the_storing_process_dies_with_a_crawl_killed_by_sigkill(demo):
    sources, data, base = demo
    running = crawl_until_stored(sources, data, base)
    storing = storing_process_of(running.pid)
    running.kill()
    running.communicate()
    assert gone(storing), "the storing process outlived the crawl"
    again = crawl(sources, data, base)
    assert again.returncode == 0, again.stderr
    assert len(check_intact(data)) == DEMO_POSTS


def test_a_storing_process_that_dies_stops_the_crawl_with_one_line(demo):
    sources, data, base = demo
    running = crawl_until_stored(sources, data, base)
    os.kill(storing_process_of(running.pid), signal.SIGKILL)
    _, stderr = running.communicate(timeout=60)
    assert running.returncode not in (0, None)
    assert "Traceback" not in stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "storing process" in lines[0] and "signal 9" in lines[0], lines[0]
    assert "what it committed is kept" in lines[0]
    kept = check_intact(data)
    assert set(kept) <= stored_ids(data)
    again = crawl(sources, data, base)  # the pages of the unrecorded runs are fetched again
    assert again.returncode == 0, again.stderr
    assert len(check_intact(data)) == DEMO_POSTS


def test_ctrl_c_reaches_both_and_what_was_collected_is_stored_and_logged(demo):
    sources, data, base = demo
    running = crawl_until_stored(sources, data, base)
    os.killpg(running.pid, signal.SIGINT)  # what a terminal does: the whole group
    _, stderr = running.communicate(timeout=60)
    assert running.returncode == 128 + signal.SIGINT, stderr
    assert "Traceback" not in stderr
    assert "stopped by SIGINT" in stderr
    logged = check_intact(data)
    assert set(logged) == stored_ids(data)  # every stored post reached the log
    runs = read_jsonl(data / "export" / "runs.jsonl")
    assert any(run["status"] == "interrupted" for run in runs), runs
