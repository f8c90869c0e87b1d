"""The LanguageTool server's lifecycle: one local Java process per run, started on a free port,
ready-checked, reused, and always stopped — or an existing server given by URL.

language-tool-python's own launcher downloads a ZIP and may start a second Java process when the
first is slow, so we own the process and give the client only the URL.

The project's medical vocabulary is loaded into the server: a folder first on the classpath holds
LanguageTool's spelling files (`spelling_custom.txt` for every variant, `spelling_en-GB.txt` and
the others per variant) with our words appended, so they shadow the copies in language-en.jar.
LanguageTool then neither flags medical words nor wastes time finding suggestions for them, and it
suggests "methotrexate" for "methotrexat".
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import os
import queue
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from pathlib import Path
from typing import Any, Literal

from pipeline import datafiles
from pipeline.errors import LanguageToolUnavailable
from pipeline.language.vocabulary import (
    MedicalVocabulary,
    VocabularyError,
    VocabularyPaths,
    default_vocabulary,
    load_vocabulary,
)
from pipeline.procmem import memory_of

REPO_ROOT = datafiles.REPO_ROOT
DEFAULT_JARS = REPO_ROOT / ".cache" / "languagetool" / "current"
_PR_SET_PDEATHSIG = 1
SPELLING_RESOURCES = "org/languagetool/resource/en/hunspell"
# Which of LanguageTool's spelling files gets which of our words (see MedicalVocabulary.split_by_locale).
_ALL_VARIANTS = "spelling_custom.txt"
_BRITISH_FILES = ("spelling_en-GB.txt", "spelling_en-AU.txt", "spelling_en-NZ.txt", "spelling_en-ZA.txt")
_AMERICAN_FILES = ("spelling_en-US.txt",)
_BOTH_FILES = ("spelling_en-CA.txt",)  # Canadian medical writing uses both spellings


def jars_dir() -> Path:
    return Path(os.environ.get("HEALTH_AUDIT_LT_JARS", DEFAULT_JARS))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def is_ready(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(url.rstrip("/") + "/v2/languages", timeout=timeout) as resp:
            return bool(resp.status == 200)
    except (urllib.error.URLError, OSError, ValueError):
        return False


def cache_dir() -> Path:
    return Path(os.environ.get("HEALTH_AUDIT_CACHE", REPO_ROOT / ".cache"))


def _jar_spelling_file(jars: Path, name: str) -> str:
    """LanguageTool's own copy of a spelling file, so shadowing it loses none of its words."""
    for jar in sorted(jars.glob("language-en-*.jar")):
        with contextlib.suppress(KeyError, OSError, zipfile.BadZipFile), zipfile.ZipFile(jar) as zf:
            return zf.read(f"{SPELLING_RESOURCES}/{name}").decode("utf-8")
    return ""


def vocabulary_classpath(vocabulary: MedicalVocabulary, jars: Path, root: Path | None = None) -> Path:
    """A classpath folder whose spelling files add `vocabulary` to LanguageTool's own.

    Written once per vocabulary and LanguageTool version, atomically, so concurrent runs share it."""
    version = "-".join(sorted(p.stem for p in jars.glob("language-en-*.jar"))) or "unknown"
    final = (root or cache_dir()) / "languagetool-vocabulary" / f"{version}-{vocabulary.fingerprint}"
    if (final / SPELLING_RESOURCES / _ALL_VARIANTS).is_file():
        with contextlib.suppress(OSError):
            os.utime(final)  # in use: keep it from being pruned
        return final
    neutral, british, american = vocabulary.split_by_locale()
    ours = {_ALL_VARIANTS: neutral}
    ours.update({name: british for name in _BRITISH_FILES})
    ours.update({name: american for name in _AMERICAN_FILES})
    ours.update({name: british + american for name in _BOTH_FILES})
    final.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{final.name}-", dir=final.parent))
    folder = staging / SPELLING_RESOURCES
    folder.mkdir(parents=True)
    for name, words in ours.items():
        own = _jar_spelling_file(jars, name).rstrip("\n")
        header = "# health-audit medical vocabulary (pipeline/vocabulary.py), after LanguageTool's own lines"
        (folder / name).write_text("\n".join([own, header, *words, ""]), encoding="utf-8")
    try:
        staging.rename(final)
    except OSError:  # another process wrote the same folder first
        shutil.rmtree(staging, ignore_errors=True)
    _prune(final)
    return final


