"""Data derived from big word lists, kept on disk so each process does not derive it again.

Reading the 90,000-word medical dictionary, the pronouncing dictionary and checking the glossary
against its schema costs about a second per process; every worker process of every run paid it.
The result is stored as a pickle under the user's cache folder, keyed by the paths, sizes and
modification times of every file it was derived from, including the code that derives it, so an
edited glossary or an upgraded package is read again.

`HEALTH_AUDIT_DATA_CACHE` names another folder, or `off` to derive everything in each process.
A pickle is only read from a folder that belongs to this user and no one else can write to.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

ENV = "HEALTH_AUDIT_DATA_CACHE"
KEEP = 4  # versions per kind: a few configurations in turn (tests, several sites) all stay cached
_FORMAT = 1  # bump when the layout of a cached value changes without its code file changing


def cache_dir() -> Path | None:
    """The folder for derived data, or None when caching is off."""
    value = os.environ.get(ENV, "")
    if value.strip().lower() == "off":
        return None
    if value:
        return Path(value)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "health-audit" / "data"


def fingerprint(kind: str, inputs: Iterable[Path | None]) -> str:
    """A key that changes when any input file changes (path, size, modification time)."""
    h = hashlib.sha256(f"{kind}\0{_FORMAT}\0{sys.version_info[:2]}\0{pickle.HIGHEST_PROTOCOL}".encode())
    for path in inputs:
        if path is None:
            h.update(b"\0none")
            continue
        try:
            st = path.stat()
            h.update(f"\0{path.resolve()}\0{st.st_size}\0{st.st_mtime_ns}".encode())
        except OSError:
            h.update(f"\0{path}\0missing".encode())
    return h.hexdigest()[:32]


def remembered(kind: str, inputs: Iterable[Path | None], build: Callable[[], T]) -> T:
    """`build()`'s result, read from the cache when none of `inputs` changed since it was stored.

    `inputs` must name every file the result depends on, including the module that builds it.
    Any problem with the cache (unwritable, corrupt, unsafe) falls back to building.
    """
    folder = cache_dir()
    if folder is None:
        return build()
    path = folder / f"{kind}-{fingerprint(kind, inputs)}.pickle"
    if _safe(folder) and path.is_file():
        try:
            with path.open("rb") as f:
                value: T = pickle.load(f)
                return value
        except Exception:  # noqa: BLE001 (a truncated or stale file is rebuilt, never fatal)
            pass
    value = build()
    _store(folder, kind, path, value)
    return value


def _safe(folder: Path) -> bool:
    """Ours and writable by no one else: a pickle from anywhere else could run someone's code."""
    try:
        st = folder.stat()
    except OSError:
        return False
    mine = not hasattr(os, "getuid") or st.st_uid == os.getuid()
    return mine and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _store(folder: Path, kind: str, path: Path, value: object) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not _safe(folder):
            return
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)  # atomic: a concurrent reader sees no file or the whole new one
        finally:
            Path(tmp).unlink(missing_ok=True)
        _prune(folder, kind)
    except (OSError, pickle.PicklingError):
        pass


def _prune(folder: Path, kind: str) -> None:
    """Keep the newest few versions per kind, so the folder does not grow with every edit."""
    versions = sorted(folder.glob(f"{kind}-*.pickle"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for old in versions[KEEP:]:
        old.unlink(missing_ok=True)
