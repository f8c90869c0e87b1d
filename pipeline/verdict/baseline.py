"""Baseline mode: compare a run with an earlier report.json and let only new problems fail the gate.

Teams adopting the gate on a site that already has problems record a baseline once; after that a
finding already in the baseline is marked "known" (visible, not counted), while a new finding, or a
reading-level finding whose figure got worse, counts as usual. An expired waiver is never excused
by the baseline: its review date has passed and a clinician must look again.

Known is not pass: a known finding records since when it has been failing (carried over from the
baseline's own record when that run was itself compared with an earlier one), and every output
shows it as "known, still failing since ...". A failing safety message (an SM finding with outcome
"fail") is never absorbed by a baseline: it keeps blocking until it is fixed, or waived by name
with an approver and an expiry date.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.errors import ConfigError
from pipeline.model import (
    SCHEMA_VERSION,
    ArticleResult,
    Finding,
    RunResult,
    dict_fingerprints,
    finding_fingerprints,
)

# Figures in a reading-level finding's data (or the article's readability metrics) where higher is worse.
READING_FIGURES = ("smog", "uk_reading_age", "flesch_kincaid_grade", "grade")


class BaselineError(ConfigError):
    """The baseline file is missing or is not a health-audit report.json."""


@dataclass
class BaselineArticle:
    id: str
    source: str
    # fingerprint -> the finding entry from report.json (fail and review outcomes only)
    findings: dict[str, dict[str, Any]]
    readability: dict[str, Any]


@dataclass
class Baseline:
    path: str
    run_id: str
    finished_at: str
    articles: dict[str, BaselineArticle]

    def article_for(self, a: ArticleResult) -> BaselineArticle | None:
        found = self.articles.get(a.id)
        if found is None:  # ids are hashes of the source; fall back to the source itself
            found = next((b for b in self.articles.values() if b.source == a.source), None)
        return found


def load_baseline(path: str | Path) -> Baseline:
    p = Path(path)
    try:
        # A report.json of an earlier run, not one of the data files datafiles.read_data_file reads:
        # it is JSON as written, and large, which the JSON parser reads far faster than YAML's.
        data = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BaselineError(f"baseline not found: {p}") from None
    except IsADirectoryError:
        raise BaselineError(f"{p}: the baseline is a folder; name the report.json inside it") from None
    except UnicodeDecodeError:
        raise BaselineError(f"{p}: the baseline is not a report.json (binary, or not UTF-8 text)") from None
    except OSError as err:
        raise BaselineError(f"{p}: the baseline cannot be read ({err.strerror or err})") from None
    except json.JSONDecodeError as err:
        if not err.doc.strip():
            raise BaselineError(f"{p}: the baseline is empty") from None
        raise BaselineError(f"{p}: the baseline is not JSON: {err}") from None
    if not isinstance(data, dict) or not isinstance(data.get("articles"), list) or "run" not in data:
        raise BaselineError(f"{p}: not a health-audit report.json (no run or articles)")
    version = str(data.get("schema_version", SCHEMA_VERSION))
    if version.split(".")[0] != SCHEMA_VERSION.split(".")[0]:
        # Another major version may name or fingerprint findings differently: comparing would lie.
        raise BaselineError(
            f"{p}: report schema version {version}; this version of health-audit reads "
            f"{SCHEMA_VERSION}. Make a new baseline with this version."
        )
    articles: dict[str, BaselineArticle] = {}
    for entry in data["articles"]:
        try:
            entries = list(entry.get("findings", []))
            fps = [f.get("fingerprint") or fp for f, fp in zip(entries, dict_fingerprints(entries), strict=True)]
            articles[entry["id"]] = BaselineArticle(
                id=entry["id"],
                source=entry["source"],
                findings={
                    fp: f for f, fp in zip(entries, fps, strict=True) if f.get("outcome") in ("fail", "review")
                },
                readability=dict(entry.get("metrics", {}).get("readability") or {}),
            )
        except (KeyError, TypeError, AttributeError) as err:
            raise BaselineError(f"{p}: an article entry is malformed ({err!r})") from None
    run = data["run"] if isinstance(data["run"], dict) else {}
    return Baseline(str(p), str(run.get("id", "")), str(run.get("finished_at", "")), articles)


@dataclass
class ReadingChange:
    article: str
    source: str
    figure: str
    before: float
    after: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "article": self.article,
            "source": self.source,
            "figure": self.figure,
            "before": self.before,
            "after": self.after,
        }


@dataclass
class BaselineComparison:
    path: str
    run_id: str
    finished_at: str
    new: int = 0
    unchanged: int = 0
    worse: int = 0
    fixed: int = 0
    new_articles: list[str] = field(default_factory=list)
    reading_worse: list[ReadingChange] = field(default_factory=list)
    safety_kept: int = 0  # known safety failures that still block (a baseline never excuses them)

    @property
    def label(self) -> str:
        """'run <id> of <date>', as outputs name the baseline."""
        when = f" of {self.finished_at[:10]}" if self.finished_at else ""
        return f"run {self.run_id or '(unknown)'}{when}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.path,
            "run_id": self.run_id,
            "finished_at": self.finished_at,
            "new": self.new,
            "unchanged": self.unchanged,
            "worse": self.worse,
            "fixed": self.fixed,
            "new_articles": self.new_articles,
            "reading_worse": [c.to_dict() for c in self.reading_worse],
            "safety_kept": self.safety_kept,
        }


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _got_worse(before: dict[str, Any], after: dict[str, Any]) -> tuple[str, float, float] | None:
    for key in READING_FIGURES:
        b, a = _number(before.get(key)), _number(after.get(key))
        if b is not None and a is not None and a > b:
            return key, b, a
    return None


def _reading_regression(f: Finding, old: dict[str, Any], a: ArticleResult, b: BaselineArticle) -> bool:
    """A known RD finding counts again when its figure, or the article's, is worse than before."""
    if f.family != "RD":
        return False
    if _got_worse(old.get("data") or {}, f.data):
        return True
    return f.span is None and _got_worse(b.readability, a.metrics.get("readability") or {}) is not None


