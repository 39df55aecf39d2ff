"""Several machines: raw items through a Redis stream read by a consumer group (`monitor crawl
--redis`, `monitor ingest`, `monitor status --redis`), against a real redis-server."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from benchmarks.stream import Stream
from monitor.cli.localserver import CaptureServer
from tests.conftest import (
    DEMO,
    FAST,
    crawl,
    crawl_args,
    kill_when,
    latest_by_id,
    monitor_command,
    monitor_env,
    read_jsonl,
    run_monitor,
    write_demo_sources,
)
from tests.redis_server import RedisServer, free_port
from tests.test_crash_safety import check_intact
from tests.test_crawl_e2e import MORNING_REPORT, SEED_ARTICLE, SEED_TWEET

pytestmark = pytest.mark.slow

STREAM = "monitor:items"
GROUP = "monitor"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RedisServer]:
    with RedisServer(tmp_path / "redis") as running:
        yield running


def client(server: RedisServer):
    import redis

    return redis.Redis.from_url(server.url)


def push(server: RedisServer, items: list[dict], stream: str = STREAM) -> None:
    """XADD each item as a crawl worker would."""
    redis_client = client(server)
    pipe = redis_client.pipeline(transaction=False)
    for item in items:
        pipe.xadd(stream, {"item": orjson.dumps(item)})
    pipe.execute()
    redis_client.close()


def ingest(server: RedisServer, data: Path, *options: str) -> subprocess.CompletedProcess[str]:
    return run_monitor("ingest", "--redis", server.url, "--data-dir", str(data), *options)


def ingest_command(server: RedisServer, data: Path, *options: str) -> list[str]:
    return [*monitor_command(), "ingest", "--redis", server.url, "--data-dir", str(data), *options]


def left_in_stream(server: RedisServer) -> tuple[int, int]:
    """(entries in the stream, entries pending in the group)."""
    redis_client = client(server)
    try:
        groups = redis_client.xinfo_groups(STREAM) if redis_client.exists(STREAM) else []
        pending = sum(group["pending"] for group in groups if group["name"] == GROUP.encode())
        return redis_client.xlen(STREAM), pending
    finally:
        redis_client.close()


def stored_ids(data: Path) -> list[str]:
    db = sqlite3.connect(data / "monitor.sqlite3")
    try:
        return [row[0] for row in db.execute("SELECT id FROM posts")]
    finally:
        db.close()


def partition(posts: dict[str, dict]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for post_id, post in posts.items():
        groups.setdefault(post["thread_id"], set()).add(post_id)
    return {frozenset(group) for group in groups.values()}


def by_url(posts: dict[str, dict], key: str) -> dict[str, str | None]:
    """Each post's `key` (a post id) as the URL of that post, by the post's own URL."""
    url_of = {post_id: post["url"] for post_id, post in posts.items()}
    return {post["url"]: url_of.get(post[key]) if post[key] else None for post in posts.values()}


def test_a_crawl_through_the_stream_stores_what_a_plain_crawl_stores(tmp_path, server):
    with CaptureServer(DEMO / "site") as site:
        sources = write_demo_sources(tmp_path / "sources.toml", site.base_url)
        plain = tmp_path / "plain"
        assert crawl(sources, plain, site.base_url).returncode == 0
        worker = tmp_path / "worker"
        embed = ("-s", f"MONITOR_TELEGRAM_EMBED_BASE={site.base_url}")
        sent = run_monitor(*crawl_args(sources, worker, *FAST, *embed, "--redis", server.url))
    assert sent.returncode == 0, sent.stderr
    # the worker stored no post, and recorded its runs as always
    assert stored_ids(worker) == []
    runs = read_jsonl(worker / "export" / "runs.jsonl")
    assert len(runs) == 6 and all(run["status"] == "ok" for run in runs)
    items = sum(run["posts"] for run in runs)
    assert left_in_stream(server)[0] == items >= 45

    status = run_monitor(
        "status", "--sources", str(sources), "--data-dir", str(worker), "--redis", server.url
    )
    assert status.returncode == 0, status.stderr
    assert f"{items} entries not stored yet" in status.stdout
    assert f"{items} waiting, 0 pending" in status.stdout
    assert "no consumer yet" in status.stderr

    redis_client = client(server)
    sent_items = [orjson.loads(fields[b"item"]) for _, fields in redis_client.xrange(STREAM)]
    redis_client.close()
    data = tmp_path / "ingested"
    result = ingest(server, data, "--once")
    assert result.returncode == 0, result.stderr
    assert f"ingested {items} entries" in result.stderr and "0 refused" in result.stderr
    assert left_in_stream(server) == (0, 0)
    assert len(check_intact(data)) == 45

    want = latest_by_id(read_jsonl(plain / "export" / "posts.jsonl"))
    got = latest_by_id(read_jsonl(data / "export" / "posts.jsonl"))
    assert set(got) == set(want)
    # The two crawls deliver the items in the order their pages arrive, which varies from run
    # to run. The threads and the copies do not depend on it (test_crawl_e2e checks them
    # against the demo's stories); some follow-ups do (the "latest earlier post" a marker
    # points to is the latest known when the post arrives). Those are compared with a replay
    # of the items in the stream's own order: the same path, so the same decisions.
    assert partition(got) == partition(want)
    assert by_url(got, "duplicate_of") == by_url(want, "duplicate_of")
    replay_input = tmp_path / "sent.jsonl"
    replay_input.write_bytes(b"".join(orjson.dumps(item) + b"\n" for item in sent_items))
    replayed = tmp_path / "replayed"
    assert run_monitor("replay", str(replay_input), "--data-dir", str(replayed)).returncode == 0
    same_order = latest_by_id(read_jsonl(replayed / "export" / "posts.jsonl"))
    for key in ("thread_id", "duplicate_of", "follows_up", "link_type", "link_evidence"):
        assert {i: p[key] for i, p in got.items()} == {i: p[key] for i, p in same_order.items()}
    # and the seed story's follow-ups, whatever the order
    assert by_url(got, "follows_up")[SEED_TWEET] == MORNING_REPORT
    assert by_url(got, "follows_up")[site.base_url + SEED_ARTICLE] == SEED_TWEET


def test_a_worker_that_cannot_send_fails_its_sources(tmp_path, server, demo_server):
    """Redis refuses the items (full here): each source's run fails with one line, so that
    its next run fetches everything again (validators advance only on success)."""
    redis_client = client(server)
    redis_client.config_set("maxmemory", 1)
    redis_client.config_set("maxmemory-policy", "noeviction")
    sources = write_demo_sources(tmp_path / "sources.toml", demo_server.base_url)
    worker = tmp_path / "worker"
    embed = ("-s", f"MONITOR_TELEGRAM_EMBED_BASE={demo_server.base_url}")
    sent = run_monitor(*crawl_args(sources, worker, *FAST, *embed, "--redis", server.url))
    assert sent.returncode == 1 and "Traceback" not in sent.stderr
    runs = read_jsonl(worker / "export" / "runs.jsonl")
    assert len(runs) == 6 and all(run["status"] == "failed" for run in runs)
    assert all(run["failure"].startswith("cannot send items to the Redis stream") for run in runs)
    assert redis_client.xlen(STREAM) == 0
    redis_client.close()


def test_a_killed_consumer_resumes_and_stores_every_post_once(tmp_path, server):
    push(server, list(Stream(3000, seed=7).items()))
    data = tmp_path / "data"
    log = data / "export" / "posts.jsonl"
    first = ingest_command(server, data, "--name", "c1", "--idle-exit", "2")
    kill_when(first, log, 700)
    stored = len(check_intact(data))
    length, pending = left_in_stream(server)
    assert 0 < stored < 3000 and length < 3000, (stored, length)
    # every acknowledged entry was stored first (stored ones are deleted from the stream)
    assert stored >= 3000 - length

    nothing = tmp_path / "sources.toml"
    nothing.write_text("", encoding="utf-8")
    status = run_monitor(
        "status", "--sources", str(nothing), "--data-dir", str(data), "--redis", server.url
    )
    assert f"{length} entries not stored yet" in status.stdout, status.stdout + status.stderr
    assert f"{pending} pending" in status.stdout and "1 consumer" in status.stdout

    # the same consumer again: its own pending entries first; killed once more
    kill_when(first, log, 1800)
    check_intact(data)
    # another consumer takes over what c1 left pending
    result = ingest(server, data, "--name", "c2", "--claim-idle", "0.2", "--once")
    assert result.returncode == 0, result.stderr
    revisions = check_intact(data)
    assert len(revisions) == 3000
    ids = stored_ids(data)
    assert len(ids) == len(set(ids)) == 3000
    assert left_in_stream(server) == (0, 0)


def test_nothing_is_lost_when_redis_restarts(tmp_path, server):
    items = list(Stream(3000, seed=11).items())
    push(server, items[:1000])
    server.restart()  # between producing and consuming
    push(server, items[1000:])
    data = tmp_path / "data"
    # and once more while the consumer runs: it waits for Redis and goes on
    consumer = subprocess.Popen(
        ingest_command(server, data, "--idle-exit", "2"),
        env=monitor_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    log = data / "export" / "posts.jsonl"
    deadline = time.monotonic() + 30
    while not (log.exists() and log.stat().st_size) and time.monotonic() < deadline:
        time.sleep(0.01)
    server.restart()
    _, stderr = consumer.communicate(timeout=60)
    assert consumer.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert len(check_intact(data)) == len(stored_ids(data)) == 3000
    assert left_in_stream(server) == (0, 0)


def test_the_consumer_waits_for_redis_to_come_back(tmp_path, server):
    """An outage longer than redis-py's own retries reaches the consumer's loop: one line when
    Redis goes, one when it is back, and nothing lost (here with no retries of redis-py's)."""
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    from monitor.stream.consumer import GroupReader
    from monitor.stream.ingest import IngestReport, ingest_stream

    items = list(Stream(1000, seed=13).items())
    push(server, items[:500])
    data = tmp_path / "data"
    report = IngestReport()
    said: list[str] = []
    failed: list[BaseException] = []
    redis_client = redis.Redis.from_url(server.url, retry=Retry(NoBackoff(), 0))
    reader = GroupReader(redis_client, STREAM, "c1")

    def consume() -> None:
        try:
            ingest_stream(
                reader,
                data,
                report,
                stopping=lambda: report.new == 1000,
                say=said.append,
                where="R",
            )
        except BaseException as exc:
            failed.append(exc)

    consumer = threading.Thread(target=consume)
    consumer.start()
    deadline = time.monotonic() + 30
    while report.entries < 500 and time.monotonic() < deadline:
        time.sleep(0.01)
    server.stop()
    time.sleep(1.5)
    server.start()
    push(server, items[500:])
    consumer.join(timeout=60)
    redis_client.close()
    assert not failed, failed
    assert said[0].startswith("lost Redis at R (") and said[1].startswith("Redis at R is back")
    # a batch stored but not yet acknowledged when Redis went comes again, and changes nothing
    assert report.new == 1000 and report.entries - 1000 == report.unchanged
    assert len(check_intact(data)) == 1000
    assert left_in_stream(server) == (0, 0)


def test_an_entry_delivered_twice_changes_nothing(tmp_path, server):
    items = list(Stream(300, seed=5).items())
    push(server, items)
    data = tmp_path / "data"
    result = ingest(server, data, "--once")
    assert result.returncode == 0, result.stderr
    # the same path as `monitor replay`: the same posts as a replay of the same items
    replay_input = tmp_path / "items.jsonl"
    replay_input.write_bytes(b"".join(orjson.dumps(item) + b"\n" for item in items))
    replayed = tmp_path / "replayed"
    assert run_monitor("replay", str(replay_input), "--data-dir", str(replayed)).returncode == 0
    posts = latest_by_id(read_jsonl(data / "export" / "posts.jsonl"))
    assert posts == latest_by_id(read_jsonl(replayed / "export" / "posts.jsonl"))

    logs = {
        name: (data / "export" / name).read_bytes() for name in ("posts.jsonl", "threads.jsonl")
    }
    push(server, [items[0], items[0], *items[1:]])  # all again, the first twice in a row
    again = ingest(server, data, "--once")
    assert again.returncode == 0, again.stderr
    assert "0 new posts, 0 updated, 301 unchanged, 0 refused" in again.stderr
    for name, before in logs.items():
        assert (data / "export" / name).read_bytes() == before, name
    assert left_in_stream(server) == (0, 0)


def test_a_bad_entry_is_refused_by_id_and_kept_aside(tmp_path, server):
    import redis

    redis_client = redis.Redis.from_url(server.url)
    good = list(Stream(20, seed=3).items())
    push(server, good[:10])
    bad = [
        redis_client.xadd(STREAM, {"item": b"{not json"}),
        redis_client.xadd(STREAM, {"item": b"[1, 2]"}),
        redis_client.xadd(STREAM, {"other": b"x"}),
        redis_client.xadd(STREAM, {"item": orjson.dumps({"source": "s", "platform": "web"})}),
    ]
    push(server, good[10:])
    data = tmp_path / "data"
    result = ingest(server, data, "--idle-exit", "0.5")
    assert result.returncode == 1, result.stderr  # drained, with refusals: as replay does
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("monitor: ingest: ")]
    assert [line.split()[4] for line in lines] == [entry.decode() + ":" for entry in bad]
    assert "not JSON" in lines[0] and "not a JSON object" in lines[1]
    assert "no 'item' field" in lines[2] and "missing url" in lines[3]
    assert len(stored_ids(data)) == 20
    assert left_in_stream(server) == (0, 0)
    refused = redis_client.xrange(STREAM + ":refused")
    assert [fields[b"refused_entry"] for _, fields in refused] == bad
    assert refused[0][1][b"item"] == b"{not json"
    redis_client.close()


