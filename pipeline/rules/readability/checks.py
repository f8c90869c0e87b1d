"""RD: reading level and plain language. SMOG first, as the NHS asks, then what to change.

Three checks: the article's reading level (formulas, per-section figures; RD001-RD003, RD900),
its sentences and paragraphs (length, passive voice; RD004-RD007), and its words (plain
alternatives from the clinicians' swap list; RD008).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from pipeline.config import ReadabilityConfig
from pipeline.language.plain_words import Match
from pipeline.language.plain_words import load as load_swaps
from pipeline.language.sentences import sentence_spans
from pipeline.language.syllables import plain_word
from pipeline.model import Block, Document, Finding
from pipeline.rules.context import CheckContext
from pipeline.rules.readability import passive
from pipeline.rules.readability.formulas import Counts, count, summary, words
from pipeline.rules.registry import CheckOutput, Rule, check, finding, rule
from pipeline.rules.terms.names import fixed_names, inside, jargon

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
SECTION_HARDER = rule(
    "RD003",
    "readability.section-far-above-rest",
    "One section's SMOG grade is far above the rest of the article (3 grades or more by default).",
    level="warning",
    why="Readers jump to the section they need; one dense section can hide the very advice they came for, "
    "even when the article as a whole scores well.",
    guideline="NHS digital service manual, content style guide: write every part of a page for the same "
    "readers; rewrite the hardest section first.",
    fail="A page in short, plain sentences with one section of dense clinical prose about complications.",
    passing="A page where every section is written in the same short, plain sentences.",
    tags=("nhs:how-we-write", "wcag:3.1.5"),
)
LONG_SENTENCE = rule(
    "RD004",
    "readability.long-sentence",
    "A sentence has more than 20 words (the limit is configurable).",
    level="warning",
    why="Long sentences are hard to hold in mind; people reading in a second language, with low "
    "literacy or while unwell lose the thread.",
    guideline="NHS digital service manual, content style guide: keep sentences short, 15 to 20 words.",
    fail="If you have a high temperature and you also feel shivery or confused, or your skin looks blotchy, "
    "you should contact your GP.",
    passing="Contact your GP if you have a high temperature and feel shivery or confused.",
    tags=("nhs:how-we-write", "wcag:3.1.5"),
)
VERY_LONG_SENTENCE = rule(
    "RD005",
    "readability.very-long-sentence",
    "A sentence has more than 30 words: very hard to read (the limit is configurable).",
    # A warning, like RD004: errors are kept for what can harm a reader (a missing safety message, an
    # article not audited, content past its review date). levels = { RD005 = "error" } restores it.
    level="warning",
    why="Past 30 words most readers have to read a sentence twice; in health advice a missed clause can be "
    "the one that says when to get help.",
    guideline="NHS digital service manual, content style guide: keep sentences short; split any sentence "
    "that holds more than one idea.",
    fail="This can cause fluid to leak out of blood vessels, causing a drop in blood pressure, which stops "
    "organs from getting enough blood flow, leading to organ failure, which can be fatal if not treated.",
    passing="Fluid can leak out of blood vessels. Blood pressure then drops and organs do not get enough blood.",
    tags=("nhs:how-we-write", "wcag:3.1.5"),
)
LONG_PARAGRAPH = rule(
    "RD006",
    "readability.long-paragraph",
    "A paragraph has more than 3 sentences (the limit is configurable).",
    level="warning",
    why="Short paragraphs are easier to scan and to come back to; a wall of text on a phone screen is "
    "often skipped.",
    guideline="NHS digital service manual, content style guide: one idea per paragraph, 2 or 3 sentences.",
    fail="Sepsis is serious. It can affect anyone. Babies are at higher risk. So are older people.",
    passing="Sepsis is serious. It can affect anyone.",
    tags=("nhs:how-we-write",),
)
PASSIVE = rule(
    "RD007",
    "readability.passive-voice",
    "A verb is in the passive voice ('is caused by', 'will be given'): a reviewer decides whether the "
    "active voice is clearer.",
    level="note",
    why="The active voice says who does what, which is what a patient needs to know: 'your nurse will "
    "give you antibiotics' rather than 'antibiotics will be given'.",
    guideline="NHS digital service manual, content style guide: use the active voice.",
    fail="Sepsis is caused by an infection.",
    passing="An infection causes sepsis.",
    tags=("nhs:how-we-write",),
)
PLAIN_WORD = rule(
    "RD008",
    "readability.plain-word-available",
    "A long or formal word has an everyday alternative in the plain-word swap list.",
    level="warning",
    why="Everyday words are understood by more people and read faster: 'start' rather than 'commence', "
    "'tummy' rather than 'abdomen'.",
    guideline="NHS digital service manual, content style guide (plain English, the A to Z of NHS health "
    "writing); CDC Plain Language Thesaurus for Health Communications.",
    fail="Commence the treatment prior to eating.",
    passing="Start the treatment before eating.",
    tags=("nhs:how-we-write", "wcag:3.1.3"),
)
NOT_SCORED = rule(
    "RD900",
    "readability.not-scored",
    "The reading level could not be scored: the text is not English, too short, or a word list is missing.",
    level="note",
    why="A reading score of text the formulas were not made for would mislead; a check that could not "
    "run must say so rather than pass quietly.",
    guideline="health-audit: a check that cannot run is reported, never skipped.",
    fail="Le sepsis est une réaction grave à une infection.",
    passing="Sepsis is a serious reaction to an infection.",
)

# Words common in any English prose and rare in other languages' text; written English has far more.
_ENGLISH_MARKERS = frozenset((
    "the", "and", "of", "to", "is", "you", "your", "it", "that", "with", "for", "are", "be", "can", "this",
    "have", "if", "not", "or", "they", "will", "on", "may", "an", "as", "at", "by", "from", "has", "but",
    "what", "when", "which", "who", "do", "should",
))  # fmt: skip
_MIN_WORDS_TO_GUESS_LANGUAGE = 20
_MIN_WORDS_TO_SCORE = 10


def _not_scoreable(doc: Document) -> str | None:
    """Why the formulas should not be applied to this article, if they should not."""
    return _why_not_scoreable(doc.text, doc.language)


@functools.lru_cache(maxsize=4)  # each of the three checks asks about the same article
def _why_not_scoreable(text: str, language: str | None) -> str | None:
    lang = (language or "").strip().lower()
    if lang and not lang.startswith("en"):
        return f"the article is marked as language '{language}'; the formulas are made for English"
    all_words = [w for w in map(plain_word, text.split()) if w]
    if len(all_words) >= _MIN_WORDS_TO_GUESS_LANGUAGE:
        letters = [w.lower() for w in all_words if w.isalpha()]
        share = sum(w in _ENGLISH_MARKERS for w in letters) / max(1, len(letters))
        if share < 0.03:
            return "the text does not look like English (almost none of the commonest English words)"
    if len(all_words) < _MIN_WORDS_TO_SCORE:
        n = len(all_words)
        return f"there {'is' if n == 1 else 'are'} only {n} word{'' if n == 1 else 's'}, too few for a reading level"
    return None


# ------------------------------------------------------------------ the article's reading level


@dataclass
class Section:
    index: int
    heading: str
    start: int
    end: int
    counts: Counts
    anchor: Block  # the heading, or the first block of a section before any heading


def _sections(doc: Document) -> list[Section]:
    """The article's heading-led sections, with their counts; none when there is only one."""
    if len({b.section for b in doc.blocks}) < 2:
        return []
    groups: dict[int, list[Block]] = {}
    for block in doc.blocks:
        groups.setdefault(block.section, []).append(block)
    out = []
    for index, blocks in sorted(groups.items()):
        start, end = blocks[0].start, blocks[-1].end
        anchor = next((b for b in blocks if b.kind == "heading"), blocks[0])
        heading = doc.block_text(anchor).rstrip(".") if anchor.kind == "heading" else ""
        out.append(Section(index, heading, start, end, count(doc.text[start:end]), anchor))
    return out


