"""MT: medical terms and abbreviations explained in plain words at their first use."""

from __future__ import annotations

import re

from pipeline.config import Config
from pipeline.model import ArticleResult, Document, Finding
from pipeline.rules.context import CheckContext
from pipeline.rules.registry import CheckOutput, check, finding, rule, run_check
from pipeline.rules.terms.analysis import TermReport, analyse, inconsistent_explanations

_TAGS = ("nhs:how-we-write", "pemat:5", "wcag:3.1.3")

UNEXPLAINED_TERM = rule(
    "MT001",
    "terms.term-not-explained",
    "A medical term the public may not know is never explained in plain words.",
    level="warning",
    why="Readers who meet an unexplained medical word guess its meaning or stop reading; people with "
    "low health literacy are the most likely to misunderstand and the least likely to ask.",
    guideline="NHS content style guide (how we write: explain medical words the first time you use them); "
    "PEMAT item 5 (medical terms are used only to familiarise, and are defined); WCAG 2.2 SC 3.1.3 "
    "(unusual words).",
    fail="In severe cases, dialysis might be needed.",
    passing="In severe cases, dialysis (a machine that does the work of the kidneys) might be needed.",
    tags=_TAGS,
)
UNEXPANDED_ABBREVIATION = rule(
    "MT002",
    "terms.abbreviation-not-expanded",
    "An abbreviation is never spelt out or explained.",
    level="warning",
    why="An abbreviation the reader does not know is a word they cannot read aloud, look up or ask about.",
    guideline="NHS content style guide (abbreviations and acronyms: spell out at first use unless very well "
    "known); WCAG 2.2 SC 3.1.4 (abbreviations).",
    fail="People who have a PICC line are more likely to get sepsis.",
    passing="People who have a peripherally inserted central catheter (PICC) line are more likely to get sepsis.",
    tags=("nhs:abbreviations", "wcag:3.1.4"),
)
EXPLAINED_LATE = rule(
    "MT003",
    "terms.explained-after-first-use",
    "A term or abbreviation is used bare first and explained only later in the article.",
    level="warning",
    why="The reader meets the word before its explanation: the first sentences that use it are "
    "already misread by the time the explanation comes.",
    guideline="NHS content style guide (explain a medical word the first time you use it); WCAG 2.2 SC 3.1.3 "
    "and 3.1.4 (the explanation must be available where the word is used).",
    fail="Intravenous fluids are given. Later on: intravenous fluids - fluid through a drip in your veins - help.",
    passing="Intravenous fluids (fluid through a drip in your veins) are given. Later on: intravenous fluids help.",
    tags=_TAGS,
)
PLAIN_ALTERNATIVE = rule(
    "MT004",
    "terms.jargon-has-plain-alternative",
    "A medical word is used (and explained) where an everyday word would do.",
    level="note",
    why="An everyday word needs no explanation at all: 'tummy' is read faster and remembered better "
    "than 'abdomen (tummy)'.",
    guideline="NHS content style guide (use plain English: 'tummy' not 'abdomen'); CDC Plain Language "
    "Thesaurus for Health Communications.",
    fail="You may feel pain in your abdomen (tummy).",
    passing="You may feel pain in your tummy.",
    tags=("nhs:how-we-write", "cdc:plain-language-thesaurus"),
)
INCONSISTENT = rule(
    "MT005",
    "terms.explained-differently-across-articles",
    "Articles of one run (a series) explain the same term in different words.",
    level="note",
    why="Readers moving through a series meet what looks like two different things; a series should "
    "teach one meaning of a word.",
    guideline="NHS content style guide (be consistent); health-audit series consistency.",
    fail="One article: 'sepsis (blood poisoning)'. Another: 'sepsis (when the body attacks its own organs)'.",
    passing="Both articles: 'sepsis (a serious reaction to an infection)'.",
    tags=("nhs:how-we-write",),
)


def _message(r: TermReport) -> str:
    word = r.text[r.first.start : r.first.end]
    if r.status == "late":
        assert r.gloss is not None
        return f"'{word}' is first used without an explanation; it is explained only later: " f"'{r.text[r.gloss.start:r.gloss.end]}'."
    if r.kind == "abbreviation":
        return f"The abbreviation '{word}' is not spelt out or explained."
    return f"The medical term '{word}' is not explained in plain words."


