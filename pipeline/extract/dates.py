"""Published, last-reviewed and next-review dates of an article, as ISO dates.

Where a reader sees them first ("Page last reviewed: 3 May 2024", "Next review due: May 2027"),
then `<time>` and microdata, then JSON-LD (schema.org `datePublished`, `dateModified`,
`lastReviewed`), then meta tags; htmldate is the last resort for the publication date only.
UK pages write dates day first (30/08/2014); `day_first=False` reads them month first.
"""

from __future__ import annotations

import calendar
import json
import re
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from bs4 import BeautifulSoup, Tag

from pipeline.extract.dom import Candidate, PageIndex, index_page

KEYS = ("published", "reviewed", "next_review", "modified")
_MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
            ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
            ("oct", "october"), ("nov", "november"), ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_DATE_PATTERNS = [
    re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?\b"),
    re.compile(r"\b(?P<d>\d{1,2})(?:st|nd|rd|th)?(?:\s+of)?\s+" + _MONTH + r",?\s+(?P<y>\d{4})\b", re.I),
    re.compile(r"\b" + _MONTH + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})\b", re.I),
    re.compile(r"\b(?P<a>\d{1,2})[/.](?P<b>\d{1,2})[/.](?P<y>\d{4})\b"),
    re.compile(r"\b(?P<y>\d{4})/(?P<m>\d{1,2})/(?P<d>\d{1,2})\b"),
    re.compile(r"\b" + _MONTH + r",?\s+(?P<y>\d{4})\b", re.I),
]
_LABELS: list[tuple[str, re.Pattern[str]]] = [
    ("next_review", re.compile(r"next\s+review(?:\s+(?:due|date))?(?:\s+(?:on|by|in))?\s*[:\-–]?\s*", re.I)),
    (
        "reviewed",
        re.compile(
            r"(?:(?:page|content|article|information|medically|clinically)\s+)?(?:last\s+)?reviewed"
            r"(?:\s+by\s+[^.;:\n]{1,60}?\s+on|\s+on|\s+date)?\s*[:\-–]?\s*",
            re.I,
        ),
    ),
    (
        "published",
        re.compile(
            r"(?:(?:first|originally|date)\s+)?(?:published|posted)(?:\s+(?:on|date))?\s*[:\-–]?\s*", re.I
        ),
    ),
    ("modified", re.compile(r"(?:last\s+)?(?:updated|modified)(?:\s+on)?\s*[:\-–]?\s*", re.I)),
]
_META_KEYS: dict[str, tuple[str, ...]] = {
    "published": (
        "article:published_time", "datepublished", "dc.date.issued", "dcterms.issued", "dc.date.created",
        "dcterms.created", "citation_publication_date", "citation_date", "pubdate", "publish-date",
        "publish_date", "date", "dc.date", "sailthru.date", "parsely-pub-date",
    ),
    "modified": (
        "article:modified_time", "og:updated_time", "datemodified", "dc.date.modified", "dcterms.modified",
        "last-modified", "revised",
    ),
    "reviewed": ("lastreviewed", "last-reviewed", "dc.date.reviewed", "review-date", "reviewed"),
    "next_review": ("next-review", "nextreview", "review-due", "next_review_date"),
}
_ITEMPROP = {
    "datepublished": "published",
    "datecreated": "published",
    "datemodified": "modified",
    "lastreviewed": "reviewed",
}
_JSONLD = {"datePublished": "published", "dateCreated": "published", "dateModified": "modified",
           "lastReviewed": "reviewed"}


def parse_date(text: str, *, day_first: bool = True, end_of_month: bool = False) -> str | None:
    """The first date written in `text`, as an ISO date.

    A month alone gives its first day, or its last with `end_of_month` (a review due "March 2027"
    is not overdue until March is over).
    """
    for pattern in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            found = _to_iso(m.groupdict(), day_first, end_of_month)
            if found:
                return found
    return None


def _to_iso(g: dict[str, str | None], day_first: bool, end_of_month: bool = False) -> str | None:
    try:
        year = int(g["y"] or 0)
        if g.get("mon"):
            month = _MONTHS[_month_key(g["mon"])]
        elif g.get("a"):
            a, b = int(g["a"] or 0), int(g["b"] or 0)
            if a > 12:
                day, month = a, b
            elif b > 12:
                day, month = b, a
            else:
                day, month = (a, b) if day_first else (b, a)
            return _valid(year, month, day)
        else:
            month = int(g.get("m") or 0)
        day = int(g.get("d") or 1)
        if not g.get("d") and end_of_month:  # a month alone: its last day
            day = calendar.monthrange(year, month)[1]
    except (KeyError, ValueError):
        return None
    return _valid(year, month, day)


def _month_key(mon: str | None) -> str:
    word = (mon or "").lower().rstrip(".")
    return word if word in _MONTHS else word[:3]