def _section_summary(s: Section) -> dict[str, Any]:
    m = summary(s.counts)
    return {
        "index": s.index,
        "heading": s.heading,
        "start": s.start,
        "end": s.end,
        **{k: m[k] for k in ("smog", "flesch_kincaid_grade", "uk_reading_age", "sentences", "words")},
    }


@check("readability.article", "RD001", "RD002", "RD003", "RD900")
def article_reading_level(doc: Document, ctx: CheckContext) -> CheckOutput:
    cfg = ctx.config.readability
    reason = _not_scoreable(doc)
    if reason:
        return CheckOutput([finding(NOT_SCORED, f"Reading level not scored: {reason}.")])
    total = count(doc.text)
    m = summary(total)
    fk_age = round(m["flesch_kincaid_grade"] + 5, 1)
    m["low_confidence"] = total.sentences < cfg.min_sentences_for_smog
    # Flesch-Kincaid under-reads health text; say so when it would pass an article SMOG fails.
    m["formulas_disagree"] = fk_age <= cfg.target_reading_age < m["uk_reading_age"]
    m["flesch_kincaid_reading_age"] = fk_age
    sections = _sections(doc)
    hardest = ""
    if sections:
        m["sections"] = [_section_summary(s) for s in sections]
        ranked = [s for s in m["sections"] if s["sentences"] >= cfg.section_min_sentences]
        if ranked:
            worst = max(ranked, key=lambda s: s["smog"])
            m["rewrite_first"] = worst["index"]
            hardest = (
                f", starting with “{worst['heading']}” (SMOG {worst['smog']:g})" if worst["heading"] else ""
            )
    findings: list[Finding] = []
    caveat = _caveat(m, cfg.min_sentences_for_smog)
    if m["uk_reading_age"] > cfg.target_reading_age:
        findings.append(
            finding(
                READING_AGE,
                f"UK reading age is {m['uk_reading_age']:g} (SMOG {m['smog']:g}); the target is "
                f"{cfg.target_reading_age:g} or lower.{caveat}",
                suggestion=f"Shorten sentences and swap long words for everyday ones{hardest}.",
                data={k: m[k] for k in ("smog", "uk_reading_age", "low_confidence", "formulas_disagree")},
            )
        )
    if m["smog"] > cfg.smog_error:
        findings.append(
            finding(
                SMOG_TOO_HIGH,
                f"SMOG grade {m['smog']:g} is above {cfg.smog_error:g}: only about "
                f"{m['uk_adults_share']}% of UK adults can read text this hard.{caveat}",
                suggestion="Rewrite this article first: split long sentences and explain or replace "
                f"words of three or more syllables{hardest}.",
                data={"smog": m["smog"], "low_confidence": m["low_confidence"]},
            )
        )
    if sections:
        findings += _harder_sections(doc, sections, total, cfg)
    m.update(_sentence_metrics(_sentences(doc), cfg))
    return CheckOutput(findings, metrics={"readability": m})


