"""Which safety topics a page is about: weighted trigger terms in its title, headings and body."""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from pipeline.model import Document
from pipeline.rules.safety.packs import APOSTROPHES, TopicPack, Trigger
from pipeline.rules.safety.recognise import anchor, compiled


@dataclass
class TopicScore:
    pack: TopicPack
    score: float
    detected: bool
    evidence: dict[str, int]  # "zone: term" -> hits


def _hits(triggers: tuple[Trigger, ...], text: str, exclude: tuple[str, ...]) -> list[tuple[Trigger, int, int]]:
    """Trigger matches in `text`; an excluded phrase never counts and overlapping terms count once."""
    lower = text.lower()
    for phrase in exclude:
        if anchor(phrase) in lower:
            text = compiled(phrase).sub(lambda m: " " * len(m.group(0)), text)
    found = [
        (t, m.start(), m.end())
        for t in triggers
        if anchor(t.term) in lower
        for m in compiled(t.term).finditer(text)
    ]
    found.sort(key=lambda h: (-(h[2] - h[1]), h[1]))
    # Longest first, each kept only if it overlaps none kept so far. The kept spans never overlap,
    # so they stay sorted by start and only the two neighbours of a new span can overlap it: a
    # bisect per hit, where comparing with every kept span was quadratic on long pages.
    kept: list[tuple[Trigger, int, int]] = []
    starts: list[int] = []
    for h in found:
        at = bisect.bisect_left(starts, h[1])
        if at > 0 and kept[at - 1][2] > h[1]:
            continue
        if at < len(kept) and kept[at][1] < h[2]:
            continue
        starts.insert(at, h[1])
        kept.insert(at, h)
    kept.sort(key=lambda h: (-(h[2] - h[1]), h[1]))
    return kept


def score_topics(doc: Document, packs: tuple[TopicPack, ...], *, body_cap: int = 5) -> list[TopicScore]:
    """Score every topic: each trigger term adds its weight for the part of the page it is in.

    A passing mention stays under the threshold. Body mentions of one term count at most
    `body_cap` times, so a long page that keeps mentioning a complication is not scored as a page
    about it on sheer length.
    """
    zones = {
        "title": [doc.title.translate(APOSTROPHES)],
        "headings": [doc.block_text(b).translate(APOSTROPHES) for b in doc.blocks if b.kind == "heading"],
        "body": ["\n".join(doc.block_text(b) for b in doc.blocks if b.kind != "heading").translate(APOSTROPHES)],
    }
    out = []
    for pack in packs:
        score = 0.0
        evidence: dict[str, int] = {}
        for zone, texts in zones.items():
            counts: dict[Trigger, int] = {}
            for text in texts:
                for trig, _, _ in _hits(pack.triggers.get(zone, ()), text, pack.exclude):
                    counts[trig] = counts.get(trig, 0) + 1
            for trig, n in counts.items():
                n = min(n, body_cap) if zone == "body" else n
                evidence[f"{zone}: {trig.term}"] = n
                score += trig.weight * n
        out.append(TopicScore(pack, round(score, 2), score >= pack.threshold, evidence))
    return out
