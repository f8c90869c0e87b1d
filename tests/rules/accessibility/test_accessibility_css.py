"""The stylesheet's rule index must find exactly what matching every rule against every element finds."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.rules.accessibility.css import PROPERTIES, StyleSheet, _compounds, declarations


@pytest.mark.parametrize(
    ("selector", "keys"),
    [
        ("div.a > p", [("class", "a"), ("tag", "p")]),
        ("#Main .x", [("id", "main"), ("class", "x")]),
        ("ul li:not(.y)", [("tag", "ul"), ("tag", "li")]),
        ("div [x]", [("tag", "div"), ("attribute", "x")]),
        ("[Data-X = '1'][y]", [("attribute", "data-x")]),
        ('div > [title="a .b #c"] span', [("tag", "div"), ("attribute", "title"), ("tag", "span")]),
        (":is(.a, .b)", [None]),
        (":not([x])", [None]),
        ("a  >  b", [("tag", "a"), ("tag", "b")]),
        ("svg|rect", None),
        (r".a\:b", None),
    ],
)
def test_compound_keys(selector: str, keys: list[tuple[str, str] | None] | None) -> None:
    compounds = _compounds(selector)
    assert (None if compounds is None else [c.key for c in compounds]) == keys


@pytest.mark.parametrize(
    ("selector", "ancestors"),
    [
        ("a b > c", [True, True, True]),
        ("a + b c", [False, True, True]),
        ("a b ~ c", [True, False, True]),
        ("a  ~  b>c", [False, True, True]),
    ],
)
def test_compounds_left_of_sibling_combinators_are_not_ancestors(selector: str, ancestors: list[bool]) -> None:
    assert [c.ancestor for c in _compounds(selector) or []] == ancestors


def test_rules_that_set_no_tracked_property_are_not_matched_and_untracked_properties_raise() -> None:
    soup = BeautifulSoup(
        "<style>p { color: red } .x { display: none }</style><p class='x'>a</p>", "lxml", multi_valued_attributes=None
    )
    sheet = StyleSheet.from_page(soup)
    assert sheet.value(soup.p, "display") == "none"  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="color"):
        sheet.value(soup.p, "color")  # type: ignore[arg-type]


def _reference(soup: BeautifulSoup) -> dict[int, dict[str, str]]:
    """Every selector matched against the whole document, in source order, as the cascade reads it."""
    out: dict[int, dict[str, str]] = {}
    for style in soup.find_all("style"):
        for rule in style.get_text().split("}"):
            selectors, _, block = rule.partition("{")
            decls = {k: v for k, v in declarations(block).items() if k in PROPERTIES}
            for selector in selectors.split(","):
                if not selector.strip() or not decls:
                    continue
                try:
                    matched = soup.select(selector.strip())
                except Exception:
                    continue
                for el in matched:
                    current = out.setdefault(id(el), {})
                    for prop, value in decls.items():
                        if "!important" in current.get(prop, "") and "!important" not in value:
                            continue
                        current[prop] = value
    return out


NAMES = ["a", "B", "main", "x-y"]
TAGS = ["div", "p", "span", "li", "ul", "section"]
COMPOUND = st.one_of(
    st.sampled_from(TAGS),
    st.sampled_from(NAMES).map(lambda n: "." + n),
    st.sampled_from(NAMES).map(lambda n: "#" + n),
    st.tuples(st.sampled_from(TAGS), st.sampled_from(NAMES)).map(lambda t: f"{t[0]}.{t[1]}"),
    st.sampled_from(
        ["*", "[hidden]", "[HIDDEN]", '[title="x .a"]', "[data-x=B]", "div[data-x]", ":not(.a)",
         ":not([hidden])", ":is(.a, #b)", "p:first-child", "[lang|=en]", ":scope"]
    ),
)
SELECTOR = st.lists(st.tuples(COMPOUND, st.sampled_from([" ", " > ", " + ", " ~ "])), min_size=1, max_size=3).map(
    lambda parts: "".join(c + sep for c, sep in parts[:-1]) + parts[-1][0]
)
DECL = st.sampled_from(["display: none", "visibility: hidden", "display: block !important", "color: red", "top: -9999px"])


@st.composite
def element(draw: st.DrawFn, depth: int = 0) -> str:
    tag = draw(st.sampled_from(TAGS))
    cls = draw(st.sampled_from([" ", "\t", "\u00a0"])).join(draw(st.lists(st.sampled_from(NAMES), max_size=2)))
    ident = draw(st.sampled_from(["", *NAMES]))
    extra = draw(st.sampled_from(["", " hidden", ' data-x="B"', ' DATA-X="a" title="x .a"']))
    attrs = (f' class="{cls}"' if cls else "") + (f' id="{ident}"' if ident else "") + extra
    kids = draw(st.lists(element(depth + 1), max_size=3)) if depth < 3 else []
    return f"<{tag}{attrs}>t{''.join(kids)}</{tag}>"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=st.lists(element(), min_size=1, max_size=3), rules=st.lists(st.tuples(SELECTOR, DECL), max_size=6))
def test_index_finds_what_matching_everything_finds(body: list[str], rules: list[tuple[str, str]]) -> None:
    css = "".join(f"{sel} {{ {decl} }}" for sel, decl in rules)
    soup = BeautifulSoup(f"<html><head><style>{css}</style></head><body>{''.join(body)}</body></html>", "lxml",
                         multi_valued_attributes=None)
    assert StyleSheet.from_page(soup).by_element == _reference(soup)


def test_scope_is_the_document_root_not_each_element() -> None:
    soup = BeautifulSoup(
        "<html><head><style>:scope { display: none } :scope > body { visibility: hidden }</style></head>"
        "<body><p>x</p></body></html>",
        "lxml",
        multi_valued_attributes=None,
    )
    sheet = StyleSheet.from_page(soup)
    assert [sheet.value(soup.find(t), "display") for t in ("html", "body", "p")] == ["none", None, None]  # type: ignore[arg-type]
    assert sheet.value(soup.body, "visibility") == "hidden"  # type: ignore[arg-type]
