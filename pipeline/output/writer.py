"""Writes the requested output formats into the output folder."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from pipeline.model import RunResult
from pipeline.output import html_report, json_report, junit, markdown, sarif
from pipeline.verdict.gate import GateReport, report_for

Writer = Callable[[RunResult, Path, GateReport], Path]

WRITERS: dict[str, Writer] = {
    "json": json_report.write,
    "html": html_report.write,
    "junit": junit.write,
    "sarif": sarif.write,
    "md": markdown.write,
}


def write_outputs(
    run: RunResult, out: Path, formats: Sequence[str], gate: GateReport | None = None
) -> dict[str, Path]:
    """Write report.json (always: it is canonical) and every other format asked for.

    `gate` is what `pipeline.verdict.gate.apply_gate` returned; without it the outputs describe the run as
    it stands, with no waivers or baseline.
    """
    out.mkdir(parents=True, exist_ok=True)
    gate = gate or report_for(run)
    written = {"json": json_report.write(run, out, gate)}
    for fmt in formats:
        if fmt != "json" and fmt in WRITERS:
            written[fmt] = WRITERS[fmt](run, out, gate)
    return written
