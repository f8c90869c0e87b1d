"""Where a finding is: a CSS selector that finds the element again, and a short HTML snippet."""

from __future__ import annotations

import re
from itertools import islice

from bs4 import NavigableString, Tag

from pipeline.rules.accessibility.dom import Page, attr

EXCERPT_CHARS = 200
_PLAIN_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def selector(page: Page, el: Tag) -> str:
    """`#id` when the id is unique and plain, else a child path of `tag:nth-of-type(n)` steps."""
    steps: list[str] = []
    node: Tag | None = el
    while isinstance(node, Tag) and node.name != "[document]":
        ident = attr(node, "id")
        if ident and _PLAIN_ID.match(ident) and len(page.by_id.get(ident, [])) == 1:
            steps.append(f"#{ident}")
            break
        parent = node.parent
        if node.name in ("html", "head", "body") or not isinstance(parent, Tag):
            steps.append(node.name)
        else:
            same = [c for c in parent.children if isinstance(c, Tag) and c.name == node.name]
            # by identity: bs4 compares tags by their markup, so twin siblings would look alike
            position = next(i for i, c in enumerate(same) if c is node) + 1
            steps.append(node.name if len(same) == 1 else f"{node.name}:nth-of-type({position})")
        node = parent if isinstance(parent, Tag) else None
    return " > ".join(reversed(steps))


def excerpt(el: Tag, limit: int = EXCERPT_CHARS) -> str:
    """The element's opening tag and the start of its text, trimmed (never the whole page)."""
    attrs = "".join(
        f' {k}="{v}"' if v != "" else f" {k}"
        for k, v in ((k, " ".join(v) if isinstance(v, list) else str(v)) for k, v in el.attrs.items())
    )
    opening = f"<{el.name}{attrs}>"
    if el.name in ("html", "body", "head") or el.can_be_empty_element:
        return _trim(opening, limit)
    if len(list(islice(el.descendants, 31))) <= 30:  # small: the markup itself
        return _trim(re.sub(r"\s+", " ", str(el)).strip(), limit)
    text = "".join(islice((str(s) for s in el.descendants if isinstance(s, NavigableString)), 20))
    text = re.sub(r"\s+", " ", text).strip()
    inner = "…" if any(isinstance(c, Tag) for c in el.children) and not text else text
    return _trim(f"{opening}{inner}</{el.name}>", limit)


def _trim(snippet: str, limit: int) -> str:
    return snippet if len(snippet) <= limit else snippet[: limit - 1] + "…"
