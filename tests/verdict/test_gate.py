"""The gate: --fail-on, baseline mode (only new findings and worse reading levels fail), and the
command-line wiring of --waivers, --baseline and --fail-on through the real pipeline."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.model import Finding, RunResult, Span
from pipeline.output import json_report
from pipeline.rules.registry import finding
from pipeline.verdict.baseline import BaselineError, load_baseline
from pipeline.verdict.gate import GateInputs, apply_gate
from pipeline.verdict.waivers import Waiver
from tests.output.test_report_data import sample_run

TODAY = date(2026, 11, 20)
cli = CliRunner()


def _baseline(tmp_path: Path, run: RunResult) -> Path:
    folder = tmp_path / "before"
    folder.mkdir(exist_ok=True)
    return json_report.write(run, folder)


def _sepsis(run: RunResult) -> list[Finding]:
    return run.articles[1].findings


def test_fail_on_levels() -> None:
    for fail_on, verdict in (("error", "fail"), ("warning", "fail"), ("never", "pass")):
        run = sample_run(fail_on)
        report = apply_gate(run, inputs=GateInputs(), today=TODAY)
        assert (report.verdict, run.gate()) == (verdict, verdict)
    only_warnings = sample_run("error")
    only_warnings.articles = only_warnings.articles[:1]  # the clean article
    only_warnings.articles[0].findings.append(finding("RD001", "Reading age 13.", level="warning"))
    assert apply_gate(only_warnings, inputs=GateInputs(), today=TODAY).verdict == "pass"
    only_warnings.fail_on = "warning"
    report = apply_gate(only_warnings, inputs=GateInputs(), today=TODAY)
    assert (report.verdict, report.blocking) == ("fail", 1)


def test_same_findings_as_baseline_pass_and_stay_visible(tmp_path: Path) -> None:
    path = _baseline(tmp_path, sample_run())
    run = sample_run()
    report = apply_gate(run, inputs=GateInputs(baseline=load_baseline(path)), today=TODAY)
    assert report.verdict == "pass" and report.blocking == 0
    known = [f for f in _sepsis(run) if f.outcome in ("fail", "review")]
    assert known and all(f.suppressed and f.suppressed["kind"] == "baseline" for f in known)
    assert all(f.data["baseline"]["state"] == "unchanged" for f in known)
    assert report.baseline is not None
    assert (report.baseline.new, report.baseline.fixed, report.baseline.worse) == (0, 0, 0)
    assert report.baseline.unchanged == report.known == len(known) + 1  # + the unreadable article's EX001


def test_only_new_findings_count(tmp_path: Path) -> None:
    path = _baseline(tmp_path, sample_run())
    run = sample_run()
    text = run.articles[1].text
    start = text.index("bluish")
    new = finding("GR002", "Possible spelling mistake.", span=(start, start + 6), text=text, level="error")
    run.articles[1].findings.append(new)
    report = apply_gate(run, inputs=GateInputs(baseline=load_baseline(path)), today=TODAY)
    assert report.verdict == "fail" and report.blocking == 1
    assert new.counts and new.data["baseline"]["state"] == "new"
    assert report.baseline is not None and report.baseline.new == 1


def test_fixed_findings_are_counted(tmp_path: Path) -> None:
    path = _baseline(tmp_path, sample_run())
    run = sample_run()
    run.articles[1].findings = [f for f in _sepsis(run) if f.rule != "GR002"]
    report = apply_gate(run, inputs=GateInputs(baseline=load_baseline(path)), today=TODAY)
    assert report.baseline is not None and report.baseline.fixed == 1
    assert report.verdict == "pass"


def test_repeated_excerpt_keeps_earlier_occurrences_known(tmp_path: Path) -> None:
    def with_typos(n: int) -> RunResult:
        run = sample_run()
        a = run.articles[0]
        a.text = " ".join(["Wash your handz."] * 3)
        for i in range(n):
            s = a.text.index("handz", i * 17)
            a.findings.append(finding("GR002", "Spelling.", span=(s, s + 5), text=a.text, level="error"))
        return run

    path = _baseline(tmp_path, with_typos(2))
    report = apply_gate(with_typos(3), inputs=GateInputs(baseline=load_baseline(path)), today=TODAY)
    assert report.baseline is not None and (report.baseline.new, report.blocking) == (1, 1)
    fewer = apply_gate(with_typos(1), inputs=GateInputs(baseline=load_baseline(path)), today=TODAY)
    assert fewer.baseline is not None and (fewer.baseline.new, fewer.baseline.fixed) == (0, 1)


def test_worse_reading_level_counts_even_when_known(tmp_path: Path) -> None:
    path = _baseline(tmp_path, sample_run("warning"))
    same = sample_run("warning")
    assert apply_gate(same, inputs=GateInputs(baseline=load_baseline(path)), today=TODAY).verdict == "pass"

    worse = sample_run("warning")
    rd = worse.articles[1].metrics["readability"]
    rd["smog"], rd["uk_reading_age"] = 10.4, 15.4
    rd001 = next(f for f in _sepsis(worse) if f.rule == "RD001")
    rd001.data = {"smog": 10.4, "uk_reading_age": 15.4}
    report = apply_gate(worse, inputs=GateInputs(baseline=load_baseline(path)), today=TODAY)
    assert rd001.counts and rd001.data["baseline"]["state"] == "worse"
    assert report.verdict == "fail" and report.blocking == 1
    assert report.baseline is not None and report.baseline.worse == 1
    [change] = report.baseline.reading_worse
    assert (change.figure, change.before, change.after) == ("smog", 9.2, 10.4)

    better = sample_run("warning")
    better.articles[1].metrics["readability"]["smog"] = 8.0
    next(f for f in _sepsis(better) if f.rule == "RD001").data = {"smog": 8.0}
    assert apply_gate(better, inputs=GateInputs(baseline=load_baseline(path)), today=TODAY).verdict == "pass"


def test_articles_missing_from_baseline_are_all_new(tmp_path: Path) -> None:
    before = sample_run()
    before.articles = before.articles[:1]
    path = _baseline(tmp_path, before)
    run = sample_run()
    report = apply_gate(run, inputs=GateInputs(baseline=load_baseline(path)), today=TODAY)
    assert report.baseline is not None
    assert report.baseline.new_articles == ["content/sepsis.html", "content/missing.html"]
    assert report.verdict == "fail" and report.known == 0


def test_expired_waiver_is_not_excused_by_the_baseline(tmp_path: Path) -> None:
    path = _baseline(tmp_path, sample_run())
    run = sample_run()
    expired = Waiver(rule="GR002", article="sepsis.html", excerpt="paracetmol", reason="Brand name.",
                     approved_by="Dr A Patel", expires=date(2026, 1, 1))
    report = apply_gate(run, inputs=GateInputs(waivers=[expired], baseline=load_baseline(path)), today=TODAY)
    gr002 = next(f for f in _sepsis(run) if f.rule == "GR002")
    assert gr002.counts and gr002.data["waiver"]["status"] == "expired"
    assert report.verdict == "fail" and report.blocking == 1


def test_baseline_from_a_report_without_fingerprints(tmp_path: Path) -> None:
    path = _baseline(tmp_path, sample_run())
    data = json.loads(path.read_text(encoding="utf-8"))
    for a in data["articles"]:
        for f in a["findings"]:
            f.pop("fingerprint")
    path.write_text(json.dumps(data), encoding="utf-8")
    run = sample_run()
    assert apply_gate(run, inputs=GateInputs(baseline=load_baseline(path)), today=TODAY).verdict == "pass"


def test_bad_baselines_are_named(tmp_path: Path) -> None:
    with pytest.raises(BaselineError, match="not found"):
        load_baseline(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(BaselineError, match="not JSON"):
        load_baseline(bad)
    bad.write_text('{"version": "2.1.0", "runs": []}', encoding="utf-8")  # a SARIF file by mistake
    with pytest.raises(BaselineError, match="not a health-audit report.json"):
        load_baseline(bad)


def test_gate_marks_a_span_finding_the_same_as_json_fingerprints(tmp_path: Path) -> None:
    run = sample_run()
    data = json_report.run_dict(run)
    fps = [f["fingerprint"] for f in data["articles"][1]["findings"]]
    assert len(set(fps)) == len(fps)
    moved = sample_run()
    shift = "Updated today. "
    a = moved.articles[1]
    a.text = shift + a.text
    for f in a.findings:
        if f.span:
            f.span = Span(f.span.start + len(shift), f.span.end + len(shift))
    assert [f["fingerprint"] for f in json_report.run_dict(moved)["articles"][1]["findings"]] == fps


# --- the command line ---------------------------------------------------------------------------

PAGE = """<!DOCTYPE html><html lang="en-GB"><head><title>Colds</title></head><body><main><article>
<h1>Colds</h1><p>A cold is a mild infection of the nose and throat. It gets better on its own.</p>
<p>Rest and drink plenty of fluids.</p></article></main></body></html>"""


@pytest.fixture
def site(tmp_path: Path) -> Path:
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "colds.html").write_text(PAGE, encoding="utf-8")
    (folder / "empty.html").write_text("", encoding="utf-8")  # cannot be audited: an EX error
    return folder


def _audit(site: Path, out: Path, *extra: str) -> tuple[int, str]:
    result = cli.invoke(app, ["audit", str(site), "--out", str(out), "--no-grammar", *extra])
    return result.exit_code, result.output


def test_cli_baseline_waivers_and_fail_on(site: Path, tmp_path: Path) -> None:
    code, output = _audit(site, tmp_path / "first")
    assert code == 1, output
    first = json.loads((tmp_path / "first" / "report.json").read_text(encoding="utf-8"))
    assert first["gate"]["verdict"] == "fail" and first["gate"]["baseline"] is None

    code, output = _audit(site, tmp_path / "second", "--baseline", str(tmp_path / "first" / "report.json"))
    assert code == 0, output
    assert "0 new" in output
    second = json.loads((tmp_path / "second" / "report.json").read_text(encoding="utf-8"))
    assert second["gate"]["baseline"]["unchanged"] >= 1 and second["summary"]["gate"] == "pass"
    assert "Compared with the baseline" in (tmp_path / "second" / "summary.md").read_text(encoding="utf-8")

    broken = next(a for a in first["articles"] if a["status"] == "error")
    fp = broken["findings"][0]["fingerprint"]
    waivers = tmp_path / "waivers.yaml"
    entry = (f"  - rule: EX001\n    article: empty.html\n    fingerprint: {fp}\n    reason: Page retired next week.\n"
             "    approved_by: Dr A Patel\n    expires: {expires}\n")
    waivers.write_text("waivers:\n" + entry.format(expires="2999-01-01") + entry.format(expires="2001-01-01")
                       + "  - rule: RD001\n    article: nowhere.html\n    excerpt: x\n    reason: r\n"
                       "    approved_by: b\n    expires: 2999-01-01\n", encoding="utf-8")
    code, output = _audit(site, tmp_path / "third", "--waivers", str(waivers))
    assert code == 0, output  # the active waiver waives it; the expired duplicate no longer does anything
    assert "unused: entry 3" in output
    third = json.loads((tmp_path / "third" / "report.json").read_text(encoding="utf-8"))
    assert [e["status"] for e in third["gate"]["waivers"]["entries"]] == ["active", "expired", "unused"]

    waivers.write_text("waivers:\n" + entry.format(expires="2001-01-01"), encoding="utf-8")
    code, output = _audit(site, tmp_path / "fourth", "--waivers", str(waivers))
    assert code == 1, output
    assert "expired 2001-01-01" in output


def test_cli_bad_waivers_file_fails_before_auditing(site: Path, tmp_path: Path) -> None:
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text("waivers:\n  - rule: EX001\n    article: empty.html\n    reason: r\n", encoding="utf-8")
    code, output = _audit(site, tmp_path / "out", "--waivers", str(waivers))
    assert code == 2
    assert "waivers.0" in output and "approved_by" in output
    assert not (tmp_path / "out" / "report.json").exists()
    code, output = _audit(site, tmp_path / "out", "--baseline", str(tmp_path / "nope.json"))
    assert code == 2 and "baseline not found" in output


def test_known_records_since_when_and_carries_it_from_baseline_to_baseline(tmp_path: Path) -> None:
    first = sample_run()
    first.id, first.finished_at = "run-first", "2026-10-01T09:00:00+00:00"
    path = _baseline(tmp_path, first)
    second = sample_run()
    second.id, second.finished_at = "run-second", "2026-11-01T09:00:00+00:00"
    apply_gate(second, inputs=GateInputs(baseline=load_baseline(path)), today=TODAY)
    known = [f for f in _sepsis(second) if f.suppressed and f.suppressed["kind"] == "baseline"]
    assert known and all(f.suppressed["since"] == {"run": "run-first", "date": "2026-10-01"} for f in known)
    assert "still failing since run run-first of 2026-10-01" in known[0].suppressed["reason"]
    folder = tmp_path / "second"
    folder.mkdir()
    later = json_report.write(second, folder)
    third = sample_run()
    apply_gate(third, inputs=GateInputs(baseline=load_baseline(later)), today=TODAY)
    again = [f for f in _sepsis(third) if f.suppressed and f.suppressed["kind"] == "baseline"]
    assert again and all(f.data["baseline"]["since"]["run"] == "run-first" for f in again)


def test_a_failing_safety_message_is_never_absorbed_by_the_baseline(tmp_path: Path) -> None:
    def with_safety_failure() -> RunResult:
        run = sample_run()
        run.articles[1].findings.append(finding("SM002", "No urgent advice was found.", level="warning"))
        run.articles[1].findings.append(finding("SM004", "Another country's number.", outcome="review",
                                                level="warning"))
        return run

    path = _baseline(tmp_path, with_safety_failure())
    run = with_safety_failure()
    report = apply_gate(run, inputs=GateInputs(baseline=load_baseline(path)), today=TODAY)
    sm002 = next(f for f in _sepsis(run) if f.rule == "SM002")
    sm004 = next(f for f in _sepsis(run) if f.rule == "SM004")
    assert sm002.counts and sm002.data["baseline"] == {**sm002.data["baseline"], "state": "unchanged", "blocks": "safety"}
    assert not sm004.counts  # a safety finding for review (not a fail) is known like any other
    assert report.baseline is not None and report.baseline.safety_kept == 1
    run.fail_on = "warning"
    assert apply_gate(run, inputs=GateInputs(baseline=load_baseline(path)), today=TODAY).verdict == "fail"


def test_a_pull_request_gate_lowers_only_the_calendar_and_regating_restores_it() -> None:
    from pipeline.config import from_mapping

    run = sample_run()
    cu = finding("CU003", "The next review was due 1 March 2025.", level="error")
    run.articles[0].findings.append(cu)
    pr = from_mapping({"context": "pr"})
    report = apply_gate(run, pr, inputs=GateInputs(), today=TODAY)
    assert cu.level == "note" and not any(f is cu for f in run.articles[0].findings if f.level == "error")
    assert report.verdict == "fail"  # the sepsis article's own errors still count
    apply_gate(run, from_mapping({}), inputs=GateInputs(), today=TODAY)
    assert cu.level == "error" and "context" not in cu.data
    apply_gate(run, from_mapping({"context": "pr", "currency": {"gate_in_pr": True}}), inputs=GateInputs(), today=TODAY)
    assert cu.level == "error"


def test_default_levels_follow_clinical_weight() -> None:
    """Errors: a missing or misplaced safety message, an article not audited, content past its review
    date. Long sentences and unexplained terms are warnings, so they do not outweigh 'no 999'."""
    from pipeline.rules import RULES

    for code in ("SM001", "SM003", "EX001", "EX002", "EX003", "CU003", "GR900"):
        assert RULES[code].default_level == "error", code
    for code in ("RD004", "RD005", "MT001", "MT002", "MT003"):
        assert RULES[code].default_level == "warning", code
