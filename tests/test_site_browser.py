"""The analyst's site in a real browser (Chromium, headless, through Selenium): opened from
file://, filtered, followed into a thread, at a phone's width and a desktop's.

Screenshots are kept as test artefacts in tests/artifacts/ (not tracked), or in
$MONITOR_ARTIFACTS when it is set (the README's come from there).
"""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
    pytest.skip(
        "needs Debian's chromium and chromium-driver: apt-get install chromium chromium-driver",
        allow_module_level=True,
    )

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402

from monitor.normalize import matching  # noqa: E402
from monitor.site import build_site  # noqa: E402
from monitor.site.scan import search_fold  # noqa: E402
from tests.conftest import (  # noqa: E402
    DATA,
    DEMO,
    crawl,
    latest_by_id,
    read_jsonl,
    run_monitor,
    write_demo_sources,
)
from tests.test_crawl_e2e import MORNING_REPORT, SEED_TWEET  # noqa: E402

pytestmark = pytest.mark.slow

WIDTHS = (375, 1280)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The demo captures crawled, and the site built from them."""
    from monitor.cli.localserver import CaptureServer

    tmp = tmp_path_factory.mktemp("site-browser")
    with CaptureServer(DEMO / "site") as server:
        sources = write_demo_sources(tmp / "sources.toml", server.base_url)
        result = crawl(sources, tmp / "data", server.base_url)
    assert result.returncode == 0, result.stderr
    build_site(tmp / "data", tmp / "site")
    posts = latest_by_id(read_jsonl(tmp / "data" / "export" / "posts.jsonl"))
    threads: dict[str, dict] = {}
    for line in read_jsonl(tmp / "data" / "export" / "threads.jsonl"):
        threads[line["thread_id"]] = line
    return {
        "out": tmp / "site",
        "posts": posts,
        "by_url": {p["url"]: p for p in posts.values()},
        "threads": threads,
    }


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for the module; Selenium Manager is never asked for a driver."""
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"):
        options.add_argument(argument)
    options.add_argument("--disable-dev-shm-usage")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=str(CHROMEDRIVER)))
    driver.set_window_size(1280, 900)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def artifacts() -> Path:
    chosen = os.environ.get("MONITOR_ARTIFACTS")
    path = Path(chosen) if chosen else Path(__file__).parent / "artifacts"
    path.mkdir(parents=True, exist_ok=True)
    return path


def no_errors(driver) -> None:
    """Fails on any error the page's scripts (or the loading of its files) logged."""
    severe = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    assert severe == [], severe


def visible_threads(driver) -> list[str]:
    """The ids of the index's rows a reader sees (one round trip, not one a row: the real news
    sample lists thousands of threads)."""
    return driver.execute_script(
        "return [...document.querySelectorAll('#threads > li')]"
        ".filter(row => row.getClientRects().length > 0).map(row => row.dataset.id)"
    )


def test_filter_by_place_then_follow_the_jasim_thread(site, browser):
    jasim = site["by_url"][MORNING_REPORT]["thread_id"]
    browser.get((site["out"] / "index.html").as_uri())
    everything = visible_threads(browser)
    assert len(everything) == len(site["threads"]) > 2
    Select(browser.find_element(By.ID, "place")).select_by_value("daraa/jasim")
    shown = visible_threads(browser)
    naming = {t for t, r in site["threads"].items() if "daraa/jasim" in r["places"]}
    assert jasim in shown and set(shown) == naming and len(shown) < len(everything)
    assert browser.find_element(By.ID, "shown").text == f"{len(shown)} of {len(everything)} threads"
    no_errors(browser)

    browser.find_element(By.CSS_SELECTOR, f"li[data-id='{jasim}'] h2 a").click()
    assert browser.current_url.endswith(f"/threads/{jasim}.html")
    entries = browser.find_elements(By.CSS_SELECTOR, "ol.timeline > li")
    times = [
        li.find_element(By.CSS_SELECTOR, ".post-meta time").get_attribute("datetime")
        for li in entries
    ]
    assert len(times) > 3 and times == sorted(times)

    tweet, morning = site["by_url"][SEED_TWEET], site["by_url"][MORNING_REPORT]
    link = browser.find_element(By.CSS_SELECTOR, f"#post-{tweet['id']} p.follow a.follows-up")
    assert link.get_attribute("href").endswith(f"#post-{morning['id']}")
    link.click()
    assert browser.execute_script("return location.hash") == f"#post-{morning['id']}"
    assert browser.execute_script("return document.querySelector(':target').id") == (
        f"post-{morning['id']}"
    )

    ids = [li.get_attribute("id") for li in entries]
    copies = [p for p in site["posts"].values() if p["thread_id"] == jasim and p["duplicate_of"]]
    assert copies
    for copy in copies:
        assert f"post-{copy['id']}" not in ids
        folded = browser.find_element(
            By.CSS_SELECTOR, f"#post-{copy['duplicate_of']} .copies #post-{copy['id']}"
        )
        assert copy["source"] in folded.text
    no_errors(browser)


