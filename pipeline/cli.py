"""The `health-audit` command (docs/CONTRACT.md): audit, rules, explain."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from pipeline.config import load_config
from pipeline.errors import ConfigError
from pipeline.model import RunResult
from pipeline.rules import RULES
from pipeline.verdict.gate import GateReport

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Audit patient-facing health articles.")

EXIT_PASS, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


def _fail_usage(message: str) -> None:
    typer.echo(f"health-audit: {message}", err=True)
    raise typer.Exit(EXIT_USAGE)


@app.command()
def audit(
    sources: Annotated[list[str] | None, typer.Argument(help="Files, folders or URLs.")] = None,
    config: Annotated[Path | None, typer.Option("--config", help="health-audit.toml or pyproject.toml")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Output folder", readable=False)] = None,
    fmt: Annotated[str | None, typer.Option("--format", help="Comma-separated: html,json,junit,sarif,md")] = None,
    fail_on: Annotated[str | None, typer.Option("--fail-on", help="error, warning or never")] = None,
    locale: Annotated[str | None, typer.Option("--locale", help="uk, us, au or ie")] = None,
    no_grammar: Annotated[bool, typer.Option("--no-grammar", help="Skip LanguageTool")] = False,
    sitemap: Annotated[list[str] | None, typer.Option("--sitemap", help="Sitemap URL to audit")] = None,
    browser: Annotated[bool, typer.Option("--browser", help="Also run axe-core in headless Chromium")] = False,
    waivers: Annotated[Path | None, typer.Option("--waivers", help="Waivers file")] = None,
    baseline: Annotated[Path | None, typer.Option("--baseline", help="An earlier report.json")] = None,
    context: Annotated[str | None, typer.Option(
        "--context", help="scheduled (a site audit) or pr (a pull-request gate: an overdue review is a note)")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
) -> None:
    """Audit articles and write the report; exit 1 when the gate fails."""
    overrides: dict[str, Any] = {}
    if out:
        overrides["out"] = str(out)
    if fmt:
        overrides["formats"] = [f.strip() for f in fmt.split(",") if f.strip()]
    if fail_on:
        overrides["fail_on"] = fail_on
    if locale:
        overrides["locale"] = locale
    if context:
        overrides["context"] = context
    if no_grammar:
        overrides["grammar"] = {"enabled": False}
    if browser:
        overrides["accessibility"] = {"browser": True}
    if sitemap:
        overrides["sitemaps"] = sitemap
    if waivers:
        overrides["waivers"] = str(waivers)
    if baseline:
        overrides["baseline"] = str(baseline)
    try:
        cfg = load_config(config, overrides)
    except ConfigError as err:
        _fail_usage(str(err))
        return
    problem = _output_problem(Path(cfg.out))
    if problem:
        _fail_usage(problem)
    items = list(sources or cfg.sources)
    if not items and not cfg.sitemaps:
        _fail_usage("nothing to audit: name files, folders or URLs, or set `sources` in the configuration")
    from pipeline.api import audit as run_and_gate

    try:  # a bad waivers or baseline file is a usage error, found before the audit starts
        outcome = run_and_gate(items, cfg, show_progress=sys.stderr.isatty() and not quiet, automatic_processes=True)
    except ConfigError as err:
        _fail_usage(str(err))
        return
    if not quiet:
        _print_summary(outcome.run, outcome.written, outcome.gate)
    history = sys.modules.get("pipeline.history")  # loaded only when history is on
    skipped = list(getattr(history, "SKIPPED", []))
    if skipped:
        # The outputs are written; the run still ends as a usage error so the broken file gets fixed.
        _fail_usage(skipped[0])
    raise typer.Exit(EXIT_FAIL if outcome.run.summary()["gate"] == "fail" else EXIT_PASS)


MAX_BLOCKERS = 100


def _print_blockers(run: RunResult, fail_on: str, baseline: bool) -> None:
    """Each finding that fails the gate as `path:line:col  RULE  message`, new ones first."""
    from pipeline.output.views import blockers

    found = blockers(run, fail_on)
    for b in found[:MAX_BLOCKERS]:
        known = "" if b.new or not baseline else "  (known, still failing: a safety failure is never absorbed)"
        typer.echo(b.one_line() + known)
    if len(found) > MAX_BLOCKERS:
        typer.echo(f"…and {len(found) - MAX_BLOCKERS} more blocking findings; see summary.md or the report")


def _output_problem(out: Path) -> str | None:
    """Why the output folder cannot be used, found before any article is audited."""
    if out.exists() and not out.is_dir():
        return f"--out {out}: this is a file, not a folder; name a folder for the outputs"
    existing = out
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        return f"--out {out}: {existing} is a file, so the output folder cannot be made there"
    if existing == out and not os.access(out, os.R_OK):
        return f"--out {out}: the output folder cannot be read (check its permissions)"
    if not os.access(existing, os.W_OK | os.X_OK):
        return f"--out {out}: {existing} is not writable (check its permissions or name another folder)"
    return None


def _print_summary(run: RunResult, written: dict[str, Path], gate: GateReport | None = None) -> None:
    from pipeline.output.views import grammar_gap, known_summary

    s = run.summary()
    _print_blockers(run, gate.fail_on if gate else run.fail_on, bool(gate and gate.baseline))
    typer.echo(
        f"{s['audited']}/{s['articles']} articles audited · {s['errors']} errors · "
        f"{s['warnings']} warnings · {s['notes']} notes · gate: {s['gate'].upper()}"
    )
    gap = grammar_gap(run)
    if gap:
        typer.echo(f"  {gap}")
    if gate is not None:
        if gate.known:
            since = known_summary([f for a in run.articles for f in a.findings])[1]
            typer.echo(f"  {gate.known} known findings are still failing since {since} (not blocking, not fixed)")
        if gate.waived or gate.waivers:
            typer.echo(
                f"  waivers: {gate.waived} findings waived; {len(gate.expired_waivers)} expired, "
                f"{len(gate.unused_waivers)} unused"
            )
        for w in gate.expired_waivers:
            typer.echo(f"    expired {w.waiver.expires}: {w.waiver.rule} on {w.waiver.article} (counts again)")
        for w in gate.unused_waivers:
            typer.echo(f"    unused: entry {w.index + 1}, {w.waiver.rule} on {w.waiver.article} matches nothing")
        if gate.baseline:
            b = gate.baseline
            typer.echo(f"  baseline {b.label}: {b.new} new ({b.unchanged} known), {b.worse} worse, {b.fixed} fixed")
            if b.safety_kept:
                typer.echo(f"    {b.safety_kept} known safety failures still count: a baseline never absorbs them")
    for fmt, path in written.items():
        typer.echo(f"  {fmt:5} {path}")


@app.command("rules")
def list_rules() -> None:
    """List every rule: code, name, default level, one line."""
    for code in sorted(RULES):
        r = RULES[code]
        off = "" if r.enabled_by_default else " (off by default)"
        typer.echo(f"{code}  {r.name:45} {r.default_level:7} {r.summary}{off}")


@app.command()
def explain(code: str) -> None:
    """Print a rule's documentation."""
    r = RULES.get(code.upper())
    if r is None:
        _fail_usage(f"unknown rule {code!r}; `health-audit rules` lists them")
        return
    typer.echo(r.docs())


def main() -> None:
    app()


if __name__ == "__main__":
    main()
