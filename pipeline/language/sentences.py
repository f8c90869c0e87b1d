"""Sentence normalisation: the scored text is built so that every block ends as a sentence.

The NHS method for SMOG counts each heading, bullet point and table cell as a sentence, so a block
without end punctuation gets a full stop. `sentence_spans` then splits running text into sentences
without breaking at abbreviations ("Dr.", "e.g.", "approx.") or inside decimals ("2.5 mg").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from pipeline.model import Block, BlockKind

_WS = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = re.compile(r"[\u00ad\u200b-\u200d\u2060\ufeff]")
_TERMINAL = (".", "!", "?", "…")
# Trailing marks that close a sentence but sit after its end punctuation.
_CLOSERS = "\"'”’)]»"


def clean(text: str) -> str:
    """Collapse runs of white space (including line breaks) to one space and drop invisible marks."""
    text = _INVISIBLE.sub("", text)
    return " ".join(_WS.sub(" ", text).split())


def as_sentence(text: str) -> str:
    """Close a heading, bullet or cell with a full stop when it has no end punctuation.

    A trailing colon, semicolon or comma (a list lead-in or a bullet of a running list) becomes a
    full stop, so the block still counts as exactly one sentence.
    """
    text = clean(text)
    if not text:
        return text
    if text.rstrip(_CLOSERS).endswith(_TERMINAL):
        return text  # ends a sentence already, perhaps inside a quotation or bracket
    if text[-1] in ":;,":
        return text[:-1].rstrip() + "."
    return text + "."


# Words that end with a full stop without ending the sentence. Lower case, without the final stop.
ABBREVIATIONS: frozenset[str] = frozenset(
    {
        "dr", "mr", "mrs", "ms", "mx", "prof", "st", "sr", "jr", "rev", "hon", "sgt", "capt",
        "e.g", "eg", "i.e", "ie", "cf", "viz", "vs", "approx", "ca", "circa", "incl", "excl",
        "esp", "fig", "figs", "nos", "vol", "pp", "refs", "dept", "hrs", "wks", "yrs", "tel",
        "jan", "feb", "apr", "jun", "jul", "aug", "sept", "oct", "nov", "dec",
        "tues", "thur", "thurs", "a.m", "p.m", "u.k", "u.s", "n.b", "nb", "al", "inc", "ltd",
        "corp", "etc",
    }
)
# Abbreviations that can also end a sentence: they split when a capital letter follows.
_FINAL_OK = frozenset({"etc", "a.m", "p.m", "inc", "ltd", "corp", "al"})

_HAS_WORD = re.compile(r"\w")
# A word: letters and digits, with inner apostrophes ("Crohn's" stays one word). The word tokeniser
# of the glossary and terms checks and of extraction's trafilatura vote; the few other word
# patterns (passive.py, plain_words.py, safety.py, readability.py) say why they differ.
WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")
_END = re.compile(r"[.!?…]+[" + re.escape(_CLOSERS) + r"]*(?=\s|$)")
_WORD_BEFORE = re.compile(r"([\w.]+)$")


@dataclass
class SentenceSpan:
    start: int
    end: int


def _is_abbreviation(text: str, dot: int) -> bool:
    """Whether the full stop at `dot` belongs to an abbreviation or an initial."""
    m = _WORD_BEFORE.search(text, text.rfind(" ", 0, dot) + 1, dot)  # only the word before: linear
    if not m:
        return False
    word = m.group(1).lower().strip(".")
    if not word:
        return False
    if word in ABBREVIATIONS:
        return True
    # A single letter is an initial ("J. Smith") or a list letter ("a. first point").
    return len(word) == 1 and word.isalpha()


def sentence_spans(text: str) -> list[SentenceSpan]:
    """Split `text` into sentences: at end punctuation followed by a new sentence, and at line breaks.

    Full stops in abbreviations, initials and decimals do not end a sentence. Every span is
    trimmed of surrounding white space and lies inside `text`.
    """
    spans: list[SentenceSpan] = []
    for line_start, line in _lines(text):
        start = 0
        for m in _END.finditer(line):
            end = m.end()
            if m.group(0).startswith(".") and len(m.group(0).rstrip(_CLOSERS)) == 1:
                nxt = _next_char(line, end)
                abbreviation = _is_abbreviation(line, m.start())
                word = _WORD_BEFORE.search(line, line.rfind(" ", 0, m.start()) + 1, m.start())
                final_ok = bool(word and word.group(1).lower().strip(".") in _FINAL_OK)
                if abbreviation and not (final_ok and nxt.isupper()):
                    continue
                if nxt and not (nxt.isupper() or nxt.isdigit() or nxt in "\"'“‘([" or not nxt.isalpha()):
                    continue  # a lower-case word follows: not a sentence end
            _append(spans, line, line_start, start, end)
            start = end
        _append(spans, line, line_start, start, len(line))
    return spans


def sentences(text: str) -> list[str]:
    return [text[s.start : s.end] for s in sentence_spans(text)]


def words(text: str) -> list[str]:
    """The words of `text` as written (see WORD)."""
    return WORD.findall(text)


def _lines(text: str) -> Iterator[tuple[int, str]]:
    pos = 0
    for line in text.split("\n"):
        yield pos, line
        pos += len(line) + 1


def _next_char(line: str, pos: int) -> str:
    rest = line[pos:].lstrip()
    return rest[:1]


def _append(spans: list[SentenceSpan], line: str, offset: int, start: int, end: int) -> None:
    chunk = line[start:end]
    left = len(chunk) - len(chunk.lstrip())
    right = len(chunk.rstrip())
    if right > left:
        spans.append(SentenceSpan(offset + start + left, offset + start + right))


@dataclass
class TextBuilder:
    """Joins blocks into the scored text, one block per line, recording each block's offsets."""

    parts: list[str] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    pos: int = 0
    section: int = 0

    def add(
        self, kind: BlockKind, text: str, *, level: int | None = None, selector: str | None = None
    ) -> Block | None:
        sentence = as_sentence(text)
        if not _HAS_WORD.search(sentence):
            return None  # punctuation or symbols alone are not a sentence
        if kind == "heading":
            self.section += 1
        if self.parts:
            self.parts.append("\n")
            self.pos += 1
        block = Block(
            kind=kind,
            start=self.pos,
            end=self.pos + len(sentence),
            level=level,
            section=self.section,
            selector=selector,
        )
        self.blocks.append(block)
        self.parts.append(sentence)
        self.pos += len(sentence)
        return block

    @property
    def text(self) -> str:
        return "".join(self.parts)
