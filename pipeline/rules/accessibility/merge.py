"""Merging axe-core's results into AX findings: one finding per rule and element.

axe's rules are mapped onto the AX rule that covers the same requirement; an axe result on an
element the static checks already flagged for that rule confirms the static finding instead of
repeating it. axe rules no AX rule covers become AX900 findings with axe's own WCAG and ACT tags.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bs4 import Tag

from pipeline.model import Finding, Outcome
from pipeline.rules.accessibility.browser import AxeNode, AxeResults, AxeRuleResult
from pipeline.rules.accessibility.css import declarations, is_important
from pipeline.rules.accessibility.dom import Page, attr
from pipeline.rules.accessibility.locate import EXCERPT_CHARS
from pipeline.rules.registry import finding

# axe-core rule id -> the AX rule that covers the same requirement.
AXE_TO_AX: dict[str, str] = {
    "document-title": "AX001",
    "html-has-lang": "AX002",
    "html-lang-valid": "AX003",
    "valid-lang": "AX004",
    "image-alt": "AX005",
    "role-img-alt": "AX005",
    "svg-img-alt": "AX006",
    "input-image-alt": "AX007",
    "object-alt": "AX008",
    "link-name": "AX010",
    "area-alt": "AX010",
    "page-has-heading-one": "AX020",
    "heading-order": "AX021",
    "empty-heading": "AX022",
    "td-headers-attr": "AX031",
    "th-has-data-cells": "AX032",
    "list": "AX036",
    "listitem": "AX036",
    "label": "AX040",
    "select-name": "AX040",
    "aria-input-field-name": "AX040",
    "aria-toggle-field-name": "AX040",
    "button-name": "AX041",
    "aria-command-name": "AX041",
    "summary-name": "AX043",
    "frame-title": "AX044",
    "frame-focusable-content": "AX045",
    "meta-viewport": "AX050",
    "meta-viewport-large": "AX050",
    "meta-refresh": "AX051",
    "meta-refresh-no-exceptions": "AX052",
    "duplicate-id-aria": "AX055",
    "aria-roles": "AX060",
    "aria-valid-attr": "AX061",
    "aria-valid-attr-value": "AX062",
    "aria-required-attr": "AX063",
    "aria-allowed-attr": "AX064",
    "aria-prohibited-attr": "AX065",
    "aria-required-parent": "AX066",
    "aria-required-children": "AX067",
    "aria-hidden-focus": "AX068",
    "presentation-role-conflict": "AX069",
    "nested-interactive": "AX070",
    "autocomplete-valid": "AX071",
    "avoid-inline-spacing": "AX075",
}
# Rules about the page as a whole: any finding of the same group is the same problem.
PAGE_LEVEL: dict[str, str] = {
    "AX001": "title",
    "AX002": "lang",
    "AX003": "lang",
    "AX020": "h1",
    "AX050": "viewport",
    "AX051": "refresh",
    "AX052": "refresh",
}
# axe rules stricter than the WCAG requirement of the AX rule they map to: axe flags any !important
# spacing and any zoom limit under 500%, where WCAG 1.4.12 and 1.4.4 set thresholds the static
# checks measure. Where the static check found nothing, such a result is left for a person to review.
# axe also judges every meta refresh on a page, where browsers (and the static check) obey only the
# first valid one.
ADVISORY = {"avoid-inline-spacing", "meta-viewport-large", "meta-refresh", "meta-refresh-no-exceptions"}
_SPACING_CODES = {"letter-spacing": "AX075", "word-spacing": "AX076", "line-height": "AX077"}
_WCAG_TAG = re.compile(r"^wcag(\d)(\d)(\d{1,2})$")


@dataclass
class Placed:
    """A finding and the element it is about (None for page-level or unresolved axe targets)."""

    finding: Finding
    element: Tag | None


def wcag_tags(axe_tags: list[str]) -> list[str]:
    """axe's "wcag111" / "wcag1410" -> "wcag:1.1.1" / "wcag:1.4.10"; level tags (wcag2aa) are dropped."""
    out = []
    for tag in axe_tags:
        m = _WCAG_TAG.match(tag)
        if m:
            out.append(f"wcag:{m.group(1)}.{m.group(2)}.{m.group(3)}")
    return out


