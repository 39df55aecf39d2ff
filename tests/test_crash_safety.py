"""`kill -9` at any moment of a crawl or a replay, then run again: the SQLite file is intact,
no JSONL log has a torn line, and every post is there exactly once."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import orjson

from benchmarks.stream import Stream
from monitor.cli.localserver import CaptureServer
from monitor.store.changelog import repair_tail
from tests.conftest import (
    DEMO,
    crawl,
    crawl_args,
    kill_when,
    monitor_command,
    run_monitor,
    write_demo_sources,
)

LOGS = ("posts.jsonl", "threads.jsonl", "runs.jsonl")


def check_intact(data: Path) -> dict[str, list[int]]:
    """The store passes SQLite's integrity check, and the logs `check_logs`. Returns
    revisions by post id."""
    db = sqlite3.connect(data / "monitor.sqlite3")
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        db.close()
    return check_logs(data)


def check_logs(data: Path) -> dict[str, list[int]]:
    """Every log line is whole JSON (once the next run's first step has cut off a line the
    kill tore: Linux lets SIGKILL stop a large write part of the way); each post's revisions
    are 1, 2, 3 ... without a gap or a repeat. Returns revisions by post id."""
    revisions: dict[str, list[int]] = {}
    for name in LOGS:
        path = data / "export" / name
        if not path.exists():
            continue
        before = path.read_bytes()
        repair_tail(path)  # what opening the log does
        raw = path.read_bytes()
        assert before.startswith(raw) and b"\n" not in before[len(raw) :], name
        assert not raw or raw.endswith(b"\n"), f"{name} ends in a torn line"
        for line in raw.splitlines():
            record = orjson.loads(line)
            if name == "posts.jsonl":
                revisions.setdefault(record["id"], []).append(record["revision"])
    for post, seen in revisions.items():
        assert seen == list(range(1, len(seen) + 1)), (post, seen)
    return revisions


def stored_after_kills(command: list[str], data: Path, points: tuple[int, ...]) -> list[int]:
    """Run the command again and again, killing it once `posts.jsonl` holds each number of
    lines in turn; after each kill the data dir must be intact. Returns how many posts were
    stored at each kill (none before the store first exists)."""
    stored = []
    for lines in points:
        kill_when(command, data / "export" / "posts.jsonl", lines)
        if (data / "monitor.sqlite3").exists():
            stored.append(len(check_intact(data)))
    return stored


def test_replay_killed_at_any_moment(tmp_path):
    items = tmp_path / "stream.jsonl"
    with items.open("wb") as out:
        for item in Stream(1500, seed=7).items():
            out.write(orjson.dumps(item) + b"\n")
    data = tmp_path / "data"
    command = [*monitor_command(), "replay", str(items), "--data-dir", str(data)]
    stored = stored_after_kills(command, data, (0, 200, 500, 900, 1300))
    assert any(0 < count < 1500 for count in stored), stored  # killed mid-way, not before or after
    result = run_monitor("replay", str(items), "--data-dir", str(data))
    assert result.returncode == 0, result.stderr
    revisions = check_intact(data)
    assert len(revisions) == 1500


def test_crawl_killed_at_any_moment(tmp_path):
    with CaptureServer(DEMO / "site") as server:
        sources = tmp_path / "sources.toml"
        write_demo_sources(sources, server.base_url)
        data = tmp_path / "data"
        # slow enough to be killed between pages
        slow = ("-s", "DOWNLOAD_DELAY=0.05", "-s", "AUTOTHROTTLE_ENABLED=false")
        embed = ("-s", f"MONITOR_TELEGRAM_EMBED_BASE={server.base_url}")
        command = [*monitor_command(), *crawl_args(sources, data, *slow, *embed)]
        stored = stored_after_kills(command, data, (0, 5, 15, 25, 35))
        assert any(0 < count < 45 for count in stored), stored
        result = crawl(sources, data, server.base_url)
    assert result.returncode == 0, result.stderr
    assert len(check_intact(data)) == 45
