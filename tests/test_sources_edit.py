"""`monitor sources add` / `validate`: a source is appended as a person would write it, the
rest of the file stays byte for byte, and a bad source or a bad file changes nothing."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

from monitor.collect.sources import ConfigError, load_sources
from monitor.collect.sources_edit import EXISTING, add_source, parse_selector_options, validate_file
from monitor.store import atomic

ROOT = Path(__file__).resolve().parents[1]

ENAB_URL = "https://www.enabbaladi.net/archives/category/مقالات/تقارير"
SELECTORS = {
    "links": "a[title='متابعة للخبر السابق']",
    "title": "h1.entry-title",
    "body": '//div[@class="entry-content"]//p',
    "date": "meta[property='article:published_time']",
}
APPENDED = """
[[source]]
name = "enab-baladi-reports"
kind = "html"
url = "https://www.enabbaladi.net/archives/category/مقالات/تقارير"
every = "2h"
max_pages = 2
lang = "ar"
[source.selectors]
links = "a[title='متابعة للخبر السابق']"
title = "h1.entry-title"
body = '//div[@class="entry-content"]//p'
date = "meta[property='article:published_time']"
"""


@pytest.fixture
def repo_copy(tmp_path: Path) -> Path:
    path = tmp_path / "sources.toml"
    shutil.copyfile(ROOT / "sources.toml", path)
    return path


def test_add_keeps_the_file_and_appends_a_table_as_written_by_hand(repo_copy):
    original = repo_copy.read_bytes()
    add_source(
        repo_copy,
        "enab-baladi-reports",
        "html",
        ENAB_URL,
        every="2h",
        selectors=SELECTORS,
        extra={"max_pages": 2, "lang": "ar"},
    )
    written = repo_copy.read_bytes()
    assert written.startswith(original)  # every line, comments and blank lines included
    assert written[len(original) :].decode("utf-8") == APPENDED  # Arabic as is, not \u escaped
    source = load_sources(repo_copy)[-1]
    assert (source.name, source.kind, source.url, source.platform) == (
        "enab-baladi-reports",
        "html",
        ENAB_URL,
        "web",
    )
    assert (source.every_seconds, source.max_pages, source.timezone) == (7200, 2, "Asia/Damascus")
    assert source.selectors == SELECTORS
    assert len(load_sources(repo_copy)) == len(load_sources(ROOT / "sources.toml")) + 1


def test_x_account_through_a_bridge(repo_copy):
    add_source(repo_copy, "suwayda24-x", "rss", "https://nitter.net/Suwayda24/rss", platform="x")
    source = load_sources(repo_copy)[-1]
    assert (source.kind, source.platform, source.every) == ("rss", "x", "30m")  # [defaults]


def test_a_duplicate_name_is_refused_and_the_file_left_as_it_was(repo_copy):
    original = repo_copy.read_bytes()
    with pytest.raises(ConfigError) as caught:
        add_source(repo_copy, "daraa24-telegram", "telegram", "https://t.me/s/daraa24_news")
    assert caught.value.problems == ["source 'daraa24-telegram': duplicate name (also source #2)"]
    assert repo_copy.read_bytes() == original
    assert list(repo_copy.parent.iterdir()) == [repo_copy]


def test_every_problem_of_the_new_source_at_once(repo_copy):
    original = repo_copy.read_bytes()
    with pytest.raises(ConfigError) as caught:
        add_source(
            repo_copy,
            "sohr",
            "carrier-pigeon",
            "file:///etc/passwd",
            every="كل ساعة",
            selectors={"links": "div[", "body": "//div[", "sidebar": "aside"},
        )
    problems = caught.value.problems
    expected = [
        "duplicate name",
        "field 'kind': unknown kind 'carrier-pigeon'",
        "field 'url': 'file:///etc/passwd' is not an http(s) URL",
        "field 'every': cannot read 'كل ساعة'",
        "field 'selectors.links': bad selector 'div['",
        "field 'selectors.body': bad selector '//div['",
        "field 'selectors.sidebar': unknown key",
    ]
    assert len(problems) == len(expected)
    for fragment, problem in zip(expected, problems, strict=True):
        assert problem.startswith("source 'sohr': ") and fragment in problem
    assert repo_copy.read_bytes() == original


def test_other_bad_values(tmp_path):
    path = tmp_path / "sources.toml"
    with pytest.raises(ConfigError) as caught:
        add_source(path, "a", "rss", "ftp://example.org/feed", extra={"lang": None, "url": "x"})
    assert caught.value.problems == [
        "source 'a': field 'url': 'ftp://example.org/feed' is not an http(s) URL",
        "source 'a': field 'url': give it as its own option, not in extra",
        "source 'a': field 'lang': TOML cannot hold None",
    ]
    with pytest.raises(ConfigError, match=r"selectors\.links': required for kind 'html'"):
        add_source(path, "b", "html", "https://example.org/")
    assert not path.exists()


def test_problems_already_in_the_file_are_named_and_refused(repo_copy):
    text = repo_copy.read_text(encoding="utf-8").replace('every = "1h"', 'every = "قريبا"')
    repo_copy.write_text(text, encoding="utf-8")
    original = repo_copy.read_bytes()
    with pytest.raises(ConfigError) as caught:
        add_source(repo_copy, "new", "telegram", "javascript:alert(1)")
    assert caught.value.problems == [
        EXISTING
        + "source 'sohr': field 'every': cannot read 'قريبا' (write e.g. '90s', '10m', '2h')",
        "source 'new': field 'url': 'javascript:alert(1)' is not an http(s) URL",
    ]
    assert repo_copy.read_bytes() == original


def test_a_file_that_is_not_toml_is_refused(tmp_path):
    path = tmp_path / "sources.toml"
    path.write_text('[[source]]\nname = "a"\nkind = \n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        add_source(path, "b", "telegram", "https://t.me/s/b")
    [problem] = caught.value.problems
    assert problem.startswith(EXISTING + "not valid TOML") and "line 3" in problem


def test_sources_written_as_an_inline_array_cannot_take_a_table(tmp_path):
    path = tmp_path / "sources.toml"
    path.write_text(
        'source = [{ name = "a", kind = "telegram", url = "https://t.me/s/a" }]\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match=r"cannot append a \[\[source\]\] table"):
        add_source(path, "b", "telegram", "https://t.me/s/b")


def test_a_missing_file_is_created(tmp_path):
    path = tmp_path / "sources.toml"
    add_source(path, "daraa24-telegram", "telegram", "https://t.me/s/daraa24", every="10m")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# ") and text.endswith(
        '\n\n[[source]]\nname = "daraa24-telegram"\nkind = "telegram"\n'
        'url = "https://t.me/s/daraa24"\nevery = "10m"\n'
    )
    [source] = load_sources(path)
    assert (source.name, source.platform, source.every_seconds) == (
        "daraa24-telegram",
        "telegram",
        600,
    )
    assert validate_file(path) == []


def test_a_missing_directory_is_not_created(tmp_path):
    path = tmp_path / "nowhere" / "sources.toml"
    with pytest.raises(ConfigError, match="not found"):
        add_source(path, "a", "telegram", "https://t.me/s/a")
    assert not path.parent.exists()


@pytest.mark.parametrize(
    "original",
    [
        "",
        "# درعا 24",
        '[[source]]\r\nname = "a"\r\nkind = "telegram"\r\nurl = "https://t.me/s/a"\r\n',
        '[[source]]\nname = "a"\nkind = "telegram"\nurl = "https://t.me/s/a"\n\n\n',
        '[[source]]\nname = "a"\nkind = "html"\nurl = "https://a.example/"\n'
        '[source.selectors]\nlinks = "h2 a"\n\n[defaults]\nlang = "ar"  # آخر سطر',
    ],
    ids=["empty", "comment-without-newline", "crlf", "blank-lines-at-end", "defaults-last"],
)
def test_appending_after_any_ending(tmp_path, original):
    path = tmp_path / "sources.toml"
    path.write_bytes(original.encode("utf-8"))
    add_source(path, "b", "telegram", "https://t.me/s/b")
    written = path.read_bytes().decode("utf-8")
    assert written.startswith(original)
    assert (written.count("\r\n") > 0) == ("\r\n" in original)  # the file's own line endings
    unix = written.replace("\r\n", "\n")
    table = '[[source]]\nname = "b"\nkind = "telegram"\nurl = "https://t.me/s/b"\n'
    assert unix.endswith(table)
    # A blank line above the new table, and no more than the file had already.
    before = unix.removesuffix(table)
    assert before == "" or before.endswith("\n\n")
    assert not before.endswith("\n\n\n") or original.endswith("\n\n\n")
    assert load_sources(path)[-1].name == "b"


def test_the_file_keeps_its_permissions(repo_copy):
    repo_copy.chmod(0o640)
    add_source(repo_copy, "new", "telegram", "https://t.me/s/new")
    assert stat.S_IMODE(repo_copy.stat().st_mode) == 0o640


def test_a_crash_before_the_rename_leaves_the_old_file_and_no_temp_file(repo_copy, monkeypatch):
    original = repo_copy.read_bytes()
    renames = []

    def crash(src, dst):
        renames.append((Path(src), Path(dst)))
        assert Path(src).read_bytes().startswith(original)  # the whole new file, beside it
        raise OSError("disk gone")

    monkeypatch.setattr(atomic.os, "replace", crash)
    with pytest.raises(OSError, match="disk gone"):
        add_source(repo_copy, "new", "telegram", "https://t.me/s/new")
    [(src, dst)] = renames
    assert src.parent == dst.parent == repo_copy.parent and src != dst == repo_copy
    assert repo_copy.read_bytes() == original
    assert list(repo_copy.parent.iterdir()) == [repo_copy]


def test_validate_the_repo_file():
    assert validate_file(ROOT / "sources.toml") == []


def test_validate_a_broken_file(tmp_path):
    path = tmp_path / "sources.toml"
    path.write_text('[defaults]\nlang = "ar"\n\n[[source]\nname = "a"\n', encoding="utf-8")
    [problem] = validate_file(path)
    assert "not valid TOML" in problem and "line 4" in problem


def test_validate_lists_every_problem(tmp_path):
    path = tmp_path / "sources.toml"
    path.write_text(
        '[[source]]\nname = "a"\nkind = "rss"\n\n[[source]]\nname = "a"\nkind = "x"\nurl = "https://a.example/"\n',
        encoding="utf-8",
    )
    assert validate_file(path) == [
        "source 'a': missing field 'url'",
        "source 'a': duplicate name (also source #1)",
        "source 'a': field 'kind': unknown kind 'x' (expected one of rss, telegram, html)",
    ]


def test_validate_a_missing_or_unreadable_file(tmp_path):
    assert validate_file(tmp_path / "sources.toml") == ["file not found"]
    assert validate_file(tmp_path) == [f"cannot read: {os.strerror(21)}"]


def test_selector_options():
    assert parse_selector_options(
        ["links=a[rel=bookmark]", " title = h1.عنوان ", "date=//time/@datetime"]
    ) == {"links": "a[rel=bookmark]", "title": "h1.عنوان", "date": "//time/@datetime"}
    assert parse_selector_options([]) == {}


def test_bad_selector_options_are_all_named():
    with pytest.raises(ConfigError) as caught:
        parse_selector_options(["h2 a", "sidebar=aside", "links=a", "links=b"])
    assert caught.value.path == "--selector"
    assert caught.value.problems == [
        "'h2 a': expected KEY=SELECTOR, e.g. 'links=h2 a'",
        "'sidebar=aside': unknown key 'sidebar' (expected links, next_page, title, body, date, author)",
        "'links=b': key 'links' given twice",
    ]


def test_a_symlinked_file_stays_a_symlink(repo_copy):
    link = repo_copy.with_name("link.toml")
    link.symlink_to(repo_copy.name)
    add_source(link, "new", "telegram", "https://t.me/s/new")
    assert link.is_symlink() and load_sources(repo_copy)[-1].name == "new"
