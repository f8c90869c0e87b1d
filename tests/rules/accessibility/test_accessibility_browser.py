"""Browser mode: axe-core in Debian's headless Chromium, merged into AX findings (runs in CI)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

import pipeline.rules  # noqa: F401  (importing the catalogue registers every rule)
from pipeline.config import AccessibilityConfig, from_mapping
from pipeline.rules.accessibility.browser import Browser, close_shared_browser, page_url
from pipeline.rules.accessibility.checks import markup_findings
from pipeline.rules.context import CheckContext
from pipeline.run.runner import run_audit

# Drives Debian's Chromium: not part of the fast loop.
pytestmark = pytest.mark.slow

CFG = AccessibilityConfig()
ARTICLE = "<main><h1>Colds</h1><p>A cold is a mild infection of the nose and throat.</p>{}</main>"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    b = Browser(chromium=CFG.chromium, axe_script=CFG.axe_script, page_timeout=60, start_timeout=120)
    yield b
    b.close()
    assert not b.started


def test_axe_results_merge_without_duplicates(browser: Browser) -> None:
    html = (
        "<html><body>"
        + ARTICLE.format(
            '<img src="rash.png"><p style="color:#aaaaaa;background:#ffffff">Call 111 if you are worried.</p>'
        )
        + "</body></html>"
    )
    out = markup_findings(html, "cold.html", CFG, browser)
    alt = [f for f in out if f.rule == "AX005"]
    assert len(alt) == 1 and "image-alt" in alt[0].data["axe_rules"]  # static finding, confirmed by axe
    assert len([f for f in out if f.rule == "AX001"]) == 1  # page-level: static and axe are one problem
    assert len([f for f in out if f.rule == "AX002"]) == 1
    contrast = [f for f in out if f.data.get("axe_rules") == ["color-contrast"]]
    assert contrast and contrast[0].rule == "AX900" and contrast[0].outcome == "fail"
    assert {"wcag:1.4.3", "act:afw4f7"} <= set(contrast[0].tags)
    assert contrast[0].selector and contrast[0].excerpt and contrast[0].excerpt.startswith("<p")


def test_needs_review_results_become_review_findings(browser: Browser) -> None:
    html = (
        '<html lang="en"><head><title>Colds</title></head><body>'
        + ARTICLE.format(
            '<p style="color:#777;background-image:url(texture.png)">Call 111 if you are worried.</p>'
        )
        + "</body></html>"
    )
    out = markup_findings(html, "cold.html", CFG, browser)
    reviews = [f for f in out if f.outcome == "review" and "color-contrast" in f.data.get("axe_rules", [])]
    assert reviews and reviews[0].message.startswith("Needs review")


def test_stricter_axe_rules_are_left_for_review(browser: Browser) -> None:
    # The div's narrow spacing reaches no text (the paragraph sets its own): WCAG 1.4.12 is met, but
    # axe flags every !important spacing below its threshold.
    body = ARTICLE.format(
        '<div style="letter-spacing: 0.1em !important"><p style="letter-spacing: 0.2em !important">Rest.</p></div>'
    )
    html = f'<html lang="en"><head><title>Colds</title></head><body>{body}</body></html>'
    spacing = [f for f in markup_findings(html, "cold.html", CFG, browser) if f.rule == "AX075"]
    assert [f.outcome for f in spacing] == ["review"]


def test_every_request_but_the_page_is_blocked(browser: Browser, httpserver: HTTPServer) -> None:
    base = httpserver.url_for("/")
    httpserver.expect_request("/article").respond_with_data(
        "should not be fetched again", content_type="text/html"
    )
    page = (
        f'<html lang="en"><head><title>Colds</title><link rel="stylesheet" href="{base}style.css">'
        f'<script src="{base}app.js"></script></head><body>'
        + ARTICLE.format(
            f'<img src="{base}rash.png" alt="A rash"><img src="relative.png" alt="x"><iframe title="v" src="{base}v">'
            f'</iframe><script>fetch("{base}beacon").catch(() => {{}})</script>'
        )
        + "</body></html>"
    )
    out = markup_findings(page, base + "article", CFG, browser)
    assert not [f for f in out if f.rule == "AX901"], out
    assert (
        httpserver.log == []
    )  # the page came from memory; its images, styles, scripts and frames were blocked


def test_one_browser_is_shared_by_the_articles_of_a_run(tmp_path: Path) -> None:
    for name in ("a", "b", "c"):
        (tmp_path / f"{name}.html").write_text(
            f'<html lang="en"><head><title>{name}</title></head><body>'
            + ARTICLE.format("<img src=x.png>")
            + "</body></html>",
            encoding="utf-8",
        )
    config = from_mapping({"grammar": {"enabled": False}, "accessibility": {"browser": True}, "workers": 3})
    ctx = CheckContext(config=config)
    try:
        run = run_audit([str(tmp_path)], config, ctx=ctx)
        shared = ctx.extras["accessibility.browser"]
        assert isinstance(shared, Browser) and shared.started and shared.audits == 3
        for article in run.articles:
            assert any(
                "image-alt" in f.data.get("axe_rules", []) for f in article.findings if f.rule == "AX005"
            )
    finally:
        close_shared_browser(ctx)
    assert not shared.started and "accessibility.browser" not in ctx.extras


def test_missing_axe_script_is_reported_not_skipped(tmp_path: Path) -> None:
    broken = Browser(chromium=CFG.chromium, axe_script=tmp_path / "axe.min.js")
    out = markup_findings("<html><body><p>Text.</p></body></html>", "a.html", CFG, broken)
    [reason] = [f.message for f in out if f.rule == "AX901"]
    assert "axe-core was not found" in reason and not broken.started


def test_files_are_served_at_a_placeholder_address() -> None:
    assert page_url("/srv/articles/sepsis.html") == "https://article.health-audit.invalid/sepsis.html"
    assert (
        page_url("case:AX900 low contrast") == "https://article.health-audit.invalid/case-AX900-low-contrast"
    )
    assert (
        page_url("https://www.nhs.uk/conditions/sepsis/#symptoms") == "https://www.nhs.uk/conditions/sepsis/"
    )
