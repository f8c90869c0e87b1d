"""The HTML report for clinical reviewers: a run index and one page per article.

Self-contained (inline CSS, no network) and autoescaped: article text can never become markup.
Each page carries a Content-Security-Policy that allows only the exact style sheet and script
(by hash) this module puts in it, so even a mistake in escaping could not run a page's script.
Findings are highlighted in the article text with colour, an underline style and a numbered
badge; each badge is a link to the finding's explanation, readable without JavaScript.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from pipeline import datafiles
from pipeline.model import FAMILIES, LEVEL_RANK, LEVELS, ArticleResult, Finding, RunResult
from pipeline.output.views import (
    LEVEL_ICON,
    STATUS_ICON,
    STATUS_WORD,
    FamilyScore,
    article_trend,
    baseline_state,
    blocks_gate,
    checked_families,
    earlier_runs,
    gate_state,
    scorecard,
)
from pipeline.rules import RULES
from pipeline.rules.readability.formulas import nhs_band as readability_band
from pipeline.verdict.gate import GateReport, report_for

REPORTS_DIR = datafiles.REPO_ROOT / "reports"
_LANG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*")
FILTER_LEVELS = ("any", *LEVELS)
READING_FIGURES = [
    ("smog", "SMOG grade"),
    ("uk_reading_age", "UK reading age"),
    ("flesch_kincaid_grade", "Flesch–Kincaid grade"),
    ("flesch_reading_ease", "Flesch reading ease"),
    ("gunning_fog", "Gunning fog index"),
    ("words", "Words"),
    ("sentences", "Sentences"),
    ("polysyllables", "Words of three or more syllables"),
]
FIGURE_LABELS = {
    **dict(READING_FIGURES),
    "coleman_liau": "Coleman–Liau index",
    "automated_readability_index": "Automated readability index",
    "dale_chall": "Dale–Chall score",
    "heading": "Section",
    "title": "Section",
}
# Offsets and ids locate a section for the software, not for a reviewer.
_SECTION_HIDDEN = {"start", "end", "index", "id", "section", "level"}


def csp_hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode() + "'"


def csp(style: str, script: str | None) -> str:
    return "; ".join(
        [
            "default-src 'none'",
            f"style-src {csp_hash(style)}",
            f"script-src {csp_hash(script)}" if script else "script-src 'none'",
            "img-src 'none'",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )


def filter_css(families: list[str]) -> str:
    """Filtering the index without JavaScript: a radio button per family and level hides other rows."""
    rules = []
    for fam in ["all", *families]:
        for lvl in FILTER_LEVELS:
            if fam == "all" and lvl == "any":
                continue
            rules.append(
                f"body:has(#ff-{fam}:checked):has(#fl-{lvl}:checked) #articles tbody tr:not(.m-{fam}-{lvl})"
                "{display:none}"
            )
    return "\n".join(rules)


@functools.cache
def environment() -> Environment:
    """One environment per process, so templates are compiled once however many runs are written."""
    env = Environment(
        loader=FileSystemLoader(str(REPORTS_DIR / "templates")),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.globals.update(
        LEVEL_ICON=LEVEL_ICON,
        STATUS_ICON=STATUS_ICON,
        STATUS_WORD=STATUS_WORD,
        FAMILIES=FAMILIES,
        RULES=RULES,
    )
    env.filters["facts"] = facts
    env.filters["number"] = number
    return env


def stylesheet() -> str:
    return (REPORTS_DIR / "static" / "report.css").read_text(encoding="utf-8")


def index_script() -> str:
    return (REPORTS_DIR / "static" / "index.js").read_text(encoding="utf-8")


def article_filename(a: ArticleResult) -> str:
    return f"article-{a.id}.html"


def number(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def facts(data: dict[str, Any]) -> list[tuple[str, str]]:
    """A finding's extra facts as (label, text) for display; gate marks are shown elsewhere."""
    out = []
    for key, value in data.items():
        if key in ("waiver", "baseline") or value in (None, "", [], {}):
            continue
        if isinstance(value, str | int | float):
            text = number(value)
        elif isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
            text = ", ".join(number(v) for v in value)
        else:
            text = json.dumps(value, ensure_ascii=False, default=str)
        out.append((key.replace("_", " "), text[:500]))
    return out


