"""Feeds into raw items: Arabic site feeds, X through a Nitter bridge, and feedparser's corpus."""

import re
from pathlib import Path

import feedparser
import pytest

from monitor.collect.parsers.feed import parse_feed
from monitor.normalize.posts import normalize

DATA = Path(__file__).parent / "data"
CORPUS = sorted((DATA / "feedparser-tests").rglob("*.xml"))
_HEADER = re.compile(rb"^Header:\s*(.+?)\s*$", re.MULTILINE)


def corpus_headers(body: bytes) -> dict[str, str]:
    """feedparser's corpus puts the HTTP headers a file must be served with in a comment."""
    headers = {}
    for line in _HEADER.findall(body[:2000]):
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip()] = value.strip()
    return headers


def test_x_through_nitter_bridge():
    page = parse_feed(
        (DATA / "rss/nitter-daraa24.xml").read_bytes(),
        "https://nitter.net/Daraa24_24/rss",
        platform="x",
    )
    follow_up, retweet = page.items
    assert follow_up["url"] == "https://x.com/Daraa24_24/status/1737099519245131836"
    assert follow_up["author"] == "Daraa 24 – 24 درعا"
    assert follow_up["author_handle"] == "Daraa24_24"
    assert follow_up["text"].startswith("متابعة للخبر السابق:\nانسحاب الجيش من مدينة جاسم")
    assert follow_up["media"] == [
        {"type": "photo", "url": "https://pbs.twimg.com/media/GBsK1xbXcAA7Qz1.jpg"}
    ]
    assert "links" not in follow_up  # the bridge's own hashtag searches are not links
    assert retweet["author_handle"] == "HoranFree" and "author" not in retweet
    record = normalize({**follow_up, "source": "daraa24-x"})
    assert record["hashtags"] == ["جاسم", "الجيش", "الفصائل_المحلية"]
    assert record["published_at"] == "2023-12-19T13:16:13+00:00"  # the offset as published
    assert record["lang"] == "ar"


def test_broken_xml_keeps_the_good_items():
    page = parse_feed(
        (DATA / "rss/broken-arabic.xml").read_bytes(),
        "https://www.ahrarhoran.net/feed/",
        {"Content-Type": "application/rss+xml"},
    )
    assert page.problem and "not well-formed" in page.problem
    titles = [item["title"] for item in page.items]
    assert titles[0] == "مقتل شاب برصاص مجهولين في مدينة طفس"
    assert "إطلاق سراح ٤ معتقلين من أبناء بلدة داعل" in titles
    dael = normalize({**page.items[-1], "source": "horan", "timezone": "Asia/Damascus"})
    assert dael["published_at"] == "2023-12-20T10:30:00+03:00"
    assert dael["published_raw"] == "الأربعاء، 20 كانون الأول 2023 10:30"
    tafas = normalize({**page.items[0], "source": "horan"})
    assert tafas["url"] == "https://www.ahrarhoran.net/2023/12/18/tafas/"
    assert tafas["text"] == "قُتِلَ شاب برصاص مجهولين في مدينة طفس بريف درعا الغربي…"


def test_not_a_feed():
    page = parse_feed(
        b"<html><body><h1>502 Bad Gateway</h1></body></html>", "https://a.example/feed"
    )
    assert page.items == [] and page.problem


@pytest.mark.parametrize(
    "path", CORPUS, ids=lambda p: str(p.relative_to(DATA / "feedparser-tests"))
)
def test_every_corpus_feed_parses_and_keeps_every_linked_entry(path):
    body = path.read_bytes()
    headers = corpus_headers(body)
    page = parse_feed(body, "http://127.0.0.1/feed.xml", headers)
    entries = feedparser.parse(
        body, response_headers={k.lower(): v for k, v in headers.items()}
    ).entries
    assert len(page.items) + page.skipped == len(entries)
    for item in page.items:
        assert item["url"].startswith("http")
        assert isinstance(item["text"], str) and "<script" not in item["text"].lower()
        normalize({**item, "source": "corpus"})
