"""Worker processes for the service-free checks give exactly the in-process results, keep bad
articles' errors, keep grammar in the coordinating process, and survive a worker's death."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import pytest

from pipeline.config import Config, from_mapping
from pipeline.ingest.read import RawInput
from pipeline.ingest.sources import Source
from pipeline.model import RunResult, article_dict
from pipeline.rules.grammar.languagetool import LanguageToolServer
from pipeline.run.pool import MIN_ARTICLES, process_count
from pipeline.run.runner import run_audit
from tests.conftest import ROOT, SAMPLES

# Starts real LanguageTool servers or worker processes: not part of the fast loop.
pytestmark = pytest.mark.slow


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


_FRESH = """
import json, sys
from pipeline.config import Config, from_mapping
from pipeline.run.runner import run_audit
from pipeline.ingest.sources import Source

if __name__ == "__main__":
    config = from_mapping({"grammar": {"url": sys.argv[2]}, "history": {"enabled": False},
                           "out": sys.argv[3], "runner": {"processes": 2}})
    run = run_audit([sys.argv[1]], config)
    print(json.dumps({a.source: [f.rule for f in a.findings] for a in run.articles if a.status == "audited"}))
"""


def test_the_grammar_check_runs_on_every_article_that_comes_back_from_a_worker(site: Path, tmp_path: Path) -> None:
    """In a fresh interpreter nothing has loaded the rules when the workers' first results arrive.
    With LanguageTool unreachable, every article must say so (GR900): the check ran on each."""
    script = tmp_path / "fresh.py"
    script.write_text(_FRESH, encoding="utf-8")
    root = ROOT
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{s.getsockname()[1]}"
    for _ in range(2):  # the race this guards against showed on most runs; two make a pass meaningful
        done = subprocess.run(
            [sys.executable, str(script), str(site), closed, str(tmp_path / "out")],
            capture_output=True, text=True, timeout=600, check=True, cwd=root,
            env={**os.environ, "PYTHONPATH": str(root)},
        )
        rules = json.loads(done.stdout.strip().splitlines()[-1])
        assert len(rules) == len(list(SAMPLES.joinpath("articles").glob("*.html")))
        assert all("GR900" in found for found in rules.values()), rules


def test_an_interrupted_run_stops_its_workers_and_starts_no_others(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pipeline.run.pool as parallel

    made: list[parallel.LocalChecks] = []
    real_init = parallel.LocalChecks.__init__

    def counting(self: parallel.LocalChecks, *args: Any) -> None:
        real_init(self, *args)
        made.append(self)

    monkeypatch.setattr(parallel.LocalChecks, "__init__", counting)
    workers: list[Any] = []
    real_close = parallel.LocalChecks.close

    def noting(self: parallel.LocalChecks, *, cancel: bool = False) -> int:
        workers.extend((getattr(self.pool, "_processes", None) or {}).values())
        return real_close(self, cancel=cancel)

    monkeypatch.setattr(parallel.LocalChecks, "close", noting)

    import pipeline.run.assembly as runner

    real_read = runner.read_input

    def slow_read(source: Source, config: Config) -> RawInput:  # still reading when Ctrl-C comes
        if "piles" in source.location:
            time.sleep(1.5)
        return real_read(source, config)

    monkeypatch.setattr(runner, "read_input", slow_read)

    def interrupt(_: object) -> None:
        raise KeyboardInterrupt

    common = {"grammar": {"enabled": False}, "history": {"enabled": False}, "out": str(tmp_path / "out")}
    with pytest.raises(KeyboardInterrupt):
        run_audit([str(site)], from_mapping({**common, "runner": {"processes": 2}}), progress=interrupt)
    assert len(made) == 1 and workers
    for proc in workers:
        proc.join(timeout=10)
    assert not any(proc.is_alive() for proc in workers)


def test_a_dead_worker_does_not_lose_any_article(site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pipeline.run.pool as parallel

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
    import pipeline.run.pool as parallel

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
    assert process_count(auto, 500) == 0  # a library call stays in-process unless asked
    assert process_count(auto, 500, automatic=True) >= (2 if (os.cpu_count() or 1) > 1 else 0)
    assert process_count(auto, MIN_ARTICLES - 1, automatic=True) == 0  # too small to pay for processes
    assert process_count(from_mapping({"runner": {"processes": 3}}), 2) == 2
    assert process_count(from_mapping({"runner": {"processes": 1}}), 500) == 0
    assert process_count(from_mapping({"runner": {"processes": 2}, "accessibility": {"browser": True}}), 500) == 0


def test_memory_of_a_live_process_and_of_one_that_is_gone() -> None:
    from pipeline.procmem import memory_of

    mine = memory_of(os.getpid())
    assert 0 < mine["rss"] <= mine["peak_rss"]
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    assert memory_of(int(finished.stdout)) == {}