# --- the article text with findings in place --------------------------------------------------


@dataclass
class Badge:
    number: int
    level: str
    state: str | None
    label: str  # what a screen reader hears


@dataclass
class Segment:
    text: str
    level: str | None = None  # worst level among the counting findings over this text
    muted: bool = False  # only waived or known findings here
    badges: list[Badge] = field(default_factory=list)


@dataclass
class Piece:
    kind: str
    level: int | None
    segments: list[Segment]


@dataclass
class Numbered:
    number: int
    finding: Finding
    in_text: bool


def _valid_span(f: Finding, size: int) -> bool:
    return f.span is not None and 0 <= f.span.start <= f.span.end <= size and size > 0


def _ranges(a: ArticleResult) -> list[tuple[int, int, str, int | None]]:
    """Blocks in order, with any stretch of text no block covers kept as a paragraph."""
    size = len(a.text)
    out: list[tuple[int, int, str, int | None]] = []
    pos = 0
    for b in sorted(a.blocks, key=lambda b: b.start):
        start, end = max(b.start, pos), min(b.end, size)
        if start >= end:
            continue
        if a.text[pos:start].strip():
            out.append((pos, start, "paragraph", None))
        out.append((start, end, b.kind, b.level))
        pos = end
    if a.text[pos:].strip():
        out.append((pos, size, "paragraph", None))
    return out


def _badge(n: Numbered) -> Badge:
    f = n.finding
    state = gate_state(f)
    extra = {"waived": ", waived", "known": ", known from the baseline", "expired": ", waiver expired"}.get(
        state or "", ""
    )
    return Badge(n.number, f.level, state, f"Finding {n.number}, {f.level}{extra}: {f.message}")


def text_pieces(a: ArticleResult, numbered: list[Numbered]) -> list[Piece]:
    size = len(a.text)
    marks = [n for n in numbered if n.in_text]
    pieces: list[Piece] = []
    ranges = _ranges(a)
    for ps, pe, kind, level in ranges:
        cuts = {ps, pe}
        for n in marks:
            assert n.finding.span is not None
            for edge in (n.finding.span.start, n.finding.span.end):
                if ps < edge < pe:
                    cuts.add(edge)
        edges = sorted(cuts)
        segments = []
        for x, y in zip(edges, edges[1:], strict=False):
            over = [n.finding for n in marks if n.finding.span and n.finding.span.start < y and n.finding.span.end > x]
            live = [f for f in over if f.counts]
            seg = Segment(a.text[x:y])
            if live:
                seg.level = max((f.level for f in live), key=lambda lv: LEVEL_RANK[lv])
            elif over:
                seg.muted = True
            segments.append(seg)
        pieces.append(Piece(kind, level, segments))
    # Each badge goes where its finding ends, like a footnote mark.
    for n in marks:
        assert n.finding.span is not None
        anchor = min(max(n.finding.span.end, n.finding.span.start), size)
        target = None
        for piece, (ps, _pe, _k, _l) in zip(pieces, ranges, strict=True):
            if ps < anchor or (ps == anchor and n.finding.span.start == n.finding.span.end):
                target = (piece, ps)
        if target is None:
            if not pieces:
                continue
            target = (pieces[0], ranges[0][0])
        piece, ps = target
        pos = ps
        chosen = piece.segments[-1]
        for seg in piece.segments:
            pos += len(seg.text)
            if pos >= anchor:
                chosen = seg
                break
        chosen.badges.append(_badge(n))
    return pieces


def grouped(pieces: list[Piece]) -> list[dict[str, Any]]:
    """Consecutive list items become one list."""
    out: list[dict[str, Any]] = []
    for p in pieces:
        if p.kind == "list_item" and out and out[-1]["kind"] == "list":
            out[-1]["items"].append(p)
        elif p.kind == "list_item":
            out.append({"kind": "list", "items": [p]})
        else:
            out.append({"kind": p.kind, "piece": p})
    return out


