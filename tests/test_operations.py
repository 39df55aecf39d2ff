"""Running unattended: incremental crawls, source health, the schedule, the lock, the
operator's commands, and live progress only on a terminal."""

from __future__ import annotations

import json
import os
import pty
import shutil
import signal
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import pairwise
from pathlib import Path
from typing import ClassVar

import pytest

from monitor.cli.localserver import CaptureServer
from monitor.collect.health import adapt_interval
from monitor.store.lock import DataDirLock
from tests.conftest import (
    DEMO,
    FAST,
    ROOT,
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


def runs(data: Path) -> list[dict]:
    return read_jsonl(data / "export" / "runs.jsonl")


def test_a_second_crawl_is_incremental(tmp_path):
    with CaptureServer(DEMO / "site") as server:
        sources = write_demo_sources(tmp_path / "sources.toml", server.base_url)
        data = tmp_path / "data"
        assert crawl(sources, data, server.base_url).returncode == 0
        first = len(server.requests)
        server.requests.clear()
        second = crawl(sources, data, server.base_url)
        requested = list(server.requests)
    assert second.returncode == 0, second.stderr
    by_source = {}
    for run in runs(data):
        by_source.setdefault(run["source"], []).append(run)
    # feeds and listing pages answer a conditional GET with 304: a success with nothing new
    for name in ("daraa24-site", "daraa24-x", "horan-free-league", "enab-baladi"):
        assert by_source[name][1]["not_modified"] is True, name
        assert by_source[name][1]["status"] == "ok"
    assert 304 in {status for _, status in requested}
    # Telegram pages back only until a post it already has (the first crawl took 2 pages)
    telegram = by_source["daraa24-telegram"]
    assert (telegram[0]["pages"], telegram[1]["pages"]) == (2, 1)
    # article pages already stored are not fetched again
    assert not [path for path, _ in requested if "/archives/" in path]
    pages = [path for path, _ in requested if path != "/robots.txt"]
    assert len(pages) == 6 < first / 3  # one entry page a source
    assert all(run["new_posts"] == 0 for run in runs(data)[-6:])


def test_runs_are_recorded_for_downstream_tools_and_status(tmp_path):
    with CaptureServer(DEMO / "site") as server:
        sources = write_demo_sources(tmp_path / "sources.toml", server.base_url)
        data = tmp_path / "data"
        crawl(sources, data, server.base_url)
    records = runs(data)
    assert {r["source"] for r in records} == {
        "daraa24-site",
        "daraa24-telegram",
        "suwayda24-telegram",
        "daraa24-x",
        "horan-free-league",
        "enab-baladi",
    }
    # Which source counts a post two of them carry as new (an embed of a channel's post) is
    # whichever reached the store first: each post is new exactly once, in some run.
    assert sum(r["new_posts"] for r in records) == 45
    telegram = next(r for r in records if r["source"] == "daraa24-telegram")
    assert telegram["posts"] == 16 and telegram["requests"] >= 2 and telegram["errors"] == 0
    assert telegram["new_posts"] + telegram["updated_posts"] == 16
    assert telegram["started_at"] <= telegram["ended_at"] and telegram["last_new_post_at"]
    enab = next(r for r in records if r["source"] == "enab-baladi")
    assert enab["posts"] == 11 and enab["new_posts"] + enab["updated_posts"] == 11
    status = run_monitor("status", "--sources", str(sources), "--data-dir", str(data))
    assert status.returncode == 0, status.stderr
    for name in ("daraa24-telegram", "enab-baladi"):
        row = next(line for line in status.stdout.splitlines() if f" {name} " in line)
        assert " ok " in row


def test_status_warns_when_a_source_stops_yielding_or_dates_fail(tmp_path):
    site = tmp_path / "site"
    shutil.copytree(DEMO / "site" / "horan", site / "horan")
    feed = site / "horan" / "feed" / "index.html"
    with CaptureServer(site) as server:
        sources = tmp_path / "sources.toml"
        sources.write_text(
            f'[[source]]\nname = "horan"\nkind = "rss"\nurl = "{server.base_url}/horan/feed/"\n',
            encoding="utf-8",
        )
        data = tmp_path / "data"
        assert crawl(sources, data, server.base_url).returncode == 0
        original = feed.read_text(encoding="utf-8")
        head = original.split("<item>")[0]
        for run in range(3):  # the layout changed: a feed without items, three runs in a row
            feed.write_text(head + f"<!-- {run} --></channel></rss>", encoding="utf-8")
            crawl(sources, data, server.base_url)
        status = run_monitor("status", "--sources", str(sources), "--data-dir", str(data))
        assert "horan: used to yield posts but the last 3 runs yielded none" in status.stderr
        assert status.returncode == 1  # gone silent: a cron check must notice
        # dates that no longer parse
        bad = original.replace("<pubDate>", "<pubDate>قريباً ").replace(
            "</pubDate>", " garbage</pubDate>"
        )
        feed.write_text(bad.replace("archives/", "archives/new-"), encoding="utf-8")
        crawl(sources, data, server.base_url)
        status = run_monitor("status", "--sources", str(sources), "--data-dir", str(data))
    assert "horan: no date parsed in the last run (4 of 4)" in status.stderr
    assert status.returncode == 0  # it yields again: the dates are a warning, not a failure


class _SlowChannel(BaseHTTPRequestHandler):
    """Page 1 of a channel at once; the older page only once `release` is set."""

    release: ClassVar[threading.Event] = threading.Event()
    pages: ClassVar[dict[str, bytes]] = {}

    def do_GET(self) -> None:
        if "before=" in self.path and not self.release.is_set():
            self.release.wait(30)
        body = self.pages.get(self.path.split("?")[1] if "?" in self.path else "", b"")
        try:
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the crawl it was answering was killed

    def log_message(self, format: str, *args: object) -> None:
        pass


def test_an_interrupted_crawl_resumes_where_it_stopped(tmp_path):
    _SlowChannel.pages = {
        "": (DEMO / "site" / "s" / "daraa24.html").read_bytes(),
        "before=33180": (DEMO / "site" / "s" / "daraa24@before=33180.html").read_bytes(),
    }
    _SlowChannel.release.clear()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _SlowChannel)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        sources = tmp_path / "sources.toml"
        sources.write_text(
            f'[[source]]\nname = "d24"\nkind = "telegram"\nurl = "{base}/s/daraa24"\nmax_pages = 2\n',
            encoding="utf-8",
        )
        data = tmp_path / "data"
        log = data / "export" / "posts.jsonl"
        # SIGKILL while the older page hangs
        kill_when([*monitor_command(), *crawl_args(sources, data, *FAST)], log, 7, timeout=30)
        assert len(latest_by_id(read_jsonl(log))) == 7
        _SlowChannel.release.set()
        result = crawl(sources, data, base)
    finally:
        server.shutdown()
        server.server_close()
    assert result.returncode == 0, result.stderr
    lines = read_jsonl(log)
    assert len(latest_by_id(lines)) == 16  # the older page's 9 posts came on the second run
    assert len({(line["id"], line["revision"]) for line in lines}) == len(lines)


