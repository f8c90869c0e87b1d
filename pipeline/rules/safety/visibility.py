"""Whether a safety message on the page would be seen by sighted readers and exposed to assistive
technology.

Extraction keeps text that is hidden in ways it does not look for (a stylesheet class with
`display: none`, the visually-hidden clip pattern, `aria-hidden`), because screen-reader-only help
text is legitimate reading matter. A *required* safety message is different: it only counts if a
reader would meet it. This module resolves the page's own <style> sheets and inline styles with
tinycss2 / cssselect2 (a real parser and selector engine, so class, id, element, attribute and
combinator selectors all apply with their specificity) and sorts every piece of text into:

- visible;
- hidden (the static pass can tell: display, visibility, opacity, font-size 0, clip / clip-path,
  off-screen positioning, zero size with overflow hidden, aria-hidden, text the colour of its
  background);
- uncertain (a rule inside @media or @supports may hide it; it sits in a closed <details>; or the
  page loads stylesheets the static pass does not read): the safety check says `review`, never pass.

Text is compared with letters and digits only, so the extracted sentence is found in the markup
whatever white space, entities or inline elements sit between its words.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Any, Literal

import cssselect2
import lxml.html
import tinycss2
from lxml import etree

# "unconfirmed": nothing on the page is seen to hide it, but stylesheets the static pass does not
# read might; that doubt applies to every page that links a stylesheet, so it does not block.
Status = Literal["visible", "unconfirmed", "uncertain", "hidden"]
_RANK: dict[Status, int] = {"visible": 0, "unconfirmed": 1, "uncertain": 2, "hidden": 3}
_SKIP_TAGS = frozenset({"script", "style", "template", "head", "title", "noscript", "iframe", "object"})
_NOT_TEXT = re.compile(r"[\W_]+")
# @media conditions every screen reader and browser window meets; anything else may or may not apply.
_ALWAYS_MEDIA = frozenset({"", "all", "screen"})
_COLOURS = {
    "white": (255, 255, 255), "black": (0, 0, 0), "red": (255, 0, 0), "green": (0, 128, 0),
    "blue": (0, 0, 255), "yellow": (255, 255, 0), "grey": (128, 128, 128), "gray": (128, 128, 128),
    "silver": (192, 192, 192), "navy": (0, 0, 128), "whitesmoke": (245, 245, 245),
    "snow": (255, 250, 250), "ivory": (255, 255, 240),
}
_HEX = re.compile(r"^#([0-9a-f]{3,8})$")
_RGB = re.compile(r"^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)\s*(?:[,/]\s*([\d.]+%?))?\s*\)$")
_LENGTH = re.compile(r"^(-?[\d.]+)(px|em|rem|%|vw|vh|pt|cm|mm|in|ch|ex)?$")
# How far off-screen, in each unit, a box must be pushed before no window would show it.
_OFFSCREEN = {"px": 500.0, "pt": 400.0, "em": 40.0, "rem": 40.0, "%": 100.0, "vw": 100.0, "vh": 100.0,
              "cm": 15.0, "mm": 150.0, "in": 6.0, "ch": 60.0, "ex": 80.0}
_RECT = re.compile(r"rect\(([^)]*)\)")


def normalise(text: str) -> str:
    """Letters and digits only, case-folded: how sentences are matched between text and markup."""
    return _NOT_TEXT.sub("", text.casefold())


@dataclass
class _Rule:
    declarations: dict[str, tuple[str, bool]]  # property -> (value, !important)
    certain: bool  # False inside @media / @supports: it may or may not apply
    where: str = ""


@dataclass
class _State:
    """What an element hands down to its children."""

    hidden: str | None = None  # why the subtree is hidden
    uncertain: str | None = None  # why the subtree may be hidden
    visibility_hidden: bool = False
    font_zero: bool = False
    colour: tuple[int, int, int, float] | None = (0, 0, 0, 1.0)
    background: tuple[int, int, int, float] | None = (255, 255, 255, 1.0)


@dataclass
class PageVisibility:
    """The page's text (normalised) and, for each stretch of it, whether readers would meet it."""

    text: str = ""
    starts: list[int] = field(default_factory=list)
    statuses: list[Status] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    unread_sheets: str | None = None  # why the static pass cannot vouch for any text on the page

    def of(self, sentence: str) -> tuple[Status, str] | None:
        """How visible the most visible copy of `sentence` on the page is; None when it is not found
        in the markup (the safety check then keeps its earlier judgement)."""
        needle = normalise(sentence)
        if not needle:
            return None
        best: tuple[Status, str] | None = None
        at = self.text.find(needle)
        while at >= 0:
            found = self._worst(at, at + len(needle))
            if best is None or _RANK[found[0]] < _RANK[best[0]]:
                best = found
            if best[0] == "visible":
                break
            at = self.text.find(needle, at + 1)
        if best is not None and best[0] == "visible" and self.unread_sheets:
            return "unconfirmed", self.unread_sheets
        return best

    def _worst(self, start: int, end: int) -> tuple[Status, str]:
        first = max(0, bisect.bisect_right(self.starts, start) - 1)
        last = bisect.bisect_left(self.starts, end)
        worst: tuple[Status, str] = ("visible", "")
        for i in range(first, max(first + 1, last)):
            if _RANK[self.statuses[i]] > _RANK[worst[0]]:
                worst = (self.statuses[i], self.reasons[i])
        return worst