def _resolve(page: Page, node: AxeNode) -> Tag | None:
    """The element axe points at, found in our parse of the same markup (top-level document only)."""
    if len(node.target) != 1 or not isinstance(node.target[0], str):
        return None  # inside an iframe or a shadow root: not in the static parse
    try:
        found = page.soup.select_one(node.target[0])
    except Exception:  # a selector soupsieve does not support
        return None
    return found if isinstance(found, Tag) else None


def _code_for(rule: AxeRuleResult, page: Page, element: Tag | None) -> str:
    code = AXE_TO_AX.get(rule.id, "AX900")
    if rule.id == "aria-command-name" and element is not None:
        role = page.role(element)
        code = "AX042" if role == "menuitem" else "AX010" if role == "link" else "AX041"
    if rule.id == "avoid-inline-spacing" and element is not None:
        declared = declarations(attr(element, "style") or "")
        code = next((c for prop, c in _SPACING_CODES.items() if is_important(declared.get(prop, ""))), code)
    return code


def _wanted(rule: AxeRuleResult, code: str, best_practice: bool) -> bool:
    """Mapped rules always; others when WCAG or ACT back them, or when best practice is asked for."""
    return code != "AX900" or bool(wcag_tags(rule.tags) or rule.act_ids) or best_practice


def _same(a: Placed, code: str, element: Tag | None) -> bool:
    if a.finding.rule == code and a.element is not None and a.element is element:
        return True
    group = PAGE_LEVEL.get(code)
    return group is not None and PAGE_LEVEL.get(a.finding.rule) == group


def merge_axe(
    placed: list[Placed], results: AxeResults, page: Page, *, best_practice: bool = False
) -> list[Placed]:
    """Static findings plus axe's, without duplicates; a duplicate strengthens the static finding."""
    out = list(placed)
    runs: list[tuple[AxeRuleResult, Outcome]] = [(r, "fail") for r in results.violations]
    runs += [(r, "review") for r in results.incomplete]
    for rule, outcome in runs:
        for node in rule.nodes:
            element = _resolve(page, node)
            code = _code_for(rule, page, element)
            if not _wanted(rule, code, best_practice):
                continue
            twin = next((p for p in out if _same(p, code, element)), None)
            if twin is not None:
                _confirm(twin.finding, rule, outcome)
                continue
            if rule.id in ADVISORY:
                outcome = "review"
            out.append(Placed(_axe_finding(rule, node, code, outcome), element))
    return out


def _confirm(existing: Finding, rule: AxeRuleResult, outcome: Outcome) -> None:
    existing.data.setdefault("axe_rules", [])
    if rule.id not in existing.data["axe_rules"]:
        existing.data["axe_rules"].append(rule.id)
    if outcome == "fail" and existing.outcome == "review":
        existing.outcome = "fail"
    existing.tags = list(dict.fromkeys([*existing.tags, *wcag_tags(rule.tags)]))


def _axe_finding(rule: AxeRuleResult, node: AxeNode, code: str, outcome: Outcome) -> Finding:
    frames = [t for t in node.target[:-1]]
    last = node.target[-1] if node.target else None
    selector = " ".join(last) if isinstance(last, list) else (str(last) if last is not None else None)
    snippet = re.sub(r"\s+", " ", node.html).strip()
    summary = (node.failure_summary or "").strip().replace("\n", " ")
    message = rule.help + (f" ({summary})" if summary and outcome == "fail" else "")
    if outcome == "review":
        message = f"Needs review: {rule.help}."
    extra_tags = wcag_tags(rule.tags) + ([f"act:{a}" for a in rule.act_ids] if code == "AX900" else [])
    return finding(
        code,
        message,
        outcome=outcome,
        selector=selector,
        excerpt=snippet if len(snippet) <= EXCERPT_CHARS else snippet[: EXCERPT_CHARS - 1] + "…",
        suggestion=rule.description or None,
        tags=extra_tags,
        data={
            "axe_rules": [rule.id],
            "impact": rule.impact,
            "help_url": rule.help_url,
            **({"frames": frames} if frames else {}),
        },
    )