def test_one_run_at_a_time(tmp_path):
    data = tmp_path / "data"
    with DataDirLock(data, "schedule"):
        for args in (("crawl", "--sources", str(ROOT / "sources.toml")), ("replay", "-")):
            result = run_monitor(*args, "--data-dir", str(data))
            assert result.returncode == 2
            assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
            assert (
                f"{data / 'monitor.lock'} is held by monitor schedule (pid {os.getpid()})"
                in result.stderr
            )


def test_schedule_runs_sources_when_due_and_stops_cleanly(tmp_path):
    with CaptureServer(DEMO / "site") as server:
        sources = write_demo_sources(
            tmp_path / "sources.toml", server.base_url, defaults='every = "2s"\nforce_every = true'
        )
        data = tmp_path / "data"
        process = subprocess.Popen(
            [
                *monitor_command(),
                "schedule",
                "--sources",
                str(sources),
                "--data-dir",
                str(data),
                *FAST,
                "-s",
                f"MONITOR_TELEGRAM_EMBED_BASE={server.base_url}",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline and not (
            (data / "export" / "runs.jsonl").exists() and len(runs(data)) >= 18
        ):
            time.sleep(0.2)
        stopping = time.monotonic()
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=20)
        took = time.monotonic() - stopping
    assert process.returncode == 0, err
    assert took < 5
    assert "Traceback" not in err
    assert "SIGTERM: finishing the crawls in flight, then stopping" in out
    records = runs(data)
    assert len(records) >= 18
    for name in {r["source"] for r in records}:
        mine = sorted((r for r in records if r["source"] == name), key=lambda r: r["started_at"])
        # never two crawls of one source at once
        assert all(a["ended_at"] <= b["started_at"] for a, b in pairwise(mine))
    assert len(latest_by_id(read_jsonl(data / "export" / "posts.jsonl"))) == 45


@pytest.mark.parametrize(
    ("previous", "run", "expected"),
    [
        (None, {"status": "ok", "new_posts": 3}, 600),
        (600, {"status": "ok", "new_posts": 0}, 900),  # quiet: slower
        (4000, {"status": "ok", "new_posts": 0}, 4800),  # but no slower than 8 × every
        (4800, {"status": "ok", "new_posts": 1}, 600),  # it published: back to every
        (600, {"status": "failed", "new_posts": 0}, 1200),  # failing: back off faster
        (9000, {"status": "failed", "new_posts": 0}, 9600),  # up to 16 × every
    ],
)
def test_adaptive_interval(previous, run, expected):
    assert adapt_interval(previous, 600, run) == expected


def test_sources_validate_and_add(tmp_path):
    sources = tmp_path / "sources.toml"
    shutil.copy(ROOT / "sources.toml", sources)
    ok = run_monitor("sources", "validate", "--sources", str(sources))
    assert ok.returncode == 0 and "no problems" in ok.stdout
    added = run_monitor(
        "sources",
        "add",
        "enab-english",
        "--sources",
        str(sources),
        "--kind",
        "html",
        "--url",
        "https://english.enabbaladi.net/archives/category/news/",
        "--every",
        "2h",
        "--selector",
        "links=h2.entry-title a",
        "--selector",
        "body=div.entry-content",
    )
    assert added.returncode == 0, added.stderr
    text = sources.read_text(encoding="utf-8")
    assert text.startswith((ROOT / "sources.toml").read_text(encoding="utf-8"))  # comments kept
    assert '[source.selectors]\nlinks = "h2.entry-title a"' in text
    again = run_monitor(
        "sources",
        "add",
        "enab-english",
        "--sources",
        str(sources),
        "--kind",
        "rss",
        "--url",
        "https://example.org/feed",
    )
    assert again.returncode == 2 and "duplicate name" in again.stderr
    broken = tmp_path / "broken.toml"
    broken.write_text(
        '[[source]]\nname = "a"\nkind = "rss"\nurl = "ftp://x"\nevery = "often"\n', encoding="utf-8"
    )
    bad = run_monitor("sources", "validate", "--sources", str(broken))
    assert bad.returncode == 2
    assert (
        bad.stderr.count("\n") == 2
        and "field 'url'" in bad.stderr
        and "field 'every'" in bad.stderr
    )


def _run_in_terminal(command: list[str]) -> str:
    pid, fd = pty.fork()
    if pid == 0:  # the child: the command, with the pseudo-terminal as its stdout
        os.execv(command[0], command)
    output = bytearray()
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    os.waitpid(pid, 0)
    return output.decode("utf-8", "replace")


def test_progress_on_a_terminal_only(tmp_path):
    with CaptureServer(DEMO / "site") as server:
        sources = write_demo_sources(tmp_path / "sources.toml", server.base_url)
        command = [
            *monitor_command(),
            "crawl",
            "--sources",
            str(sources),
            "--only",
            "daraa24-telegram",
            "-s",
            "DOWNLOAD_DELAY=0.4",
            "-s",
            "AUTOTHROTTLE_ENABLED=false",
        ]
        terminal = _run_in_terminal([*command, "--data-dir", str(tmp_path / "a")])
        cron = subprocess.run(
            [*command, "--data-dir", str(tmp_path / "b")],
            capture_output=True,
            text=True,
            check=False,
        )
    assert "crawling" in terminal and "pages" in terminal
    assert "crawl summary" in cron.stdout and "crawling" not in cron.stdout + cron.stderr


def test_replay_progress_on_a_terminal(tmp_path):
    items = tmp_path / "items.jsonl"
    lines = [
        json.dumps(
            {
                "source": "s",
                "platform": "telegram",
                "url": f"https://t.me/daraa24/{n}",
                "text": f"خبر رقم {n} من ريف درعا",
                "published": "2023-12-19T05:10:00+00:00",
            },
            ensure_ascii=False,
        )
        for n in range(1, 600)
    ]
    items.write_text("\n".join(lines) + "\n", encoding="utf-8")
    terminal = _run_in_terminal(
        [*monitor_command(), "replay", str(items), "--data-dir", str(tmp_path / "d")]
    )
    assert "replaying" in terminal and "599 new posts" in terminal


def test_replay_from_a_live_pipe_exports_posts_as_they_come(tmp_path):
    """A collector piping posts into `monitor replay -` one at a time: each is stored and
    exported once the commit interval passes, not when a batch of posts has gathered or the
    pipe closes."""
    data = tmp_path / "d"
    log = data / "export" / "posts.jsonl"
    process = subprocess.Popen(
        [*monitor_command(), "replay", "-", "--data-dir", str(data)],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=monitor_env(),
    )
    texts = [
        "عاجل | انتشار لقوات الجيش في مدينة جاسم بريف درعا الشمالي",
        "تحديث: انسحاب الجيش من مدينة جاسم بعد اتفاق مع الوجهاء",
    ]
    sent = 0
    try:
        while not (log.exists() and read_jsonl(log)):
            assert sent < 20, "nothing exported while the pipe stayed open"
            sent += 1
            item = {
                "source": "daraa24-telegram",
                "platform": "telegram",
                "url": f"https://t.me/daraa24/{sent}",
                "text": f"{texts[sent % 2]} ({sent})",
                "published": "19 كانون الأول 2023 11:15",
                "collected_at": "2023-12-19T15:00:00+00:00",
            }
            process.stdin.write(json.dumps(item, ensure_ascii=False).encode() + b"\n")
            process.stdin.flush()
            time.sleep(1.5)  # the session commits a batch 2 s old when the next post comes
        assert process.poll() is None  # the pipe is still open
    finally:
        stderr = process.communicate(timeout=60)[1].decode()  # closes the pipe
    assert process.returncode == 0, stderr
    assert [line["url"] for line in read_jsonl(log)] == [
        f"https://t.me/daraa24/{n}" for n in range(1, sent + 1)
    ]


def test_each_run_names_the_engine_rules_that_made_its_threads(tmp_path):
    """`engine_config` in runs.jsonl: the digest of the story engine's configuration, here the
    `[engine]` table beside the sources (a downstream reader can tell two rule sets apart)."""
    from monitor.story.config import EngineConfig

    with CaptureServer(DEMO / "site") as server:
        sources = write_demo_sources(tmp_path / "sources.toml", server.base_url)
        sources.write_text(
            "[engine.threads]\njoin = 0.25\n\n" + sources.read_text(encoding="utf-8"),
            encoding="utf-8",
        )
        data = tmp_path / "data"
        result = crawl(sources, data, server.base_url)
    assert result.returncode == 0, result.stderr
    expected = EngineConfig().with_values({"threads.join": 0.25}).digest()
    assert expected != EngineConfig().digest()
    assert {run["engine_config"] for run in runs(data)} == {expected}


def test_a_crawl_reads_places_with_the_engine_settings_a_replay_uses(tmp_path):
    """`text.opening_chars` bounds the text in which places are looked for, in a crawl as in a
    replay: the same items give the same places either way."""
    with CaptureServer(DEMO / "site") as server:
        sources = write_demo_sources(tmp_path / "sources.toml", server.base_url)
        engine = "[engine.text]\nopening_chars = 100\n\n"
        sources.write_text(engine + sources.read_text(encoding="utf-8"), encoding="utf-8")
        data = tmp_path / "data"
        result = crawl(sources, data, server.base_url)
    assert result.returncode == 0, result.stderr
    crawled = latest_by_id(read_jsonl(data / "export" / "posts.jsonl"))
    engine_file = tmp_path / "engine.toml"
    engine_file.write_text(engine, encoding="utf-8")
    replayed_dir = tmp_path / "replayed"
    result = run_monitor(
        "replay",
        str(data / "export" / "posts.jsonl"),
        "--data-dir",
        str(replayed_dir),
        "--engine",
        str(engine_file),
    )
    assert result.returncode == 0, result.stderr
    replayed = latest_by_id(read_jsonl(replayed_dir / "export" / "posts.jsonl"))
    assert replayed.keys() == crawled.keys()
    # a long article names places past its first 100 characters, which neither run reads
    assert any(len(post["text"]) > 400 for post in crawled.values())
    assert {k: p["places"] for k, p in crawled.items()} == {
        k: p["places"] for k, p in replayed.items()
    }
