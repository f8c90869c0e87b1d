"""Medical terms and abbreviations: detection, gloss recognition, first use, the seed sample,
and explanations compared across the articles of a run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from pipeline.config import Config, from_mapping
from pipeline.extract.document import RawPage, extract, from_text
from pipeline.model import ArticleResult, Document
from pipeline.rules import CHECKS, RULES
from pipeline.rules.context import CheckContext
from pipeline.rules.terms.analysis import TermReport, analyse, explanation_overlap, inconsistent_explanations
from pipeline.run.assembly import audit_document
from tests.conftest import SAMPLES

CONFIG = from_mapping({"grammar": {"enabled": False}})


def _reports(text: str, config: Config = CONFIG) -> dict[str, TermReport]:
    return {text[r.first.start : r.first.end]: r for r in analyse(text, config)}


def _audit(doc: Document, config: Config = CONFIG) -> ArticleResult:
    return audit_document(doc, CheckContext(config=config))


def _mt(result: ArticleResult) -> list[tuple[str, str | None]]:
    return [(f.rule, f.excerpt) for f in result.findings if f.rule.startswith("MT")]


# ----------------------------------------------------------------- gloss patterns


@pytest.mark.parametrize(
    ("text", "term", "pattern", "explanation"),
    [
        ("Your child may get conjunctivitis (red eyes) after a cold.", "conjunctivitis", "brackets after", "red eyes"),
        ("It causes abnormally small heads (microcephaly) in babies.", "microcephaly", "brackets around",
         "abnormally small heads"),
        ("The wall of the blood vessel forms a swelling (aneurysm) that can burst.", "aneurysm", "brackets around",
         "a swelling"),
        ("Germs can spread to the blood, causing septicaemia - blood poisoning.", "septicaemia", "dash",
         "blood poisoning"),
        ("You may need dialysis, which means a machine does the work of your kidneys.", "dialysis", "which is",
         ", which means a machine does the work of your kidneys."),
        ("Dialysis is when a machine does the work of your kidneys.", "Dialysis", "is when",
         " is when a machine does the work of your kidneys."),
        ("Nuts can cause a life-threatening problem called anaphylaxis.", "anaphylaxis", "called",
         "Nuts can cause a life-threatening problem"),
        ("It starts as swelling of the vaginal area, known as vaginitis.", "vaginitis", "known as",
         "It starts as swelling of the vaginal area,"),
        ("You may need dialysis. Dialysis is a treatment that does the work of your kidneys.", "dialysis",
         "next sentence", "Dialysis is a treatment that does the work of your kidneys."),
        ("Without the hormone oestrogen the skin stays thin.", "oestrogen", "category", "the hormone "),
        ("They may need to stay in the intensive care unit (ICU).", "ICU", "expansion", "intensive care unit"),
        ("They may need to stay in the ICU (intensive care unit).", "ICU", "expansion", "intensive care unit"),
        ("Some are left with chronic kidney disease - CKD.", "CKD", "expansion", "chronic kidney disease"),
        ("Sepsis can cause acute respiratory distress syndrome (ARDS), where the lungs fill with fluid.",
         "acute respiratory distress syndrome", "which is", ", where the lungs fill with fluid."),
        ("Zika can cause Guillain-Barré syndrome (GBS), a serious condition of the nerves.",
         "Guillain-Barré syndrome", "appositive", ", a serious condition of the nerves."),
    ],
)
def test_each_way_of_explaining_a_term_is_recognised(text: str, term: str, pattern: str, explanation: str) -> None:
    report = _reports(text)[term]
    assert report.status == "explained"
    assert report.gloss is not None
    assert report.gloss.pattern == pattern
    assert text[report.gloss.start : report.gloss.end] == explanation


def test_a_heading_term_is_explained_by_the_first_sentence_of_its_section() -> None:
    html = (
        "<html><body><article><h1>Measuring body fat</h1>"
        "<h2>Bioelectrical impedance analysis (BIA)</h2>"
        "<p>BIA devices detect how your body responds to small electrical currents.</p>"
        "<h2>Living with eosinophilia</h2><p>Rest and drink plenty of water.</p>"
        "</article></body></html>"
    )
    result = _audit(extract(RawPage("case:headings", html)))
    terms = {t["term"]: t for t in result.metrics["terms"]["terms"]}
    assert terms["bioelectrical"]["status"] == "explained" and terms["bioelectrical"]["pattern"] == "section"
    assert ("MT001", "eosinophilia") in _mt(result)  # the section under it never says what it is


# ----------------------------------------------------------------- detection


def test_everyday_health_words_are_never_flagged_but_jargon_is() -> None:
    text = (
        "You have an infection in your blood, a high temperature and a rash. "
        "Your doctor may give you methotrexate, and some people get DIC."
    )
    reports = _reports(text)
    assert set(reports) == {"methotrexate", "DIC"}
    assert reports["methotrexate"].origin == "glossary" and reports["DIC"].kind == "abbreviation"
    assert all(r.status == "unexplained" for r in reports.values())


def test_rare_words_from_the_medical_word_list_are_found_without_a_glossary_entry() -> None:
    report = _reports("Some people get eosinophilia after taking the drug.")["eosinophilia"]
    assert report.origin == "vocabulary" and report.status == "unexplained"


def test_names_and_everyday_words_from_the_medical_word_list_are_left_alone() -> None:
    text = "Dr Brian Coombes of McMaster University spoke on YouTube. Your child may feel drowsy and grumpy."
    assert _reports(text) == {}


def test_a_later_term_made_only_of_words_already_taught_is_not_flagged_again() -> None:
    text = (
        "Intravenous fluids - fluid through a drip in your veins - are given. "
        "People with a long-term intravenous line are at risk. Meningococcal septicaemia is rare; "
        "septicaemia - blood poisoning - is serious."
    )
    found = set(_reports(text))
    assert "intravenous line" not in found
    assert "Meningococcal septicaemia" in found  # "meningococcal" is new


# ----------------------------------------------------------------- first use, findings and metrics


def test_a_late_explanation_points_at_both_places() -> None:
    text = (
        "Intravenous fluids are given to support the kidneys. In severe cases a machine cleans the blood.\n\n"
        "Intravenous fluids - fluid through a drip in your veins - can raise blood pressure."
    )
    result = _audit(from_text("case:late", text))
    late = [f for f in result.findings if f.rule == "MT003"]
    assert len(late) == 1
    f = late[0]
    assert f.span is not None and result.text[f.span.start : f.span.end] == "Intravenous fluids"
    assert f.span.start == 0
    where = f.data["explained_at"]
    assert result.text[where["start"] : where["end"]] == "fluid through a drip in your veins"
    assert where["start"] > result.text.index("\n")
    assert "fluid through a drip in your veins" in (f.suggestion or "")


def test_metrics_carry_what_the_report_needs_for_glossary_suggestions() -> None:
    text = "In severe cases, dialysis might be needed. Germs can cause septicaemia - blood poisoning."
    result = _audit(from_text("case:metrics", text))
    terms = {t["term"]: t for t in result.metrics["terms"]["terms"]}
    dialysis, septicaemia = terms["dialysis"], terms["septicaemia"]
    assert result.text[dialysis["first_use"]["start"] : dialysis["first_use"]["end"]] == "dialysis"
    assert dialysis["explained"] is False and dialysis["explained_at"] is None
    assert dialysis["suggested_explanation"]  # from the glossary
    assert dialysis["source"] == "health-audit (UK usage)"
    assert septicaemia["explained"] is True and septicaemia["explanation"] == "blood poisoning"
    assert result.metrics["terms"]["unexplained"] == 1 and result.metrics["terms"]["explained"] == 1
    mt001 = next(f for f in result.findings if f.rule == "MT001")
    assert dialysis["suggested_explanation"] in (mt001.suggestion or "")


def test_jargon_with_an_everyday_word_gets_a_note_only_when_explained() -> None:
    explained = _audit(from_text("case:p1", "You may feel pain in your abdomen (tummy)."))
    assert _mt(explained) == [("MT004", "abdomen")]
    note = next(f for f in explained.findings if f.rule == "MT004")
    assert note.level == "note" and "tummy" in (note.suggestion or "")
    bare = _audit(from_text("case:p2", "You may feel pain in your abdomen."))
    assert _mt(bare) == [("MT001", "abdomen")]
    assert "tummy" in (next(f for f in bare.findings if f.rule == "MT001").suggestion or "")


def test_a_broken_glossary_becomes_a_crash_finding_not_a_silent_pass(tmp_path: Path) -> None:
    bad = tmp_path / "glossary.yaml"
    bad.write_text("entries:\n  - {term: dialysis}\n", encoding="utf-8")
    config = from_mapping({"grammar": {"enabled": False}, "terms": {"glossary": str(bad)}})
    result = _audit(from_text("case:bad", "In severe cases, dialysis might be needed."), config)
    crash = [f for f in result.findings if f.rule == "EX003"]
    assert crash and "glossary.yaml" in crash[0].message and "terms.first-use" in crash[0].message


def test_rules_are_declared_with_docs_and_one_check_emits_them() -> None:
    assert CHECKS["terms.first-use"].codes == ("MT001", "MT002", "MT003", "MT004")
    for code in ("MT001", "MT002", "MT003", "MT004", "MT005"):
        r = RULES[code]
        assert r.family == "MT" and r.why and r.guideline and r.fail_example and r.pass_example
    assert "wcag:3.1.4" in RULES["MT002"].tags and "wcag:3.1.3" in RULES["MT001"].tags


# ----------------------------------------------------------------- the seed sample


def _expected(name: str) -> dict[str, Any]:
    data = yaml.safe_load((SAMPLES / "expected" / f"{name}.yaml").read_text(encoding="utf-8"))
    return dict(data["terms"])


def test_seed_sample_gets_exactly_the_findings_its_text_deserves() -> None:
    html = (SAMPLES / "articles" / "sepsis-causes.html").read_text(encoding="utf-8")
    result = _audit(extract(RawPage(str(SAMPLES / "articles" / "sepsis-causes.html"), html)))
    expected = _expected("sepsis-causes")
    assert _mt(result) == [(f["rule"], f["excerpt"]) for f in expected["findings"]]
    for want in expected["findings"]:
        if "explained_by" in want:
            f = next(x for x in result.findings if x.rule == want["rule"] and x.excerpt == want["excerpt"])
            where = f.data["explained_at"]
            assert result.text[where["start"] : where["end"]] == want["explained_by"]
    terms = {t["term"]: t for t in result.metrics["terms"]["terms"]}
    for want in expected["explained"]:
        assert terms[want["term"]]["status"] == "explained", want["term"]
        assert terms[want["term"]]["explanation"] == want["explanation"]


# ----------------------------------------------------------------- across a run


def _article(source: str, text: str) -> ArticleResult:
    return _audit(from_text(source, text, title=source))


def test_one_term_explained_differently_across_articles() -> None:
    first = _article("a.html", "In severe cases, dialysis (a machine that cleans your blood) might be needed.")
    same = _article("b.html", "You may need dialysis (a machine that cleans the blood) for a while.")
    different = _article("c.html", "Dialysis is when fluid is passed through your tummy to take waste away.")
    found = inconsistent_explanations([first, same, different])
    assert len(found) == 1
    article_id, f = found[0]
    assert f.rule == "MT005" and f.outcome == "review" and f.level == "note"
    assert article_id == different.id and f.data["other_article"] == first.id
    assert f.span is not None and different.text[f.span.start : f.span.end] == f.excerpt
    assert "a machine that cleans your blood" in f.message
    assert inconsistent_explanations([first, same]) == []
    assert explanation_overlap("a machine that cleans your blood", "a machine that cleans the blood") > 0.5
