"""summary.md: the run in a few lines for CI job summaries and pull-request comments.

Kept well under GitHub's 65,536-character comment limit: the article table lists the worst
articles first and stops at MAX_ROWS. Article titles and sources are escaped so a page cannot
inject links, HTML or table breaks into the comment.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

from pipeline.model import LEVEL_RANK, ArticleResult, RunResult
from pipeline.output.views import LEVEL_ICON, blockers, earlier_runs, grammar_gap, known_summary
from pipeline.rules import RULES
from pipeline.verdict.gate import GateReport

MAX_ROWS = 25
MAX_BLOCKERS = 20
MAX_RULES = 10
MAX_CHARS = 60_000
_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def md(text: str) -> str:
    """Escape text for a Markdown table cell: no markup, no HTML, no line breaks."""
    flat = " ".join(str(text).split())
    flat = flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _SPECIAL.sub(r"\\\1", flat)


def _worst_key(a: ArticleResult) -> tuple[int, int, int, int]:
    c = a.counts()
    worst = a.worst_level()
    return (-(LEVEL_RANK[worst] if worst else 0), -c["error"], -c["warning"], -c["note"])


def _verdict_line(gate: GateReport, s: dict[str, Any], since: str | None) -> str:
    known = (f"\n\n{gate.known} known finding(s) from the baseline are still failing since {md(since or '?')}: "
             "they do not block this run, but they are not fixed.") if gate.known else ""
    if gate.verdict == "fail":
        return (f"## ❌ health-audit: publication gate FAILED\n\n{gate.blocking} finding(s) at or above "
                f"`{gate.fail_on}` must be fixed or waived.{known}")
    if gate.fail_on == "never":
        return "## ✅ health-audit: report only (the gate is off: `--fail-on never`)"
    if gate.known:  # known is not pass: never a bare check mark
        return f"## ⚠️ health-audit: publication gate passed, nothing new{known}"
    return f"## ✅ health-audit: publication gate passed\n\nNo finding at or above `{gate.fail_on}`."


def _blocking_lines(run: RunResult, gate: GateReport) -> list[str]:
    """What blocks publication, one line each as `path:line:col RULE message`, capped."""
    found = blockers(run, gate.fail_on)
    if not found:
        return []
    title = "### What blocks publication" + (" (new first)" if gate.baseline else "")
    lines = [title, ""]
    for b in found[:MAX_BLOCKERS]:
        mark = "" if b.new or not gate.baseline else " _(known, still failing: a safety failure is never absorbed)_"
        lines.append(f"- `{b.location().replace('`', chr(39))}` **{b.finding.rule}** {md(b.finding.message)}{mark}")
    if len(found) > MAX_BLOCKERS:
        lines.append(f"- …and {len(found) - MAX_BLOCKERS} more in the full report.")
    lines.append("")
    return lines


def render(run: RunResult, gate: GateReport) -> str:
    s = run.summary()
    since = known_summary([f for a in run.articles for f in a.findings])[1]
    gap = grammar_gap(run)
    lines = [
        _verdict_line(gate, s, since),
        "",
        f"**{s['audited']} of {s['articles']} articles audited**"
        + (f" ({s['failed_to_audit']} could not be read)" if s["failed_to_audit"] else "")
        + f" · ✖ {s['errors']} errors · ▲ {s['warnings']} warnings · ● {s['notes']} notes"
        + (f" · {gate.waived} waived" if gate.waived else "")
        + (f" · {gate.known} known from the baseline" if gate.known else ""),
        "",
    ]
    if gap:
        lines += [f"⚠️ {gap}", ""]
    lines += _blocking_lines(run, gate)
    history = earlier_runs(run)
    if history and not gate.baseline:  # one comparison: the baseline's, when there is one
        prev = history[-1]
        delta = s["errors"] - int(prev.get("errors", 0))
        lines += [
            f"Since the previous run ({md(str(prev.get('finished_at', ''))[:10])}): errors "
            f"{prev.get('errors', 0)} → {s['errors']} ({delta:+d}), warnings {prev.get('warnings', 0)} → "
            f"{s['warnings']}.",
            "",
        ]
    if gate.baseline:
        b = gate.baseline
        lines += [
            "### Compared with the baseline",
            "",
            f"{b.new} new ({b.unchanged} known) · {b.worse} worse · {b.fixed} fixed"
            + (f" · {len(b.new_articles)} new article(s)" if b.new_articles else "")
            + f", against baseline run `{md(b.run_id) or '?'}` ({md(b.finished_at[:10])})."
            + (f" {b.safety_kept} known safety failure(s) still count: a baseline never absorbs them."
               if b.safety_kept else ""),
            "",
        ]
        for ch in b.reading_worse[:MAX_ROWS]:
            lines.append(f"- Reading level worse in {md(ch.source)}: {ch.figure} {ch.before:g} → {ch.after:g}")
        if b.reading_worse:
            lines.append("")
    ranked = sorted(run.articles, key=_worst_key)
    lines += ["### Articles, worst first", "", "| Article | Worst | ✖ Errors | ▲ Warnings | ● Notes | UK reading age |",
              "|---|---|---:|---:|---:|---:|"]
    for a in ranked[:MAX_ROWS]:
        c = a.counts()
        worst = a.worst_level()
        known = known_summary(a.findings)[0]
        worst_cell = f"{LEVEL_ICON[worst]} {worst}" if worst else (f"◐ {known} known" if known else "✓ none")
        if a.status == "error":
            worst_cell += " (not audited)"
        age = (a.metrics.get("readability") or {}).get("uk_reading_age")
        name = md(a.title or a.source)
        source = f"<br>{md(a.source)}" if a.title else ""
        lines.append(f"| {name}{source} | {worst_cell} | {c['error']} | {c['warning']} | {c['note']} | "
                     f"{age if age is not None else '–'} |")
    if len(ranked) > MAX_ROWS:
        lines.append(f"\n…and {len(ranked) - MAX_ROWS} more articles in the full report.")
    lines.append("")
    rules = Counter(f.rule for a in run.articles for f in a.findings if f.counts)
    if rules:
        lines += ["### Most frequent problems", "", "| Rule | Name | Findings |", "|---|---|---:|"]
        for code, n in rules.most_common(MAX_RULES):
            name = RULES[code].name if code in RULES else ""
            lines.append(f"| `{code}` | {md(name)} | {n} |")
        lines.append("")
    if gate.waivers:
        active = sum(w.status == "active" for w in gate.waivers)
        lines += ["### Waivers", "", f"{active} active, {len(gate.expired_waivers)} expired, "
                  f"{len(gate.unused_waivers)} unused (from {md(gate.waivers_path or 'the waivers file')})."]
        for w in gate.expired_waivers:
            lines.append(f"- ⚠ Expired on {w.waiver.expires}: `{w.waiver.rule}` on {md(w.waiver.article)} "
                         f"(approved by {md(w.waiver.approved_by)}); its findings count again.")
        for w in gate.unused_waivers:
            lines.append(f"- Unused: entry {w.index + 1}, `{w.waiver.rule}` on {md(w.waiver.article)} matches "
                         "nothing; remove it or fix its excerpt.")
        lines.append("")
    lines.append("_The full report is `index.html` in the job's artifacts; `report.sarif` and `junit.xml` "
                 "feed code scanning and test views._")
    text = "\n".join(lines) + "\n"
    if len(text) > MAX_CHARS:  # a pathological run: keep the head, say it was cut
        text = text[:MAX_CHARS].rsplit("\n", 1)[0] + "\n\n_(summary shortened; see the full report)_\n"
    return text


def write(run: RunResult, out: Path, gate: GateReport) -> Path:
    path = out / "summary.md"
    path.write_text(render(run, gate), encoding="utf-8")
    return path
