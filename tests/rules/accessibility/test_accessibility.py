"""Static accessibility checks (AX): locations, robustness on broken and enormous pages, parsers."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from pipeline.config import AccessibilityConfig
from pipeline.rules import RULES
from pipeline.rules.accessibility.checks import markup_findings
from pipeline.rules.accessibility.merge import wcag_tags
from pipeline.rules.accessibility.static_document import refresh_delay, valid_language_tag
from pipeline.rules.accessibility.static_forms_style import valid_autocomplete

CFG = AccessibilityConfig()
HEAD = '<html lang="en"><head><title>Colds - NHS</title></head><body><main><h1>Colds</h1>'


def findings(body: str, head: str = HEAD, cfg: AccessibilityConfig = CFG) -> list:
    return markup_findings(head + body + "</main></body></html>", "page.html", cfg)


def test_finding_carries_selector_excerpt_and_tags() -> None:
    html = HEAD + '<p>Rash.</p><img src="a.png" alt="A"><img src="b.png"></main></body></html>'
    [alt] = [f for f in markup_findings(html, "page.html", CFG) if f.rule == "AX005"]
    soup = BeautifulSoup(html, "lxml")
    assert alt.selector is not None
    [found] = soup.select(alt.selector)
    assert found is soup.find_all("img")[1], alt.selector
    assert alt.excerpt == '<img src="b.png">'
    assert {"wcag:1.1.1", "act:23a2a8"} <= set(alt.tags)
    assert alt.outcome == "fail" and alt.level == RULES["AX005"].default_level


def test_twin_siblings_get_distinct_selectors() -> None:
    html = HEAD + "<p><a href='/x'></a><a href='/x'></a></p></main></body></html>"
    selectors = [f.selector for f in markup_findings(html, "page.html", CFG) if f.rule == "AX010"]
    assert selectors == [
        "html > body > main > p > a:nth-of-type(1)",
        "html > body > main > p > a:nth-of-type(2)",
    ]


def test_clean_article_has_no_failures() -> None:
    body = (
        "<p>A cold is a mild infection.</p><h2>Symptoms</h2><ul><li>a sore throat</li></ul>"
        '<img src="nose.png" alt="A runny nose"><p><a href="/111">Get help from 111 online</a></p>'
        '<form><label for="age">Age</label><input id="age" autocomplete="bday"></form>'
        "<table><tr><th>Age</th><th>Dose</th></tr><tr><td>2</td><td>5ml</td></tr></table>"
    )
    assert [f.rule for f in findings(body) if f.outcome == "fail"] == []


@pytest.mark.parametrize(
    "broken",
    [
        "<html><body><p>Unclosed <b>bold <i>italic</p></div></span><li>stray</body>",
        "<table><td><tr><th></table></th><img src=x alt=>",
        "\x00\x01garbage<<<>>> <a href='/'>< /a> <!-- unclosed comment",
        "<svg role=img><title></title><math><mi aria-level=x>1</mi></svg>",
        "<div aria-labelledby='a' id='a'><span aria-labelledby='b' id='b'>loop</span></div>",
        '<meta http-equiv=refresh content="1e99999"><meta name=viewport content="maximum-scale=,,,">',
        "<ul role=list aria-owns='a b'><li id=a aria-owns='b'><li id=b aria-owns='a'></ul>",
        "<table><tr><td rowspan=99999 colspan=99999 headers=x>x</td></tr></table>",
        "",
    ],
)
def test_malformed_markup_never_crashes(broken: str) -> None:
    out = markup_findings(broken, "page.html", CFG)
    assert not [f for f in out if f.rule == "EX003"], [f.message for f in out if f.rule == "EX003"]


def test_deeply_nested_page_is_handled() -> None:
    html = (
        "<html><body>"
        + "<div>" * 3000
        + '<a href="/">'
        + "<span>" * 1500
        + "</a><img src=x>"
        + "</body></html>"
    )
    out = markup_findings(html, "page.html", CFG)
    assert not [f for f in out if f.rule == "EX003"], [f.message for f in out if f.rule == "EX003"]
    assert any(f.rule == "AX005" for f in out)


def test_enormous_page_is_capped_and_linear() -> None:
    items = "".join(
        f"<p>Step {i}. <img src='s{i}.png'> <a href='/s{i}'>click here</a></p>" for i in range(6000)
    )
    html = HEAD + items + "</main></body></html>"
    assert len(html) > 300_000
    started = time.perf_counter()
    out = markup_findings(html, "page.html", CFG)
    elapsed = time.perf_counter() - started
    alt = [f for f in out if f.rule == "AX005"]
    assert len(alt) == CFG.max_findings_per_rule + 1  # the listed ones, then one that counts the rest
    assert alt[-1].selector is None and alt[-1].data["not_listed"] == 6000 - CFG.max_findings_per_rule
    assert elapsed < 45, elapsed  # generous: CI machines are shared


def test_plain_text_article_has_no_markup_findings() -> None:
    from pipeline.config import from_mapping
    from pipeline.extract.document import from_text
    from pipeline.run.assembly import audit_document
    from tests.conftest import make_context

    doc = from_text("note.txt", "A cold is a mild infection of the nose and throat.")
    result = audit_document(doc, make_context(from_mapping({})))
    assert not [f for f in result.findings if f.rule.startswith("AX")]


def test_vague_link_phrases_come_from_the_data_file(tmp_path: Path) -> None:
    data = tmp_path / "links.yaml"
    data.write_text("phrases: [tap for info]\n", encoding="utf-8")
    cfg = CFG.model_copy(update={"link_text": str(data)})
    body = '<p><a href="/a">Tap for info!</a> <a href="/b">Click here</a></p>'
    assert [f.excerpt for f in findings(body, cfg=cfg) if f.rule == "AX011"] == [
        '<a href="/a">Tap for info!</a>'
    ]


def test_hidden_content_is_not_checked() -> None:
    body = (
        '<p>Text.</p><div style="display:none"><img src="a.png"></div><div hidden><a href="/"></a></div>'
        '<style>.gone { display: none }</style><button class="gone"></button>'
    )
    rules = {f.rule for f in findings(body) if f.outcome == "fail"}
    assert not rules & {"AX005", "AX010", "AX041"}, rules


@pytest.mark.parametrize(
    ("content", "delay"),
    [
        ("30", 30),
        ("0; URL=/x", 0),
        (".5; /x", 0),
        ("5, /x", 5),
        ("+5", None),
        ("0: /x", None),
        ("", None),
        ("; 30", None),
    ],
)
def test_refresh_delay_is_parsed_as_browsers_do(content: str, delay: int | None) -> None:
    assert refresh_delay(content) == delay


@pytest.mark.parametrize(
    ("tag", "valid"),
    [
        ("en", True),
        ("EN-gb", True),
        ("cy", True),
        ("fr-CA", True),
        ("eng", False),
        ("english", False),
        ("i-lux", False),
        ("#1", False),
        ("qaa", True),
    ],
)
def test_language_tags(tag: str, valid: bool) -> None:
    assert valid_language_tag(tag) is valid


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("email", True),
        ("work email", True),
        ("section-a billing address-line1", True),
        ("off", True),
        ("current-password webauthn", True),
        ("work photo", False),
        ("shipping", False),
        ("email invalid", False),
        ("work,email", False),
        ("address-line1 address-line2", False),
    ],
)
def test_autocomplete_tokens(value: str, valid: bool) -> None:
    assert valid_autocomplete(value) is valid


def test_axe_wcag_tags_are_converted() -> None:
    assert wcag_tags(["wcag2a", "wcag111", "wcag1410", "best-practice", "ACT"]) == [
        "wcag:1.1.1",
        "wcag:1.4.10",
    ]


def test_every_ax_rule_names_its_sources() -> None:
    for code, r in RULES.items():
        if code.startswith("AX") and code not in ("AX900", "AX901"):
            assert any(t.startswith("wcag:") for t in r.tags), code
