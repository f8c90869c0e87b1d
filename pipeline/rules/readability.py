"""RD: reading level of the article as a whole (SMOG first, as the NHS asks)."""

from __future__ import annotations

from ..context import CheckContext
from ..model import Document
from ..readability import metrics
from ..registry import CheckOutput, check, finding, rule

READING_AGE = rule(
    "RD001",
    "readability.reading-age-above-target",
    "The article's UK reading age (SMOG grade + 5) is above the target reading age.",
    level="warning",
    why="Most UK adults read comfortably at a reading age of 9 to 11; harder text is misunderstood, "
    "and people with low health literacy have worse health outcomes.",
    guideline="NHS digital service manual, content style guide: aim for a reading age of 9 to 11 "
    "(SMOG, the health-literacy standard).",
    fail="Sepsis is a life-threatening dysregulated host response to infection, frequently precipitating "
    "multi-organ dysfunction necessitating intensive therapeutic intervention.",
    passing="Sepsis is when your body attacks itself after an infection. It can be deadly. Get help fast.",
    tags=("nhs:how-we-write", "wcag:3.1.5"),
)
SMOG_TOO_HIGH = rule(
    "RD002",
    "readability.smog-too-high",
    "The SMOG grade is above the NHS 'prioritise' line (14 by default): rewrite this article first.",
    level="error",
    why="At SMOG 14 and above only about a fifth of UK adults can read the text.",
    guideline="NHS England, health literacy toolkit: SMOG bands (14-16: 22% of UK adults).",
    fail="An article written in academic clinical prose throughout.",
    passing="An article written in short sentences and everyday words.",
    tags=("nhs:health-literacy",),
)


@check("readability.article", "RD001", "RD002")
def article_reading_level(doc: Document, ctx: CheckContext) -> CheckOutput:
    cfg = ctx.config.readability
    m = metrics(doc.text)
    out = CheckOutput(metrics={"readability": m})
    if m["uk_reading_age"] > cfg.target_reading_age:
        out.findings.append(
            finding(
                READING_AGE,
                f"UK reading age is {m['uk_reading_age']:g} (SMOG {m['smog']:g}); "
                f"the target is {cfg.target_reading_age:g} or lower.",
                suggestion="Shorten sentences and swap long words for everyday ones, starting with the "
                "hardest section.",
                data={"smog": m["smog"], "uk_reading_age": m["uk_reading_age"]},
            )
        )
    if m["smog"] > cfg.smog_error:
        out.findings.append(
            finding(
                SMOG_TOO_HIGH,
                f"SMOG grade {m['smog']:g} is above {cfg.smog_error:g}: only about "
                f"{m['uk_adults_share'] or 22}% of UK adults can read text this hard.",
                suggestion="Rewrite this article first: split long sentences and explain or replace "
                "words of three or more syllables.",
            )
        )
    return out
