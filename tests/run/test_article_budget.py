"""[runner] article_timeout: an article that runs over its time budget becomes an EX003 finding and
the run goes on with the others."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import from_mapping
from pipeline.run.pool import process_count
from pipeline.run.runner import run_audit
from tests.core.test_cli import GOOD

# Starts worker processes or several real audit processes: not part of the fast loop.
pytestmark = pytest.mark.slow

PARAGRAPH = "<p>Sepsis is a serious reaction to an infection. Call 111 if you are worried about a fever.</p>\n"


def test_a_budget_needs_a_worker_process_to_stop() -> None:
    assert process_count(from_mapping({}), 3) == 0
    assert process_count(from_mapping({"runner": {"article_timeout": 60}}), 3) == 1
    browser = from_mapping({"runner": {"article_timeout": 60}, "accessibility": {"browser": True}})
    assert process_count(browser, 3) == 0


def test_an_article_over_its_time_budget_is_an_ex_finding_and_the_run_goes_on(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    # About 2.5 MB of article: far more than the budget on any machine these tests run on.
    big = "<html lang='en'><body><article><h1>Big</h1>" + PARAGRAPH * 26000 + "</article></body></html>"
    (pages / "a-runaway.html").write_text(big, encoding="utf-8")
    (pages / "b-colds.html").write_text(GOOD, encoding="utf-8")
    (pages / "c-colds.html").write_text(GOOD.replace("Colds", "Coughs"), encoding="utf-8")
    config = from_mapping(
        {
            "out": str(tmp_path / "out"),
            "grammar": {"enabled": False},
            "history": {"enabled": False},
            "runner": {"article_timeout": 8, "processes": 1},
        }
    )
    run = run_audit([str(pages)], config)
    by_name = {Path(a.source).name: a for a in run.articles}
    runaway = by_name["a-runaway.html"]
    assert runaway.status == "error"
    assert [f.rule for f in runaway.findings] == ["EX003"]
    assert "time budget" in runaway.findings[0].message and "article_timeout = 8 s" in runaway.findings[0].message
    # The articles queued behind it (on the worker that was stopped) were audited on a fresh one.
    assert by_name["b-colds.html"].status == "audited"
    assert by_name["c-colds.html"].status == "audited"
    assert run.stats["worker_processes"]["stopped_over_budget"] == 1
