"""SM: the checklist per topic, locales, and the pinned sample results (placement, boilerplate and
weak messages are rule cases in tests/rules/cases/SM001.yaml and SM003.yaml)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pipeline.config import Config, from_mapping
from pipeline.extract.document import RawPage, extract, from_text
from pipeline.model import ArticleResult, Document, Finding
from pipeline.rules.safety.checks import locale_for
from pipeline.run.assembly import audit_document
from tests.conftest import SAMPLES, make_context

NHS = Path("health-pages") / "nhs-choices-2016" / "AbdominalAorticAneurysm"


def _config(**safety: Any) -> Config:
    return from_mapping({"select": ["SM"], "safety": safety})


def _audit(doc: Document, config: Config | None = None) -> ArticleResult:
    return audit_document(doc, make_context(config or _config()))


def _sm(result: ArticleResult, code: str) -> list[Finding]:
    return [f for f in result.findings if f.rule == code]


def _one(result: ArticleResult, code: str) -> Finding:
    found = _sm(result, code)
    assert len(found) == 1, result.findings
    return found[0]


def _sample(name: str) -> Document:
    path = SAMPLES / "articles" / name
    return extract(RawPage(str(path), path.read_text(encoding="utf-8")))


def _html(title: str, sections: list[tuple[str, list[str]]], footer: str = "") -> Document:
    body = "".join(f"<h2>{h}</h2>" + "".join(f"<p>{p}</p>" for p in ps) for h, ps in sections)
    html = (
        f"<html lang='en'><body><article><h1>{title}</h1>{body}</article>"
        f"<footer><p>{footer}</p></footer></body></html>"
    )
    return extract(RawPage(f"test:{title}", html))


SEPSIS_FACTS = [
    "Sepsis is a life-threatening reaction to an infection.",
    "Sepsis happens when your immune system overreacts to an infection. Anyone can get sepsis.",
    "Sepsis can be hard to spot. The signs of sepsis include slurred speech and mottled skin.",
]


# ----------------------------------------------------------------- pinned results for the samples


def test_seed_sample_fails_for_the_missing_emergency_action() -> None:
    result = _audit(_sample("sepsis-causes.html"))
    sm001 = _one(result, "SM001")
    assert sm001.outcome == "fail" and sm001.level == "error"
    assert sm001.span is None
    assert "No emergency action was found in the article" in sm001.message
    # The page furniture's "Sepsis is a medical emergency" and "In an emergency, always call 999"
    # do not tell readers what to do about sepsis.
    assert "boilerplate" in sm001.message
    assert "nice:ng51" in sm001.tags
    checklist = result.metrics["safety"]["checklist"]
    emergency = [c for c in checklist if c["topic"] == "sepsis" and c["kind"] == "emergency_action"]
    assert [c["status"] for c in emergency] == ["fail"]


def test_sample_with_the_message_is_found_and_says_where() -> None:
    result = _audit(_sample("sepsis-warning-signs.html"))
    sm001 = _one(result, "SM001")
    # The sample loads its site's stylesheets, which the static pass does not read: it cannot vouch
    # that the message is visible, so it says review and points to browser mode.
    assert sm001.outcome == "review"
    assert "--browser" in sm001.message
    assert sm001.excerpt is not None and sm001.excerpt.startswith("Call 999 or go to A&E")
    assert sm001.data["found"]["help_section"] is True
    assert "When to get help" in sm001.message
    safety = result.metrics["safety"]
    assert safety["locale"] == "uk"
    assert any(t["topic"] == "sepsis" and t["detected"] for t in safety["topics"])
    assert {c["status"] for c in safety["checklist"] if c["topic"] == "sepsis"} == {"review"}


def test_nhs_choices_aneurysm_page_passes_its_emergency_action_check(shared: Path) -> None:
    base = shared / "corpora" / NHS
    page = extract(RawPage(str(base.with_suffix(".html")), base.with_suffix(".html").read_text(encoding="utf-8")))
    expected_text = from_text(
        "nhs-aaa-content", base.with_suffix(".content").read_text(encoding="utf-8"), title="Abdominal aortic aneurysm"
    )
    for doc, outcome in ((page, "review"), (expected_text, "pass")):
        # The page loads stylesheets the static pass cannot read (review); its plain text has none.
        sm001 = _one(_audit(doc), "SM001")
        assert sm001.outcome == outcome, sm001.message
        assert sm001.excerpt is not None and "call 999 immediately and ask for an ambulance" in sm001.excerpt


# ----------------------------------------------------------------- locales


def _us_sepsis() -> Document:
    return _html("Sepsis", [("Get help", ["Call 911 or go to the ER if you have signs of sepsis."]), ("About", SEPSIS_FACTS)])


def test_locale_decides_which_numbers_count() -> None:
    under_us = _audit(_us_sepsis(), _config(locale="us"))
    assert _one(under_us, "SM001").outcome == "pass"
    assert not _sm(under_us, "SM004")
    under_uk = _audit(_us_sepsis())
    missing = _one(under_uk, "SM001")
    assert missing.outcome == "review" and "'911' is a US service, not UK" in missing.message
    wrong = _one(under_uk, "SM004")
    assert wrong.outcome == "review" and "US service" in wrong.message and "911" in (wrong.excerpt or "")


def test_the_report_checklist_names_the_locale_s_own_numbers() -> None:
    # The checklist label comes from the locale's data: a US page's row says 911 / ER, not 999 / A&E.
    from pipeline.output.html_report import safety_view

    view = safety_view(_audit(_us_sepsis(), _config(locale="us")))
    assert view is not None and view["locale"] == "us"
    labels = {item["what"] for item in view["items"]}
    assert "Emergency action (911 / ER)" in labels
    assert not any("999" in label or "A&E" in label for label in labels)
    uk = safety_view(_audit(_html("Sepsis", [("About", SEPSIS_FACTS)])))
    assert uk is not None and "Emergency action (999 / A&E)" in {item["what"] for item in uk["items"]}


def test_site_locales_pick_the_profile_per_source() -> None:
    cfg = from_mapping({"locale": "uk", "safety": {"site_locales": {"https://www.example.org/*": "us"}}})
    assert locale_for("https://www.example.org/sepsis", cfg) == "us"
    assert locale_for("https://www.nhs.uk/sepsis", cfg) == "uk"
    assert locale_for("x", from_mapping({"locale": "au"})) == "au"
    assert locale_for("x", from_mapping({"locale": "au", "safety": {"locale": "ie"}})) == "ie"


# ----------------------------------------------------------------- other kinds


def test_page_without_any_topic_gets_no_safety_findings() -> None:
    doc = _html("Piles", [("About piles", ["Piles are lumps inside and around your bottom. They often get better."])])
    result = _audit(doc)
    assert not [f for f in result.findings if f.rule.startswith("SM")]
    assert result.metrics["safety"]["checklist"] == []


@pytest.mark.parametrize("name", ["sepsis-causes.html", "sepsis-warning-signs.html"])
def test_every_checklist_item_names_its_requirement_and_guideline(name: str) -> None:
    result = _audit(_sample(name))
    for item in result.metrics["safety"]["checklist"]:
        assert item["requirement"] and item["kind"] and item["why"]
        assert item["status"] in {"pass", "review", "fail"}
        assert (item["found"] is None) == (item["status"] == "fail")
    sm = [f for f in result.findings if f.rule.startswith("SM")]
    assert all(f.data["guidelines"] for f in sm)