# --- readability and safety views -------------------------------------------------------------


def label_for(key: str) -> str:
    return FIGURE_LABELS.get(key) or key.replace("_", " ").capitalize()


def nhs_band(smog: float | None) -> dict[str, Any] | None:
    """The article's NHS band, from the bands the checks use (pipeline/readability.py)."""
    band = readability_band(smog) if smog is not None else None
    return {"low": band.low, "high": band.high, "share": band.share} if band else None


def readability_view(a: ArticleResult, run: RunResult) -> dict[str, Any] | None:
    rd = a.metrics.get("readability")
    if not isinstance(rd, dict):
        return None
    cfg = run.config.get("readability", {}) if isinstance(run.config.get("readability"), dict) else {}
    target = float(cfg.get("target_reading_age", 11.0))
    smog_error = float(cfg.get("smog_error", 14.0))
    age = rd.get("uk_reading_age")
    smog = rd.get("smog")
    known = dict(READING_FIGURES)
    figures = [(label, rd[key]) for key, label in READING_FIGURES if key in rd]
    more = [
        (label_for(key), value)
        for key, value in rd.items()
        if key not in known and key != "uk_adults_share" and isinstance(value, int | float) and not isinstance(value, bool)
    ]
    sections = rd.get("sections")
    section_rows: list[dict[str, Any]] = []
    section_cols: list[str] = []
    if isinstance(sections, list):
        for s in sections:
            if isinstance(s, dict):
                section_rows.append(s)
                for k, v in s.items():
                    scalar = isinstance(v, str | int | float) and not isinstance(v, bool)
                    if k not in section_cols and k not in _SECTION_HIDDEN and scalar:
                        section_cols.append(k)
    before = article_trend(run, a.id).get("smog_before")
    return {
        "smog": smog,
        "age": age,
        "target": target,
        "smog_error": smog_error,
        "over": round(float(age) - target, 1) if isinstance(age, int | float) else None,
        "band": nhs_band(float(smog)) if isinstance(smog, int | float) else None,
        "share": rd.get("uk_adults_share"),
        "figures": figures,
        "more_figures": more,
        "sections": section_rows,
        "section_cols": [(c, label_for(c)) for c in section_cols[:8]],
        "smog_before": before if isinstance(before, int | float) else None,
    }


def safety_view(a: ArticleResult) -> dict[str, Any] | None:
    sm = a.metrics.get("safety")
    if not isinstance(sm, dict):
        return None
    items = []
    for item in sm.get("checklist") or []:
        if not isinstance(item, dict):
            continue
        status = item.get("status") if item.get("status") in ("pass", "review", "fail") else "review"
        kind = str(item.get("kind") or item.get("requirement") or "")
        items.append(
            {
                "topic": str(item.get("topic") or ""),
                # The label the check took from the locale's data; the bare kind for older results.
                "what": str(item.get("label") or kind.replace("_", " ").capitalize()),
                "status": status,
                "explanation": str(item.get("explanation") or ""),
                "excerpt": item.get("excerpt"),
            }
        )
    topics = [t for t in sm.get("topics") or [] if isinstance(t, dict) and t.get("detected")]
    return {"locale": sm.get("locale"), "items": items, "topics": topics}


# --- pages ------------------------------------------------------------------------------------


def numbered_findings(a: ArticleResult) -> list[Numbered]:
    size = len(a.text)
    out: list[Numbered] = []
    for f in a.findings:
        if f.outcome in ("fail", "review"):
            out.append(Numbered(len(out) + 1, f, _valid_span(f, size)))
    return out


