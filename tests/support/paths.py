"""Where the checkout and the shared folder beside it are, and how test data names files there.

Test data never holds a machine's absolute path: a file in ../shared is named relative to that
folder (for example `corpora/health-pages/nhs-choices-2016/ZikaVirus.html`) and resolved here.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
CORPORA = SHARED / "corpora"


def shared_path(relative: str) -> Path:
    """A path from test data, relative to ../shared, as a path on this machine."""
    pure = PurePosixPath(relative)
    if pure.is_absolute() or ".." in pure.parts:
        raise ValueError(f"{relative!r} must be a path inside ../shared, relative to it")
    return SHARED.joinpath(*pure.parts)
