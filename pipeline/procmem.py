"""Resident memory of a process, read from /proc (Linux); empty where that is not available."""

from __future__ import annotations

from pathlib import Path


def memory_of(pid: int) -> dict[str, int]:
    """Bytes resident now (`rss`) and at the peak (`peak_rss`); {} when the process or /proc is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii", errors="replace")
    except OSError:
        return {}
    out: dict[str, int] = {}
    for line in status.splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out["rss" if key == "VmRSS" else "peak_rss"] = int(value.split()[0]) * 1024
    return out
