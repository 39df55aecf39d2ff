"""`monitor crawl` of many feeds on a local site: the project's Scrapy settings against
Scrapy's defaults for the two settings the project changes (CONCURRENT_ITEMS, 100 by default;
WARN_ON_GENERATOR_RETURN_VALUE, on by default), in the same run.

    python benchmarks/crawl_feeds.py            # 150 feeds of 20 Arabic items
    python benchmarks/crawl_feeds.py 300 20

The site is made up in a temporary directory and served on 127.0.0.1 by the demo's capture
server; no politeness delays (the server is ours). Each crawl runs in a fresh process and a
fresh data dir. Read the ratio: the machines are shared and their speed drifts.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from monitor.cli.localserver import CaptureServer, with_base  # noqa: E402

WORDS = (
    "قوات النظام جاسم درعا طفس السويداء اشتباكات مقتل إصابة حصار انسحاب اتفاق وجهاء المدينة "
    "الطريق تعزيزات عسكرية الأهالي ريف الشمالي الغربي مصادر محلية"
).split()
FAST = ("-s", "AUTOTHROTTLE_ENABLED=false", "-s", "DOWNLOAD_DELAY=0", "-s", "ROBOTSTXT_OBEY=false")
SCRAPY_DEFAULTS = ("-s", "CONCURRENT_ITEMS=100", "-s", "WARN_ON_GENERATOR_RETURN_VALUE=true")


def make_site(root: Path, feeds: int, items: int) -> str:
    """Feeds of made-up Arabic items under `root`; returns the sources file's template."""
    pick = random.Random(2023).choice
    sources = []
    for number in range(feeds):
        folder = root / f"s{number}" / "feed"
        folder.mkdir(parents=True)
        entries = "".join(
            f"<item><title>{' '.join(pick(WORDS) for _ in range(8))}</title>"
            f"<link>{{{{BASE}}}}/s{number}/archives/{index}</link>"
            f"<pubDate>Mon, 18 Dec 2023 {index % 24:02d}:{number % 60:02d}:00 +0300</pubDate>"
            f"<description><![CDATA[<p>{' '.join(pick(WORDS) for _ in range(40))}</p>]]>"
            "</description></item>"
            for index in range(items)
        )
        (folder / "index.html").write_text(
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            f"<title>s{number}</title><link>{{{{BASE}}}}/s{number}</link>{entries}"
            "</channel></rss>",
            encoding="utf-8",
        )
        (folder / "index.html.headers").write_text(
            "Content-Type: application/rss+xml; charset=utf-8\n"
        )
        sources.append(
            f'[[source]]\nname = "s{number}"\nkind = "rss"\nurl = "{{{{BASE}}}}/s{number}/feed/"\n'
        )
    return "\n".join(sources)


def crawl(sources: Path, data: Path, *settings: str) -> float:
    command = [sys.executable, "-m", "monitor", "crawl", "--sources", str(sources)]
    started = time.perf_counter()
    done = subprocess.run(
        [*command, "--data-dir", str(data), *FAST, *settings], capture_output=True, text=True
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"crawl failed: {done.stderr[-500:]}")
    return seconds


def main(feeds: int, items: int) -> None:
    with tempfile.TemporaryDirectory(prefix="monitor-feeds-") as temp:
        work = Path(temp)
        template = make_site(work / "site", feeds, items)
        with CaptureServer(work / "site") as server:
            sources = work / "sources.toml"
            sources.write_bytes(with_base(template.encode(), server.base_url))
            ours = crawl(sources, work / "ours")
            theirs = crawl(sources, work / "defaults", *SCRAPY_DEFAULTS)
    posts = feeds * items
    print(f"{feeds} feeds, {posts:,} posts")
    print(f"  project settings   {ours:6.1f} s  {posts / ours:6.0f} posts/s")
    print(f"  Scrapy's defaults  {theirs:6.1f} s  {posts / theirs:6.0f} posts/s")
    print(f"  the project's settings take {ours / theirs:.2f}× the time of Scrapy's defaults")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("feeds", type=int, nargs="?", default=150, help="feeds (150)")
    parser.add_argument("items", type=int, nargs="?", default=20, help="items a feed (20)")
    arguments = parser.parse_args()
    main(arguments.feeds, arguments.items)