def _flat(s: str) -> str:
    """An explanation that goes inside brackets has none of its own: "a (b)" becomes "a, b"."""
    return re.sub(r"\s*\(\s*([^()]*?)\s*\)", r", \1", s).strip()


def _example(r: TermReport, word: str) -> str | None:
    """The first use rewritten with its explanation, never with brackets inside brackets:
    "peripherally inserted central catheter (PICC) line, a thin tube ...", "sepsis (a reaction ...)"."""
    concept = r.first.concept
    if r.kind == "abbreviation" and concept is not None and concept.expansion:
        letters = re.match(r"[A-Za-z0-9&]+", word)
        abbr, rest = (letters.group(0), word[letters.end() :]) if letters else (word, "")
        spelt = f"{_flat(concept.expansion)} ({abbr}){rest}"
        return f"{spelt}, {_flat(concept.explanation)}" if concept.explanation else spelt
    return f"{word} ({_flat(r.suggestion)})" if r.suggestion else None


def _fix(r: TermReport) -> str:
    word = r.text[r.first.start : r.first.end]
    example = _example(r, word)
    if r.plain:
        return f"Say '{r.plain}' instead of '{word}', or explain it here" + (f": {example}." if example else ".")
    if r.status == "late" and r.gloss is not None:
        return f"Move the explanation to the first use: {word} ({r.text[r.gloss.start:r.gloss.end].strip()})."
    if example:
        return f"Explain it at its first use, for example: {example}."
    if r.kind == "abbreviation":
        return f"Spell out '{word}' at its first use, or use the words instead of the letters."
    return f"Explain '{word}' in everyday words at its first use, or use a plainer word."


def findings_for(reports: list[TermReport]) -> list[Finding]:
    out: list[Finding] = []
    for r in reports:
        span = (r.first.start, r.first.end)
        data = {"term": r.key, "found_by": r.origin, "uses": r.uses}
        if r.gloss is not None:
            data["explained_at"] = {"start": r.gloss.start, "end": r.gloss.end, "pattern": r.gloss.pattern}
        if r.status == "late":
            out.append(finding(EXPLAINED_LATE, _message(r), span=span, text=r.text, suggestion=_fix(r), data=data))
        elif r.status == "unexplained":
            code = UNEXPANDED_ABBREVIATION if r.kind == "abbreviation" else UNEXPLAINED_TERM
            out.append(finding(code, _message(r), span=span, text=r.text, suggestion=_fix(r), data=data))
        elif r.plain and r.kind == "term" and not (r.gloss is not None and r.gloss.pattern == "brackets around"):
            # "Piles (haemorrhoids)" leads with the plain word already: the NHS's own pattern.
            word = r.text[r.first.start : r.first.end]
            out.append(
                finding(
                    PLAIN_ALTERNATIVE,
                    f"'{word}' is explained, but the everyday word '{r.plain}' would need no explanation.",
                    span=span,
                    text=r.text,
                    suggestion=f"Say '{r.plain}' instead of '{word}'.",
                    data=data,
                )
            )
    return out


@check("terms.first-use", "MT001", "MT002", "MT003", "MT004")
def terms_explained_at_first_use(doc: Document, ctx: CheckContext) -> CheckOutput:
    headings = [(b.start, b.end) for b in doc.blocks if b.kind == "heading"]
    reports = analyse(doc.text, ctx.config, headings)
    metrics = {
        "terms": {
            "terms": [r.as_metric() for r in reports],
            "explained": sum(r.status == "explained" for r in reports),
            "late": sum(r.status == "late" for r in reports),
            "unexplained": sum(r.status == "unexplained" for r in reports),
        }
    }
    return CheckOutput(findings_for(reports), metrics)


@run_check("terms.same-explanation-across-articles", "MT005")
def explained_alike_across_articles(articles: list[ArticleResult], config: Config) -> list[tuple[str, Finding]]:
    return inconsistent_explanations(articles, config.terms.min_explanation_overlap)
