"""Accessible names of links, buttons, form fields, menu items, summaries and iframes."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pipeline.rules.accessibility.dom import Page, attr, text_of
from pipeline.rules.accessibility.issues import Issue, Settings, static_check

_FIELD_ROLES = {
    "checkbox",
    "combobox",
    "listbox",
    "menuitemcheckbox",
    "menuitemradio",
    "radio",
    "searchbox",
    "slider",
    "spinbutton",
    "switch",
    "textbox",
}
_LINK_ROLES = {"link", "doc-backlink", "doc-biblioref", "doc-glossref", "doc-noteref"}
_PUNCTUATION = re.compile(r"[^\w\s]")


def normalise_link_text(text: str) -> str:
    return text_of(_PUNCTUATION.sub(" ", text.lower()))


@static_check
def link_names(page: Page, settings: Settings) -> Iterator[Issue]:
    for el in page.elements:
        if page.role(el) not in _LINK_ROLES or page.is_excluded(el):
            continue
        name = page.name(el)
        if not name:
            yield Issue(
                "AX010",
                el,
                "The link has no text a screen reader can announce.",
                suggestion="Put words in the link, or give its image an alt that says where it goes.",
            )
        elif normalise_link_text(name) in settings.vague_link_phrases:
            yield Issue(
                "AX011",
                el,
                f'The link text "{name}" does not say where the link goes.',
                suggestion="Use words that make sense on their own, e.g. 'Find a GP near you'.",
                data={"link_text": name},
            )


@static_check
def button_names(page: Page, _: Settings) -> Iterator[Issue]:
    for el in page.elements:
        if page.role(el) != "button" or page.is_excluded(el):
            continue
        if el.name == "input" and (attr(el, "type") or "").lower() == "image":
            continue  # image buttons: AX007
        if not page.name(el):
            yield Issue(
                "AX041",
                el,
                "The button has no accessible name.",
                suggestion="Put words in the button, or add aria-label when it only shows an icon.",
            )


@static_check
def field_names(page: Page, _: Settings) -> Iterator[Issue]:
    for el in page.elements:
        if page.role(el) not in _FIELD_ROLES or page.is_excluded(el):
            continue
        if not page.name(el):
            yield Issue(
                "AX040",
                el,
                "The form field has no label.",
                suggestion="Add a <label for=…> with visible text, or aria-labelledby pointing at it.",
            )


@static_check
def menuitem_names(page: Page, _: Settings) -> Iterator[Issue]:
    for el in page.elements:
        if page.role(el) == "menuitem" and not page.is_excluded(el) and not page.name(el):
            yield Issue(
                "AX042",
                el,
                "The menu item has no accessible name.",
                suggestion="Put the item's words inside it, or add aria-label.",
            )


@static_check
def summary_names(page: Page, _: Settings) -> Iterator[Issue]:
    for el in page.tags("summary"):
        parent = el.parent
        if parent is None or parent.name != "details" or parent.find("summary", recursive=False) is not el:
            continue
        if page.explicit_role(el) not in (None, "none", "presentation") or page.is_excluded(el):
            continue
        if not page.name(el):
            yield Issue(
                "AX043",
                el,
                "The <summary> that opens this section has no text.",
                suggestion="Write what the hidden section contains, e.g. 'Symptoms in children'.",
            )


@static_check
def iframe_titles(page: Page, _: Settings) -> Iterator[Issue]:
    for el in page.tags("iframe"):
        if page.is_excluded(el) or page.role(el) in ("none", "presentation") or (page.tabindex(el) or 0) < 0:
            continue
        if not page.name(el):
            yield Issue(
                "AX044",
                el,
                "The iframe has no title.",
                suggestion='Add title="…" saying what the frame holds, e.g. title="Video: how to use an inhaler".',
            )


@static_check
def iframe_tab_order(page: Page, _: Settings) -> Iterator[Issue]:
    """A frame taken out of the tab order (tabindex="-1") whose own content can take focus."""
    for el in page.tags("iframe"):
        if (page.tabindex(el) or 0) >= 0 or page.is_hidden(el) or page.is_inert(el):
            continue
        if all((attr(el, side) or "").strip() in ("0", "1") for side in ("width", "height")):
            continue  # a 1-pixel frame shows nothing to reach
        inner = attr(el, "srcdoc")
        if inner is None:
            continue  # a frame loaded from elsewhere: only browser mode can look inside
        framed = Page(inner)
        if any(framed.in_sequential_focus(x) for x in framed.elements):
            yield Issue(
                "AX045",
                el,
                'The frame has tabindex="-1" but holds links or controls keyboard users cannot reach.',
                suggestion='Remove tabindex="-1" from the iframe, or take its content out of the tab order too.',
            )
