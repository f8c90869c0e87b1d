"""The article text with its findings in place, and what each finding's card shows.

Findings are numbered in reading order (those about the whole article first, then by where each
badge stands in the text), highlighted with colour, an underline style and a numbered badge; a
link-text finding is highlighted where its link is. A card shows the reviewer's facts; offsets,
LanguageTool rule ids and categories go in its collapsed technical details.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from pipeline.model import LEVEL_RANK, ArticleResult, Finding, Span
from pipeline.output.views import gate_state


def number(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def facts(data: dict[str, Any]) -> list[tuple[str, str]]:
    """A finding's extra facts as (label, text) for display; gate marks are shown elsewhere."""
    out = []
    for key, value in data.items():
        if key in ("waiver", "baseline", "context") or value in (None, "", [], {}):
            continue
        if isinstance(value, str | int | float):
            text = number(value)
        elif isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
            text = ", ".join(number(v) for v in value)
        else:
            text = json.dumps(value, ensure_ascii=False, default=str)
        out.append((key.replace("_", " "), text[:500]))
    return out


# --- the article text with findings in place --------------------------------------------------


@dataclass
class Badge:
    number: int
    level: str
    state: str | None
    label: str  # what a screen reader hears


@dataclass
class Segment:
    text: str
    level: str | None = None  # worst level among the counting findings over this text
    muted: bool = False  # only waived or known findings here
    badges: list[Badge] = field(default_factory=list)


@dataclass
class Piece:
    kind: str
    level: int | None
    segments: list[Segment]


@dataclass
class Numbered:
    number: int
    finding: Finding
    in_text: bool
    span: Span | None = None  # where it is highlighted: the finding's span, or where its link is


def _valid_span(f: Finding, size: int) -> bool:
    return f.span is not None and 0 <= f.span.start <= f.span.end <= size and size > 0


def _ranges(a: ArticleResult) -> list[tuple[int, int, str, int | None]]:
    """Blocks in order, with any stretch of text no block covers kept as a paragraph."""
    size = len(a.text)
    out: list[tuple[int, int, str, int | None]] = []
    pos = 0
    for b in sorted(a.blocks, key=lambda b: b.start):
        start, end = max(b.start, pos), min(b.end, size)
        if start >= end:
            continue
        if a.text[pos:start].strip():
            out.append((pos, start, "paragraph", None))
        out.append((start, end, b.kind, b.level))
        pos = end
    if a.text[pos:].strip():
        out.append((pos, size, "paragraph", None))
    return out


def _badge(n: Numbered) -> Badge:
    f = n.finding
    state = gate_state(f)
    extra = {"waived": ", waived", "known": ", known from the baseline", "expired": ", waiver expired"}.get(
        state or "", ""
    )
    return Badge(n.number, f.level, state, f"Finding {n.number}, {f.level}{extra}: {f.message}")


def text_pieces(a: ArticleResult, numbered: list[Numbered]) -> list[Piece]:
    size = len(a.text)
    marks = [n for n in numbered if n.in_text]
    pieces: list[Piece] = []
    ranges = _ranges(a)
    for ps, pe, kind, level in ranges:
        cuts = {ps, pe}
        for n in marks:
            assert n.span is not None
            for edge in (n.span.start, n.span.end):
                if ps < edge < pe:
                    cuts.add(edge)
        edges = sorted(cuts)
        segments = []
        for x, y in zip(edges, edges[1:], strict=False):
            over = [n.finding for n in marks if n.span and n.span.start < y and n.span.end > x]
            live = [f for f in over if f.counts]
            seg = Segment(a.text[x:y])
            if live:
                seg.level = max((f.level for f in live), key=lambda lv: LEVEL_RANK[lv])
            elif over:
                seg.muted = True
            segments.append(seg)
        pieces.append(Piece(kind, level, segments))
    # Each badge goes where its finding ends, like a footnote mark.
    for n in marks:
        assert n.span is not None
        anchor = min(max(n.span.end, n.span.start), size)
        target = None
        for piece, (ps, _pe, _k, _l) in zip(pieces, ranges, strict=True):
            if ps < anchor or (ps == anchor and n.span.start == n.span.end):
                target = (piece, ps)
        if target is None:
            if not pieces:
                continue
            target = (pieces[0], ranges[0][0])
        piece, ps = target
        pos = ps
        chosen = piece.segments[-1]
        for seg in piece.segments:
            pos += len(seg.text)
            if pos >= anchor:
                chosen = seg
                break
        chosen.badges.append(_badge(n))
    return pieces


