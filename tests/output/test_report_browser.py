"""The report in a real browser: Debian's Chromium driven by Playwright, with axe-core injected.

- axe-core finds no WCAG 2.2 A/AA (or best-practice) violation on the index and an article page;
- nothing from a hostile article runs, whether or not the Content-Security-Policy is enforced;
- the policy blocks a script the report did not bring, while the report's own sort script runs;
- sorting and filtering work, findings are reachable by keyboard, and print shows collapsed parts.
"""

from __future__ import annotations

import contextlib
import json
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from pipeline.api import audit
from pipeline.config import from_mapping
from pipeline.model import RunResult
from pipeline.output.html_report import article_filename
from pipeline.output.writer import write_outputs
from pipeline.verdict.gate import GateInputs, apply_gate
from pipeline.verdict.waivers import Waiver
from tests.conftest import ROOT
from tests.output.test_outputs import GOOD, NASTY
from tests.output.test_report_data import PAYLOADS, hostile_run, sample_run

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
TODAY = date(2026, 11, 20)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists() or not AXE.exists():
        pytest.skip("needs Debian's chromium and node_modules/axe-core (bash scripts/bootstrap.sh)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        # Playwright gives each launch a fresh temporary profile of its own.
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield b
        finally:
            b.close()


def _gated_run(out: Path) -> RunResult:
    run = sample_run()
    run.stats = {"trends": {
        "runs": [{"id": "r0", "finished_at": "2026-11-13T09:00:00+00:00", "articles": 3, "errors": 5,
                  "warnings": 2, "notes": 0, "gate": "fail"}],
        "articles": {run.articles[1].id: {"new": False, "smog_before": 8.7,
                                          "counts_before": {"GR": {"error": 3, "warning": 0, "note": 0}}}},
    }}
    waivers = [
        Waiver(rule="AX005", article="sepsis.html", excerpt="rash.png", reason="Image replaced next sprint.",
               approved_by="Dr A Patel", expires=date(2027, 1, 1)),
        Waiver(rule="MT001", article="sepsis.html", excerpt="mottled", reason="Explained in the glossary link.",
               approved_by="Dr A Patel", expires=date(2027, 1, 1)),
        Waiver(rule="GR002", article="sepsis.html", excerpt="paracetmol", reason="Old brand.",
               approved_by="Dr B Jones", expires=date(2026, 1, 1)),
        Waiver(rule="RD002", article="nowhere.html", excerpt="x", reason="r", approved_by="Dr C",
               expires=date(2027, 1, 1)),
    ]
    gate = apply_gate(run, inputs=GateInputs(waivers=waivers), today=TODAY)
    write_outputs(run, out, ["html", "json", "md"], gate)
    return run


def _axe(page: Any) -> list[dict[str, Any]]:
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result: list[dict[str, Any]] = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return r.violations.map(v => ({id: v.id, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ': ' + n.failureSummary)}));
        }""",
        AXE_TAGS,
    )
    return result


def test_axe_finds_no_violations_and_screenshots_are_saved(browser: Any, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run = _gated_run(out)
    shots = out / "screenshots"
    shots.mkdir()
    # axe is injected as an inline script, which the report's own policy would rightly refuse.
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    for name, path in (("index", out / "index.html"), ("article", out / article_filename(run.articles[1])),
                       ("unreadable", out / article_filename(run.articles[2]))):
        page.goto(path.as_uri())
        violations = _axe(page)
        assert violations == [], f"{name}: {json.dumps(violations, indent=1)}"
        page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
        assert (shots / f"{name}.png").stat().st_size > 10_000
    for width in (320,):  # reflow (WCAG 1.4.10): still no violation on a narrow screen
        page.set_viewport_size({"width": width, "height": 800})
        page.goto((out / article_filename(run.articles[1])).as_uri())
        assert _axe(page) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    context.close()


def _attacks_seen(page: Any) -> dict[str, Any]:
    seen: dict[str, Any] = page.evaluate(
        """() => ({
            pwned: window.__pwned === undefined ? null : window.__pwned,
            scripts: document.scripts.length,
            handlers: [...document.querySelectorAll('*')].flatMap(el =>
                [...el.attributes].filter(a => a.name.toLowerCase().startsWith('on')).map(a => el.tagName + ' ' + a.name)),
            embedded: document.querySelectorAll('iframe, img, svg, object, embed, base, meta[http-equiv=refresh]').length,
            title: document.title,
            text: document.body.innerText,
        })"""
    )
    return seen


@pytest.mark.parametrize("enforce_csp", [False, True], ids=["escaping-alone", "with-csp"])
def test_nothing_from_a_hostile_article_runs(browser: Any, tmp_path: Path, enforce_csp: bool) -> None:
    out = tmp_path / "built"
    run = hostile_run()
    write_outputs(run, out, ["html"])
    # The same page from the real pipeline: script tags, handlers and javascript: links in real markup.
    site = tmp_path / "site"
    site.mkdir()
    (site / "nasty.html").write_text(NASTY, encoding="utf-8")
    (site / "colds.html").write_text(GOOD, encoding="utf-8")
    real = audit([str(site)], from_mapping({"out": str(tmp_path / "real"), "grammar": {"enabled": False},
                                            "history": {"enabled": False}}))
    pages = [(out / "index.html", 1), *[(out / article_filename(a), 0) for a in run.articles],
             (tmp_path / "real" / "index.html", 1), *[(tmp_path / "real" / article_filename(a), 0)
                                                      for a in real.run.articles]]
    context = browser.new_context(bypass_csp=not enforce_csp)
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for path, own_scripts in pages:
        page.goto(path.as_uri())
        page.evaluate(  # point at and focus every link, as a reviewer would
            """() => document.querySelectorAll('a').forEach(a => {
                a.focus();
                for (const type of ['mouseover', 'mouseenter', 'mousemove']) {
                    a.dispatchEvent(new MouseEvent(type, {bubbles: true}));
                }
            })"""
        )
        page.wait_for_timeout(50)
        seen = _attacks_seen(page)
        assert seen["pwned"] is None, (path.name, seen["pwned"])
        assert seen["scripts"] == own_scripts, path.name
        assert seen["handlers"] == [] and seen["embedded"] == 0, (path.name, seen)
        assert page.url == path.as_uri() or page.url.startswith(path.as_uri() + "#")  # no redirect
    assert dialogs == []
    page.goto((out / article_filename(run.articles[0])).as_uri())
    seen = _attacks_seen(page)
    assert PAYLOADS[0] in seen["text"] and PAYLOADS[2] in seen["text"]  # visible as text
    assert PAYLOADS[5] in seen["title"]
    context.close()


def test_policy_blocks_foreign_scripts_but_runs_the_reports_own(browser: Any, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run = _gated_run(out)
    context = browser.new_context()  # the policy is enforced
    page = context.new_page()
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto((out / article_filename(run.articles[1])).as_uri())
    # Playwright may report the refused script as an error; either way it must not run.
    with contextlib.suppress(Exception):
        page.add_script_tag(content="window.__injected = 1;")
    assert page.evaluate("window.__injected === undefined")
    assert violations, "the browser should report the refused script"
    page.goto((out / "index.html").as_uri())
    assert page.locator("#articles th button.sort").count() >= 5  # the hash-allowed script ran
    context.close()


def test_sorting_and_filtering_the_index(browser: Any, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _gated_run(out)
    page = browser.new_page()
    page.goto((out / "index.html").as_uri())
    names = page.locator("#articles tbody tr td:first-child a")
    assert names.all_inner_texts() == ["Sepsis", "content/missing.html", "Washing your hands"]
    page.get_by_role("button", name="Article").click()
    assert names.all_inner_texts() == ["content/missing.html", "Sepsis", "Washing your hands"]
    assert page.locator("th[aria-sort=ascending]").inner_text().startswith("Article")
    assert "Sorted by Article, ascending" in page.locator("#sort-status").inner_text()
    page.get_by_role("button", name="UK reading age").click()
    assert names.all_inner_texts()[0] == "Sepsis"  # 14.2 before 8.1 before none
    page.get_by_label("Errors", exact=False).first.check()
    visible = [n for n in names.all() if n.is_visible()]
    assert {n.inner_text() for n in visible} == {"Sepsis", "content/missing.html"}
    page.get_by_label("EX extraction and loading").check()
    assert [n.inner_text() for n in names.all() if n.is_visible()] == ["content/missing.html"]
    page.get_by_label("All families").check()
    page.get_by_label("All levels").check()
    assert all(n.is_visible() for n in names.all())
    page.close()


def test_findings_are_reachable_by_keyboard_and_print_shows_everything(browser: Any, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run = _gated_run(out)
    page = browser.new_page()
    page.goto((out / article_filename(run.articles[1])).as_uri())
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('badge')"):
            break
    else:
        pytest.fail("no finding badge reached with the Tab key")
    target = page.evaluate("document.activeElement.getAttribute('href')")
    page.keyboard.press("Enter")
    assert page.url.endswith(target)
    card = page.locator(f"{target}")
    assert card.is_visible() and "Why it matters for patients" in card.inner_text()
    assert page.evaluate(f"document.querySelector('{target}').matches(':target')")
    card.get_by_role("link", name="Back to finding").click()
    assert page.evaluate("document.activeElement.classList.contains('badge')") or page.url.endswith("#m-" + target[3:])
    removed = page.locator("details.stripped li").first
    assert not removed.is_visible()
    page.emulate_media(media="print")
    assert removed.is_visible()
    assert not page.locator("nav").first.is_visible()
    page.close()


def test_report_opens_from_a_copied_folder(browser: Any, tmp_path: Path) -> None:
    """Self-contained: the folder works anywhere, e.g. unpacked from a CI artifact."""
    out = tmp_path / "out"
    run = _gated_run(out)
    moved = tmp_path / "artifact"
    shutil.copytree(out, moved)
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto((moved / "index.html").as_uri())
    page.get_by_role("link", name="Sepsis").click()
    assert page.url.endswith(article_filename(run.articles[1]))
    assert [u for u in requests if not u.startswith("file://")] == []
    page.close()


def test_article_opens_with_what_blocks_and_cards_filter_without_a_server(browser: Any, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run = _gated_run(out)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto((out / article_filename(run.articles[1])).as_uri())
    blocks = page.locator("section.blocks")
    scorecard = page.locator("#h-score")
    assert blocks.is_visible() and blocks.bounding_box()["y"] < scorecard.bounding_box()["y"]
    assert blocks.bounding_box()["y"] < 900  # on the first screen
    first = blocks.locator("ol.blocking a").first
    target = first.get_attribute("href")
    first.click()
    assert page.url.endswith(str(target)) and page.locator(str(target)).is_visible()
    cards = page.locator("ol.findings > li.finding")
    total = cards.count()
    assert total > 3 and all(c.is_visible() for c in cards.all())
    page.get_by_label("GR grammar and spelling").check()
    shown = [c for c in cards.all() if c.is_visible()]
    assert shown and len(shown) < total and all("fam-GR" in (c.get_attribute("class") or "") for c in shown)
    page.get_by_label("All families").check()
    page.get_by_label("Notes", exact=False).check()
    shown = [c for c in cards.all() if c.is_visible()]
    assert shown and len(shown) < total and all("lvl-note" in (c.get_attribute("class") or "") for c in shown)
    page.get_by_label("All levels").check()
    assert all(c.is_visible() for c in cards.all())
    page.close()


def _pdf_pages(page: Any) -> int:
    import re

    pdf: bytes = page.pdf(format="A4", print_background=True)
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


def test_the_signoff_prints_on_one_or_two_a4_pages(browser: Any, tmp_path: Path) -> None:
    """Printed to PDF by Chromium: each sample's sign-off fits one or two A4 pages; the full report
    stays available (and is longer); the sign-off page has no axe violation."""
    out = tmp_path / "out"
    samples = ROOT / "samples" / "articles"
    outcome = audit([str(samples)], from_mapping({"out": str(out), "grammar": {"enabled": False},
                                                  "history": {"enabled": False}}))
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    longest = 0
    for a in outcome.run.articles:
        page.goto((out / f"signoff-{a.id}.html").as_uri())
        pages = _pdf_pages(page)
        assert 1 <= pages <= 2, (a.source, pages)
        page.goto((out / article_filename(a)).as_uri())
        longest = max(longest, _pdf_pages(page))
    assert longest > 2  # the full report is still there to read
    page.goto((out / f"signoff-{outcome.run.articles[0].id}.html").as_uri())
    assert _axe(page) == []
    context.close()
