"""report.sarif: SARIF 2.1.0 for code-scanning tools and editors.

Every rule is described in `tool.driver.rules` from its own documentation. Findings keep their
evaluation state (`kind`: fail, review, pass, notApplicable); per the standard, only `fail`
results carry a level, so the configured level is also kept in the result's properties. Waivers
become accepted external suppressions, an expired waiver a rejected one; with a baseline each
result gets its `baselineState`. A text finding in a local file gets a line and column when its
excerpt can be found in the source file.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

from pipeline import datafiles
from pipeline.ingest.sources import is_url
from pipeline.model import FAMILIES, ArticleResult, Finding, RunResult, finding_fingerprints
from pipeline.rules import RULES
from pipeline.rules.registry import Rule
from pipeline.verdict.gate import GateReport

SARIF_SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SCHEMA_PATH = datafiles.REPORT_SCHEMAS / "sarif-schema-2.1.0.json"
FINGERPRINT_KEY = "healthAudit/v1"
_KIND = {"fail": "fail", "review": "review", "pass": "pass", "not_applicable": "notApplicable"}
_URI_SAFE = ":/?#[]@!$&'()*+,;=%-._~"
_BASELINE = {"new": "new", "unchanged": "unchanged", "worse": "updated"}


def rule_descriptor(r: Rule) -> dict[str, Any]:
    tags = list(dict.fromkeys([*r.tags, f"family:{r.family}"]))
    markdown = "\n\n".join(
        [
            f"**{r.code} {r.name}**: {r.summary}",
            f"**Why it matters for patients.** {r.why}",
            f"**Guideline.** {r.guideline}",
            f"**Failing example.** {r.fail_example}",
            f"**Passing example.** {r.pass_example}",
        ]
    )
    return {
        "id": r.code,
        "name": r.name,
        "shortDescription": {"text": r.summary},
        "fullDescription": {"text": r.why},
        "help": {"text": r.docs(), "markdown": markdown},
        "defaultConfiguration": {"level": r.default_level, "enabled": r.enabled_by_default},
        "properties": {"tags": tags, "guideline": r.guideline, "family": FAMILIES[r.family]},
    }


def artifact_uri(source: str) -> str:
    """A valid URI reference for a source: URLs as they are, paths percent-encoded."""
    if is_url(source):
        return quote(source, safe=_URI_SAFE)  # keeps a valid URL as it is; encodes quotes and spaces
    path = Path(source)
    if path.is_absolute():
        return path.as_uri()
    return quote(path.as_posix(), safe="/-._~")


def _loose(phrase: str) -> re.Pattern[str]:
    return re.compile(r"\s+".join(re.escape(w) for w in phrase.split()))


def source_region(a: ArticleResult, f: Finding, source_text: str | None) -> dict[str, Any] | None:
    """Line and column of the finding's excerpt in the source file, when it appears there verbatim.

    When the excerpt occurs several times, the occurrence with the same rank as in the scored text is
    taken, so the third "its" in the text maps to the third in the file.
    """
    if not source_text or not f.excerpt or not f.excerpt.strip():
        return None
    pattern = _loose(f.excerpt)
    rank = 0
    if f.span is not None and a.text:
        rank = sum(1 for m in pattern.finditer(a.text) if m.start() < f.span.start)
    matches = list(pattern.finditer(source_text))
    if not matches:
        return None
    m = matches[min(rank, len(matches) - 1)]
    start_line = source_text.count("\n", 0, m.start()) + 1
    end_line = source_text.count("\n", 0, m.end()) + 1
    start_col = m.start() - (source_text.rfind("\n", 0, m.start()) + 1) + 1
    end_col = m.end() - (source_text.rfind("\n", 0, m.end()) + 1) + 1
    return {
        "startLine": start_line,
        "startColumn": start_col,
        "endLine": end_line,
        "endColumn": end_col,
        "snippet": {"text": m.group(0)},
    }


def read_source(source: str) -> str | None:
    if is_url(source):
        return None
    try:
        return Path(source).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def _suppressions(f: Finding) -> list[dict[str, Any]] | None:
    if f.suppressed is not None and f.suppressed.get("kind", "waiver") == "waiver":
        return [
            {
                "kind": "external",
                "status": "accepted",
                "justification": str(f.suppressed.get("reason", "")),
                "properties": {
                    "approvedBy": f.suppressed.get("approved_by"),
                    "expires": f.suppressed.get("expires"),
                },
            }
        ]
    expired = f.data.get("waiver") if isinstance(f.data.get("waiver"), dict) else None
    if expired and expired.get("status") == "expired":
        return [
            {
                "kind": "external",
                "status": "rejected",
                "justification": f"Waiver expired on {expired.get('expires')}: {expired.get('reason', '')}",
                "properties": {"approvedBy": expired.get("approved_by"), "expires": expired.get("expires")},
            }
        ]
    return None


def result(
    a: ArticleResult, f: Finding, fp: str, index: dict[str, int], artifact: int, source_text: str | None,
    with_baseline: bool,
) -> dict[str, Any]:
    kind = _KIND[f.outcome]
    text = f.message + (f" Suggestion: {f.suggestion}" if f.suggestion else "")
    location: dict[str, Any] = {
        "physicalLocation": {"artifactLocation": {"uri": artifact_uri(a.source), "index": artifact}}
    }
    region = source_region(a, f, source_text)
    if region:
        location["physicalLocation"]["region"] = region
    if f.selector:
        location["logicalLocations"] = [{"fullyQualifiedName": f.selector, "kind": "element"}]
    out: dict[str, Any] = {
        "ruleId": f.rule,
        "kind": kind,
        "level": f.level if kind == "fail" else "none",
        "message": {"text": text},
        "locations": [location],
        "partialFingerprints": {FINGERPRINT_KEY: fp},
        "properties": {
            "level": f.level,
            "outcome": f.outcome,
            "article": a.id,
            "excerpt": f.excerpt,
            "span": {"start": f.span.start, "end": f.span.end} if f.span else None,
            "suggestion": f.suggestion,
            "tags": list(dict.fromkeys(f.tags)),
        },
    }
    if f.rule in index:
        out["ruleIndex"] = index[f.rule]
    suppressions = _suppressions(f)
    if suppressions:
        out["suppressions"] = suppressions
    state = (f.data.get("baseline") or {}).get("state") if isinstance(f.data.get("baseline"), dict) else None
    if with_baseline and state in _BASELINE:
        out["baselineState"] = _BASELINE[state]
    return out


def waiver_notifications(gate: GateReport) -> list[dict[str, Any]]:
    """Expired and unused waivers are problems with the configuration, not with an article."""
    notes = []
    for w in gate.waivers:
        if w.status == "active":
            continue
        where = f"{gate.waivers_path or 'waivers file'}, entry {w.index + 1} ({w.waiver.rule} on {w.waiver.article})"
        text = (f"{where}: expired on {w.waiver.expires}; its findings count again." if w.status == "expired"
                else f"{where}: matches no finding; remove it or correct it.")
        notes.append({"message": {"text": text}, "level": "warning",
                      "descriptor": {"id": f"waiver-{w.status}"}, "properties": {"waiver": w.to_dict()}})
    return notes


def render(run: RunResult, gate: GateReport) -> dict[str, Any]:
    rules = [RULES[c] for c in sorted(RULES)]
    index = {r.code: i for i, r in enumerate(rules)}
    artifacts: list[dict[str, Any]] = []
    artifact_index: dict[str, int] = {}
    results: list[dict[str, Any]] = []
    for a in run.articles:
        uri = artifact_uri(a.source)
        if uri not in artifact_index:  # SARIF wants each artifact once
            artifact_index[uri] = len(artifacts)
            artifacts.append(
                {"location": {"uri": uri}, "roles": ["analysisTarget"], "description": {"text": a.title or a.source}}
            )
        n = artifact_index[uri]
        text = read_source(a.source) if any(f.excerpt for f in a.findings) else None
        for f, fp in zip(a.findings, finding_fingerprints(a.findings), strict=True):
            results.append(result(a, f, fp, index, n, text, gate.baseline is not None))
    return {
        "$schema": SARIF_SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "health-audit",
                        "version": run.tool_version,
                        "semanticVersion": run.tool_version,
                        "rules": [rule_descriptor(r) for r in rules],
                    }
                },
                "automationDetails": {"id": f"health-audit/{run.id}"},
                "invocations": [
                    {
                        "executionSuccessful": True,
                        "startTimeUtc": run.started_at,
                        "endTimeUtc": run.finished_at,
                        "exitCode": 1 if gate.verdict == "fail" else 0,
                        "toolConfigurationNotifications": waiver_notifications(gate),
                    }
                ],
                "columnKind": "unicodeCodePoints",
                "artifacts": artifacts,
                "results": results,
                "properties": {"gate": gate.to_dict(), "summary": run.summary()},
            }
        ],
    }


def write(run: RunResult, out: Path, gate: GateReport) -> Path:
    path = out / "report.sarif"
    path.write_text(json.dumps(render(run, gate), indent=2, ensure_ascii=False), encoding="utf-8")
    return path


def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return loaded