def _caveat(m: dict[str, Any], min_sentences: int) -> str:
    notes = []
    if m["low_confidence"]:
        notes.append(
            f" Low confidence: SMOG is meant for {min_sentences} sentences or more and this article has "
            f"{m['sentences']}."
        )
    if m["formulas_disagree"]:
        notes.append(
            f" Flesch-Kincaid would pass it (reading age {m['flesch_kincaid_reading_age']:g}), but it "
            "under-reads health text by 1.5 to 3 grades."
        )
    return "".join(notes)


def _harder_sections(
    doc: Document, sections: list[Section], total: Counts, cfg: ReadabilityConfig
) -> list[Finding]:
    out = []
    for s in sections:
        rest = total - s.counts
        if s.counts.sentences < cfg.section_min_sentences or rest.sentences < cfg.section_min_sentences:
            continue
        smog, rest_smog = summary(s.counts)["smog"], summary(rest)["smog"]
        if smog - rest_smog >= cfg.section_delta:
            name = f"“{s.heading}”" if s.heading else "The opening section"
            out.append(
                finding(
                    SECTION_HARDER,
                    f"{name} has SMOG {smog:g} against {rest_smog:g} for the rest of the article: "
                    f"rewrite this section first.",
                    span=(s.anchor.start, s.anchor.end),  # the heading; the section's extent is in data
                    text=doc.text,
                    suggestion="Split its long sentences and replace or explain its words of three or more "
                    "syllables, until it reads like the rest of the page.",
                    data={
                        "section": s.index,
                        "section_start": s.start,
                        "section_end": s.end,
                        "smog": smog,
                        "rest_smog": rest_smog,
                    },
                )
            )
    return out


