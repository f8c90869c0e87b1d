"""One run at a time per output folder.

Two runs on one folder (a cron run still going when the next starts, CI and a scheduled run
sharing a folder) would otherwise interleave report files and history writes. The second run waits
on an advisory lock in the folder, and says it is waiting; the lock goes with the process, so a
killed run never leaves a stale lock behind (unlike a lock file that must be deleted).
"""

from __future__ import annotations

import fcntl
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_NAME = ".health-audit.lock"


@contextmanager
def output_lock(out: Path, *, announce: bool = True) -> Iterator[None]:
    """Hold the folder's lock for the body; wait (saying so on standard error) while another run does."""
    out.mkdir(parents=True, exist_ok=True)
    fd = os.open(out / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if announce:
                print(
                    f"health-audit: another run is using {out}; waiting for it to finish", file=sys.stderr, flush=True
                )
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock
