"""GR: grammar and spelling from a real LanguageTool server, fluent in medical words.

Only prose is checked: reference lists and citations are left out, and URLs, e-mail addresses,
phone numbers and code inside a paragraph are sent as markup LanguageTool skips. Medical words
are known to the server (see pipeline/languagetool.py); a spelling match on a word of the
project's medical vocabulary is dropped here too, for servers given by URL that do not load it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.language.vocabulary import (
    BRITISH_VARIANTS,
    MedicalVocabulary,
    VocabularyError,
    british_spelling,
    read_word_list,
    vocabulary_for,
)
from pipeline.model import Block, Document, Finding
from pipeline.rules.context import CheckContext
from pipeline.rules.grammar.service import Match, Paragraph
from pipeline.rules.registry import CheckOutput, check, finding, rule

GRAMMAR = rule(
    "GR001",
    "grammar.grammar-error",
    "LanguageTool found a grammar error, a confused word or a punctuation error.",
    level="warning",
    why="Grammar errors make health advice harder to follow and cost the reader's trust.",
    guideline="NHS digital service manual, content style guide: plain, correct English.",
    fail="This are a mistake.",
    passing="This is correct.",
    tags=("nhs:content-style-guide",),
)
SPELLING = rule(
    "GR002",
    "grammar.spelling-error",
    "A word is neither in LanguageTool's dictionary for the locale nor in the medical vocabulary "
    "(one finding per word, at its first use, with the number of uses).",
    level="warning",
    why="A misspelt drug or condition name can send a patient to the wrong information, and an "
    "American spelling in a UK article reads as a mistake.",
    guideline="NHS digital service manual, content style guide: spell medicines and conditions as "
    "the BNF and the NHS website do.",
    fail="Take paracetmol for the pain.",
    passing="Take paracetamol for the pain.",
    tags=("nhs:content-style-guide",),
)
STYLE = rule(
    "GR003",
    "grammar.style",
    "LanguageTool's style suggestions: redundancy, wordiness, passive voice (only in picky mode).",
    level="note",
    why="Wordy or awkward phrasing slows readers down.",
    guideline="LanguageTool's style rules (picky level); NHS content style guide: be concise.",
    fail="The reason why you feel tired is the infection.",
    passing="You feel tired because of the infection.",
    tags=("nhs:content-style-guide",),
    enabled=False,
)
NAMES = rule(
    "GR004",
    "grammar.unknown-names",
    "Capitalised words the speller does not know, read as names (people after 'says', 'Dr' or "
    "'Professor', products, places, organisations, acronyms): one note per article listing them, "
    "so the site can add them to its accepted words.",
    level="note",
    why="A name is not a misspelling; reporting each one as an error teaches editors to ignore the "
    "spelling check.",
    guideline="health-audit: names go to the site's accepted words (grammar.accept_words).",
    fail='"Rest helps," says Dr Okonkwo.',
    passing='"Rest helps," says the doctor.',
)
NOT_CHECKED = rule(
    "GR900",
    "grammar.not-checked",
    "Grammar and spelling could not be checked: LanguageTool was not available (an error), or the "
    "article declares another language than the one configured (not applicable).",
    level="error",
    why="A grammar check that silently did not run must never let an article pass the gate.",
    guideline="health-audit: a check that cannot run is reported, never skipped.",
    fail="LanguageTool stopped and could not be restarted.",
    passing="LanguageTool answered for every paragraph.",
)

# --- what LanguageTool's categories mean for us --------------------------------------------------

_STYLE_CATEGORIES = frozenset(
    {"STYLE", "REDUNDANCY", "PLAIN_ENGLISH", "WORDINESS", "TYPOGRAPHY", "REPETITIONS_STYLE",
     "CREATIVE_WRITING", "TEXT_ANALYSIS", "BRE_STYLE_OXFORD_SPELLING"}
)
_STYLE_ISSUES = frozenset({"style", "typographical", "whitespace", "register", "locale-violation"})
# Rules of the spell checker itself: only these are answered by the medical vocabulary.
_SPELLER_RULES = ("MORFOLOGIK_RULE", "HUNSPELL_RULE", "HUNSPELL_NO_SUGGEST_RULE")
# Agreement rules LanguageTool may fire on both words of one mistake ("This are": THIS_NNS on
# "This", PLURAL_VERB_AFTER_THIS on "are"); touching grammar matches are one finding (see _merged).
# A grammar match a construction makes wrong: EACH_EVERY_NNS reads "either" + plural noun as
# "either antibiotic", but "either antibiotics ... or ..." is correct English.
_EITHER_OR = re.compile(r"^either\b.*\bor\b", re.I | re.S)
# Words after which a capitalised unknown word is a person's name.
_NAME_CUES = re.compile(
    r"(?:\b(?:says|said|according to|Dr|Doctor|Prof|Professor|Mr|Mrs|Ms|Miss|Nurse|Sister|Sir|Dame)\.?|[\"“‘'])\s*$"
)
_SENTENCE_END = re.compile(r"(?:^|[.!?:;…]['\"”’)\]]*)\s*$")
# NHS style starts bullets with a small letter when they continue the sentence that leads in.
_LIST_CASE_RULES = frozenset({"UPPERCASE_SENTENCE_START"})


def is_speller_match(m: Match) -> bool:
    return m.rule_id.startswith(_SPELLER_RULES)


def code_for(m: Match) -> str:
    if is_speller_match(m) or (m.category == "TYPOS" and m.issue_type == "misspelling"):
        return SPELLING.code
    if m.category in _STYLE_CATEGORIES or m.issue_type in _STYLE_ISSUES:
        return STYLE.code
    return GRAMMAR.code


# --- what is prose ----------------------------------------------------------------------------

_REFERENCE_HEADING = re.compile(
    r"^\s*(references?|sources?|bibliography|citations?|further reading|footnotes|works cited|"
    r"notes and references)\b",
    re.I,
)
_CITATION = re.compile(
    r"\bdoi:\s*10\.|\b10\.\d{4,9}/\S|\bPMID:?\s*\d|\bPMCID\b|\bISBN[-: ]"
    r"|\b(?:19|20)\d\d;\s*\d+\s*\(\d+\)\s*:\s*\d+|\b(?:Accessed|Retrieved)\s+(?:on\s+)?\d",
    re.I,
)
_UNIT = r"(?:[mµμunp]?mol|mcg|[mµμun]?g|kg|[mdµμ]?[lL]|m?I?U|mEq|mmHg|[cm]?m[23²³]?|min|hr?|s)"
# Each non-prose pattern and what LanguageTool should read it as, so the sentence still parses.
_SKIP_PATTERNS: tuple[tuple[str, re.Pattern[str], str], ...] = (
    ("url", re.compile(r"\b(?:https?://|www\.)[^\s<>\"']+[^\s<>\"'.,;:!?)\]]", re.I), "Example"),
    ("email", re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b"), "Example"),
    (
        "url",
        re.compile(r"\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:uk|com|org|net|gov|nhs|scot|wales|ie|au|io|info)"
                   r"(?:/[^\s<>\"']*[^\s<>\"'.,;:!?)\]])?(?![\w.@-]*\w)", re.I),
        "Example",
    ),
    # Units of measurement: "48 mmol/mol", "7.5mmol/L", "60 mL/min/1.73m2", "in mg/dL".
    ("measurement", re.compile(rf"(?<![\w.])\d+(?:[.,]\d+)?\s?{_UNIT}(?:/(?:\d+(?:\.\d+)?)?{_UNIT})+(?![\w/])"), "12"),
    ("measurement", re.compile(rf"(?<![\w/]){_UNIT}(?:/(?:\d+(?:\.\d+)?)?{_UNIT})+(?![\w/])"), "units"),
    # Phone numbers: 8 or more digits with spaces, dots, dashes or brackets (not 999 or 111).
    ("phone", re.compile(r"(?<![\w/])\+?\(?\d[\d ().-]{6,}\d(?![\w/])"), "0123"),
    ("code", re.compile(r"`[^`\n]+`"), "Example"),
    ("code", re.compile(r"\b[A-Za-z_][\w.]*\(\)|\b[A-Za-z]\w*_\w+\b"), "Example"),
    # In-text citations: "(Brown et al., 2021)", "(NICE 2016; Singer and Deutschman, 2016a)".
    (
        "citation",
        re.compile(r"\((?:[A-Z][\w'-]+(?: et al\.?| and [A-Z][\w'-]+)?,? (?:19|20)\d\d[a-z]?(?:; ?)?)+\)"),
        "(Example)",
    ),
)
_CODE_TAGS = ("code", "pre", "kbd", "samp")


@dataclass
class ProsePlan:
    """The blocks to check as paragraphs, and what was left out."""

    blocks: list[Block] = field(default_factory=list)
    paragraphs: list[Paragraph] = field(default_factory=list)
    skipped_blocks: int = 0
    skipped_spans: dict[str, int] = field(default_factory=dict)


def _phone_like(text: str) -> bool:
    return sum(ch.isdigit() for ch in text) >= 8


def skip_spans(text: str, code_snippets: tuple[str, ...] = ()) -> list[tuple[int, int, str, str]]:
    """Non-prose spans of a paragraph: (start, end, kind, what LanguageTool reads instead)."""
    spans: list[tuple[int, int, str, str]] = []
    for kind, pattern, interpret_as in _SKIP_PATTERNS:
        for m in pattern.finditer(text):
            if kind == "phone" and not _phone_like(m.group()):
                continue
            spans.append((m.start(), m.end(), kind, interpret_as))
    for snippet in code_snippets:
        start = text.find(snippet)
        while start >= 0:
            spans.append((start, start + len(snippet), "code", "Example"))
            start = text.find(snippet, start + len(snippet))
    spans.sort()
    merged: list[tuple[int, int, str, str]] = []
    for span in spans:  # the first and longest of overlapping spans wins
        if merged and span[0] < merged[-1][1]:
            if span[1] > merged[-1][1] and span[0] == merged[-1][0]:
                merged[-1] = span
            continue
        merged.append(span)
    return merged


def code_snippets(doc: Document) -> tuple[str, ...]:
    """Text of code elements in the article's markup, to skip where it appears in a paragraph."""
    html = doc.html or ""
    if not any(f"<{tag}" in html for tag in _CODE_TAGS):
        return ()
    import lxml.html  # only for the few pages with code; lxml is the fastest parser we have

    try:
        root = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return ()
    found = {" ".join(el.text_content().split()) for el in root.iter(*_CODE_TAGS)}
    return tuple(sorted((s for s in found if s), key=len, reverse=True))


def reference_blocks(doc: Document) -> set[int]:
    """Indexes of blocks in a references / sources section, or that read as a citation."""
    skipped: set[int] = set()
    in_refs_level: int | None = None
    for i, block in enumerate(doc.blocks):
        text = doc.block_text(block)
        if block.kind == "heading":
            level = block.level or 1
            if in_refs_level is not None and level <= in_refs_level:
                in_refs_level = None
            if _REFERENCE_HEADING.match(text):
                in_refs_level = level
                continue  # the heading itself is prose
        if in_refs_level is not None or (block.kind != "heading" and _CITATION.search(text)):
            skipped.add(i)
    return skipped


def prose_plan(doc: Document) -> ProsePlan:
    plan = ProsePlan()
    refs = reference_blocks(doc)
    snippets = code_snippets(doc)
    for i, block in enumerate(doc.blocks):
        if i in refs:
            plan.skipped_blocks += 1
            continue
        text = doc.block_text(block)
        spans = skip_spans(text, snippets)
        for _, _, kind, _ in spans:
            plan.skipped_spans[kind] = plan.skipped_spans.get(kind, 0) + 1
        plan.blocks.append(block)
        plan.paragraphs.append(Paragraph(text, tuple((s, e, interpret) for s, e, _, interpret in spans)))
    return plan