def _declarations(tokens: Any) -> dict[str, tuple[str, bool]]:
    out: dict[str, tuple[str, bool]] = {}
    for decl in tinycss2.parse_declaration_list(tokens, skip_comments=True, skip_whitespace=True):
        if decl.type != "declaration":
            continue
        value = tinycss2.serialize(decl.value).strip().lower()
        name = decl.lower_name
        if name in out and out[name][1] and not decl.important:
            continue  # an earlier !important declaration in the same block wins
        out[name] = (value, bool(decl.important))
    return out


def _add_rules(matcher: cssselect2.Matcher, rules: Any, certain: bool, where: str) -> None:
    for rule in rules:
        if rule.type == "qualified-rule":
            try:
                selectors = cssselect2.compile_selector_list(rule.prelude)
            except cssselect2.SelectorError:
                continue  # a selector the engine does not know is dropped, as a browser drops it
            payload = _Rule(_declarations(rule.content), certain, where)
            for selector in selectors:
                matcher.add_selector(selector, payload)
        elif rule.type == "at-rule" and rule.content is not None:
            keyword = rule.lower_at_keyword
            prelude = tinycss2.serialize(rule.prelude).strip().lower()
            if keyword == "media" and "print" in prelude and "screen" not in prelude:
                continue  # print-only rules never hide anything on screen
            inner = tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True)
            always = keyword == "layer" or (keyword == "media" and prelude in _ALWAYS_MEDIA)
            _add_rules(matcher, inner, certain and always, f"@{keyword} {prelude}".strip())


def _length(value: str) -> tuple[float, str] | None:
    m = _LENGTH.match(value.strip())
    if not m:
        return None
    try:
        return float(m.group(1)), m.group(2) or "px"
    except ValueError:
        return None


def _colour(value: str) -> tuple[int, int, int, float] | None:
    value = value.strip().removesuffix("!important").strip()
    if value == "transparent":
        return (0, 0, 0, 0.0)
    if value in _COLOURS:
        return (*_COLOURS[value], 1.0)
    m = _HEX.match(value)
    if m:
        h = m.group(1)
        if len(h) in (3, 4):
            h = "".join(c * 2 for c in h)
        if len(h) not in (6, 8):
            return None
        alpha = int(h[6:8], 16) / 255 if len(h) == 8 else 1.0
        return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16), alpha
    m = _RGB.match(value)
    if m:
        a = m.group(4)
        alpha = 1.0 if a is None else (float(a[:-1]) / 100 if a.endswith("%") else float(a))
        return int(float(m.group(1))), int(float(m.group(2))), int(float(m.group(3))), alpha
    return None


def _background(decls: dict[str, str]) -> tuple[int, int, int, float] | None | Literal[False]:
    """The element's own background colour; False when it sets none; None when it sets one the
    static pass cannot read (an image, a gradient, a variable)."""
    if "background-color" in decls:
        return _colour(decls["background-color"])
    if "background" in decls:
        value = decls["background"]
        for part in value.split():
            c = _colour(part)
            if c is not None and "(" not in value.replace(part, ""):
                return c
        return None
    return False


def _offscreen(decls: dict[str, str]) -> bool:
    if decls.get("position", "") not in ("absolute", "fixed"):
        side_props: tuple[str, ...] = ()
    else:
        side_props = ("left", "top", "right", "bottom")
    for prop in (*side_props, "text-indent", "margin-left", "margin-top"):
        length = _length(decls.get(prop, ""))
        if length and length[0] < 0 and -length[0] >= _OFFSCREEN.get(length[1], 500.0):
            return True
    transform = decls.get("transform", "")
    m = re.search(r"translate[xy]?\(\s*(-[\d.]+)(px|%|vw|vh|em|rem)", transform)
    return bool(m and -float(m.group(1)) >= _OFFSCREEN.get(m.group(2), 500.0))


