"""PostgreSQL as the store (MONITOR_STORE, --store): the same behaviour as SQLite to the byte.

Against a real server (tests/postgres_server.py), never a mock: the same calls read back the
same on both backends, a replay through the real CLI writes byte-identical change logs and
snapshots, a reader sees one committed state while a replay writes, and a store that cannot
be opened is one line and exit 2.
"""

from __future__ import annotations

import gzip
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import orjson
import psycopg
import pytest

from monitor.normalize.posts import normalize
from monitor.store import StoreUnavailable, open_reader
from monitor.store import postgres as postgres_module
from monitor.store.postgres import PostgresStore
from monitor.store.sqlite import SQLiteStore
from tests.conftest import (
    DATA,
    DEMO,
    FAST,
    crawl_args,
    latest_by_id,
    monitor_command,
    monitor_env,
    read_jsonl,
    run_monitor,
    write_demo_sources,
)
from tests.postgres_server import PostgresServer, free_port

pytestmark = pytest.mark.slow

STORIES = DATA / "stories"
CORPUS = STORIES / "corpus.jsonl"
NEWS = STORIES / "news-2013" / "sample.jsonl.gz"
NEWS_LINES = 2000
LOGS = ("posts.jsonl", "threads.jsonl")
KINDS = ("post", "thread", "run")
SQLITE = {"MONITOR_STORE": ""}  # whatever the environment outside says


def news_head(path: Path, lines: int = NEWS_LINES) -> Path:
    """The first lines of the real news sample, as a plain JSONL file."""
    with gzip.open(NEWS, "rb") as sample:
        path.write_bytes(b"".join(line for _, line in zip(range(lines), sample, strict=False)))
    return path


def replay(file: Path, data: Path, url: str | None) -> None:
    env = {"MONITOR_STORE": url} if url else SQLITE
    done = run_monitor("replay", str(file), "--data-dir", str(data), env=env)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr


@dataclass
class Pair:
    """One input replayed into SQLite (`sqlite` data dir) and into PostgreSQL (`url`, with
    its change logs in the `postgres` data dir)."""

    sqlite: Path
    postgres: Path
    url: str

    def run(self, *args: str) -> tuple[subprocess.CompletedProcess[str], ...]:
        """The same command on both, SQLite's first."""
        return (
            run_monitor(*args, "--data-dir", str(self.sqlite), env=SQLITE),
            run_monitor(*args, "--data-dir", str(self.postgres), env={"MONITOR_STORE": self.url}),
        )


def replayed_pair(server: PostgresServer, tmp: Path, *files: Path) -> Pair:
    pair = Pair(tmp / "sqlite", tmp / "postgres", server.new_database())
    for file in files:
        replay(file, pair.sqlite, None)
        replay(file, pair.postgres, pair.url)
    return pair


@pytest.fixture(scope="module")
def corpus(postgres_server: PostgresServer, tmp_path_factory: pytest.TempPathFactory) -> Pair:
    """The story corpus replayed twice (the second time every post is seen again)."""
    return replayed_pair(postgres_server, tmp_path_factory.mktemp("corpus"), CORPUS, CORPUS)


@pytest.fixture(scope="module")
def news(postgres_server: PostgresServer, tmp_path_factory: pytest.TempPathFactory) -> Pair:
    tmp = tmp_path_factory.mktemp("news")
    return replayed_pair(postgres_server, tmp, news_head(tmp / "news.jsonl"))


@pytest.fixture(params=["corpus", "news"])
def pair(request: pytest.FixtureRequest) -> Pair:
    return request.getfixturevalue(request.param)


def test_replays_write_byte_identical_change_logs(pair):
    for name in LOGS:
        sqlite = (pair.sqlite / "export" / name).read_bytes()
        assert sqlite, name
        assert (pair.postgres / "export" / name).read_bytes() == sqlite, name
    assert not (pair.postgres / "monitor.sqlite3").exists()


