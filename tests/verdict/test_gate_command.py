"""The gate end to end through the command: exit codes, and what the terminal, summary.md, junit.xml
and the HTML report say when a baseline, a safety failure, a wrong path or switched-off grammar is
involved (issue 20)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from junitparser import JUnitXml, Skipped
from typer.testing import CliRunner

from pipeline.cli import app

cli = CliRunner()
SAMPLES = Path("samples/articles")
SEPSIS = "sepsis-causes.html"  # no 999 / A&E advice in the article: SM001 fails (error)
PILES = "piles-haemorrhoids.html"  # long sentences, an overdue review, an image without alt; no safety topic


def _audit(*args: str) -> Any:
    return cli.invoke(app, ["audit", *args, "--no-grammar"])


def _report(out: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((out / "report.json").read_text(encoding="utf-8"))
    return data


def _article_page(out: Path, name: str) -> str:
    report = _report(out)
    [entry] = [a for a in report["articles"] if a["source"].endswith(name)]
    return (out / f"article-{entry['id']}.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def content(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("content")
    for name in (SEPSIS, PILES):
        shutil.copy(SAMPLES / name, folder / name)
    return folder


@pytest.fixture(scope="module")
def baseline(content: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("baseline")
    result = _audit(str(content), "--out", str(out))
    assert result.exit_code == 1, result.output
    return out / "report.json"


@pytest.fixture(scope="module")
def against_baseline(content: Path, baseline: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path]:
    out = tmp_path_factory.mktemp("again")
    return _audit(str(content), "--out", str(out), "--baseline", str(baseline)), out


def test_a_baseline_never_absorbs_a_safety_failure(against_baseline: tuple[Any, Path], baseline: Path) -> None:
    result, out = against_baseline
    assert result.exit_code == 1, result.output  # the same content as the baseline, but no 999 advice
    report = _report(out)
    [sm] = [f for a in report["articles"] for f in a["findings"] if f["rule"] == "SM001" and f["outcome"] == "fail"]
    assert sm["suppressed"] is None and sm["data"]["baseline"]["state"] == "unchanged"
    assert sm["data"]["baseline"]["blocks"] == "safety"
    assert report["gate"]["baseline"]["safety_kept"] >= 1 and report["gate"]["baseline"]["new"] == 0
    # The terminal names it, as path  RULE  message, and says a baseline never absorbs it.
    [line] = [ln for ln in result.output.splitlines() if "  SM001  " in ln]
    assert line.startswith(str(Path(report["articles"][0]["source"]).parent)) and "never absorbed" in line
    page = _article_page(out, SEPSIS)
    assert "Does not block publication" not in page and "Blocks publication: 1 finding" in page
    assert re.search(r"SM safety messages</th><td><span class=\"status status-fail\">", page)
    assert "A baseline never excuses a missing or misplaced safety message" in page
    summary = (out / "summary.md").read_text(encoding="utf-8")
    assert "FAILED" in summary and "**SM001**" in summary


def test_known_is_not_pass(against_baseline: tuple[Any, Path], baseline: Path) -> None:
    _result, out = against_baseline
    before = _report(baseline.parent)["run"]
    since = f"still failing since run {before['id']} of {before['finished_at'][:10]}"
    page = _article_page(out, PILES)
    # No blocking finding is left on the piles page, but it is not a pass: every problem is still there.
    assert "Does not block publication" not in page
    assert "Known problems, not new" in page and since in page
    assert re.search(r"RD reading level and plain language</th><td><span class=\"status status-known\">"
                     r"<span aria-hidden=\"true\">◐</span> Known, still failing since run ", page)
    assert f"Known, {since}" in page  # on each known card
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "✓</span> None" not in index and "known, still failing since" in index
    assert "<td>Known, still failing: " in index  # the main problem of a page with only known findings
    summary = (out / "summary.md").read_text(encoding="utf-8")
    known = _report(out)["gate"]["baseline"]["unchanged"]
    assert f"0 new ({known} known)" in summary
    assert "| ✓ none |" not in summary
    assert summary.count("Since the previous run") == 0  # one comparison, not two


def test_known_findings_alone_pass_the_gate_but_say_so(content: Path, tmp_path: Path) -> None:
    folder = tmp_path / "piles"
    folder.mkdir()
    shutil.copy(content / PILES, folder / PILES)
    first = _audit(str(folder), "--out", str(tmp_path / "a"))
    assert first.exit_code == 1
    result = _audit(str(folder), "--out", str(tmp_path / "b"), "--baseline", str(tmp_path / "a" / "report.json"))
    assert result.exit_code == 0, result.output
    assert "known findings are still failing since run" in result.output
    summary = (tmp_path / "b" / "summary.md").read_text(encoding="utf-8")
    assert "✅" not in summary and "publication gate passed, nothing new" in summary
    assert "still failing since run" in summary


def test_a_safety_failure_is_cleared_only_by_a_named_waiver(content: Path, baseline: Path, tmp_path: Path) -> None:
    report = json.loads(baseline.read_text(encoding="utf-8"))
    sepsis = next(a for a in report["articles"] if a["source"].endswith(SEPSIS))
    safety = [f for f in sepsis["findings"] if f["rule"].startswith("SM") and f["outcome"] == "fail"]
    entries = "".join(
        f"  - rule: {f['rule']}\n    article: {SEPSIS}\n    fingerprint: {f['fingerprint']}\n"
        "    reason: The emergency advice is in the linked sepsis page, agreed with the clinical lead.\n"
        "    approved_by: Dr A Patel (clinical lead)\n    expires: 2099-01-01\n"
        for f in safety
    )
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text("waivers:\n" + entries, encoding="utf-8")
    out = tmp_path / "out"
    result = _audit(str(content), "--out", str(out), "--baseline", str(baseline), "--waivers", str(waivers))
    assert result.exit_code == 0, result.output
    waived = [f for a in _report(out)["articles"] for f in a["findings"] if f["rule"].startswith("SM")
              and f["outcome"] == "fail"]
    assert waived and all(f["suppressed"]["kind"] == "waiver" for f in waived)


def test_grammar_switched_off_is_shown_everywhere(tmp_path: Path) -> None:
    folder = tmp_path / "content"
    folder.mkdir()
    shutil.copy(SAMPLES / PILES, folder / PILES)
    out = tmp_path / "out"
    result = _audit(str(folder), "--out", str(out))
    assert "Grammar and spelling not checked (switched off)." in result.output
    page = _article_page(out, PILES)
    assert re.search(r"GR grammar and spelling</th><td><span class=\"status status-not_run\">"
                     r"<span aria-hidden=\"true\">–</span> Not checked \(switched off\)</span>", page)
    xml = JUnitXml.fromfile(str(out / "junit.xml"))
    [suite] = list(xml)
    [gr] = [c for c in suite if c.name.startswith("GR ")]
    assert isinstance(gr.result[0], Skipped) and gr.result[0].message == "Grammar and spelling not checked (switched off)."
    summary = (out / "summary.md").read_text(encoding="utf-8")
    assert "Grammar and spelling not checked (switched off)." in summary
    assert "Grammar and spelling not checked (switched off)." in (out / "index.html").read_text(encoding="utf-8")


def test_the_terminal_lists_what_blocks_with_line_and_column(tmp_path: Path) -> None:
    result = _audit(str(SAMPLES / PILES), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    lines = [ln for ln in result.output.splitlines() if ln.startswith(str(SAMPLES / PILES))]
    sarif = json.loads((tmp_path / "out" / "report.sarif").read_text(encoding="utf-8"))
    located = {
        (r["ruleId"], loc["physicalLocation"]["region"]["startLine"], loc["physicalLocation"]["region"]["startColumn"])
        for r in sarif["runs"][0]["results"]
        for loc in r.get("locations", [])
        if "region" in loc.get("physicalLocation", {}) and r.get("level") == "error" and r.get("kind") == "fail"
    }
    printed = set()
    for ln in lines:
        m = re.match(r"^\S+?:(\d+):(\d+)  ([A-Z]{2}\d{3})  \S", ln)
        if m:
            printed.add((m.group(3), int(m.group(1)), int(m.group(2))))
    assert printed and printed <= located
    blocking = _report(tmp_path / "out")["gate"]["blocking"]
    assert len(lines) == blocking


def test_an_overdue_review_does_not_fail_a_pull_request_unless_configured(tmp_path: Path) -> None:
    # type-2-diabetes.html: its next review date passed (CU003) and it has other errors; a page of its own
    # whose only error is the overdue review shows the difference.
    page = tmp_path / "content" / "colds.html"
    page.parent.mkdir()
    page.write_text(
        '<!DOCTYPE html><html lang="en-GB"><head><title>Colds</title></head><body><main><article><h1>Colds</h1>'
        "<p>A cold is a mild infection of the nose and throat. It gets better on its own.</p>"
        "<p>Rest and drink plenty of fluids.</p><p>Page last reviewed: 1 March 2024. Next review due: 1 March 2025.</p>"
        "</article></main></body></html>", encoding="utf-8")
    scheduled = _audit(str(page.parent), "--out", str(tmp_path / "a"))
    assert scheduled.exit_code == 1 and "  CU003  " in scheduled.output, scheduled.output
    pr = _audit(str(page.parent), "--out", str(tmp_path / "b"), "--context", "pr")
    assert pr.exit_code == 0, pr.output
    [cu] = [f for f in _report(tmp_path / "b")["articles"][0]["findings"] if f["rule"] == "CU003"]
    assert cu["level"] == "note" and cu["data"]["context"] == {"name": "pr", "level": "error"}
    assert "A note in this pull-request gate" in _article_page(tmp_path / "b", "colds.html")
    cfg = tmp_path / "health-audit.toml"
    cfg.write_text("[currency]\ngate_in_pr = true\n", encoding="utf-8")
    strict = _audit(str(page.parent), "--out", str(tmp_path / "c"), "--context", "pr", "--config", str(cfg))
    assert strict.exit_code == 1
    assert _audit(str(page.parent), "--context", "nightly").exit_code == 2
