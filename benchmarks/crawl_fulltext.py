"""`monitor crawl` of full-text RSS sources on a local site, beside a bare Scrapy spider doing
the same fetching and parsing with the project's settings and no storage, in the same run.

    python benchmarks/crawl_fulltext.py              # 300 feeds of 20 Arabic items
    python benchmarks/crawl_fulltext.py 30 20        # a quick check
    python benchmarks/crawl_fulltext.py --repeat 3   # alternate the two, print the medians

Each feed's items link to article pages of the same site (news HTML of a few KB: og: meta,
article:published_time, <article> with <h1>, a dateline, paragraphs, nav and footer), so a
run fetches feeds × (1 + items) pages. The site is made up in a temporary directory and served
on 127.0.0.1 by nginx when it is installed (`apt-get install nginx-light`), else by the demo's
capture server, which is slower and shares a core with the crawl; the output names the one
used. No politeness delays (the server is ours). Each crawl runs in a fresh process, and
`monitor crawl` in a fresh data dir; both times include starting Python.

The bare spider is one crawler over all feeds: `parse_feed` on each feed, a request for each
entry's link, `extract_article` on each page, one dict item a page, no item pipelines. What
`monitor crawl` costs above it is the project's own work: the readers' bookkeeping (each
source's run and counters, the known posts not fetched again), and handing each item to the
storing process, which normalises it and runs the story engine, the store and the change logs
on another core (its CPU time is printed with the crawl's). `monitor crawl --redis` (when
redis-server is installed) is what a crawl worker does: the raw items go to a Redis stream, and
the engine and the store run in `monitor ingest`. Read the ratios: the machines are shared and
their speed drifts.
"""

from __future__ import annotations

import argparse
import contextlib
import grp
import gzip
import html
import json
import os
import pwd
import random
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import scrapy  # noqa: E402
from scrapy.crawler import CrawlerProcess  # noqa: E402
from scrapy.http import Response  # noqa: E402
from scrapy.settings import Settings  # noqa: E402

from monitor.cli.localserver import CaptureServer, with_base  # noqa: E402
from monitor.collect.parsers.article import extract_article  # noqa: E402
from monitor.collect.parsers.feed import parse_feed  # noqa: E402
from monitor.collect.sources import Source, load_sources  # noqa: E402

WORDS = (
    "قوات النظام جاسم درعا طفس السويداء اشتباكات مقتل إصابة حصار انسحاب اتفاق وجهاء المدينة "
    "الطريق تعزيزات عسكرية الأهالي ريف الشمالي الغربي مصادر محلية مجهولون اغتيال عنصر سابق "
    "فصائل المعارضة التسوية حاجز الأمن العسكري بلدة نوى الصنمين بصرى الشام مداهمة اعتقال شاب "
    "أفرجت عن معتقلين قصف مدفعي صاروخي منازل المدنيين أطفال نساء مستشفى الوطني جثة مظاهرة "
    "احتجاج الأسعار الخبز المحروقات الكهرباء المياه"
).split()
NEWS = Path(__file__).resolve().parents[1] / "tests/data/stories/news-2013/sample.jsonl.gz"
FAST = ("-s", "AUTOTHROTTLE_ENABLED=false", "-s", "DOWNLOAD_DELAY=0", "-s", "ROBOTSTXT_OBEY=false")
PLACES = ("درعا", "طفس", "نوى", "بصرى الشام", "السويداء", "الصنمين", "جاسم", "إنخل")


def sentence(pick: Any, words: int) -> str:
    return " ".join(pick(WORDS) for _ in range(words))


def real_articles(count: int) -> list[tuple[str, list[str]]]:
    """Titles and paragraphs of real news articles written by others (the news-2013 sample
    in tests/data, with its licence): made-up text from a small word list makes every
    article look like every other to the story engine, which then compares each post with
    hundreds (a cost real text does not have)."""
    found = []
    with gzip.open(NEWS, "rb") as lines:
        for line in lines:
            article = json.loads(line)
            paragraphs = [p for p in (article.get("text") or "").split("\n") if p.strip()]
            if article.get("title") and paragraphs:
                found.append((html.escape(article["title"]), [html.escape(p) for p in paragraphs]))
            if len(found) == count:
                return found
    raise SystemExit(f"{NEWS} holds {len(found)} articles; {count} are needed")


