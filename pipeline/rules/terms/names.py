"""Where a plain-word swap (RD008) must not apply: fixed names, and words the MT checks report.

RD008 lives in the readability family but asks the terms engine two things, so that one word gets
one finding and a swap never breaks a name an editor cannot change:

- **fixed names**: a multi-word glossary term ("chronic obstructive pulmonary disease"), a medical
  word qualifying another medical word ("acute pancreatitis", "pulmonary embolism"), and a run of
  capitalised words inside a sentence ("Hormone Replacement Therapy", "Blood Transfusion Service");
- **jargon the MT checks report**: a medical word that MT001 or MT004 already reports gets its plain
  alternative in that finding's message, not a second finding on the same word.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pipeline.config import Config
from pipeline.language.sentences import sentence_spans
from pipeline.language.vocabulary import vocabulary_for
from pipeline.rules.terms.analysis import plain_alternatives
from pipeline.rules.terms.familiarity import Judge, zipf
from pipeline.rules.terms.glossary import fold, glossary_matcher, tokens

Span = tuple[int, int]

_CAPITALISED = re.compile(r"[A-Z][a-z]+|[A-Z]{2,}")
_LINKS = frozenset({"of", "and", "for", "the", "&"})  # small words inside a name: "Royal College of Nursing"


def fixed_names(text: str, config: Config) -> list[Span]:
    """Spans of the text that are names a plain-word swap must leave whole."""
    matcher = glossary_matcher(config)
    judge = _judge(config)
    toks = tokens(text)
    out: list[Span] = [(m.start, m.end) for m in matcher.find(text, toks) if " " in text[m.start : m.end]]
    sentence_starts = {s.start for s in sentence_spans(text)}
    words = [t for t in toks if t.text.isalpha()]
    # A medical word qualifying another medical word: "acute pancreatitis", "gastric ulcer" stays
    # whole only when both are medical words the vocabulary holds.
    for a, b in zip(words, words[1:], strict=False):
        if text[a.end : b.start] == " " and a.text.lower() in judge.vocab and _medical_noun(b.text, judge):
            out.append((a.start, b.end))
    # Capitalised words in a row, not just the first word of a sentence: a proper name.
    run: list[Span] = []
    for i, w in enumerate(words):
        gap = text[words[i - 1].end : w.start] if i else ""
        joined = bool(run) and gap.strip() == ""
        if _CAPITALISED.fullmatch(w.text) and w.text != "I":
            if not joined:
                _close(run, out, sentence_starts, text)
                run = []
            run.append((w.start, w.end))
        elif joined and w.text.lower() in _LINKS:
            continue  # may continue a name; a run never ends on one (see _close)
        else:
            _close(run, out, sentence_starts, text)
            run = []
    _close(run, out, sentence_starts, text)
    return out


def _medical_noun(word: str, judge: Judge) -> bool:
    """A medical word a reader may not know: "pancreatitis", "embolism" (not "pain", "wall")."""
    lower = word.lower()
    return judge.rare_medical(word) or (lower in judge.vocab and len(lower) >= 5 and zipf(lower) < 3.5)


def _close(run: list[Span], out: list[Span], sentence_starts: set[int], text: str) -> None:
    if len(run) >= 2 and not (len(run) == 2 and _starts_sentence(run[0][0], sentence_starts, text)):
        out.append((run[0][0], run[-1][1]))


def _starts_sentence(pos: int, sentence_starts: set[int], text: str) -> bool:
    """Whether the word at `pos` opens a sentence or a line (headings, list items, titles)."""
    before = text[:pos].rstrip(" \"'\u2018\u201c(")
    return pos in sentence_starts or not before or before.endswith(("\n", ".", "!", "?", ":"))


def jargon(word: str, config: Config) -> bool:
    """Whether the MT checks take `word` for jargon and know its plain word, so that their finding
    (MT001-MT003 when it is not explained, MT004 when it is) carries the swap. Judged on the word
    alone: running the whole MT analysis again for RD008 would double its cost on long texts. A
    site's own RD008 list that MT does not read keeps its findings."""
    if fold(word) not in plain_alternatives(config.terms.plain_words):
        return False
    matcher = glossary_matcher(config)
    judge = _judge(config)
    found = matcher.find(word, tokens(word))
    if found and found[0].start == 0 and found[0].end == len(word):
        return not judge.form_familiar(found[0].concept, word)
    return all(judge.rare_medical(w) for w in word.split())


def _judge(config: Config) -> Judge:
    return Judge(glossary_matcher(config), vocabulary_for(config), config.terms)


def inside(span: Span, spans: Iterable[Span]) -> bool:
    """Whether `span` is part of a longer name (a swap of the whole name is a swap, not a break)."""
    return any(a <= span[0] and span[1] <= b and (a, b) != span for a, b in spans)
