"""EX: loading and extraction problems, reported per article so the run goes on."""

from __future__ import annotations

from pipeline.model import Document
from pipeline.rules.context import CheckContext
from pipeline.rules.registry import CheckOutput, check, finding, rule

LOAD_FAILED = rule(
    "EX001",
    "extraction.load-failed",
    "The article could not be read or fetched (missing, empty, binary, too large, HTTP error, timeout, "
    "redirect loop, refused address or robots.txt).",
    level="error",
    why="An article that cannot be audited cannot be trusted to publish; the gate must not pass it silently.",
    guideline="health-audit: every article in a run is either audited or reported.",
    fail="A URL that answers 404, or a file that is empty.",
    passing="A readable HTML article page.",
)
NO_TEXT = rule(
    "EX002",
    "extraction.no-article-text",
    "No article text was found on the page after removing navigation and other boilerplate.",
    level="error",
    why="With no article text there is nothing to score; the page may be a listing, a redirect or broken.",
    guideline="health-audit: every article in a run is either audited or reported.",
    fail="<html><body><nav>Home</nav></body></html>",
    passing="<article><h1>Sepsis</h1><p>Sepsis is a serious reaction to an infection.</p></article>",
)
CHECK_CRASHED = rule(
    "EX003",
    "extraction.check-crashed",
    "A check raised an error on this article; its results are missing.",
    level="error",
    why="A missing result must be visible: a crash must never look like a pass.",
    guideline="axe-core / SARIF: a check that crashes is reported, never lost.",
    fail="A check that raises on an unusual page.",
    passing="Every check completes.",
)
ENCODING_REPAIRED = rule(
    "EX004",
    "extraction.encoding-repaired",
    "The page's bytes do not match its character encoding (invalid UTF-8, or a wrong charset "
    "declaration); the text was repaired or re-read, so some characters may be wrong.",
    level="warning",
    why="Broken characters ('â€™', '\ufffd') in a medicine name or a dose make the advice unreadable, and the "
    "same fault usually shows on the live page.",
    guideline="WHATWG Encoding Standard: declare the encoding the page is really written in (UTF-8).",
    fail="A page with <meta charset=\"utf-8\"> whose text contains bytes such as 0xFF.",
    passing="A page saved as UTF-8 that declares UTF-8.",
    tags=("wcag:3.1.1",),
)
LITTLE_TEXT = rule(
    "EX005",
    "extraction.little-article-text",
    "Very little article text was found (fewer words than extraction.min_words): the page may be a "
    "listing, or its content may be drawn by JavaScript, so the scores describe only a fragment.",
    level="warning",
    why="Reading-level and safety checks on a fragment say little about what patients actually read.",
    guideline="health-audit: scores are only as good as the text they are computed on.",
    fail="<main><h1>Sepsis</h1><p>Loading…</p></main>",
    passing="An article of several paragraphs.",
)

LOW_CONFIDENCE = rule(
    "EX006",
    "extraction.low-confidence",
    "The article text was found with low confidence: the main-text detector's choice was navigation-like, "
    "empty or far shorter than the page's largest region of prose, so the best candidate was audited and "
    "a person should confirm that it is the article.",
    level="warning",
    why="Every other check starts from the extracted text: if the article went to the stripped boilerplate, "
    "an emergency page can pass with no safety, currency or reading check at all. A reviewer cannot see "
    "what was never extracted, so a doubtful extraction is shown, not hidden.",
    guideline="health-audit: every article in a run is either audited or reported, never lost silently.",
    fail="A page whose only <ul> of 60 links comes before two short paragraphs of advice, with no <article> "
    "or <main>: the detector keeps the links, and the paragraphs are audited instead.",
    passing="<main><h1>Sepsis</h1><p>Sepsis is a serious reaction to an infection.</p></main>",
)


@check("extraction.article-text", "EX004", "EX005", "EX006")
def article_text(doc: Document, ctx: CheckContext) -> CheckOutput:
    """Problems met while loading, and how much article text (and boilerplate) the page gave."""
    out = CheckOutput()
    for problem in getattr(doc, "problems", []):
        if problem.code == ENCODING_REPAIRED.code:
            out.findings.append(finding(ENCODING_REPAIRED, problem.message))
        elif problem.code == LOW_CONFIDENCE.code:
            out.findings.append(
                finding(
                    LOW_CONFIDENCE,
                    problem.message,
                    outcome="review",
                    suggestion="Compare the audited text with the page, and its stripped blocks; if the article "
                    "is elsewhere, a site profile in extraction.site_profiles can point at its container.",
                )
            )
    words = len(doc.text.split())
    minimum = ctx.config.extraction.min_words
    if 0 < words < minimum:
        out.findings.append(
            finding(
                LITTLE_TEXT,
                f"Only {words} words of article text were found (fewer than {minimum}).",
                suggestion="Check that the page is an article and that its text is in the HTML, not loaded "
                "by script; a site profile in extraction.site_profiles can point at the article's container.",
            )
        )
    out.metrics["extraction"] = {
        "words": words,
        "blocks": len(doc.blocks),
        "stripped_blocks": len(doc.stripped),
    }
    return out
