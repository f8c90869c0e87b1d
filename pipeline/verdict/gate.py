"""The publication gate: waivers and the baseline applied to a run, and the verdict CI acts on.

`apply_gate` is the one function the command line and the Prefect flow both call between auditing
and writing outputs. It only marks findings (suppressed, data["waiver"], data["baseline"]); the
verdict itself stays `RunResult.gate()`, so every output agrees on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Literal

from pipeline.config import Config
from pipeline.model import LEVEL_RANK, RunResult
from pipeline.verdict.baseline import Baseline, BaselineComparison, apply_baseline, load_baseline
from pipeline.verdict.waivers import Waiver, WaiverOutcome, apply_waivers, clear_gate_marks, load_waivers


@dataclass
class GateInputs:
    """The waivers and baseline named by the configuration, loaded before the (long) audit starts."""

    waivers: list[Waiver] = field(default_factory=list)
    waivers_path: str | None = None
    baseline: Baseline | None = None

    @classmethod
    def from_config(cls, config: Config) -> GateInputs:
        """Raises WaiverError / BaselineError (both ConfigError) naming the bad file and entry."""
        return cls(
            waivers=load_waivers(config.waivers) if config.waivers else [],
            waivers_path=config.waivers,
            baseline=load_baseline(config.baseline) if config.baseline else None,
        )


@dataclass
class GateReport:
    fail_on: str
    verdict: Literal["pass", "fail"]
    blocking: int  # findings that fail the gate
    waived: int
    known: int  # findings excused because the baseline already had them
    waivers_path: str | None = None
    waivers: list[WaiverOutcome] = field(default_factory=list)
    baseline: BaselineComparison | None = None

    @property
    def expired_waivers(self) -> list[WaiverOutcome]:
        return [w for w in self.waivers if w.status == "expired"]

    @property
    def unused_waivers(self) -> list[WaiverOutcome]:
        return [w for w in self.waivers if w.status == "unused"]

    def to_dict(self) -> dict[str, Any]:
        return {
            "fail_on": self.fail_on,
            "verdict": self.verdict,
            "blocking": self.blocking,
            "waived": self.waived,
            "known": self.known,
            "waivers": {
                "file": self.waivers_path,
                "active": sum(w.status == "active" for w in self.waivers),
                "expired": len(self.expired_waivers),
                "unused": len(self.unused_waivers),
                "entries": [w.to_dict() for w in self.waivers],
            },
            "baseline": self.baseline.to_dict() if self.baseline else None,
        }


def blocking_count(run: RunResult) -> int:
    if run.fail_on == "never":
        return 0
    threshold = LEVEL_RANK[run.fail_on]
    return sum(
        1 for a in run.articles for f in a.findings if f.counts and LEVEL_RANK[f.level] >= threshold
    )


def _suppressed(run: RunResult, kind: str) -> int:
    return sum(
        1
        for a in run.articles
        for f in a.findings
        if f.suppressed is not None and f.suppressed.get("kind", "waiver") == kind
    )


def report_for(run: RunResult, inputs: GateInputs | None = None, outcomes: list[WaiverOutcome] | None = None,
               comparison: BaselineComparison | None = None) -> GateReport:
    """The gate as the run stands (with no inputs: a run without waivers or baseline)."""
    return GateReport(
        fail_on=run.fail_on,
        verdict=run.gate(),
        blocking=blocking_count(run),
        waived=_suppressed(run, "waiver"),
        known=_suppressed(run, "baseline"),
        waivers_path=inputs.waivers_path if inputs else None,
        waivers=outcomes or [],
        baseline=comparison,
    )


# Findings that the calendar alone can raise, with no change to the content.
CALENDAR_RULES = ("CU003",)


def calendar_as_note(run: RunResult) -> int:
    """In a pull-request gate an overdue next review is a note: the scheduled audit gates on it.

    The level it had is kept in data["context"], so the next gating restores it."""
    changed = 0
    for a in run.articles:
        for f in a.findings:
            if f.rule in CALENDAR_RULES and f.outcome in ("fail", "review") and f.level != "note":
                f.data = {**f.data, "context": {"name": "pr", "level": f.level}}
                f.level = "note"
                changed += 1
    return changed


def apply_gate(
    run: RunResult,
    config: Config | None = None,
    *,
    inputs: GateInputs | None = None,
    today: date | None = None,
) -> GateReport:
    """Apply waivers, then the baseline, to `run` (in place) and return the gate report.

    Pass `inputs` when they were loaded up front (to fail fast on a bad file); otherwise they are
    loaded from `config`. Calling it twice gives the same result: earlier marks are cleared first.
    """
    if inputs is None:
        inputs = GateInputs.from_config(config) if config is not None else GateInputs()
    if config is not None:
        run.fail_on = config.fail_on
    clear_gate_marks(run)
    if config is not None and config.context == "pr" and not config.currency.gate_in_pr:
        calendar_as_note(run)
    outcomes = apply_waivers(run, inputs.waivers, today or datetime.now(UTC).date())
    comparison = apply_baseline(run, inputs.baseline) if inputs.baseline else None
    return report_for(run, inputs, outcomes, comparison)
