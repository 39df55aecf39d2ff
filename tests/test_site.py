"""The analyst's site (`monitor report --out DIR`, `monitor.site.build_site`), read as HTML.

The data dirs are made by the real CLI: a crawl of the demo captures, a small replay whose
posts carry different offsets, and the real FIGNEWS posts.
"""

from __future__ import annotations

import gzip
import itertools
import json
import os
import shutil
from datetime import datetime
from pathlib import Path

import lxml.html
import pytest

from monitor.site import SiteError, build_site
from monitor.site.render import json_script
from monitor.site.richtext import rich_text, safe_url
from monitor.site.scan import search_fold
from tests.conftest import (
    DATA,
    DEMO,
    crawl,
    latest_by_id,
    read_jsonl,
    run_monitor,
    write_demo_sources,
)
from tests.test_crawl_e2e import MORNING_REPORT, SEED_TWEET

pytestmark = pytest.mark.slow


# Four posts of one story whose offsets differ (+03:00 and +00:00): sorted as strings they run
# C, B, A, D; as instants A (07:30Z), C (07:45Z), B (08:00Z), D (08:20Z). D is a copy of A, C
# (English) links to A, B replies to A. E is another story, nine days later.
NAWA = [
    {
        "source": "nawa-telegram",
        "platform": "telegram",
        "url": "https://t.me/nawa_news/101",
        "author": "نوى الآن",
        "author_handle": "nawa_news",
        "text": "عاجل | اشتباكات عنيفة بين مجموعات محلية في مدينة نوى بريف درعا الغربي منذ ساعات الصباح، وأنباء عن إصابات بين المدنيين",
        "published": "2024-03-01T10:30:00+03:00",
        "collected_at": "2024-03-01T10:40:00+00:00",
        "lang": "ar",
    },
    {
        "source": "nawa-web",
        "platform": "web",
        "url": "https://nawa.example/news/55",
        "title": "اشتباكات عنيفة في مدينة نوى",
        "text": "عاجل | اشتباكات عنيفة بين مجموعات محلية في مدينة نوى بريف درعا الغربي منذ ساعات الصباح، وأنباء عن إصابات بين المدنيين",
        "published": "2024-03-01T11:20:00+03:00",
        "collected_at": "2024-03-01T10:41:00+00:00",
        "lang": "ar",
    },
    {
        "source": "horan-x",
        "platform": "x",
        "url": "https://x.com/horan_en/status/1763500000000000001",
        "author": "Horan English",
        "author_handle": "horan_en",
        "text": "Clashes reported in Nawa, western Daraa countryside, this morning: https://t.me/nawa_news/101",
        "links": ["https://t.me/nawa_news/101"],
        "published": "2024-03-01T07:45:00+00:00",
        "collected_at": "2024-03-01T10:42:00+00:00",
        "lang": "en",
    },
    {
        "source": "nawa-telegram",
        "platform": "telegram",
        "url": "https://t.me/nawa_news/102",
        "author": "نوى الآن",
        "author_handle": "nawa_news",
        "text": "متابعة للخبر السابق: توقف الاشتباكات في مدينة نوى بعد تدخل وجهاء المنطقة، وحصيلة أولية بثلاثة جرحى",
        "reply_to_url": "https://t.me/nawa_news/101",
        "published": "2024-03-01T08:00:00+00:00",
        "collected_at": "2024-03-01T10:43:00+00:00",
        "lang": "ar",
    },
    {
        "source": "suwayda24-telegram",
        "platform": "telegram",
        "url": "https://t.me/suwayda24/9001",
        "author": "السويداء 24",
        "author_handle": "suwayda24",
        "text": "وقفة احتجاجية في ساحة الكرامة وسط مدينة السويداء للمطالبة بالإفراج عن المعتقلين",
        "published": "2024-03-10T12:00:00+03:00",
        "collected_at": "2024-03-10T09:05:00+00:00",
        "lang": "ar",
    },
]
# One more report of the Nawa story, replayed later: only its thread's page changes.
NAWA_LATER = {
    "source": "nawa-telegram",
    "platform": "telegram",
    "url": "https://t.me/nawa_news/103",
    "author": "نوى الآن",
    "author_handle": "nawa_news",
    "text": "تحديث: عودة الهدوء إلى مدينة نوى وفتح الطرقات بعد اشتباكات الصباح",
    "reply_to_url": "https://t.me/nawa_news/102",
    "published": "2024-03-01T12:30:00+03:00",
    "collected_at": "2024-03-01T10:50:00+00:00",
    "lang": "ar",
}


