"""Writes the requested output formats into the output folder."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from ..model import RunResult
from . import html_report, json_report

Writer = Callable[[RunResult, Path], Path]

WRITERS: dict[str, Writer] = {
    "json": json_report.write,
    "html": html_report.write,
}


def write_outputs(run: RunResult, out: Path, formats: Sequence[str]) -> dict[str, Path]:
    out.mkdir(parents=True, exist_ok=True)
    # report.json is canonical and always written.
    written = {"json": json_report.write(run, out)}
    for fmt in formats:
        if fmt != "json" and fmt in WRITERS:
            written[fmt] = WRITERS[fmt](run, out)
    return written
