"""Two audits on one output folder at once, as real processes started together: nothing crashes,
nothing is lost (both runs are in the history, the report is whole)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.core.test_cli import GOOD

# Starts worker processes or several real audit processes: not part of the fast loop.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def _start_together(commands: list[list[str]]) -> list[subprocess.CompletedProcess[str]]:
    procs = [
        subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(), cwd=ROOT)
        for cmd in commands
    ]
    results = []
    for cmd, proc in zip(commands, procs, strict=True):
        out, err = proc.communicate(timeout=300)
        results.append(subprocess.CompletedProcess(cmd, proc.returncode, out, err))
    return results


def test_two_audits_on_one_output_folder_both_finish_and_both_are_recorded(tmp_path: Path) -> None:
    page = tmp_path / "colds.html"
    page.write_text(GOOD, encoding="utf-8")
    out = tmp_path / "out"
    command = [sys.executable, "-m", "pipeline.cli", "audit", str(page), "--no-grammar", "--out", str(out)]
    rounds = 3
    for _ in range(rounds):
        for result in _start_together([command, command]):
            assert result.returncode in (0, 1), result.stderr
            assert "Traceback" not in result.stderr, result.stderr
        report = json.loads((out / "report.json").read_text(encoding="utf-8"))
        assert [Path(a["source"]).name for a in report["articles"]] == ["colds.html"]
    with sqlite3.connect(out / "history.sqlite") as db:
        assert db.execute("select count(*) from runs").fetchone()[0] == 2 * rounds
        assert db.execute("pragma journal_mode").fetchone()[0] == "wal"


def test_processes_creating_the_history_schema_at_once_do_not_collide(tmp_path: Path) -> None:
    # Without the output lock (the Prefect flow, or two folders sharing one history URL), the race is
    # in create_all: both see no table and the slower one used to fail with "table runs already exists".
    script = (
        "import sys; from pipeline.history import History; "
        "History.open(sys.argv[1]); print('ok')"
    )
    for i in range(4):
        url = f"sqlite:///{tmp_path / f'h{i}' / 'history.sqlite'}"
        results = _start_together([[sys.executable, "-c", script, url] for _ in range(3)])
        for result in results:
            assert result.returncode == 0, result.stderr
            assert result.stdout.strip() == "ok"


def test_a_second_run_waits_for_the_folder_and_says_so(tmp_path: Path) -> None:
    out = tmp_path / "out"
    release = tmp_path / "release"
    holder = (
        "import sys, time; from pathlib import Path; from pipeline.run.outlock import output_lock\n"
        "with output_lock(Path(sys.argv[1])):\n"
        "    print('held', flush=True)\n"
        "    for _ in range(1200):\n"
        "        if Path(sys.argv[2]).exists(): break\n"
        "        time.sleep(0.1)\n"
    )
    first = subprocess.Popen(
        [sys.executable, "-c", holder, str(out), str(release)], stdout=subprocess.PIPE, text=True, env=_env(), cwd=ROOT
    )
    assert first.stdout is not None and first.stdout.readline().strip() == "held"
    page = tmp_path / "colds.html"
    page.write_text(GOOD, encoding="utf-8")
    second = subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli", "audit", str(page), "--no-grammar", "--out", str(out), "-q"],
        stderr=subprocess.PIPE, text=True, env=_env(), cwd=ROOT,
    )
    assert second.stderr is not None
    line = second.stderr.readline()  # blocks until the second run says it is waiting
    assert f"another run is using {out}; waiting" in line
    assert not (out / "report.json").exists()  # it waited rather than writing alongside
    release.touch()
    assert second.wait(timeout=300) in (0, 1), second.stderr.read()
    first.wait(timeout=30)
    assert (out / "report.json").exists()
