"""Checks the load simulation's fixture server on its own, then measures how many requests a
second it answers.

    python -m benchmarks.loadsim.selfcheck                 # 5,000 sources, 10 s of load
    python -m benchmarks.loadsim.selfcheck --sources 500 --seconds 5 --threads 8

The server runs in its own process, as in `run.py`. Checked: the sources file it writes loads
without a problem; feeds parse with the project's feed parser into the latest 20 posts, newest
first, with the ledger's URLs; channel pages parse with the project's t.me/s parser, and paging
back with `?before=` reaches every post once; a conditional GET with the ETag gets 304 until
the source publishes again; the ledger lists what was published and marks what was served;
once the clock stops, nothing more is published. In between, `--threads` clients fetch random entry
pages for `--seconds`, half of them conditional as a worker's are, first each request on a new
connection (a worker reaches thousands of sites), then on kept-alive connections. The clients
share the machine with the server: the figures are what this machine sustains, a floor of
what the server can do.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import subprocess
import sys
import threading
import time
import tomllib
import urllib.request
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from monitor.collect.parsers.feed import parse_feed  # noqa: E402
from monitor.collect.parsers.telegram import parse_channel_page  # noqa: E402
from monitor.collect.sources import parse_sources  # noqa: E402


def start_server(*arguments: str) -> tuple[subprocess.Popen[str], dict[str, Any]]:
    """The fixture server in a new process, and the JSON line it printed when ready."""
    process = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.loadsim.server", *arguments],
        stdout=subprocess.PIPE,
        text=True,
        cwd=HERE.parent.parent,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line:
        raise SystemExit(f"the fixture server exited ({process.wait()})")
    return process, json.loads(line)


def fetch(url: str, etag: str | None = None) -> tuple[int, bytes, dict[str, str]]:
    request = urllib.request.Request(url, headers={"If-None-Match": etag} if etag else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.read(), dict(answer.headers)
    except urllib.error.HTTPError as error:  # (urllib raises on 304 and 404)
        return error.code, error.read(), dict(error.headers)


def ledger(control: str) -> list[list[str]]:
    body = fetch(f"{control}/_ledger")[1].decode()
    return [line.split("\t") for line in body.splitlines()]


def check_pages(control: str, sources_count: int) -> None:
    toml = fetch(f"{control}/_sources.toml?every=1m")[1].decode()
    sources, problems = parse_sources(tomllib.loads(toml))
    assert not problems, problems[:3]
    assert len(sources) == sources_count
    feeds = [source for source in sources if source.kind == "rss"]
    channels = [source for source in sources if source.kind == "telegram"]
    print(f"sources file: {len(feeds)} feeds, {len(channels)} channels, loads without problems")

    by_source: dict[str, list[str]] = {}
    for url, name, _published, _served, _after in ledger(control):
        by_source.setdefault(name, []).append(url)

    for source in feeds[:40]:
        status, body, headers = fetch(source.url)
        assert status == 200, (source.url, status)
        page = parse_feed(body, source.url, headers)
        urls = [item["url"] for item in page.items]
        assert page.is_feed and not page.problem, page.problem
        # The latest posts, newest first; the feed may have moved on since the ledger was
        # read, so what the ledger listed is a prefix of what the feed reaches.
        indices = [int(url.rsplit("/", 1)[1]) for url in urls]
        top = indices[0]
        assert indices == list(range(top, max(top - 20, 0), -1)), indices
        published = by_source[source.name]
        assert len(published) <= top, (len(published), top)
        assert all(url in published for url in urls[top - len(published) :])
        assert all(item.get("published") and item.get("text") for item in page.items)
        again = fetch(source.url, headers["ETag"])[0]
        assert again in (304, 200), again
    print(f"feeds: {min(40, len(feeds))} parse into their latest posts; conditional GET works")

    pages = 0
    for source in channels[:40]:
        status, body, headers = fetch(source.url)
        assert status == 200, (source.url, status)
        channel = parse_channel_page(body, source.url)
        assert not channel.removed and channel.posts and channel.channel, source.url
        seen = [post["url"] for post in channel.posts]
        assert all(post.get("published") and post.get("text") for post in channel.posts)
        while channel.before:
            pages += 1
            older_url = f"{source.url}?before={channel.before}"
            channel = parse_channel_page(fetch(older_url)[1], older_url)
            seen = [post["url"] for post in channel.posts] + seen
        assert len(seen) == len(set(seen)), "a post on two pages"
        ids = [int(url.rsplit("/", 1)[1]) for url in seen]
        assert ids == list(range(1, len(ids) + 1)), ids[:5]
    print(f"channels: {min(40, len(channels))} parse; {pages} older pages reach every post once")

    # Conditional GET: 304 while nothing new, 200 with a new ETag once the source publishes.
    busiest = max(feeds, key=lambda s: len(by_source[s.name]))
    status, _body, headers = fetch(busiest.url)
    assert fetch(busiest.url, headers["ETag"])[0] == 304, "no 304 for an unchanged feed"
    deadline = time.monotonic() + 30
    while fetch(busiest.url, headers["ETag"])[0] == 304:
        assert time.monotonic() < deadline, "the busiest feed published nothing in 30 s"
        time.sleep(0.2)
    print(f"ETag: 304 while {busiest.name} is unchanged, 200 once it published")


def check_stop(control: str) -> None:
    before = ledger(control)
    served = sum(1 for row in before if row[3] == "1")
    assert served >= 40, served
    stopped = json.loads(fetch(f"{control}/_clock?stop=1")[1])
    time.sleep(1.5)
    after = ledger(control)
    assert len(after) >= len(before)
    time.sleep(1.0)
    assert len(ledger(control)) == len(after), "published after the clock stopped"
    urls = [row[0] for row in after]
    assert len(urls) == len(set(urls)), "a URL twice in the ledger"
    since = fetch(f"{control}/_ledger?until={stopped['started'] + 1}")[1].count(b"\n")
    assert since <= len(after)
    print(f"ledger: {len(after)} posts, {served} served; nothing published after the stop")


def load(sources: list[str], seconds: float, threads: int, keep_alive: bool) -> tuple[int, int]:
    """Requests answered and errors, `threads` clients for `seconds`."""
    done = [0] * threads
    errors = [0] * threads
    deadline = time.monotonic() + seconds

    def client(number: int) -> None:
        rng = random.Random(number)
        etags: dict[str, str] = {}
        connections: dict[str, http.client.HTTPConnection] = {}
        while time.monotonic() < deadline:
            url = rng.choice(sources)
            netloc, _, path = url.removeprefix("http://").partition("/")
            host, _, port = netloc.partition(":")
            headers = {"Connection": "keep-alive" if keep_alive else "close"}
            if url in etags and rng.random() < 0.5:
                headers["If-None-Match"] = etags[url]
            connection = connections.get(host) if keep_alive else None
            if connection is None:
                connection = http.client.HTTPConnection(host, int(port), timeout=10)
                if keep_alive:
                    connections[host] = connection
            try:
                connection.request("GET", "/" + path, headers=headers)
                answer = connection.getresponse()
                answer.read()
                if answer.status not in (200, 304):
                    errors[number] += 1
                etags[url] = answer.headers.get("ETag", "")
                done[number] += 1
            except OSError:
                errors[number] += 1
                connections.pop(host, None)
            if not keep_alive:
                connection.close()

    workers = [threading.Thread(target=client, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return sum(done), sum(errors)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sources", type=int, default=5000, help="how many sources (5000)")
    parser.add_argument("--seconds", type=float, default=10.0, help="seconds of load a mode (10)")
    parser.add_argument("--threads", type=int, default=4, help="client threads (4)")
    arguments = parser.parse_args()
    started = time.monotonic()
    process, ready = start_server(
        # three days of history, so that busy channels have older pages to page back through
        "--sources", str(arguments.sources), "--speed", "3600", "--history", "72"
    )  # fmt: skip
    try:
        print(f"server ready in {time.monotonic() - started:.1f} s: {ready}")
        control = ready["control"]
        check_pages(control, arguments.sources)
        toml = fetch(f"{control}/_sources.toml")[1].decode()
        urls = [table["url"] for table in tomllib.loads(toml)["source"]]
        for keep_alive in (False, True):
            mode = "kept-alive connections" if keep_alive else "a new connection a request"
            done, errors = load(urls, arguments.seconds, arguments.threads, keep_alive)
            rate = done / arguments.seconds
            print(f"load, {mode}: {rate:.0f} requests/s ({done} answered, {errors} errors)")
        check_stop(control)
        stats = json.loads(fetch(f"{control}/_stats")[1])
        print(f"server: {stats['requests']} requests, {stats['by_status']}")
    finally:
        process.terminate()
        process.wait(timeout=10)


if __name__ == "__main__":
    main()
