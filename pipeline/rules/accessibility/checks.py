"""AX: accessibility of the article markup.

Static checks read the page's HTML (pipeline.rules.accessibility.static); in browser mode axe-core also runs in
headless Chromium and its violations and "needs review" results are merged in, one finding per rule
and element. The rules are declared in rules_declared.py, each naming the WCAG success criteria
and the W3C ACT rule it implements.
"""

from __future__ import annotations

from functools import cache

from bs4 import BeautifulSoup

from pipeline.config import AccessibilityConfig
from pipeline.datafiles import read_data_file
from pipeline.errors import BrowserUnavailable
from pipeline.extract.document import ExtractedDocument
from pipeline.model import Document, Finding
from pipeline.rules.accessibility.browser import Browser, shared_browser
from pipeline.rules.accessibility.dom import Page
from pipeline.rules.accessibility.issues import Settings
from pipeline.rules.accessibility.merge import Placed, merge_axe
from pipeline.rules.accessibility.rules_declared import CODES
from pipeline.rules.accessibility.static import audit_static
from pipeline.rules.context import CheckContext
from pipeline.rules.registry import CheckOutput, check, finding


@cache
def vague_link_phrases(path: str) -> frozenset[str]:
    """The editable list of link texts that do not say where a link goes (data/link_text.yaml)."""
    from pipeline.rules.accessibility.static_names import normalise_link_text

    data = read_data_file(path) or {}
    return frozenset(normalise_link_text(str(p)) for p in data.get("phrases", []))


def settings_for(cfg: AccessibilityConfig) -> Settings:
    return Settings(
        vague_link_phrases=vague_link_phrases(cfg.link_text), max_per_rule=cfg.max_findings_per_rule
    )


def static_findings(
    html: str, cfg: AccessibilityConfig, soup: BeautifulSoup | None = None
) -> tuple[Page, list[Placed]]:
    """The static checks' findings, each with the element it is about."""
    result = audit_static(html, settings_for(cfg), soup)
    placed = [
        Placed(
            finding(
                loc.issue.code,
                loc.issue.message,
                outcome=loc.issue.outcome,
                selector=loc.selector,
                excerpt=loc.excerpt,
                suggestion=loc.issue.suggestion,
                data=dict(loc.issue.data),
            ),
            loc.issue.element,
        )
        for loc in result.located
    ]
    placed += [
        Placed(
            finding(
                "EX003",
                f"The accessibility check '{c.check}' failed on this article: {c.error}",
                data={"check": f"accessibility.{c.check}"},
            ),
            None,
        )
        for c in result.crashes
    ]
    return result.page, placed


def markup_findings(
    html: str,
    source: str,
    cfg: AccessibilityConfig,
    browser: Browser | None = None,
    soup: BeautifulSoup | None = None,
) -> list[Finding]:
    """Static findings, merged with axe-core's when a browser is given (browser mode)."""
    page, placed = static_findings(html, cfg, soup)
    if browser is not None:
        try:
            results = browser.audit(html, source)
        except BrowserUnavailable as err:
            placed.append(Placed(finding("AX901", f"axe-core did not run: {err}."), None))
        else:
            placed = merge_axe(placed, results, page, best_practice=cfg.axe_best_practice)
    return [p.finding for p in placed]


@check("accessibility.markup", *CODES, needs_html=True)
def markup_accessibility(doc: Document, ctx: CheckContext) -> CheckOutput:
    cfg = ctx.config.accessibility
    if not doc.html:
        return CheckOutput()  # plain text or Markdown: there is no markup to check
    browser = shared_browser(ctx) if cfg.browser else None
    parsed = doc.parsed if isinstance(doc, ExtractedDocument) else None
    findings = markup_findings(doc.html, doc.source, cfg, browser, parsed)
    counts: dict[str, int] = {}
    for f in findings:
        if f.rule.startswith("AX") and f.outcome in ("fail", "review"):
            counts[f.outcome] = counts.get(f.outcome, 0) + 1
    return CheckOutput(
        findings,
        {
            "accessibility": {
                "fail": counts.get("fail", 0),
                "review": counts.get("review", 0),
                "browser": browser is not None,
            }
        },
    )
