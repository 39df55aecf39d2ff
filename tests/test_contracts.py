"""The typed records (`monitor.contracts.items`) and the JSON Schemas that outside tools read
say the same: the same fields, the same required ones, and the same JSON types for each."""

from __future__ import annotations

import json
import types
import typing
from pathlib import Path
from typing import Any, Literal, get_args, get_origin, get_type_hints

import pytest

from monitor.contracts import items

SCHEMAS = Path(items.__file__).parent / "schema"

# where the typed record is wider than the exported one, and why
WIDER = {
    ("thread", "revision"): {"null"},  # None until the store numbers the revision
}


def json_types(annotation: Any) -> set[str]:
    """The JSON types a Python annotation allows."""
    if annotation is Any:
        return {"any"}
    if annotation is type(None):
        return {"null"}
    origin = get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return set().union(*(json_types(arg) for arg in get_args(annotation)))
    if origin is Literal:
        return set().union(*(json_types(type(value)) for value in get_args(annotation)))
    if origin is list or annotation is list:
        return {"array"}
    if origin is dict or annotation is dict:
        return {"object"}
    return {str: {"string"}, int: {"integer"}, float: {"number"}, bool: {"boolean"}}[annotation]


def schema_types(node: dict[str, Any], defs: dict[str, Any]) -> set[str]:
    """The JSON types a schema node allows, through `$ref`, `oneOf`, `anyOf`, `enum`, `const`."""
    if "$ref" in node:
        return schema_types(defs[node["$ref"].rsplit("/", 1)[1]], defs)
    for key in ("oneOf", "anyOf"):
        if key in node:
            return set().union(*(schema_types(option, defs) for option in node[key]))
    values = node.get("enum", [node["const"]] if "const" in node else None)
    if values is not None:
        return set().union(*(json_types(type(value)) for value in values))
    kind = node.get("type")
    if kind is None:
        return {"any"}
    return set(kind) if isinstance(kind, list) else {kind}


def schema(name: str) -> tuple[dict[str, Any], dict[str, Any]]:
    document = json.loads((SCHEMAS / f"{name}.schema.json").read_text())
    return document, document.get("$defs", {})


@pytest.mark.parametrize(
    ("name", "record"),
    [("post", items.PostRecord), ("thread", items.SnapshotThread)],
)
def test_the_typed_record_and_the_json_schema_agree(name, record):
    document, defs = schema(name)
    hints = get_type_hints(record)
    assert set(hints) == set(document["properties"])
    required = set(document.get("required", []))
    assert required == set(record.__required_keys__), name
    for field, annotation in hints.items():
        allowed = schema_types(document["properties"][field], defs)
        typed = json_types(annotation) - WIDER.get((name, field), set())
        assert typed == allowed, (name, field, typed, allowed)


def test_the_field_lists_follow_the_typed_records():
    assert tuple(get_type_hints(items.PostRecord)) == items.POST_FIELDS
    document, _ = schema("post")
    assert tuple(document["required"]) == items.POST_FIELDS  # the order records are written in
    assert items.RAW_REQUIRED == ("source", "platform", "url", "text")
    assert set(items.SNAPSHOT_THREAD_FIELDS) == set(get_type_hints(items.SnapshotThread))
    assert tuple(schema("post")[0]["properties"]["platform"]["enum"]) == items.PLATFORMS


def test_the_checker_sees_a_difference():
    """The comparison is not blind: a field typed wrongly is caught."""

    class Wrong(items.PostRecord):
        views: str  # type: ignore[misc]

    document, defs = schema("post")
    hints = get_type_hints(Wrong)
    assert json_types(hints["views"]) != schema_types(document["properties"]["views"], defs)