def article_page(base: str, number: int, index: int, title: str, body: list[str], pick: Any) -> str:
    """A news article page as WordPress-like themes print one, with furniture around it."""
    url = f"{base}/s{number}/archives/{index}.html"
    stamp = f"2023-12-18T{index % 24:02d}:{number % 60:02d}:00+03:00"
    place = PLACES[(number + index) % len(PLACES)]
    paragraphs = [f"<p><strong>{place} – خاص:</strong> {body[0]}</p>"]
    paragraphs += [f"<p>{paragraph}</p>" for paragraph in body[1:]]
    menu = "".join(
        f'<li><a href="{base}/s{number}/category/{slug}/">{label}</a></li>'
        for slug, label in (("news", "أخبار"), ("reports", "تقارير"), ("victims", "ضحايا"),
                            ("arrests", "اعتقالات"), ("economy", "اقتصاد"), ("about", "من نحن"))
    )  # fmt: skip
    related = "".join(
        f'<li><a href="{base}/s{number}/archives/{other}.html">{sentence(pick, 7)}</a></li>'
        for other in range(index + 1, index + 5)
    )
    return f"""<!DOCTYPE html>
<html lang="ar" dir="rtl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} - شبكة s{number} الإخبارية</title>
<link rel="canonical" href="{url}">
<link rel="alternate" type="application/rss+xml" href="{base}/s{number}/feed.xml">
<link rel="stylesheet" href="{base}/s{number}/wp-content/themes/news/style.css">
<meta property="og:locale" content="ar_AR">
<meta property="og:type" content="article">
<meta property="og:site_name" content="شبكة s{number} الإخبارية">
<meta property="og:title" content="{title}">
<meta property="og:description" content="{sentence(pick, 20)}">
<meta property="og:url" content="{url}">
<meta property="og:image" content="{base}/s{number}/wp-content/uploads/2023/12/{index}.jpg">
<meta property="article:published_time" content="{stamp}">
<meta property="article:modified_time" content="{stamp}">
<meta name="author" content="فريق التحرير">
</head>
<body class="post-template-default single single-post postid-{index}">
<header class="site-header">
<a class="site-logo" href="{base}/s{number}/">شبكة s{number} الإخبارية</a>
<nav class="main-navigation"><ul class="menu">{menu}</ul></nav>
<form class="search-form" action="{base}/s{number}/"><input type="search" name="s"></form>
</header>
<main id="main" class="site-main">
<div class="breadcrumbs"><a href="{base}/s{number}/">الرئيسية</a> » <a
 href="{base}/s{number}/category/news/">أخبار</a></div>
<article id="post-{index}" class="post-{index} post type-post category-news">
<header class="entry-header">
<h1 class="entry-title">{title}</h1>
<div class="entry-meta"><time class="entry-date" datetime="{stamp}">18 كانون الأول 2023</time>
<span class="byline">فريق التحرير</span></div>
</header>
<figure class="post-thumbnail"><img src="{base}/s{number}/wp-content/uploads/2023/12/{index}.jpg"
 alt=""><figcaption>صورة تعبيرية</figcaption></figure>
<div class="entry-content">
{"".join(paragraphs)}
</div>
<div class="share-buttons"><a href="https://www.facebook.com/sharer.php?u={url}">فيسبوك</a>
<a href="https://twitter.com/intent/tweet?url={url}">تويتر</a>
<a href="https://t.me/share/url?url={url}">تلغرام</a></div>
<div class="tags-links"><a href="{base}/s{number}/tag/{place}/">{place}</a></div>
</article>
<aside class="sidebar widget-area"><section class="widget most-read"><h2>الأكثر قراءة</h2>
<ul>{related}</ul></section></aside>
</main>
<footer class="site-footer"><nav class="footer-menu"><ul>{menu}</ul></nav>
<p class="copyright">جميع الحقوق محفوظة © 2023 شبكة s{number} الإخبارية</p></footer>
<script src="{base}/s{number}/wp-includes/js/jquery.min.js"></script>
</body>
</html>
"""