# --- the check ----------------------------------------------------------------------------------


# The vocabulary class carries the speller's matching rule (a small-letter entry also matches its
# capitalised and upper-case forms, any other entry its upper-case form): a site's words use it too.
NO_ACCEPTED_WORDS = MedicalVocabulary(origin={})


def accepted_words(inline: Iterable[str], path: str | None) -> MedicalVocabulary:
    """The configured words and those of the accept file (small: read for each article). One word
    per token, as in the accept file: the speller reports single words."""
    if not inline and not path:
        return NO_ACCEPTED_WORDS
    if path and not Path(path).is_file():
        raise VocabularyError(f"{path}: the grammar.accept_file cannot be read: no such file")
    entries = [*inline, *(read_word_list(Path(path)) if path else ())]
    return MedicalVocabulary(origin=dict.fromkeys((word for entry in entries for word in entry.split()), "accepted"))


def _drop_reason(
    m: Match, block: Block, word: str, vocabulary: MedicalVocabulary | None, language: str,
    accepted: MedicalVocabulary = NO_ACCEPTED_WORDS, rest: str = "",
) -> str | None:
    """Why a match is dropped, or None to keep it. `rest` is the paragraph from the match on."""
    if is_speller_match(m) and vocabulary is not None and vocabulary.accepts(word, language):
        return "medical_words"
    if is_speller_match(m) and word in accepted:
        return "accepted_words"
    if m.rule_id in _LIST_CASE_RULES and m.offset == 0 and block.kind in ("list_item", "table_cell"):
        return "list_item_case"
    if m.rule_id == "EACH_EVERY_NNS" and _EITHER_OR.match(re.split(r"[.!?]\s", rest, maxsplit=1)[0]):
        return "either_or"
    return None


