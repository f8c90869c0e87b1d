"""Worker processes for the service-free checks give exactly the in-process results, keep bad
articles' errors, keep grammar in the coordinating process, and survive a worker's death."""

from __future__ import annotations

import shutil
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import pytest

from pipeline.config import from_mapping
from pipeline.languagetool import LanguageToolServer
from pipeline.model import RunResult
from pipeline.output.json_report import article_dict
from pipeline.parallel import MIN_ARTICLES, process_count
from pipeline.runner import run_audit

from .conftest import SAMPLES


def _comparable(run: RunResult) -> dict[str, dict[str, Any]]:
    out = {}
    for a in run.articles:
        d = article_dict(a)
        out[Path(a.source).name] = {k: d[k] for k in ("status", "title", "text", "blocks", "metrics", "findings")}
    return out


@pytest.fixture()
def site(tmp_path: Path) -> Path:
    folder = tmp_path / "site"
    shutil.copytree(SAMPLES / "articles", folder)
    (folder / "empty.html").write_text("<html><body><nav>Home</nav></body></html>", encoding="utf-8")
    (folder / "binary.html").write_bytes(b"%PDF-1.7\n" + bytes(range(256)))
    return folder


def test_processes_give_the_in_process_results_with_grammar_on(
    site: Path, tmp_path: Path, lt_server: LanguageToolServer
) -> None:
    common = {"grammar": {"url": lt_server.url}, "history": {"enabled": False}, "out": str(tmp_path / "out")}
    here = run_audit([str(site)], from_mapping({**common, "runner": {"processes": 1}}))
    spread = run_audit([str(site)], from_mapping({**common, "runner": {"processes": 2}}))
    assert "worker_processes" not in here.stats and spread.stats["worker_processes"]["processes"] == 2
    assert spread.stats["worker_processes"]["peak_rss_mib"] > 20
    assert _comparable(spread) == _comparable(here)
    by_name = {Path(a.source).name: a for a in spread.articles}
    assert [f.rule for f in by_name["empty.html"].findings] == ["EX002"]
    assert by_name["binary.html"].status == "error"
    # Grammar ran, in this process, through the run's one LanguageTool client.
    assert any(f.rule.startswith("GR") for a in spread.articles for f in a.findings)
    assert spread.stats["languagetool"]["requests"] > 0


def test_a_dead_worker_does_not_lose_any_article(site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pipeline.parallel as parallel

    def broken_submit(self: object, *_: object) -> Future[object]:
        future: Future[object] = Future()
        future.set_exception(BrokenProcessPool("a worker was killed"))
        return future

    monkeypatch.setattr(parallel.LocalChecks, "submit", broken_submit)
    common = {"grammar": {"enabled": False}, "history": {"enabled": False}, "out": str(tmp_path / "out")}
    broken = run_audit([str(site)], from_mapping({**common, "runner": {"processes": 2}}))
    monkeypatch.undo()
    here = run_audit([str(site)], from_mapping({**common, "runner": {"processes": 1}}))
    assert _comparable(broken) == _comparable(here)
    assert "a worker was killed" in broken.stats["worker_processes"]["event"]


def test_workers_that_cannot_start_leave_the_run_in_process(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pipeline.parallel as parallel

    def no_forkserver(self: object, *_: object) -> None:
        raise ValueError("cannot find context for 'forkserver'")

    monkeypatch.setattr(parallel.LocalChecks, "__init__", no_forkserver)
    common = {"grammar": {"enabled": False}, "history": {"enabled": False}, "out": str(tmp_path / "out")}
    run = run_audit([str(site)], from_mapping({**common, "runner": {"processes": 2}}))
    assert "could not start" in run.stats["worker_processes"]["event"]
    monkeypatch.undo()
    here = run_audit([str(site)], from_mapping({**common, "runner": {"processes": 1}}))
    assert _comparable(run) == _comparable(here)


def test_process_count() -> None:
    auto = from_mapping({})
    assert process_count(auto, MIN_ARTICLES - 1) == 0  # a small run is not worth starting processes
    assert process_count(from_mapping({"runner": {"processes": 3}}), 2) == 2
    assert process_count(from_mapping({"runner": {"processes": 1}}), 500) == 0
    assert process_count(from_mapping({"runner": {"processes": 2}, "accessibility": {"browser": True}}), 500) == 0
