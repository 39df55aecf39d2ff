"""What a trial run as a new operator found, each fixed and kept fixed: real `monitor` runs in
subprocesses, on local files and a local server only."""

from __future__ import annotations

import gzip
import signal
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest

from tests.conftest import (
    DEMO,
    CaptureServer,
    crawl_args,
    monitor_command,
    monitor_env,
    read_jsonl,
    run_monitor,
    write_demo_sources,
)

# One Daraa 24 report, as its Telegram channel stored it (UTC) and as its website printed it
# (Damascus time, +03:00): the website's post is the earlier, though its stored string sorts
# later.
REPORT = (
    "عاجل | انتشار لقوات الجيش في عدد من أحياء مدينة جاسم في ريف درعا الشمالي، "
    "بالتزامن مع تحليق لطائرة استطلاع في سماء المدينة."
)
MIXED_ZONES = [
    {
        "source": "daraa24-telegram",
        "platform": "telegram",
        "url": "https://t.me/daraa24/33190",
        "text": REPORT,
        "published": "2023-12-19T11:05:00+00:00",
    },
    {
        "source": "daraa24-site",
        "platform": "web",
        "url": "https://daraa24.org/jasim-army-deploys",
        "title": "انتشار لقوات الجيش في أحياء مدينة جاسم",
        "text": REPORT,
        "published": "2023-12-19T12:10:00+03:00",
    },
]


def write_lines(path: Path, items: list[dict]) -> Path:
    path.write_bytes(b"".join(orjson.dumps(item) + b"\n" for item in items))
    return path


def test_a_thread_is_listed_by_instant_in_one_named_zone(tmp_path):
    data = tmp_path / "data"
    result = run_monitor(
        "replay", str(write_lines(tmp_path / "in.jsonl", MIXED_ZONES)), "--data-dir", str(data)
    )
    assert result.returncode == 0, result.stderr
    thread = {post["thread_id"] for post in read_jsonl(data / "export" / "posts.jsonl")}
    assert len(thread) == 1  # the website's post and its Telegram copy
    (thread_id,) = thread

    shown = run_monitor("thread", thread_id, "--data-dir", str(data), "--tz", "UTC")
    assert shown.returncode == 0, shown.stderr
    assert "times in UTC" in shown.stdout
    site, telegram = shown.stdout.index("09:10 daraa24-site"), shown.stdout.index("11:05 daraa24-")
    assert site < telegram

    damascus = run_monitor("thread", thread_id, "--data-dir", str(data))
    assert "times in Asia/Damascus" in damascus.stdout
    assert damascus.stdout.index("12:10 daraa24-site") < damascus.stdout.index("14:05 daraa24-")

    listed = run_monitor("threads", "--data-dir", str(data), "--tz", "UTC")
    assert "times in UTC" in listed.stdout and "2023-12-19 09:10" in listed.stdout

    bad = run_monitor("thread", thread_id, "--data-dir", str(data), "--tz", "Mars/Olympus")
    assert bad.returncode == 2 and "'Mars/Olympus' is not a time zone" in bad.stderr


