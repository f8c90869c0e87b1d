"""The library's one-call entry point: audit sources, apply the gate and write the outputs.

The command line uses `audit_and_write`; the Prefect flow audits article by article itself and then
calls `gate_and_write` with the same configuration, so both produce the same outputs and verdict.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pipeline.config import Config
from pipeline.errors import ConfigError
from pipeline.history import run_fingerprint
from pipeline.model import ArticleResult, RunResult
from pipeline.output.writer import write_outputs
from pipeline.run.outlock import output_lock
from pipeline.run.runner import open_history, run_audit
from pipeline.verdict.gate import GateInputs, GateReport, apply_gate


@dataclass
class AuditOutcome:
    run: RunResult
    gate: GateReport
    written: dict[str, Path]


def gate_and_write(
    run: RunResult, config: Config, *, inputs: GateInputs | None = None, today: date | None = None
) -> tuple[GateReport, dict[str, Path]]:
    """Apply waivers and baseline from `config` to a finished run, then write every output."""
    gate = apply_gate(run, config, inputs=inputs, today=today)
    return gate, write_outputs(run, Path(config.out), config.formats, gate)


def audit(
    sources: list[str], config: Config, *, show_progress: bool = False, automatic_processes: bool = False
) -> AuditOutcome:
    """Audit, gate and write. A bad waivers or baseline file fails (ConfigError) before any audit.

    A local source that does not exist, or a folder with no articles in it, is a ConfigError too:
    auditing nothing must never pass the gate.

    `automatic_processes`: see `run_audit` (the command line passes True)."""
    check_sources(sources)
    inputs = GateInputs.from_config(config)
    with output_lock(Path(config.out)):
        return _audit_locked(sources, config, inputs, show_progress, automatic_processes)


def _audit_locked(
    sources: list[str], config: Config, inputs: GateInputs, show_progress: bool, automatic_processes: bool
) -> AuditOutcome:
    if show_progress:
        from rich.progress import Progress

        from pipeline.ingest.sources import expand

        total = len(expand(sources, config))
        with Progress(transient=True) as bar:
            task = bar.add_task("Auditing", total=total)

            def tick(res: ArticleResult) -> None:
                bar.update(task, advance=1, description=f"Audited {Path(res.source).name[:40]}")

            run = run_audit(
                sources, config, progress=tick, record_history=False, automatic_processes=automatic_processes
            )
    else:
        run = run_audit(sources, config, record_history=False, automatic_processes=automatic_processes)
    gate, written = gate_and_write(run, config, inputs=inputs)
    record_history(run, config)
    return AuditOutcome(run, gate, written)


def check_sources(sources: list[str]) -> None:
    """Raise ConfigError naming every local source that does not exist or holds no article."""
    from pipeline.ingest.sources import source_problems

    problems = source_problems(sources)
    if problems:
        raise ConfigError("\n".join(problems))


def record_history(run: RunResult, config: Config) -> None:
    """Store the gated run (waived and known findings already marked) in the history database."""
    history = open_history(config)
    if history:
        history.record(run, run_fingerprint(run, config))


def audit_and_write(
    sources: list[str], config: Config, *, show_progress: bool = False
) -> tuple[RunResult, dict[str, Path]]:
    outcome = audit(sources, config, show_progress=show_progress)
    return outcome.run, outcome.written
