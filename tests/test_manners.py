"""Crawling manners, against a misbehaving local server: retries that back off, the size
limit, robots.txt, and nothing but http(s)."""

from __future__ import annotations

from tests.conftest import FAST, crawl_args, read_jsonl, run_monitor
from tests.faultserver import FaultServer


def crawl(tmp_path, sources: str, *settings: str):
    path = tmp_path / "sources.toml"
    path.write_text(sources, encoding="utf-8")
    return run_monitor(*crawl_args(path, tmp_path / "data", *FAST, *settings))


def test_server_errors_are_retried_with_growing_pauses(tmp_path):
    with FaultServer() as server:
        result = crawl(
            tmp_path,
            f'[[source]]\nname = "x"\nkind = "rss"\nplatform = "x"\nurl = "{server.base_url}/flaky/2/nitter-daraa24.xml"\n',
            "-s",
            "MONITOR_RETRY_BACKOFF_BASE=1.5",
        )
        hits = server.hits("/flaky/")
    assert result.returncode == 0, result.stderr
    assert len(hits) == 3
    first_pause, second_pause = hits[1] - hits[0], hits[2] - hits[1]
    assert first_pause >= 0.5 * 1.5 and second_pause >= 0.5 * 1.5**2
    assert len(read_jsonl(tmp_path / "data/export/posts.jsonl")) == 2


def test_a_server_that_keeps_failing_fails_the_source_after_the_retries(tmp_path):
    with FaultServer() as server:
        result = crawl(
            tmp_path,
            f'[[source]]\nname = "down"\nkind = "rss"\nurl = "{server.base_url}/status/503"\n',
            "-s",
            "MONITOR_RETRY_BACKOFF_BASE=0.1",
        )
        hits = server.hits("/status/503")
    assert result.returncode == 1
    assert len(hits) == 3  # the request and two retries
    assert (
        f"monitor: down: failed: HTTP 503 Service Unavailable at {server.base_url}/status/503"
        in result.stderr
    )


def test_responses_over_the_size_limit_are_refused(tmp_path):
    with FaultServer() as server:
        result = crawl(
            tmp_path,
            f'[[source]]\nname = "huge"\nkind = "rss"\nurl = "{server.base_url}/big/30"\n'
            f'[[source]]\nname = "small-limit"\nkind = "rss"\nmax_size = "1MB"\nurl = "{server.base_url}/big/2"\n',
        )
    assert result.returncode == 1
    assert (
        f"monitor: huge: failed: response too large (over the size limit) at {server.base_url}/big/30"
        in result.stderr
    )
    assert "monitor: small-limit: failed: response too large" in result.stderr
    assert "Traceback" not in result.stderr


def test_only_http_links_are_followed_and_robots_txt_is_obeyed(tmp_path):
    with FaultServer() as server:
        result = crawl(
            tmp_path,
            f"""[[source]]
name = "site"
kind = "html"
url = "{server.base_url}/file/html/listing-hostile.html"
[source.selectors]
links = "h2.entry-title a"
""",
            "-s",
            f"MONITOR_TELEGRAM_EMBED_BASE={server.base_url}/status/404",
        )
        paths = [path for _, path, _ in server.requests]
    assert result.returncode == 0, result.stderr
    assert not any(path.startswith("/private/") for path in paths)
    posts = read_jsonl(tmp_path / "data/export/posts.jsonl")
    assert {p["platform"] for p in posts} == {"web", "x", "telegram"}
    assert [p["url"] for p in posts if p["platform"] == "web"] == [
        f"{server.base_url}/file/html/enab-jasim.html"
    ]
    assert not any("passwd" in p["text"] or "root:" in p["text"] for p in posts)