def crawl_and_signal(tmp_path: Path, *signals: int) -> tuple[subprocess.Popen[str], Path, str]:
    """Start a slow crawl of the demo, wait until it has stored a post, send the signals."""
    with CaptureServer(DEMO / "site") as server:
        sources = write_demo_sources(tmp_path / "sources.toml", server.base_url)
        data = tmp_path / "data"
        slow = ("-s", "DOWNLOAD_DELAY=0.5", "-s", "AUTOTHROTTLE_ENABLED=false")
        embed = ("-s", f"MONITOR_TELEGRAM_EMBED_BASE={server.base_url}")
        process = subprocess.Popen(
            [*monitor_command(), *crawl_args(sources, data, *slow, *embed)],
            env=monitor_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        log = data / "export" / "posts.jsonl"
        deadline = time.monotonic() + 60
        while not (log.exists() and log.stat().st_size) and time.monotonic() < deadline:
            time.sleep(0.05)
        for number in signals:
            process.send_signal(number)
            time.sleep(0.2)
        _, stderr = process.communicate(timeout=120)
    return process, data, stderr


@pytest.mark.parametrize(
    ("signals", "status"),
    [((signal.SIGINT,), 130), ((signal.SIGINT, signal.SIGINT), 130), ((signal.SIGTERM,), 143)],
    ids=["ctrl-c", "ctrl-c-twice", "sigterm"],
)
def test_an_interrupted_crawl_says_so_and_records_its_runs(tmp_path, signals, status):
    process, data, stderr = crawl_and_signal(tmp_path, *signals)
    assert process.returncode == status, stderr
    name = signal.Signals(signals[0]).name
    assert f"monitor: crawl: stopped by {name}" in stderr
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr
    runs = read_jsonl(data / "export" / "runs.jsonl")
    assert len(runs) == 6  # every source of the demo: none is left unrecorded
    assert "interrupted" in {run["status"] for run in runs}
    assert "failed" not in {run["status"] for run in runs}
    stored = {post["id"] for post in read_jsonl(data / "export" / "posts.jsonl")}
    assert stored  # what was collected before the signal is kept
    shown = run_monitor(
        "status", "--data-dir", str(data), "--sources", str(tmp_path / "sources.toml")
    )
    assert "never run" not in shown.stdout


def test_a_replay_that_refuses_lines_exits_1_and_keeps_the_good_ones(tmp_path):
    good = MIXED_ZONES[0]
    stream = write_lines(tmp_path / "in.jsonl", [good, {**good, "platform": None}])
    result = run_monitor("replay", str(stream), "--data-dir", str(tmp_path / "data"))
    assert result.returncode == 1
    assert "1 new posts" in result.stderr and "1 invalid" in result.stderr
    assert "line 2: missing platform" in result.stderr
    everything_bad = write_lines(tmp_path / "bad.jsonl", [{**good, "url": None}])
    result = run_monitor("replay", str(everything_bad), "--data-dir", str(tmp_path / "other"))
    assert result.returncode == 1 and "0 new posts" in result.stderr
    fine = run_monitor(
        "replay",
        str(write_lines(tmp_path / "ok.jsonl", [good])),
        "--data-dir",
        str(tmp_path / "third"),
    )
    assert fine.returncode == 0, fine.stderr


SOURCE = '[[source]]\nname = "{name}"\nkind = "rss"\nurl = "https://{name}.example/feed"\n'


def validate(path: Path, text: str) -> subprocess.CompletedProcess[str]:
    path.write_text(text, encoding="utf-8")
    return run_monitor("sources", "validate", "--sources", str(path))


def test_every_needs_a_unit_and_a_minute_unless_forced(tmp_path):
    path = tmp_path / "sources.toml"
    bare = validate(path, SOURCE.format(name="a") + 'every = "5"\n')
    assert bare.returncode == 2 and "'5' has no unit" in bare.stderr
    number = validate(path, SOURCE.format(name="a") + "every = 5\n")
    assert number.returncode == 2 and "5 has no unit" in number.stderr
    fast = validate(path, SOURCE.format(name="a") + 'every = "30s"\n')
    assert fast.returncode == 2 and "more often than once a minute" in fast.stderr
    forced = validate(path, SOURCE.format(name="a") + 'every = "30s"\nforce_every = true\n')
    assert forced.returncode == 0, forced.stderr
    minute = validate(path, SOURCE.format(name="a") + 'every = "1m"\n')
    assert minute.returncode == 0, minute.stderr

    add = ["sources", "add", "b", "--sources", str(path), "--kind", "rss"]
    refused = run_monitor(*add, "--url", "https://b.example/feed", "--every", "5")
    assert refused.returncode == 2 and "has no unit" in refused.stderr
    added = run_monitor(*add, "--url", "https://b.example/feed", "--every", "20s", "--force-every")
    assert added.returncode == 0, added.stderr
    assert "force_every = true" in path.read_text(encoding="utf-8")


def test_sources_add_suggests_a_command_that_works(tmp_path):
    path = tmp_path / "elsewhere" / "my-sources.toml"
    path.parent.mkdir()
    added = run_monitor(
        "sources",
        "add",
        "a",
        "--sources",
        str(path),
        "--kind",
        "rss",
        "--url",
        "https://a.example/feed",
    )
    assert added.returncode == 0, added.stderr
    suggested = added.stdout.split("try it with: ", 1)[1].strip()
    assert suggested == f"monitor sources check a --sources {path}"


def test_a_typo_in_defaults_is_blamed_on_defaults_once(tmp_path):
    text = '[defaults]\ntimezon = "Asia/Damascus"\nevery = "often"\n\n'
    text += SOURCE.format(name="a") + "\n" + SOURCE.format(name="b")
    result = validate(tmp_path / "sources.toml", text)
    assert result.returncode == 2
    problems = result.stderr.strip().splitlines()
    assert len(problems) == 2, problems
    assert problems[0].endswith("[defaults]: unknown field 'timezon'")
    assert "[defaults]: field 'every': cannot read 'often'" in problems[1]
    assert "source 'a'" not in result.stderr and "source 'b'" not in result.stderr


def test_status_fails_for_a_failing_source_and_shows_sources_missing_from_the_file(tmp_path):
    with CaptureServer(DEMO / "site") as server:
        sources = write_demo_sources(tmp_path / "sources.toml", server.base_url)
        sources.write_text(
            sources.read_text(encoding="utf-8")
            + f'\n[[source]]\nname = "gone"\nkind = "rss"\nurl = "{server.base_url}/no/feed/"\n',
            encoding="utf-8",
        )
        data = tmp_path / "data"
        crawled = run_monitor(*crawl_args(sources, data, "-s", "RETRY_TIMES=0"))
    assert crawled.returncode == 1, crawled.stderr  # "gone" answers 404
    status = run_monitor("status", "--sources", str(sources), "--data-dir", str(data))
    assert status.returncode == 1 and "gone: failed 1 time in a row" in status.stderr

    only_one = tmp_path / "one.toml"
    text = sources.read_text(encoding="utf-8")
    only_one.write_text(text[: text.index("[[source]]", text.index("[[source]]") + 1)])
    narrow = run_monitor("status", "--sources", str(only_one), "--data-dir", str(data))
    assert narrow.returncode == 0, narrow.stderr  # the failing source is not in this file
    assert narrow.stdout.count("not in one.toml") == 6  # five demo sources and "gone"


def test_a_web_page_where_a_feed_was_expected_names_the_feeds_it_advertises(tmp_path):
    with CaptureServer(DEMO / "site") as server:
        page = f"{server.base_url}/daraa24/archives/51884"
        sources = tmp_path / "sources.toml"
        sources.write_text(f'[[source]]\nname = "d24"\nkind = "rss"\nurl = "{page}"\n')
        result = run_monitor(*crawl_args(sources, tmp_path / "data"))
    assert result.returncode == 1
    assert "mismatched tag" not in result.stderr
    assert f"the server sent a web page (text/html), not a feed, at {page}" in result.stderr
    assert (
        f"the page advertises {server.base_url}/daraa24/feed/, "
        f"{server.base_url}/daraa24/comments/feed/" in result.stderr
    )


def test_every_benchmark_explains_itself(tmp_path):
    root = Path(__file__).resolve().parents[1]
    scripts = sorted((root / "benchmarks").glob("[a-z]*.py"))
    assert len(scripts) >= 6
    for script in scripts:
        shown = subprocess.run(
            [sys.executable, str(script), "--help"], capture_output=True, text=True, check=False
        )
        assert shown.returncode == 0 and "usage:" in shown.stdout, (script.name, shown.stderr)
    stream = subprocess.run(
        [sys.executable, str(root / "benchmarks" / "stream.py"), "5"],
        capture_output=True,
        check=True,
    )
    items = [orjson.loads(line) for line in stream.stdout.splitlines()]
    assert len(items) == 5 and all(item["platform"] and item["text"] for item in items)


def test_a_mistyped_data_dir_starts_no_new_store(tmp_path):
    typo = tmp_path / "moniter" / "data"
    for command in (["threads"], ["thread", "t1"], ["export", "--out", str(tmp_path / "o")]):
        result = run_monitor(*command, "--data-dir", str(typo))
        assert result.returncode == 2 and f"no data dir at {typo}" in result.stderr
    items = write_lines(tmp_path / "in.jsonl", MIXED_ZONES)
    refused = run_monitor("replay", str(items), "--data-dir", str(typo))
    assert refused.returncode == 2
    assert f"no directory {typo.parent} to make the data dir data in" in refused.stderr
    assert not typo.parent.exists()
    started = run_monitor("replay", str(items), "--data-dir", str(tmp_path / "data"))
    assert started.returncode == 0, started.stderr  # a new data dir in a directory that exists


BODY = (
    "أجهزة النظام الأمنية تُخلي مواقعها العسكرية داخل مدينة جاسم في ريف درعا الشمالي، بما فيها "
    "مخفر المدينة، وتغلق الطرقات الرئيسية المؤدية إليها، وسط حالة من الترقب بين الأهالي."
)


def thread_titles(data: Path) -> dict[str, str]:
    titles: dict[str, str] = {}
    for line in read_jsonl(data / "export" / "threads.jsonl"):
        titles[line["thread_id"]] = line["title"]
    return titles


def test_a_thread_is_titled_again_when_its_title_turns_out_to_be_a_copy(tmp_path):
    copy = {
        "source": "horan-free-league",
        "platform": "web",
        "url": "https://horanfree.example/jasim",
        "title": "اجهزة النظام الامنية تخلي مواقعها في مدينة جاسم",
        "text": BODY,
        "published": "2023-12-16T12:10:00+03:00",
    }
    original = {  # crawled later, published earlier: the original after all
        "source": "daraa24-telegram",
        "platform": "telegram",
        "url": "https://t.me/daraa24/33163",
        "text": BODY,
        "published": "2023-12-16T08:40:27+00:00",
    }
    data = tmp_path / "data"
    result = run_monitor(
        "replay", str(write_lines(tmp_path / "in.jsonl", [copy, original])), "--data-dir", str(data)
    )
    assert result.returncode == 0, result.stderr
    posts = {p["url"]: p for p in read_jsonl(data / "export" / "posts.jsonl")}
    assert posts[copy["url"]]["duplicate_of"] == posts[original["url"]]["id"]
    (title,) = set(thread_titles(data).values())
    assert title.startswith(BODY[:100])  # the original's first line, not its copy's headline


def test_a_thread_is_named_after_its_first_day(tmp_path):
    first = {
        "source": "daraa24-telegram",
        "platform": "telegram",
        "url": "https://t.me/daraa24/33163",
        "text": "عاجل | " + BODY,
        "published": "2023-12-16T08:40:27+00:00",
    }
    later = {  # an article four days on, which links to the first report
        "source": "enab-baladi",
        "platform": "web",
        "url": "https://enabbaladi.example/jasim-life-returns",
        "title": "بعد أيام من الحصار.. الحياة تعود إلى طبيعتها في جاسم بريف درعا",
        "text": "عادت الحياة إلى طبيعتها في مدينة جاسم بعد اتفاق بين وجهاء المدينة واللجنة الأمنية.",
        "links": ["https://t.me/daraa24/33163"],
        "published": "2023-12-20T15:12:08+03:00",
    }
    data = tmp_path / "data"
    result = run_monitor(
        "replay", str(write_lines(tmp_path / "in.jsonl", [first, later])), "--data-dir", str(data)
    )
    assert result.returncode == 0, result.stderr
    (title,) = set(thread_titles(data).values())
    assert title.startswith("عاجل | أجهزة النظام الأمنية")


def test_the_demo_reuses_one_folder_and_says_where_it_is(tmp_path):
    env = {"TMPDIR": str(tmp_path)}
    for _ in range(2):
        result = run_monitor("demo", "--show", "1", env=env)
        assert result.returncode == 0, result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["monitor-demo"]
    assert f"The demo's data is in {tmp_path / 'monitor-demo'}" in result.stdout
    mine = tmp_path / "other"
    mine.mkdir()
    (tmp_path / "monitor-demo").rename(mine / "kept")
    (tmp_path / "monitor-demo").mkdir()  # a folder of that name the demo did not make
    refused = run_monitor("demo", env=env)
    assert refused.returncode == 1 and "was not made by the demo" in refused.stderr


def test_a_gzipped_file_replays_as_the_lines_it_holds(tmp_path):
    packed = tmp_path / "in.jsonl.gz"
    packed.write_bytes(gzip.compress(b"".join(orjson.dumps(i) + b"\n" for i in MIXED_ZONES)))
    result = run_monitor("replay", str(packed), "--data-dir", str(tmp_path / "data"))
    assert result.returncode == 0, result.stderr
    assert "replayed 2 lines: 2 new posts" in result.stderr