def never_absorbed(f: Finding) -> bool:
    """A failing safety message blocks until fixed or waived, whatever the baseline says."""
    return f.family == "SM" and f.outcome == "fail"


def _since(old: dict[str, Any], baseline: Baseline) -> dict[str, str]:
    """Since when a known finding has been failing: the baseline's own record, or the baseline run."""
    earlier = (old.get("data") or {}).get("baseline") if isinstance(old.get("data"), dict) else None
    since = earlier.get("since") if isinstance(earlier, dict) else None
    if isinstance(since, dict) and since.get("run"):
        return {"run": str(since["run"]), "date": str(since.get("date") or "")}
    return {"run": baseline.run_id or "(unknown)", "date": baseline.finished_at[:10]}


def since_text(since: dict[str, Any] | None) -> str:
    """'run 20261120-ab of 2026-11-20', for 'still failing since ...'."""
    if not isinstance(since, dict):
        return "the baseline run"
    date = f" of {since['date']}" if since.get("date") else ""
    return f"run {since.get('run') or '(unknown)'}{date}"


def apply_baseline(run: RunResult, baseline: Baseline) -> BaselineComparison:
    result = BaselineComparison(baseline.path, baseline.run_id, baseline.finished_at)
    for a in run.articles:
        before = baseline.article_for(a)
        if before is None:
            result.new_articles.append(a.source)
        else:
            change = _got_worse(before.readability, a.metrics.get("readability") or {})
            if change:
                result.reading_worse.append(ReadingChange(a.id, a.source, *change))
        seen: set[str] = set()
        for f, fp in zip(a.findings, finding_fingerprints(a.findings), strict=True):
            if f.outcome not in ("fail", "review"):
                continue
            seen.add(fp)
            old = before.findings.get(fp) if before else None
            if f.suppressed is not None:  # waived: the waiver decides, the baseline only records
                f.data = {**f.data, "baseline": {"state": "unchanged" if old else "new"}}
                continue
            if old is None:
                result.new += 1
                f.data = {**f.data, "baseline": {"state": "new"}}
            elif before is not None and _reading_regression(f, old, a, before):
                result.worse += 1
                f.data = {**f.data, "baseline": {"state": "worse"}}
            elif f.data.get("waiver", {}).get("status") == "expired":
                result.unchanged += 1
                f.data = {**f.data, "baseline": {"state": "unchanged", "since": _since(old, baseline)}}
            elif never_absorbed(f):
                result.unchanged += 1
                result.safety_kept += 1
                f.data = {**f.data, "baseline": {"state": "unchanged", "since": _since(old, baseline),
                                                 "blocks": "safety"}}
            else:
                result.unchanged += 1
                since = _since(old, baseline)
                f.data = {**f.data, "baseline": {"state": "unchanged", "since": since}}
                f.suppressed = {
                    "kind": "baseline",
                    "reason": f"Known, still failing since {since_text(since)}: already in the baseline, "
                    "so it does not block this run.",
                    "approved_by": "baseline",
                    "expires": None,
                    "baseline": baseline.path,
                    "since": since,
                }
        if before is not None:
            result.fixed += len(set(before.findings) - seen)
    return result
