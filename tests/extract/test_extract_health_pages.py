"""Regression guard on the shared health pages, scored exactly as bench/extraction.py scores them."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

from pipeline.extract.document import RawPage, extract
from tests.conftest import ROOT

BENCH = ROOT / "bench" / "extraction.py"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("extraction_bench", BENCH)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_trafilatura_eval_snippets(shared: Path, bench: ModuleType) -> None:
    folder = shared / "corpora" / "health-pages" / "trafilatura-eval"
    spec = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    problems = []
    for url, page in spec.items():
        html = (folder / page["file"]).read_bytes().decode("utf-8", "replace")
        text = extract(RawPage(source=url, html=html, url=url)).text
        problems += [f"missing {s!r}" for s in page["with"] if not bench.contains_snippet(text, s)]
        problems += [f"kept {s!r}" for s in page["without"] if bench.contains_snippet(text, s)]
    assert not problems


def test_nhs_choices_pages(shared: Path, bench: ModuleType) -> None:
    rows, same_rows = [], []
    for content in sorted((shared / "corpora" / "health-pages" / "nhs-choices-2016").glob("*.content")):
        html = content.with_suffix(".html").read_bytes().decode("utf-8", "replace")
        expected = content.read_text(encoding="utf-8")
        doc = extract(RawPage(source=content.stem, html=html))
        assert doc.title == content.with_suffix(".title").read_text(encoding="utf-8").strip()
        rows.append(bench.match(expected, bench.article_body(doc)))
        same = extract(RawPage(source=content.stem, html=bench._drop_nbsp(html)))
        same_rows.append(bench.match(expected, bench.article_body(same)))
    # As scored, the annotation's joined words ("Zikaoutbreaks") cap F1 at 0.948 (next test); with
    # its spacing, near 1.
    assert bench.summarise(rows)["f1"] >= 0.946
    assert bench.summarise(same_rows)["f1"] >= 0.998


def test_nhs_choices_ceiling_with_the_annotators_selectors(shared: Path, bench: ModuleType) -> None:
    """The annotators' own selectors as a site profile give their text exactly, once the page's
    non-breaking spaces are deleted as they deleted them; with the words kept apart, that exact text
    scores 0.948, the most an extractor that does not join words can reach."""
    def annotators(stem: str, html: str) -> str:
        return str(bench.article_body(extract(RawPage(source=stem, html=html), bench.ANNOTATORS)))

    rows = bench.nhs_rows(annotators, annotation_spacing=False)
    same_rows = bench.nhs_rows(annotators, annotation_spacing=True)
    assert bench.summarise(same_rows)["f1"] == pytest.approx(1.0)
    assert bench.summarise(rows)["f1"] == pytest.approx(0.948, abs=0.001)


def test_snippet_matching_ignores_end_punctuation_only(bench: ModuleType) -> None:
    text = "Primary Funding Source.\nThe vaccination reduces hospitalizations."
    assert bench.contains_snippet(text, "Primary Funding Source:")
    assert bench.contains_snippet(text, "cination reduces hospitaliz")
    assert not bench.contains_snippet(text, "Funding Sources")
    assert not bench.contains_snippet(text, "reduces deaths")