# ------------------------------------------------------------------ sentences and paragraphs

# Clause boundaries only: a semicolon, a colon, a dash, a comma before a word that starts a clause, or a
# subordinating conjunction. A bare comma (a list: "hot, shivery, or confused") or "as" ("such as") is
# not one, so the advice never cuts a phrase ("end the first after '…coming back, such'").
_CLAUSE_WORDS = r"(?:and|but|so|or|which|who|because|while|although|though|whereas|when|where|if|unless|until)"
_BREAKS = re.compile(
    r"[;:]\s|\s[-–—]\s"
    rf"|,\s(?={_CLAUSE_WORDS}\s)(?!(?:and|or)\s(?:so on|other|others|more)\b)"
    r"|\s(?=(?:because|although|though|whereas|unless)\s)",
    re.IGNORECASE,
)


def _split_hint(sentence: str) -> str:
    """Where to end the first sentence: the clause boundary nearest the middle."""
    tokens = list(re.finditer(r"\S+", sentence))
    middle = len(tokens) // 2
    best = None
    for m in _BREAKS.finditer(sentence):
        at = sum(1 for t in tokens if t.end() <= m.start() + 1)
        if 5 <= at <= len(tokens) - 5 and (best is None or abs(at - middle) < abs(best[0] - middle)):
            best = (at, m.start())
    if best is None:
        return "Split it into two or three sentences, one idea each."
    lead = sentence[: best[1]].split()
    shown = " ".join(lead[-6:])
    return (
        f"Split it into two or three sentences, one idea each: for example, end the first after “…{shown}”."
    )


@dataclass(frozen=True)
class Sentence:
    start: int  # offsets into the document text
    end: int
    words: int
    block: int  # index of its block in doc.blocks
    index: int  # its place in that block: 0, 1, 2 ...


def _sentences(doc: Document) -> tuple[Sentence, ...]:
    """The sentences of every block but headings, split as the segmenter splits them."""
    return _sentences_of(doc.text, tuple((b.kind, b.start, b.end) for b in doc.blocks))


@functools.lru_cache(maxsize=4)  # the article and the sentence checks share one split
def _sentences_of(text: str, blocks: tuple[tuple[str, int, int], ...]) -> tuple[Sentence, ...]:
    out = []
    for i, (kind, start, end) in enumerate(blocks):
        if kind == "heading":
            continue
        for n, sp in enumerate(sentence_spans(text[start:end])):
            a, b = start + sp.start, start + sp.end
            out.append(Sentence(a, b, len(words(text[a:b])), i, n))
    return tuple(out)


def _sentence_metrics(sentences: tuple[Sentence, ...], cfg: ReadabilityConfig) -> dict[str, Any]:
    lengths = [s.words for s in sentences]
    return {
        "long_sentences": sum(n > cfg.sentence_words_warning for n in lengths),
        "very_long_sentences": sum(n > cfg.sentence_words_very_hard for n in lengths),
        "longest_sentence_words": max(lengths, default=0),
        "average_sentence_words": round(sum(lengths) / len(lengths), 1) if lengths else 0.0,
    }