def _clipped(decls: dict[str, str]) -> bool:
    clip = decls.get("clip", "")
    m = _RECT.search(clip)
    if m and decls.get("position", "") in ("absolute", "fixed"):
        sizes = [_length(v) for v in re.split(r"[\s,]+", m.group(1).strip()) if v]
        numbers = [s[0] for s in sizes if s]
        if len(numbers) == 4 and abs(numbers[2] - numbers[0]) <= 1 and abs(numbers[1] - numbers[3]) <= 1:
            return True
    path = decls.get("clip-path", "")
    m = re.search(r"inset\(\s*([\d.]+)%", path)
    if m and float(m.group(1)) >= 50:
        return True
    return bool(re.search(r"circle\(\s*0(px|%)?\s*[)a]", path))


def _zero_box(decls: dict[str, str]) -> bool:
    if decls.get("overflow", decls.get("overflow-x", "")) not in ("hidden", "clip"):
        return False
    for prop in ("width", "height", "max-width", "max-height"):
        length = _length(decls.get(prop, ""))
        if length and length[0] <= 1 and length[1] in ("px", "em", "rem", "%", "pt"):
            return True
    return False


def _own_hiding(decls: dict[str, str]) -> str | None:
    """Why this element's own declarations hide its whole box, if they do."""
    if decls.get("display") == "none":
        return "display: none"
    opacity = _length(decls.get("opacity", ""))
    if opacity is not None and opacity[0] <= (1.0 if opacity[1] == "%" else 0.01):
        return "opacity: 0"
    if _clipped(decls):
        return "clipped to nothing (the visually-hidden pattern)"
    if _offscreen(decls):
        return "positioned off-screen"
    if _zero_box(decls):
        return "a box of zero size with overflow hidden"
    return None


def _font_zero(value: str, inherited: bool) -> bool:
    length = _length(value)
    if length is None:
        return inherited
    if length[0] <= 0:
        return True
    # Relative sizes scale what they inherit: a share of nothing is still nothing.
    return inherited and length[1] in ("em", "%", "ex", "ch")


def _same_colour(fg: tuple[int, int, int, float] | None, bg: tuple[int, int, int, float] | None) -> bool:
    if fg is None or bg is None:
        return False
    if fg[3] <= 0.01:
        return True
    return max(abs(a - b) for a, b in zip(fg[:3], bg[:3], strict=True)) <= 8


