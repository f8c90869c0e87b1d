"""The annotated set of medical terms (tests/data/terms) and its scoring, shared by bench/terms.py
and tests/rules/terms/test_terms_bench.py.

A predicted positive is an MT001, MT002 or MT003 finding; it is a true positive when its span
overlaps the first use of a term labelled `unexplained` or `late`, and a false alarm otherwise (the
term is labelled explained or familiar, or is not labelled at all, which means it needs no
explanation). Two findings on parts of one labelled term count once.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from pipeline.config import Config
from pipeline.language.sentences import TextBuilder
from pipeline.model import Document, source_id
from pipeline.rules.terms.analysis import analyse
from pipeline.rules.terms.checks import findings_for
from tests.support.paths import ROOT

DATA = ROOT / "tests" / "data" / "terms"
POSITIVE = {"unexplained", "late"}
FLAGGING = {"MT001", "MT002", "MT003"}


def load_article(path: Path) -> Document:
    """An annotated article as a Document: `# ` starts a heading, `- ` a list item."""
    builder = TextBuilder()
    for block in path.read_text(encoding="utf-8").strip().split("\n\n"):
        block = block.strip()
        if block.startswith("# "):
            builder.add("heading", block[2:], level=2)
        elif block.startswith("- "):
            builder.add("list_item", block[2:])
        elif block:
            builder.add("paragraph", block)
    text = builder.text
    return Document(source=str(path), id=source_id(str(path)), title=path.stem, text=text, blocks=builder.blocks)


@dataclass
class Label:
    term: str
    label: str
    kind: str
    start: int
    end: int


def locate_labels(text: str, terms: list[dict[str, Any]]) -> list[Label]:
    """Each labelled term at its first use: the earliest occurrence of any of its forms that is not
    part of a longer labelled term (abbreviations case-sensitive, terms not)."""
    occurrences: dict[str, list[tuple[int, int]]] = {}
    for t in terms:
        flags = 0 if t.get("kind") == "abbreviation" else re.I
        spans = []
        for form in [t["term"], *t.get("forms", [])]:
            pattern = r"(?<![\w-])" + re.escape(form) + r"(?![\w-])"
            spans += [(m.start(), m.end()) for m in re.finditer(pattern, text, flags)]
        occurrences[t["term"]] = sorted(spans)
    out = []
    for t in terms:
        own = [
            s
            for s in occurrences[t["term"]]
            if not any(
                o[0] <= s[0] and s[1] <= o[1] and o != s
                for other, spans in occurrences.items()
                if other != t["term"]
                for o in spans
            )
        ]
        if not own:
            raise ValueError(f"labelled term {t['term']!r} does not occur in the text")
        out.append(Label(t["term"], t["label"], t.get("kind", "term"), *own[0]))
    return out


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    false_alarms: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def add(self, other: Score) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.false_alarms += other.false_alarms
        self.misses += other.misses


def score_article(doc: Document, labels: list[Label], config: Config) -> Score:
    headings = [(b.start, b.end) for b in doc.blocks if b.kind == "heading"]
    findings = [f for f in findings_for(analyse(doc.text, config, headings)) if f.rule in FLAGGING and f.span]
    score = Score()
    matched: set[int] = set()
    for f in findings:
        assert f.span is not None
        hits = [i for i, lab in enumerate(labels) if lab.start < f.span.end and f.span.start < lab.end]
        positive = [i for i in hits if labels[i].label in POSITIVE]
        if positive:
            if not any(i in matched for i in positive):
                score.tp += 1
            matched.update(positive)
        else:
            score.fp += 1
            why = labels[hits[0]].label if hits else "not labelled"
            score.false_alarms.append(f"{doc.title}: {f.rule} {doc.text[f.span.start:f.span.end]!r} ({why})")
    for i, lab in enumerate(labels):
        if lab.label in POSITIVE and i not in matched:
            score.fn += 1
            score.misses.append(f"{doc.title}: {lab.term!r} ({lab.label})")
    return score


def evaluate(config: Config | None = None) -> tuple[Score, int, float]:
    """Score over the whole set: (score, labelled first uses, seconds per article)."""
    config = config or Config()
    spec = yaml.safe_load((DATA / "labels.yaml").read_text(encoding="utf-8"))
    total = Score()
    labelled = 0
    warm_up(config)  # the vocabulary is read once per process; keep it out of the timing
    started = time.perf_counter()
    for art in spec["articles"]:
        doc = load_article(DATA / "articles" / art["file"])
        labels = locate_labels(doc.text, art["terms"])
        labelled += len(labels)
        total.add(score_article(doc, labels, config))
    per_article = (time.perf_counter() - started) / len(spec["articles"])
    return total, labelled, per_article


def warm_up(config: Config) -> float:
    """Seconds to read the vocabulary and the glossary (once per process)."""
    started = time.perf_counter()
    analyse("warm-up.", config)
    return time.perf_counter() - started