@check("readability.sentences", "RD004", "RD005", "RD006", "RD007")
def sentences_and_paragraphs(doc: Document, ctx: CheckContext) -> CheckOutput:
    cfg = ctx.config.readability
    if _not_scoreable(doc):
        return CheckOutput()  # RD900 from the article check says why
    findings: list[Finding] = []
    per_block: dict[int, list[Sentence]] = {}
    for s in _sentences(doc):
        per_block.setdefault(s.block, []).append(s)
        text = doc.text[s.start : s.end]
        if s.words > cfg.sentence_words_very_hard:
            message = f"This sentence has {s.words} words, more than {cfg.sentence_words_very_hard}: very hard to read."
            findings.append(_long(VERY_LONG_SENTENCE, message, doc, s))
        elif s.words > cfg.sentence_words_warning:
            message = f"This sentence has {s.words} words; aim for {cfg.sentence_words_warning} or fewer."
            findings.append(_long(LONG_SENTENCE, message, doc, s))
        findings += _passives(doc, s.start, text)
    for i, sentences in per_block.items():
        block = doc.blocks[i]
        if block.kind == "paragraph" and len(sentences) > cfg.paragraph_sentences:
            cut = sentences[cfg.paragraph_sentences]
            opening = " ".join(doc.text[cut.start : cut.end].split()[:6])
            findings.append(
                finding(
                    LONG_PARAGRAPH,
                    f"This paragraph has {len(sentences)} sentences; keep paragraphs to "
                    f"{cfg.paragraph_sentences} or fewer.",
                    span=(block.start, block.end),
                    text=doc.text,
                    suggestion=f"Start a new paragraph at “{opening}…”, or make the sentences a bulleted list.",
                    data={"sentences": len(sentences)},
                )
            )
    return CheckOutput(findings)


def _long(rule_: Rule, message: str, doc: Document, s: Sentence) -> Finding:
    return finding(
        rule_,
        message,
        span=(s.start, s.end),
        text=doc.text,
        suggestion=_split_hint(doc.text[s.start : s.end]),
        data={"words": s.words},
    )


def _passives(doc: Document, offset: int, sentence: str) -> list[Finding]:
    out = []
    for p in passive.find(sentence):
        phrase = sentence[p.start : p.end]
        out.append(
            finding(
                PASSIVE,
                f"Passive voice: “{phrase}”. "
                + ("Put who does it first." if p.agent else "Say who does it, unless that does not matter."),
                outcome="review",
                span=(offset + p.start, offset + p.end),
                text=doc.text,
                suggestion=f"Active: “{p.rewrite}”.",
                data={"agent": p.agent, "participle": p.participle},
            )
        )
    return out


# ------------------------------------------------------------------ words


@check("readability.plain-words", "RD008")
def plain_words(doc: Document, ctx: CheckContext) -> CheckOutput:
    cfg = ctx.config.readability
    if _not_scoreable(doc):
        return CheckOutput()
    swaps = load_swaps(cfg.plain_words)  # a missing or broken list is a configuration error (config.py)
    # A swap inside a fixed name would break it ("tummy aortic aneurysm"); a medical word the MT
    # checks report gets its plain word in that finding, so one word carries one finding.
    names = fixed_names(doc.text, ctx.config)
    uses: dict[str, list[Match]] = {}
    for m in swaps.find(doc.text):
        if inside((m.start, m.end), names) or jargon(m.text, ctx.config):
            continue
        uses.setdefault(m.swap.word, []).append(m)
    out = []
    for group in uses.values():  # one finding per word, at its first use, with the number of uses
        m, n = group[0], len(group)
        times = f" It is used {n} times in the article." if n > 1 else ""
        out.append(
            finding(
                PLAIN_WORD,
                f"“{m.text}” has a plainer alternative: {', '.join(f'“{p}”' for p in m.swap.plain)}.{times}",
                span=(m.start, m.end),
                text=doc.text,
                suggestion=m.suggestion(),
                data={"source": m.swap.source, "word": m.swap.word, "uses": n},
            )
        )
    return CheckOutput(out)
