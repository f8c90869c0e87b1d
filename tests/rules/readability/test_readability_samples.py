"""The sample articles' readability, as pinned in samples/expected/<name>.yaml under `readability`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from pipeline.config import from_mapping
from pipeline.ingest.sources import Source
from pipeline.model import ArticleResult
from pipeline.run.runner import audit_source
from tests.conftest import SAMPLES, make_context

PINNED = sorted(
    p.stem
    for p in (SAMPLES / "expected").glob("*.yaml")
    if "readability" in (yaml.safe_load(p.read_text(encoding="utf-8")) or {})
)


def _expected(name: str) -> dict[str, Any]:
    data = yaml.safe_load((SAMPLES / "expected" / f"{name}.yaml").read_text(encoding="utf-8"))
    return dict(data["readability"])


def _audit(name: str) -> ArticleResult:
    ctx = make_context(from_mapping({"select": ["RD"], "grammar": {"enabled": False}}))
    return audit_source(Source("file", str(Path(SAMPLES / "articles" / f"{name}.html"))), ctx)


def test_the_seed_sample_is_pinned() -> None:
    assert "sepsis-causes" in PINNED
    want = _expected("sepsis-causes")
    assert {"smog", "uk_reading_age", "long_sentences"} <= set(want)


@pytest.mark.parametrize("name", PINNED)
def test_sample_readability(name: str) -> None:
    want = _expected(name)
    result = _audit(name)
    m = result.metrics["readability"]
    within = want.get("within", 0.0)
    for key in ("smog", "uk_reading_age"):
        if key in want:
            assert m[key] == pytest.approx(want[key], abs=within), key
    if "low_confidence" in want:
        assert m["low_confidence"] is want["low_confidence"]
    rd = [f for f in result.findings if f.rule.startswith("RD")]
    if "long_sentences" in want:
        got = [(f.rule, f.data["words"], f.excerpt or "") for f in rd if f.rule in ("RD004", "RD005")]
        assert [(r, n) for r, n, _ in got] == [(s["rule"], s["words"]) for s in want["long_sentences"]]
        for (_, _, excerpt), s in zip(got, want["long_sentences"], strict=True):
            assert excerpt.startswith(s["starts"]), (excerpt, s["starts"])
        assert m["long_sentences"] == len(want["long_sentences"])
    if "very_long_sentences" in want:
        assert sum(f.rule == "RD005" for f in rd) == want["very_long_sentences"] == m["very_long_sentences"]
    if "passive" in want:
        excerpts = [f.excerpt for f in rd if f.rule == "RD007"]
        for phrase in want["passive"]:
            assert phrase in excerpts, (phrase, excerpts)
    if "sections_far_above_rest" in want:
        assert [f.excerpt for f in rd if f.rule == "RD003"] == want["sections_far_above_rest"]
    if "rewrite_first" in want:
        hardest = next(s for s in m["sections"] if s["index"] == m["rewrite_first"])
        assert hardest["heading"] == want["rewrite_first"]
