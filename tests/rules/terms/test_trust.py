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


def test_a_late_explanation_is_reported_in_the_body_never_at_the_title() -> None:
    from pipeline.extract.document import RawPage, extract
    from pipeline.rules.context import CheckContext
    from pipeline.run.assembly import audit_document

    html = (
        "<html><body><article><h1>Cryotherapy for warts</h1>"
        "<p>Warts are common and harmless.</p><p>Your nurse may offer cryotherapy at the surgery.</p>"
        "<p>It takes a few minutes and you can go home straight after.</p>"
        "<p>Cryotherapy is when the wart is frozen with a very cold spray so that it falls off.</p>"
        "</article></body></html>"
    )
    result = audit_document(extract(RawPage("case:title", html)), CheckContext(config=CONFIG))
    late = [f for f in result.findings if f.rule == "MT003"]
    assert len(late) == 1 and late[0].span is not None
    heading = next(b for b in result.blocks if b.kind == "heading")
    assert not heading.start <= late[0].span.start < heading.end


def test_how_a_procedure_is_done_does_not_explain_what_it_is() -> None:
    text = "Large warts may need a curettage, which is usually done under a local anaesthetic."
    assert _reports(text)["curettage"].status == "unexplained"
