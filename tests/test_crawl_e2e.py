"""End to end: `monitor crawl` as a subprocess against the demo captures on a local server."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import jsonschema
import pytest

from tests.conftest import (
    DEMO,
    FAST,
    ROOT,
    crawl,
    crawl_args,
    latest_by_id,
    read_jsonl,
    run_monitor,
    write_demo_sources,
)

SCHEMA = json.loads(
    (ROOT / "monitor/contracts/schema/post.schema.json").read_text(encoding="utf-8")
)
THREAD_SCHEMA = json.loads(
    (ROOT / "monitor/contracts/schema/thread.schema.json").read_text(encoding="utf-8")
)
EXPECTED = json.loads((DEMO / "expected.json").read_text(encoding="utf-8"))
SEED_ARTICLE = "/enab/archives/677642"
SEED_TWEET = "https://x.com/Daraa24_24/status/1737099519245131836"
MORNING_REPORT = "https://t.me/daraa24/33190"


def expected_url(url: str, base: str) -> str:
    return url.replace("{{BASE}}", base)


def moment(iso: str) -> datetime:
    return datetime.fromisoformat(iso)


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """One crawl of the demo site, then a second one of the unchanged site."""
    from monitor.cli.localserver import CaptureServer

    tmp = tmp_path_factory.mktemp("crawl")
    with CaptureServer(DEMO / "site") as server:
        sources = tmp / "sources.toml"
        write_demo_sources(sources, server.base_url)
        data = tmp / "data"
        first = crawl(sources, data, server.base_url)
        log_after_first = (data / "export" / "posts.jsonl").read_bytes()
        second = crawl(sources, data, server.base_url)
        yield {
            "base": server.base_url,
            "data": data,
            "sources": sources,
            "first": first,
            "second": second,
            "log_after_first": log_after_first,
        }


def test_crawl_succeeds_with_a_summary_per_source(crawled):
    first = crawled["first"]
    assert first.returncode == 0, first.stderr
    assert "Traceback" not in first.stderr
    for name, count in EXPECTED["sources"].items():
        row = next(line for line in first.stdout.splitlines() if f" {name} " in line)
        assert " ok " in row, row
        assert f" {count} " in row, (name, count, row)


def test_every_post_once_with_the_expected_urls_and_dates(crawled):
    posts = latest_by_id(read_jsonl(crawled["data"] / "export" / "posts.jsonl"))
    by_url = {post["url"]: post for post in posts.values()}
    expected = {expected_url(p["url"], crawled["base"]): p for p in EXPECTED["posts"]}
    assert len(posts) == EXPECTED["posts_total"] == len(by_url)
    assert set(by_url) == set(expected)
    for url, want in expected.items():
        got = by_url[url]
        assert moment(got["published_at"]) == moment(want["published_at"]), url
        assert got["platform"] == want["platform"], url


def test_every_record_matches_the_json_schema(crawled):
    lines = read_jsonl(crawled["data"] / "export" / "posts.jsonl")
    validator = jsonschema.Draft202012Validator(SCHEMA)
    for line in lines:
        validator.validate(line)


def test_seed_article_and_its_tweet_are_separate_posts(crawled):
    posts = {
        p["url"]: p
        for p in latest_by_id(read_jsonl(crawled["data"] / "export" / "posts.jsonl")).values()
    }
    article = posts[crawled["base"] + SEED_ARTICLE]
    tweet = posts[SEED_TWEET]
    seed = (ROOT / "tests/data/html/jasim-agreement.txt").read_text(encoding="utf-8")
    assert article["platform"] == "web" and article["source"] == "enab-baladi"
    assert article["text"].startswith(seed.splitlines()[0])
    assert "كما أوردنا في خبرنا السابق" not in article["text"]  # the tweet is not body text
    assert "ويشغل الحسن منصب رئيس اللجنة الأمنية في درعا" in article["text"]
    assert moment(article["published_at"]) == moment("2023-12-20T15:12:08+03:00")

    assert tweet["author"] == "Daraa 24 – 24 درعا"
    assert tweet["author_handle"] == "Daraa24_24"
    assert tweet["text"].startswith("متابعة للخبر السابق:\nانسحاب الجيش من مدينة جاسم")
    assert tweet["hashtags"] == ["جاسم", "الجيش", "الفصائل_المحلية"]
    assert moment(tweet["published_at"]) == moment("2023-12-19T16:16:13+03:00")
    assert tweet["embedded_in"] == article["url"]
    # reached both from the X feed and as an embed: one post, the feed's version kept
    assert tweet["source"] == "daraa24-x"

    morning = posts[MORNING_REPORT]
    assert morning["author"] == "درعا 24 | Daraa 24" and morning["author_handle"] == "daraa24"
    assert morning["embedded_in"] == article["url"]
    assert morning["text"].startswith("عـاجـل | انتشار لقوات الجيش")


def test_tracking_parameters_are_dropped(crawled):
    urls = {p["url"] for p in read_jsonl(crawled["data"] / "export" / "posts.jsonl")}
    assert not [url for url in urls if "utm_" in url]


def test_second_crawl_of_an_unchanged_site_adds_nothing(crawled):
    assert crawled["second"].returncode == 0, crawled["second"].stderr
    assert (crawled["data"] / "export" / "posts.jsonl").read_bytes() == crawled["log_after_first"]


def test_export_snapshot_and_since(crawled, tmp_path):
    data = str(crawled["data"])
    snapshot = tmp_path / "snap" / "posts.jsonl"
    result = run_monitor("export", "--data-dir", data, "--out", str(snapshot))
    assert result.returncode == 0, result.stderr
    records = read_jsonl(snapshot)
    assert len(records) == EXPECTED["posts_total"]
    assert not list(snapshot.parent.glob(".*.tmp"))
    recent = tmp_path / "recent.jsonl"
    result = run_monitor(
        "export", "--data-dir", data, "--out", str(recent), "--since", "2023-12-20T00:00:00+03:00"
    )
    assert result.returncode == 0, result.stderr
    recent_records = read_jsonl(recent)
    assert 0 < len(recent_records) < len(records)
    assert all(
        moment(r["published_at"]) >= moment("2023-12-20T00:00:00+03:00") for r in recent_records
    )


def test_sources_check_prints_posts_and_stores_nothing(tmp_path, demo_sources):
    data = tmp_path / "untouched"
    result = run_monitor(
        "sources",
        "check",
        "daraa24-x",
        "--sources",
        str(demo_sources),
        *FAST,
        env={"MONITOR_DATA_DIR": str(data)},
    )
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == EXPECTED["sources"]["daraa24-x"]
    assert all(line["url"].startswith("https://x.com/") for line in lines)
    assert "daraa24-x: ok" in result.stderr
    assert not data.exists()


def test_a_failing_source_is_named_and_the_others_are_kept(tmp_path, demo_server):
    sources = tmp_path / "sources.toml"
    sources.write_text(
        f"""