def grouped(pieces: list[Piece]) -> list[dict[str, Any]]:
    """Consecutive list items become one list."""
    out: list[dict[str, Any]] = []
    for p in pieces:
        if p.kind == "list_item" and out and out[-1]["kind"] == "list":
            out[-1]["items"].append(p)
        elif p.kind == "list_item":
            out.append({"kind": "list", "items": [p]})
        else:
            out.append({"kind": p.kind, "piece": p})
    return out


def _link_span(a: ArticleResult, f: Finding) -> Span | None:
    """Where a link-text finding's link is in the scored text: its text inside the block holding the link."""
    link = f.data.get("link_text")
    if not isinstance(link, str) or not link.strip() or not a.text:
        return None
    needle = link.strip().casefold()
    folded = a.text.casefold()
    selector = f.selector or ""
    for b in sorted(a.blocks, key=lambda b: len(b.selector or ""), reverse=True):
        if b.selector and (selector == b.selector or selector.startswith(b.selector + " ")):
            at = folded.find(needle, b.start, b.end)
            if at >= 0:
                return Span(at, at + len(needle))
    if folded.count(needle) == 1:  # no block to go by: only an unambiguous place will do
        at = folded.find(needle)
        return Span(at, at + len(needle))
    return None


def numbered_findings(a: ArticleResult) -> list[Numbered]:
    """Findings numbered in reading order: those about the whole article (listed above the text) first,
    then those in the text by where their badge stands (the end of the span), so badges count up."""
    size = len(a.text)
    whole: list[Finding] = []
    placed: list[tuple[Finding, Span]] = []
    for f in a.findings:
        if f.outcome not in ("fail", "review"):
            continue
        span = f.span if _valid_span(f, size) else (_link_span(a, f) if f.family == "AX" else None)
        if span is None:
            whole.append(f)
        else:
            placed.append((f, span))
    placed.sort(key=lambda p: (p[1].end, p[1].start))
    out = [Numbered(i + 1, f, False) for i, f in enumerate(whole)]
    out += [Numbered(len(whole) + i + 1, f, True, span) for i, (f, span) in enumerate(placed)]
    return out


# Facts a reviewer reads on a card, with their labels; everything else in a finding's data (offsets,
# LanguageTool rule ids and categories, internal flags) goes in the card's collapsed technical details.
REVIEWER_FACTS = {
    "term": "Term",
    "link_text": "Link text",
    "word": "Word",
    "source": "Plain-word source",
    "words": "Words in the sentence",
    "smog": "SMOG grade",
    "uk_reading_age": "UK reading age",
    "rest_smog": "SMOG grade of the rest of the article",
    "reviewed": "Last reviewed",
    "next_review": "Next review was due",
    "days_overdue": "Days overdue",
    "age_years": "Years since the last review",
    "topics": "Topics",
    "guidelines": "Clinical guidelines",
}


def card_facts(a: ArticleResult, f: Finding) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(facts for the reviewer, technical facts) of a finding's data, each as (label, text)."""
    reviewer: list[tuple[str, str]] = []
    explained = f.data.get("explained_at")
    if isinstance(explained, dict) and isinstance(explained.get("start"), int) and isinstance(explained.get("end"), int):
        later = a.text[explained["start"] : explained["end"]].strip()
        if later:
            reviewer.append(("Explained later, in", f"“{later[:300]}”"))
    technical: list[tuple[str, str]] = []
    for label, text in facts(f.data):
        key = label.replace(" ", "_")
        value = f.data.get(key)
        scalar = isinstance(value, str | int | float) and not isinstance(value, bool)
        strings = isinstance(value, list) and all(isinstance(v, str) for v in value)
        if key in REVIEWER_FACTS and (scalar or strings):
            reviewer.append((REVIEWER_FACTS[key], text))
        else:
            technical.append((label, text))
    return reviewer, technical
