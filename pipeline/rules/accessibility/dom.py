"""A parsed page with the facts the static checks share: visibility, roles, focus, accessible names.

Everything is computed from the markup alone (no layout engine): `hidden` and `inert` attributes,
inline `style` and simple `<style>` rules (`display: none`, `visibility: hidden`), and
`aria-hidden`. Browser mode covers what only a rendering engine can know.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from bs4 import BeautifulSoup, Comment, NavigableString, Tag
from bs4.element import CData, Declaration, Doctype, ProcessingInstruction

from pipeline.extract.soup import parse_html
from pipeline.rules.accessibility.aria import aria
from pipeline.rules.accessibility.css import StyleSheet, declarations
from pipeline.rules.accessibility.elements import BLOCK_ELEMENTS, IMPLICIT_ROLES, NOT_RENDERED, TEXT_INPUTS

_SPACE = re.compile(r"\s+")
_PROLOG = re.compile(r"^(\ufeff|\s+|<!--.*?-->|<\?.*?\?>|<!doctype[^>]*>)*", re.I | re.S)
_OFFSCREEN = re.compile(r"^-\d{3,}")
_IMPORTANT = re.compile(r"!\s*important\s*$")
_FIRST_TAG = re.compile(r"<([A-Za-z][A-Za-z0-9:-]*)")
_SKIPPED_STRINGS = (Comment, CData, Declaration, Doctype, ProcessingInstruction)
# Roles whose accessible name may be taken from their content (accname 1.2, step 2F).
_NAME_FROM_CONTENT = {r for r, spec in aria().roles.items() if spec.name_from == "contents"} | {
    "sectionhead",
    "legend",
    "caption",
    "label",
    "summary",
}


def text_of(value: str | None) -> str:
    return _SPACE.sub(" ", value or "").strip()


def attr(el: Tag, name: str) -> str | None:
    """An attribute as one string (bs4 gives lists for multi-valued attributes)."""
    value = el.attrs.get(name)
    if value is None or type(value) is str:
        return value
    return " ".join(value) if isinstance(value, list) else str(value)


def _own_svg(el: Tag) -> bool | None:
    return True if el.name == "svg" else None


def _own_inert(el: Tag) -> bool | None:
    return True if "inert" in el.attrs else None


def _own_aria_hidden(el: Tag) -> bool | None:
    return True if (attr(el, "aria-hidden") or "").strip().lower() == "true" else None


class Page:
    """The page's element tree and cached facts about each element."""

    def __init__(self, html: str, soup: BeautifulSoup | None = None) -> None:
        """`soup`: the same html already parsed with lxml (extraction's parse), reused read-only."""
        self.soup = soup if soup is not None else parse_html(html)
        # An SVG or MathML document is not an HTML page: page-level rules do not apply to it.
        first = _FIRST_TAG.match(html[_PROLOG.match(html[:100_000]).end() if html else 0 :][:200])  # type: ignore[union-attr]
        self.is_html_document = not (first and first.group(1).lower() in ("svg", "math"))
        self.elements: list[Tag] = list(self.soup.find_all(True))
        self.by_id: dict[str, list[Tag]] = {}
        self.by_tag: dict[str, list[Tag]] = {}
        self.labels_for: dict[str, list[Tag]] = {}
        for el in self.elements:
            self.by_tag.setdefault(el.name, []).append(el)
            ident = attr(el, "id")
            if ident is not None:
                self.by_id.setdefault(ident, []).append(el)
            if el.name == "label" and (target := attr(el, "for")):
                self.labels_for.setdefault(target, []).append(el)
        self.styles = StyleSheet.from_page(self.soup, self.elements)
        self.has_owns = any(el.has_attr("aria-owns") for el in self.elements)
        self._display: dict[int, bool] = {}
        self._visibility: dict[int, bool] = {}
        self._aria_hidden: dict[int, bool] = {}
        self._svg: dict[int, bool] = {}
        self._inert: dict[int, bool] = {}
        self._role: dict[int, str | None] = {}
        self._hidden: dict[int, bool] = {}
        self._excluded: dict[int, bool] = {}

    # --- lookup ---------------------------------------------------------------
    def element_by_id(self, ident: str) -> Tag | None:
        found = self.by_id.get(ident)
        return found[0] if found else None

    def idrefs(self, el: Tag, name: str) -> list[Tag]:
        return [t for i in (attr(el, name) or "").split() if (t := self.element_by_id(i)) is not None]

    def tags(self, *names: str) -> list[Tag]:
        """Elements with these tag names, in document order when one name is given."""
        if len(names) == 1:
            return self.by_tag.get(names[0], [])
        return [el for el in self.elements if el.name in names]

    def lang_root(self) -> Tag | None:
        html = self.soup.find("html")
        return html if isinstance(html, Tag) else None

    # --- style ------------------------------------------------------------------
    def style(self, el: Tag, prop: str) -> str | None:
        """The value of a CSS property set on the element (inline wins over <style> rules)."""
        text = attr(el, "style")
        inline = declarations(text) if text else {}
        value = inline[prop] if prop in inline else self.styles.value(el, prop)
        return _IMPORTANT.sub("", value).strip().lower() if value is not None else None

    def _inherited(self, el: Tag, cache: dict[int, bool], own: Callable[[Tag], bool | None]) -> bool:
        """A fact that descendants inherit: `own` says what an element sets (None: inherits).

        Walks up to the nearest cached ancestor and fills the cache on the way down, without
        recursion, so very deep pages neither overflow the stack nor repeat work.
        """
        known = cache.get(id(el))
        if known is not None:
            return known
        chain: list[Tag] = []
        node: object = el
        while isinstance(node, Tag) and id(node) not in cache:
            chain.append(node)
            node = node.parent
        value = cache[id(node)] if isinstance(node, Tag) else False
        for item in reversed(chain):
            mine = own(item)
            value = value if mine is None else mine
            cache[id(item)] = value
        return cache[id(el)]

    def _own_display_none(self, el: Tag) -> bool | None:
        none = (
            el.name in NOT_RENDERED
            or el.has_attr("hidden")
            or (self.style(el, "display") or "").startswith("none")
            or (el.name == "input" and (attr(el, "type") or "").lower() == "hidden")
        )
        return True if none else None  # display: none cannot be undone by a descendant

    def _own_visibility(self, el: Tag) -> bool | None:
        value = (self.style(el, "visibility") or "").lower()
        if value in ("hidden", "collapse"):
            return True
        return False if value == "visible" else None

    def is_hidden(self, el: Tag) -> bool:
        """Not rendered: display none, visibility hidden, `hidden`, or inside <head>."""
        known = self._hidden.get(id(el))
        if known is None:  # every check asks this of most elements: answer each once
            known = self._hidden[id(el)] = self._inherited(
                el, self._display, self._own_display_none
            ) or self._inherited(el, self._visibility, self._own_visibility)
        return known

    def in_svg(self, el: Tag) -> bool:
        """Inside an <svg> element (SVG content, not HTML)."""
        return self._inherited(el, self._svg, _own_svg) and el.name != "svg"

    def is_inert(self, el: Tag) -> bool:
        return self._inherited(el, self._inert, _own_inert)

    def is_offscreen(self, el: Tag) -> bool:
        """Positioned far off the page (the "visually hidden" pattern): in the tree, but not seen."""
        for node in [el, *self.ancestors(el)]:
            if (self.style(node, "position") or "") in ("absolute", "fixed") and any(
                _OFFSCREEN.match(self.style(node, side) or "") for side in ("top", "left")
            ):
                return True
        return False

    def is_excluded(self, el: Tag) -> bool:
        """Not in the accessibility tree: hidden, or inside aria-hidden="true"."""
        known = self._excluded.get(id(el))
        if known is None:
            known = self._excluded[id(el)] = self.is_hidden(el) or self._inherited(
                el, self._aria_hidden, _own_aria_hidden
            )
        return known

    def ancestors(self, el: Tag) -> Iterator[Tag]:
        parent = el.parent
        while isinstance(parent, Tag) and parent.name != "[document]":
            yield parent
            parent = parent.parent

    # --- focus ------------------------------------------------------------------
    def tabindex(self, el: Tag) -> int | None:
        raw = (attr(el, "tabindex") or "").strip()
        try:
            return int(raw)
        except ValueError:
            return None

    def natively_focusable(self, el: Tag) -> bool:
        name = el.name
        if name in ("a", "area") and el.has_attr("href"):
            return True
        if name in ("button", "select", "textarea") or (
            name == "input" and (attr(el, "type") or "").lower() != "hidden"
        ):
            return not self.is_disabled(el)
        if name in ("audio", "video") and el.has_attr("controls"):
            return True
        if name == "summary":
            parent = el.parent
            return isinstance(parent, Tag) and parent.name == "details" and parent.find("summary") is el
        editable = attr(el, "contenteditable")
        return editable is not None and editable.strip().lower() in ("", "true", "plaintext-only")

    def is_disabled(self, el: Tag) -> bool:
        if el.has_attr("disabled"):
            return True
        for anc in self.ancestors(el):
            if anc.name == "fieldset" and anc.has_attr("disabled"):
                legend = anc.find("legend")
                return not (isinstance(legend, Tag) and any(d is el for d in legend.descendants))
        return False

    def is_focusable(self, el: Tag) -> bool:
        if self.is_hidden(el) or self.is_inert(el):
            return False
        return self.natively_focusable(el) or self.tabindex(el) is not None

    def in_sequential_focus(self, el: Tag) -> bool:
        if not self.is_focusable(el):
            return False
        index = self.tabindex(el)
        return index >= 0 if index is not None else True

    # --- roles ------------------------------------------------------------------
    def explicit_role(self, el: Tag) -> str | None:
        """The first valid token of the role attribute (ARIA's fallback roles)."""
        for token in (attr(el, "role") or "").lower().split():
            if aria().valid_role(token):
                return token
        return None

    def role(self, el: Tag) -> str | None:
        key = id(el)
        if key not in self._role:
            role = self.explicit_role(el)
            if role in ("none", "presentation") and self._presentation_conflict(el):
                role = None  # the conflict resolution rule: the native role stays
            self._role[key] = role or self.implicit_role(el)
        return self._role[key]

    def _presentation_conflict(self, el: Tag) -> bool:
        globals_ = [
            a for a in el.attrs if a.startswith("aria-") and (s := aria().attributes.get(a)) and s.is_global
        ]
        return self.is_focusable(el) or bool(globals_)

    def implicit_role(self, el: Tag) -> str | None:  # noqa: PLR0911, PLR0912 (one branch per element)
        name = el.name
        kind = (attr(el, "type") or "").lower()
        if name in ("a", "area"):
            return "link" if el.has_attr("href") else None
        if name in ("h1", "h2", "h3", "h4", "h5", "h6"):
            return "heading"
        if name == "img":
            alt = attr(el, "alt")
            if (
                alt is not None
                and alt == ""
                and not el.has_attr("aria-label")
                and not el.has_attr("aria-labelledby")
            ):
                return "presentation"
            return "img"
        if name == "input":
            if kind in ("button", "image", "reset", "submit"):
                return "button"
            if kind in ("checkbox", "radio"):
                return kind
            if kind == "range":
                return "slider"
            if kind == "number":
                return "spinbutton"
            if kind == "hidden":
                return None
            if el.has_attr("list"):
                return "combobox"
            return "searchbox" if kind == "search" else "textbox"
        if name == "select":
            size = (attr(el, "size") or "").strip()
            multiple = el.has_attr("multiple") or (size.isdigit() and int(size) > 1)
            return "listbox" if multiple else "combobox"
        if name in ("header", "footer"):
            scoped = any(a.name in ("article", "aside", "main", "nav", "section") for a in self.ancestors(el))
            return None if scoped else ("banner" if name == "header" else "contentinfo")
        if name == "th":
            scope = (attr(el, "scope") or "").lower()
            if scope in ("row", "rowgroup"):
                return "rowheader"
            if scope in ("col", "colgroup"):
                return "columnheader"
            row = el.parent  # no scope: a header in a row of data cells labels that row
            has_data = isinstance(row, Tag) and row.find("td", recursive=False) is not None
            return "rowheader" if has_data else "columnheader"
        if name == "td":
            table = el.parent
            while isinstance(table, Tag) and table.name != "table":
                table = table.parent
            in_grid = isinstance(table, Tag) and self.explicit_role(table) in ("grid", "treegrid")
            return "gridcell" if in_grid else "cell"
        if name == "section":
            return "region" if el.has_attr("aria-label") or el.has_attr("aria-labelledby") else None
        if name == "li":
            parent = el.parent
            return "listitem" if isinstance(parent, Tag) and parent.name in ("ul", "ol", "menu") else None
        return IMPLICIT_ROLES.get(name)

    # --- accessible names ---------------------------------------------------------
    def name(self, el: Tag) -> str:
        """The accessible name (a practical subset of the accname 1.2 algorithm)."""
        try:
            return text_of(self._name(el, set(), referenced=False, recursing=False, hidden_ok=False))
        except RecursionError:  # absurdly deep markup inside a control: its visible text will do
            return self.visible_text(el)

    def referenced_name(self, el: Tag) -> str:
        """The text an element contributes when another element points at it with aria-labelledby."""
        try:
            return text_of(
                self._name(el, set(), referenced=True, recursing=True, hidden_ok=self.is_hidden(el))
            )
        except RecursionError:
            return text_of(el.get_text(" "))

    def _name(  # noqa: PLR0911, PLR0912
        self, el: Tag, seen: set[int], *, referenced: bool, recursing: bool, hidden_ok: bool
    ) -> str:
        """`hidden_ok`: inside a hidden element that aria-labelledby points at, hidden text counts."""
        if id(el) in seen:
            return ""
        seen.add(id(el))
        if recursing and not hidden_ok and not referenced and self.is_excluded(el):
            return ""  # hidden, or aria-hidden: not part of the name
        if not referenced:
            refs = self.idrefs(el, "aria-labelledby")
            if refs:
                joined = " ".join(
                    self._name(r, seen, referenced=True, recursing=True, hidden_ok=self.is_hidden(r))
                    for r in refs
                )
                if joined.strip():
                    return joined
        label = attr(el, "aria-label")
        if label and label.strip():
            return label
        role = self.role(el)
        if role in ("none", "presentation") and not recursing:
            return ""
        native = None if role in ("none", "presentation") else self._native_name(el, seen, hidden_ok)
        if native is not None and native.strip():
            return native
        if recursing and role in ("textbox", "searchbox") and el.name == "input":
            return attr(el, "value") or ""
        if recursing or referenced or (role or "") in _NAME_FROM_CONTENT or el.name in _NAME_FROM_CONTENT:
            content = self._content_name(el, seen, hidden_ok)
            if content.strip():
                return content
        title = attr(el, "title")
        if title and title.strip():
            return title
        if el.name in ("input", "textarea"):
            return attr(el, "placeholder") or ""
        return ""

    def _native_name(self, el: Tag, seen: set[int], hidden_ok: bool) -> str | None:  # noqa: PLR0911
        name = el.name
        kind = (attr(el, "type") or "").lower()
        if name in ("img", "area") or (name == "input" and kind == "image"):
            alt = attr(el, "alt")
            if alt is not None or name != "input":
                return alt
            return attr(el, "value")
        if name == "input" and kind in ("button", "submit", "reset"):
            value = attr(el, "value")
            if value is not None:
                return value
            return {"submit": "Submit", "reset": "Reset"}.get(kind, "")
        if name in ("input", "select", "textarea", "meter", "progress", "output", "button"):
            labels = self.labels(el)
            if labels:
                return " ".join(self._content_name(lb, seen, hidden_ok) for lb in labels)
            return None
        child_for = {
            "fieldset": "legend",
            "table": "caption",
            "figure": "figcaption",
            "svg": "title",
            "details": "summary",
        }
        if name in child_for:
            child = el.find(child_for[name], recursive=False)
            return self._content_name(child, seen, hidden_ok) if isinstance(child, Tag) else None
        return None

    def labels(self, el: Tag) -> list[Tag]:
        found: list[Tag] = []
        ident = attr(el, "id")
        if ident:
            found = list(self.labels_for.get(ident, []))
        wrapping = el.find_parent("label")
        if (
            isinstance(wrapping, Tag)
            and all(wrapping is not f for f in found)
            and not wrapping.has_attr("for")
        ):
            found.append(wrapping)
        return found

    def _content_name(self, el: Tag, seen: set[int], hidden_ok: bool) -> str:
        parts: list[str] = []
        for child in el.children:
            if isinstance(child, Tag):
                if child.name in ("script", "style", "template"):
                    continue
                sub = self._name(child, seen, referenced=False, recursing=True, hidden_ok=hidden_ok)
                parts.append(f" {sub} " if child.name in BLOCK_ELEMENTS else sub)
            elif isinstance(child, NavigableString) and not isinstance(child, _SKIPPED_STRINGS):
                parts.append(str(child))
        return "".join(parts)

    # --- text -----------------------------------------------------------------------
    def visible_text(self, el: Tag) -> str:
        """The text a sighted reader sees inside the element."""
        parts: list[str] = []
        for node in el.descendants:
            if isinstance(node, NavigableString) and not isinstance(node, _SKIPPED_STRINGS):
                parent = node.parent
                if isinstance(parent, Tag) and not self.is_hidden(parent):
                    parts.append(str(node))
        return text_of(" ".join(parts))


def is_text_input(el: Tag) -> bool:
    return el.name == "input" and (attr(el, "type") or "").lower() in TEXT_INPUTS
