"""The LanguageTool server's lifecycle: the vocabulary on its classpath, its memory, and no Java
process left behind when the auditing process is interrupted or killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.errors import LanguageToolUnavailable
from pipeline.language.vocabulary import VocabularyPaths, build_vocabulary
from pipeline.rules.grammar.languagetool import (
    SPELLING_RESOURCES,
    LanguageToolServer,
    is_ready,
    jars_dir,
    vocabulary_classpath,
)
from tests.conftest import ROOT

# Starts real LanguageTool servers or worker processes: not part of the fast loop.
pytestmark = pytest.mark.slow


def _children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def _running(pid: int) -> bool:
    """Alive and not a zombie (a container's init may never reap an orphan)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def _java_of(pid: int, timeout: float = 120) -> tuple[int, str]:
    """The LanguageTool Java process started by `pid`, and its URL, once it answers."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for child in _children(pid):
            try:
                cmd = Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"org.languagetool.server.HTTPServer" in cmd:
                url = f"http://127.0.0.1:{cmd[cmd.index(b'--port') + 1].decode()}"
                while time.monotonic() < deadline and not is_ready(url):
                    time.sleep(0.2)
                return child, url
        time.sleep(0.2)
    raise AssertionError(f"process {pid} started no LanguageTool server within {timeout} s")


def _gone_within(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not _running(pid):
            return True
        time.sleep(0.2)
    return False


@pytest.fixture
def cleanup() -> Iterator[list[int]]:
    """Pids this test caused; any still running at the end is stopped, so a failure leaks nothing."""
    pids: list[int] = []
    yield pids
    for pid in pids:
        if _running(pid):
            os.kill(pid, signal.SIGKILL)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL], ids=["SIGINT", "SIGTERM", "SIGKILL"])
def test_an_interrupted_audit_leaves_no_java_behind(sig: int, tmp_path: Path, cleanup: list[int]) -> None:
    articles = tmp_path / "articles"
    articles.mkdir()
    for i in range(6):
        (articles / f"a{i}.txt").write_text(f"Article {i} is about sepsis.\n\nThis are paragraph two of {i}.\n")
    env = {k: v for k, v in os.environ.items() if k != "LANGUAGETOOL_URL"}
    audit = subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli", "audit", str(articles), "--out", str(tmp_path / "out"),
         "--format", "json", "--quiet"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    cleanup.append(audit.pid)
    java, url = _java_of(audit.pid)
    cleanup.append(java)
    assert is_ready(url)  # the run is under way: the server is up and the articles are being checked
    audit.send_signal(sig)
    audit.wait(timeout=90)
    assert audit.returncode != 0  # interrupted, not finished
    assert _gone_within(java, 20), f"LanguageTool (pid {java}) outlived the audit stopped by {sig}"
    assert not is_ready(url)


def test_a_server_restarted_from_a_worker_thread_still_dies_with_its_parent(
    tmp_path: Path, cleanup: list[int]
) -> None:
    # The parent-death signal follows the thread that started Java. Restarts happen on worker
    # threads that end: started there, Java would be killed as soon as the thread ended, or (with
    # no signal set) outlive a killed audit. Every start goes through one long-lived thread.
    script = textwrap.dedent(
        """
        import threading, time
        from pipeline.rules.grammar.languagetool import LanguageToolServer
        server = LanguageToolServer(vocabulary=False).start()
        worker = threading.Thread(target=server.restart)
        worker.start(); worker.join()
        time.sleep(3)
        print(server.pid, server.url, flush=True)
        time.sleep(300)
        """
    )
    parent = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    cleanup.append(parent.pid)
    assert parent.stdout is not None
    pid, url = parent.stdout.readline().split()
    java = int(pid)
    cleanup.append(java)
    assert _running(java) and is_ready(url)  # it survived the end of the thread that restarted it
    parent.kill()
    parent.wait(timeout=30)
    assert _gone_within(java, 20), "the restarted LanguageTool outlived its killed parent"


def test_start_stop_and_memory(lt_server: LanguageToolServer) -> None:
    memory = lt_server.memory()
    assert memory["rss"] > 100 * 2**20 and memory["peak_rss"] >= memory["rss"]
    assert lt_server.started_seconds is not None and lt_server.started_seconds > 0
    assert is_ready(lt_server.url)


def test_missing_jars_are_reported_clearly(tmp_path: Path) -> None:
    with pytest.raises(LanguageToolUnavailable, match="jars not found .*bootstrap.sh"):
        LanguageToolServer(jars=tmp_path).start()


def test_vocabulary_goes_into_languagetools_spelling_files(tmp_path: Path) -> None:
    words = tmp_path / "words.txt"
    words.write_text("empagliflozin\nhemoglobin\nhaemoglobin\n")
    vocabulary = build_vocabulary(VocabularyPaths(extra_words=words))
    folder = vocabulary_classpath(vocabulary, jars_dir(), root=tmp_path)
    spelling = folder / SPELLING_RESOURCES
    jar = next(jars_dir().glob("language-en-*.jar"))
    with zipfile.ZipFile(jar) as zf:
        own_gb = zf.read(f"{SPELLING_RESOURCES}/spelling_en-GB.txt").decode().splitlines()
    gb = (spelling / "spelling_en-GB.txt").read_text().splitlines()
    assert gb[: len(own_gb)] == own_gb  # LanguageTool's own words are kept, ours follow
    assert "haemoglobin" in gb and "hemoglobin" not in gb
    us = (spelling / "spelling_en-US.txt").read_text().splitlines()
    assert "hemoglobin" in us and "haemoglobin" not in us
    everywhere = (spelling / "spelling_custom.txt").read_text().splitlines()
    assert "empagliflozin" in everywhere and "hemoglobin" not in everywhere
    # Written once per vocabulary: a second call reuses the folder.
    stamp = (spelling / "spelling_custom.txt").stat().st_mtime_ns
    assert vocabulary_classpath(vocabulary, jars_dir(), root=tmp_path) == folder
    assert (spelling / "spelling_custom.txt").stat().st_mtime_ns == stamp


def test_folders_of_old_vocabularies_are_pruned(tmp_path: Path) -> None:
    words = tmp_path / "words.txt"
    words.write_text("empagliflozin\n")
    base = tmp_path / "languagetool-vocabulary"
    stale, recent = base / "language-en-6.7-0000", base / "language-en-6.8-1111"
    for folder in (stale, recent):
        folder.mkdir(parents=True)
    week_ago = time.time() - 8 * 86400
    os.utime(stale, (week_ago, week_ago))
    current = vocabulary_classpath(build_vocabulary(VocabularyPaths(extra_words=words)), jars_dir(), root=tmp_path)
    assert current.is_dir() and recent.is_dir() and not stale.exists()


def test_a_broken_vocabulary_file_makes_the_server_unavailable_with_the_reason(tmp_path: Path) -> None:
    glossary = tmp_path / "glossary.yaml"
    glossary.write_text("entries:\n  - explanation: an entry with no term\n")
    server = LanguageToolServer(vocabulary=VocabularyPaths(glossary=glossary))
    with pytest.raises(LanguageToolUnavailable, match=r"medical vocabulary could not be loaded: .*entry 1 has no `term`"):
        server.start()
    assert server.process is None  # no Java was started