class _Walker:
    def __init__(self, root: Any, matcher: cssselect2.Matcher) -> None:
        self.matcher = matcher
        self.out = PageVisibility()
        self.pieces: list[str] = []
        self.length = 0
        self.root = root

    def add(self, text: str | None, state: _State) -> None:
        if not text:
            return
        norm = normalise(text)
        if not norm:
            return
        status: Status
        if state.hidden:
            status, reason = "hidden", state.hidden
        elif state.visibility_hidden:
            status, reason = "hidden", "visibility: hidden"
        elif state.font_zero:
            status, reason = "hidden", "font-size: 0"
        elif _same_colour(state.colour, state.background):
            status, reason = "hidden", "text the same colour as its background"
        elif state.uncertain:
            status, reason = "uncertain", state.uncertain
        else:
            status, reason = "visible", ""
        out = self.out
        if out.statuses and out.statuses[-1] == status and out.reasons[-1] == reason:
            pass  # the same stretch goes on
        else:
            out.starts.append(self.length)
            out.statuses.append(status)
            out.reasons.append(reason)
        self.pieces.append(norm)
        self.length += len(norm)

    def styles(self, wrapper: Any) -> tuple[dict[str, str], str | None]:
        """The element's cascaded declarations, and why a rule that may not apply would hide it."""
        element = wrapper.etree_element
        ranked: list[tuple[tuple[int, int, tuple[int, int, int], int], str, str]] = []
        maybe: str | None = None
        for specificity, order, pseudo, payload in self.matcher.match(wrapper):
            if pseudo is not None:
                continue
            rule: _Rule = payload
            if not rule.certain:
                hiding = _own_hiding({k: v for k, (v, _) in rule.declarations.items()})
                vis = rule.declarations.get("visibility", ("", False))[0]
                size = rule.declarations.get("font-size", ("", False))[0]
                if hiding or vis in ("hidden", "collapse") or _font_zero(size, False):
                    maybe = f"a rule inside {rule.where} may hide it"
                continue
            for name, (value, important) in rule.declarations.items():
                ranked.append(((int(important), 0, specificity, order), name, value))
        style = element.get("style")
        if style:
            for name, (value, important) in _declarations(style).items():
                ranked.append(((int(important), 1, (0, 0, 0), 0), name, value))
        ranked.sort(key=lambda r: r[0])
        decls: dict[str, str] = {}
        for _, name, value in ranked:
            decls[name] = value
        return decls, maybe

    def walk(self, wrapper: Any, state: _State, folded: bool = False) -> None:
        element = wrapper.etree_element
        tag = element.tag if isinstance(element.tag, str) else ""
        tag = tag.lower()
        if tag in _SKIP_TAGS:
            self.add_tail(element, state, wrapper)
            return
        decls, maybe = self.styles(wrapper)
        mine = _State(
            hidden=state.hidden,
            uncertain=state.uncertain,
            visibility_hidden=state.visibility_hidden,
            font_zero=state.font_zero,
            colour=state.colour,
            background=state.background,
        )
        if folded and not mine.uncertain:
            mine.uncertain = "it is inside a closed <details> that readers must open"
        if element.get("hidden") is not None and not mine.hidden:
            mine.hidden = "the hidden attribute"
        if (element.get("aria-hidden") or "").strip().lower() == "true" and not mine.hidden:
            mine.hidden = 'aria-hidden="true" (screen readers skip it)'
        own = _own_hiding(decls)
        if own and not mine.hidden:
            mine.hidden = own
        if maybe and not mine.uncertain:
            mine.uncertain = maybe
        if "visibility" in decls:
            mine.visibility_hidden = decls["visibility"] in ("hidden", "collapse")
        if "font-size" in decls:
            mine.font_zero = _font_zero(decls["font-size"], state.font_zero)
        if "color" in decls:
            mine.colour = _colour(decls["color"])
        background = _background(decls)
        if background is not False:
            # A translucent or unreadable background hides what is under it from this pass.
            mine.background = background if background is None or background[3] >= 0.99 else None
        self.add(element.text, mine)
        closed_details = tag == "details" and element.get("open") is None
        summary_seen = False
        for child in wrapper.iter_children():
            child_tag = child.etree_element.tag
            is_summary = isinstance(child_tag, str) and child_tag.lower() == "summary"
            fold = closed_details and not (is_summary and not summary_seen)
            summary_seen = summary_seen or is_summary
            self.walk(child, mine, fold)
        self.add_tail(element, state, wrapper)

    def add_tail(self, element: Any, parent_state: _State, wrapper: Any) -> None:
        # The tail is the parent's text; the parent's state is what the caller handed us.
        self.add(element.tail, parent_state)


def _unread_sheets(root: Any) -> str | None:
    """Why the page's styling is partly out of reach (stylesheets loaded from elsewhere)."""
    links = [
        el for el in root.iter("link")
        if "stylesheet" in (el.get("rel") or "").lower().split()
        and (el.get("media") or "all").strip().lower() != "print"
    ]
    imports = any("@import" in (el.text or "") for el in root.iter("style"))
    if links or imports:
        return (
            "the page loads stylesheets the static pass does not read, so it cannot tell whether they "
            "hide it (audit with --browser to check the rendered page)"
        )
    return None


def page_visibility(html: str) -> PageVisibility:
    """Resolve the page's own styles and sort its text into visible, uncertain and hidden."""
    try:
        root = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return PageVisibility()
    matcher = cssselect2.Matcher()
    for style in root.iter("style"):
        media = (style.get("media") or "all").strip().lower()
        if media == "print":
            continue
        rules = tinycss2.parse_stylesheet(style.text or "", skip_comments=True, skip_whitespace=True)
        _add_rules(matcher, rules, media in _ALWAYS_MEDIA, f'<style media="{media}">')
    walker = _Walker(root, matcher)
    body = root.find("body")
    top = cssselect2.ElementWrapper.from_html_root(root)
    start = top
    if body is not None:
        for wrapper in top.iter_subtree():
            if wrapper.etree_element is body:
                start = wrapper
                break
    walker.walk(start, _State())
    walker.out.text = "".join(walker.pieces)
    walker.out.unread_sheets = _unread_sheets(root)
    return walker.out