[[source]]
name = "gone"
kind = "rss"
url = "{demo_server.base_url}/no/such/feed.xml"

[[source]]
name = "daraa24-x"
kind = "rss"
platform = "x"
url = "{demo_server.base_url}/Daraa24_24/rss"
""",
        encoding="utf-8",
    )
    data = tmp_path / "data"
    result = run_monitor(*crawl_args(sources, data, *FAST))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert (
        f"monitor: gone: failed: HTTP 404 Not Found at {demo_server.base_url}/no/such/feed.xml"
        in result.stderr
    )
    assert (
        len(latest_by_id(read_jsonl(data / "export" / "posts.jsonl")))
        == EXPECTED["sources"]["daraa24-x"]
    )


def test_a_bad_sources_file_exits_2_with_every_problem(tmp_path):
    sources = tmp_path / "sources.toml"
    sources.write_text(
        '[[source]]\nname = "a"\nkind = "rss"\n\n[[source]]\nname = "b"\nkind = "fax"\nurl = "https://x.y/"\n'
    )
    result = run_monitor(*crawl_args(sources, tmp_path / "d"))
    assert result.returncode == 2
    assert "source 'a': missing field 'url'" in result.stderr
    assert "source 'b': field 'kind': unknown kind 'fax'" in result.stderr
    assert "Traceback" not in result.stderr


def test_demo_command_runs_end_to_end(tmp_path):
    result = run_monitor("demo", "--data-dir", str(tmp_path / "demo"))
    assert result.returncode == 0, result.stderr
    assert "crawl summary" in result.stdout
    assert f"{EXPECTED['posts_total']} posts stored" in result.stdout
    assert "Traceback" not in result.stderr


def test_sources_list(tmp_path):
    result = run_monitor("sources", "list", "--sources", str(ROOT / "sources.toml"))
    assert result.returncode == 0, result.stderr
    assert "daraa24-telegram" in result.stdout and "https://t.me/s/daraa24" in result.stdout


def test_readme_shows_the_main_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "monitor demo" in readme and "python -m pytest" in readme
    assert Path(ROOT / ".ci/run").read_text().rstrip().endswith(".venv/bin/python -m pytest -q")


def test_threads_follow_the_demo_stories_and_copies(crawled):
    posts = latest_by_id(read_jsonl(crawled["data"] / "export" / "posts.jsonl"))
    by_url = {p["url"]: p for p in posts.values()}
    expected = {expected_url(p["url"], crawled["base"]): p for p in EXPECTED["posts"]}
    threads_of_story: dict[str, set[str]] = {}
    stories_of_thread: dict[str, set[str]] = {}
    for url, want in expected.items():
        thread = by_url[url]["thread_id"]
        threads_of_story.setdefault(want["story"], set()).add(thread)
        stories_of_thread.setdefault(thread, set()).add(want["story"])
        original = (
            want["duplicate_of_url"]
            and by_url[expected_url(want["duplicate_of_url"], crawled["base"])]["id"]
        )
        assert by_url[url]["duplicate_of"] == (original or None), url
    assert all(len(threads) == 1 for threads in threads_of_story.values()), threads_of_story
    assert all(len(stories) == 1 for stories in stories_of_thread.values()), stories_of_thread
    # the seed: the follow-up tweet continues the morning report; the article, the tweet it embeds
    tweet, morning = by_url[SEED_TWEET], by_url[MORNING_REPORT]
    article = by_url[crawled["base"] + SEED_ARTICLE]
    assert (tweet["follows_up"], tweet["link_type"]) == (morning["id"], "follow_up")
    assert (article["follows_up"], article["link_type"]) == (tweet["id"], "follow_up")
    assert article["link_evidence"] == f"embeds {SEED_TWEET}"


def test_thread_records_and_commands(crawled, tmp_path):
    data = str(crawled["data"])
    log = read_jsonl(crawled["data"] / "export" / "threads.jsonl")
    validator = jsonschema.Draft202012Validator(THREAD_SCHEMA)
    for line in log:
        validator.validate(line)
    # schema version 2: the change log's thread lines name no posts (they would grow with the
    # story); each post's thread_id says where it is, and the snapshot lists them
    assert not any("post_ids" in line for line in log)
    threads = {t["thread_id"]: t for t in log}
    assert len(threads) == len(EXPECTED["stories"])
    snapshot = tmp_path / "threads.jsonl"
    result = run_monitor("export", "--data-dir", data, "--threads", str(snapshot))
    assert result.returncode == 0, result.stderr
    snapshots = {t["thread_id"]: t for t in read_jsonl(snapshot)}
    for line in snapshots.values():
        validator.validate(line)
    assert {
        tid: {k: v for k, v in t.items() if k != "post_ids"} for tid, t in snapshots.items()
    } == threads
    posts = latest_by_id(read_jsonl(crawled["data"] / "export" / "posts.jsonl"))
    members: dict[str, set[str]] = {}
    for post in posts.values():
        members.setdefault(post["thread_id"], set()).add(post["id"])
    assert {tid: set(t["post_ids"]) for tid, t in snapshots.items()} == members
    assert all(t["post_count"] == len(t["post_ids"]) for t in snapshots.values())

    listing = run_monitor("threads", "--data-dir", data, "--all")
    assert listing.returncode == 0, listing.stderr
    jasim = next(p["thread_id"] for p in posts.values() if p["url"] == MORNING_REPORT)
    assert jasim in listing.stdout
    timeline = run_monitor("thread", jasim, "--data-dir", data)
    assert timeline.returncode == 0, timeline.stderr
    assert "↳" in timeline.stdout and "≡" in timeline.stdout
    assert "follow_up of" in timeline.stdout and "copy of" in timeline.stdout
    missing = run_monitor("thread", "tnope", "--data-dir", data)
    assert missing.returncode == 2 and "no thread 'tnope'" in missing.stderr


def test_replay_of_a_crawl_reaches_the_same_decisions(crawled, tmp_path):
    """The pipelines and `monitor replay` run the same engine: replaying what a crawl stored,
    in the order it was stored, gives the same threads, copies and follow-ups."""
    log = crawled["data"] / "export" / "posts.jsonl"
    crawl = latest_by_id(read_jsonl(log))
    first_seen = list(dict.fromkeys(line["id"] for line in read_jsonl(log)))
    replay_input = tmp_path / "replay.jsonl"
    replay_input.write_bytes(
        b"".join(json.dumps(crawl[i], ensure_ascii=False).encode() + b"\n" for i in first_seen)
    )
    result = run_monitor("replay", str(replay_input), "--data-dir", str(tmp_path / "replayed"))
    assert result.returncode == 0, result.stderr
    replayed = latest_by_id(read_jsonl(tmp_path / "replayed" / "export" / "posts.jsonl"))
    for key in ("duplicate_of", "follows_up", "link_type"):
        assert {i: p[key] for i, p in replayed.items()} == {i: p[key] for i, p in crawl.items()}, (
            key
        )

    def partition(posts: dict) -> set[frozenset]:
        groups: dict[str, set] = {}
        for post_id, post in posts.items():
            groups.setdefault(post["thread_id"], set()).add(post_id)
        return {frozenset(g) for g in groups.values()}

    assert partition(replayed) == partition(crawl)
