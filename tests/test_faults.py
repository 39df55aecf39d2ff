"""Bad input and faults, each against a local misbehaving server (tests/faultserver.py).

Every crawl here is the real `monitor crawl` in a subprocess. Each test checks what an operator
relies on: no traceback on the terminal, a failing source named in a one-line message with the
cause, what could be collected kept in `export/posts.jsonl`, and the exit status (1 when a
source failed, 0 otherwise, warnings allowed).
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import feedparser
import orjson
import pytest

from monitor.normalize.urls import canonical_url, post_id
from tests.conftest import (
    DATA,
    FAST,
    crawl_args,
    latest_by_id,
    monitor_command,
    monitor_env,
    read_jsonl,
    run_monitor,
)
from tests.faultserver import CORPUS, FaultServer, corpus_content_type, corpus_headers

FAULTS = DATA / "faults"
MB = 1024 * 1024
# Peak resident memory allowed to one crawl fed a hostile response.
MEMORY_LIMIT = 400 * MB
# What the windows-1256 fixtures in tests/data/faults/ hold, as UTF-8.
RSS_1256_TITLE = "مقتل شابٍّ برصاص مجهولين في مدينة طفس، وإصابة آخر"
RSS_1256_TEXT = "قُتِل شاب وأُصيب آخر برصاص مجهولين على طريق طفس – اليادودة؛ هل من محاسبة؟"
ARTICLE_1256_TITLE = "عودة الأهالي إلى مدينة جاسم بعد رفع الحصار"
ARTICLE_1256_TEXT = (
    "بدأ الأهالي بالعودة إلى منازلهم في مدينة جاسم صباح اليوم، بعد رفع الحواجز عن مداخلها."
    "\n\n"
    "وقال أحد الوجهاء لمراسلنا: «الوضع هادئ، والمحال التجارية فتحت أبوابها»."
)
DARAA24_TITLE = "انتشار للجيش في طرقات مدينة جاسم بريف درعا الشمالي"
DARAA24_TEXT_START = (
    "انتشرت قوات من الجيش صباح اليوم الثلاثاء في بعض الطرقات داخل مدينة جاسم في الريف الشمالي"
    " من محافظة درعا، وسط تحليق لطائرة الاستطلاع في سماء المدينة."
)
# Nothing of a script, an event handler or a javascript: link may reach a stored post.
HOSTILE = ("<script", "</script", "onerror", "onclick", "onload", "onmouseover", "javascript:")


# -- running a crawl ----------------------------------------------------------------------------


@dataclass
class Crawl:
    """One finished `monitor crawl`: its output, the summary table, the stored posts."""

    returncode: int
    stdout: str
    stderr: str
    seconds: float
    data: Path
    peak_rss: int | None = None  # bytes, when measured
    rows: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def posts(self) -> dict[str, dict]:
        log = self.data / "export" / "posts.jsonl"
        return latest_by_id(read_jsonl(log)) if log.exists() else {}

    def posts_of(self, source: str) -> list[dict]:
        return [post for post in self.posts.values() if post["source"] == source]

    def lines(self, source: str) -> list[str]:
        """The stderr lines about one source."""
        return [
            line for line in self.stderr.splitlines() if line.startswith(f"monitor: {source}: ")
        ]

    def assert_no_traceback(self) -> None:
        assert "Traceback" not in self.stdout + self.stderr, self.stderr[-3000:]


def source(name: str, kind: str, url: str, **fields: object) -> str:
    """One [[source]] table of a sources.toml."""
    lines = ["[[source]]", f'name = "{name}"', f'kind = "{kind}"', f'url = "{url}"']
    for key, value in fields.items():
        if isinstance(value, dict):
            continue
        lines.append(f"{key} = {value!r}" if isinstance(value, int) else f'{key} = "{value}"')
    for key, value in fields.items():
        if isinstance(value, dict):
            lines.append(f"[source.{key}]")
            lines += [f'{k} = "{v}"' for k, v in value.items()]
    return "\n".join(lines) + "\n"


# Runs a command and writes the peak resident memory of its process tree (ru_maxrss of the
# waited-for children: KB on Linux, bytes on macOS) to the file named first.
PEAK_WRAPPER = """\
import resource, subprocess, sys
code = subprocess.call(sys.argv[2:])
with open(sys.argv[1], "w") as out:
    out.write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