def make_site(root: Path, feeds: int, items: int, base: str) -> str:
    """Feeds and their article pages under `root`, linking to `base`; returns the sources
    file's template (`{{BASE}}` for the server's address)."""
    pick = random.Random(2023).choice
    articles = iter(real_articles(feeds * items))
    sources = ['[defaults]\ntimezone = "Asia/Damascus"\nlang = "ar"\n']
    for number in range(feeds):
        folder = root / f"s{number}"
        (folder / "archives").mkdir(parents=True)
        entries = []
        for index in range(items):
            title, body = next(articles)
            page = article_page(base, number, index, title, body, pick)
            (folder / "archives" / f"{index}.html").write_text(page, encoding="utf-8")
            entries.append(
                f"<item><title>{title}</title>"
                f"<link>{base}/s{number}/archives/{index}.html</link>"
                f"<pubDate>Mon, 18 Dec 2023 {index % 24:02d}:{number % 60:02d}:00 +0300</pubDate>"
                f"<description><![CDATA[<p>{body[0][:300]}</p>]]></description></item>"
            )
        (folder / "feed.xml").write_text(
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            f"<title>s{number}</title><link>{base}/s{number}/</link>"
            f"<language>ar</language>{''.join(entries)}</channel></rss>",
            encoding="utf-8",
        )
        # the capture server's content type; nginx takes it from the config's `types`
        (folder / "feed.xml.headers").write_text(
            "Content-Type: application/rss+xml; charset=utf-8\n"
        )
        sources.append(
            f'[[source]]\nname = "s{number}"\nkind = "rss"\n'
            f'url = "{{{{BASE}}}}/s{number}/feed.xml"\nfull_text = true\n'
        )
    return "\n".join(sources)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def find_nginx() -> str | None:
    found = shutil.which("nginx")
    if found:
        return found
    return "/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None


def nginx_config(binary: str, site: Path, work: Path, port: int) -> str:
    built = subprocess.run([binary, "-V"], capture_output=True, text=True).stderr
    # Debian builds put the temp paths under /var/lib/nginx, which a non-root user cannot
    # create; the modules compiled in are the ones whose path `nginx -V` names.
    temp_paths = "".join(
        f"    {directive}_temp_path {work / directive};\n"
        for option, directive in (
            ("client-body", "client_body"),
            ("proxy", "proxy"),
            ("fastcgi", "fastcgi"),
            ("uwsgi", "uwsgi"),
            ("scgi", "scgi"),
        )
        if option == "client-body" or f"--http-{option}-temp-path" in built
    )
    user = ""
    if os.geteuid() == 0:
        # As root the workers drop to an unprivileged user; name its own group, since
        # nginx's default group `nobody` does not exist on Debian.
        nobody = pwd.getpwnam("nobody")
        user = f"user nobody {grp.getgrgid(nobody.pw_gid).gr_name};\n"
    # One worker: it outpaces the crawler, and the crawler is the thing measured.
    return f"""daemon off;
master_process on;
worker_processes 1;
{user}pid {work / "nginx.pid"};
error_log {work / "error.log"} warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    types {{
        application/rss+xml xml;
        text/html html;
    }}
    default_type application/octet-stream;
    charset utf-8;
    sendfile on;
    keepalive_requests 100000;
{temp_paths}    server {{
        listen 127.0.0.1:{port};
        root {site};
        location / {{ try_files $uri =404; }}
    }}
}}
"""


