"""Several machines, end to end, against real Redis and PostgreSQL: one leader
(`monitor schedule --redis`), crawl workers (`monitor worker`) sharing the scrapy-redis
queue, and one consumer (`monitor ingest`) storing into PostgreSQL.

- The demo's captures crawled by two workers give the posts, copies and threads that
  `monitor crawl` gives on SQLite.
- Faults: a worker killed with SIGKILL mid-crawl, then the consumer mid-batch, then Redis
  restarted (AOF on): every post is in PostgreSQL exactly once, and no log line is torn or
  doubled.
"""

from __future__ import annotations

import gzip
import html
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import BinaryIO

import orjson
import pytest

from monitor.cli.localserver import CaptureServer
from monitor.normalize.urls import canonical_url, post_id
from tests.conftest import (
    DEMO,
    FAST,
    ROOT,
    latest_by_id,
    monitor_command,
    monitor_env,
    read_jsonl,
    run_monitor,
    write_demo_sources,
)
from tests.postgres_server import PostgresServer
from tests.redis_server import RedisServer
from tests.test_crash_safety import check_logs

pytestmark = pytest.mark.slow

NEWS = ROOT / "tests" / "data" / "stories" / "news-2013" / "sample.jsonl.gz"
# Fields that say when or in which order a post arrived, not what it is: the collection
# time, the revision count, and the thread's id and evidence, which name the post that
# happened to come first (two crawls on one machine differ in them too).
ARRIVAL = {"collected_at", "revision", "thread_id", "thread_evidence", "follows_up",
           "follows_up_evidence", "duplicate_evidence", "link_evidence", "link_type"}  # fmt: skip


class Cluster:
    """The processes of a several-machines setup on this machine, each with its own log."""

    def __init__(self, tmp: Path, redis: RedisServer, store: str, *worker_settings: str):
        self.tmp = tmp
        self.redis = redis
        self.store = store
        self.data = tmp / "store-side"  # the consumer's data dir: export/ and the lock
        self.worker_settings = worker_settings
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.logs: list[BinaryIO] = []

    def env(self) -> dict[str, str]:
        return monitor_env({"MONITOR_REDIS_URL": self.redis.url, "MONITOR_STORE": self.store})

    def start(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        log = (self.tmp / f"{name}.log").open("ab")
        self.logs.append(log)
        process = subprocess.Popen(
            [*monitor_command(), *args], env=self.env(), stdout=log, stderr=log
        )
        self.processes[name] = process
        return process

    def worker(self, name: str) -> None:
        data = self.tmp / f"worker-{name}"
        self.start(name, "worker", "--name", name, "--data-dir", str(data), *self.worker_settings)

    def ingest(self) -> None:
        self.start("ingest", "ingest", "--data-dir", str(self.data), "--claim-idle", "2")

    def leader(self, sources: Path, *options: str) -> None:
        leader_dir = self.tmp / "leader"
        self.start("leader", "schedule", "--sources", str(sources), "--data-dir", str(leader_dir),
                   *options)  # fmt: skip

    def kill(self, name: str) -> None:
        process = self.processes.pop(name)
        process.kill()
        process.wait()

    def stop(self) -> None:
        for name in ("leader", *[n for n in self.processes if n not in ("leader", "ingest")]):
            process = self.processes.pop(name, None)
            if process is not None:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=60)
        self.drain()
        ingest = self.processes.pop("ingest", None)
        if ingest is not None:
            ingest.send_signal(signal.SIGTERM)
            assert ingest.wait(timeout=60) == 0, self.log("ingest")

    def drain(self, timeout: float = 60) -> None:
        wait_for(lambda: self.backlog() == (0, 0), timeout, "the stream to drain")

    def backlog(self) -> tuple[int, int]:
        client = self.client()
        try:
            if not client.exists("monitor:items"):
                return 0, 0
            groups = client.xinfo_groups("monitor:items")
            return client.xlen("monitor:items"), sum(group["pending"] for group in groups)
        finally:
            client.close()

    def client(self):
        import redis

        return redis.Redis.from_url(self.redis.url)

    def alive(self) -> set[str]:
        client = self.client()
        try:
            return {key.decode().rpartition(":")[2] for key in client.keys("monitor:worker:*")}
        finally:
            client.close()

    def runs(self) -> list[dict]:
        path = self.data / "export" / "runs.jsonl"
        return read_jsonl(path) if path.exists() else []

    def log(self, name: str) -> str:
        return (self.tmp / f"{name}.log").read_text(errors="replace")[-3000:]

    def kill_all(self) -> None:
        for process in self.processes.values():
            process.kill()
            process.wait()
        self.processes.clear()
        for log in self.logs:
            log.close()


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    with RedisServer(tmp_path / "redis") as running:
        yield running


@pytest.fixture
def cluster_of(
    tmp_path: Path, redis_server: RedisServer, postgres_server: PostgresServer
) -> Iterator[Callable[..., Cluster]]:
    made: list[Cluster] = []

    def make(*worker_settings: str) -> Cluster:
        cluster = Cluster(tmp_path, redis_server, postgres_server.new_database(), *worker_settings)
        made.append(cluster)
        return cluster

    yield make
    for cluster in made:
        cluster.kill_all()


