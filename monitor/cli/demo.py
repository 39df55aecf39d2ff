"""`monitor demo`: the whole flow on bundled captures, without internet.

The captures (`monitor/data/demo/site/`) are an Arabic news ecosystem around the seed story
(the December 2023 siege of Jasim): a site feed with article pages, Telegram channels, an X
account behind a Nitter feed, and a news site whose article embeds a Daraa 24 tweet.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from monitor import PACKAGE_DATA
from monitor.cli.localserver import CaptureServer, with_base

DEMO_ROOT = PACKAGE_DATA / "demo"


DEMO_MARK = ".monitor-demo"


def fresh_demo_dir() -> Path:
    """The one folder every `monitor demo` crawls into by default, emptied first: runs do not
    pile up in /tmp. A folder of that name that a demo did not make is left alone."""
    folder = Path(tempfile.gettempdir()) / "monitor-demo"
    if folder.exists():
        if not (folder / DEMO_MARK).exists():
            raise SystemExit(f"monitor: demo: {folder} exists and was not made by the demo")
        shutil.rmtree(folder)
    folder.mkdir()
    (folder / DEMO_MARK).touch()
    return folder


def run_demo(data_dir: Path | None, *, show: int = 8) -> int:
    """Serve the captures, crawl them into `data_dir` (a fresh temp dir by default), print
    what was collected; returns the exit status."""
    from monitor.cli.report import console, print_posts, print_summary, print_threads
    from monitor.collect.crawl import crawl_settings, run_sources
    from monitor.collect.sources import load_sources
    from monitor.store import open_store, store_path
    from monitor.store.changelog import LOG_NAME
    from monitor.store.session import export_dir

    out = console()
    if data_dir is None:
        data_dir = fresh_demo_dir()
    data_dir.mkdir(parents=True, exist_ok=True)
    with CaptureServer(DEMO_ROOT / "site") as server:
        sources_file = data_dir / "sources.toml"
        template = (DEMO_ROOT / "sources.toml").read_bytes()
        sources_file.write_bytes(with_base(template, server.base_url))
        sources = load_sources(sources_file)
        out.print(
            f"Serving the demo captures at {server.base_url}; crawling {len(sources)} sources "
            f"into {data_dir}"
        )
        settings = crawl_settings(
            data_dir,
            overrides={
                # The captures are local files: no reason to wait between requests.
                "AUTOTHROTTLE_ENABLED": False,
                "DOWNLOAD_DELAY": 0,
                "MONITOR_TELEGRAM_EMBED_BASE": server.base_url,
            },
        )
        reports = run_sources(sources, settings, data_dir).reports
    print_summary(reports)
    store = open_store(data_dir)
    try:
        total = store.count_posts()
        out.print(
            f"\n{total} posts stored in {store_path(data_dir)}; "
            f"change log in {export_dir(data_dir) / LOG_NAME}\n"
        )
        print_posts(store.iter_posts(), show)
        threads = sorted(store.iter_threads(), key=lambda t: -t["post_count"])
        out.print()
        print_threads(threads[:show])
    finally:
        store.close()
    out.print(
        f"\nThe demo's data is in {data_dir} (the next `monitor demo` starts it afresh; "
        "give --data-dir to keep a copy).\n"
        f"Next: `monitor thread <thread> --data-dir {data_dir}` for a story's timeline, "
        "`monitor --help` for the rest"
    )
    return 1 if any(r.status == "failed" for r in reports) else 0
