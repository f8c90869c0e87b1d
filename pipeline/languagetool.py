"""The LanguageTool server's lifecycle: one local Java process per run, started on a free port,
ready-checked, reused, and always stopped — or an existing server given by URL.

language-tool-python's own launcher downloads a ZIP and may start a second Java process when the
first is slow, so we own the process and give the client only the URL.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_JARS = REPO_ROOT / ".cache" / "languagetool" / "current"
_PR_SET_PDEATHSIG = 1


class LanguageToolUnavailable(RuntimeError):
    """LanguageTool could not be started or reached; the message says why."""


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


def _die_with_parent() -> None:
    # Linux: the kernel sends SIGTERM to Java if our process dies, even by SIGKILL.
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


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
    ) -> None:
        self.jars = jars or jars_dir()
        self.port = port or free_port()
        self.heap = heap
        self.start_timeout = start_timeout
        self.extra_classpath = extra_classpath or []
        self.log_path = log_path or (REPO_ROOT / ".cache" / f"languagetool-{self.port}.log")
        self.process: subprocess.Popen[bytes] | None = None
        self.started_seconds: float | None = None
        self.restarts = 0

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
        classpath = os.pathsep.join([*(str(p) for p in self.extra_classpath), str(self.jars / "*")])
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
        on_main = threading.current_thread() is threading.main_thread()
        t0 = time.monotonic()
        try:
            self.process = subprocess.Popen(
                cmd,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # Ctrl-C reaches us, and we stop Java ourselves
                preexec_fn=_die_with_parent if on_main else None,  # noqa: PLW1509
            )
        except FileNotFoundError as err:
            raise LanguageToolUnavailable("java is not installed (LanguageTool needs Java 17+)") from err
        finally:
            log.close()
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


def _on_sigterm(signum: int, frame: object) -> None:
    # Turn SIGTERM into SystemExit so `finally` blocks and atexit stop Java.
    raise SystemExit(128 + signum)


if threading.current_thread() is threading.main_thread():
    with contextlib.suppress(ValueError):
        if signal.getsignal(signal.SIGTERM) in (signal.SIG_DFL, None):
            signal.signal(signal.SIGTERM, _on_sigterm)


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
