"""The annotated set of real pages (tests/data/terms) and the figures the MT checks must reach on it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support.paths import shared_path
from tests.support.terms import DATA, evaluate, load_article, locate_labels

SPEC = yaml.safe_load((DATA / "labels.yaml").read_text(encoding="utf-8"))


def test_the_set_has_enough_labelled_first_uses_with_their_sources(shared: Path) -> None:
    labels = [t for a in SPEC["articles"] for t in a["terms"]]
    assert len(labels) >= 150
    assert {t["label"] for t in labels} == {"unexplained", "late", "explained", "familiar"}
    for art in SPEC["articles"]:
        assert (DATA / "articles" / art["file"]).is_file()
        assert art["licence"] and art["url"] and art["publisher"]
        assert art["source"].startswith("corpora/health-pages/"), "a page in ../shared, named relative to it"
        source = shared_path(art["source"])
        assert source.is_relative_to(shared) and source.is_file(), source


@pytest.mark.parametrize("article", SPEC["articles"], ids=[a["file"] for a in SPEC["articles"]])
def test_every_label_is_found_at_a_first_use(article: dict[str, Any]) -> None:
    doc = load_article(DATA / "articles" / article["file"])
    forms = {t["term"]: {f.lower() for f in [t["term"], *t.get("forms", [])]} for t in article["terms"]}
    located = locate_labels(doc.text, article["terms"])
    assert [lab.term for lab in located] == [t["term"] for t in article["terms"]]
    for lab in located:
        assert doc.text[lab.start : lab.end].lower() in forms[lab.term]


def test_unexplained_at_first_use_meets_the_targets() -> None:
    score, labelled, _ = evaluate()
    assert labelled >= 150
    assert score.precision >= 0.85, score.false_alarms
    assert score.recall >= 0.85, score.misses