def _prune(keep: Path, days: float = 7) -> None:
    """Remove folders of earlier vocabularies unused for a week (a running server may still read one)."""
    cutoff = time.time() - days * 86400
    for old in keep.parent.iterdir():
        with contextlib.suppress(OSError):
            if old != keep and old.stat().st_mtime < cutoff:
                shutil.rmtree(old)


def _load_prctl() -> Callable[..., int] | None:
    # Resolved here, in the parent: the child must not load libraries between fork and exec.
    try:
        return ctypes.CDLL("libc.so.6", use_errno=True).prctl
    except (OSError, AttributeError):
        return None


_PRCTL = _load_prctl()


def _die_with_parent() -> None:
    # Linux: the kernel sends SIGTERM to Java when the thread that started it ends, even by SIGKILL.
    if _PRCTL is not None:
        _PRCTL(_PR_SET_PDEATHSIG, signal.SIGTERM)


class _Launcher:
    """Starts every Java process from one thread that lives as long as our process.

    The parent-death signal follows the *thread* that started the child: a server restarted from a
    short-lived worker thread would lose it when that thread ends, and outlive a killed audit."""

    def __init__(self) -> None:
        self._jobs: queue.Queue[tuple[Callable[[], Any], Future[Any]]] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def run(self, job: Callable[[], Any]) -> Any:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._loop, name="languagetool-launcher", daemon=True)
                self._thread.start()
        done: Future[Any] = Future()
        self._jobs.put((job, done))
        return done.result()

    def _loop(self) -> None:
        while True:
            job, done = self._jobs.get()
            try:
                done.set_result(job())
            except BaseException as err:  # handed back to the caller
                done.set_exception(err)


_LAUNCHER = _Launcher()


