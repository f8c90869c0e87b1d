"""Reading attributes from pages parsed with `multi_valued_attributes=None`, as every parse here is:
attribute values stay exactly as written, and space-separated lists are split the HTML way."""

from __future__ import annotations

import re

from bs4 import Tag

_HTML_SPACE_SEPARATED = re.compile(r"[^ \t\n\f\r]+")  # HTML splits on ASCII whitespace only


def class_names(el: Tag) -> list[str]:
    value = el.attrs.get("class")
    if isinstance(value, str):
        return _HTML_SPACE_SEPARATED.findall(value)
    return [str(v) for v in value or []]
