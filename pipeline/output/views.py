"""What every human-facing output needs to know about a run: which families ran, how each fared,
and whether a finding blocks the gate, is waived or is already known from the baseline."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from pipeline.config import from_mapping
from pipeline.errors import ConfigError
from pipeline.model import FAMILIES, LEVEL_RANK, ArticleResult, Finding, RunResult
from pipeline.rules import RULES
from pipeline.rules.selection import enabled_rules

FamilyStatus = Literal["fail", "review", "pass", "not_run"]

# Shapes as well as colours, so no state is told by colour alone.
LEVEL_ICON = {"error": "✖", "warning": "▲", "note": "●"}
STATUS_ICON = {"fail": "✖", "review": "?", "pass": "✓", "not_run": "–"}
STATUS_WORD = {"fail": "Fail", "review": "Review", "pass": "Pass", "not_run": "Not run"}


def blocks_gate(f: Finding, fail_on: str) -> bool:
    return fail_on != "never" and f.counts and LEVEL_RANK[f.level] >= LEVEL_RANK[fail_on]


def gate_state(f: Finding) -> str | None:
    """'waived', 'known' (in the baseline), 'expired' (waiver expired: counts again) or None."""
    if f.suppressed is not None:
        return "known" if f.suppressed.get("kind") == "baseline" else "waived"
    if (f.data.get("waiver") or {}).get("status") == "expired":
        return "expired"
    return None


def baseline_state(f: Finding) -> str | None:
    value = (f.data.get("baseline") or {}).get("state")
    return str(value) if value else None


def trends(run: RunResult) -> dict[str, Any]:
    """What the run history says about earlier runs: {"runs": [...], "articles": {id: {...}}}.

    Empty when there is no history (a first run, history switched off, or a run built by hand).
    """
    stats = getattr(run, "stats", None)  # RunResult.stats arrived with the run history
    found = stats.get("trends") if isinstance(stats, dict) else None
    return found if isinstance(found, dict) else {}


def earlier_runs(run: RunResult) -> list[dict[str, Any]]:
    runs = trends(run).get("runs")
    return [r for r in runs if isinstance(r, dict)] if isinstance(runs, list) else []


def article_trend(run: RunResult, article_id: str) -> dict[str, Any]:
    articles = trends(run).get("articles")
    found = articles.get(article_id) if isinstance(articles, dict) else None
    return found if isinstance(found, dict) else {}


def checked_families(run: RunResult) -> dict[str, list[str]]:
    """Per article id, the families whose rules were enabled for it (from the run's own settings).

    Families with findings are always included, so nothing reported is ever hidden.
    """
    try:
        config = from_mapping(run.config)
    except ConfigError:
        config = None
    default = {r.family for r in RULES.values() if r.enabled_by_default}
    out: dict[str, list[str]] = {}
    for a in run.articles:
        fams = {c[:2] for c in enabled_rules(config, a.source)} if config is not None else set(default)
        fams |= {f.family for f in a.findings}
        out[a.id] = [code for code in FAMILIES if code in fams]
    return out


@dataclass
class FamilyScore:
    code: str
    label: str
    status: FamilyStatus
    failed: int = 0
    review: int = 0
    passed: int = 0
    waived: int = 0
    known: int = 0
    blocking: int = 0
    levels: dict[str, int] = field(default_factory=lambda: {"error": 0, "warning": 0, "note": 0})


def scorecard(a: ArticleResult, families: list[str], fail_on: str) -> list[FamilyScore]:
    scores: list[FamilyScore] = []
    for code in FAMILIES:
        mine = [f for f in a.findings if f.family == code]
        if code not in families and not mine:
            continue
        s = FamilyScore(code, FAMILIES[code], "pass")
        if a.status == "error" and code != "EX":
            s.status = "not_run"
        for f in mine:
            state = gate_state(f)
            if f.outcome == "pass":
                s.passed += 1
            elif f.outcome in ("fail", "review"):
                if state == "waived":
                    s.waived += 1
                elif state == "known":
                    s.known += 1
                else:
                    s.failed += f.outcome == "fail"
                    s.review += f.outcome == "review"
                    s.levels[f.level] += 1
                    s.blocking += blocks_gate(f, fail_on)
        if s.failed:
            s.status = "fail"
        elif s.review:
            s.status = "review"
        scores.append(s)
    return scores