def test_search_folds_arabic_and_latin_like_the_engine(site, browser):
    browser.get((site["out"] / "index.html").as_uri())
    # every letter the engine folds, so that the page's copy of the rules cannot drift
    every_rule = "".join(letter for letter, _ in matching._FOLD) + "\u064b\u0650\u0670\u0640"
    samples = [
        "إشتباكات",
        "أجهزة النظام الأمنية تُخلي",
        "مدرســة",
        "ﺍﻟﻘﺎﻫﺮﺓ",
        "JASIM ٢٠٢٣",
        every_rule,
    ]
    for text in samples:
        assert browser.execute_script("return window.monitorFold(arguments[0])", text) == (
            search_fold(text)
        )
    jasim = site["by_url"][MORNING_REPORT]["thread_id"]
    box = browser.find_element(By.ID, "q")
    for query in ("اجهزه النظام", "JASIM", "تخلى"):
        box.clear()
        box.send_keys(query)
        shown = visible_threads(browser)
        assert jasim in shown, query
        assert len(shown) < len(site["threads"]), query
    box.clear()
    box.send_keys("zzzz-nothing")
    assert visible_threads(browser) == []
    assert browser.find_element(By.ID, "none").is_displayed()
    browser.find_element(By.CSS_SELECTOR, "#filters button[type=reset]").click()
    assert len(visible_threads(browser)) == len(site["threads"])
    no_errors(browser)


def test_no_horizontal_overflow_at_phone_and_desktop_widths(site, browser, artifacts):
    jasim = site["by_url"][MORNING_REPORT]["thread_id"]
    pages = {
        "index": site["out"] / "index.html",
        "thread": site["out"] / "threads" / f"{jasim}.html",
    }
    try:
        for width in WIDTHS:
            browser.set_window_size(width, 1000)
            for name, path in pages.items():
                browser.get(path.as_uri())
                inner = browser.execute_script("return window.innerWidth")
                scroll = browser.execute_script("return document.documentElement.scrollWidth")
                assert scroll <= inner, (name, width, scroll, inner)
                browser.save_screenshot(str(artifacts / f"report-{name}-{width}.png"))
                no_errors(browser)
    finally:
        browser.set_window_size(1280, 900)


@pytest.fixture(scope="module")
def real_news(tmp_path_factory):
    """The labelled real news sample (news-2013: 10,102 articles of 15 Arabic outlets, written
    by others) replayed, and the site built from it."""
    tmp = tmp_path_factory.mktemp("site-real-news")
    stream = tmp / "sample.jsonl"
    with gzip.open(DATA / "stories" / "news-2013" / "sample.jsonl.gz", "rb") as packed:
        stream.write_bytes(packed.read())
    result = run_monitor("replay", str(stream), "--data-dir", str(tmp / "data"))
    assert result.returncode == 0, result.stderr
    build_site(tmp / "data", tmp / "site")
    threads: dict[str, dict] = {}
    for line in read_jsonl(tmp / "data" / "export" / "threads.jsonl"):
        threads[line["thread_id"]] = line
    return {"out": tmp / "site", "threads": threads}


def test_the_real_news_sample_opens_filters_and_reads_in_order(real_news, browser, artifacts):
    listed = {t: r for t, r in real_news["threads"].items() if r["status"] != "merged"}
    browser.set_window_size(1280, 900)
    browser.get((real_news["out"] / "index.html").as_uri())
    assert len(visible_threads(browser)) == len(listed) > 1000
    no_errors(browser)
    place = max(
        {p for r in listed.values() for p in r["places"] if not p.startswith("~")},
        key=lambda p: sum(p in r["places"] for r in listed.values()),
    )
    Select(browser.find_element(By.ID, "place")).select_by_value(place)
    shown = visible_threads(browser)
    assert set(shown) == {t for t, r in listed.items() if place in r["places"]}
    box = browser.find_element(By.ID, "q")
    box.send_keys("القمة الإسلامية")  # the OIC summit in Cairo, 6–7 Feb 2013
    summit = visible_threads(browser)
    assert 0 < len(summit) <= len(shown)
    no_errors(browser)

    largest = max(listed, key=lambda t: listed[t]["post_count"])
    for width in WIDTHS:
        browser.set_window_size(width, 1000)
        browser.get((real_news["out"] / "threads" / f"{largest}.html").as_uri())
        times = [
            element.get_attribute("datetime")
            for element in browser.find_elements(
                By.CSS_SELECTOR, "ol.timeline > li > .post-meta time"
            )
        ]
        assert len(times) > 10 and times == sorted(times)
        inner = browser.execute_script("return window.innerWidth")
        assert browser.execute_script("return document.documentElement.scrollWidth") <= inner
        browser.save_screenshot(str(artifacts / f"report-real-news-{width}.png"))
        no_errors(browser)
    browser.set_window_size(1280, 900)
