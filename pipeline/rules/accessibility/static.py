"""Runs every static check on a page's markup; one check's crash never hides the others' results."""

from __future__ import annotations

import traceback
from collections import Counter
from dataclasses import dataclass

from bs4 import BeautifulSoup

# Importing the check modules registers their static checks in STATIC_CHECKS.
from pipeline.rules.accessibility import (  # noqa: F401
    static_aria,
    static_document,
    static_forms_style,
    static_images,
    static_names,
    static_structure,
)
from pipeline.rules.accessibility.dom import Page
from pipeline.rules.accessibility.issues import STATIC_CHECKS, Issue, Settings
from pipeline.rules.accessibility.locate import excerpt, selector


@dataclass
class Located:
    """An issue with where it is: a CSS selector and the HTML snippet."""

    issue: Issue
    selector: str | None
    excerpt: str | None


@dataclass
class Crash:
    check: str
    error: str


@dataclass
class StaticResult:
    page: Page
    located: list[Located]
    crashes: list[Crash]


def audit_static(html: str, settings: Settings, soup: BeautifulSoup | None = None) -> StaticResult:
    page = Page(html, soup)
    issues: list[Issue] = []
    crashes: list[Crash] = []
    for check in STATIC_CHECKS:
        try:
            issues.extend(check(page, settings))
        except Exception as err:  # a bug on an unusual page must not lose the other checks
            crashes.append(Crash(check.__name__, traceback.format_exception_only(type(err), err)[-1].strip()))
    return StaticResult(page, _capped(page, issues, settings.max_per_rule), crashes)


def _capped(page: Page, issues: list[Issue], limit: int) -> list[Located]:
    """At most `limit` findings per rule, then one that counts the rest (enormous pages stay readable)."""
    seen: Counter[str] = Counter()
    totals = Counter(i.code for i in issues)
    out: list[Located] = []
    for issue in issues:
        seen[issue.code] += 1
        if seen[issue.code] > limit:
            continue
        el = issue.element
        out.append(
            Located(
                issue, selector(page, el) if el is not None else None, excerpt(el) if el is not None else None
            )
        )
        if seen[issue.code] == limit and totals[issue.code] > limit:
            rest = totals[issue.code] - limit
            out.append(
                Located(
                    Issue(
                        issue.code,
                        None,
                        f"{rest} more elements fail this rule; fix the ones above and run the audit again.",
                        data={"not_listed": rest},
                    ),
                    None,
                    None,
                )
            )
    return out