def article_context(run: RunResult, a: ArticleResult, gate: GateReport, families: list[str]) -> dict[str, Any]:
    numbered = numbered_findings(a)
    scores: list[FamilyScore] = scorecard(a, families, gate.fail_on)
    fingerprints = dict(zip(map(id, a.findings), _fingerprints(a), strict=True))
    return {
        "run": run,
        "a": a,
        "gate": gate,
        "scores": scores,
        "numbered": numbered,
        "whole": [n for n in numbered if not n.in_text],
        "in_text": [n for n in numbered if n.in_text],
        "blocks": grouped(text_pieces(a, numbered)),
        "fingerprint": lambda f: fingerprints.get(id(f), ""),
        "blocking": sum(blocks_gate(n.finding, gate.fail_on) for n in numbered),
        "gate_state": gate_state,
        "baseline_state": baseline_state,
        "rd": readability_view(a, run),
        "safety": safety_view(a),
        "safety_ran": "SM" in families,
        "glossary": [n for n in numbered if n.finding.family == "MT"],
        "passes": [f for f in a.findings if f.outcome in ("pass", "not_applicable")],
        "source_link": a.source if a.source.startswith(("http://", "https://")) else None,
        "families": families,
        "lang": a.language if a.language and _LANG.fullmatch(a.language) else None,
    }


def _fingerprints(a: ArticleResult) -> list[str]:
    from pipeline.model import finding_fingerprints

    return finding_fingerprints(a.findings)


def index_rows(run: RunResult, families: dict[str, list[str]]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for a in sorted(run.articles, key=_severity_order):
        counts = a.counts()
        worst = a.worst_level()
        classes = {"m-all-any"}
        fam_counts: dict[str, dict[str, int]] = {}
        for f in a.findings:
            if f.counts:
                classes |= {f"m-{f.family}-any", f"m-{f.family}-{f.level}", f"m-all-{f.level}"}
                fam_counts.setdefault(f.family, {lv: 0 for lv in LEVELS})[f.level] += 1
        change = article_trend(run, a.id)
        errors_before = None
        if isinstance(change.get("counts_before"), dict):
            errors_before = sum(int(v.get("error", 0)) for v in change["counts_before"].values() if isinstance(v, dict))
        rd = a.metrics.get("readability") if isinstance(a.metrics.get("readability"), dict) else {}
        rows.append(
            {
                "a": a,
                "href": article_filename(a),
                "counts": counts,
                "worst": worst or "none",
                "worst_rank": (LEVEL_RANK[worst] if worst else 0),
                "classes": " ".join(sorted(classes)),
                "families": [(FAMILIES[k], v) for k, v in sorted(fam_counts.items(), key=lambda kv: list(FAMILIES).index(kv[0]))],
                "age": (rd or {}).get("uk_reading_age"),
                "new": bool(change.get("new")),
                "errors_delta": None if errors_before is None else counts["error"] - errors_before,
                "waived": sum(gate_state(f) == "waived" for f in a.findings),
                "known": sum(gate_state(f) == "known" for f in a.findings),
            }
        )
    return rows


def _severity_order(a: ArticleResult) -> tuple[int, int, int, int, str]:
    """Worst first: by worst level, then by how many errors, warnings and notes."""
    c = a.counts()
    worst = a.worst_level()
    return (-(LEVEL_RANK[worst] if worst else 0), -c["error"], -c["warning"], -c["note"], a.title or a.source)


def write(run: RunResult, out: Path, gate: GateReport | None = None) -> Path:
    gate = gate or report_for(run)
    env = environment()
    families = checked_families(run)
    run_families = [code for code in FAMILIES if any(code in fams for fams in families.values())]
    css = stylesheet()
    page_csp = csp(css, None)
    for a in run.articles:
        ctx = article_context(run, a, gate, families.get(a.id, []))
        html = env.get_template("article.html.j2").render(css=Markup(css), csp=page_csp, **ctx)
        (out / article_filename(a)).write_text(html, encoding="utf-8")
    index_css = css + "\n" + filter_css(run_families)
    script = index_script()
    index = out / "index.html"
    index.write_text(
        env.get_template("index.html.j2").render(
            css=Markup(index_css),
            script=Markup(script),
            csp=csp(index_css, script),
            run=run,
            gate=gate,
            summary=run.summary(),
            rows=index_rows(run, families),
            run_families=run_families,
            filter_levels=FILTER_LEVELS,
            history=earlier_runs(run),
        ),
        encoding="utf-8",
    )
    return index
