"""Medical terms and abbreviations in an article, and whether each is explained at its first use.

Three steps, all pure functions of the text and the configuration:

1. **Detection** (`detection.find_uses`): the terms and abbreviations a reader may need explained.
2. **Gloss recognition** (`glosses.gloss_for`): plain words next to a use, in the ways writers explain.
3. **First use** (`analyse`): each term's first use is explained, explained only later, or never.

`inconsistent_explanations` compares the explanations one run's articles give for the same term.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from pipeline.language.plain_words import SwapList
from pipeline.language.plain_words import load as load_swaps
from pipeline.language.vocabulary import MedicalVocabulary, vocabulary_for
from pipeline.model import ArticleResult, Finding
from pipeline.rules.registry import finding
from pipeline.rules.terms.detection import Origin, Sentences, Use, find_uses
from pipeline.rules.terms.familiarity import STOPWORDS, Judge, zipf
from pipeline.rules.terms.glossary import Concept, Kind, TermMatcher, fold, glossary_matcher, tokens
from pipeline.rules.terms.glosses import Gloss, contains, gloss_for

if TYPE_CHECKING:
    from pipeline.config import Config, TermsConfig

Status = Literal["explained", "late", "unexplained"]


@dataclass
class TermReport:
    """A term of the article: where it is first used and whether (and where) it is explained."""

    key: str
    kind: Kind
    origin: Origin
    first: Use
    status: Status
    uses: int
    gloss: Gloss | None = None  # the explanation found (at first use, or later)
    explained_use: Use | None = None  # for "late": the use that carries the explanation
    suggestion: str | None = None  # the glossary's explanation (or an abbreviation's expansion)
    plain: str | None = None  # a plain word that could replace the term
    source: str | None = None
    text: str = field(default="", repr=False)

    def as_metric(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "term": self.key,
            "kind": self.kind,
            "found_by": self.origin,
            "first_use": {"start": self.first.start, "end": self.first.end},
            "excerpt": self.text[self.first.start : self.first.end],
            "uses": self.uses,
            "status": self.status,
            "explained": self.status == "explained",
            "explained_at": None,
            "explanation": None,
            "pattern": None,
            "suggested_explanation": self.suggestion,
            "plain_alternative": self.plain,
            "source": self.source,
        }
        if self.gloss is not None:
            out["explained_at"] = {"start": self.gloss.start, "end": self.gloss.end}
            out["explanation"] = self.text[self.gloss.start : self.gloss.end]
            out["pattern"] = self.gloss.pattern
        return out


# --- first use ----------------------------------------------------------------------------------


def analyse_text(
    text: str,
    matcher: TermMatcher,
    vocab: MedicalVocabulary,
    cfg: TermsConfig,
    plain_words: dict[str, str] | None = None,
    headings: Iterable[tuple[int, int]] = (),
) -> list[TermReport]:
    """One report per term the reader may need explained, in order of first use."""
    judge = Judge(matcher, vocab, cfg)
    sents = Sentences(text, headings)
    uses = find_uses(text, judge, sents)
    groups: dict[str, list[Use]] = {}
    for u in uses:
        groups.setdefault(u.key, []).append(u)
    reports: list[TermReport] = []
    reported: list[str] = []
    for key, group in sorted(groups.items(), key=lambda kv: kv[1][0].start):
        # A title or heading names the topic and is never where an explanation is due: the first
        # use that counts is the first one in the body, so MT003 never points at a heading (a term
        # only in headings that its section never explains is still reported there).
        body = [u for u in group if not sents.in_heading(u.start)]
        if body and body[0] is not group[0] and gloss_for(text, group[0], uses, sents, judge) is None:
            group = body
        first = group[0]
        if _covered(key, reported, judge):
            continue  # "mortality rates" after "mortality": one finding is enough
        reported.append(key)
        concept = first.concept
        report = TermReport(
            key=key,
            kind=first.kind,
            origin=first.origin,
            first=first,
            status="unexplained",
            uses=len(group),
            suggestion=_suggestion(concept),
            # The word as written first: "sputum" (filed under "mucus") has its own plain word.
            plain=(plain_words or {}).get(fold(text[first.start : first.end])) or (plain_words or {}).get(fold(key)),
            source=concept.source if concept else None,
            text=text,
        )
        gloss = gloss_for(text, first, uses, sents, judge)
        if gloss is not None:
            report.status, report.gloss = "explained", gloss
        else:
            for later in group[1:]:
                g = gloss_for(text, later, uses, sents, judge)
                if g is not None:
                    report.status, report.gloss, report.explained_use = "late", g, later
                    break
        reports.append(report)
    return reports


def _covered(key: str, earlier: list[str], judge: Judge) -> bool:
    """Whether an earlier term already taught every hard word of this one: "mortality rates" after
    "mortality", "intravenous line" after "intravenous fluids" (not "meningococcal septicaemia"
    after "septicaemia": "meningococcal" is new)."""
    words = fold(key).split()
    hard = {w for w in words if w not in STOPWORDS and zipf(w) < judge.cfg.zipf_medical_word}
    seen = {w for e in earlier for w in fold(e).split()}
    contains_earlier = any(len(fold(e).split()) < len(words) and contains(words, fold(e).split()) for e in earlier)
    return hard <= seen if hard else contains_earlier


def _suggestion(concept: Concept | None) -> str | None:
    if concept is None:
        return None
    if concept.kind == "abbreviation" and concept.expansion:
        return f"{concept.expansion} ({concept.explanation})" if concept.explanation else concept.expansion
    return concept.explanation


def analyse(text: str, config: Config, headings: Iterable[tuple[int, int]] = ()) -> list[TermReport]:
    """The term reports of an article text under this configuration."""
    cfg = config.terms
    return analyse_text(
        text,
        glossary_matcher(config),
        vocabulary_for(config),
        cfg,
        plain_alternatives(cfg.plain_words),
        headings,
    )


# --- plain alternatives -----------------------------------------------------------------------


def plain_alternatives(path: str | None) -> dict[str, str]:
    """Word -> its plainest everyday alternative, from the swap list RD008 reads too.

    The list is loaded by pipeline/plain_words.py, which raises WordListError for a missing or
    broken file (the configuration reports it before a run starts)."""
    if not path:
        return {}
    return _first_plain(load_swaps(path))


@functools.lru_cache(maxsize=4)  # the loader returns the same SwapList until the file changes
def _first_plain(swaps: SwapList) -> dict[str, str]:
    out: dict[str, str] = {}
    for swap in swaps.swaps:
        for form in (swap.word, *swap.variants):
            out.setdefault(fold(form), swap.plain[0])
    return out


# --- across articles ----------------------------------------------------------------------------


def _content_words(s: str) -> set[str]:
    return {t.folded for t in tokens(s) if t.text.isalpha() and t.folded not in STOPWORDS}


def explanation_overlap(a: str, b: str) -> float:
    """Share of content words two explanations have in common (Jaccard)."""
    wa, wb = _content_words(a), _content_words(b)
    return len(wa & wb) / len(wa | wb) if wa and wb else 0.0


def inconsistent_explanations(
    articles: Iterable[ArticleResult], min_overlap: float = 0.2
) -> list[tuple[str, Finding]]:
    """MT005 findings for terms that different articles of one run explain in different words.

    Reads each article's `metrics["terms"]["terms"]` (written by the MT check). One finding per
    term and article pair whose explanations share less than `min_overlap` of their words; the
    finding sits on the later article, pointing at the first use there.
    """
    seen: dict[str, list[tuple[ArticleResult, dict[str, Any]]]] = {}
    out: list[tuple[str, Finding]] = []
    for art in articles:
        for item in (art.metrics.get("terms") or {}).get("terms", []):
            explanation = item.get("explanation")
            if not explanation or item.get("kind") == "abbreviation":
                continue
            key = fold(item["term"])
            for other, prev in seen.get(key, []):
                if other.id == art.id or explanation_overlap(explanation, prev["explanation"]) >= min_overlap:
                    continue
                span = item.get("explained_at") or item["first_use"]
                found = (
                    finding(
                        "MT005",
                        f"'{item['term']}' is explained as '{explanation}' here but as "
                        f"'{prev['explanation']}' in {other.title or other.source}.",
                        outcome="review",
                        span=(span["start"], span["end"]),
                        excerpt=explanation,
                        suggestion=f"Explain '{item['term']}' the same way across the series"
                        + (f", for example: {item['suggested_explanation']}" if item.get("suggested_explanation") else "")
                        + ".",
                        data={"other_article": other.id, "other_source": other.source,
                              "other_explanation": prev["explanation"], "term": item["term"]},
                    )
                )
                out.append((art.id, found))
                break
            seen.setdefault(key, []).append((art, item))
    return out