def test_every_revision_has_the_same_seq_and_bytes_and_reads_back_alike(pair):
    with (
        closing(SQLiteStore(pair.sqlite / "monitor.sqlite3")) as sqlite,
        closing(PostgresStore(pair.url, read_only=True)) as postgres,
    ):
        for kind in KINDS:
            rows = sqlite.revisions_after(0, limit=10**9, kind=kind)
            assert postgres.revisions_after(0, limit=10**9, kind=kind) == rows, kind
            some = sqlite.revisions_after(7, limit=5, kind=kind)
            assert postgres.revisions_after(7, limit=5, kind=kind) == some, kind
        assert list(postgres.iter_posts()) == list(sqlite.iter_posts())
        latest = sqlite.latest_sort_time()
        assert postgres.latest_sort_time() == latest
        assert latest is not None
        since = latest[:10] + "T00:00:00+02:00"
        assert list(postgres.iter_posts(since=since)) == list(sqlite.iter_posts(since=since))
        assert list(postgres.iter_threads()) == list(sqlite.iter_threads())
        assert postgres.thread_members() == sqlite.thread_members()
        assert postgres.count_posts() == sqlite.count_posts()
        for kind in ("post", "thread"):
            key = f"changelog_seq:{kind}"
            assert postgres.get_meta(key) == sqlite.get_meta(key) is not None


def test_snapshots_and_read_commands_agree(corpus, tmp_path):
    outs = [(tmp_path / name / "posts.jsonl", tmp_path / name / "threads.jsonl") for name in "ab"]
    sqlite_export = run_monitor(
        "export",
        "--out",
        str(outs[0][0]),
        "--threads",
        str(outs[0][1]),
        "--data-dir",
        str(corpus.sqlite),
        env=SQLITE,
    )
    assert sqlite_export.returncode == 0, sqlite_export.stderr
    # (the data dir holds only the change logs, which an export does not read)
    postgres_export = run_monitor(
        "export",
        "--out",
        str(outs[1][0]),
        "--threads",
        str(outs[1][1]),
        "--data-dir",
        str(tmp_path / "not-needed"),
        "--store",
        corpus.url,
        env=SQLITE,
    )
    assert postgres_export.returncode == 0, postgres_export.stderr
    assert postgres_export.stderr.replace("/b/", "/a/") == sqlite_export.stderr
    for sqlite_file, postgres_file in zip(*outs, strict=True):
        assert postgres_file.read_bytes() == sqlite_file.read_bytes(), postgres_file.name
    since = corpus.run("export", "--out", str(tmp_path / "since.jsonl"), "--since", "2023-12-20")
    assert since[0].stderr == since[1].stderr and since[1].returncode == 0

    threads = read_jsonl(outs[0][1])
    largest = max(threads, key=lambda t: len(t["post_ids"]))["thread_id"]
    sources = write_demo_sources(tmp_path / "sources.toml", "http://127.0.0.1:9")
    for command in (
        ("threads", "--all", "--tz", "UTC"),
        ("thread", largest, "--tz", "UTC"),
        ("status", "--sources", str(sources)),
    ):
        sqlite, postgres = corpus.run(*command)
        assert sqlite.returncode in (0, 1), sqlite.stderr
        assert (postgres.returncode, postgres.stdout, postgres.stderr) == (
            sqlite.returncode,
            sqlite.stdout,
            sqlite.stderr,
        ), command
    assert largest in corpus.run("threads", "--all", "--limit", "1000")[1].stdout


def test_report_builds_the_same_site(corpus, tmp_path):
    sqlite, postgres = (
        run_monitor("report", *args, "--out", str(tmp_path / name), "--tz", "UTC", env=env)
        for name, args, env in (
            ("sqlite", ("--data-dir", str(corpus.sqlite)), SQLITE),
            ("postgres", ("--data-dir", str(corpus.postgres)), {"MONITOR_STORE": corpus.url}),
        )
    )
    assert sqlite.returncode == postgres.returncode == 0, postgres.stderr
    pages = sorted(p.relative_to(tmp_path / "sqlite") for p in (tmp_path / "sqlite").rglob("*"))
    assert pages == sorted(
        p.relative_to(tmp_path / "postgres") for p in (tmp_path / "postgres").rglob("*")
    )
    for page in pages:
        if page.suffix == ".html":
            left = (tmp_path / "sqlite" / page).read_bytes()
            assert (tmp_path / "postgres" / page).read_bytes() == left, page


