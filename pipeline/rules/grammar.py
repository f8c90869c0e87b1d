"""GR: grammar and spelling from a real LanguageTool server."""

from __future__ import annotations

from ..context import CheckContext
from ..languagetool import LanguageToolUnavailable
from ..model import Document, Finding
from ..registry import CheckOutput, check, finding, rule

GRAMMAR = rule(
    "GR001",
    "grammar.grammar-error",
    "LanguageTool found a grammar error.",
    level="warning",
    why="Grammar errors make health advice harder to follow and cost the reader's trust.",
    guideline="NHS content style guide: plain, correct English.",
    fail="This are a mistake.",
    passing="This is correct.",
)
SPELLING = rule(
    "GR002",
    "grammar.spelling-error",
    "LanguageTool found a word that is not in its dictionary nor in the medical vocabulary.",
    level="warning",
    why="A misspelt drug or condition name can send a patient to the wrong information.",
    guideline="NHS content style guide: spell medicines and conditions as the BNF and NHS do.",
    fail="Take paracetmol for the pain.",
    passing="Take paracetamol for the pain.",
)
STYLE = rule(
    "GR003",
    "grammar.style",
    "LanguageTool's style suggestions (only with picky mode).",
    level="note",
    why="Wordy or awkward phrasing slows readers down.",
    guideline="LanguageTool style rules.",
    fail="In order to get better, rest.",
    passing="To get better, rest.",
    enabled=False,
)
NOT_CHECKED = rule(
    "GR900",
    "grammar.not-checked",
    "Grammar and spelling could not be checked because LanguageTool was not available.",
    level="error",
    why="A grammar check that silently did not run must never let an article pass the gate.",
    guideline="health-audit: a check that cannot run is reported, never skipped.",
    fail="LanguageTool stopped and could not be restarted.",
    passing="LanguageTool answered for every paragraph.",
)

_STYLE_CATEGORIES = {"STYLE", "REDUNDANCY", "PLAIN_ENGLISH", "WORDINESS", "TYPOGRAPHY"}


def _code_for(category: str, issue_type: str) -> str:
    if category == "TYPOS" or issue_type == "misspelling":
        return SPELLING.code
    if category in _STYLE_CATEGORIES or issue_type == "style":
        return STYLE.code
    return GRAMMAR.code


@check("grammar.languagetool", "GR001", "GR002", "GR003", "GR900")
def languagetool_matches(doc: Document, ctx: CheckContext) -> CheckOutput:
    if ctx.grammar is None:
        reason = ctx.grammar_unavailable or "LanguageTool is not configured"
        return CheckOutput([finding(NOT_CHECKED, f"Grammar not checked: {reason}.")])
    findings: list[Finding] = []
    try:
        for block in doc.blocks:
            base = block.start
            for m in ctx.grammar.check(doc.block_text(block)):
                start = base + m.offset
                findings.append(
                    finding(
                        _code_for(m.category, m.issue_type),
                        m.message,
                        span=(start, start + m.length),
                        text=doc.text,
                        suggestion=", ".join(m.replacements) or None,
                        data={"languagetool_rule": m.rule_id, "category": m.category},
                    )
                )
    except LanguageToolUnavailable as err:
        return CheckOutput([finding(NOT_CHECKED, f"Grammar not checked: {err}.")])
    return CheckOutput(findings)
