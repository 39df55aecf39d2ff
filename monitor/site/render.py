"""The Jinja2 environment: templates from `assets/`, every value escaped unless it is already
`Markup` (the rich text made in `richtext.py`)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

ASSETS = Path(__file__).resolve().parent / "assets"
# Copied into the output dir beside the pages; the templates are not.
STATIC = ("site.css", "site.js")


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(ASSETS),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["json_script"] = json_script
    return env


def render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)


def json_script(data: Any) -> Markup:
    """JSON to put inside `<script type="application/json">`: "<", ">" and "&" escaped, so no
    text in it can close the element (a post may well contain "</script>")."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    # U+2028 and U+2029 are valid in JSON and in modern JS, but not in every older parser.
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return Markup(text)
