"""The runner: crashing checks become findings, rule selection and levels come from configuration."""

from __future__ import annotations

import pytest

from pipeline.config import from_mapping
from pipeline.errors import ConfigError
from pipeline.extract.document import from_text
from pipeline.model import Document
from pipeline.rules import registry
from pipeline.rules.selection import enabled_rules
from pipeline.run.assembly import audit_document
from tests.conftest import make_context


def test_crashing_check_becomes_finding(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(doc: Document, ctx: object) -> list[object]:
        raise RuntimeError("unexpected markup")

    chk = registry.CHECKS["readability.article"]
    monkeypatch.setitem(
        registry.CHECKS, "readability.article", registry.Check(chk.name, chk.family, chk.codes, boom)
    )
    result = audit_document(from_text("t", "A cold is a mild infection."), make_context())
    crashed = [f for f in result.findings if f.rule == "EX003"]
    assert crashed and "unexpected markup" in crashed[0].message
    assert crashed[0].level == "error"
    assert result.status == "audited"


def test_select_ignore_and_levels() -> None:
    cfg = from_mapping({"select": ["RD"], "levels": {"RD001": "error"}})
    rules = enabled_rules(cfg)
    assert "RD001" in rules and rules["RD001"] == "error"
    assert not any(code.startswith("GR") for code in rules)
    assert "EX001" in rules  # load failures cannot be switched off
    cfg2 = from_mapping({"ignore": ["RD002"]})
    assert "RD002" not in enabled_rules(cfg2) and "RD001" in enabled_rules(cfg2)


def test_path_override_changes_rules_for_matching_articles() -> None:
    cfg = from_mapping({"overrides": [{"paths": ["news/*"], "ignore": ["RD001"]}]})
    assert "RD001" not in enabled_rules(cfg, "news/a.html")
    assert "RD001" in enabled_rules(cfg, "health/a.html")


def test_configured_level_is_applied_to_findings() -> None:
    cfg = from_mapping({"levels": {"RD001": "note"}, "grammar": {"enabled": False}})
    hard = (
        "Immunocompromised individuals demonstrate considerably elevated susceptibility, particularly "
        "following invasive procedural interventions or prolonged hospitalisation."
    )
    result = audit_document(from_text("t", hard), make_context(cfg))
    rd1 = [f for f in result.findings if f.rule == "RD001"]
    assert rd1 and all(f.level == "note" for f in rd1)


def test_unknown_selector_is_rejected_with_its_name() -> None:
    with pytest.raises(ConfigError, match="ZZ"):
        from_mapping({"select": ["ZZ001"]})
