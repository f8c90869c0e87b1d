"""Test data names files in ../shared relative to that folder, never by a machine's absolute path."""

from __future__ import annotations

import re

import pytest

from tests.support.paths import ROOT, SHARED, shared_path

DATA = ROOT / "tests" / "data"
# A path from the root of a machine: /work/..., /home/..., /Users/..., C:\...
ABSOLUTE = re.compile(r"(?<![\w.:/])(?:/(?:work|home|Users|tmp|srv|opt|mnt|root)/|[A-Za-z]:\\)")


def test_no_test_data_file_holds_an_absolute_path() -> None:
    found = []
    for path in sorted(p for p in DATA.rglob("*") if p.suffix in {".yaml", ".yml", ".json", ".tsv", ".md"}):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if ABSOLUTE.search(line):
                found.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert not found, "name files in ../shared relative to it:\n" + "\n".join(found)


def test_shared_paths_resolve_beside_the_checkout_and_stay_inside_it() -> None:
    assert shared_path("corpora/health-pages/x.html") == SHARED / "corpora" / "health-pages" / "x.html"
    for bad in ("/work/shared/corpora/x.html", "../shared/corpora/x.html", "corpora/../../x"):
        with pytest.raises(ValueError, match="relative to it"):
            shared_path(bad)