sys.exit(code)
"""


def crawl(
    workdir: Path, sources: str, *settings: str, measure: bool = False, timeout: float = 120
) -> Crawl:
    """`monitor crawl` of `sources` into `workdir/data`, as a subprocess (in a fresh wrapper
    process that records its peak memory when `measure`)."""
    workdir.mkdir(parents=True, exist_ok=True)
    sources_file = workdir / "sources.toml"
    sources_file.write_text(sources, encoding="utf-8")
    data = workdir / "data"
    command = [*monitor_command(), *crawl_args(sources_file, data, *FAST, *settings)]
    peak_file = workdir / "peak-rss"
    if measure:
        command = [sys.executable, "-c", PEAK_WRAPPER, str(peak_file), *command]
    started = time.monotonic()
    result = subprocess.run(
        command, env=monitor_env(), capture_output=True, text=True, timeout=timeout, check=False
    )
    done = Crawl(
        returncode=result.returncode,
        stdout=result.stdout,
        stderr=result.stderr,
        seconds=time.monotonic() - started,
        data=data,
    )
    if measure:
        scale = 1 if sys.platform == "darwin" else 1024
        done.peak_rss = int(peak_file.read_text()) * scale
    done.rows = summary_rows(result.stdout)
    return done


def summary_rows(stdout: str) -> dict[str, dict[str, str]]:
    """The crawl summary table, by source name."""
    columns = ("source", "kind", "status", "pages", "posts", "new", "updated", "errors")
    rows = {}
    for line in stdout.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("│").split("│")]
        if len(cells) == len(columns) and cells[1] in ("rss", "telegram", "html"):
            rows[cells[0]] = dict(zip(columns, cells, strict=True))
    return rows


def traceback_summary(output: str) -> str:
    """How many tracebacks an output holds, and the last line of the first one."""
    lines = output.splitlines()
    first = lines.index(next(line for line in lines if line.startswith("Traceback")))
    error = next((line for line in lines[first + 1 :] if line and not line.startswith(" ")), "?")
    return f"{output.count('Traceback')} x {error}"


def visible_text(post: dict) -> str:
    return f"{post.get('title') or ''}\n{post['text']}"


def assert_harmless(post: dict) -> None:
    """No trace of a script, an event handler or a javascript: link anywhere in the record."""
    for field_name in ("title", "text", "author"):
        value = (post.get(field_name) or "").lower()
        for marker in HOSTILE:
            assert marker not in value, (field_name, marker, value)
    assert "alert(" not in visible_text(post) and "document." not in visible_text(post)
    urls = [*post["links"], *(m["url"] for m in post["media"]), post["url"]]
    assert all(urlsplit(url).scheme in ("http", "https") for url in urls), urls


# -- 1. feedparser's corpus, every file a source --------------------------------------------------

CORPUS_FILES = sorted(
    path
    for path in CORPUS.rglob("*")
    if path.is_file() and path.name not in ("LICENSE", "SOURCE-COMMIT")
)
# Scrapy's per-crawler costs grow with the number of crawlers in one process (one process for
# all 2,107 files: 160 s on 2 cores); ~300 sources a process, two processes at a time, was the
# fastest measured (about 30 s).
CORPUS_BATCHES = 7
CORPUS_WORKERS = 2


@dataclass
class CorpusSource:
    name: str
    path: Path
    url: str
    links: list[str]  # the http(s) link of each entry that has one
    recognised: bool  # feedparser found a feed (a version, or entries)
    problem: bool  # feedparser's bozo flag
    entries: int  # entries, with a link or not


def entry_link(entry: dict, base: str) -> str | None:
    """An entry's http(s) link as feedparser gives it: its link or an alternate link (relative
    ones resolved), or an id that is itself an http(s) URL (a permalink guid)."""
    candidates = [entry.get("link")]
    candidates += [
        link.get("href") for link in entry.get("links", []) if link.get("rel") == "alternate"
    ]
    for candidate in candidates:
        if isinstance(candidate, str) and candidate.strip():
            url = urljoin(base, candidate.strip())
            if urlsplit(url).scheme in ("http", "https"):
                return url
    guid = entry.get("id")
    if isinstance(guid, str) and urlsplit(guid.strip()).scheme in ("http", "https"):
        return guid.strip()
    return None


def corpus_source(index: int, path: Path, base_url: str) -> CorpusSource:
    """What feedparser itself finds in one corpus file, served with its headers at its URL."""
    url = f"{base_url}/corpus/{path.relative_to(CORPUS).as_posix()}"
    body = path.read_bytes()
    declared = corpus_headers(body)
    headers = {name.lower(): value for name, value in declared.items()}
    headers["content-type"] = corpus_content_type(path, declared)
    headers.setdefault("content-location", url)
    parsed = feedparser.parse(body, response_headers=headers)
    links = [link for entry in parsed.entries if (link := entry_link(entry, url))]
    return CorpusSource(
        name=f"fp{index:04d}",
        path=path,
        url=url,
        links=links,
        recognised=bool(parsed.get("version")) or bool(parsed.entries),
        problem=bool(parsed.get("bozo")),
        entries=len(parsed.entries),
    )


def test_every_feed_of_feedparsers_corpus_is_crawled_and_every_linked_entry_kept(tmp_path):
    assert len(CORPUS_FILES) > 2000
    with FaultServer() as server:
        sources = [corpus_source(i, path, server.base_url) for i, path in enumerate(CORPUS_FILES)]
        size = -(-len(sources) // CORPUS_BATCHES)
        batches = [sources[i : i + size] for i in range(0, len(sources), size)]

        def run(number: int) -> Crawl:
            toml = "".join(source(s.name, "rss", s.url) for s in batches[number])
            return crawl(tmp_path / f"batch{number}", toml, "-s", "LOG_LEVEL=WARNING", timeout=300)

        started = time.monotonic()
        with ThreadPoolExecutor(CORPUS_WORKERS) as pool:
            crawls = list(pool.map(run, range(len(batches))))
    print(
        f"\ncorpus: {len(sources)} sources in {len(batches)} crawls, {time.monotonic() - started:.1f} s"
    )

    tracebacks = {}
    for number, (batch, done) in enumerate(zip(batches, crawls, strict=True)):
        if "Traceback" in done.stdout + done.stderr:
            # Checked last, so that a traceback does not hide what the other checks would say.
            tracebacks[number] = traceback_summary(done.stdout + done.stderr)
        assert done.returncode in (0, 1), done.stderr[-2000:]
        # Every source has its row; the exit status is 1 exactly when one of them failed.
        assert set(done.rows) == {s.name for s in batch}
        failed = {name for name, row in done.rows.items() if row["status"] == "failed"}
        assert done.returncode == (1 if failed else 0)
        assert "could not parse" not in done.stderr  # no parser crashed on any file

        for s in batch:
            row, lines = done.rows[s.name], done.lines(s.name)
            where = f"{s.name} = {s.path.relative_to(CORPUS)}: {row} {lines}"
            # The summary counts exactly the entries feedparser finds a link for.
            assert int(row["posts"]) == len(s.links), where
            if s.links:
                # A feed with entries never fails; feedparser's complaint is a warning.
                expected = "warning" if s.problem else "ok"
                assert row["status"] == expected, where
                if s.problem:
                    assert any(
                        f"warning: malformed feed, kept {len(s.links)} entries (" in line
                        for line in lines
                    ), where
            elif s.recognised:
                # A feed without a usable entry, well-formed or not: a warning, not silence.
                assert row["status"] == "warning", where
                if s.entries:
                    expected = (
                        f"warning: {s.entries} entries but none with an http(s) link at {s.url}"
                    )
                else:
                    expected = "warning: feed has no entries"
                assert any(expected in line for line in lines), where
            else:
                # Nothing feedparser could read as a feed.
                assert row["status"] == "failed", where
                assert lines[0].startswith(f"monitor: {s.name}: failed: not a readable feed ("), (
                    where
                )
                assert lines[0].endswith(f") at {s.url}"), where

        # The store holds one post per distinct link (the same URL from two files is one post).
        expected_ids = {post_id(canonical_url(link)) for s in batch for link in s.links}
        assert set(done.posts) == expected_ids

    total = sum(len(s.links) for s in sources)
    assert total > 100  # the corpus has entries with links, and every one was counted
    assert not tracebacks, f"tracebacks on the terminal (crawl number: last line): {tracebacks}"


# -- 2. broken XML around good items ---------------------------------------------------------------


@pytest.fixture(scope="module")
def content(tmp_path_factory) -> Iterator[tuple[str, Crawl]]:
    """One crawl of the sources whose content is bad (broken XML, legacy charsets, hostile
    markup, a removed channel) but none of which fails: each test reads its own sources."""
    with FaultServer() as server:
        base = f"{server.base_url}/file"
        article = {"links": "h2 a", "title": "h1", "body": "div.post-body", "date": "div.post-date"}
        hostile = {
            "links": "h2.entry-title a",
            "title": "h1.entry-title",
            "body": "div.entry-content",
        }
        toml = "".join(
            [
                source("horan-broken", "rss", f"{base}/rss/broken-arabic.xml"),
                source("feed-1256", "rss", f"{base}/faults/windows-1256.xml"),
                source("site-1256", "html", f"{base}/faults/listing-1256.html", selectors=article),
                source("feed-hostile", "rss", f"{base}/faults/hostile.xml"),
                source(
                    "telegram-hostile",
                    "telegram",
                    f"{base}/faults/telegram-hostile.html",
                    max_pages=1,
                ),
                source(
                    "site-hostile", "html", f"{base}/faults/hostile-listing.html", selectors=hostile
                ),
                source("telegram-removed", "telegram", f"{base}/telegram/removed.html"),
            ]
        )
        yield server.base_url, crawl(tmp_path_factory.mktemp("content"), toml)


def test_a_feed_with_broken_xml_keeps_its_good_items_and_says_it_is_malformed(content):
    _, done = content
    done.assert_no_traceback()
    assert done.returncode == 0, done.stderr  # a warning does not fail the crawl
    assert done.rows["horan-broken"]["status"] == "warning"
    assert any(
        line.startswith("monitor: horan-broken: warning: malformed feed, kept 2 entries (")
        and "not well-formed" in line
        for line in done.lines("horan-broken")
    ), done.stderr
    posts = {post["url"]: post for post in done.posts_of("horan-broken")}
    tafas = posts["https://www.ahrarhoran.net/2023/12/18/tafas/"]
    assert tafas["title"] == "مقتل شاب برصاص مجهولين في مدينة طفس"
    assert tafas["text"] == "قُتِلَ شاب برصاص مجهولين في مدينة طفس بريف درعا الغربي…"
    assert tafas["author"] == "أحرار حوران"
    dael = posts["https://www.ahrarhoran.net/2023/12/20/dael/"]
    assert dael["title"] == "إطلاق سراح ٤ معتقلين من أبناء بلدة داعل"
    assert dael["text"] == "أفرجت الأجهزة الأمنية عن ٤ معتقلين من أبناء بلدة داعل."
    assert dael["published_at"] == "2023-12-20T10:30:00+03:00"


# -- 3. windows-1256 declared only inside the document ----------------------------------------------


def test_windows_1256_declared_only_in_the_document_is_read_right(content):
    base, done = content
    done.assert_no_traceback()
    # The fixtures really are windows-1256, and say so only inside (the server sends no charset).
    assert RSS_1256_TITLE.encode("cp1256") in (FAULTS / "windows-1256.xml").read_bytes()
    assert b'encoding="windows-1256"' in (FAULTS / "windows-1256.xml").read_bytes()
    assert ARTICLE_1256_TITLE.encode("cp1256") in (FAULTS / "article-1256.html").read_bytes()
    assert b"charset=windows-1256" in (FAULTS / "article-1256.html").read_bytes()

    assert done.rows["feed-1256"]["status"] == "ok" and done.rows["site-1256"]["status"] == "ok"
    (feed_post,) = done.posts_of("feed-1256")
    assert feed_post["title"] == RSS_1256_TITLE
    assert feed_post["text"] == RSS_1256_TEXT
    site = {post["url"]: post for post in done.posts_of("site-1256")}
    article = site[f"{base}/file/faults/article-1256.html"]
    assert article["title"] == ARTICLE_1256_TITLE
    assert article["text"] == ARTICLE_1256_TEXT
    daraa24 = site[f"{base}/file/html/daraa24-windows-1256.html"]
    assert daraa24["title"] == DARAA24_TITLE
    assert daraa24["text"].startswith(DARAA24_TEXT_START)
    assert "ولا يُسمح للأهالي بالدخول أو الخروج منها" in daraa24["text"]
    for post in [feed_post, *site.values()]:
        assert "\ufffd" not in visible_text(post)  # nothing undecodable
        assert post["lang"] == "ar"


# -- 6. scripts, event handlers, javascript: links and markup in post text ----------------------------


def test_scripts_and_markup_in_a_feed_item_come_out_as_plain_text(content):
    _, done = content
    done.assert_no_traceback()
    assert done.rows["feed-hostile"]["status"] == "ok", done.stderr
    posts = {urlsplit(post["url"]).path: post for post in done.posts_of("feed-hostile")}
    assert set(posts) == {"/hostile/rss-1", "/hostile/rss-2"}
    for post in posts.values():
        assert_harmless(post)
    first, second = posts["/hostile/rss-1"], posts["/hostile/rss-2"]
    assert first["title"] == "قصف مدفعي على بلدة اليادودة"
    assert first["text"] == "سقطت قذائف على أطراف البلدة صباح اليوم.\n\nالتفاصيل الكاملة والصور"
    assert second["text"] == "لا إصابات بين المدنيين حتى الآن"


def test_scripts_and_markup_in_a_telegram_post_come_out_as_plain_text(content):
    _, done = content
    done.assert_no_traceback()
    assert done.rows["telegram-hostile"]["status"] == "ok", done.stderr
    posts = {post["url"]: post for post in done.posts_of("telegram-hostile")}
    assert set(posts) == {"https://t.me/horan_hostile/501", "https://t.me/horan_hostile/502"}
    for post in posts.values():
        assert_harmless(post)
    first = posts["https://t.me/horan_hostile/501"]
    assert first["text"] == "عاجل | اشتباكات في مدينة نوى بريف درعا الغربي.\n\nالتفاصيل #نوى"
    assert first["hashtags"] == ["نوى"] and first["links"] == []
    assert posts["https://t.me/horan_hostile/502"]["text"] == "هدوء حذر في المدينة بعد الاشتباكات"


def test_scripts_and_markup_in_an_html_article_come_out_as_plain_text(content):
    base, done = content
    done.assert_no_traceback()
    assert done.rows["site-hostile"]["status"] == "ok", done.stderr
    (post,) = done.posts_of("site-hostile")  # the javascript: link on the listing is not followed
    assert post["url"] == f"{base}/file/faults/hostile-article.html"
    assert_harmless(post)
    assert post["title"] == "اشتباكات في مدينة نوى"
    paragraphs = post["text"].split("\n\n")
    assert paragraphs[0] == "اندلعت اشتباكات عنيفة في مدينة نوى بريف درعا الغربي."
    assert paragraphs[1] == "وأفاد مراسلنا بسقوط جرحى بين المدنيين."
    assert "وما زال التوتر يسود المدينة" in paragraphs[2]
    assert post["links"] == ["https://example.org/report"]


# -- 7. a removed Telegram channel ------------------------------------------------------------------


def test_a_removed_telegram_channel_is_a_warning_naming_the_source(content):
    base, done = content
    done.assert_no_traceback()
    assert done.rows["telegram-removed"]["status"] == "warning"
    assert done.lines("telegram-removed") == [
        f"monitor: telegram-removed: warning: no posts on the channel page at "
        f"{base}/file/telegram/removed.html (removed or renamed?)"
    ]
    assert done.posts_of("telegram-removed") == []
    # Only warnings in this crawl: it succeeded.
    assert not any(row["status"] == "failed" for row in done.rows.values())
    assert done.returncode == 0


# -- 4. HTTP errors, a server that hangs, a connection reset --------------------------------------


@pytest.fixture(scope="module")
def network(tmp_path_factory) -> Iterator[tuple[FaultServer, Crawl]]:
    """One crawl of a good feed beside servers that answer 404 and 500, hang, or reset."""
    with FaultServer() as server:
        base = server.base_url
        toml = "".join(
            [
                source("good", "rss", f"{base}/file/rss/nitter-daraa24.xml", platform="x"),
                source("gone", "rss", f"{base}/status/404"),
                source("down", "rss", f"{base}/status/500"),
                source("hangs", "rss", f"{base}/hang"),
                source("resets", "rss", f"{base}/reset"),
            ]
        )
        done = crawl(
            tmp_path_factory.mktemp("network"),
            toml,
            "-s",
            "MONITOR_RETRY_BACKOFF_BASE=0.1",
            "-s",
            "DOWNLOAD_TIMEOUT=2",
        )
        yield server, done


def test_http_404_and_500_fail_their_sources_after_the_retries(network):
    server, done = network
    done.assert_no_traceback()
    assert done.returncode == 1
    assert (
        f"monitor: gone: failed: HTTP 404 Not Found at {server.base_url}/status/404"
        in done.lines("gone")
    )
    assert (
        f"monitor: down: failed: HTTP 500 Internal Server Error at {server.base_url}/status/500"
        in done.lines("down")
    )
    assert done.rows["gone"]["status"] == done.rows["down"]["status"] == "failed"
    assert len(server.hits("/status/404")) == 1  # a 404 is not retried
    assert len(server.hits("/status/500")) == 3  # a 500 is, twice
    assert len(done.posts_of("good")) == 2  # the good source beside them is kept


def test_a_server_that_hangs_times_out_in_bounded_time(network):
    server, done = network
    done.assert_no_traceback()
    assert done.returncode == 1
    assert done.lines("hangs") == [f"monitor: hangs: failed: timed out at {server.base_url}/hang"]
    hits = server.hits("/hang")
    assert len(hits) == 3  # the request and two retries, each given up after 2 s
    assert hits[-1] - hits[0] < 2 * 2 + 3
    # Three 2 s timeouts, and the start-up and shutdown of the crawl: well under a minute.
    assert done.seconds < 3 * 2 + 15
    assert len(done.posts_of("good")) == 2


def test_a_connection_reset_fails_the_source_as_reset_or_lost(network):
    server, done = network
    done.assert_no_traceback()
    assert done.returncode == 1
    assert done.lines("resets") == [
        f"monitor: resets: failed: connection reset or lost at {server.base_url}/reset"
    ]
    # The request and two retries; Twisted itself retries once more when the reset connection
    # was a kept-alive one (the crawler's sources share a host's kept-alive connections).
    assert 3 <= len(server.hits("/reset")) <= 6
    assert done.rows["good"]["status"] == "ok"
    assert len(done.posts_of("good")) == 2


# -- 5. a huge response, a gzip bomb, a billion laughs: refused in bounded memory ---------------------

MEMORY_CASES = {
    # name: (sources, expected exit status)
    "size-limit": (
        lambda base: (
            source("huge", "rss", f"{base}/big/30")
            + source("huge-chunked", "rss", f"{base}/big-chunked/30")
        ),
        1,
    ),
    "gzip-bomb": (lambda base: source("bomb", "rss", f"{base}/gzip-bomb/200"), 1),
    "billion-laughs": (
        lambda base: source("laughs", "rss", f"{base}/file/faults/billion-laughs.xml"),
        0,
    ),
    "quadratic-blowup": (
        lambda base: source("blowup", "rss", f"{base}/file/faults/quadratic-blowup.xml"),
        0,
    ),
}


@pytest.fixture(scope="module")
def memory(tmp_path_factory) -> Iterator[tuple[str, dict[str, Crawl]]]:
    """Each hostile response crawled alone, its crawl's peak memory measured; concurrently."""
    tmp = tmp_path_factory.mktemp("memory")
    with FaultServer() as server:

        def run(name: str) -> tuple[str, Crawl]:
            sources, _ = MEMORY_CASES[name]
            return name, crawl(tmp / name, sources(server.base_url), measure=True)

        with ThreadPoolExecutor(len(MEMORY_CASES)) as pool:
            crawls = dict(pool.map(run, MEMORY_CASES))
    print()
    for name, done in crawls.items():
        print(f"peak memory, {name}: {done.peak_rss / MB:.0f} MB ({done.seconds:.1f} s)")
    yield server.base_url, crawls