def test_crawl_keeps_runs_source_state_and_skips_what_it_stored(postgres_url, tmp_path):
    from monitor.cli.localserver import CaptureServer

    expected = orjson.loads((DEMO / "expected.json").read_bytes())
    data = tmp_path / "data"
    env = {"MONITOR_STORE": postgres_url}
    with CaptureServer(DEMO / "site") as server:
        sources = write_demo_sources(tmp_path / "sources.toml", server.base_url)
        embed = f"MONITOR_TELEGRAM_EMBED_BASE={server.base_url}"
        args = [*crawl_args(sources, data, *FAST, "-s", embed)]
        first = run_monitor(*args, env=env)
        assert first.returncode == 0, first.stderr
        log = (data / "export" / "posts.jsonl").read_bytes()
        second = run_monitor(*args, env=env)
        assert second.returncode == 0, second.stderr
    assert (data / "export" / "posts.jsonl").read_bytes() == log
    assert (
        len(latest_by_id(read_jsonl(data / "export" / "posts.jsonl"))) == (expected["posts_total"])
    )
    runs = read_jsonl(data / "export" / "runs.jsonl")
    assert len(runs) == 2 * len(expected["sources"])
    assert {run["status"] for run in runs} == {"ok"}
    status = run_monitor("status", "--sources", str(sources), "--store", postgres_url)
    assert status.returncode == 0, status.stderr
    for name in expected["sources"]:
        assert name in status.stdout
    assert "never run" not in status.stdout


def snapshot_problems(posts_file: Path, threads_file: Path) -> tuple[int, list[str]]:
    """How many posts a snapshot holds, and what is wrong with it: a torn line, a post twice,
    or posts and threads read from two different states."""
    posts_bytes, threads_bytes = posts_file.read_bytes(), threads_file.read_bytes()
    problems = []
    if posts_bytes and not posts_bytes.endswith(b"\n"):
        problems.append("posts end in a torn line")
    posts = [orjson.loads(line) for line in posts_bytes.splitlines()]
    ids = [post["id"] for post in posts]
    if len(set(ids)) != len(ids):
        problems.append("a post twice")
    members: dict[str, set[str]] = {}
    for post in posts:
        if post["thread_id"]:
            members.setdefault(post["thread_id"], set()).add(post["id"])
    threads = {
        t["thread_id"]: set(t["post_ids"]) for t in map(orjson.loads, threads_bytes.splitlines())
    }
    if {tid: ids for tid, ids in threads.items() if ids} != members:
        problems.append("the threads' posts are not the posts' threads")
    if not set(members) <= set(threads):
        problems.append("a post in a thread that is not there")
    return len(posts), problems


