"""`site.json` in the output dir: for each thread page, what it was made from, so that a run
after a crawl rewrites only the pages whose thread changed.

An entry is the thread record's revision, a digest of its posts' revisions (and of the threads
their links point into, which decide where a link goes), and the build: a digest of the zone
and of this package's code and templates, so that a new version or another zone rebuilds every
page it touches.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from monitor.site.scan import PostKey
from monitor.store.atomic import atomic_file

MANIFEST = "site.json"
FORMAT = 1
# A thread id names a file: `t` and hex digits in practice; nothing that could leave the dir.
SAFE_ID = re.compile(r"[A-Za-z0-9_-]{1,128}")
PACKAGE = Path(__file__).resolve().parent

Entry = dict[str, Any]


def build_key(tz: str) -> str:
    digest = hashlib.sha256(f"{FORMAT}\0{tz}".encode())
    for path in sorted([*PACKAGE.glob("*.py"), *PACKAGE.glob("assets/*")]):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def page_entry(
    revision: int | None, posts: Iterable[PostKey], thread_of: Mapping[str, str], build: str
) -> Entry:
    rows = sorted(
        (pid, rev, thread_of.get(target or ""), thread_of.get(original or ""))
        for pid, rev, target, original in posts
    )
    digest = hashlib.sha256(json.dumps(rows).encode()).hexdigest()[:16]
    return {"revision": revision, "posts": digest, "build": build}


def load(out: Path) -> dict[str, Entry]:
    """The entries of the last build; none when there is no manifest or it cannot be read
    (then every page is written again, which is always safe)."""
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return {}
    threads = data.get("threads")
    if not isinstance(threads, dict):
        return {}
    return {tid: entry for tid, entry in threads.items() if SAFE_ID.fullmatch(tid)}


def save(out: Path, entries: Mapping[str, Entry]) -> None:
    body = {"format": FORMAT, "threads": dict(sorted(entries.items()))}
    with atomic_file(out / MANIFEST) as handle:
        handle.write(json.dumps(body, indent=1).encode() + b"\n")
