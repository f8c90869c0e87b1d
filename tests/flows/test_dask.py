"""The same flow on Prefect's Dask task runner (a local cluster), or with worker processes under its
thread runner, gives the same findings."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from pipeline.rules.grammar.languagetool import LanguageToolServer
from tests.conftest import SAMPLES


def _findings(report_path: Path) -> dict[str, list[tuple[Any, ...]]]:
    report = json.loads(report_path.read_text(encoding="utf-8"))
    return {
        Path(a["source"]).name: sorted(
            (f["rule"], f["span"]["start"] if f["span"] else -1, f["message"]) for f in a["findings"]
        )
        for a in report["articles"]
    }


def test_dask_runner_matches_thread_runner(tmp_path: Path, lt_server: LanguageToolServer) -> None:
    from flows.audit import run

    site = tmp_path / "site"
    site.mkdir()
    for name in ("sepsis-causes.html", "stroke-symptoms.html", "piles-haemorrhoids.html"):
        shutil.copy(SAMPLES / "articles" / name, site / name)
    common = {"grammar": {"url": lt_server.url}, "history": {"enabled": False}}
    run([str(site)], overrides={**common, "out": str(tmp_path / "threads")})
    dask = run(
        [str(site)],
        overrides={**common, "out": str(tmp_path / "dask"), "runner": {"task_runner": "dask", "dask_workers": 2}},
    )
    assert dask["summary"]["audited"] == 3
    threads_findings = _findings(tmp_path / "threads" / "report.json")
    assert threads_findings == _findings(tmp_path / "dask" / "report.json")
    assert sum(len(v) for v in threads_findings.values()) > 0


def test_flow_on_threads_with_worker_processes_matches_the_in_process_flow(
    tmp_path: Path, lt_server: LanguageToolServer
) -> None:
    from flows.audit import run

    site = tmp_path / "site"
    shutil.copytree(SAMPLES / "articles", site)
    common = {"grammar": {"url": lt_server.url}, "history": {"enabled": False}}
    here = run([str(site)], overrides={**common, "out": str(tmp_path / "here"), "runner": {"processes": 1}})
    spread = run([str(site)], overrides={**common, "out": str(tmp_path / "spread"), "runner": {"processes": 2}})
    assert "worker_processes" not in here["stats"]
    assert spread["stats"]["worker_processes"]["processes"] == 2
    assert _findings(tmp_path / "spread" / "report.json") == _findings(tmp_path / "here" / "report.json")
    assert any(r.startswith("GR") for found in _findings(tmp_path / "spread" / "report.json").values() for r, *_ in found)
