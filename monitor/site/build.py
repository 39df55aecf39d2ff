"""`monitor report --out DIR`: a static site of the story threads that opens from file://.

DIR/index.html lists the threads; DIR/threads/<thread_id>.html shows one as a timeline;
DIR/assets/ holds the CSS and JavaScript; DIR/site.json says what each page was made from, so
a run after a crawl rewrites only the pages whose thread changed. Every file is replaced
whole (`monitor.store.atomic`), and only when its bytes change.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from monitor.contracts.items import ThreadRecord
from monitor.normalize.dates import instant
from monitor.site import manifest
from monitor.site.pages import index_page, merged_page, thread_page
from monitor.site.place_names import PlaceNames
from monitor.site.render import ASSETS, STATIC
from monitor.site.scan import Scan, ThreadScan, post_key, scan
from monitor.site.times import zone
from monitor.store import StoreView, open_reader
from monitor.store.atomic import atomic_file

DEFAULT_ZONE = "Asia/Damascus"


class SiteError(Exception):
    """A reason the site cannot be built, in one line (a bad argument, no store)."""


@dataclass(frozen=True)
class SiteResult:
    """What a build did. `written`: thread pages whose file changed; `unchanged`: pages in
    scope left as they were; `retired`: pages of threads that merged into another (now a
    pointer to it) or are gone; `threads`: threads the index lists."""

    written: int
    unchanged: int
    index: Path
    threads: int
    retired: int
    written_ids: tuple[str, ...]


def build_site(
    data_dir: Path,
    out: Path,
    *,
    since: str | None = None,
    thread_ids: Sequence[str] | None = None,
    tz: str = DEFAULT_ZONE,
) -> SiteResult:
    """Build or bring up to date the site in `out` from the store in `data_dir`, read only.

    `since` (ISO 8601; without an offset, UTC, as `monitor export --since`) limits the pages
    written to threads with a post at or after it; `thread_ids` to those threads. The index
    is made from every thread whatever the limits; a thread that has no page yet is listed
    without a link.
    """
    try:
        zone_info = zone(tz)
    except ValueError as error:
        raise SiteError(str(error)) from None
    since_moment = _since(since)
    store = open_reader(data_dir)
    if store is None:
        raise SiteError(f"no store in {data_dir} (run `monitor crawl` first, or give --data-dir)")
    try:
        return _build(store, data_dir, out, since_moment, thread_ids, zone_info)
    except OSError as error:
        raise SiteError(f"cannot write the site in {out}: {error.strerror or error}") from None
    finally:
        store.close()


def _build(
    store: StoreView,
    data_dir: Path,
    out: Path,
    since: datetime | None,
    thread_ids: Sequence[str] | None,
    tz: ZoneInfo,
) -> SiteResult:
    scanned = scan(store)
    listed = _listed_threads(store, scanned)
    wanted = _wanted(store, listed, thread_ids)
    build = manifest.build_key(tz.key)
    previous = manifest.load(out)
    entries = dict(previous)
    names = PlaceNames.load(data_dir)

    def page_of(thread_id: str) -> str | None:
        return f"{thread_id}.html" if thread_id in listed else None

    written: list[str] = []
    unchanged = 0
    for tid in sorted(listed):
        summary = scanned.threads[tid]
        if not _in_scope(tid, summary, wanted, since):
            continue
        path = _page_path(out, tid)
        revision = listed[tid]["revision"]
        entry = manifest.page_entry(revision, summary.posts, scanned.thread_of, build)
        if previous.get(tid) == entry and path.exists():
            unchanged += 1
            continue
        # Read again: a crawl may have committed since the scan, and the entry must describe
        # what the page shows (if it is newer than the scan, the next run looks again).
        record = store.get_thread(tid) or listed[tid]
        posts = store.thread_posts(tid)
        html = thread_page(record, posts, tz, names, store.get, page_of)
        entries[tid] = manifest.page_entry(
            record["revision"], map(post_key, posts), scanned.thread_of, build
        )
        if _write(path, html):
            written.append(tid)
        else:
            unchanged += 1
    retired = _retire(out, store, listed, entries, build)
    for name in STATIC:
        _write(out / "assets" / name, (ASSETS / name).read_text(encoding="utf-8"))
    has_page = {tid: _page_path(out, tid).exists() for tid in listed}
    index = out / "index.html"
    scans = {tid: scanned.threads[tid] for tid in listed}
    _write(index, index_page(listed, scans, tz, names, has_page))
    manifest.save(out, entries)
    return SiteResult(
        written=len(written),
        unchanged=unchanged,
        index=index,
        threads=len(listed),
        retired=retired,
        written_ids=tuple(written),
    )


def _in_scope(
    thread_id: str, summary: ThreadScan, wanted: set[str] | None, since: datetime | None
) -> bool:
    if wanted is not None and thread_id not in wanted:
        return False
    return since is None or any(moment >= since for moment in summary.moments)


def _since(since: str | None) -> datetime | None:
    if not since:
        return None
    moment = instant(since)
    if moment is None:
        raise SiteError(f"--since {since!r} is not an ISO 8601 time (2023-12-19T00:00:00+03:00)")
    return moment


def _listed_threads(store: StoreView, scanned: Scan) -> dict[str, ThreadRecord]:
    """The threads the site shows: those that hold posts and did not merge into another."""
    listed = {}
    for tid in scanned.threads:
        if not manifest.SAFE_ID.fullmatch(tid):
            continue
        record = store.get_thread(tid)
        if record is not None and record.get("status") != "merged":
            listed[tid] = record
    return listed


def _wanted(
    store: StoreView, listed: dict[str, ThreadRecord], thread_ids: Sequence[str] | None
) -> set[str] | None:
    if thread_ids is None:
        return None
    unknown = [tid for tid in thread_ids if tid not in listed and store.get_thread(tid) is None]
    if unknown:
        raise SiteError(f"no thread {', '.join(unknown)} in the store")
    return set(thread_ids)


def _retire(
    out: Path,
    store: StoreView,
    listed: dict[str, ThreadRecord],
    entries: dict[str, manifest.Entry],
    build: str,
) -> int:
    """Pages of threads no longer listed: a thread merged into another leaves a pointer to it
    (links to the old page keep working); a thread that is gone, nothing."""
    retired = 0
    for tid in sorted(set(entries) - set(listed)):
        record = store.get_thread(tid)
        into = record.get("merged_into") if record else None
        path = _page_path(out, tid)
        if into:
            entry: manifest.Entry = {"merged_into": into, "build": build}
            if entries[tid] != entry or not path.exists():
                _write(path, merged_page(tid, into))
                entries[tid] = entry
                retired += 1
        else:
            path.unlink(missing_ok=True)
            del entries[tid]
            retired += 1
    return retired


def _page_path(out: Path, thread_id: str) -> Path:
    return out / "threads" / f"{thread_id}.html"


def _write(path: Path, text: str) -> bool:
    """Replace the file atomically if its bytes change; True if it did."""
    data = text.encode("utf-8")
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    with atomic_file(path) as handle:
        handle.write(data)
    return True
