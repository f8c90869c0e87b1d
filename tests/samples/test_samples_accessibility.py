"""Golden accessibility errors for samples/: the static checks on each page's markup give exactly
the errors listed under `accessibility_errors` in samples/expected/<stem>.yaml."""

from __future__ import annotations

from collections import Counter

import pytest
import yaml

from pipeline.config import from_mapping
from pipeline.rules.accessibility.checks import static_findings
from tests.conftest import SAMPLES

EXPECTED = {
    p.stem: yaml.safe_load(p.read_text(encoding="utf-8"))
    for p in sorted((SAMPLES / "expected").glob("*.yaml"))
}


@pytest.mark.parametrize("stem", sorted(EXPECTED))
def test_sample_accessibility_errors(stem: str) -> None:
    html = (SAMPLES / "articles" / f"{stem}.html").read_text(encoding="utf-8")
    _, placed = static_findings(html, from_mapping({}).accessibility)
    got = Counter(p.finding.rule for p in placed if p.finding.level == "error")
    assert dict(got) == EXPECTED[stem]["accessibility_errors"], (
        f"{stem}: {[p.finding.message for p in placed]}"
    )
