"""Walking the parsed page into candidate text blocks, in reading order, each with its element.

The walk never changes the tree, so a block's CSS selector still points at the same element when
the raw page is parsed again (by the report, or by an accessibility check).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from bs4 import BeautifulSoup, NavigableString, PageElement, Tag
from bs4.element import PreformattedString

from pipeline.extract.markup import class_names
from pipeline.language.sentences import clean
from pipeline.model import BlockKind

# Never article text, and never shown as text.
SKIP_TAGS = frozenset(
    {
        "script", "style", "noscript", "template", "svg", "math", "canvas", "iframe", "object",
        "embed", "video", "audio", "map", "head", "title", "meta", "link", "select", "option",
        "optgroup", "textarea", "input", "button", "datalist", "output", "progress", "meter",
        "dialog", "img", "picture", "source", "track", "area", "param",
    }
)
BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "center", "dd", "details", "dir",
        "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3",
        "h4", "h5", "h6", "header", "hgroup", "hr", "html", "li", "main", "menu", "nav", "ol", "p",
        "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
        "caption", "legend", "frameset", "frame", "noframes",
    }
)
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
# Containers whose own text runs are of a given kind; blocks nested inside inherit it.
_CONTAINER_KIND: dict[str, BlockKind] = {"li": "list_item", "td": "table_cell", "th": "table_cell"}
_HIDDEN_CLASSES = frozenset(
    {
        "hidden", "hide", "is-hidden", "u-hidden", "d-none", "visually-hidden", "visuallyhidden",
        "sr-only", "screen-reader-text", "screenreader-only", "nhsuk-u-visually-hidden",
        "govuk-visually-hidden", "element-invisible", "offscreen", "a11y-hidden",
    }
)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_CSS_IDENT = re.compile(r"^[A-Za-z_][\w-]*$")


@dataclass
class Candidate:
    """One block of text on the page, before deciding whether it is article or boilerplate."""

    index: int
    kind: BlockKind
    text: str
    element: Tag  # the element the text comes from (the container, for loose text)
    level: int | None = None
    link_chars: int = 0
    ancestors: tuple[Tag, ...] = ()  # outermost first, ending with `element`'s parent
    callout: Tag | None = None  # the callout box this block sits in, if any

    @property
    def words(self) -> int:
        return len(self.text.split())

    @property
    def link_density(self) -> float:
        return self.link_chars / max(1, len(self.text))


@dataclass
class _Run:
    """Inline content (text and inline elements) between two blocks of the same container."""

    pieces: list[str] = field(default_factory=list)
    link_chars: int = 0

    def add(self, text: str, link_chars: int = 0) -> None:
        self.pieces.append(text)
        self.link_chars += link_chars


def is_hidden(el: Tag) -> bool:
    if el.has_attr("hidden"):
        return True
    if el.get("aria-hidden") == "true" and not el.find(string=True):
        return True
    classes = class_names(el)
    if any(c.lower() in _HIDDEN_CLASSES for c in classes):
        return True
    style = el.get("style")
    return bool(style and _HIDDEN_STYLE.search(str(style)))


def _contains_block(el: Tag) -> bool:
    # A plain scan: BeautifulSoup's find() builds a matcher for the tag set on every call.
    return any(isinstance(d, Tag) and d.name in BLOCK_TAGS for d in el.descendants)


def inline_text(el: PageElement) -> tuple[str, int]:
    """Text of an inline element, and how many of its characters are inside links.

    Unlike `get_text(" ")`, no space is inserted between adjacent inline pieces, so "un<b>well</b>"
    stays one word; line breaks and nested blocks become white space.
    """
    if isinstance(el, NavigableString):
        return ("" if isinstance(el, PreformattedString) else str(el)), 0
    if not isinstance(el, Tag):
        return "", 0
    if el.name == "br":
        return "\n", 0
    if el.name in SKIP_TAGS or is_hidden(el):
        return (" " if el.name in BLOCK_TAGS else ""), 0  # a hidden block still separates words
    parts: list[str] = []
    links = 0
    for child in el.children:
        text, lc = inline_text(child)
        parts.append(text)
        links += lc
    text = "".join(parts)
    if el.name in BLOCK_TAGS:
        text = f" {text} "
    if el.name == "a" and el.has_attr("href"):
        links = len(clean(text))
    return text, links


class Walker:
    """Turns a parsed page into candidate blocks in reading order."""

    def __init__(self) -> None:
        self.candidates: list[Candidate] = []

    def walk(self, root: Tag) -> list[Candidate]:
        self._visit(root, (), None, None)
        return self.candidates

    def _emit(
        self,
        kind: BlockKind,
        text: str,
        el: Tag,
        ancestors: tuple[Tag, ...],
        callout: Tag | None,
        *,
        level: int | None = None,
        link_chars: int = 0,
    ) -> None:
        for segment in _paragraph_breaks(text):
            cleaned = clean(segment)
            if not cleaned or not any(ch.isalnum() for ch in cleaned):
                continue
            self.candidates.append(
                Candidate(
                    index=len(self.candidates),
                    kind=kind,
                    text=cleaned,
                    element=el,
                    level=level,
                    link_chars=min(link_chars, len(cleaned)),
                    ancestors=ancestors,
                    callout=callout,
                )
            )

    def _visit(self, el: Tag, ancestors: tuple[Tag, ...], kind: BlockKind | None, callout: Tag | None) -> None:
        """Visit a container: its inline runs become blocks of `kind` (paragraph by default)."""
        here = (*ancestors, el)
        run = _Run()
        run_kind: BlockKind = "callout" if callout is not None else (kind or "paragraph")

        def flush() -> None:
            nonlocal run
            text = "".join(run.pieces)
            if text.strip():
                self._emit(run_kind, text, el, ancestors, callout, link_chars=run.link_chars)
            run = _Run()

        for child in el.children:
            if isinstance(child, NavigableString):
                if not isinstance(child, PreformattedString):
                    run.add(str(child))
                continue
            if not isinstance(child, Tag):
                continue
            name = child.name
            if name in SKIP_TAGS or is_hidden(child):
                if name in BLOCK_TAGS:
                    flush()  # a hidden block still ends the line of text before it
                continue
            if name not in BLOCK_TAGS and not _contains_block(child):
                text, links = inline_text(child)
                run.add(text, links)
                continue
            flush()
            self._block(child, here, kind, callout)
        flush()

    def _block(self, el: Tag, ancestors: tuple[Tag, ...], kind: BlockKind | None, callout: Tag | None) -> None:
        name = el.name
        if name in HEADINGS:
            text, links = inline_text(el)
            self._emit("heading", text.replace("\n", " "), el, ancestors, callout, level=HEADINGS[name],
                       link_chars=links)
            return
        if el.get("role") == "heading" and not _contains_block(el):
            level = el.get("aria-level")
            text, links = inline_text(el)
            lvl = int(str(level)) if level and str(level).isdigit() else 2
            self._emit("heading", text, el, ancestors, callout, level=min(6, max(1, lvl)), link_chars=links)
            return
        if name == "hr":
            return
        inner_callout = el if callout is None and is_callout(el) else callout
        inner_kind = _CONTAINER_KIND.get(name, kind)
        if name in ("li", "td", "th") or inner_callout is not callout:
            # A list item or cell holding paragraphs is still a list item or cell.
            self._visit(el, ancestors, inner_kind, inner_callout)
            return
        if name == "pre":
            text, links = inline_text(el)
            self._emit(kind or "paragraph", text, el, ancestors, callout, link_chars=links)
            return
        self._visit(el, ancestors, inner_kind, inner_callout)


_CALLOUT_HINT = re.compile(
    r"(^|[-_])(callout|call-out|alert|warning|notice|inset|care-card|carecard|important|"
    r"emergency|urgent|key-?points?|keyfacts|key-facts|info-?box|highlight-?box|tip-?box|"
    r"admonition|panel-(?:info|warning|danger))([-_]|$)",
    re.I,
)


def is_callout(el: Tag) -> bool:
    """A box set apart from the running text: a warning, an inset, a 'call 999' panel."""
    if el.name == "blockquote":
        return True
    role = str(el.get("role") or "").lower()
    if role in ("alert", "note"):
        return True
    hints = class_names(el)
    return any(_CALLOUT_HINT.search(h) for h in hints)


def _paragraph_breaks(text: str) -> list[str]:
    """Split at blank lines or two line breaks in a row (`<br><br>`): those separate paragraphs."""
    return re.split(r"\n[ \t\u00a0]*\n", text)


def css_selector(el: Tag, id_counts: Counter[str]) -> str:
    """A CSS selector for `el`: from the nearest ancestor with a unique id, then by position."""
    parts: list[str] = []
    node: Tag | None = el
    while isinstance(node, Tag) and node.name != "[document]":
        ident = node.get("id")
        if isinstance(ident, str) and _CSS_IDENT.match(ident) and id_counts[ident] == 1:
            parts.append(f"#{ident}")
            break
        if node.name in ("html", "body"):
            parts.append(node.name)
        else:
            position = 1 + sum(
                1 for sib in node.previous_siblings if isinstance(sib, Tag) and sib.name == node.name
            )
            parts.append(f"{node.name}:nth-of-type({position})")
        node = node.parent
    return " > ".join(reversed(parts))


@dataclass
class PageIndex:
    """What later steps look up across the whole page, gathered in one pass over the tree."""

    ids: Counter[str] = field(default_factory=Counter)
    itemprops: list[Tag] = field(default_factory=list)
    times: list[Tag] = field(default_factory=list)
    metas: list[Tag] = field(default_factory=list)
    jsonld: list[Tag] = field(default_factory=list)


def index_page(soup: BeautifulSoup) -> PageIndex:
    index = PageIndex()
    for el in soup.descendants:
        if not isinstance(el, Tag):
            continue
        attrs = el.attrs
        if "id" in attrs:
            index.ids[str(attrs["id"])] += 1
        if "itemprop" in attrs:
            index.itemprops.append(el)
        name = el.name
        if name == "time":
            index.times.append(el)
        elif name == "meta":
            index.metas.append(el)
        elif name == "script" and "ld+json" in str(attrs.get("type", "")).lower():
            index.jsonld.append(el)
    return index


def id_counts(soup: BeautifulSoup) -> Counter[str]:
    return index_page(soup).ids


def innermost_common(candidates: list[Candidate], keep: list[bool]) -> Tag | None:
    """The innermost element holding every kept candidate, or None when none is kept."""
    common: tuple[Tag, ...] | None = None
    for cand, kept in zip(candidates, keep, strict=True):
        if not kept:
            continue
        chain = (*cand.ancestors, cand.element)
        if common is None:
            common = chain
            continue
        n = 0
        while n < min(len(common), len(chain)) and common[n] is chain[n]:
            n += 1
        common = common[:n]
    return common[-1] if common else None
