"""EngineConfig: every threshold and weight of the story engine in one documented, validated
place, set from a file or `--set`, its digest in runs.jsonl (see also test_crawl_e2e)."""

from __future__ import annotations

import json
import re
from dataclasses import fields
from pathlib import Path

import pytest

from monitor.story.config import (
    EngineConfig,
    EngineConfigError,
    docs,
    load_engine_config,
    parse_assignments,
)
from tests.conftest import DATA, ROOT, run_monitor

CORPUS = DATA / "stories" / "corpus.jsonl"


def test_every_setting_says_what_it_means_its_unit_and_range():
    for name, _default, unit_and_range, meaning in docs():
        assert re.fullmatch(r"[a-z]+\.[a-z_]+", name)
        assert len(meaning) > 20 and unit_and_range, name
    config = EngineConfig()
    for section in fields(config):
        for item in fields(getattr(config, section.name)):
            assert {"doc", "unit", "low", "high"} <= set(item.metadata), item.name


def test_the_readme_lists_every_setting():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [name for name, *_ in docs() if f"`{name}`" not in readme]
    assert not missing


def test_a_bad_configuration_is_refused_with_every_problem():
    with pytest.raises(EngineConfigError) as error:
        EngineConfig().with_values({"threads.join": 9.0, "copies.jaccard": -0.1})
    assert len(error.value.problems) == 2
    assert any(
        "threads.join" in problem and "out of range" in problem for problem in error.value.problems
    )
    with pytest.raises(EngineConfigError) as error:
        EngineConfig().with_values({"threads.nope": 1, "copies.bands": "many"})
    assert "unknown setting 'threads.nope'" in error.value.problems[0]
    assert "copies.bands: must be a number" in error.value.problems[1]
    with pytest.raises(EngineConfigError, match=r"exceeds copies\.num_perm"):
        EngineConfig().with_values({"copies.bands": 64, "copies.rows": 4})
    with pytest.raises(EngineConfigError, match="whole number"):
        EngineConfig().with_values({"threads.post_terms": 2.5})


def test_values_from_a_file_of_its_own_or_beside_the_sources(tmp_path):
    own = tmp_path / "engine.toml"
    own.write_text("[threads]\njoin = 0.25\n[copies]\njaccard = 0.6\n", encoding="utf-8")
    config = load_engine_config(own)
    assert (config.threads.join, config.copies.jaccard) == (0.25, 0.6)
    beside = tmp_path / "sources.toml"
    beside.write_text(
        '[engine.threads]\njoin = 0.25\n\n[[source]]\nname = "a"\nkind = "rss"\n'
        'url = "https://example.org/feed"\n',
        encoding="utf-8",
    )
    assert load_engine_config(beside).threads.join == 0.25
    assert (
        load_engine_config(beside).digest() == config.with_values({"copies.jaccard": 0.55}).digest()
    )


def test_the_digest_follows_every_setting():
    default = EngineConfig()
    assert default.digest() == EngineConfig().digest()
    assert (
        len(
            {
                default.with_values({name: value}).digest()
                for name, value in (
                    ("threads.join", 0.25),
                    ("copies.jaccard", 0.5),
                    ("links.same_publisher", False),
                )
            }
            | {default.digest()}
        )
        == 4
    )


def test_set_assignments_read_as_toml():
    assert parse_assignments(["threads.join=0.25", "links.same_publisher=false"]) == {
        "threads.join": 0.25,
        "links.same_publisher": False,
    }
    with pytest.raises(EngineConfigError):
        parse_assignments(["threads.join"])


def test_eval_tries_a_setting_without_editing_code():
    default = json.loads(run_monitor("eval", str(CORPUS), "--json").stdout)
    tried = run_monitor(
        "eval",
        str(CORPUS),
        "--json",
        "--set",
        "threads.join=0.6",
        "--set",
        "threads.join_short=0.6",
    )
    assert tried.returncode == 0, tried.stderr
    scores = json.loads(tried.stdout)
    assert scores["engine_config"] != default["engine_config"]
    assert scores["thread_recall"] < default["thread_recall"]  # a stricter join splits stories


@pytest.mark.parametrize(
    ("setting", "said"),
    [
        ("threads.nope=1", "unknown setting 'threads.nope'"),
        ("threads.join=lots", "threads.join: must be a number"),
        ("threads.join=7", "threads.join: 7.0 is out of range"),
    ],
)
def test_a_bad_setting_is_one_line_and_exit_2(setting, said):
    result = run_monitor("eval", str(CORPUS), "--set", setting)
    assert result.returncode == 2
    assert said in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_sources_validate_checks_the_engine_table(tmp_path: Path):
    sources = tmp_path / "sources.toml"
    sources.write_text(
        '[engine.threads]\njoin = "high"\n\n[[source]]\nname = "a"\nkind = "rss"\n'
        'url = "https://example.org/feed"\n',
        encoding="utf-8",
    )
    result = run_monitor("sources", "validate", "--sources", str(sources))
    assert result.returncode == 2
    assert "[engine] threads.join: must be a number" in result.stderr
