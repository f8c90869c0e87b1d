"""Whole-page checks: title, language, viewport zoom and automatic refresh."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from importlib import resources

from bs4 import Tag

from pipeline.rules.accessibility.dom import Page, attr, text_of
from pipeline.rules.accessibility.issues import Issue, Settings, static_check

_REFRESH_DELAY = re.compile(r"^[\t\n\f\r ]*(\d*)")


@static_check
def page_title(page: Page, _: Settings) -> Iterator[Issue]:
    if not page.is_html_document:
        return
    titles = [
        t for t in page.tags("title") if not any(a.name in ("svg", "template") for a in page.ancestors(t))
    ]
    if not titles:
        yield Issue(
            "AX001",
            page.lang_root(),
            "The page has no <title>.",
            suggestion="Add a <title> that names the article and the site, e.g. 'Sepsis - NHS'.",
        )
    elif not text_of(titles[0].get_text()):
        yield Issue(
            "AX001",
            titles[0],
            "The page's <title> is empty.",
            suggestion="Write a title that names the article and the site.",
        )


@cache
def _language_subtags() -> frozenset[str]:
    """Primary language subtags of the IANA registry (shipped with the langcodes package)."""
    text = (
        resources.files("langcodes").joinpath("data/language-subtag-registry.txt").read_text(encoding="utf-8")
    )
    out: set[str] = set()
    for record in text.split("%%"):
        fields = dict(
            (k.strip().lower(), v.strip())
            for k, _, v in (line.partition(":") for line in record.splitlines())
            if _
        )
        if fields.get("type") == "language" and "subtag" in fields:
            low, _, high = fields["subtag"].lower().partition("..")
            out.add(low)
            if high:  # the private-use range qaa..qtz
                out.update(f"q{a}{b}" for a in "abcdefghijklmnopqrst" for b in "abcdefghijklmnopqrstuvwxyz")
    return frozenset(out)


def valid_language_tag(value: str) -> bool:
    """Whether the tag's primary subtag is a registered language (what ACT asks; "eng" is not)."""
    primary = value.strip().split("-")[0].lower()
    return primary.isalpha() and primary in _language_subtags()


@static_check
def html_lang(page: Page, _: Settings) -> Iterator[Issue]:
    root = page.lang_root()
    if root is None or not page.is_html_document:
        return
    lang = attr(root, "lang")
    if lang is None or not lang.strip():
        yield Issue(
            "AX002",
            root,
            "The page does not say which language it is in (<html lang>).",
            suggestion='Add lang="en" (or "en-GB") to the <html> element.',
        )
    elif not valid_language_tag(lang):
        yield Issue(
            "AX003",
            root,
            f'lang="{lang}" on <html> is not a valid language code.',
            suggestion='Use a BCP 47 code such as "en" or "en-GB".',
        )


@static_check
def element_lang(page: Page, _: Settings) -> Iterator[Issue]:
    root = page.lang_root()
    for el in page.elements:
        if el is root or el.name in ("svg", "math"):
            continue
        lang = attr(el, "lang")
        if lang is None or lang == "" or valid_language_tag(lang):
            continue
        if _has_own_text(page, el):
            yield Issue(
                "AX004",
                el,
                f'lang="{lang}" is not a valid language code.',
                suggestion='Use a BCP 47 code such as "fr" or "cy" for the passage\'s language.',
            )


def _has_own_text(page: Page, el: Tag) -> bool:
    """Text or an image alternative inside `el` whose language `el` sets (not overridden below it)."""
    stack = [el]
    while stack:
        node = stack.pop()
        if page.is_hidden(node):
            continue
        if node is not el and attr(node, "lang"):
            continue  # a descendant with its own lang decides for its content
        if node.name == "img" and (attr(node, "alt") or "").strip():
            return True
        if any(isinstance(s, str) and s.strip() for s in node.find_all(string=True, recursive=False)):
            return True
        stack.extend(c for c in node.children if isinstance(c, Tag))
    return False


def _viewport_number(value: str, keywords: dict[str, float], invalid: float) -> float | None:
    v = value.strip().lower()
    if v in keywords:
        return keywords[v]
    try:
        number = float(re.match(r"^[-+]?\d*\.?\d+", v).group(0))  # type: ignore[union-attr]
    except (AttributeError, ValueError):
        return invalid
    return None if number < 0 else number


@static_check
def viewport_zoom(page: Page, _: Settings) -> Iterator[Issue]:
    for meta in page.tags("meta"):
        if (attr(meta, "name") or "").strip().lower() != "viewport":
            continue
        props = {}
        for part in re.split(r"[,;]", attr(meta, "content") or ""):
            key, sep, value = part.partition("=")
            if sep:
                props[key.strip().lower()] = value
        # Keywords as the CSS Device Adaptation parsing rules translate them.
        scalable = props.get("user-scalable")
        if scalable is not None:
            number = _viewport_number(
                scalable, {"yes": 1, "no": 0, "device-width": 10, "device-height": 10}, 0
            )
            if number is not None and -1 < number < 1:
                yield Issue(
                    "AX050",
                    meta,
                    f"The viewport stops zooming (user-scalable={scalable.strip()}).",
                    suggestion="Remove user-scalable=no: people with low vision zoom to read.",
                )
                continue
        maximum = props.get("maximum-scale")
        if maximum is not None:
            number = _viewport_number(
                maximum, {"yes": 1, "no": 0.1, "device-width": 10, "device-height": 10}, 0.1
            )
            if number is not None and number < 2:
                yield Issue(
                    "AX050",
                    meta,
                    f"The viewport limits zoom to {maximum.strip()}x (maximum-scale).",
                    suggestion="Remove maximum-scale, or set it to 5 or more; never below 2.",
                )


def refresh_delay(content: str) -> int | None:
    """The delay of a meta refresh as browsers parse it (HTML's shared declarative refresh steps)."""
    match = _REFRESH_DELAY.match(content)
    if match is None:
        return None
    digits, rest = match.group(1), content[match.end() :]
    if not digits and not rest.startswith("."):
        return None
    rest = rest.lstrip("0123456789.")
    if rest and rest[0] not in ";, \t\n\f\r":
        return None
    return int(digits) if digits else 0


@static_check
def meta_refresh(page: Page, _: Settings) -> Iterator[Issue]:
    for meta in page.tags("meta"):
        if (attr(meta, "http-equiv") or "").strip().lower() != "refresh":
            continue
        delay = refresh_delay(attr(meta, "content") or "")
        if delay is None:
            continue  # browsers ignore it; the first valid one decides
        if 0 < delay <= 72000:
            yield Issue(
                "AX051",
                meta,
                f"The page refreshes or redirects by itself after {delay} seconds.",
                suggestion="Remove the timed refresh; redirect on the server, or let readers choose.",
            )
        elif delay > 72000:
            yield Issue(
                "AX052",
                meta,
                f"The page refreshes or redirects by itself after {delay} seconds.",
                suggestion="Remove the timed refresh; redirect on the server instead.",
            )
        return