def test_export_while_a_replay_writes_sees_one_committed_state(postgres_url, tmp_path):
    lines = news_head(tmp_path / "news.jsonl").read_bytes().splitlines(keepends=True)
    data = tmp_path / "data"
    log = data / "export" / "posts.jsonl"
    env = {"MONITOR_STORE": postgres_url}
    writer = subprocess.Popen(
        [*monitor_command(), "replay", "-", "--data-dir", str(data)],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=monitor_env(env),
    )
    assert writer.stdin is not None
    half = len(lines) // 2

    def feed(part: list[bytes], pause: float) -> None:
        # (piped in a little at a time, as a live feed: the replay commits as it goes)
        for start in range(0, len(part), 25):
            writer.stdin.write(b"".join(part[start : start + 25]))
            writer.stdin.flush()
            time.sleep(pause)

    feed(lines[:half], 0)
    deadline = time.monotonic() + 60
    while not (log.exists() and log.read_bytes().count(b"\n") >= 500):
        assert writer.poll() is None and time.monotonic() < deadline, "nothing committed"
        time.sleep(0.05)
    feeder = threading.Thread(target=feed, args=(lines[half:], 0.1))
    feeder.start()
    counts = []

    def export(name: str) -> None:
        out, threads = tmp_path / f"{name}-posts.jsonl", tmp_path / f"{name}-threads.jsonl"
        done = run_monitor("export", "--out", str(out), "--threads", str(threads), env=env)
        assert done.returncode == 0, done.stderr
        count, problems = snapshot_problems(out, threads)
        assert not problems, (name, count, problems)
        counts.append(count)

    try:
        export("first")  # half the lines are not even piped in yet
        while feeder.is_alive():
            export(f"during-{len(counts)}")
    finally:
        feeder.join()
        writer.stdin.close()
        assert writer.wait(timeout=120) == 0, writer.stderr and writer.stderr.read()
        if writer.stderr:
            writer.stderr.close()
    export("after")
    assert 0 < counts[0] < len(lines) == counts[-1]
    assert counts == sorted(counts) and len(counts) >= 3
    exported = {p["id"]: p for p in read_jsonl(tmp_path / "after-posts.jsonl")}
    assert exported == latest_by_id(read_jsonl(log))


@pytest.mark.parametrize(
    ("command", "store"),
    [
        ("status", "closed-port"),
        ("replay", "postgresql://monitor:secret@[::1/monitor"),
        ("export", "mysql://monitor:secret@db.example/monitor"),
        ("threads", "password=secret host=db.example"),
        ("thread", "missing-database"),
        ("report", "closed-port"),
        ("crawl", "closed-port"),
    ],
)
def test_a_store_that_cannot_be_opened_is_one_line_and_exit_2(
    command, store, postgres_server, tmp_path
):
    if store == "closed-port":
        store = f"postgresql://monitor:secret@127.0.0.1:{free_port()}/monitor"
    elif store == "missing-database":
        store = postgres_server.url("no_such_database")
    sources = write_demo_sources(tmp_path / "sources.toml", "http://127.0.0.1:9")
    args = {
        "status": ["--sources", str(sources)],
        "replay": [str(CORPUS)],
        "export": ["--out", str(tmp_path / "out.jsonl")],
        "threads": [],
        "thread": ["t0000000000000000"],
        "report": ["--out", str(tmp_path / "site")],
        "crawl": ["--sources", str(sources)],
    }[command]
    done = run_monitor(command, *args, "--data-dir", str(tmp_path), env={"MONITOR_STORE": store})
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and "secret" not in done.stderr
    [line] = done.stderr.splitlines()
    assert line.startswith(("monitor: store ", "monitor: --store or MONITOR_STORE:")), line
    assert "store" in line


