"""CU: review dates read from the extractor's Document.dates or from labelled dates readers can see."""

from __future__ import annotations

from datetime import date

import pytest

from pipeline.config import from_mapping
from pipeline.extract.dates import parse_date
from pipeline.extract.document import RawPage, extract, from_markdown
from pipeline.model import Block, Document
from pipeline.rules.currency.checks import content_currency, find_dates
from pipeline.rules.registry import CheckOutput
from tests.conftest import make_context


def _doc(text: str, *, dates: dict[str, str | None] | None = None, stripped: list[str] | None = None) -> Document:
    return Document(
        source="test:currency",
        id="cu",
        title="Gout",
        text=text,
        blocks=[Block("paragraph", 0, len(text))],
        stripped=stripped or [],
        dates=dates or {},
    )


def _run(doc: Document, **currency: object) -> dict[str, str]:
    cfg = from_mapping({"currency": {"today": "2026-11-23", **currency}})
    out = content_currency(doc, make_context(cfg))
    assert isinstance(out, CheckOutput)
    return {f.rule: f.outcome for f in out.findings}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12 February 2025", "2025-02-12"),
        ("12th Feb 2025", "2025-02-12"),
        ("February 12, 2025", "2025-02-12"),
        ("2025-02-12", "2025-02-12"),
        ("2025-02-12T09:30:00+00:00", "2025-02-12"),
        ("12/02/2025", "2025-02-12"),  # day first
        ("Sept 2024", "2024-09-01"),
        ("31/02/2025", None),
        ("soon", None),
    ],
)
def test_parse_date(text: str, expected: str | None) -> None:
    """Currency reads dates with the extractor's parser (pipeline.extract.dates)."""
    assert parse_date(text) == expected


def test_month_only_next_review_runs_to_the_end_of_the_month() -> None:
    assert parse_date("February 2028", end_of_month=True) == "2028-02-29"
    assert parse_date("12 February 2028", end_of_month=True) == "2028-02-12"
    doc = _doc("Gout.", stripped=["Next review due: February 2028"])
    assert find_dates(doc)["next_review"].value == date(2028, 2, 29)


def test_extracted_dates_come_first() -> None:
    doc = _doc(
        "Gout causes joint pain. Page last reviewed: 1 January 2010.",
        dates={"reviewed": "2025-06-01", "next_review": None, "published": None},
    )
    found = find_dates(doc)
    assert found["reviewed"].value == date(2025, 6, 1)
    assert found["reviewed"].source == "extracted"


def test_labelled_date_in_the_page_footer_is_read() -> None:
    doc = _doc(
        "Gout causes joint pain.",
        stripped=["Share this page", "Page last reviewed: 3 March 2024 Next review due: 3 March 2027"],
    )
    found = find_dates(doc)
    assert found["reviewed"].value == date(2024, 3, 3)
    assert found["next_review"].value == date(2027, 3, 3)
    assert found["reviewed"].source == "page furniture"


def test_outcomes_for_recent_old_and_overdue_pages() -> None:
    recent = _doc("Gout.", dates={"reviewed": "2025-02-12", "next_review": "2028-02-12"})
    assert _run(recent) == {"CU001": "pass"}
    old = _doc("Gout.", dates={"reviewed": "2019-03-04", "next_review": "2022-03-04"})
    assert _run(old) == {"CU001": "pass", "CU002": "fail", "CU003": "fail"}
    assert _run(old, max_age_years=10) == {"CU001": "pass", "CU003": "fail"}


def test_metrics_record_dates_and_where_they_came_from() -> None:
    doc = _doc("Gout.", dates={"reviewed": "2024-11-23"}, stripped=["Next review due: 23 November 2027"])
    cfg = from_mapping({"currency": {"today": "2026-11-23"}})
    out = content_currency(doc, make_context(cfg))
    assert isinstance(out, CheckOutput)
    m = out.metrics["currency"]
    assert m["reviewed"] == "2024-11-23" and m["next_review"] == "2027-11-23"
    assert m["sources"] == {"reviewed": "extracted", "next_review": "page furniture"}
    assert m["age_years"] == pytest.approx(2.0, abs=0.01)


