"""Machine outputs: report.json against its schema, report.sarif against the official SARIF 2.1.0
schema, junit.xml (one case per article and family) and summary.md."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import pytest
from junitparser import Error, Failure, JUnitXml, Skipped

from pipeline.api import audit
from pipeline.config import from_mapping
from pipeline.model import FAMILIES, RunResult, finding_fingerprints
from pipeline.output import json_report, junit, markdown, sarif
from pipeline.output.views import checked_families
from pipeline.output.writer import write_outputs
from pipeline.rules import RULES
from pipeline.verdict.gate import GateInputs, GateReport, apply_gate
from pipeline.verdict.waivers import Waiver
from tests.output.test_report_data import HOSTILE, hostile_run, sample_run

TODAY = date(2026, 11, 20)
# RFC 3986 URI-reference characters (the schema's format is not checked without extra packages).
URI_CHARS = re.compile(r"^[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*$")

GOOD = """<!DOCTYPE html><html lang="en-GB"><head><title>Colds</title></head><body>
<nav><a href="/">Home</a> <a href="/conditions">Conditions</a></nav><main><article>
<h1>Colds</h1><p>A cold is a mild infection of the nose and throat. It usually gets better on its own
within a week or two, although the ongoing cough can persist considerably longer in some individuals.</p>
<ul><li>Rest and drink plenty of fluids</li><li>Take paracetamol if you feel hot</li></ul>
</article></main></body></html>"""
NASTY = f"""<!DOCTYPE html><html lang="en-GB"><head><title>&lt;/title&gt;&lt;script&gt;x&lt;/script&gt;</title>
</head><body><article><h1>Scripts &lt;script&gt;window.__pwned=1&lt;/script&gt;</h1>
<p onclick="window.__pwned=2">{HOSTILE.replace("<", "&lt;")}</p><script>window.__pwned=3</script>
<p><a href="javascript:window.__pwned=4">Click here</a> to read <img src=x onerror="window.__pwned=5"> more.</p>
</article></body></html>"""


@pytest.fixture(scope="module")
def real_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[RunResult, GateReport, Path]:
    """The real pipeline (grammar off) on a good, a hostile and an empty page, with a waiver."""
    root = tmp_path_factory.mktemp("site")
    (root / "colds.html").write_text(GOOD, encoding="utf-8")
    (root / "nasty page.html").write_text(NASTY, encoding="utf-8")
    (root / "empty.html").write_text("", encoding="utf-8")
    waivers = root / "waivers.yaml"
    waivers.write_text(
        "waivers:\n  - rule: EX001\n    article: empty.html\n    excerpt: nothing\n    reason: Retired page.\n"
        "    approved_by: Dr A Patel\n    expires: 2001-01-01\n",
        encoding="utf-8",
    )
    out = root / "out"
    config = from_mapping(
        {"out": str(out), "grammar": {"enabled": False}, "waivers": str(waivers), "history": {"enabled": False}}
    )
    outcome = audit([str(root)], config)
    return outcome.run, outcome.gate, out


def _gated_sample(tmp_path: Path) -> tuple[RunResult, GateReport]:
    """The sample run with a baseline, an active waiver and an expired one applied."""
    before = tmp_path / "before"
    before.mkdir()
    baseline = json_report.write(sample_run(), before)
    from pipeline.verdict.baseline import load_baseline

    run = sample_run()
    run.articles[1].findings = [f for f in run.articles[1].findings if f.rule != "GR001"]
    waivers = [
        Waiver(rule="AX005", article="sepsis.html", excerpt="rash.png", reason="Image replaced next sprint.",
               approved_by="Dr A Patel", expires=date(2027, 1, 1)),
        Waiver(rule="GR002", article="sepsis.html", excerpt="paracetmol", reason="Old brand name.",
               approved_by="Dr A Patel", expires=date(2026, 1, 1)),
    ]
    gate = apply_gate(run, inputs=GateInputs(waivers=waivers, baseline=load_baseline(baseline)), today=TODAY)
    return run, gate


def _report_validator() -> jsonschema.protocols.Validator:
    schema = json_report.schema()
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def _sarif_validator() -> jsonschema.protocols.Validator:
    schema = sarif.schema()
    assert schema["id"].endswith("sarif-schema-2.1.0.json")
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)


def _errors(validator: jsonschema.protocols.Validator, data: Any) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(data)]


# --- report.json -------------------------------------------------------------------------------


def test_report_json_validates_real_and_gated_runs(real_run: tuple[RunResult, GateReport, Path], tmp_path: Path) -> None:
    validator = _report_validator()
    _run, _gate, out = real_run
    data = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert _errors(validator, data) == []
    assert data["gate"]["waivers"]["entries"][0]["status"] == "unused"  # expired and matching nothing
    run, gate = _gated_sample(tmp_path)
    gated = json_report.run_dict(run, gate)
    assert _errors(validator, gated) == []
    assert gated["gate"]["baseline"]["fixed"] == 1
    assert {e["status"] for e in gated["gate"]["waivers"]["entries"]} == {"active", "expired"}
    assert _errors(validator, json_report.run_dict(hostile_run())) == []


def test_report_json_schema_rejects_a_broken_report(tmp_path: Path) -> None:
    validator = _report_validator()
    run, gate = _gated_sample(tmp_path)
    data = json_report.run_dict(run, gate)
    data["gate"]["verdict"] = "maybe"
    data["articles"][1]["findings"][0]["fingerprint"] = "not-hex"
    errors = _errors(validator, data)
    assert any("gate/verdict" in e for e in errors) and any("fingerprint" in e for e in errors)


def test_findings_carry_fingerprints_and_gate_marks(tmp_path: Path) -> None:
    run, gate = _gated_sample(tmp_path)
    data = json_report.run_dict(run, gate)
    sepsis = data["articles"][1]["findings"]
    assert [f["fingerprint"] for f in sepsis] == finding_fingerprints(run.articles[1].findings)
    by_rule = {f["rule"]: f for f in sepsis}
    assert by_rule["AX005"]["suppressed"]["kind"] == "waiver"
    assert by_rule["GR002"]["suppressed"] is None and by_rule["GR002"]["data"]["waiver"]["status"] == "expired"
    assert by_rule["RD001"]["suppressed"]["kind"] == "baseline"


# --- report.sarif ------------------------------------------------------------------------------


def test_sarif_validates_against_the_official_schema(real_run: tuple[RunResult, GateReport, Path], tmp_path: Path) -> None:
    validator = _sarif_validator()
    _run, _gate, out = real_run
    data = json.loads((out / "report.sarif").read_text(encoding="utf-8"))
    assert _errors(validator, data) == []
    run, gate = _gated_sample(tmp_path)
    for log in (data, sarif.render(run, gate), sarif.render(hostile_run(), GateReport("error", "fail", 1, 0, 0))):
        assert _errors(validator, log) == []
        for res in log["runs"][0]["results"]:
            uri = res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            assert URI_CHARS.match(uri), uri
        for art in log["runs"][0]["artifacts"]:
            assert URI_CHARS.match(art["location"]["uri"])
    spaced = next(a for a in data["runs"][0]["artifacts"] if "nasty" in a["location"]["uri"])
    assert "nasty%20page.html" in spaced["location"]["uri"]


def test_sarif_rules_come_from_rule_documentation(tmp_path: Path) -> None:
    run, gate = _gated_sample(tmp_path)
    log = sarif.render(run, gate)
    driver = log["runs"][0]["tool"]["driver"]
    rules = {r["id"]: r for r in driver["rules"]}
    assert set(rules) == set(RULES)
    rd = rules["RD001"]
    assert rd["name"] == RULES["RD001"].name
    assert rd["shortDescription"]["text"] == RULES["RD001"].summary
    assert rd["fullDescription"]["text"] == RULES["RD001"].why
    assert RULES["RD001"].guideline in rd["help"]["text"] and "Why it matters for patients" in rd["help"]["text"]
    assert rd["defaultConfiguration"]["level"] == RULES["RD001"].default_level
    assert "wcag:3.1.5" in rd["properties"]["tags"]
    for res in log["runs"][0]["results"]:
        if "ruleIndex" in res:
            assert driver["rules"][res["ruleIndex"]]["id"] == res["ruleId"]


def test_sarif_results_keep_state_suppressions_and_baseline(tmp_path: Path) -> None:
    run, gate = _gated_sample(tmp_path)
    results = sarif.render(run, gate)["runs"][0]["results"]
    by_rule = {r["ruleId"]: r for r in results if r["properties"]["article"] == run.articles[1].id}
    assert by_rule["AX005"]["suppressions"][0]["status"] == "accepted"
    assert by_rule["AX005"]["suppressions"][0]["justification"] == "Image replaced next sprint."
    assert by_rule["GR002"]["suppressions"][0]["status"] == "rejected"  # the waiver expired
    assert by_rule["GR002"]["kind"] == "fail" and by_rule["GR002"]["level"] == "error"
    assert by_rule["MT001"]["kind"] == "review" and by_rule["MT001"]["level"] == "none"
    assert by_rule["MT001"]["properties"]["level"] == "note"
    assert by_rule["GR900"]["kind"] == "pass"
    assert by_rule["RD001"]["baselineState"] == "unchanged"
    assert by_rule["AX005"]["locations"][0]["logicalLocations"][0]["fullyQualifiedName"].startswith("article")
    notes = sarif.render(run, gate)["runs"][0]["invocations"][0]["toolConfigurationNotifications"]
    assert [n["descriptor"]["id"] for n in notes] == ["waiver-expired"]
    assert "entry 2 (GR002 on sepsis.html)" in notes[0]["message"]["text"]
    fps = finding_fingerprints(run.articles[1].findings)
    assert [r["partialFingerprints"]["healthAudit/v1"] for r in results
            if r["properties"]["article"] == run.articles[1].id] == fps


def test_sarif_region_points_at_the_line_in_the_source_file(tmp_path: Path) -> None:
    page = tmp_path / "sepsis.html"
    page.write_text("<html>\n<body>\n<p>Take\n  paracetmol for a high temperature.</p>\n</body>\n</html>\n",
                    encoding="utf-8")
    run = sample_run()
    run.articles[1].source = str(page)
    log = sarif.render(run, GateReport("error", "fail", 1, 0, 0))
    res = next(r for r in log["runs"][0]["results"] if r["ruleId"] == "GR002")
    region = res["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"], region["endColumn"]) == (4, 3, 13)
    assert region["snippet"]["text"] == "paracetmol"
    assert res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == page.as_uri()
    assert urlsplit(page.as_uri()).scheme == "file"


# --- junit.xml ---------------------------------------------------------------------------------


def test_junit_has_one_case_per_article_and_family(real_run: tuple[RunResult, GateReport, Path]) -> None:
    run, _gate, out = real_run
    xml = JUnitXml.fromfile(str(out / "junit.xml"))
    families = checked_families(run)
    suites = list(xml)
    assert len(suites) == len(run.articles)
    for a, suite in zip(run.articles, suites, strict=True):
        cases = list(suite)
        names = [c.name for c in cases]
        # Grammar switched off is a skipped GR case, not a missing one.
        off = a.status == "audited" and run.config["grammar"]["enabled"] is False
        fams = [code for code in FAMILIES if code in families[a.id] or (off and code == "GR")]
        expected = [f"{code} {FAMILIES[code]}" for code in fams]
        assert names == expected and len(set(names)) == len(names)
        if off:
            gr = next(c for c in cases if c.name.startswith("GR"))
            assert isinstance(gr.result[0], Skipped) and "not checked (switched off)" in gr.result[0].message
        assert all(c.classname == a.source for c in cases)
        assert suite.tests == len(cases)
        if a.status == "error":
            ex = cases[0]
            assert isinstance(ex.result[0], Error) and "EX" in ex.result[0].type
            assert all(isinstance(c.result[0], Skipped) for c in cases[1:])
        else:
            for c in cases:
                if off and c.name.startswith("GR"):
                    continue
                blocking = [f for f in a.findings if f.family == c.name[:2] and f.counts and f.level == "error"]
                assert c.is_passed == (not blocking), (c.name, blocking)


def test_junit_failures_follow_the_gate_and_survive_control_characters(tmp_path: Path) -> None:
    run, gate = _gated_sample(tmp_path)
    run.articles[1].findings[0].message += " bad\x00byte\x1b"
    path = junit.write(run, tmp_path, gate)
    ET.parse(path)  # well-formed despite the control characters
    xml = JUnitXml.fromfile(str(path))
    sepsis = next(s for s in xml if s.name == "Sepsis")
    cases = {c.name[:2]: c for c in sepsis}
    assert isinstance(cases["GR"].result[0], Failure)  # the expired waiver: counts again
    assert "paracetmol" in (cases["GR"].result[0].text or "")
    assert cases["AX"].is_passed and "[waived]" in (cases["AX"].system_out or "")
    assert cases["RD"].is_passed and "[known, still failing since run " in (cases["RD"].system_out or "")
    totals = ET.parse(path).getroot()
    assert int(totals.get("failures", "0")) == sum(int(s.get("failures", "0")) for s in totals)


def test_junit_fail_on_never_reports_without_failing(tmp_path: Path) -> None:
    run = sample_run("never")
    gate = apply_gate(run, inputs=GateInputs(), today=TODAY)
    xml = JUnitXml.fromfile(str(junit.write(run, tmp_path, gate)))
    sepsis = next(s for s in xml if s.name == "Sepsis")
    assert all(c.is_passed for c in sepsis)
    assert "paracetmol" in (next(c for c in sepsis if c.name.startswith("GR")).system_out or "")


# --- summary.md --------------------------------------------------------------------------------


def test_summary_markdown_states_the_gate_and_escapes_titles(tmp_path: Path) -> None:
    run, gate = _gated_sample(tmp_path)
    run.articles[0].title = "Hands | <b>wash</b> [now](javascript:alert(1)) *fast*"
    text = markdown.render(run, gate)
    assert text.startswith("## ❌ health-audit: publication gate FAILED")
    assert "Compared with the baseline" in text and "1 fixed" in text
    assert "Expired on 2026-01-01" in text and "`GR002`" in text
    assert "<b>" not in text and "&lt;b&gt;" in text
    assert "\\[now\\]" in text and "\\*fast\\*" in text and "Hands \\|" in text
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    assert all(line.count(" | ") == rows[0].count(" | ") for line in rows if "Article" in line or "<br>" in line)
    order = [line.split(" | ")[0] for line in rows if "content/" in line]
    assert "missing.html" in order[0] or "sepsis" in order[0]  # worst first: errors before the clean page
    assert "hand" not in order[0].lower()


def test_summary_passes_and_stays_short() -> None:
    run = sample_run()
    run.articles = run.articles[:1] * 80
    gate = apply_gate(run, inputs=GateInputs(), today=TODAY)
    text = markdown.render(run, gate)
    assert text.startswith("## ✅ health-audit: publication gate passed")
    assert "…and 55 more articles" in text
    assert len(text) < markdown.MAX_CHARS


def test_writer_writes_every_format(tmp_path: Path) -> None:
    run, gate = _gated_sample(tmp_path)
    written = write_outputs(run, tmp_path / "out", ["html", "json", "junit", "sarif", "md"], gate)
    assert {p.name for p in written.values()} == {"index.html", "report.json", "junit.xml", "report.sarif",
                                                   "summary.md"}
    assert len(list((tmp_path / "out").glob("article-*.html"))) == len(run.articles)
    only_json = write_outputs(run, tmp_path / "json-only", ["json"])
    assert set(only_json) == {"json"}
