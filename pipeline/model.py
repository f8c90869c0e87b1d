"""The one data model: Document -> Finding -> ArticleResult -> RunResult.

Every output (JSON, HTML, JUnit, SARIF, Markdown, Prefect artifacts) is rendered from these.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

SCHEMA_VERSION = "1.0"

BlockKind = Literal["heading", "paragraph", "list_item", "table_cell", "callout"]
Outcome = Literal["fail", "review", "pass", "not_applicable"]
Level = Literal["error", "warning", "note"]
LEVELS: tuple[Level, ...] = ("error", "warning", "note")
LEVEL_RANK: dict[str, int] = {"note": 1, "warning": 2, "error": 3}
FAMILIES: dict[str, str] = {
    "EX": "extraction and loading",
    "RD": "reading level and plain language",
    "GR": "grammar and spelling",
    "MT": "medical terms and abbreviations",
    "SM": "safety messages",
    "AX": "accessibility of the markup",
    "CU": "currency of the content",
}


def source_id(source: str) -> str:
    """A stable article id: the same source always gets the same id."""
    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:16]


@dataclass
class Span:
    start: int
    end: int


@dataclass
class Block:
    """One unit of the article in reading order, located by offsets in `Document.text`."""

    kind: BlockKind
    start: int
    end: int
    level: int | None = None  # heading level 1-6
    section: int = 0  # index of the heading-led section this block belongs to
    selector: str | None = None  # CSS selector of the source element


@dataclass
class Document:
    """An extracted article. `text` is what is scored; every block ends as a sentence."""

    source: str
    id: str
    title: str = ""
    language: str | None = None
    text: str = ""
    blocks: list[Block] = field(default_factory=list)
    stripped: list[str] = field(default_factory=list)
    html: str | None = None  # raw markup, for accessibility checks
    dates: dict[str, str | None] = field(default_factory=dict)  # published, reviewed, next_review (ISO)
    links: list[dict[str, str]] = field(default_factory=list)
    content_hash: str = ""
    date_sources: dict[str, str] = field(default_factory=dict)  # where each date was read (dates.SOURCE_NAMES)

    def block_text(self, block: Block) -> str:
        return self.text[block.start : block.end]

    def blocks_of(self, *kinds: str) -> list[Block]:
        return [b for b in self.blocks if b.kind in kinds]


@dataclass
class Finding:
    rule: str
    name: str
    outcome: Outcome
    level: Level
    message: str
    span: Span | None = None
    excerpt: str | None = None
    selector: str | None = None
    suggestion: str | None = None
    tags: list[str] = field(default_factory=list)
    suppressed: dict[str, Any] | None = None
    # The level the clinical data asks for (a safety pack's requirement severity); the runner uses
    # it when the configuration sets no level for the rule.
    clinical_level: Level | None = None
    # Extra facts a reviewer may need (e.g. the later place a term is explained).
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def family(self) -> str:
        return self.rule[:2]

    @property
    def counts(self) -> bool:
        """Whether this finding counts against the article (passes and waived findings do not)."""
        return self.outcome in ("fail", "review") and self.suppressed is None


@dataclass
class ArticleResult:
    id: str
    source: str
    status: Literal["audited", "error"]
    title: str = ""
    language: str | None = None
    text: str = ""
    stripped: list[str] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    metrics: dict[str, Any] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    dates: dict[str, str | None] = field(default_factory=dict)
    content_hash: str = ""  # of the extracted text: "content changed" in the run index
    input_hash: str = ""  # of the source's bytes: the history's reuse key (markup matters too)
    reused: bool = False  # taken from history: content, settings and rules unchanged

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {lvl: 0 for lvl in LEVELS}
        for f in self.findings:
            if f.counts:
                out[f.level] += 1
        return out

    def worst_level(self) -> Level | None:
        worst: Level | None = None
        for f in self.findings:
            if f.counts and (worst is None or LEVEL_RANK[f.level] > LEVEL_RANK[worst]):
                worst = f.level
        return worst


@dataclass
class RunResult:
    id: str
    started_at: str
    finished_at: str
    config: dict[str, Any]
    articles: list[ArticleResult]
    tool_version: str
    fail_on: str = "error"
    # How the run went: articles reused from history, LanguageTool events, and so on.
    stats: dict[str, Any] = field(default_factory=dict)

    def gate(self) -> Literal["pass", "fail"]:
        if self.fail_on == "never":
            return "pass"
        threshold = LEVEL_RANK[self.fail_on]
        for art in self.articles:
            for f in art.findings:
                if f.counts and LEVEL_RANK[f.level] >= threshold:
                    return "fail"
        return "pass"

    def summary(self) -> dict[str, Any]:
        totals: dict[str, int] = {lvl: 0 for lvl in LEVELS}
        for art in self.articles:
            for lvl, n in art.counts().items():
                totals[lvl] += n
        return {
            "articles": len(self.articles),
            "audited": sum(a.status == "audited" for a in self.articles),
            "failed_to_audit": sum(a.status == "error" for a in self.articles),
            "errors": totals["error"],
            "warnings": totals["warning"],
            "notes": totals["note"],
            "gate": self.gate(),
        }


def to_dict(obj: Any) -> Any:
    return asdict(obj)


def finding_from_dict(d: dict[str, Any]) -> Finding:
    span = d.get("span")
    return Finding(
        rule=d["rule"],
        name=d["name"],
        outcome=d["outcome"],
        level=d["level"],
        message=d["message"],
        span=Span(span["start"], span["end"]) if span else None,
        excerpt=d.get("excerpt"),
        selector=d.get("selector"),
        suggestion=d.get("suggestion"),
        tags=list(d.get("tags", [])),
        suppressed=d.get("suppressed"),
        clinical_level=d.get("clinical_level"),
        data=dict(d.get("data", {})),
    )


def article_from_dict(d: dict[str, Any]) -> ArticleResult:
    """The inverse of the report.json article entry, for history reuse and baselines."""
    return ArticleResult(
        id=d["id"],
        source=d["source"],
        status=d["status"],
        title=d.get("title", ""),
        language=d.get("language"),
        text=d.get("text", ""),
        stripped=list(d.get("stripped", [])),
        blocks=[Block(**b) for b in d.get("blocks", [])],
        metrics=dict(d.get("metrics", {})),
        findings=[finding_from_dict(f) for f in d.get("findings", [])],
        dates=dict(d.get("dates", {})),
        content_hash=d.get("content_hash", ""),
    )


# --- the JSON form (report.json, history) and the ids waivers and baselines match on -------------

FINGERPRINT_VERSION = "v1"


_WS = re.compile(r"\s+")


def _anchor(rule: str, excerpt: str | None, selector: str | None) -> str:
    """What identifies a finding inside its article: rule and normalised excerpt (or selector).

    Messages are left out on purpose: they carry figures (a SMOG grade) that change from run to run.
    """
    text = _WS.sub(" ", excerpt or "").strip().casefold()
    return f"{rule}\x1f{text or (selector or '')}"


def fingerprints(items: Iterable[tuple[str, str | None, str | None]]) -> list[str]:
    """Stable ids for (rule, excerpt, selector) triples in document order.

    The n-th repeat of the same rule and excerpt gets its own id, so fixing one of three misspellings
    leaves the other two matched to the baseline rather than all three looking new.
    """
    seen: Counter[str] = Counter()
    out: list[str] = []
    for rule, excerpt, selector in items:
        key = _anchor(rule, excerpt, selector)
        nth = seen[key]
        seen[key] += 1
        digest = hashlib.sha256(f"{FINGERPRINT_VERSION}\x1f{key}\x1f{nth}".encode()).hexdigest()
        out.append(digest[:16])
    return out


def finding_fingerprints(findings: Sequence[Finding]) -> list[str]:
    return fingerprints((f.rule, f.excerpt, f.selector) for f in findings)


def dict_fingerprints(findings: Sequence[dict[str, Any]]) -> list[str]:
    """The same ids computed from report.json finding entries (an older report may lack them)."""
    return fingerprints((f["rule"], f.get("excerpt"), f.get("selector")) for f in findings)


def finding_dict(f: Finding, fingerprint: str | None = None) -> dict[str, Any]:
    d = asdict(f)
    d["span"] = {"start": f.span.start, "end": f.span.end} if f.span else None
    if fingerprint is not None:
        d["fingerprint"] = fingerprint  # what waivers and baselines match on
    return d


def article_dict(a: ArticleResult) -> dict[str, Any]:
    return {
        "id": a.id,
        "source": a.source,
        "title": a.title,
        "language": a.language,
        "status": a.status,
        "text": a.text,
        "stripped": a.stripped,
        "blocks": [
            {k: v for k, v in asdict(b).items() if v is not None or k == "level"} for b in a.blocks
        ],
        "metrics": a.metrics,
        "dates": a.dates,
        "content_hash": a.content_hash,
        "reused": a.reused,
        "counts": a.counts(),
        "findings": [
            finding_dict(f, fp) for f, fp in zip(a.findings, finding_fingerprints(a.findings), strict=True)
        ],
    }