class LanguageToolServer:
    """A local LanguageTool HTTP server. Use as a context manager, or call start()/stop()."""

    def __init__(
        self,
        jars: Path | None = None,
        *,
        port: int | None = None,
        heap: str = "1g",
        start_timeout: float = 90.0,
        extra_classpath: list[Path] | None = None,
        log_path: Path | None = None,
        vocabulary: MedicalVocabulary | VocabularyPaths | Literal[False] | None = None,
    ) -> None:
        """`vocabulary`: the medical words to load, or the files to read them from (read when the
        server starts, so a broken file makes it unavailable with the reason); None: the project's
        default vocabulary; False: LanguageTool's own dictionary only."""
        self.jars = jars or jars_dir()
        self.port = port or free_port()
        self.heap = heap
        self.start_timeout = start_timeout
        self.extra_classpath = extra_classpath or []
        self.log_path = log_path or (REPO_ROOT / ".cache" / f"languagetool-{self.port}.log")
        self.process: subprocess.Popen[bytes] | None = None
        self.vocabulary = vocabulary
        self.started_seconds: float | None = None
        self.restarts = 0
        self.closed = False  # stopped on purpose (end of run, or an interrupt): do not restart

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def command(self) -> list[str]:
        if not self.jars.is_dir() or not any(self.jars.glob("languagetool-server-*.jar")):
            raise LanguageToolUnavailable(
                f"LanguageTool jars not found in {self.jars}; run scripts/bootstrap.sh "
                "(or set HEALTH_AUDIT_LT_JARS, or give an existing server with LANGUAGETOOL_URL)"
            )
        first = [*self.extra_classpath]
        if self.vocabulary is not False:
            try:
                if isinstance(self.vocabulary, VocabularyPaths):
                    vocabulary = load_vocabulary(self.vocabulary)
                else:
                    vocabulary = self.vocabulary or default_vocabulary()
                first.insert(0, vocabulary_classpath(vocabulary, self.jars))
            except (VocabularyError, OSError) as err:
                raise LanguageToolUnavailable(f"the medical vocabulary could not be loaded: {err}") from err
        classpath = os.pathsep.join([*(str(p) for p in first), str(self.jars / "*")])
        return [
            "java",
            "-Xms256m",
            f"-Xmx{self.heap}",
            "-XX:+UseSerialGC",
            "-cp",
            classpath,
            "org.languagetool.server.HTTPServer",
            "--port",
            str(self.port),
            "--allow-origin",
            "*",
        ]

    def start(self) -> LanguageToolServer:
        if self.process and self.process.poll() is None:
            return self
        cmd = self.command()
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "wb")  # noqa: SIM115 - the child keeps it for its lifetime
        t0 = time.monotonic()
        try:
            self.process = _LAUNCHER.run(
                lambda: subprocess.Popen(
                    cmd,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    start_new_session=True,  # Ctrl-C reaches us, and we stop Java ourselves
                    preexec_fn=_die_with_parent,  # noqa: PLW1509
                )
            )
        except FileNotFoundError as err:
            raise LanguageToolUnavailable("java is not installed (LanguageTool needs Java 17+)") from err
        finally:
            log.close()
        self.closed = False
        _LIVE.add(self)
        deadline = t0 + self.start_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                tail = self.log_tail()
                self.process = None
                raise LanguageToolUnavailable(f"LanguageTool exited while starting:\n{tail}")
            if is_ready(self.url, timeout=1.0):
                self.started_seconds = time.monotonic() - t0
                return self
            time.sleep(0.2)
        self.stop()
        raise LanguageToolUnavailable(f"LanguageTool did not answer within {self.start_timeout:.0f} s")

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def restart(self) -> None:
        self.stop()
        self.restarts += 1
        self.start()

    def stop(self) -> None:
        """Stop Java (SIGTERM, then SIGKILL after 10 s); `closed` tells clients not to restart it."""
        self.closed = True
        proc, self.process = self.process, None
        _LIVE.discard(self)
        if proc is None or proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)

    def memory(self) -> dict[str, int]:
        """Resident memory of the Java process in bytes: now (rss) and its peak (peak_rss)."""
        if not self.alive() or self.pid is None:
            return {}
        return memory_of(self.pid)

    def log_tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def __enter__(self) -> LanguageToolServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


_LIVE: set[LanguageToolServer] = set()


@atexit.register
def _stop_all() -> None:
    for server in list(_LIVE):
        server.stop()


def _on_interrupt(signum: int, frame: object) -> None:
    """Ctrl-C or SIGTERM: stop Java at once, then unwind as Python would.

    Stopping first means articles still being checked fail fast ("grammar not checked") instead of
    the run finishing every article before its `finally` blocks get to stop the server."""
    _stop_all()
    if signum == signal.SIGINT:
        raise KeyboardInterrupt
    raise SystemExit(128 + signum)  # SIGTERM: `finally` blocks and atexit still run


if threading.current_thread() is threading.main_thread():
    with contextlib.suppress(ValueError):
        if signal.getsignal(signal.SIGTERM) in (signal.SIG_DFL, None):
            signal.signal(signal.SIGTERM, _on_interrupt)
        if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            signal.signal(signal.SIGINT, _on_interrupt)


@contextlib.contextmanager
def languagetool_url(configured_url: str | None = None, **server_args: object) -> Iterator[tuple[str, LanguageToolServer | None]]:
    """Yield the URL of a usable server: the configured one (nothing started) or a fresh local one."""
    url = configured_url or os.environ.get("LANGUAGETOOL_URL")
    if url:
        yield url.rstrip("/"), None
        return
    server = LanguageToolServer(**server_args)  # type: ignore[arg-type]
    with server:
        yield server.url, server
