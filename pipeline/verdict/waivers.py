"""Waivers: a clinician's signed-off decision that one finding on one article may stand, until a date.

A waivers file (YAML) lists entries; each names the rule, the article, the excerpt or the finding's
fingerprint, the reason, who approved it and when it expires. A waived finding stays in every
output, marked; an expired waiver no longer waives (and the finding says so); a waiver that
matches nothing is reported so stale entries get cleaned up.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from pipeline.datafiles import read_data_file
from pipeline.errors import ConfigError
from pipeline.model import ArticleResult, Finding, RunResult, finding_fingerprints

_WS = re.compile(r"\s+")

# --- the waivers file ---------------------------------------------------------------------------


class WaiverError(ConfigError):
    """The waivers file is missing or invalid; the message names the entry and key."""


class Waiver(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rule: str = Field(pattern=r"^[A-Z]{2}[0-9]{3}$")
    article: str = Field(min_length=1)  # source as given, article id, a glob, or a path suffix
    excerpt: str | None = None
    fingerprint: str | None = Field(default=None, pattern=r"^[0-9a-f]{16}$")
    reason: str = Field(min_length=1)
    approved_by: str = Field(min_length=1)
    approved_on: date | None = None
    expires: date

    @field_validator("reason", "approved_by", "article")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("must not be blank")
        return v.strip()

    @model_validator(mode="after")
    def _names_the_finding(self) -> Waiver:
        if not (self.excerpt and self.excerpt.strip()) and not self.fingerprint:
            raise ValueError("give the excerpt or the fingerprint of the finding it waives")
        if self.approved_on and self.approved_on > self.expires:
            raise ValueError("approved_on is after expires")
        if self.rule.startswith("SM") and any(c in self.article for c in "*?["):
            # A missing safety message is waived for one named article, never for a pattern of them.
            raise ValueError("a safety-message (SM) waiver must name one article, not a pattern")
        return self


# A waivers file may say which version of this format it was written for (`schema_version: "1"`).
WAIVERS_SCHEMA = "1"


class _WaiverFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    waivers: list[Waiver] = Field(default_factory=list)


def load_waivers(path: str | Path) -> list[Waiver]:
    p = Path(path)
    raw = read_data_file(p, error=WaiverError)
    if raw is None:
        # An empty file is most likely a truncated copy: saying so beats silently waiving nothing.
        raise WaiverError(f"{p}: the waivers file is empty (write `waivers: []` for none)")
    if isinstance(raw, list):  # a bare list of entries is accepted too
        raw = {"waivers": raw}
    if isinstance(raw, dict) and "schema_version" in raw:
        version = str(raw.pop("schema_version"))
        if version.split(".")[0] != WAIVERS_SCHEMA.split(".")[0]:
            raise WaiverError(
                f"{p}: waivers schema version {version}; this version of health-audit reads {WAIVERS_SCHEMA}"
            )
    try:
        return _WaiverFile.model_validate(raw).waivers
    except ValidationError as err:
        lines = []
        for e in err.errors():
            where = ".".join(str(part) for part in e["loc"])
            lines.append(f"{where}: {'unknown key' if e['type'] == 'extra_forbidden' else e['msg']}")
        raise WaiverError(f"{p}: invalid waivers:\n  " + "\n  ".join(lines)) from None


# --- matching -----------------------------------------------------------------------------------


def article_matches(pattern: str, article: ArticleResult) -> bool:
    src = article.source
    if pattern in (src, article.id) or fnmatch.fnmatchcase(src, pattern):
        return True
    # "sepsis.html" matches "content/sepsis.html": CI checkouts and laptops use different roots.
    tail = pattern.removeprefix("./")
    return src.endswith("/" + tail)


def _loose(phrase: str) -> re.Pattern[str]:
    return re.compile(r"\s+".join(re.escape(w) for w in phrase.split()), re.IGNORECASE)


def excerpt_matches(phrase: str, f: Finding, text: str) -> bool:
    """The waiver's excerpt is inside the finding's excerpt, or the text around the finding."""
    needle = _WS.sub(" ", phrase).strip().casefold()
    if not needle:
        return False
    if f.excerpt and needle in _WS.sub(" ", f.excerpt).casefold():
        return True
    if f.span is not None and text:
        return any(m.start() <= f.span.start and f.span.end <= m.end() for m in _loose(phrase).finditer(text))
    return False


def waiver_matches(w: Waiver, article: ArticleResult, f: Finding, fp: str) -> bool:
    if w.rule != f.rule or not article_matches(w.article, article):
        return False
    if w.fingerprint and w.fingerprint != fp:
        return False
    return not w.excerpt or excerpt_matches(w.excerpt, f, article.text)


WaiverStatus = Literal["active", "expired", "unused"]


@dataclass
class WaiverOutcome:
    """What one waiver did in this run."""

    index: int  # position in the file, from 0
    waiver: Waiver
    expired: bool
    matched: int = 0

    @property
    def status(self) -> WaiverStatus:
        if self.matched == 0:
            return "unused"
        return "expired" if self.expired else "active"

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            **self.waiver.model_dump(mode="json"),
            "status": self.status,
            "expired": self.expired,
            "matched": self.matched,
        }


def _suppression(w: Waiver, index: int) -> dict[str, Any]:
    return {
        "kind": "waiver",
        "reason": w.reason,
        "approved_by": w.approved_by,
        "approved_on": w.approved_on.isoformat() if w.approved_on else None,
        "expires": w.expires.isoformat(),
        "waiver": index,
    }


def clear_gate_marks(run: RunResult) -> None:
    """Forget earlier waiver and baseline decisions (a result reused from history may carry them)."""
    for a in run.articles:
        for f in a.findings:
            if f.suppressed and f.suppressed.get("kind") in ("waiver", "baseline"):
                f.suppressed = None
            context = f.data.get("context")
            if isinstance(context, dict) and context.get("level") in ("error", "warning", "note"):
                f.level = context["level"]  # the level before a pull-request gate lowered it
                f.data = {k: v for k, v in f.data.items() if k != "context"}
            if "waiver" in f.data or "baseline" in f.data:
                f.data = {k: v for k, v in f.data.items() if k not in ("waiver", "baseline")}


def apply_waivers(run: RunResult, waivers: Sequence[Waiver], today: date) -> list[WaiverOutcome]:
    """Mark waived findings as suppressed; findings whose only waiver has expired say so and count."""
    outcomes = [WaiverOutcome(i, w, expired=w.expires < today) for i, w in enumerate(waivers)]
    if not outcomes:
        return outcomes
    for a in run.articles:
        for f, fp in zip(a.findings, finding_fingerprints(a.findings), strict=True):
            if f.outcome not in ("fail", "review") or f.suppressed is not None:
                continue
            hits = [o for o in outcomes if waiver_matches(o.waiver, a, f, fp)]
            for o in hits:
                o.matched += 1
            active = [o for o in hits if not o.expired]
            if active:
                f.suppressed = _suppression(active[0].waiver, active[0].index)
            elif hits:
                latest = max(hits, key=lambda o: o.waiver.expires)
                f.data = {
                    **f.data,
                    "waiver": {"status": "expired", **_suppression(latest.waiver, latest.index)},
                }
    return outcomes