def _valid(year: int, month: int, day: int) -> str | None:
    if not 1990 <= year <= 2100:
        return None
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def labelled_dates(texts: Iterable[str], *, day_first: bool = True) -> dict[str, str]:
    """Dates a reader sees next to a label: 'Page last reviewed: 30/08/2014', 'Next review due: May 2027'."""
    out: dict[str, str] = {}
    for text in texts:
        if len(text) > 400:
            continue  # a label sits in a short line, not in running prose
        for key, label in _LABELS:
            if key in out:
                continue
            for m in label.finditer(text):
                if key == "reviewed" and re.search(r"next\s+$", text[: m.start()], re.I):
                    continue
                found = parse_date(text[m.end() : m.end() + 40], day_first=day_first)
                if found and _date_starts_near(text[m.end() : m.end() + 40]):
                    out[key] = found
                    break
    return out


def _date_starts_near(tail: str) -> bool:
    """The date must follow the label directly, not 'reviewed by Dr Smith, 2019 guidance'."""
    return bool(re.match(r"\s*(?:the\s+)?(?:\d|" + _MONTH + r")", tail, re.I))


def _time_dates(page: PageIndex, day_first: bool) -> dict[str, str]:
    out: dict[str, str] = {}
    for el in page.itemprops:
        key = _ITEMPROP.get(str(el.get("itemprop")).lower())
        if key and key not in out:
            value = el.get("content") or el.get("datetime") or el.get_text(" ")
            found = parse_date(str(value), day_first=day_first)
            if found:
                out[key] = found
    for el in page.times:
        value = el.get("datetime") or el.get_text(" ")
        found = parse_date(str(value), day_first=day_first)
        if not found:
            continue
        context = _label_before(el)
        for key, label in _LABELS:
            if label.search(context) and key not in out:
                if key == "reviewed" and re.search(r"next\s+review", context, re.I):
                    continue
                out[key] = found
                break
        else:
            if el.get("pubdate") is not None and "published" not in out:
                out["published"] = found
    return out


def _label_before(el: Tag) -> str:
    """The words just before a `<time>` element in its line: its label."""
    parent = el.parent
    if not isinstance(parent, Tag):
        return ""
    before: list[str] = []
    for sib in el.previous_siblings:
        before.append(sib.get_text(" ") if isinstance(sib, Tag) else str(sib))
    text = " ".join(reversed(before)).strip()
    if not text and isinstance(parent.parent, Tag):
        return _label_before(parent) if parent.name not in ("p", "li", "div", "dd", "td") else ""
    return text[-60:]


def _meta_dates(page: PageIndex, day_first: bool) -> dict[str, str]:
    values: dict[str, str] = {}
    for meta in page.metas:
        name = meta.get("property") or meta.get("name") or meta.get("itemprop") or meta.get("http-equiv")
        content = meta.get("content")
        if name and content:
            values.setdefault(str(name).lower(), str(content))
    out: dict[str, str] = {}
    for key, names in _META_KEYS.items():
        for name in names:
            if name in values:
                found = parse_date(values[name], day_first=day_first)
                if found:
                    out[key] = found
                    break
    return out


def _jsonld_items(page: PageIndex) -> Iterator[dict[str, Any]]:
    for script in page.jsonld:
        try:
            data = json.loads(script.string or script.get_text() or "")
        except (ValueError, TypeError):
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                yield item
                stack.extend(v for k, v in item.items() if k in ("@graph", "mainEntity", "mainEntityOfPage")
                             and isinstance(v, (list, dict)))


def _jsonld_dates(page: PageIndex) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in _jsonld_items(page):
        for field, key in _JSONLD.items():
            value = item.get(field)
            if isinstance(value, str) and key not in out:
                found = parse_date(value)  # schema.org dates are ISO 8601
                if found:
                    out[key] = found
    return out


def find_dates(
    soup: BeautifulSoup,
    candidates: list[Candidate],
    page: PageIndex | None = None,
    *,
    day_first: bool = True,
    html: str | None = None,
    sources: dict[str, str] | None = None,
) -> dict[str, str | None]:
    """Every date key, ISO or None; the earliest source in the module docstring's order wins.

    `sources`, when given, receives where each found date was read (a SOURCE_NAMES key).
    """
    index = page or index_page(soup)
    found: dict[str, str] = {}
    where: dict[str, str] = {}
    readers = (
        ("label", lambda: labelled_dates((c.text for c in candidates), day_first=day_first)),
        ("time", lambda: _time_dates(index, day_first)),
        ("json-ld", lambda: _jsonld_dates(index)),
        ("meta", lambda: _meta_dates(index, day_first)),
    )
    for name, read in readers:
        for key, value in read().items():
            if key not in found:
                found[key], where[key] = value, name
    if "published" not in found and html and candidates:
        guess = _htmldate(html)
        if guess:
            found["published"], where["published"] = guess, "htmldate"
    if sources is not None:
        sources.update(where)
    return {key: found.get(key) for key in KEYS}


# Where a date was read, as a reviewer would look for it on the page.
SOURCE_NAMES = {
    "label": "a label on the page",
    "time": "a <time> element",
    "json-ld": "the page's JSON-LD",
    "meta": "a <meta> tag",
    "htmldate": "htmldate's reading of the page",
    "front matter": "the Markdown front matter",
}


def _htmldate(html: str) -> str | None:
    try:
        from htmldate import find_date

        return find_date(html, extensive_search=False, original_date=True)
    except Exception:  # htmldate's failure on odd markup only loses the fallback
        return None
