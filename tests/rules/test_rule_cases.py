"""One parametrised test over tests/rules/cases/<CODE>.yaml, and meta-tests that every rule has
documentation and both failing and passing cases (the sqlfluff / proselint way)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from pipeline.config import from_mapping
from pipeline.extract.document import RawPage, extract, from_text
from pipeline.ingest.sources import Source
from pipeline.rules import RULES
from pipeline.rules.grammar.languagetool import LanguageToolServer
from pipeline.run.assembly import audit_document
from pipeline.run.runner import audit_source
from tests.conftest import ROOT, make_context

CASES_DIR = ROOT / "tests" / "rules" / "cases"


def _load_cases() -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    out = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        for i, case in enumerate(spec.get("cases", [])):
            out.append((f"{path.stem}-{i}-{case.get('name', '')}", spec, case))
    return out


CASES = _load_cases()


def _param(case_id: str, spec: dict[str, Any], case: dict[str, Any]) -> Any:
    """A case that needs LanguageTool or Chromium is slow (left out of the fast loop)."""
    grammar = spec["rule"].startswith("GR") and case.get("grammar") != "unavailable"
    browser = bool(spec.get("config", {}).get("accessibility", {}).get("browser")) or bool(
        case.get("config", {}).get("accessibility", {}).get("browser")
    )
    return pytest.param(case_id, spec, case, id=case_id, marks=[pytest.mark.slow] if grammar or browser else [])


@pytest.mark.parametrize(("case_id", "spec", "case"), [_param(*c) for c in CASES])
def test_rule_case(
    case_id: str, spec: dict[str, Any], case: dict[str, Any], request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    code = spec["rule"]
    config = from_mapping({**spec.get("config", {}), **case.get("config", {})})
    needs_grammar = code.startswith("GR") and case.get("grammar") != "unavailable"
    server: LanguageToolServer | None = request.getfixturevalue("lt_server") if needs_grammar else None
    ctx = make_context(config, server)
    if case.get("grammar") == "unavailable":
        ctx.config = config
        ctx.grammar_unavailable = "LanguageTool could not be reached at http://127.0.0.1:9"
    if "file" in case:  # bytes on disk, loaded as a user's file would be
        path = tmp_path / case["file"]["name"]
        content = case["file"].get("text", "")
        path.write_bytes(bytes.fromhex(case["file"]["hex"]) if "hex" in case["file"] else content.encode())
        result = audit_source(Source("file", str(path)), ctx)
    else:
        if "html" in case:
            doc = extract(RawPage(source=f"case:{case_id}", html=case["html"]))
        else:
            doc = from_text(f"case:{case_id}", case["input"], title=case.get("title", ""))
        result = audit_document(doc, ctx)
    mine = [f for f in result.findings if f.rule == code]
    flagged = [f for f in mine if f.outcome in ("fail", "review")]
    if case["expect"] == "fail":
        assert flagged, (
            f"{code} should flag: {case.get('input') or case.get('html')!r}; got {result.findings}"
        )
        if "outcome" in case:
            assert any(f.outcome == case["outcome"] for f in flagged), flagged
        # Where and what, not only that the rule fired somewhere (as ruff's and axe-core's fixtures pin).
        if "excerpt" in case:
            assert any(f.excerpt == case["excerpt"] for f in flagged), [f.excerpt for f in flagged]
        if "selector" in case:
            assert any(f.selector == case["selector"] for f in flagged), [f.selector for f in flagged]
        if "count" in case:
            assert len(flagged) == case["count"], [(f.excerpt, f.message) for f in flagged]
        if "message_contains" in case:
            assert any(case["message_contains"] in f.message for f in flagged), [f.message for f in flagged]
        if "suggestion" in case:
            assert any(f.suggestion == case["suggestion"] for f in flagged), [f.suggestion for f in flagged]
    else:
        assert not flagged, f"{code} should not flag: {[(f.message, f.excerpt) for f in flagged]}"
        if case["expect"] == "pass_finding":
            assert any(f.outcome == "pass" for f in mine), mine


# Rules whose failing case cannot be written as article input are tested where named.
EXEMPT = {
    "EX003": "tests/run/test_runner.py::test_crashing_check_becomes_finding",
    "MT005": "tests/rules/terms/test_terms.py::test_one_term_explained_differently_across_articles",  # needs a run
}


def test_every_rule_has_docs_and_cases() -> None:
    covered: dict[str, set[str]] = {}
    for _, spec, case in CASES:
        covered.setdefault(spec["rule"], set()).add("fail" if case["expect"] == "fail" else "pass")
    missing = [c for c in RULES if covered.get(c) != {"fail", "pass"} and c not in EXEMPT]
    assert not missing, f"rules without both failing and passing cases in tests/rules/cases: {missing}"
    for r in RULES.values():
        for field in ("summary", "why", "guideline", "fail_example", "pass_example"):
            assert getattr(r, field).strip(), f"{r.code} has no {field}"
