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
import re
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from pipeline import datafiles
from pipeline.model import FAMILIES, LEVEL_RANK, LEVELS, ArticleResult, RunResult
from pipeline.output.article_text import (
    Numbered,
    card_facts,
    facts,
    grouped,
    number,
    numbered_findings,
    text_pieces,
)
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
    grammar_gap,
    grammar_not_checked,
    known_since,
    known_summary,
    main_problem,
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


def signoff_filename(a: ArticleResult) -> str:
    return f"signoff-{a.id}.html"


SIGNOFF_ITEMS, SIGNOFF_TERMS = 12, 20  # what fits one or two A4 pages with the checklist and the fields


def open_terms(a: ArticleResult) -> list[str]:
    """The medical terms still to explain (counting MT findings), once each, in order of first use."""
    terms: dict[str, str] = {}
    for f in a.findings:
        if f.family == "MT" and f.counts and f.excerpt:
            terms.setdefault(f.excerpt.casefold(), f.excerpt)
    return list(terms.values())


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


def article_context(run: RunResult, a: ArticleResult, gate: GateReport, families: list[str]) -> dict[str, Any]:
    numbered = numbered_findings(a)
    grammar_missing = grammar_not_checked(run, a)
    scores: list[FamilyScore] = scorecard(a, families, gate.fail_on, grammar_missing)
    fingerprints = dict(zip(map(id, a.findings), _fingerprints(a), strict=True))
    known, since = known_summary(a.findings)
    return {
        "known": known,
        "known_since": since,
        "since_of": known_since,
        "card_facts": lambda f: card_facts(a, f),
        "grammar_missing": grammar_missing,
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
        "blockers": blocking_first([n for n in numbered if blocks_gate(n.finding, gate.fail_on)]),
        "card_families": [c for c in FAMILIES if any(n.finding.family == c for n in numbered)],
        "card_levels": [lv for lv in LEVELS if any(n.finding.level == lv for n in numbered)],
        "gate_state": gate_state,
        "baseline_state": baseline_state,
        "rd": readability_view(a, run),
        "safety": safety_view(a),
        "safety_ran": "SM" in families,
        "glossary": [n for n in numbered if n.finding.family == "MT"],
        "passes": [f for f in a.findings if f.outcome in ("pass", "not_applicable")],
        "signoff_link": signoff_filename(a),
        "full_report": article_filename(a),
        "terms": open_terms(a),
        "max_items": SIGNOFF_ITEMS,
        "max_terms": SIGNOFF_TERMS,
        "source_link": a.source if a.source.startswith(("http://", "https://")) else None,
        "families": families,
        "lang": a.language if a.language and _LANG.fullmatch(a.language) else None,
    }


def blocking_first(items: list[Numbered]) -> list[Numbered]:
    """The blocking list: safety, loading and currency first (clinical weight), then in reading order."""
    weight = {"SM": 0, "EX": 1, "CU": 2}
    return sorted(items, key=lambda n: (weight.get(n.finding.family, 9), n.number))


def card_filter_css(families: list[str], levels: list[str]) -> str:
    """Filtering the finding cards without a server or a script: radio buttons and :has()."""
    rules = [f"body:has(#cf-{fam}:checked) ol.findings > li:not(.fam-{fam}){{display:none}}" for fam in families]
    rules += [f"body:has(#cl-{lv}:checked) ol.findings > li:not(.lvl-{lv}){{display:none}}" for lv in levels]
    return "\n".join(rules)


def _fingerprints(a: ArticleResult) -> list[str]:
    from pipeline.model import finding_fingerprints

    return finding_fingerprints(a.findings)


def target_age(run: RunResult) -> float:
    cfg = run.config.get("readability") if isinstance(run.config.get("readability"), dict) else {}
    return float((cfg or {}).get("target_reading_age", 11.0))


def index_rows(run: RunResult, families: dict[str, list[str]], fail_on: str = "error") -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    target = target_age(run)
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
                "target": target,
                "main": main_problem(a, fail_on),
                "new": bool(change.get("new")),
                "errors_delta": None if errors_before is None else counts["error"] - errors_before,
                "waived": sum(gate_state(f) == "waived" for f in a.findings),
                "known": known_summary(a.findings)[0],
                "known_since": known_summary(a.findings)[1],
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
    for a in run.articles:
        ctx = article_context(run, a, gate, families.get(a.id, []))
        page_css = css + "\n" + card_filter_css(ctx["card_families"], ctx["card_levels"])
        html = env.get_template("article.html.j2").render(css=Markup(page_css), csp=csp(page_css, None), **ctx)
        (out / article_filename(a)).write_text(html, encoding="utf-8")
        sheet = env.get_template("signoff.html.j2").render(css=Markup(css), csp=csp(css, None), **ctx)
        (out / signoff_filename(a)).write_text(sheet, encoding="utf-8")
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
            rows=index_rows(run, families, gate.fail_on),
            run_families=run_families,
            filter_levels=FILTER_LEVELS,
            history=earlier_runs(run),
            grammar_gap=grammar_gap(run),
            known_since=known_summary([f for a in run.articles for f in a.findings])[1],
        ),
        encoding="utf-8",
    )
    return index
