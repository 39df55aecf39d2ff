"""Shared test helpers: a local capture server, and real subprocess runs of `monitor`."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from monitor.cli.localserver import CaptureServer, with_base
from tests.postgres_server import backend, postgres_server, postgres_url  # noqa: F401

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data"
DEMO = ROOT / "monitor" / "data" / "demo"
# Local captures need no politeness delay; everything else stays as shipped.
FAST = ("-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=false")


def monitor_command() -> list[str]:
    script = Path(sys.executable).with_name("monitor")
    return [str(script)] if script.exists() else [sys.executable, "-m", "monitor"]


def monitor_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment `monitor` runs in under test: unbuffered, no data dir from outside, and
    offline — anything not on 127.0.0.1 goes to a closed local port."""
    offline = {
        "http_proxy": "http://127.0.0.1:9",
        "https_proxy": "http://127.0.0.1:9",
        "no_proxy": "127.0.0.1,localhost",
    }
    # a data dir or a store from the developer's shell must not leak into a test
    outside = {
        k: v for k, v in os.environ.items() if k not in ("MONITOR_DATA_DIR", "MONITOR_STORE")
    }
    return {**outside, "PYTHONUNBUFFERED": "1", **offline, **(env or {})}


def run_monitor(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 180
) -> subprocess.CompletedProcess[str]:
    """Run the real `monitor` command in a subprocess."""
    return subprocess.run(
        [*monitor_command(), *args],
        cwd=cwd,
        env=monitor_env(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def crawl_args(sources: Path, data: Path, *options: str) -> list[str]:
    """`monitor crawl`'s arguments for a sources file and a data dir."""
    return ["crawl", "--sources", str(sources), "--data-dir", str(data), *options]


def crawl(sources: Path, data: Path, base: str, *names: str) -> subprocess.CompletedProcess[str]:
    """`monitor crawl` of the named sources (all when none), fast, Telegram embeds from `base`."""
    only = [arg for name in names for arg in ("--only", name)]
    embed = f"MONITOR_TELEGRAM_EMBED_BASE={base}"
    return run_monitor(*crawl_args(sources, data, *only, *FAST, "-s", embed))


def kill_when(command: list[str], log: Path, lines: int, timeout: float = 60) -> None:
    """Start the command and SIGKILL it once the log holds `lines` lines (0: at once, during
    start-up), whatever the speed of the machine."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + timeout
    while lines and process.poll() is None and time.monotonic() < deadline:
        if log.exists() and log.read_bytes().count(b"\n") >= lines:
            break
        time.sleep(0.01)
    process.kill()
    process.wait()


def read_jsonl(path: Path) -> list[dict]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]


def latest_by_id(lines: list[dict]) -> dict[str, dict]:
    """The change log compacted: the last line of an id wins."""
    posts: dict[str, dict] = {}
    for line in lines:
        posts[line["id"]] = line
    return posts


@pytest.fixture
def demo_server() -> Iterator[CaptureServer]:
    with CaptureServer(DEMO / "site") as server:
        yield server


def write_demo_sources(path: Path, base_url: str, *, defaults: str = "") -> Path:
    """The demo's sources.toml pointing at a capture server, with extra [defaults] lines."""
    text = with_base((DEMO / "sources.toml").read_bytes(), base_url).decode()
    if defaults:
        text = text.replace("[defaults]", f"[defaults]\n{defaults}")
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def demo_sources(tmp_path: Path, demo_server: CaptureServer) -> Path:
    """The demo's sources.toml pointing at the running capture server."""
    return write_demo_sources(tmp_path / "sources.toml", demo_server.base_url)


# Modules whose tests run the `monitor` CLI as a subprocess, start servers, or replay the
# real sets: most of the suite's time. `pytest -m "not slow"` runs the rest in seconds.
SLOW_MODULES = frozenset(
    {
        "test_crash_safety",
        "test_crawl_e2e",
        "test_faults",
        "test_manners",
        "test_operations",
        "test_operator_trial",
        "test_real_text",
        "test_style",
    }
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.module is not None and item.module.__name__.rsplit(".", 1)[-1] in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)
