"""EX: loading and extraction problems, reported per article so the run goes on."""

from __future__ import annotations

from ..registry import rule

LOAD_FAILED = rule(
    "EX001",
    "extraction.load-failed",
    "The article could not be read or fetched (missing, empty, binary, too large, HTTP error).",
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
