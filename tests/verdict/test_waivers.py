"""Waivers: loading and validation, matching by excerpt or fingerprint, expiry and unused entries."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pipeline.model import Finding, RunResult, finding_fingerprints, fingerprints
from pipeline.verdict.gate import GateInputs, apply_gate
from pipeline.verdict.waivers import Waiver, WaiverError, article_matches, load_waivers
from tests.output.test_report_data import sample_run

TODAY = date(2026, 11, 20)


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "waivers.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _sepsis(run: RunResult) -> list[Finding]:
    return run.articles[1].findings


def _by_rule(run: RunResult, code: str) -> Finding:
    return next(f for f in _sepsis(run) if f.rule == code)


def test_loads_a_valid_file(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """
waivers:
  - rule: GR002
    article: content/sepsis.html
    excerpt: paracetmol
    reason: Brand spelling agreed with pharmacy.
    approved_by: Dr A Patel (clinical lead)
    approved_on: 2026-11-01
    expires: 2027-05-01
""",
    )
    [w] = load_waivers(path)
    assert (w.rule, w.excerpt, w.expires) == ("GR002", "paracetmol", date(2027, 5, 1))
    assert w.approved_on == date(2026, 11, 1)


@pytest.mark.parametrize(
    ("entry", "complaint"),
    [
        ("rule: GR002\n    article: a\n    reason: r\n    approved_by: b\n    expires: 2027-01-01", "excerpt or the fingerprint"),
        ("rule: GR002\n    article: a\n    excerpt: x\n    approved_by: b\n    expires: 2027-01-01", "reason"),
        ("rule: GR002\n    article: a\n    excerpt: x\n    reason: r\n    expires: 2027-01-01", "approved_by"),
        ("rule: GR002\n    article: a\n    excerpt: x\n    reason: r\n    approved_by: b", "expires"),
        ("rule: GR002\n    article: a\n    excerpt: x\n    reason: r\n    approved_by: b\n    expires: soon", "expires"),
        ("rule: grammar\n    article: a\n    excerpt: x\n    reason: r\n    approved_by: b\n    expires: 2027-01-01", "rule"),
        ("rule: GR002\n    article: a\n    excerpt: x\n    reason: '  '\n    approved_by: b\n    expires: 2027-01-01", "blank"),
        ("rule: GR002\n    article: a\n    excerpt: x\n    reason: r\n    approved_by: b\n    expires: 2027-01-01\n    typo: 1", "unknown key"),
    ],
)
def test_invalid_entries_are_named(tmp_path: Path, entry: str, complaint: str) -> None:
    path = _write(tmp_path, f"waivers:\n  - {entry}\n")
    with pytest.raises(WaiverError) as err:
        load_waivers(path)
    assert "waivers.0" in str(err.value) and complaint in str(err.value)
    assert str(path) in str(err.value)


def test_missing_file_and_bad_yaml_are_errors(tmp_path: Path) -> None:
    with pytest.raises(WaiverError, match="not found"):
        load_waivers(tmp_path / "nope.yaml")
    with pytest.raises(WaiverError, match="not valid YAML"):
        load_waivers(_write(tmp_path, "waivers: [\n"))


def test_article_patterns() -> None:
    a = sample_run().articles[1]
    assert article_matches("content/sepsis.html", a)
    assert article_matches("sepsis.html", a)  # a path suffix, as CI checkouts differ in root
    assert article_matches("./sepsis.html", a)
    assert article_matches("content/*.html", a)
    assert article_matches(a.id, a)
    assert not article_matches("psis.html", a)
    assert not article_matches("other/*.html", a)


def test_fingerprints_are_stable_and_count_repeats() -> None:
    first = fingerprints([("GR002", "colour", None), ("GR002", "Colour ", None), ("GR001", "colour", None)])
    assert len(set(first)) == 3  # the repeat gets its own id; another rule differs
    again = fingerprints([("GR002", "colour", None), ("GR002", "colour", None)])
    assert again == first[:2]  # case and spacing do not change the id
    assert all(len(fp) == 16 for fp in first)


def _waiver(**kw: object) -> Waiver:
    base = {"rule": "GR002", "article": "sepsis.html", "reason": "Agreed.", "approved_by": "Dr A Patel",
            "expires": date(2027, 5, 1)}
    return Waiver.model_validate({**base, **kw})


def test_waived_finding_stays_visible_and_stops_counting() -> None:
    run = sample_run()
    assert run.gate() == "fail"
    report = apply_gate(run, inputs=GateInputs(waivers=[_waiver(excerpt="paracetmol")]), today=TODAY)
    f = _by_rule(run, "GR002")
    assert f in _sepsis(run)  # still there, for the reviewer
    assert f.suppressed is not None
    assert f.suppressed["kind"] == "waiver" and f.suppressed["approved_by"] == "Dr A Patel"
    assert f.suppressed["expires"] == "2027-05-01"
    assert not f.counts
    assert report.waived == 1 and [w.status for w in report.waivers] == ["active"]


def test_excerpt_may_quote_the_words_around_a_short_finding() -> None:
    run = sample_run()
    apply_gate(run, inputs=GateInputs(waivers=[_waiver(excerpt="Take  PARACETMOL for a high")]), today=TODAY)
    assert _by_rule(run, "GR002").suppressed is not None


def test_fingerprint_waiver_matches_only_that_finding() -> None:
    run = sample_run()
    sepsis = run.articles[1]
    fp = dict(zip(map(id, sepsis.findings), finding_fingerprints(sepsis.findings), strict=True))
    target = _by_rule(run, "AX005")
    report = apply_gate(
        run, inputs=GateInputs(waivers=[_waiver(rule="AX005", fingerprint=fp[id(target)])]), today=TODAY
    )
    assert target.suppressed is not None
    assert [f.rule for f in sepsis.findings if f.suppressed] == ["AX005"]
    assert report.waivers[0].matched == 1


def test_expired_waiver_counts_as_not_waived_and_says_so() -> None:
    run = sample_run()
    expired = _waiver(excerpt="paracetmol", expires=date(2026, 11, 19))
    report = apply_gate(run, inputs=GateInputs(waivers=[expired]), today=TODAY)
    f = _by_rule(run, "GR002")
    assert f.suppressed is None and f.counts
    assert f.data["waiver"]["status"] == "expired"
    assert f.data["waiver"]["expires"] == "2026-11-19"
    assert [w.status for w in report.waivers] == ["expired"]
    assert report.expired_waivers and report.verdict == "fail"


def test_waiver_is_still_valid_on_its_expiry_date() -> None:
    run = sample_run()
    apply_gate(run, inputs=GateInputs(waivers=[_waiver(excerpt="paracetmol", expires=TODAY)]), today=TODAY)
    assert _by_rule(run, "GR002").suppressed is not None


def test_waiver_that_matches_nothing_is_reported_unused() -> None:
    run = sample_run()
    stale = [
        _waiver(excerpt="ibuprofen"),  # no such text
        _waiver(rule="GR001", excerpt="paracetmol", article="other.html"),  # wrong article
        _waiver(rule="RD002", excerpt="paracetmol"),  # wrong rule
    ]
    report = apply_gate(run, inputs=GateInputs(waivers=stale), today=TODAY)
    assert [w.status for w in report.waivers] == ["unused", "unused", "unused"]
    assert len(report.unused_waivers) == 3 and report.waived == 0


def test_waivers_never_touch_passes_and_clear_on_reapply() -> None:
    run = sample_run()
    inputs = GateInputs(waivers=[_waiver(rule="GR900", excerpt="Grammar")])
    report = apply_gate(run, inputs=inputs, today=TODAY)
    assert report.waivers[0].status == "unused"  # a pass is nothing to waive
    apply_gate(run, inputs=GateInputs(waivers=[_waiver(excerpt="paracetmol")]), today=TODAY)
    again = apply_gate(run, inputs=GateInputs(), today=TODAY)
    assert _by_rule(run, "GR002").suppressed is None  # earlier decisions do not linger
    assert again.waived == 0 and again.verdict == "fail"


def test_waiving_every_blocking_finding_passes_the_gate() -> None:
    run = sample_run()
    waivers = [
        _waiver(excerpt="paracetmol"),
        _waiver(rule="AX005", excerpt='<img src="rash.png">'),
        _waiver(rule="EX001", article="content/missing.html",
                fingerprint=finding_fingerprints(run.articles[2].findings)[0]),
    ]
    report = apply_gate(run, inputs=GateInputs(waivers=waivers), today=TODAY)
    assert report.verdict == "pass" and report.blocking == 0
    assert run.summary()["gate"] == "pass"


def test_a_safety_waiver_must_name_its_article(tmp_path: Path) -> None:
    path = tmp_path / "waivers.yaml"
    entry = ("waivers:\n  - rule: SM001\n    article: {article}\n    fingerprint: 2b962929ec1af80a\n"
             "    reason: Agreed.\n    approved_by: Dr A Patel\n    expires: 2099-01-01\n")
    path.write_text(entry.format(article="'content/*.html'"), encoding="utf-8")
    with pytest.raises(WaiverError, match="must name one article"):
        load_waivers(path)
    path.write_text(entry.format(article="content/sepsis.html"), encoding="utf-8")
    assert load_waivers(path)[0].article == "content/sepsis.html"
