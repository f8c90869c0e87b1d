"""Just enough CSS to know what is hidden: inline declarations and plain rules in <style> elements.

Rules inside at-rules (@media, @supports) are skipped: without a viewport we cannot tell whether
they apply, and guessing "hidden" would turn a visible problem into a silent pass.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from bs4 import BeautifulSoup, Tag

from pipeline.extract.markup import class_names

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


_STRUCTURE = re.compile(r"[{};]")


def _top_level_rules(css: str) -> list[tuple[str, str]]:
    """(selector list, declaration block) for rules not nested in an at-rule."""
    css = _COMMENT.sub("", css)
    rules: list[tuple[str, str]] = []
    depth, start, prelude = 0, 0, ""
    for m in _STRUCTURE.finditer(css):  # only braces and semicolons matter; jump between them
        ch, i = m.group(), m.start()
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
        elif depth == 0:
            start = i + 1  # a statement at-rule such as @import
    return rules


# The properties the static checks read, in groups computed only when first asked for: whether
# something is hidden is asked of every page; position (off-screen) mostly of tables; type sizes
# only where inline spacing is forced. Rules that set none of them are never matched, which is most
# of a news site's stylesheet; asking for any other property is a programming error.
GROUPS = {
    "display": "hiding",
    "visibility": "hiding",
    "position": "position",
    "top": "position",
    "left": "position",
    "font-size": "text",
    "letter-spacing": "text",
    "word-spacing": "text",
    "line-height": "text",
}
PROPERTIES = frozenset(GROUPS)

_COMBINATOR = set(" \t\n\r\f>+~")
_NAME = re.compile(r"-?[_a-zA-Z][\w-]*")
_QUOTED = re.compile(r'"[^"]*"|\'[^\']*\'')
_ATTRIBUTE = re.compile(r"\s*(-?[_a-zA-Z][\w-]*)\s*[\]=~^$*]")

Key = tuple[str, str]


class Compound(NamedTuple):
    """One compound of a selector: the id, class, tag or attribute an element matching it must
    have (None when it needs none), and whether that element is an ancestor of the one the
    selector styles (false left of `+` and `~`)."""

    key: Key | None
    ancestor: bool


def _compounds(selector: str) -> list[Compound] | None:
    """The compounds of `selector`, left to right.

    Browsers index rules this way: the last compound's key turns "match every rule against every
    element" into a lookup, and a key no element of the page has rules the selector out at once.
    A compound without such a key (`*`, `:is(...)`) gives key None; a selector we cannot split
    safely (escapes, namespaces) gives None overall: match it against everything.
    """
    if "\\" in selector or "|" in selector:
        return None
    text = _QUOTED.sub('""', selector)
    # (the compound without its [...] and (...) parts, its first attribute, the combinator after it)
    found: list[tuple[str, str | None, str]] = []
    current: list[str] | None = None  # None between compounds
    attribute: str | None = None
    combinator = ""
    depth = 0
    for i, ch in enumerate(text):
        if depth == 0 and ch in _COMBINATOR:
            if current is not None:
                found.append(("".join(current), attribute, ""))
                current, attribute, combinator = None, None, ""
            combinator += ch
            continue
        if current is None:
            if found:
                found[-1] = (*found[-1][:2], combinator)
            current, combinator = [], ""
        if ch in "([":
            if ch == "[" and depth == 0 and attribute is None and (m := _ATTRIBUTE.match(text, i + 1)):
                attribute = m.group(1).lower()  # HTML attribute names are case-blind
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif depth == 0:
            current.append(ch)
    if current is not None:
        found.append(("".join(current), attribute, ""))
    return [Compound(_key(c, a), not ("+" in comb or "~" in comb)) for c, a, comb in found]


def _key(compound: str, attribute: str | None) -> Key | None:
    for marker, kind in (("#", "id"), (".", "class")):
        at = compound.find(marker)
        if at >= 0 and (name := _NAME.match(compound, at + 1)):
            return kind, name.group(0).lower()  # case-blind: quirks mode matches classes so
    name = _NAME.match(compound)
    if name:
        return "tag", name.group(0).lower()
    return ("attribute", attribute) if attribute else None


class StyleSheet:
    """Declarations that <style> rules set on each element, later rules winning (no specificity)."""

    def __init__(self, soup: BeautifulSoup, elements: list[Tag] | None = None) -> None:
        self._soup = soup
        self._elements = elements
        self._index: _ElementIndex | None = None
        self._groups: dict[str, dict[int, dict[str, str]]] = {}
        self._rules: list[tuple[str, dict[str, str]]] = []  # (selector list, tracked declarations)
        for style in soup.find_all("style"):
            for selectors, block in _top_level_rules(style.get_text()):
                decls = {k: v for k, v in declarations(block).items() if k in PROPERTIES}
                if decls:
                    self._rules.append((selectors, decls))

    @classmethod
    def from_page(cls, soup: BeautifulSoup, elements: list[Tag] | None = None) -> StyleSheet:
        return cls(soup, elements)

    @property
    def by_element(self) -> dict[int, dict[str, str]]:
        """Every tracked property of every styled element (computes all groups)."""
        out: dict[int, dict[str, str]] = {}
        for group in sorted(set(GROUPS.values())):
            for key, values in self._group(group).items():
                out.setdefault(key, {}).update(values)
        return out

    def value(self, el: Tag, prop: str) -> str | None:
        if prop not in GROUPS:
            raise ValueError(f"the stylesheet does not track {prop!r}; add it to css.GROUPS")
        found = self._group(GROUPS[prop]).get(id(el))
        return found.get(prop) if found else None

    def _group(self, group: str) -> dict[int, dict[str, str]]:
        if group not in self._groups:
            table: dict[int, dict[str, str]] = {}
            for selectors, decls in self._rules:
                mine = {k: v for k, v in decls.items() if GROUPS[k] == group}
                if mine:
                    for selector in selectors.split(","):
                        self._apply(table, selector.strip(), mine)
            self._groups[group] = table
        return self._groups[group]

    def _apply(self, table: dict[int, dict[str, str]], selector: str, decls: dict[str, str]) -> None:
        if not selector or "::" in selector or ":hover" in selector or ":focus" in selector:
            return
        if ":scope" in selector.lower():  # relative to the document, not to each candidate element
            try:
                matched = [el for el in self._soup.select(selector) if isinstance(el, Tag)]
            except Exception:
                return
            self._set(table, matched, decls)
            return
        if self._index is None:
            self._index = _ElementIndex(
                self._elements if self._elements is not None else list(self._soup.find_all(True))
            )
        index = self._index
        compounds = _compounds(selector)
        if compounds is not None and any(c.key is not None and c.key not in index.by for c in compounds):
            return  # some compound names a class, id, tag or attribute that no element has
        candidates = index.candidates(compounds[-1].key if compounds else None)
        # An element can match only if its ancestors have every key the selector asks of them:
        # one set lookup each rules out most candidates before the full matcher runs.
        needed = {c.key for c in (compounds or [])[:-1] if c.ancestor and c.key is not None}
        if needed and candidates:
            candidates = [el for el in candidates if needed <= index.ancestor_keys(el)]
        if not candidates:
            return
        simple = _SIMPLE.fullmatch(selector)
        if simple:  # tag, classes and id only: compared here, without soupsieve's general matcher
            tag, classes, ident = _simple_parts(simple.group(0))
            matched = [el for el in candidates if _has(el, tag, classes, ident)]
        else:
            try:
                compiled = self._soup.css.compile(selector)
            except Exception:  # soupsieve rejects selectors it does not support; they are skipped
                return
            matched = [el for el in candidates if compiled.match(el)]
        self._set(table, matched, decls)

    @staticmethod
    def _set(table: dict[int, dict[str, str]], matched: list[Tag], decls: dict[str, str]) -> None:
        for el in matched:
            current = table.setdefault(id(el), {})
            for prop, value in decls.items():
                if is_important(current.get(prop, "")) and not is_important(value):
                    continue
                current[prop] = value


_SIMPLE = re.compile(r"(?:[a-zA-Z][\w-]*|\*)?(?:[.#]-?[_a-zA-Z][\w-]*)*")
_SIMPLE_PART = re.compile(r"([.#]?)(-?[_a-zA-Z*][\w-]*|\*)")


def _simple_parts(selector: str) -> tuple[str | None, set[str], str | None]:
    tag, classes, ident = None, set(), None
    for marker, name in _SIMPLE_PART.findall(selector):
        if marker == ".":
            classes.add(name)
        elif marker == "#":
            ident = name if ident is None or ident == name else "\0"  # two ids: matches nothing
        elif name != "*":
            tag = name.lower()  # HTML tag names are case-blind; classes and ids are not
    return tag, classes, ident


def _has(el: Tag, tag: str | None, classes: set[str], ident: str | None) -> bool:
    if tag is not None and el.name != tag:
        return False
    if ident is not None and el.attrs.get("id") != ident:
        return False
    return not classes or classes <= set(class_names(el))


def _own_keys(el: Tag) -> list[Key]:
    attrs = el.attrs
    keys = [("tag", el.name)]
    ident = attrs.get("id")
    if isinstance(ident, str):
        keys.append(("id", ident.lower()))
    if "class" in attrs:
        keys += [("class", name.lower()) for name in class_names(el)]
    return keys + [("attribute", name.lower()) for name in attrs]


class _ElementIndex:
    def __init__(self, elements: list[Tag]) -> None:
        self.all = elements
        self.by: dict[Key, list[Tag]] = {}
        self._own = [_own_keys(el) for el in elements]
        for el, keys in zip(elements, self._own, strict=True):
            for key in set(keys):
                self.by.setdefault(key, []).append(el)
        self._above: dict[int, frozenset[Key]] | None = None

    def candidates(self, key: Key | None) -> list[Tag]:
        return self.all if key is None else self.by.get(key, [])

    def ancestor_keys(self, el: Tag) -> frozenset[Key]:
        """The keys of every ancestor of `el` (computed for the whole page on first use)."""
        if self._above is None:
            above: dict[int, frozenset[Key]] = {}
            inclusive: dict[int, frozenset[Key]] = {}
            empty: frozenset[Key] = frozenset()
            for item, own in zip(self.all, self._own, strict=True):  # document order: parents first
                mine = inclusive.get(id(item.parent), empty)
                above[id(item)] = mine
                inclusive[id(item)] = mine if mine.issuperset(own) else mine.union(own)
            self._above = above
        return self._above.get(id(el), frozenset())