@pytest.mark.parametrize("case", list(MEMORY_CASES))
def test_hostile_responses_are_handled_in_bounded_memory(memory, case):
    _, crawls = memory
    done = crawls[case]
    done.assert_no_traceback()
    assert done.returncode == MEMORY_CASES[case][1], done.stderr
    assert done.peak_rss is not None and done.peak_rss < MEMORY_LIMIT, (
        f"{done.peak_rss / MB:.0f} MB"
    )


def test_a_30_mb_response_is_refused_by_the_size_limit(memory):
    base, crawls = memory
    done = crawls["size-limit"]
    for name, path in (("huge", "/big/30"), ("huge-chunked", "/big-chunked/30")):
        assert done.lines(name) == [
            f"monitor: {name}: failed: response too large (over the size limit) at {base}{path}"
        ]


def test_a_gzip_bomb_is_refused_without_inflating_it_all(memory):
    base, crawls = memory
    done = crawls["gzip-bomb"]
    (line,) = done.lines("bomb")
    # Refused like any response over the limit: the same words, whatever the encoding.
    assert line.startswith("monitor: bomb: failed: response too large"), line
    assert line.endswith(f" at {base}/gzip-bomb/200"), line
    assert line.count(base) == 1, line


def test_entity_expansion_in_a_feed_does_not_blow_up(memory):
    _, crawls = memory
    for name, case in (("laughs", "billion-laughs"), ("blowup", "quadratic-blowup")):
        done = crawls[case]
        assert done.rows[name]["status"] == "warning", done.stderr  # malformed: undefined entities
        posts = {urlsplit(post["url"]).path: post for post in done.posts_of(name)}
        # The good item is kept as written; the expanding one is kept without the expansion.
        assert set(posts) == {f"/{name}/1", f"/{name}/2"}
        good = posts[f"/{name}/1"]
        assert good["title"] == "قصف على بلدة اليادودة"
        assert good["text"] == "سقوط قذائف على أطراف البلدة."
        longest = max(len(post["text"]) for post in posts.values())
        assert longest < 100_000, f"{case}: a post of {longest:,} characters from a 40 kB feed"