def _medical_misspelling(word: str, m: Match, vocabulary: MedicalVocabulary | None, language: str) -> bool:
    """The word is a medical word, or LanguageTool's fix for it is one: a misspelt drug, not a name."""
    if vocabulary is None:
        return False
    if word.lower() in vocabulary:
        return True
    return any(r and " " not in r and vocabulary.accepts(r, language) for r in m.replacements)


def is_name(para: str, m: Match, word: str, vocabulary: MedicalVocabulary | None, language: str) -> bool:
    """A capitalised word the speller does not know, where only a name is capitalised: an acronym,
    after "says", "Dr" or "Professor" or an opening quote, inside a sentence, or at a sentence's
    start when the next word is capitalised too ("Kristen Schloemann"). A misspelt medical word
    ("Paracetmol") is never a name."""
    if not word or not word[0].isupper() or not is_speller_match(m):
        return False
    if _medical_misspelling(word, m, vocabulary, language):
        return False
    before = para[: m.offset]
    if (len(word) >= 2 and word.isupper()) or _NAME_CUES.search(before) or not _SENTENCE_END.search(before):
        return True
    return re.match(r"\s+[A-Z][a-z]", para[m.offset + m.length :]) is not None


def _match_case(model: str, word: str) -> str:
    if model.isupper() and len(model) > 1:
        return word.upper()
    return word[0].upper() + word[1:] if model[:1].isupper() else word


def suggestions(word: str, m: Match, vocabulary: MedicalVocabulary | None, language: str) -> list[str]:
    """LanguageTool's replacements; for the American spelling of a medical word on a British audit,
    only its British twin ("Anemia": "Anaemia", never the unrelated "Anomia")."""
    if vocabulary is not None and is_speller_match(m) and language in BRITISH_VARIANTS:
        lower = word.lower()
        if lower in vocabulary.american_only:
            return [_match_case(word, british_spelling(lower, vocabulary.words))]
    return [r for r in m.replacements if r]


def _touching(a: tuple[Match, int, str], b: tuple[Match, int, str], text: str) -> bool:
    """Two grammar matches on neighbouring words, with only spaces between: one mistake."""
    (ma, sa, _), (mb, sb, _) = a, b
    gap = text[sa + ma.length : sb]
    return 0 <= len(gap) <= 1 and not gap.strip() and not is_speller_match(ma) and not is_speller_match(mb)


def _merged(kept: list[tuple[Match, int, str]], text: str, dropped: dict[str, int]) -> list[tuple[Match, int, str]]:
    """One finding per agreement mistake: of touching grammar matches ("This are"), the later one,
    on the verb, is kept; its fix ("is") keeps the writer's subject."""
    out: list[tuple[Match, int, str]] = []
    for item in sorted(kept, key=lambda k: k[1]):
        if out and code_for(out[-1][0]) == code_for(item[0]) == GRAMMAR.code and _touching(out[-1], item, text):
            out[-1] = item
            dropped["same_mistake"] = dropped.get("same_mistake", 0) + 1
            continue
        out.append(item)
    return out


