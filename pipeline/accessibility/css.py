"""Just enough CSS to know what is hidden: inline declarations and plain rules in <style> elements.

Rules inside at-rules (@media, @supports) are skipped: without a viewport we cannot tell whether
they apply, and guessing "hidden" would turn a visible problem into a silent pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bs4 import BeautifulSoup, Tag

_COMMENT = re.compile(r"/\*.*?\*/", re.S)


def declarations(text: str) -> dict[str, str]:
    """`a: b; c: d !important` -> {"a": "b", "c": "d !important"}: the cascaded value of each property
    (an !important declaration beats a normal one; otherwise the last one wins)."""
    out: dict[str, str] = {}
    for part in _COMMENT.sub("", text).split(";"):
        prop, sep, value = part.partition(":")
        name, value = prop.strip().lower(), value.strip()
        if not sep or not name:
            continue
        if is_important(out.get(name, "")) and not is_important(value):
            continue
        out[name] = value
    return out


def is_important(value: str) -> bool:
    return bool(re.search(r"!\s*important\s*$", value, re.I))


def _top_level_rules(css: str) -> list[tuple[str, str]]:
    """(selector list, declaration block) for rules not nested in an at-rule."""
    css = _COMMENT.sub("", css)
    rules: list[tuple[str, str]] = []
    depth, start, prelude = 0, 0, ""
    for i, ch in enumerate(css):
        if ch == "{":
            if depth == 0:
                prelude = css[start:i].strip()
                start = i + 1
            depth += 1
        elif ch == "}":
            depth = max(0, depth - 1)
            if depth == 0:
                if prelude and not prelude.startswith("@"):
                    rules.append((prelude, css[start:i]))
                start = i + 1
        elif ch == ";" and depth == 0:
            start = i + 1  # a statement at-rule such as @import
    return rules


@dataclass
class StyleSheet:
    """Declarations that <style> rules set on each element, later rules winning."""

    by_element: dict[int, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def from_page(cls, soup: BeautifulSoup) -> StyleSheet:
        sheet = cls()
        for style in soup.find_all("style"):
            for selectors, block in _top_level_rules(style.get_text()):
                decls = declarations(block)
                if not decls:
                    continue
                for selector in selectors.split(","):
                    sheet._apply(soup, selector.strip(), decls)
        return sheet

    def _apply(self, soup: BeautifulSoup, selector: str, decls: dict[str, str]) -> None:
        if not selector or "::" in selector or ":hover" in selector or ":focus" in selector:
            return
        try:
            matched = soup.select(selector)
        except Exception:  # soupsieve rejects selectors it does not support; they are skipped
            return
        for el in matched:
            if isinstance(el, Tag):
                current = self.by_element.setdefault(id(el), {})
                for prop, value in decls.items():
                    if is_important(current.get(prop, "")) and not is_important(value):
                        continue
                    current[prop] = value

    def value(self, el: Tag, prop: str) -> str | None:
        found = self.by_element.get(id(el))
        return found.get(prop) if found else None
