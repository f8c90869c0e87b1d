"""Extraction scoring, shared by bench/extraction.py and tests/extract/test_extract_health_pages.py.

Scoring follows ../shared/corpora/README.md and the Scrapinghub benchmark's evaluate.py: per page,
the multiset of word 4-grams (\\w+ tokens) of the extracted text against the ground truth gives
true positives, false positives and false negatives, normalised by their sum; precision and recall
are averaged over pages and F1 is their harmonic mean (the figure the published results quote).
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Callable

from pipeline.config import ExtractionConfig, SiteProfile
from pipeline.model import Document
from tests.support.paths import CORPORA

HEALTH = CORPORA / "health-pages"

_TOKEN = re.compile(r"\w+", re.UNICODE | re.MULTILINE | re.IGNORECASE | re.DOTALL)
Counts = tuple[float, float, float]


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text or "")
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i : i + n])


def match(true: str, pred: str) -> Counts:
    """True positives, false positives, false negatives over 4-gram multisets, normalised by their sum."""
    t, p = shingles(true), shingles(pred)
    tp = float(sum((t & p).values()))
    fp = float(sum((p - t).values()))
    fn = float(sum((t - p).values()))
    s = tp + fp + fn
    return (tp / s, fp / s, fn / s) if s else (0.0, 0.0, 0.0)


def precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fp == 0:
        return 0.0
    return tp / (tp + fp)


def recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fn == 0:
        return 0.0
    return tp / (tp + fn)


def page_f1(c: Counts) -> float:
    p, r = precision(*c), recall(*c)
    return 2 * p * r / (p + r) if p + r else 0.0


def summarise(rows: list[Counts]) -> dict[str, float]:
    p = statistics.mean(precision(*c) for c in rows if c[0] + c[1] > 0)
    r = statistics.mean(recall(*c) for c in rows if c[0] + c[2] > 0)
    return {
        "precision": p,
        "recall": r,
        "f1": 2 * p * r / (p + r) if p + r else 0.0,
        "mean_page_f1": statistics.mean(page_f1(c) for c in rows),
    }


def article_body(doc: Document) -> str:
    """The scored text without a leading page headline: the benchmark's articleBody has no headline."""
    blocks = doc.blocks
    if blocks and blocks[0].kind == "heading" and blocks[0].level == 1:
        return doc.text[blocks[1].start :] if len(blocks) > 1 else ""
    return doc.text


def contains_snippet(text: str, snippet: str) -> bool:
    """A snippet appears in the text: as written (white space folded), or word for word.

    Word for word ignores punctuation, because a heading such as 'Primary Funding Source:' ends as
    the sentence 'Primary Funding Source.' in the scored text; a snippet may start or end mid-word.
    """
    if " ".join(snippet.split()) in " ".join(text.split()):
        return True
    words, want = _TOKEN.findall(text), _TOKEN.findall(snippet)
    if not want:
        return False
    inner = want[1:-1]
    for i in range(len(words) - len(want) + 1):
        if words[i + 1 : i + 1 + len(inner)] != inner:
            continue
        first, last = words[i], words[i + len(want) - 1]
        if len(want) == 1:
            if want[0] in first:
                return True
        elif first.endswith(want[0]) and last.startswith(want[-1]):
            return True
    return False


# The annotators' own selectors, as a site profile: with their spacing, it gives their text exactly.
ANNOTATORS = ExtractionConfig(
    site_profiles=[SiteProfile(match="*", content=[".main-content"], boilerplate=["#webZoneLeft", ".review-dates"])]
)


def nhs_rows(extractor: Callable[[str, str], str], *, annotation_spacing: bool) -> list[Counts]:
    """Each NHS Choices page scored for `extractor(name, html)`, on the page as published or with its
    non-breaking spaces deleted as the annotators deleted them."""
    rows: list[Counts] = []
    for content in sorted((HEALTH / "nhs-choices-2016").glob("*.content")):
        html = content.with_suffix(".html").read_bytes().decode("utf-8", "replace")
        html = drop_nbsp(html) if annotation_spacing else html
        rows.append(match(content.read_text(encoding="utf-8"), extractor(content.stem, html)))
    return rows


def drop_nbsp(html: str) -> str:
    return html.replace("&nbsp;", "").replace("\xa0", "")