def _findings(
    doc: Document, plan: ProsePlan, results: list[tuple[Match, ...] | None], vocabulary: MedicalVocabulary | None,
    language: str, dropped: dict[str, int], accepted: MedicalVocabulary = NO_ACCEPTED_WORDS,
) -> Iterator[Finding]:
    kept: list[tuple[Match, int, str]] = []  # match, its start in the document text, the word
    for block, para, matches in zip(plan.blocks, plan.paragraphs, results, strict=True):
        for m in matches or ():
            word = para.text[m.offset : m.offset + m.length]
            reason = _drop_reason(m, block, word, vocabulary, language, accepted, para.text[m.offset :])
            if reason is not None:
                dropped[reason] = dropped.get(reason, 0) + 1
                continue
            kept.append((m, block.start + m.offset, word))
    # A word read as a name in one place ("Professor Quibbleton") is that name everywhere.
    named = {
        word
        for block, para, matches in zip(plan.blocks, plan.paragraphs, results, strict=True)
        for m in matches or ()
        if is_name(para.text, m, word := para.text[m.offset : m.offset + m.length], vocabulary, language)
    }
    names: dict[str, tuple[int, int]] = {}  # name -> its first span
    for m, start, word in kept:
        if is_speller_match(m) and word in named:
            names.setdefault(word, (start, start + m.length))
            dropped["names"] = dropped.get("names", 0) + 1
    kept = [k for k in kept if not (is_speller_match(k[0]) and k[2] in named)]
    kept = _merged(kept, doc.text, dropped)
    # A word the speller does not know is one finding, at its first use, however often it recurs:
    # a name used six times is one decision for the editor, not six.
    # Keyed on the folded word: "Paracetmol" opening a sentence and "paracetmol" are one mistake.
    uses: dict[str, list[tuple[int, int]]] = {}
    for m, start, word in kept:
        if is_speller_match(m) and word:
            uses.setdefault(word.casefold(), []).append((start, start + m.length))
    for m, start, word in kept:
        speller = is_speller_match(m) and bool(word)
        if speller and uses[word.casefold()][0][0] != start:
            dropped["repeated_spelling"] = dropped.get("repeated_spelling", 0) + 1
            continue
        message = f"'{word}': {m.message}" if speller else m.message
        fixes = suggestions(word, m, vocabulary, language)
        data: dict[str, Any] = {
            "languagetool_rule": m.rule_id,
            "category": m.category,
            "issue_type": m.issue_type,
            "replacements": fixes,
        }
        if speller and len(places := uses[word.casefold()]) > 1:
            message += f" (used {len(places)} times in the article)"
            data["uses"] = [list(place) for place in places]
        yield finding(
            code_for(m),
            message,
            span=(start, start + m.length),
            text=doc.text,
            suggestion=", ".join(fixes) or None,
            data=data,
        )
    if names:
        listed = sorted(names, key=lambda n: names[n][0])
        yield finding(
            NAMES,
            f"Read as names, not checked for spelling: {', '.join(listed)}. If they are spelt right, add "
            "them to the site's accepted words (grammar.accept_words).",
            outcome="review",
            span=names[listed[0]],
            text=doc.text,
            data={"names": listed},
        )


@check("grammar.languagetool", "GR001", "GR002", "GR003", "GR004", "GR900", uses_service=True)
def languagetool_matches(doc: Document, ctx: CheckContext) -> CheckOutput:
    if ctx.grammar is None:
        reason = ctx.grammar_unavailable or "LanguageTool is not configured"
        return CheckOutput([finding(NOT_CHECKED, f"Grammar not checked: {reason}.", data={"reason": reason})])
    cfg = ctx.config.grammar
    language = ctx.grammar.language
    declared = (doc.language or "").strip()
    if declared and not declared.lower().startswith(language.split("-")[0].lower()):
        message = f"Grammar not checked: the article is in '{declared}', and LanguageTool checks {language}."
        return CheckOutput(
            [finding(NOT_CHECKED, message, outcome="not_applicable", data={"reason": "language", "article": declared})],
            metrics={"grammar": {"language": language, "article_language": declared, "paragraphs": 0}},
        )
    # A broken vocabulary file fails the check (an EX003 error naming the file), never silently.
    vocabulary = vocabulary_for(ctx.config)
    accepted = accepted_words(cfg.accept_words, cfg.accept_file)
    plan = prose_plan(doc)
    result = ctx.grammar.check_paragraphs(
        plan.paragraphs, chunk_chars=cfg.chunk_chars, disabled_rules=cfg.disabled_rules
    )
    dropped: dict[str, int] = {}
    findings = list(_findings(doc, plan, result.matches, vocabulary, language, dropped, accepted))
    metrics: dict[str, Any] = {
        "language": language,
        "paragraphs": len(plan.paragraphs),
        "from_cache": result.from_cache,
        "not_checked": result.unchecked,
        "skipped_blocks": plan.skipped_blocks,
        "skipped_spans": plan.skipped_spans,
        "dropped_matches": dropped,
    }
    if result.events:
        metrics["server_events"] = result.events
    if result.error is not None:
        n, total = result.unchecked, len(plan.paragraphs)
        findings.append(
            finding(
                NOT_CHECKED,
                f"Grammar not checked in {n} of {total} paragraphs: {result.error}.",
                data={"reason": result.error, "paragraphs_not_checked": n, "paragraphs": total},
            )
        )
    return CheckOutput(findings, metrics={"grammar": metrics})
