"""Rules are declared with metadata; checks are pure functions that emit findings for their rules.

Like ruff, one check may emit several rule codes (the readability check computes the formulas
once and emits every RD rule from them). Rule codes are stable and never reused.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pipeline.model import FAMILIES, ArticleResult, Document, Finding, Level, Outcome, Span

if TYPE_CHECKING:
    from pipeline.config import Config
    from pipeline.rules.context import CheckContext


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    summary: str  # one line
    default_level: Level
    why: str  # why it matters for patients
    guideline: str  # the guideline the rule comes from
    fail_example: str
    pass_example: str
    tags: tuple[str, ...] = ()
    enabled_by_default: bool = True

    @property
    def family(self) -> str:
        return self.code[:2]

    def docs(self) -> str:
        return "\n".join(
            [
                f"{self.code} {self.name}",
                f"Default level: {self.default_level}"
                + ("" if self.enabled_by_default else " (off by default)"),
                "",
                "What it checks",
                f"  {self.summary}",
                "",
                "Why it matters for patients",
                f"  {self.why}",
                "",
                "Guideline",
                f"  {self.guideline}",
                "",
                "Failing example",
                f"  {self.fail_example}",
                "",
                "Passing example",
                f"  {self.pass_example}",
                "",
                "Tags: " + (", ".join(self.tags) or "-"),
            ]
        )


@dataclass
class CheckOutput:
    findings: list[Finding] = field(default_factory=list)
    metrics: dict[str, Any] = field(default_factory=dict)


CheckFn = Callable[[Document, "CheckContext"], CheckOutput | Iterable[Finding]]


@dataclass(frozen=True)
class Check:
    name: str
    family: str
    codes: tuple[str, ...]
    fn: CheckFn
    needs_html: bool = False
    # Calls a shared service (LanguageTool): runs in the coordinating process, where the service's
    # connection pool, cache and restart live; every other check may run in a worker process.
    uses_service: bool = False


# A check over the whole run (one term explained differently across articles): it sees every
# article's result and returns (article id, finding) pairs. Results reused from history are passed in
# too, so the runner first drops the findings an earlier run's cross-article checks left on them.
RunCheckFn = Callable[[list[ArticleResult], "Config"], Iterable[tuple[str, Finding]]]


@dataclass(frozen=True)
class RunCheck:
    name: str
    family: str
    codes: tuple[str, ...]
    fn: RunCheckFn


RULES: dict[str, Rule] = {}
CHECKS: dict[str, Check] = {}
RUN_CHECKS: dict[str, RunCheck] = {}


def rule(
    code: str,
    name: str,
    summary: str,
    *,
    level: Level,
    why: str,
    guideline: str,
    fail: str,
    passing: str,
    tags: Iterable[str] = (),
    enabled: bool = True,
) -> Rule:
    """Declare a rule. Codes are family prefix + three digits and unique."""
    if code[:2] not in FAMILIES or len(code) != 5 or not code[2:].isdigit():
        raise ValueError(f"bad rule code {code!r}")
    if code in RULES:
        raise ValueError(f"rule code {code} declared twice")
    r = Rule(code, name, summary, level, why, guideline, fail, passing, tuple(tags), enabled)
    RULES[code] = r
    return r


def _family_of(what: str, codes: tuple[str, ...]) -> str:
    """The one family a check's codes belong to; every code must be a declared rule."""
    unknown = [c for c in codes if c not in RULES]
    if unknown:
        raise ValueError(f"{what} names undeclared rules {unknown}")
    families = {c[:2] for c in codes}
    if len(families) != 1:
        raise ValueError(f"{what} spans families {families}")
    return families.pop()


def check(
    name: str, *codes: str, needs_html: bool = False, uses_service: bool = False
) -> Callable[[CheckFn], CheckFn]:
    """Register a check function that may emit findings for `codes`."""

    def deco(fn: CheckFn) -> CheckFn:
        CHECKS[name] = Check(name, _family_of(f"check {name}", codes), tuple(codes), fn, needs_html, uses_service)
        return fn

    return deco


def run_check(name: str, *codes: str) -> Callable[[RunCheckFn], RunCheckFn]:
    """Register a cross-article check that may emit findings for `codes`."""

    def deco(fn: RunCheckFn) -> RunCheckFn:
        RUN_CHECKS[name] = RunCheck(name, _family_of(f"run check {name}", codes), tuple(codes), fn)
        return fn

    return deco


def finding(
    rule_or_code: Rule | str,
    message: str,
    *,
    outcome: Outcome = "fail",
    span: tuple[int, int] | Span | None = None,
    text: str | None = None,
    excerpt: str | None = None,
    selector: str | None = None,
    suggestion: str | None = None,
    tags: Iterable[str] = (),
    data: dict[str, Any] | None = None,
    level: Level | None = None,
    clinical_level: Level | None = None,
) -> Finding:
    """Build a finding for a declared rule; level and tags come from the rule (the runner applies config).

    Pass `text` (the document text) with a span to fill the excerpt from it.
    """
    r = RULES[rule_or_code] if isinstance(rule_or_code, str) else rule_or_code
    sp = Span(*span) if isinstance(span, tuple) else span
    if excerpt is None and sp is not None and text is not None:
        excerpt = text[sp.start : sp.end]
    return Finding(
        rule=r.code,
        name=r.name,
        outcome=outcome,
        level=level or r.default_level,
        message=message,
        span=sp,
        excerpt=excerpt,
        selector=selector,
        suggestion=suggestion,
        tags=list(dict.fromkeys([*r.tags, *tags])),
        clinical_level=clinical_level,
        data=data or {},
    )
