"""Form autocomplete purposes, and text spacing that readers cannot override."""

from __future__ import annotations

import re
from collections.abc import Iterator

from bs4 import NavigableString, Tag

from pipeline.rules.accessibility.css import declarations, is_important
from pipeline.rules.accessibility.dom import Page, attr
from pipeline.rules.accessibility.issues import Issue, Settings, static_check

# HTML Living Standard, "Autofill": field names, and those that take a contact type before them.
_FIELDS = frozenset(
    [
        "name",
        "honorific-prefix",
        "given-name",
        "additional-name",
        "family-name",
        "honorific-suffix",
        "nickname",
        "username",
        "new-password",
        "current-password",
        "one-time-code",
        "organization-title",
        "organization",
        "street-address",
        "address-line1",
        "address-line2",
        "address-line3",
        "address-level4",
        "address-level3",
        "address-level2",
        "address-level1",
        "country",
        "country-name",
        "postal-code",
        "cc-name",
        "cc-given-name",
        "cc-additional-name",
        "cc-family-name",
        "cc-number",
        "cc-exp",
        "cc-exp-month",
        "cc-exp-year",
        "cc-csc",
        "cc-type",
        "transaction-currency",
        "transaction-amount",
        "language",
        "bday",
        "bday-day",
        "bday-month",
        "bday-year",
        "sex",
        "url",
        "photo",
    ]
)
_CONTACT_FIELDS = frozenset(
    [
        "tel",
        "tel-country-code",
        "tel-national",
        "tel-area-code",
        "tel-local",
        "tel-local-prefix",
        "tel-local-suffix",
        "tel-extension",
        "email",
        "impp",
    ]
)
_CONTACT_TYPES = frozenset(["home", "work", "mobile", "fax", "pager"])
_NOT_AUTOFILLED = {"hidden", "button", "submit", "reset", "image"}


def valid_autocomplete(value: str) -> bool:
    tokens = value.lower().split()
    if tokens in (["on"], ["off"]):
        return True
    if tokens and tokens[-1] == "webauthn":
        tokens = tokens[:-1]
    if tokens and tokens[0].startswith("section-"):
        tokens = tokens[1:]
    if tokens and tokens[0] in ("shipping", "billing"):
        tokens = tokens[1:]
    if len(tokens) == 1:
        return tokens[0] in _FIELDS or tokens[0] in _CONTACT_FIELDS
    return len(tokens) == 2 and tokens[0] in _CONTACT_TYPES and tokens[1] in _CONTACT_FIELDS


@static_check
def autocomplete_values(page: Page, _: Settings) -> Iterator[Issue]:
    for el in page.elements:
        if el.name not in ("input", "select", "textarea"):
            continue
        value = attr(el, "autocomplete")
        if value is None or not value.strip():
            continue
        if el.name == "input" and (attr(el, "type") or "").lower() in _NOT_AUTOFILLED:
            continue
        if page.is_hidden(el) or page.is_disabled(el) or (attr(el, "aria-disabled") or "").lower() == "true":
            continue
        if not valid_autocomplete(value):
            yield Issue(
                "AX071",
                el,
                f'autocomplete="{value}" is not a purpose browsers understand.',
                suggestion='Use an HTML autofill token such as "email", "tel", "bday" or "postal-code".',
            )


# --- text spacing (WCAG 1.4.12) ---------------------------------------------------------
# property -> (rule code, the smallest value readers must be able to set, as a multiple of font size)
_SPACING = {
    "letter-spacing": ("AX075", 0.12),
    "word-spacing": ("AX076", 0.16),
    "line-height": ("AX077", 1.5),
}
_LENGTH = re.compile(r"^(-?\d*\.?\d+)\s*(px|em|rem|%)?$")
_KEYWORD_VALUES = {"normal": 0.0, "initial": 0.0}


def font_size(page: Page, el: Tag) -> float:
    """The element's font size in px from declared px/em/% sizes (16 px by default)."""
    chain = [el, *page.ancestors(el)]
    size = 16.0
    for node in reversed(chain):
        declared = page.style(node, "font-size")
        match = _LENGTH.match(declared or "")
        if not match:
            continue
        number, unit = float(match.group(1)), match.group(2) or "px"
        size = {"px": number, "em": number * size, "rem": number * 16.0, "%": number * size / 100}[unit]
    return size


def _ratio(value: str, prop: str, size: float) -> float | None:
    """The declared spacing as a multiple of the font size; None when it defers to another value."""
    v = re.sub(r"!\s*important\s*$", "", value, flags=re.I).strip().lower()
    if v in ("inherit", "unset", "revert", "revert-layer"):
        return None
    if v in _KEYWORD_VALUES:
        return 1.2 if prop == "line-height" and v == "normal" else _KEYWORD_VALUES[v]
    match = _LENGTH.match(v)
    if not match:
        return None
    number, unit = float(match.group(1)), match.group(2)
    if unit is None:
        return number if prop == "line-height" else (0.0 if number == 0 else None)
    return {"px": number / size, "em": number, "rem": number * 16.0 / size, "%": number / 100}[unit]


def _inheriting_text(page: Page, el: Tag, prop: str) -> list[Tag]:
    """Parents of the visible text nodes that take `prop` from `el` (no nearer declaration)."""
    parents: list[Tag] = []
    for node in el.descendants:
        if not isinstance(node, NavigableString) or not node.strip():
            continue
        parent = node.parent
        if not isinstance(parent, Tag) or page.is_hidden(parent):
            continue
        nearest = next(
            (a for a in [parent, *page.ancestors(parent)] if page.style(a, prop) is not None), None
        )
        if nearest is el:
            parents.append(parent)
    return parents


@static_check
def important_spacing(page: Page, _: Settings) -> Iterator[Issue]:
    for el in page.elements:
        style = attr(el, "style")
        if not style or page.is_hidden(el) or el.name == "svg" or page.in_svg(el):
            continue
        declared = declarations(style)
        for prop, (code, minimum) in _SPACING.items():
            value = declared.get(prop)
            if value is None or not is_important(value):
                continue
            texts = _inheriting_text(page, el, prop)
            if not texts or page.is_offscreen(el):
                continue
            ratios = [_ratio(value, prop, font_size(page, t)) for t in texts]
            if any(r is not None and r < minimum - 1e-9 for r in ratios):
                yield Issue(
                    code,
                    el,
                    f"{prop} is fixed with !important below {minimum:g} times the font size.",
                    suggestion=f"Remove !important from {prop}, so readers can widen the spacing.",
                )