@contextlib.contextmanager
def nginx(binary: str, site: Path, work: Path, port: int, probe: str) -> Iterator[None]:
    """nginx serving `site`, from a throwaway config in `work`; RuntimeError if it does not
    answer `probe` with a feed."""
    work.mkdir()
    if os.geteuid() == 0:
        # the temporary directory is root's alone (0700); the workers run as nobody
        for folder in (work.parent, site, work):
            folder.chmod(0o755)
    config = work / "nginx.conf"
    config.write_text(nginx_config(binary, site, work, port))
    command = [binary, "-p", str(work), "-e", str(work / "error.log"), "-c", str(config)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for(probe, server, work / "error.log")
        yield
    finally:
        if server.poll() is None:
            server.send_signal(signal.SIGQUIT)  # graceful: its workers finish, then it exits
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def wait_for(probe: str, server: subprocess.Popen[bytes], error_log: Path) -> None:
    deadline = time.monotonic() + 10
    problem = "no answer"
    while time.monotonic() < deadline:
        if server.poll() is not None:
            stderr = server.stderr.read().decode() if server.stderr else ""
            log = error_log.read_text() if error_log.exists() else ""
            raise RuntimeError(f"nginx exited: {(stderr + log).strip()[-400:]}")
        try:
            with urllib.request.urlopen(probe, timeout=2) as answer:
                kind = answer.headers.get("Content-Type", "")
                if kind.startswith("application/rss+xml"):
                    return
                problem = f"{probe} came as {kind!r}"
                break
        except OSError as exc:
            problem = str(exc)
            time.sleep(0.05)
    raise RuntimeError(f"nginx does not serve the site: {problem}")


@contextlib.contextmanager
def serve(site: Path, work: Path, port: int, probe: str) -> Iterator[str]:
    """The site on 127.0.0.1:`port`; yields the name of the server used."""
    binary = find_nginx()
    name = None
    with contextlib.ExitStack() as stack:
        if binary:
            try:
                stack.enter_context(nginx(binary, site, work / "nginx", port, probe))
                name = f"nginx ({binary})"
            except RuntimeError as exc:
                print(f"{exc}; serving with the capture server instead", file=sys.stderr)
        if name is None:
            capture = stack.enter_context(CaptureServer(site, port=port))
            # socketserver listens with a backlog of 5: Scrapy opens connections in bursts, and
            # each one refused waits a second for its SYN to be resent (10× the crawl's time).
            capture.httpd.socket.listen(128)
            name = "monitor's capture server" + ("" if binary else " (no nginx found)")
        yield name


Timing = tuple[float, float]  # (wall-clock seconds, CPU seconds of all its processes)


def cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(command: list[str]) -> tuple[Timing, str]:
    """The time the command took (wall clock; CPU of it and of every process it started and
    waited for, as its storing process), and its stdout; SystemExit if it failed."""
    started, cpu = time.perf_counter(), cpu_of_children()
    done = subprocess.run(command, capture_output=True, text=True)
    seconds = (time.perf_counter() - started, cpu_of_children() - cpu)
    if done.returncode != 0:
        raise SystemExit(
            f"{' '.join(command[1:4])}... failed ({done.returncode}):\n"
            f"{(done.stderr or done.stdout)[-1500:]}"
        )
    return seconds, done.stdout


def monitor_crawl(sources: Path, data: Path, posts: int) -> Timing:
    seconds, _ = run(
        [
            sys.executable,
            "-m",
            "monitor",
            "crawl",
            "--sources",
            str(sources),
            "--data-dir",
            str(data),
            *FAST,
        ]
    )
    with (data / "export" / "posts.jsonl").open("rb") as log:
        ids = {json.loads(line)["id"] for line in log}
    if len(ids) != posts:
        raise SystemExit(f"monitor crawl stored {len(ids):,} posts of {posts:,}; see {data}/logs")
    return seconds


def bare_crawl(sources: Path, feeds: int, posts: int) -> Timing:
    seconds, out = run([sys.executable, str(Path(__file__).resolve()), "--bare", str(sources)])
    counts = json.loads(out.strip().splitlines()[-1])
    if counts != {"feeds": feeds, "articles": posts}:
        raise SystemExit(f"the bare spider read {counts}, not {feeds} feeds and {posts} articles")
    return seconds


class BareSpider(scrapy.Spider):
    """Every source's feed, then each entry's article page: parsing only, nothing kept."""

    name = "bare"

    def __init__(self, sources: list[Source], **kwargs: Any):
        super().__init__(**kwargs)
        self.sources = sources
        self.feeds = 0
        self.articles = 0

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for source in self.sources:
            yield scrapy.Request(source.url, self.parse, cb_kwargs={"source": source})

    def parse(self, response: Response, source: Source) -> Iterator[scrapy.Request]:
        self.feeds += 1
        headers = {
            key.decode("latin-1"): values[-1].decode("latin-1")
            for key, values in response.headers.items()
            if values
        }
        page = parse_feed(
            response.body,
            response.url,
            headers,
            platform=source.platform,
            timezone=source.timezone,
        )
        for entry in page.items:
            yield scrapy.Request(
                entry["url"], self.parse_article, cb_kwargs={"entry": entry, "source": source}
            )

    def parse_article(
        self, response: Response, entry: dict[str, Any], source: Source
    ) -> Iterator[dict[str, Any]]:
        self.articles += 1
        article = extract_article(response.text, response.url, source.selectors)
        yield {
            **entry,
            "source": source.name,
            "title": article.title or entry.get("title"),
            "text": article.text or entry.get("text", ""),
            "published": (article.date_candidates or [entry.get("published")])[0],
            "author": article.author,
            "links": article.links,
        }


def bare(sources_file: Path) -> None:
    """Run the bare spider; print what it read as one JSON line."""
    settings = Settings()
    settings.setmodule("monitor.collect.settings", priority="project")
    settings.setdict(
        {
            "ITEM_PIPELINES": {},
            "AUTOTHROTTLE_ENABLED": False,
            "DOWNLOAD_DELAY": 0,
            "ROBOTSTXT_OBEY": False,
            "LOG_LEVEL": "WARNING",
        },
        priority="cmdline",
    )
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(BareSpider)
    process.crawl(crawler, sources=load_sources(sources_file))
    process.start()
    spider = crawler.spider
    assert isinstance(spider, BareSpider)
    print(json.dumps({"feeds": spider.feeds, "articles": spider.articles}))


@contextlib.contextmanager
def redis_server(work: Path) -> Iterator[str | None]:
    """A throwaway redis-server on 127.0.0.1 (None without the binary)."""
    binary = shutil.which("redis-server")
    if binary is None:
        yield None
        return
    port = free_port()
    server = subprocess.Popen(
        [binary, "--bind", "127.0.0.1", "--port", str(port), "--dir", str(work),
         "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        import redis

        client = redis.Redis(port=port)
        for _ in range(100):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait()


def stream_crawl(sources: Path, data: Path, redis_url: str, posts: int) -> Timing:
    """`monitor crawl --redis`: what a crawl worker does; the items go to a stream, and the
    story engine and the store run in `monitor ingest`, on another core or machine."""
    import redis

    client = redis.Redis.from_url(redis_url)
    client.delete("monitor:items")
    seconds, _ = run(
        [sys.executable, "-m", "monitor", "crawl", "--sources", str(sources),
         "--data-dir", str(data), "--redis", redis_url, *FAST]
    )  # fmt: skip
    sent = client.xlen("monitor:items")
    if sent != posts:
        raise SystemExit(f"monitor crawl --redis sent {sent:,} items of {posts:,}")
    return seconds


def show(name: str, timings: list[Timing], pages: int) -> float:
    """Print the median wall-clock time, pages/s and CPU time; returns the median time."""
    seconds = statistics.median(wall for wall, _ in timings)
    cpu = statistics.median(cpu for _, cpu in timings)
    print(f"  {name:22} {seconds:6.1f} s  {pages / seconds:6.0f} pages/s  CPU {cpu:5.1f} s")
    return seconds


def main(feeds: int, items: int, repeat: int) -> None:
    posts = feeds * items
    pages = feeds + posts
    with tempfile.TemporaryDirectory(prefix="monitor-fulltext-") as temp:
        work = Path(temp)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        template = make_site(work / "site", feeds, items, base)
        sources = work / "sources.toml"
        sources.write_bytes(with_base(template.encode(), base))
        with (
            serve(work / "site", work, port, f"{base}/s0/feed.xml") as server,
            redis_server(work) as redis_url,
        ):
            print(f"{feeds} feeds of {items} items: {pages:,} pages, served by {server}")
            ours: list[Timing] = []
            streamed: list[Timing] = []
            theirs: list[Timing] = []
            for attempt in range(repeat):
                ours.append(monitor_crawl(sources, work / f"data-{attempt}", posts))
                if redis_url:
                    data = work / f"stream-{attempt}"
                    streamed.append(stream_crawl(sources, data, redis_url, posts))
                theirs.append(bare_crawl(sources, feeds, posts))
                if repeat > 1:
                    print(
                        f"  run {attempt + 1}: monitor {ours[-1][0]:.1f} s, "
                        f"bare {theirs[-1][0]:.1f} s"
                    )
    label = "median of " + str(repeat) if repeat > 1 else "one run"
    print(f"  ({label}; CPU: of every process of the command, the storing process's included)")
    bare_time = show("bare Scrapy", theirs, pages)
    monitor_time = show("monitor crawl", ours, pages)
    if streamed:
        stream_time = show("monitor crawl --redis", streamed, pages)
    print(
        f"  monitor crawl (storing in its own process) runs at {bare_time / monitor_time:.2f}× "
        "bare Scrapy"
    )
    if streamed:
        print(
            f"  monitor crawl --redis (a worker) runs at {bare_time / stream_time:.2f}× bare Scrapy"
        )
    else:
        print("  (no redis-server: the worker's figure needs apt-get install redis-server)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("feeds", type=int, nargs="?", default=300, help="feeds (300)")
    parser.add_argument("items", type=int, nargs="?", default=20, help="items a feed (20)")
    parser.add_argument(
        "--repeat", type=int, default=1, metavar="N", help="run each N times, alternating (1)"
    )
    parser.add_argument(
        "--bare", type=Path, metavar="SOURCES", help="(internal) run the bare spider on SOURCES"
    )
    arguments = parser.parse_args()
    if arguments.bare:
        bare(arguments.bare)
    else:
        main(arguments.feeds, arguments.items, max(1, arguments.repeat))