def test_sigterm_finishes_the_batch_acknowledges_it_and_exits_0(tmp_path, server):
    push(server, list(Stream(3000, seed=9).items()))
    data = tmp_path / "data"
    consumer = subprocess.Popen(
        ingest_command(server, data), env=monitor_env(), stderr=subprocess.PIPE, text=True
    )
    log = data / "export" / "posts.jsonl"
    deadline = time.monotonic() + 30
    while not (log.exists() and log.stat().st_size) and time.monotonic() < deadline:
        time.sleep(0.01)
    consumer.send_signal(signal.SIGTERM)
    _, stderr = consumer.communicate(timeout=20)
    assert consumer.returncode == 0, stderr
    assert "stopping after this batch (SIGTERM)" in stderr and "Traceback" not in stderr
    length, pending = left_in_stream(server)
    # what was acknowledged (deleted) is exactly what was stored, and nothing is left pending
    assert pending == 0 and 0 < length < 3000
    assert len(check_intact(data)) == len(stored_ids(data)) == 3000 - length


def test_redis_out_of_reach_is_one_line(tmp_path, demo_sources):
    closed = f"redis://127.0.0.1:{free_port()}/0"
    result = run_monitor("ingest", "--redis", closed, "--data-dir", str(tmp_path / "d"))
    assert result.returncode == 1
    assert f"monitor: ingest: cannot reach Redis at {closed}" in result.stderr
    assert "Traceback" not in result.stderr
    worker = run_monitor(*crawl_args(demo_sources, tmp_path / "w", "--redis", closed))
    assert worker.returncode == 1 and "Traceback" not in worker.stderr
    assert worker.stderr.startswith(f"monitor: crawl: cannot reach Redis at {closed}")
    bad = run_monitor("ingest", "--redis", "http://x", "--data-dir", str(tmp_path / "d"))
    assert bad.returncode == 2 and "not a Redis URL" in bad.stderr


def test_single_machine_mode_loads_no_stream_code():
    from monitor.collect.crawl import crawl_settings

    pipelines = crawl_settings(None).getwithbase("ITEM_PIPELINES")
    assert "pipelines.stream.StreamPipeline" not in pipelines
    probe = (
        "import sys; from monitor.cli.main import cli; "
        "print(sorted(m for m in sys.modules if m == 'redis' or m.startswith('monitor.stream.')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
