"""Every sample page: the expected article text is scored, and no navigation, ad slot or promo is.

samples/expected/<stem>.yaml lists `scored_text_includes` (white space folded, as written) and
`scored_text_excludes` (whole words, case as written); boilerplate that is visible on the page
must be recorded in `stripped` rather than lost.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from bs4 import BeautifulSoup, Tag

from pipeline.config import from_mapping
from pipeline.extract.dom import Walker
from pipeline.extract.inputs import load
from pipeline.ingest.sources import Source
from pipeline.model import Document
from tests.conftest import SAMPLES

ARTICLES = sorted((SAMPLES / "articles").glob("*.html"))
CONFIG = from_mapping({"grammar": {"enabled": False}})


def _fold(text: str) -> str:
    return " ".join(text.split())


def _has_phrase(text: str, phrase: str) -> bool:
    """`phrase` as whole words: "Home" is not found in "homely", "Share" not in "Shared"."""
    return re.search(r"(?<!\w)" + re.escape(_fold(phrase)) + r"(?!\w)", _fold(text)) is not None


def _expected(page: Path) -> dict[str, Any]:
    path = SAMPLES / "expected" / f"{page.stem}.yaml"
    if not path.exists():
        pytest.fail(f"{path} is missing: every sample page needs its expected extraction")
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    assert data.get("scored_text_includes"), f"{path} lists no scored_text_includes"
    return data


def _visible_text(html: str) -> str:
    soup = BeautifulSoup(html, "lxml")
    root = soup.body if isinstance(soup.body, Tag) else soup
    return "\n".join(c.text for c in Walker().walk(root))


@pytest.fixture(scope="module")
def documents() -> dict[str, Document]:
    return {p.stem: load(Source("file", str(p)), CONFIG) for p in ARTICLES}


def test_there_are_samples() -> None:
    assert len(ARTICLES) >= 3, "samples/articles should hold realistic article pages"


@pytest.mark.parametrize("page", ARTICLES, ids=[p.stem for p in ARTICLES])
def test_scored_text_includes_article(page: Path, documents: dict[str, Document]) -> None:
    doc = documents[page.stem]
    expected = _expected(page)
    missing = [s for s in expected["scored_text_includes"] if _fold(s) not in _fold(doc.text)]
    assert not missing, f"article text missing from the scored text of {page.name}: {missing}"
    if "title" in expected:
        assert doc.title == expected["title"]


@pytest.mark.parametrize("page", ARTICLES, ids=[p.stem for p in ARTICLES])
def test_scored_text_excludes_boilerplate(page: Path, documents: dict[str, Document]) -> None:
    doc = documents[page.stem]
    kept = [s for s in _expected(page).get("scored_text_excludes", []) if _has_phrase(doc.text, s)]
    assert not kept, f"boilerplate in the scored text of {page.name}: {kept}"


@pytest.mark.parametrize("page", ARTICLES, ids=[p.stem for p in ARTICLES])
def test_stripped_boilerplate_is_recorded(page: Path, documents: dict[str, Document]) -> None:
    """What a reader sees on the page but is not scored stays visible to the reviewer."""
    doc = documents[page.stem]
    assert doc.stripped, f"{page.name}: nothing recorded as stripped"
    visible = _visible_text(page.read_text(encoding="utf-8"))
    stripped = "\n".join(doc.stripped)
    lost = [
        s
        for s in _expected(page).get("scored_text_excludes", [])
        if _has_phrase(visible, s) and not _has_phrase(stripped, s)
    ]
    assert not lost, f"{page.name}: boilerplate neither scored nor recorded as stripped: {lost}"


@pytest.mark.parametrize("page", ARTICLES, ids=[p.stem for p in ARTICLES])
def test_sample_blocks_and_dates(page: Path, documents: dict[str, Document]) -> None:
    doc = documents[page.stem]
    assert doc.language, f"{page.name}: no language found"
    assert any(b.kind == "heading" for b in doc.blocks)
    assert all(b.selector for b in doc.blocks), "every block points back to its element"
    assert any(doc.dates.get(k) for k in ("published", "reviewed")), doc.dates
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", v) for v in doc.dates.values() if v), doc.dates