def test_reading_a_database_without_a_store(postgres_url, tmp_path):
    done = run_monitor("threads", "--store", postgres_url)
    assert done.returncode == 2
    assert done.stderr.strip().endswith(
        "holds no store yet (run `monitor crawl` first, or give --store)"
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MONITOR_STORE", postgres_url)
        assert open_reader(tmp_path) is None  # (as for a data dir without its file)


def raw(number: int, text: str = "انتشار لقوات الجيش في أحياء مدينة جاسم", **extra):
    return {
        "source": "daraa24-telegram",
        "platform": "telegram",
        "url": f"https://t.me/daraa24/{33190 + number}",
        "text": f"{text} {number}",
        "published": f"2023-12-{10 + number % 10:02d}T05:10:00+00:00",
        "collected_at": "2023-12-19T10:00:00+00:00",
        **extra,
    }


def scripted_calls(store) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """The same calls on a store of either kind, and what each returns or reads back."""
    posts = [normalize(raw(n)) for n in range(7)]
    for n, post in enumerate(posts):
        post["thread_id"] = ("tB", "tb", "ta-b", "tAb")[n % 4]
        yield store.save(post)
    yield store.save({**posts[0], "views": 12})  # not a revision
    yield store.save({**posts[1], "text": "نص محدث"})  # a revision
    yield store.save(normalize(raw(1, embedded_in_url="https://www.enabbaladi.net/archives/1")))
    yield store.save_thread({"thread_id": "tB", "title": "جاسم", "last_seen": "2023-12-19"})
    for thread_id in ("tb", "ta-b", "tAb", "T2"):  # the same last_seen: ordered by id
        yield store.save_thread({"thread_id": thread_id, "last_seen": "2023-12-18"})
    yield store.save_thread({"thread_id": "tB", "title": "جاسم", "last_seen": "2023-12-19"})
    yield store.save_thread({"thread_id": "tB", "title": "حصار جاسم", "last_seen": "2023-12-20"})
    store.add_run({"run_id": "r1", "source": "Enab", "status": "ok"})
    for name in ("enab", "Enab", "a-b", "ab", "B"):
        store.set_source_state(name, {"failures": len(name), "name": "درعا"})
    store.set_meta("k", "v1")
    yield store.get(posts[1]["id"]), store.has(posts[2]["id"]), store.has("0" * 16)
    store.commit()
    for kind in KINDS:
        yield store.revisions_after(0, kind=kind), store.revisions_after(2, limit=2, kind=kind)
    store.save({**posts[2], "text": "تعديل"})
    store.set_meta("k", "v2")
    store.commit()
    for kind in KINDS:
        yield store.revisions_after(3, kind=kind)  # (from what the last commit wrote)
    yield list(store.iter_posts()), list(store.iter_posts(since="2023-12-14T05:00:00+00:00"))
    yield list(store.iter_posts(since="2023-12-14T09:00:00+03:00")), store.latest_sort_time()
    yield store.get_thread("tB"), store.get_thread("none"), list(store.iter_threads())
    yield store.thread_posts("tb"), store.thread_posts("none"), store.thread_members()
    yield store.source_names(), store.get_source_state("Enab"), store.get_source_state("x")
    yield store.get_meta("k"), store.get_meta("none"), store.count_posts()
    yield store.revision_seq(posts[1]["id"], 2), store.revision_seq("tB", 2, "thread")
    yield store.revision_seq("r1", 1, "run"), store.revision_seq(posts[1]["id"], 9)


def test_the_same_calls_read_back_the_same_on_both_backends(postgres_url, tmp_path, monkeypatch):
    # (pages of two rows: every long read crosses pages, ties in the order included)
    monkeypatch.setattr(postgres_module, "PAGE_ROWS", 2)
    with closing(SQLiteStore(tmp_path / "monitor.sqlite3")) as sqlite:
        expected = list(scripted_calls(sqlite))
    with closing(PostgresStore(postgres_url)) as postgres:
        got = list(scripted_calls(postgres))
    for number, (want, found) in enumerate(zip(expected, got, strict=True)):
        assert found == want, number
    with closing(PostgresStore(postgres_url, read_only=True)) as reader:
        assert reader.source_names() == ["B", "Enab", "a-b", "ab", "enab"]
        assert [t["thread_id"] for t in reader.iter_threads()] == ["T2", "tAb", "ta-b", "tb", "tB"]


def test_a_reader_sees_one_committed_state_until_it_commits(postgres_url, monkeypatch):
    monkeypatch.setattr(postgres_module, "PAGE_ROWS", 1)  # a statement a post
    with (
        closing(PostgresStore(postgres_url)) as writer,
        closing(PostgresStore(postgres_url, read_only=True)) as reader,
    ):
        for number in range(3):
            writer.save({**normalize(raw(number)), "thread_id": "t1"})
        writer.commit()
        posts = reader.iter_posts()
        first = next(posts)
        # meanwhile a writer moves the posts to another thread and adds one
        for number in range(4):
            writer.save({**normalize(raw(number)), "thread_id": "t2"})
        writer.commit()
        assert [first, *posts] == [writer_post(number, "t1") for number in range(3)]
        assert reader.thread_members() == {"t1": [first["id"], *map(post_id, range(1, 3))]}
        assert reader.count_posts() == 3 and reader.thread_posts("t2") == []
        reader.commit()  # the next read sees what was committed since
        assert reader.count_posts() == 4 and set(reader.thread_members()) == {"t2"}
        with pytest.raises(RuntimeError, match="read-only"):
            reader.set_meta("k", "v")


def writer_post(number: int, thread_id: str) -> dict:
    return {**normalize(raw(number)), "thread_id": thread_id, "revision": 1}


def post_id(number: int) -> str:
    return normalize(raw(number))["id"]


def test_writers_take_turns_so_revisions_are_numbered_in_commit_order(postgres_url):
    with (
        closing(PostgresStore(postgres_url)) as first,
        closing(PostgresStore(postgres_url)) as second,
    ):
        first.save(normalize(raw(1)))
        waiting = threading.Thread(target=second.save, args=(normalize(raw(2)),))
        waiting.start()
        waiting.join(0.3)
        assert waiting.is_alive()  # the second writer waits for the first one's commit
        first.save(normalize(raw(3)))
        first.commit()
        waiting.join(10)
        second.commit()
        rows = second.revisions_after(0, kind="post")
    assert [seq for seq, _ in rows] == [1, 2, 3]
    assert [orjson.loads(data)["url"][-5:] for _, data in rows] == ["33191", "33193", "33192"]


def test_the_schema_is_versioned_and_upgraded_in_order(postgres_url, monkeypatch):
    def versions() -> list[int]:
        with closing(PostgresStore(postgres_url)) as store:
            return [v for (v,) in store.db.execute("SELECT version FROM schema_version ORDER BY 1")]

    assert versions() == [1]
    assert versions() == [1]  # opened again: nothing to do
    step = "ALTER TABLE meta ADD COLUMN note text"
    monkeypatch.setattr(postgres_module, "MIGRATIONS", (*postgres_module.MIGRATIONS, step))
    monkeypatch.setattr(postgres_module, "SCHEMA_VERSION", 2)
    assert versions() == [1, 2]
    monkeypatch.undo()
    with pytest.raises(StoreUnavailable, match=r"schema version 2 is newer than this monitor's 1"):
        PostgresStore(postgres_url)
    with pytest.raises(StoreUnavailable, match="upgrade monitor"):
        PostgresStore(postgres_url, read_only=True)
    done = run_monitor("threads", "--store", postgres_url)
    assert done.returncode == 2 and len(done.stderr.splitlines()) == 1, done.stderr


def test_sqlite_never_imports_psycopg(tmp_path):
    code = f"""
import sys
from monitor.cli.main import cli
for args in (["replay", {str(CORPUS)!r}], ["export", "--out", {str(tmp_path / "out.jsonl")!r}]):
    try:
        cli.main([*args, "--data-dir", {str(tmp_path / "data")!r}], standalone_mode=False)
    except SystemExit as stop:
        assert not stop.code, stop.code
assert "psycopg" not in sys.modules, "psycopg imported"
"""
    done = subprocess.run(
        [sys.executable, "-c", code], env=monitor_env(SQLITE), capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out.jsonl").exists()


def test_a_role_that_may_not_create_tables_writes_to_a_store_made_for_it(postgres_url):
    PostgresStore(postgres_url).close()  # made by the database's owner
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        admin.execute("CREATE ROLE crawler LOGIN")
        admin.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
        admin.execute("GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO crawler")
    url = postgres_url.replace("postgres@", "crawler@")
    with closing(PostgresStore(url)) as store:
        assert store.save(normalize(raw(1))).status == "new"
        store.commit()
        assert store.count_posts() == 1