def export(data: Path, env: dict[str, str], tag: str) -> tuple[dict[str, dict], list[dict]]:
    posts, threads = data.parent / f"{tag}-posts.jsonl", data.parent / f"{tag}-threads.jsonl"
    done = subprocess.run(
        [*monitor_command(), "export", "--data-dir", str(data), "--out", str(posts),
         "--threads", str(threads)],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return latest_by_id(read_jsonl(posts)), read_jsonl(threads)


def what_it_is(post: dict) -> dict:
    return {key: value for key, value in post.items() if key not in ARRIVAL}


def partition(posts: dict[str, dict]) -> set[frozenset[str]]:
    threads: dict[str, set[str]] = {}
    for post in posts.values():
        threads.setdefault(post["thread_id"], set()).add(post["id"])
    return {frozenset(members) for members in threads.values()}


def test_the_demo_crawled_by_two_workers_is_the_crawl_of_one_machine(cluster_of, tmp_path):
    with CaptureServer(DEMO / "site") as site:
        sources = write_demo_sources(tmp_path / "sources.toml", site.base_url)
        embed = f"MONITOR_TELEGRAM_EMBED_BASE={site.base_url}"
        cluster = cluster_of("-s", embed, *FAST)
        cluster.ingest()
        cluster.worker("w1")
        cluster.worker("w2")
        wait_for(lambda: cluster.alive() == {"w1", "w2"}, 60, "both workers' heartbeats")
        cluster.leader(sources)
        enabled = 6  # (the demo's sources file has three more, disabled)
        wait_for(lambda: len(cluster.runs()) >= enabled, 90, "a run of every source")
        status = subprocess.run(
            [*monitor_command(), "status", "--redis", cluster.redis.url,
             "--data-dir", str(cluster.data)],
            env=cluster.env(), capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert "2 workers alive (w1, w2)" in status.stdout, status.stdout + status.stderr
        cluster.stop()
        runs = cluster.runs()
        assert len(runs) == enabled, runs
        assert {run["status"] for run in runs} == {"ok"}, runs
        assert sum(run["posts"] for run in runs) >= 45
        # the leader began each source once: its next run is an hour or more away
        assert "began 6 runs" in cluster.log("leader")
        spread, spread_threads = export(cluster.data, cluster.env(), "spread")

        one = tmp_path / "one-machine"
        crawled = run_monitor(
            "crawl", "--sources", str(sources), "--data-dir", str(one), "-s", embed, *FAST
        )
        assert crawled.returncode == 0, crawled.stderr
        single, single_threads = export(one, monitor_env(), "single")

    assert set(spread) == set(single)
    differ = {
        (key, field)
        for key, post in spread.items()
        for field in set(what_it_is(post)) | set(what_it_is(single[key]))
        if post.get(field) != single[key].get(field)
    }
    assert not differ, [(k, f, spread[k].get(f), single[k].get(f)) for k, f in differ]
    assert partition(spread) == partition(single)
    assert {frozenset(t["post_ids"]) for t in spread_threads} == {
        frozenset(t["post_ids"]) for t in single_threads
    }
    # each source's run found the same posts; which run a shared post counts as new in (an
    # embedded tweet), which copy is the original, and whether an embed's page is fetched
    # (not if the post is known by then) go by arrival
    single_runs = read_jsonl(one / "export" / "runs.jsonl")
    figures = ("posts", "errors")
    assert sorted((r["source"], *(r[f] for f in figures)) for r in runs) == sorted(
        (r["source"], *(r[f] for f in figures)) for r in single_runs
    )
    assert sum(r["new_posts"] for r in runs) == sum(r["new_posts"] for r in single_runs)


# -- faults --------------------------------------------------------------------------------------

FEEDS = 24
ITEMS = 10
ARTICLE_DELAY = 0.15


def real_articles(count: int) -> list[dict]:
    """Real news articles (news-2013, see its README): titles and bodies written by others."""
    articles = []
    with gzip.open(NEWS, "rb") as lines:
        for line in lines:
            article = orjson.loads(line)
            if article.get("title") and len(article.get("text") or "") > 200:
                articles.append(article)
            if len(articles) == count:
                break
    return articles


class SlowSite:
    """Feeds whose entries lead to article pages that take a moment each: a crawl long
    enough to be cut in the middle."""

    def __init__(self) -> None:
        self.articles = real_articles(FEEDS * ITEMS)
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body, kind = site.page(self.path)
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Type", kind)
                payload = body or b"not found"
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"

    def article_url(self, feed: int, item: int) -> str:
        return f"{self.base}/f{feed}/a{item}"

    def page(self, path: str) -> tuple[bytes | None, str]:
        parts = path.strip("/").split("/")
        if len(parts) == 2 and parts[0].startswith("f") and parts[1] == "feed":
            return self.feed(int(parts[0][1:])), "application/rss+xml; charset=utf-8"
        if len(parts) == 2 and parts[0].startswith("f") and parts[1].startswith("a"):
            time.sleep(ARTICLE_DELAY)
            feed, item = int(parts[0][1:]), int(parts[1][1:])
            return self.article(feed, item), "text/html; charset=utf-8"
        return None, "text/plain"

    def feed(self, feed: int) -> bytes:
        entries = "".join(
            f"<item><title>{html.escape(self.articles[feed * ITEMS + i]['title'])}</title>"
            f"<link>{self.article_url(feed, i)}</link>"
            f"<pubDate>Tue, 05 Feb 2013 {i:02d}:{feed:02d}:00 +0200</pubDate></item>"
            for i in range(ITEMS)
        )
        return (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>f{feed}</title><link>{self.base}/f{feed}</link>{entries}</channel></rss>"
        ).encode()

    def article(self, feed: int, item: int) -> bytes:
        article = self.articles[feed * ITEMS + item]
        paragraphs = "".join(
            f"<p>{html.escape(p)}</p>" for p in article["text"].split("\n") if p.strip()
        )
        return (
            f'<html lang="ar" dir="rtl"><head><title>{html.escape(article["title"])}</title>'
            '<meta property="article:published_time" content="2013-02-05T10:00:00+02:00">'
            f"</head><body><article><h1>{html.escape(article['title'])}</h1>{paragraphs}"
            "</article></body></html>"
        ).encode()

    def expected_ids(self) -> set[str]:
        return {
            post_id(canonical_url(self.article_url(f, i)))
            for f in range(FEEDS)
            for i in range(ITEMS)
        }

    def sources(self, path: Path) -> Path:
        path.write_text(
            "".join(
                f'[[source]]\nname = "feed-{f}"\nkind = "rss"\nurl = "{self.base}/f{f}/feed"\n'
                'full_text = true\nevery = "1h"\n\n'
                for f in range(FEEDS)
            ),
            encoding="utf-8",
        )
        return path

    def __enter__(self) -> SlowSite:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def stored_ids(store: str) -> list[str]:
    import psycopg

    with psycopg.connect(store) as db:
        return [row[0] for row in db.execute("SELECT id FROM posts")]


def held(cluster: Cluster, worker: str) -> int:
    client = cluster.client()
    try:
        return int(client.hlen(f"monitor:held:{worker}"))
    finally:
        client.close()


def logs_intact(data: Path) -> None:
    """Every log line whole JSON, none doubled (see `check_logs`), and no run twice."""
    for name in ("posts.jsonl", "threads.jsonl", "runs.jsonl"):
        assert (data / "export" / name).read_bytes().endswith(b"\n"), f"{name} is torn"
    check_logs(data)
    run_ids = [run["run_id"] for run in read_jsonl(data / "export" / "runs.jsonl")]
    assert len(run_ids) == len(set(run_ids)), "a run recorded twice"


def test_a_killed_worker_a_killed_consumer_and_a_redis_restart_lose_nothing(cluster_of, tmp_path):
    with SlowSite() as site:
        sources = site.sources(tmp_path / "sources.toml")
        cluster = cluster_of(*FAST, "-s", "MONITOR_HEARTBEAT_TTL=3")
        cluster.ingest()
        cluster.worker("w1")
        cluster.worker("w2")
        cluster.leader(sources, "--run-timeout", "90")
        expected = site.expected_ids()

        # 1. a worker killed while it holds requests: the leader gives them back
        wait_for(lambda: held(cluster, "w1") > 0, 60, "w1 to hold requests")
        cluster.kill("w1")
        wait_for(lambda: held(cluster, "w1") == 0, 30, "w1's requests to be given back")
        assert "requests it held are back in the queue" in cluster.log("leader")

        # 2. the consumer killed mid-batch, and started again
        wait_for(lambda: cluster.backlog()[0] > 0, 60, "entries in the stream")
        cluster.kill("ingest")
        cluster.ingest()

        # 3. Redis restarted (AOF on); the leader, the worker and the consumer wait for it
        wait_for(lambda: len(set(stored_ids(cluster.store))) >= len(expected) // 3, 90,
                 "a third of the posts")  # fmt: skip
        cluster.redis.restart()

        wait_for(lambda: set(stored_ids(cluster.store)) >= expected, 150, "every post")
        # (a worker killed in the instant between counting a request it queues and queueing it
        # leaves its run on until the leader's --run-timeout ends it as interrupted: README,
        # "Where a fault can lose data")
        wait_for(lambda: len({r["source"] for r in cluster.runs()}) == FEEDS, 120, "every run")
        cluster.stop()

    ids = stored_ids(cluster.store)
    assert len(ids) == len(set(ids)) == len(expected)
    assert set(ids) == expected
    logs_intact(cluster.data)
    posts = latest_by_id(read_jsonl(cluster.data / "export" / "posts.jsonl"))
    assert set(posts) == expected
    assert all(post["text"] for post in posts.values())
