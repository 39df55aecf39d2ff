"""One canonical URL per post, whatever route reached it."""

import pytest

from monitor.normalize.urls import canonical_url, is_http_url, post_id, x_status_url

SAME_POST = [
    (
        "https://t.me/s/daraa24/33190",
        "https://t.me/daraa24/33190?single",
        "http://telegram.me/Daraa24/33190",
        "https://t.me/daraa24/33190?embed=1",
    ),
    (
        "https://twitter.com/Daraa24_24/status/1737099519245131836?ref_src=twsrc%5Etfw",
        "https://mobile.twitter.com/Daraa24_24/status/1737099519245131836",
        "https://x.com/daraa24_24/status/1737099519245131836?s=20&t=abc",
        "https://nitter.net/Daraa24_24/status/1737099519245131836#m",
        "https://x.com/i/status/1737099519245131836",
    ),
    (
        "https://www.enabbaladi.net/archives/683290?utm_source=rss&utm_medium=rss&utm_campaign=x",
        "https://enabbaladi.net/archives/683290/?fbclid=IwAR0abc",
        "http://www.enabbaladi.net/archives/683290#comments",
    ),
]


@pytest.mark.parametrize("routes", SAME_POST)
def test_one_post_reached_by_several_routes_has_one_id(routes):
    ids = {post_id(canonical_url(url)) for url in routes}
    assert len(ids) == 1, [canonical_url(url) for url in routes]


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("https://t.me/s/daraa24/33190", "https://t.me/daraa24/33190"),
        (
            "https://twitter.com/Daraa24_24/status/1737099519245131836?ref_src=twsrc%5Etfw",
            "https://x.com/Daraa24_24/status/1737099519245131836",
        ),
        (
            "https://daraa24.org/2023/12/19/جاسم/?utm_source=rss&utm_medium=rss",
            "https://daraa24.org/2023/12/19/%D8%AC%D8%A7%D8%B3%D9%85/",
        ),
        # A site's own search parameter is not tracking, even though X's `s=` is.
        (
            "https://suwayda24.com/?s=ساحة+الكرامة",
            "https://suwayda24.com/?s=%D8%B3%D8%A7%D8%AD%D8%A9+%D8%A7%D9%84%D9%83%D8%B1%D8%A7%D9%85%D8%A9",
        ),
        ("https://syriahr.com/?p=2&a=1", "https://syriahr.com/?a=1&p=2"),
    ],
)
def test_canonical_url(url, canonical):
    assert canonical_url(url) == canonical


def test_bridge_status_on_any_host_becomes_x():
    assert x_status_url("http://127.0.0.1:8123/Daraa24_24/status/1737099519245131836#m") == (
        "https://x.com/Daraa24_24/status/1737099519245131836"
    )
    assert x_status_url("https://nitter.net/Daraa24_24") is None


def test_different_posts_have_different_ids():
    assert post_id(canonical_url("https://t.me/daraa24/1")) != post_id(
        canonical_url("https://t.me/daraa24/2")
    )
    assert post_id(canonical_url("https://a.example/?p=1")) != post_id(
        canonical_url("https://a.example/?p=2")
    )


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://t.me/x", True),
        ("HTTP://A.B/", True),
        ("file:///etc/passwd", False),
        ("javascript:alert(1)", False),
        ("ftp://x/y", False),
        ("", False),
        (None, False),
    ],
)
def test_only_http_urls(url, ok):
    assert is_http_url(url) is ok
