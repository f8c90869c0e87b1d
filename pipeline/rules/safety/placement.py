"""Where a safety message sits: in the article body (how early, under which heading) or only in
boilerplate stripped from it, and whether that is where a requirement asks for it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pipeline.model import Document
from pipeline.rules.safety.packs import APOSTROPHES, LocaleProfile, norm_term
from pipeline.rules.safety.recognise import MessageMatch, recognise


@dataclass
class Place:
    """Where a message was found: in the article body (a block) or in stripped boilerplate."""

    where: Literal["body", "stripped"]
    start: int  # offsets in the article text (body); -1 for stripped text
    end: int
    chunk: int | None = None  # which stripped text block
    heading: str | None = None
    block_kind: str | None = None
    position: float = 0.0  # how far into the article text, 0..1
    early: bool = False
    help_section: bool = False

    def describe(self) -> str:
        if self.where == "stripped":
            return "only in boilerplate removed from the article (site header, footer or promo)"
        parts = [f"in the article body, {round(self.position * 100)}% of the way down"]
        if self.heading:
            parts.append(f"under the heading '{self.heading.rstrip('.')}'")
        if self.block_kind == "callout":
            parts.append("in a callout")
        return ", ".join(parts)

    def as_dict(self) -> dict[str, Any]:
        return {
            "where": self.where,
            "start": self.start,
            "end": self.end,
            "chunk": self.chunk,
            "heading": self.heading,
            "block_kind": self.block_kind,
            "position": round(self.position, 2),
            "early": self.early,
            "help_section": self.help_section,
        }


@dataclass
class Located:
    match: MessageMatch
    place: Place
    excerpt: str
    # Whether readers would meet it (visibility.Status) and why not; None when not looked at.
    seen: tuple[str, str] | None = None

    @property
    def hidden(self) -> bool:
        return self.seen is not None and self.seen[0] == "hidden"

    @property
    def uncertain(self) -> bool:
        """Readers may not see it: something on the page may hide it, or an unread stylesheet might."""
        return self.seen is not None and self.seen[0] in ("uncertain", "unconfirmed")

    @property
    def unconfirmed(self) -> bool:
        """Only an unread stylesheet stands between it and a pass."""
        return self.seen is not None and self.seen[0] == "unconfirmed"


def _is_help_heading(heading: str, phrases: tuple[str, ...]) -> bool:
    h = norm_term(heading).rstrip(".")
    return any(p in h for p in phrases)


def locate_messages(
    doc: Document, profile: LocaleProfile, *, early_fraction: float = 0.4
) -> list[Located]:
    """Recognise messages in the article body (block by block) and in stripped boilerplate."""
    phrases = tuple(norm_term(p) for p in profile.help_headings)
    headings = {b.section: doc.block_text(b) for b in doc.blocks if b.kind == "heading"}
    total = max(1, len(doc.text))
    out: list[Located] = []
    for block in doc.blocks:
        text = doc.block_text(block)
        heading = headings.get(block.section) if block.kind != "heading" else text
        in_help = block.kind == "callout" or bool(heading and _is_help_heading(heading, phrases))
        for m in recognise(text, profile):
            start, end = block.start + m.start, block.start + m.end
            if m.mention_start >= 0:
                m.mention_start, m.mention_end = block.start + m.mention_start, block.start + m.mention_end
            m.start, m.end = start, end
            position = start / total
            place = Place(
                "body",
                start,
                end,
                heading=heading,
                block_kind=block.kind,
                position=position,
                early=position <= early_fraction,
                help_section=in_help,
            )
            out.append(Located(m, place, doc.text[start:end]))
    for i, chunk in enumerate(doc.stripped):
        for m in recognise(chunk, profile):
            excerpt = m.excerpt(chunk.translate(APOSTROPHES), limit=100)
            out.append(Located(m, Place("stripped", -1, -1, chunk=i), excerpt))
    return out


def placement_ok(place: Place, allowed: tuple[str, ...]) -> bool:
    """Whether a message in the body sits where the requirement asks (any of the allowed places)."""
    if place.where != "body":
        return False
    for a in allowed:
        if a == "body":
            return True
        if a == "early" and place.early:
            return True
        if a == "help_section" and place.help_section:
            return True
    return False
