"""junit.xml: one test suite per article, one test case per check family, for CI test views.

A case fails when it holds findings that fail the gate (so CI's test view agrees with the exit
code); other findings, waived ones and those known from the baseline are listed in its output.
An article that could not be read is an <error> in its EX case and the other families are skipped.
Grammar that was switched off is a <skipped> GR case, so the test view shows it was not checked;
grammar that could not be checked (LanguageTool unavailable) is a GR900 error and fails its case.
Written with the standard library's ElementTree; consumers such as junitparser, GitLab and
Jenkins read it.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from pipeline.model import FAMILIES, ArticleResult, Finding, RunResult
from pipeline.output.views import (
    GRAMMAR_OFF,
    blocks_gate,
    checked_families,
    gate_state,
    grammar_not_checked,
    known_since,
)
from pipeline.verdict.gate import GateReport

# Characters XML 1.0 cannot carry even escaped; article text may contain them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _line(f: Finding) -> str:
    where = f" “{f.excerpt}”" if f.excerpt else (f" at {f.selector}" if f.selector else "")
    state = gate_state(f)
    if state == "known":
        state = f"known, still failing since {known_since(f)}"
    mark = f" [{state}]" if state else ""
    fix = f"\n    Suggestion: {f.suggestion}" if f.suggestion else ""
    return f"{f.level.upper()} {f.rule} {f.name}{mark}: {f.message}{where}{fix}"


def _testcase(suite: ET.Element, a: ArticleResult, family: str) -> ET.Element:
    return ET.SubElement(
        suite,
        "testcase",
        {"classname": _clean(a.source), "name": f"{family} {FAMILIES[family]}", "file": _clean(a.source), "time": "0"},
    )


def _case(suite: ET.Element, a: ArticleResult, family: str, fail_on: str) -> dict[str, int]:
    case = _testcase(suite, a, family)
    mine = [f for f in a.findings if f.family == family and f.outcome in ("fail", "review")]
    blocking = [f for f in mine if blocks_gate(f, fail_on)]
    rest = [f for f in mine if f not in blocking]
    tally = {"failures": 0, "errors": 0, "skipped": 0}
    if a.status == "error" and family == "EX":
        first = blocking[0] if blocking else (mine[0] if mine else None)
        el = ET.SubElement(case, "error", {"message": _clean(first.message if first else "could not be audited"),
                                          "type": first.rule if first else "EX001"})
        el.text = _clean("\n".join(_line(f) for f in mine))
        tally["errors"] = 1
    elif a.status == "error":
        ET.SubElement(case, "skipped", {"message": "The article could not be read, so this family did not run."})
        tally["skipped"] = 1
    elif blocking:
        levels = ", ".join(f"{sum(f.level == lv for f in blocking)} {lv}" for lv in ("error", "warning", "note")
                           if any(f.level == lv for f in blocking))
        el = ET.SubElement(case, "failure", {"message": f"{len(blocking)} finding(s) fail the gate ({levels})",
                                            "type": blocking[0].rule})
        el.text = _clean("\n".join(_line(f) for f in blocking))
        tally["failures"] = 1
    if rest and a.status != "error":
        out = ET.SubElement(case, "system-out")
        out.text = _clean("Not failing the gate:\n" + "\n".join(_line(f) for f in rest))
    return tally


def render(run: RunResult, gate: GateReport) -> ET.ElementTree[ET.Element]:
    families = checked_families(run)
    root = ET.Element("testsuites", {"name": "health-audit"})
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for a in run.articles:
        suite = ET.SubElement(root, "testsuite", {"name": _clean(a.title or a.source), "timestamp": run.started_at,
                                                   "hostname": "health-audit"})
        props = ET.SubElement(suite, "properties")
        for name, value in (("source", a.source), ("article_id", a.id), ("status", a.status)):
            ET.SubElement(props, "property", {"name": name, "value": _clean(value)})
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        fams = families.get(a.id, [])
        switched_off = grammar_not_checked(run, a) == GRAMMAR_OFF and "GR" not in fams
        for fam in FAMILIES:
            if fam == "GR" and switched_off:
                ET.SubElement(_testcase(suite, a, "GR"), "skipped",
                              {"message": "Grammar and spelling not checked (switched off)."})
                counts["skipped"] += 1
            elif fam in fams:
                for k, v in _case(suite, a, fam, gate.fail_on).items():
                    counts[k] += v
            else:
                continue
            counts["tests"] += 1
        for k, v in counts.items():
            suite.set(k, str(v))
            totals[k] += v
        suite.set("time", "0")
    for k, v in totals.items():
        root.set(k, str(v))
    root.set("time", "0")
    ET.indent(root)
    return ET.ElementTree(root)


def write(run: RunResult, out: Path, gate: GateReport) -> Path:
    path = out / "junit.xml"
    render(run, gate).write(path, encoding="utf-8", xml_declaration=True)
    return path
