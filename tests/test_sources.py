"""sources.toml: the defaults load, and every problem of a bad file is named at once."""

from pathlib import Path

import pytest

from monitor.collect.sources import ConfigError, load_sources, parse_duration, parse_size

ROOT = Path(__file__).resolve().parents[1]


def test_default_sources_file_validates():
    sources = load_sources(ROOT / "sources.toml")
    names = {s.name for s in sources}
    assert {
        "daraa24-site",
        "daraa24-telegram",
        "daraa24-x",
        "horan-free-league",
        "suwayda24-telegram",
        "enab-baladi",
        "sohr",
    } <= names
    x = next(s for s in sources if s.name == "daraa24-x")
    assert (x.kind, x.platform, x.timezone, x.lang) == ("rss", "x", "Asia/Damascus", "ar")
    telegram = next(s for s in sources if s.name == "daraa24-telegram")
    assert telegram.platform == "telegram" and telegram.every_seconds == 600


def test_demo_sources_validate():
    text = (ROOT / "monitor/data/demo/sources.toml").read_text(encoding="utf-8")
    path = ROOT / "tests" / ".demo-sources.toml"
    try:
        path.write_text(text.replace("{{BASE}}", "http://127.0.0.1:1"), encoding="utf-8")
        assert {s.kind for s in load_sources(path)} == {"rss", "telegram", "html"}
    finally:
        path.unlink(missing_ok=True)


def test_every_problem_is_reported_with_source_and_field(tmp_path):
    path = tmp_path / "sources.toml"
    path.write_text(
        """
[[source]]
name = "a"
kind = "rss"

[[source]]
name = "a"
kind = "carrier-pigeon"
url = "https://example.org/feed"

[[source]]
name = "c"
kind = "html"
url = "file:///etc/passwd"
every = "soon"
[source.selectors]
links = "div["
title = "//h1["

[[source]]
name = "d"
kind = "telegram"
url = "https://t.me/s/daraa24"
max_pages = 0
colour = "blue"
""",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as info:
        load_sources(path)
    problems = "\n".join(info.value.problems)
    assert "source 'a': missing field 'url'" in problems
    assert "source 'a': duplicate name" in problems
    assert "unknown kind 'carrier-pigeon'" in problems
    assert "source 'c': field 'url': 'file:///etc/passwd' is not an http(s) URL" in problems
    assert "source 'c': field 'every'" in problems
    assert "source 'c': field 'selectors.links': bad selector" in problems
    assert "source 'c': field 'selectors.title': bad selector" in problems
    assert "source 'd': field 'max_pages'" in problems
    assert "source 'd': unknown field 'colour'" in problems
    assert all("\n" not in p for p in info.value.problems)


def test_broken_toml_is_one_problem(tmp_path):
    path = tmp_path / "sources.toml"
    path.write_text('[[source]\nname = "x"', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_sources(path)
    assert info.value.problems[0].startswith("not valid TOML")


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("90s", 90),
        ("10m", 600),
        ("2h", 7200),
        ("1d", 86400),
        (30, None),
        ("30", None),
        ("soon", None),
        ("0s", None),
    ],
)
def test_parse_duration(text, seconds):
    assert parse_duration(text) == seconds


def test_parse_size():
    assert parse_size("10MB") == 10 * 1024 * 1024
    assert parse_size("512kb") == 512 * 1024
    assert parse_size("lots") is None
