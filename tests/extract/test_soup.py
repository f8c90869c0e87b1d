"""The tree built from lxml's tree must be the tree BeautifulSoup's own lxml builder makes."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import PageElement
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.extract.soup import parse_html
from tests.conftest import ROOT

CORPORA = ROOT.parent / "shared" / "corpora"
_LINKS = ("parent", "next_element", "previous_element", "next_sibling", "previous_sibling")


def reference(html: str) -> BeautifulSoup:
    soup = BeautifulSoup(html, "lxml", multi_valued_attributes=None)
    for node in list(soup.contents):  # white space outside the root element is not kept
        if type(node) is NavigableString and not node.strip():
            node.extract()
    return soup


def shape(soup: BeautifulSoup) -> list[tuple[object, ...]]:
    """Every node with its class, content, attributes (and their classes) and all five links."""
    nodes: list[PageElement] = [soup, *soup.descendants]
    index = {id(n): i for i, n in enumerate(nodes)}
    out: list[tuple[object, ...]] = []
    for node in nodes:
        links = tuple(
            None if getattr(node, k) is None else index.get(id(getattr(node, k)), -1) for k in _LINKS
        )
        if isinstance(node, BeautifulSoup):  # the rest of the document object is parsing state
            out.append(("document", node.is_xml, node.original_encoding, links))
        elif isinstance(node, Tag):
            state = {k: repr(v) for k, v in node.__dict__.items() if k not in (*_LINKS, "contents", "attrs")}
            attrs = tuple((k, v, type(v).__name__) for k, v in node.attrs.items())
            out.append(("tag", node.name, tuple(sorted(state.items())), attrs, links))
        else:
            out.append((type(node).__name__, str(node), links))
    return out


def assert_same(html: str) -> None:
    built = parse_html(html)
    assert shape(built) == shape(reference(html))
    assert built.decode() == reference(html).decode()


def corpus_pages() -> list[Path]:
    pages = sorted((ROOT / "samples").rglob("*.html"))
    pages += sorted((CORPORA / "health-pages").rglob("*.html"))
    pages += sorted((CORPORA / "extraction-benchmark" / "html").glob("*.html.gz"))[:40]
    return pages


def read(path: Path) -> str:
    data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    return data.decode("utf-8", "replace")


# Explicit boolean values ("disabled=disabled") read as empty: the one documented difference.
_EXPLICIT_BOOLEANS = (
    ('disabled="disabled"', "disabled"),
    ('checked="checked"', "checked"),
    ('defer="defer"', "defer"),
    ("selected='selected'", "selected"),
    ('selected="selected"', "selected"),
)


@pytest.mark.parametrize("path", corpus_pages(), ids=lambda p: p.name[:24])
def test_real_pages_give_the_same_tree(path: Path) -> None:
    html = read(path)
    for written, bare in _EXPLICIT_BOOLEANS:
        html = html.replace(written, bare)
    assert_same(html)


def test_the_corpora_are_there() -> None:
    assert len(corpus_pages()) > 50, "../shared/corpora is missing: these comparisons need it"


TAGS = [
    "p",
    "div",
    "span",
    "a",
    "pre",
    "textarea",
    "script",
    "style",
    "template",
    "table",
    "td",
    "li",
    "ul",
    "svg",
    "path",
    "b",
    "br",
    "img",
    "input",
    "option",
    "head",
    "body",
    "title",
    "meta",
    "rt",
]
ATTRS = st.sampled_from(
    [
        "",
        ' class="a  b"',
        " id=x",
        " hidden",
        " disabled",
        " selected",
        ' data-x="1 &amp; 2"',
        ' charset="utf-8"',
        ' content="text/html; charset=latin-1" http-equiv="Content-Type"',
        " CLASS=Y",
    ]
)
TEXTS = st.sampled_from(
    [
        "",
        " ",
        "\n",
        "  \n\t",
        "text",
        " a b ",
        "&amp; &nbsp;",
        "x<y",
        "<!-- c -->",
        "<!---->",
        "<?php x ?>",
        "]]>",
        "\u00a0",
        "café",
    ]
)


@st.composite
def markup(draw: st.DrawFn, depth: int = 0) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        if depth < 4 and draw(st.booleans()):
            tag = draw(st.sampled_from(TAGS))
            inner = draw(markup(depth + 1))
            close = draw(st.sampled_from([f"</{tag}>", ""]))  # unclosed tags are common in the wild
            parts.append(f"<{tag}{draw(ATTRS)}>{inner}{close}")
        else:
            parts.append(draw(TEXTS))
    return "".join(parts)


PROLOG = st.sampled_from(
    ["", "<!DOCTYPE html>", "\n<!doctype html>\n", "<!-- c --><!DOCTYPE html>", "\ufeff"]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    prolog=PROLOG, body=markup(), wrap=st.booleans(), after=st.sampled_from(["", "\n", "<!-- end -->", "x"])
)
def test_generated_markup_gives_the_same_tree(prolog: str, body: str, wrap: bool, after: str) -> None:
    html = (
        f"{prolog}<html><head><title>t</title></head><body>{body}</body></html>{after}"
        if wrap
        else prolog + body
    )
    assert_same(html)


@pytest.mark.parametrize(
    "html",
    [
        "",
        "   ",
        '<?xml version="1.0" encoding="iso-8859-1"?><html><body><p>x</p></body></html>',
        "\x00<p>a</p>",
    ],
)
def test_what_lxml_refuses_goes_through_beautifulsoup(html: str) -> None:
    assert parse_html(html).decode() == BeautifulSoup(html, "lxml", multi_valued_attributes=None).decode()


@pytest.mark.parametrize("depth", [300, 1999, 2100, 5000])
def test_deep_nesting_keeps_every_level_and_does_not_overflow_the_stack(depth: int) -> None:
    html = "<div>" * depth + "deep" + "</div>" * depth
    soup = parse_html(html)
    assert soup.get_text() == "deep" and len(soup.find_all("div")) == depth