# -- 8. a mixed run ------------------------------------------------------------------------------------


def test_a_failing_source_beside_a_good_one_fails_the_run_and_keeps_the_good_posts(tmp_path):
    with FaultServer() as server:
        base = server.base_url
        done = crawl(
            tmp_path,
            source("daraa24-x", "rss", f"{base}/file/rss/nitter-daraa24.xml", platform="x")
            + source("horan-site", "rss", f"{base}/status/404"),
        )
    done.assert_no_traceback()
    assert done.returncode == 1
    assert done.rows["daraa24-x"]["status"] == "ok"
    assert done.rows["horan-site"]["status"] == "failed"
    assert done.lines("horan-site") == [
        f"monitor: horan-site: failed: HTTP 404 Not Found at {base}/status/404"
    ]
    assert done.lines("daraa24-x") == []
    urls = {post["url"] for post in done.posts_of("daraa24-x")}
    assert "https://x.com/Daraa24_24/status/1737099519245131836" in urls
    assert len(urls) == 2


def test_replay_of_hostile_lines_reports_each_and_keeps_the_good_ones(tmp_path):
    """Someone else's JSONL can hold anything in any field: each bad line is one line of
    stderr naming the line and the cause, never a traceback, and every good line is kept."""
    good = {
        "source": "daraa24-telegram",
        "platform": "telegram",
        "text": "عـاجـل | انتشار لقوات الجيش في مدينة جاسم بريف درعا الشمالي #جاسم",
        "published": "19 كانون الأول 2023 10:15",
        "collected_at": "2023-12-19T09:00:00+00:00",
    }
    hostile = {
        "url": [123, ["https://t.me/a/1"], "http://[x/1", "https://t.me:99999/a/1", "javascript:x"],
        "platform": [["telegram"], 5],
        "text": [{"t": 1}, ["نص"]],
        "source": [{"s": 1}],
        "published": [["2023"], {"d": 1}],
        "collected_at": ["أمس", 17],
        "title": [["عنوان"]],
        "author": [["a"]],
        "author_handle": [5],
        "links": ["https://t.me/a/1"],
        "media": ["x"],
        "reply_to_url": [5],
        "embedded_in_url": [{"u": 1}],
        "lang": [["ar"]],
        "views": ["كثير"],
        "timezone": ["Mars/Olympus", 5],
    }
    # and values that are odd but usable: a post is kept with what can be read of it
    usable = {
        "published": [12345, "ليس تاريخاً", "9999-99-99T99:99"],
        "text": [12],
        "links": [[5, None, {"x": 1}, "http://[x", "https://t.me/daraa24/1"]],
        "reply_to_url": ["http://[x"],
        "forwarded_from_url": ["javascript:alert(1)"],
    }
    lines, bad = [], 0
    for cases, is_bad in ((hostile, True), (usable, False)):
        for key, values in cases.items():
            for value in values:
                lines.append({**good, "url": f"https://t.me/daraa24/{len(lines) + 1}", key: value})
                bad += is_bad
    stream = tmp_path / "hostile.jsonl"
    stream.write_bytes(b"".join(orjson.dumps(line) + b"\n" for line in lines) + b"{not json\n")
    result = run_monitor("replay", "--data-dir", str(tmp_path / "data"), str(stream))
    assert result.returncode == 1, result.stderr  # some lines were refused; the rest are kept
    assert "Traceback" not in result.stderr
    assert f"{len(lines) - bad} new posts" in result.stderr
    assert f"{bad + 1} invalid" in result.stderr
    problems = [line for line in result.stderr.splitlines() if line.startswith("monitor: ")]
    assert len(problems) == 20  # the first 20, each naming its line and what is wrong
    assert "line 1: url is int, not a string" in problems[0]
    assert any("not a valid URL (Port out of range" in line for line in problems)
    assert any("collected_at is not an ISO 8601 time: أمس" in line for line in problems)
    stored = latest_by_id(read_jsonl(tmp_path / "data" / "export" / "posts.jsonl"))
    assert len(stored) == len(lines) - bad
