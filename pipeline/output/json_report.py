"""report.json: the canonical output (docs/CONTRACT.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pipeline import datafiles
from pipeline.model import SCHEMA_VERSION, RunResult, article_dict
from pipeline.verdict.gate import GateReport, report_for

SCHEMA_PATH = datafiles.REPORT_SCHEMAS / "report.schema.json"






def run_dict(run: RunResult, gate: GateReport | None = None) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "health-audit", "version": run.tool_version},
        "run": {
            "id": run.id,
            "started_at": run.started_at,
            "finished_at": run.finished_at,
            "config": run.config,
            "stats": run.stats,
        },
        "summary": run.summary(),
        "gate": (gate or report_for(run)).to_dict(),
        "articles": [article_dict(a) for a in run.articles],
    }


def write(run: RunResult, out: Path, gate: GateReport | None = None) -> Path:
    path = out / "report.json"
    path.write_text(json.dumps(run_dict(run, gate), indent=2, ensure_ascii=False), encoding="utf-8")
    return path


def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return loaded
