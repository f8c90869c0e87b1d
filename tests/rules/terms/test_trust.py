"""Findings an editor can trust (issue 17): explanations that exist are recognised, names are not
jargon, one place carries one finding, and suggestions read well. Every sentence here is our own."""

from __future__ import annotations

from pipeline.config import Config, from_mapping
from pipeline.rules.terms.analysis import TermReport, analyse

CONFIG = from_mapping({"grammar": {"enabled": False}})


def _reports(text: str, config: Config = CONFIG) -> dict[str, TermReport]:
    return {text[r.first.start : r.first.end]: r for r in analyse(text, config)}


def test_a_rare_name_of_a_familiar_thing_is_still_jargon() -> None:
    # The glossary files "sputum" under the familiar "mucus"; the rare word itself needs explaining.
    reports = _reports("Bring up any sputum into a tissue and show it to the nurse.")
    assert reports["sputum"].status == "unexplained"
    assert _reports("Bring up any mucus into a tissue.") == {}


def test_a_medical_word_with_a_plain_swap_gets_one_finding_that_names_the_plain_word() -> None:
    from pipeline.extract.document import from_text
    from pipeline.rules.context import CheckContext
    from pipeline.run.assembly import audit_document

    doc = from_text("case:sputum", "Cough up any sputum into a tissue and keep it in the pot the nurse gives you for a test.")
    found = [f for f in audit_document(doc, CheckContext(config=CONFIG)).findings if f.excerpt == "sputum"]
    assert [f.rule for f in found] == ["MT001"]
    assert "phlegm" in (found[0].suggestion or "")