def test_today_must_be_an_iso_date() -> None:
    from pipeline.errors import ConfigError

    with pytest.raises(ConfigError, match="currency.today"):
        from_mapping({"currency": {"today": "23/11/2026"}})


@pytest.mark.parametrize(
    ("sample", "expected"),
    [
        # Reviewed March 2020, next review due March 2023: overdue on both counts.
        ("piles-haemorrhoids.html", {"CU001": "pass", "CU002": "fail", "CU003": "fail"}),
        ("sepsis-warning-signs.html", {"CU001": "pass"}),
        ("sepsis-causes.html", {"CU001": "pass"}),
    ],
)
def test_sample_pages_dates(sample: str, expected: dict[str, str]) -> None:
    from pipeline.extract.document import RawPage, extract
    from tests.conftest import SAMPLES

    path = SAMPLES / "articles" / sample
    doc = extract(RawPage(str(path), path.read_text(encoding="utf-8")))
    assert _run(doc) == expected


def test_the_pass_message_says_where_the_review_date_was_read() -> None:
    cfg = from_mapping({"grammar": {"enabled": False}, "currency": {"today": "2026-01-01"}})
    page = (
        "<html><head><script type='application/ld+json'>{\"@type\": \"MedicalWebPage\", "
        "\"lastReviewed\": \"2025-02-12\"}</script></head><body><article><h1>Gout</h1>"
        "<p>Gout is a type of arthritis that causes sudden, severe joint pain.</p></article></body></html>"
    )
    doc = extract(RawPage(source="gout", html=page))
    assert doc.date_sources["reviewed"] == "json-ld"
    message = content_currency(doc, make_context(cfg)).findings[0].message
    assert message == "Last reviewed 12 February 2025 (from the page's JSON-LD)."
    labelled = extract(RawPage(source="gout", html=page.replace("</article>", "<p>Page last reviewed: 3 March 2024</p></article>")))
    assert labelled.date_sources["reviewed"] == "label"
    assert content_currency(labelled, make_context(cfg)).findings[0].message.endswith("(from a label on the page).")
    footer = _doc("Gout.", stripped=["Page last reviewed: 3 March 2024"])
    message = content_currency(footer, make_context(cfg)).findings[0].message
    assert message == "Last reviewed 3 March 2024 (found in the page furniture: 'Page last reviewed: 3 March 2024')."
    us = from_mapping({"locale": "us", "grammar": {"enabled": False}, "currency": {"today": "2026-01-01"}})
    assert content_currency(footer, make_context(us)).findings[0].message.startswith("Last reviewed March 3, 2024 (")


def test_markdown_front_matter_dates_say_so() -> None:
    doc = from_markdown("gout.md", "---\ntitle: Gout\nreviewed: 2025-02-12\n---\n\nGout causes joint pain.\n")
    assert doc.dates["reviewed"] == "2025-02-12" and doc.date_sources["reviewed"] == "front matter"


def test_us_review_label_is_read_month_first() -> None:
    """A US site's "03/04/2024" is 4 March: currency reads labels with extraction.day_first."""
    doc = _doc("Gout.", stripped=["Page last reviewed: 03/04/2024"])
    us = from_mapping(
        {"locale": "us", "extraction": {"day_first": False}, "currency": {"today": "2026-01-01"}}
    )
    out = content_currency(doc, make_context(us))
    assert isinstance(out, CheckOutput)
    assert out.metrics["currency"]["reviewed"] == "2024-03-04"
    assert out.findings[0].message.startswith("Last reviewed March 4, 2024 (")
    uk = from_mapping({"currency": {"today": "2026-01-01"}})
    assert content_currency(doc, make_context(uk)).metrics["currency"]["reviewed"] == "2024-04-03"
