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
from pipeline.verdict.baseline import since_text

FamilyStatus = Literal["fail", "review", "known", "pass", "not_run"]

# Shapes as well as colours, so no state is told by colour alone. Known is never a check mark: the
# problem is still there, it only does not block this run.
LEVEL_ICON = {"error": "✖", "warning": "▲", "note": "●"}
KNOWN_ICON = "◐"
STATUS_ICON = {"fail": "✖", "review": "?", "known": KNOWN_ICON, "pass": "✓", "not_run": "–"}
STATUS_WORD = {"fail": "Fail", "review": "Review", "known": "Known, still failing", "pass": "Pass",
               "not_run": "Not run"}


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


def known_since(f: Finding) -> str | None:
    """For a finding the baseline already had: 'run <id> of <date>', since when it has been failing."""
    mark = f.data.get("baseline")
    if not isinstance(mark, dict) or mark.get("state") not in ("unchanged", "worse"):
        return None
    return since_text(mark.get("since"))


def still_failing(f: Finding) -> bool:
    """Known from the baseline (not blocking this run, but not fixed either)."""
    return f.outcome in ("fail", "review") and gate_state(f) == "known"


def known_summary(findings: list[Finding]) -> tuple[int, str | None]:
    """How many findings are known and still failing, and the earliest 'since' among them."""
    known = [f for f in findings if still_failing(f)]
    marks = [(f.data.get("baseline") or {}).get("since") for f in known]
    dated = sorted((m for m in marks if isinstance(m, dict)), key=lambda m: str(m.get("date") or ""))
    return len(known), (since_text(dated[0]) if dated else ("the baseline run" if known else None))


# --- grammar that did not run ----------------------------------------------------------------

GRAMMAR_OFF = "switched off"
GRAMMAR_UNAVAILABLE = "LanguageTool unavailable"


def grammar_switched_off(run: RunResult) -> bool:
    grammar = run.config.get("grammar") if isinstance(run.config, dict) else None
    return isinstance(grammar, dict) and grammar.get("enabled") is False


def grammar_not_checked(run: RunResult, a: ArticleResult) -> str | None:
    """Why grammar was not checked on this article ('switched off', 'LanguageTool unavailable'), or None."""
    if a.status != "audited":
        return None
    if grammar_switched_off(run):
        return GRAMMAR_OFF
    if any(f.rule == "GR900" and f.outcome == "fail" for f in a.findings):
        return GRAMMAR_UNAVAILABLE
    return None


def grammar_gap(run: RunResult) -> str | None:
    """One line for the run when grammar was not checked on some articles, else None."""
    audited = [a for a in run.articles if a.status == "audited"]
    if grammar_switched_off(run):
        return "Grammar and spelling not checked (switched off)." if audited else None
    missing = [a for a in audited if grammar_not_checked(run, a)]
    if not missing:
        return None
    return (f"Grammar and spelling not checked on {len(missing)} of {len(audited)} articles "
            f"({GRAMMAR_UNAVAILABLE}).")


# --- what blocks -----------------------------------------------------------------------------


@dataclass
class Blocker:
    """A finding that fails the gate, with where it is: the source file's line and column when known."""

    article: ArticleResult
    finding: Finding
    line: int | None = None
    column: int | None = None

    @property
    def new(self) -> bool:
        return baseline_state(self.finding) in ("new", "worse", None)

    def location(self) -> str:
        where = self.article.source
        if self.line is not None:
            where += f":{self.line}:{self.column or 1}"
        return where

    def one_line(self) -> str:
        """`path:line:col  RULE  message`, as ruff and Vale print problems."""
        return f"{self.location()}  {self.finding.rule}  {' '.join(self.finding.message.split())}"


def blockers(run: RunResult, fail_on: str) -> list[Blocker]:
    """Every finding that fails the gate: new ones first under a baseline, then by article and line."""
    from pipeline.output.sarif import read_source, source_region

    out: list[Blocker] = []
    for a in run.articles:
        mine = [f for f in a.findings if blocks_gate(f, fail_on)]
        if not mine:
            continue
        text = read_source(a.source)
        for f in mine:
            region = source_region(a, f, text)
            out.append(Blocker(a, f, region["startLine"] if region else None,
                               region["startColumn"] if region else None))
    order = {id(a): i for i, a in enumerate(run.articles)}
    out.sort(key=lambda b: (not b.new, order[id(b.article)], b.line or 0, b.column or 0))
    return out


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
    since: str | None = None  # for known findings: since when they have been failing
    not_checked: str | None = None  # why the family did not run ('switched off', ...)

    @property
    def result(self) -> str:
        """The result in words, as the scorecard and the sign-off print it."""
        if self.not_checked:
            return f"Not checked ({self.not_checked})"
        if self.status == "known":
            return f"Known, still failing since {self.since}"
        return STATUS_WORD[self.status]


def scorecard(
    a: ArticleResult, families: list[str], fail_on: str, grammar_missing: str | None = None
) -> list[FamilyScore]:
    """One row per family that ran or reported; grammar that did not run gets a row that says so."""
    scores: list[FamilyScore] = []
    for code in FAMILIES:
        mine = [f for f in a.findings if f.family == code]
        if code == "GR" and grammar_missing:
            s = FamilyScore(code, FAMILIES[code], "not_run", not_checked=grammar_missing)
            s.failed = sum(f.counts and f.outcome == "fail" for f in mine)
            s.blocking = sum(blocks_gate(f, fail_on) for f in mine)
            scores.append(s)
            continue
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
        elif s.known:
            s.status = "known"
            s.since = known_summary(mine)[1]
        scores.append(s)
    return scores


# --- the index's "main problem" ---------------------------------------------------------------

_FIRST = {"SM": 0, "EX": 1, "CU": 2}  # the clinical weight of a family, before the level


def _safety_label(a: ArticleResult, f: Finding) -> str | None:
    """'No emergency action (999 / A&E)' for a failing safety message, from the locale's checklist label."""
    safety = a.metrics.get("safety")
    wanted = (f.data.get("requirements") or {}) if isinstance(f.data.get("requirements"), dict) else {}
    if not isinstance(safety, dict):
        return None
    for item in safety.get("checklist") or []:
        if isinstance(item, dict) and item.get("requirement") in wanted and item.get("status") == "fail":
            label = str(item.get("label") or str(item.get("kind") or "").replace("_", " "))
            return f"No {label[:1].lower()}{label[1:]}" if label else None
    return None


def main_problem(a: ArticleResult, fail_on: str) -> str | None:
    """The one problem a reviewer should see first on the run index, in words; None when nothing counts."""
    live = [f for f in a.findings if f.counts]
    prefix = ""
    if not live:  # known is not none: name the main known problem, marked as known
        live = [f for f in a.findings if still_failing(f)]
        prefix = "Known, still failing: "
    if not live:
        return None
    if a.status == "error":
        return "Not audited: " + " ".join(live[0].message.split())
    top = min(live, key=lambda f: (not blocks_gate(f, fail_on), _FIRST.get(f.family, 9), -LEVEL_RANK[f.level],
                                   f.outcome != "fail"))
    text = (_safety_label(a, top) if top.family == "SM" and top.outcome == "fail" else None) or " ".join(
        top.message.split())
    if len(text) > 90:
        text = text[:89].rstrip() + "…"
    same = sum(f.rule == top.rule for f in live) - 1
    return prefix + text + (f" (and {same} more like it)" if same else "")
