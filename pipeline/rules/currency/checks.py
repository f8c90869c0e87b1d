"""CU: is the article's review visible and in date (PIF TICK: reviewed at least every three years)?

Dates come from the extractor (`Document.dates`: ISO strings under published, reviewed, next_review).
Where the extractor found none, a labelled date shown to readers ("Page last reviewed: 12 March
2024", "Next review due: March 2027") is read from the article text or the stripped page furniture,
since the footer is where most sites print it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from pipeline.extract.dates import SOURCE_NAMES, parse_date
from pipeline.model import Document
from pipeline.rules.context import CheckContext
from pipeline.rules.registry import CheckOutput, check, finding, rule

NO_REVIEW_DATE = rule(
    "CU001",
    "currency.review-date-missing",
    "The page shows no date when its content was last reviewed.",
    level="warning",
    why="Readers cannot tell whether health advice is current; treatments and phone numbers change.",
    guideline="PIF TICK criterion: information is dated and shows when it was last reviewed and when it "
    "will next be reviewed.",
    fail="An article with no 'last reviewed' date anywhere on the page.",
    passing="Page last reviewed: 12 February 2025. Next review due: 12 February 2028.",
    tags=("pif:tick", "nhs:content-review"),
)
REVIEW_OVERDUE = rule(
    "CU002",
    "currency.review-overdue",
    "The page was last reviewed more than three years ago (configurable).",
    level="warning",
    why="Advice older than three years may contradict current guidance and lose readers' trust.",
    guideline="PIF TICK criterion: health information is reviewed at least every three years.",
    fail="Page last reviewed: 4 March 2019.",
    passing="Page last reviewed: 12 February 2025.",
    tags=("pif:tick",),
)
NEXT_REVIEW_PASSED = rule(
    "CU003",
    "currency.next-review-passed",
    "The page's own next-review date has passed.",
    level="error",
    why="The publisher promised to check this advice by that date and has not: it may be out of date.",
    guideline="PIF TICK criterion: content is reviewed by its next-review date; NHS content review policy.",
    fail="Next review due: 1 January 2024 (on a page audited in 2026).",
    passing="Next review due: 12 February 2028.",
    tags=("pif:tick", "nhs:content-review"),
)

_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATE = (
    rf"(?:\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}}"  # 12 February 2025
    rf"|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"  # February 12, 2025
    rf"|{_MONTH}\s+\d{{4}}"  # February 2025
    r"|\d{4}-\d{2}-\d{2}"  # 2025-02-12
    r"|\d{1,2}/\d{1,2}/\d{4})"  # 12/02/2025 (day or month first: extraction.day_first says which)
)
_LABELS = {
    "next_review": re.compile(
        rf"\b(?:next review(?:\s+(?:due|date))?|(?:due|date) for review|review due)(?:\s+(?:on|by))?"
        rf"\s*[:\-–]?\s*({_DATE})",
        re.I,
    ),
    "reviewed": re.compile(
        rf"\b(?:(?:page|content|article)\s+)?(?:last\s+)?(?:medically\s+|clinically\s+|peer\s+)?reviewed"
        rf"(?:\s+on)?\s*[:\-–]?\s*({_DATE})",
        re.I,
    ),
    "published": re.compile(rf"\b(?:first |originally )?published(?:\s+on)?\s*[:\-–]?\s*({_DATE})", re.I),
}


def _parse(text: str, key: str, day_first: bool) -> date | None:
    """A date as sites print it, read by the extractor's parser with the same day-first setting;
    a next review due in a month alone is due by that month's last day."""
    found = parse_date(text, day_first=day_first, end_of_month=key == "next_review")
    return date.fromisoformat(found) if found else None


@dataclass
class FoundDate:
    value: date
    source: str  # "extracted", "article text" or "page furniture"
    label: str  # the text it was read from; for an extracted date, where the extractor read it


def find_dates(doc: Document, *, day_first: bool = True) -> dict[str, FoundDate]:
    """Each kind of date: the extractor's first, then a labelled date in the text or page furniture.

    `day_first` is `extraction.day_first`: 03/04/2024 is 3 April on UK pages, March 4 on US ones.
    """
    out: dict[str, FoundDate] = {}
    for key, raw in (doc.dates or {}).items():
        if raw and key in _LABELS and (d := _parse(raw, key, day_first)):
            out[key] = FoundDate(d, "extracted", SOURCE_NAMES.get(doc.date_sources.get(key, ""), "the page's dates"))
    for source, chunks in (("article text", [doc.text]), ("page furniture", doc.stripped)):
        for chunk in chunks:
            for key, pattern in _LABELS.items():
                if key in out:
                    continue
                if (m := pattern.search(chunk)) and (d := _parse(m.group(1), key, day_first)):
                    out[key] = FoundDate(d, source, m.group(0))
    return out


def _years_between(earlier: date, later: date) -> float:
    return (later - earlier).days / 365.25


def _long(d: date, us: bool = False) -> str:
    """A date as the readers' country writes it: "3 March 2024", or "March 3, 2024" in the US."""
    return f"{d:%B} {d.day}, {d.year}" if us else f"{d.day} {d:%B %Y}"


def _where(found: FoundDate) -> str:
    """Where the date was read, for the reviewer who wants to check it on the page."""
    if found.source == "extracted":
        return f"from {found.label}"
    return f"found in the {found.source}: '{found.label}'"


@check("currency.dates", "CU001", "CU002", "CU003")
def content_currency(doc: Document, ctx: CheckContext) -> CheckOutput:
    cfg = ctx.config.currency
    us = ctx.config.locale == "us"
    today = date.fromisoformat(cfg.today) if cfg.today else date.today()
    dates = find_dates(doc, day_first=ctx.config.extraction.day_first)
    out = CheckOutput(
        metrics={
            "currency": {
                "today": today.isoformat(),
                **{k: (v.value.isoformat() if (v := dates.get(k)) else None) for k in _LABELS},
                "sources": {k: v.source for k, v in dates.items()},
            }
        }
    )
    reviewed, next_review = dates.get("reviewed"), dates.get("next_review")
    if reviewed is None:
        published = dates.get("published")
        out.findings.append(
            finding(
                NO_REVIEW_DATE,
                "No 'last reviewed' date was found on the page."
                + (f" It shows only a publication date ({_long(published.value, us)})." if published else ""),
                suggestion="Show 'Page last reviewed: <date>' and 'Next review due: <date>' with the article.",
            )
        )
    else:
        age = _years_between(reviewed.value, today)
        out.metrics["currency"]["age_years"] = round(age, 2)
        out.findings.append(
            finding(
                NO_REVIEW_DATE,
                f"Last reviewed {_long(reviewed.value, us)} ({_where(reviewed)}).",
                outcome="pass",
            )
        )
        if age > cfg.max_age_years:
            out.findings.append(
                finding(
                    REVIEW_OVERDUE,
                    f"Last reviewed {_long(reviewed.value, us)}, {age:.1f} years ago; content should be "
                    f"reviewed at least every {cfg.max_age_years:g} years.",
                    suggestion="Ask a clinician to review the page and update its review date.",
                    data={"reviewed": reviewed.value.isoformat(), "age_years": round(age, 2)},
                )
            )
    if next_review is not None and next_review.value < today:
        overdue = (today - next_review.value).days
        out.findings.append(
            finding(
                NEXT_REVIEW_PASSED,
                f"The next review was due {_long(next_review.value, us)}, {overdue} days ago.",
                suggestion="Review the page now, or take it down until it has been reviewed.",
                data={"next_review": next_review.value.isoformat(), "days_overdue": overdue},
            )
        )
    return out