def write_jsonl(path: Path, items: list[dict]) -> Path:
    path.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), "utf-8")
    return path


def replay(data: Path, items: list[dict], name: str = "items.jsonl") -> None:
    result = run_monitor(
        "replay", str(write_jsonl(data.parent / name, items)), "--data-dir", str(data)
    )
    assert result.returncode == 0, result.stderr


def posts_of(data: Path) -> dict[str, dict]:
    return latest_by_id(read_jsonl(data / "export" / "posts.jsonl"))


def threads_of(data: Path) -> dict[str, dict]:
    threads: dict[str, dict] = {}
    for line in read_jsonl(data / "export" / "threads.jsonl"):
        threads[line["thread_id"]] = line
    return threads


def listed(data: Path) -> set[str]:
    """The threads a site lists: those that hold posts and did not merge."""
    holding = {p["thread_id"] for p in posts_of(data).values()}
    return {t for t, r in threads_of(data).items() if r["status"] != "merged" and t in holding}


def page(out: Path, thread_id: str):
    return lxml.html.parse(str(out / "threads" / f"{thread_id}.html")).getroot()


def timeline_ids(root) -> list[str]:
    return [li.get("id").removeprefix("post-") for li in root.xpath("//ol[@class='timeline']/li")]


def mtimes(out: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in (out / "threads").glob("*.html")}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo captures crawled once, and a site built from them."""
    from monitor.cli.localserver import CaptureServer

    tmp = tmp_path_factory.mktemp("site-demo")
    with CaptureServer(DEMO / "site") as server:
        sources = write_demo_sources(tmp / "sources.toml", server.base_url)
        result = crawl(sources, tmp / "data", server.base_url)
    assert result.returncode == 0, result.stderr
    out = tmp / "site"
    built = build_site(tmp / "data", out)
    posts = posts_of(tmp / "data")
    return {
        "data": tmp / "data",
        "out": out,
        "built": built,
        "posts": posts,
        "by_url": {p["url"]: p for p in posts.values()},
    }


@pytest.fixture(scope="module")
def nawa(tmp_path_factory):
    """The posts with mixed offsets replayed, and a site built from them."""
    tmp = tmp_path_factory.mktemp("site-nawa")
    replay(tmp / "data", NAWA)
    out = tmp / "site"
    built = build_site(tmp / "data", out)
    posts = posts_of(tmp / "data")
    return {"data": tmp / "data", "out": out, "built": built, "by_url": _by_url(posts)}


def _by_url(posts: dict[str, dict]) -> dict[str, dict]:
    return {p["url"]: p for p in posts.values()}


def test_every_listed_thread_has_a_page_and_a_row_in_the_index(demo):
    expected = listed(demo["data"])
    assert demo["built"].threads == len(expected) and demo["built"].written == len(expected)
    pages = {p.stem for p in (demo["out"] / "threads").glob("*.html")}
    assert pages == expected
    index = lxml.html.parse(str(demo["out"] / "index.html")).getroot()
    rows = [li.get("data-id") for li in index.xpath("//ol[@id='threads']/li")]
    assert set(rows) == expected and len(rows) == len(expected)
    # the most recently active first, and each links to its page
    last = [threads_of(demo["data"])[t]["last_seen"] for t in rows]
    assert [datetime.fromisoformat(x) for x in last] == sorted(
        (datetime.fromisoformat(x) for x in last), reverse=True
    )
    for tid in rows:
        assert index.xpath(f"//li[@data-id='{tid}']//h2/a/@href") == [f"threads/{tid}.html"]
    data = json.loads(index.get_element_by_id("thread-data").text)
    assert {d["id"] for d in data} == expected
    jasim = demo["by_url"][MORNING_REPORT]["thread_id"]
    row = next(d for d in data if d["id"] == jasim)
    assert "daraa/jasim" in row["places"] and "daraa" in row["places"]
    assert {"telegram", "x", "web"} <= set(row["platforms"])
    assert search_fold("إشتباكات") == search_fold("اشتباكات")


def test_copies_are_folded_under_their_original(demo):
    jasim = demo["by_url"][MORNING_REPORT]["thread_id"]
    root = page(demo["out"], jasim)
    entries = timeline_ids(root)
    copies = [p for p in demo["posts"].values() if p["thread_id"] == jasim and p["duplicate_of"]]
    assert copies
    for copy in copies:
        assert copy["id"] not in entries, copy["url"]
        holder = root.xpath(f"//li[@id='post-{copy['id']}']/ancestor::li[contains(@class,'post')]")
        assert [li.get("id") for li in holder] == [f"post-{copy['duplicate_of']}"]
        link = root.xpath(f"//li[@id='post-{copy['id']}']//a[@class='copy-link']")
        assert (
            link and link[0].get("href") == copy["url"] and copy["source"] in link[0].text_content()
        )
        block = holder[0].xpath(".//div[@class='copies']")[0]
        assert "Also reported by" in block.text_content()
    # every post of the thread is on the page once: an entry or a copy under one
    members = [p["id"] for p in demo["posts"].values() if p["thread_id"] == jasim]
    assert len(entries) + len(copies) == len(members)
    assert all(len(root.xpath(f"//*[@id='post-{pid}']")) == 1 for pid in members)


def test_a_follow_up_links_to_the_report_it_continues(demo):
    tweet, morning = demo["by_url"][SEED_TWEET], demo["by_url"][MORNING_REPORT]
    assert tweet["follows_up"] == morning["id"]
    root = page(demo["out"], tweet["thread_id"])
    entry = root.get_element_by_id(f"post-{tweet['id']}")
    link = entry.xpath(".//p[@class='follow']/a[@class='follows-up']")[0]
    assert link.get("href") == f"#post-{morning['id']}"
    follow = entry.xpath(".//p[@class='follow']")[0].text_content()
    assert "follow-up" in follow and "متابعة للخبر السابق" in follow
    # the target is on the page, before the follow-up
    entries = timeline_ids(root)
    assert entries.index(morning["id"]) < entries.index(tweet["id"])
    # why each post is in the thread, on demand
    summaries = entry.xpath(".//details[@class='evidence']/summary/text()")
    assert "Why in this thread" in summaries


def test_times_in_the_zone_named_utc_on_hover_and_sorted_by_instant(nawa):
    a, d, c, b, _ = (nawa["by_url"][item["url"]] for item in NAWA)
    by_string = sorted([a, b, c, d], key=lambda p: p["published_at"])
    assert [p["id"] for p in by_string] != [a["id"], c["id"], b["id"], d["id"]]
    root = page(nawa["out"], a["thread_id"])
    assert timeline_ids(root) == [a["id"], c["id"], b["id"]]  # D is a copy, under A
    assert root.xpath(f"//li[@id='post-{d['id']}']/ancestor::li/@id") == [f"post-{a['id']}"]
    shown = {
        li.get("id"): li.xpath("./div[@class='post-meta']//time")[0]
        for li in root.xpath("//ol[@class='timeline']/li")
    }
    time_a = shown[f"post-{a['id']}"]
    assert time_a.text == "1 Mar 2024 10:30 (Damascus)"
    assert time_a.get("title") == "2024-03-01 07:30 UTC"
    assert time_a.get("datetime") == "2024-03-01T07:30:00Z"
    assert shown[f"post-{c['id']}"].text == "1 Mar 2024 10:45 (Damascus)"
    assert shown[f"post-{b['id']}"].get("title") == "2024-03-01 08:00 UTC"
    copy_time = root.xpath(f"//li[@id='post-{d['id']}']//time")[0]
    assert copy_time.text == "1 Mar 2024 11:20 (Damascus)"
    # B replies to A: its link is an anchor on the page
    assert root.xpath(f"//li[@id='post-{b['id']}']//a[@class='follows-up']/@href") == [
        f"#post-{a['id']}"
    ]


def test_another_zone_is_named(nawa, tmp_path):
    a = nawa["by_url"][NAWA[0]["url"]]
    build_site(nawa["data"], tmp_path, tz="UTC")
    time_a = page(tmp_path, a["thread_id"]).xpath(f"//li[@id='post-{a['id']}']//time")[0]
    assert time_a.text == "1 Mar 2024 07:30 (UTC)"
    with pytest.raises(SiteError, match="time zone"):
        build_site(nawa["data"], tmp_path, tz="Mars/Olympus")


def test_arabic_blocks_run_right_to_left_and_english_left_to_right(nawa):
    a, c = nawa["by_url"][NAWA[0]["url"]], nawa["by_url"][NAWA[2]["url"]]
    root = page(nawa["out"], a["thread_id"])
    arabic = root.xpath(f"//li[@id='post-{a['id']}']/div[contains(@class,'text')]")[0]
    english = root.xpath(f"//li[@id='post-{c['id']}']/div[contains(@class,'text')]")[0]
    assert (arabic.get("dir"), arabic.get("lang")) == ("rtl", "ar")
    assert (english.get("dir"), english.get("lang")) == ("ltr", "en")
    assert root.getroottree().getroot().get("dir") == "ltr"  # the page's chrome is English
    # the URL inside the English text is a link, isolated; handles are isolated too
    assert english.xpath(".//bdi/a/@href") == ["https://t.me/nawa_news/101"]
    assert root.xpath(f"//li[@id='post-{a['id']}']//bdi[@class='handle']/text()") == ["@nawa_news"]


def test_a_second_build_writes_nothing_and_a_new_post_rewrites_only_its_thread(tmp_path):
    data, out = tmp_path / "data", tmp_path / "site"
    replay(data, NAWA)
    first = build_site(data, out)
    assert first.written == 2 and first.unchanged == 0
    before = mtimes(out)
    index_before = (out / "index.html").read_bytes()
    again = build_site(data, out)
    assert (again.written, again.unchanged) == (0, 2)
    assert mtimes(out) == before
    assert (out / "index.html").read_bytes() == index_before

    replay(data, [NAWA_LATER], "later.jsonl")
    nawa = posts_of(data)
    story = next(p["thread_id"] for p in nawa.values() if p["url"] == NAWA[0]["url"])
    later = next(p for p in nawa.values() if p["url"] == NAWA_LATER["url"])
    assert later["thread_id"] == story
    third = build_site(data, out)
    assert third.written_ids == (story,) and third.unchanged == 1
    after = mtimes(out)
    changed = {name for name in after if after[name] != before[name]}
    assert changed == {f"{story}.html"}
    assert f"post-{later['id']}" in (out / "threads" / f"{story}.html").read_text("utf-8")
    assert (out / "index.html").read_bytes() != index_before  # the index counts the new post


def test_since_and_thread_ids_limit_the_pages_written(nawa, tmp_path):
    story = nawa["by_url"][NAWA[0]["url"]]["thread_id"]
    other = nawa["by_url"][NAWA[4]["url"]]["thread_id"]
    out = tmp_path / "since"
    result = build_site(nawa["data"], out, since="2024-03-05T00:00:00+03:00")
    assert result.written_ids == (other,)
    assert not (out / "threads" / f"{story}.html").exists()
    # the index lists every thread; one without a page yet has no link
    index = lxml.html.parse(str(out / "index.html")).getroot()
    assert {li.get("data-id") for li in index.xpath("//ol[@id='threads']/li")} == {story, other}
    assert index.xpath(f"//li[@data-id='{story}']//h2/a") == []
    assert index.xpath(f"//li[@data-id='{other}']//h2/a/@href") == [f"threads/{other}.html"]

    out = tmp_path / "ids"
    assert build_site(nawa["data"], out, thread_ids=[story]).written_ids == (story,)
    assert build_site(nawa["data"], out, thread_ids=[story]).written == 0
    assert build_site(nawa["data"], out).written_ids == (other,)
    with pytest.raises(SiteError, match="no thread t0000000000000000"):
        build_site(nawa["data"], out, thread_ids=["t0000000000000000"])
    with pytest.raises(SiteError, match="ISO 8601"):
        build_site(nawa["data"], out, since="yesterday")
    with pytest.raises(SiteError, match="no store"):
        build_site(tmp_path / "nothing-here", out)


def test_a_page_whose_thread_is_gone_is_removed(nawa, tmp_path):
    out = tmp_path / "site"
    shutil.copytree(nawa["out"], out)
    manifest = json.loads((out / "site.json").read_text("utf-8"))
    manifest["threads"]["tfeedfacefeedface"] = {"revision": 1, "posts": "x", "build": "x"}
    (out / "site.json").write_text(json.dumps(manifest), "utf-8")
    (out / "threads" / "tfeedfacefeedface.html").write_text("old", "utf-8")
    result = build_site(nawa["data"], out)
    assert result.retired == 1 and result.written == 0
    assert not (out / "threads" / "tfeedfacefeedface.html").exists()
    assert "tfeedfacefeedface" not in (out / "site.json").read_text("utf-8")


def test_a_thread_that_merges_leaves_a_pointer_to_the_thread_it_joined(tmp_path):
    """Real articles (news-2013) replayed in two parts: threads of the first merge into
    others during the second. Their old pages point at the thread they joined."""
    with gzip.open(DATA / "stories" / "news-2013" / "sample.jsonl.gz") as handle:
        lines = list(itertools.islice(handle, 700))
    data, out = tmp_path / "data", tmp_path / "site"
    (tmp_path / "first.jsonl").write_bytes(b"".join(lines[:300]))
    (tmp_path / "second.jsonl").write_bytes(b"".join(lines[300:]))
    for part in ("first", "second"):
        result = run_monitor("replay", str(tmp_path / f"{part}.jsonl"), "--data-dir", str(data))
        assert result.returncode == 0, result.stderr
        if part == "first":
            build_site(data, out)
            had_page = {p.stem for p in (out / "threads").glob("*.html")}
    threads = threads_of(data)
    merged = {t for t in had_page if threads[t]["status"] == "merged"}
    assert merged, "no thread of the first 300 posts merged in the next 400: pick another cut"
    after = build_site(data, out)
    assert after.retired == len(merged)
    assert not merged & set(after.written_ids)
    index = (out / "index.html").read_text("utf-8")
    site = json.loads((out / "site.json").read_text("utf-8"))
    for tid in merged:
        into = threads[tid]["merged_into"]
        root = page(out, tid)
        assert root.xpath("//main//a/@href")[-1] == f"{into}.html"
        assert (out / "threads" / f"{into}.html").is_file()
        assert f'data-id="{tid}"' not in index
        assert site["threads"][tid]["merged_into"] == into
    assert build_site(data, out).retired == 0


def test_pages_load_nothing_from_the_network(demo, nawa):
    for out in (demo["out"], nawa["out"]):
        for path in [out / "index.html", *(out / "threads").glob("*.html")]:
            root = lxml.html.parse(str(path)).getroot()
            loads = root.xpath("//script/@src | //link/@href | //*[@src]/@src")
            assert loads and all(not u.lower().startswith(("http:", "https:", "//")) for u in loads)
            for ref in loads:
                assert (path.parent / ref).is_file(), (path, ref)


def test_real_news_posts_of_others_build_a_site(tmp_path):
    """FIGNEWS: 297 real Arabic news-outlet posts, replayed through the engine."""
    data, out = tmp_path / "data", tmp_path / "site"
    result = run_monitor(
        "replay", str(DATA / "stories" / "fignews-2024" / "sample.jsonl"), "--data-dir", str(data)
    )
    assert result.returncode == 0, result.stderr
    built = build_site(data, out)
    expected = listed(data)
    assert built.threads == len(expected) > 100
    assert {p.stem for p in (out / "threads").glob("*.html")} == expected
    index = lxml.html.parse(str(out / "index.html")).getroot()
    assert {li.get("data-id") for li in index.xpath("//ol[@id='threads']/li")} == expected
    for tid in sorted(expected)[:20]:
        root = page(out, tid)
        assert root.xpath("//div[contains(@class,'text')][@dir='rtl'][@lang='ar']")


def test_text_is_escaped_and_links_only_where_safe():
    html = str(rich_text('<script>alert("x")</script> https://a.example/x?y=1&z=2. @someone 10:30'))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert '<a href="https://a.example/x?y=1&amp;z=2" rel="noopener noreferrer">' in html
    assert '<bdi dir="ltr">@someone</bdi>' in html and '<bdi dir="ltr">10:30</bdi>' in html
    assert safe_url("javascript:alert(1)") is None and safe_url("HTTPS://a.example") is not None
    data = str(json_script({"t": "</script><!-- & \u2028"}))
    assert "</script>" not in data and "<!--" not in data and "&" not in data
    assert json.loads(data) == {"t": "</script><!-- & \u2028"}


def test_the_site_opens_from_any_directory(nawa, tmp_path):
    """Pages link each other and their assets relatively: a copy elsewhere works the same."""
    moved = tmp_path / "elsewhere" / "report"
    shutil.copytree(nawa["out"], moved)
    for path in [moved / "index.html", *(moved / "threads").glob("*.html")]:
        root = lxml.html.parse(str(path)).getroot()
        for href in root.xpath("//a/@href"):
            if href.startswith(("http:", "https:", "#")):
                continue
            target = href.split("#", 1)[0]
            assert (path.parent / target).is_file(), (path.name, href)
    assert os.path.isfile(moved / "assets" / "site.js")
