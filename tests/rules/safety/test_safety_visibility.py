"""A required safety message counts only if readers would see it and screen readers expose it.

Each hiding technique gets a sepsis page whose only "Call 999 or go to A&E" sentence is hidden,
beside a legitimate visible variant of the same markup.
"""

from __future__ import annotations

import pytest

from pipeline.config import from_mapping
from pipeline.extract.document import RawPage, extract
from pipeline.model import Finding
from pipeline.rules.safety.visibility import page_visibility
from pipeline.run.assembly import audit_document
from tests.conftest import make_context

MESSAGE = "Call 999 or go to A&amp;E if you or someone you look after has any of the warning signs of sepsis."
FACTS = (
    "<p>Sepsis is a life-threatening reaction to an infection.</p>"
    "<p>Sepsis happens when your immune system overreacts to an infection. Anyone can get sepsis.</p>"
    "<p>Sepsis can be hard to spot. The signs of sepsis include slurred speech and mottled skin.</p>"
)


def _page(css: str, message_html: str) -> str:
    return (
        f"<html lang='en'><head><title>Sepsis</title><style>{css}</style></head><body><article>"
        f"<h1>Sepsis</h1><h2>About sepsis</h2>{FACTS}<h2>When to get help</h2>{message_html}"
        "</article></body></html>"
    )


def _sm001(html: str) -> Finding:
    doc = extract(RawPage("test:sepsis", html))
    result = audit_document(doc, make_context(from_mapping({"select": ["SM"]})))
    found = [f for f in result.findings if f.rule == "SM001"]
    assert len(found) == 1, result.findings
    return found[0]


# (name, stylesheet, markup of the message that hides it, the same markup made visible)
HIDDEN_CASES = [
    ("class display none", ".warn{display:none}", f"<p class='warn'>{MESSAGE}</p>", ".warn{display:block}"),
    ("id display none", "#help{display:none}", f"<p id='help'>{MESSAGE}</p>", "p#help{display:block}"),
    ("element rule", "section p{display:none}", f"<section><p>{MESSAGE}</p></section>",
     "section p{display:block}"),
    ("attribute rule", "[data-x=urgent]{visibility:hidden}", f"<p data-x='urgent'>{MESSAGE}</p>",
     "[data-x=urgent]{visibility:visible}"),
    ("font-size 0", ".warn{font-size:0}", f"<p class='warn'>{MESSAGE}</p>", ".warn{font-size:1.2em}"),
    ("off-screen", ".warn{position:absolute;left:-9999px}", f"<p class='warn'>{MESSAGE}</p>",
     ".warn{position:relative;left:2px}"),
    ("white on white", ".warn{color:#fff;background:#fff}", f"<p class='warn'>{MESSAGE}</p>",
     ".warn{color:#fff;background:#005eb8}"),
    ("opacity 0", ".warn{opacity:0}", f"<p class='warn'>{MESSAGE}</p>", ".warn{opacity:0.9}"),
    ("sr-only clip", ".sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}",
     f"<p class='sr'>{MESSAGE}</p>", ".sr{position:static;width:auto;height:auto;overflow:visible;clip:auto}"),
    ("clip-path", ".warn{clip-path:inset(50%)}", f"<p class='warn'>{MESSAGE}</p>",
     ".warn{clip-path:none}"),
    ("zero size overflow hidden", ".warn{height:0;overflow:hidden}", f"<div class='warn'><p>{MESSAGE}</p></div>",
     ".warn{height:auto;overflow:hidden}"),
    ("hidden parent", ".box{display:none}", f"<div class='box'><p><strong>{MESSAGE}</strong></p></div>",
     ".box{display:block}"),
]


@pytest.mark.parametrize(("name", "css", "markup", "shown_css"), HIDDEN_CASES, ids=[c[0] for c in HIDDEN_CASES])
def test_a_hidden_safety_message_does_not_earn_a_pass(name: str, css: str, markup: str, shown_css: str) -> None:
    hidden = _sm001(_page(css, markup))
    assert hidden.outcome == "fail", (name, hidden.message)
    assert "hidden from readers" in hidden.message
    shown = _sm001(_page(css + shown_css, markup))
    assert shown.outcome == "pass", (name, shown.message)


def test_aria_hidden_message_fails_and_the_plain_one_passes() -> None:
    assert _sm001(_page("", f"<p aria-hidden='true'>{MESSAGE}</p>")).outcome == "fail"
    assert _sm001(_page("", f"<p aria-hidden='false'>{MESSAGE}</p>")).outcome == "pass"


def test_a_message_in_a_closed_details_is_review_and_an_open_one_passes() -> None:
    closed = _sm001(_page("", f"<details><summary>When to get help</summary><p>{MESSAGE}</p></details>"))
    assert closed.outcome == "review"
    assert "closed <details>" in closed.message
    opened = _sm001(_page("", f"<details open><summary>Help</summary><p>{MESSAGE}</p></details>"))
    assert opened.outcome == "pass"


def test_what_the_static_pass_cannot_tell_is_review_never_pass() -> None:
    in_media = _sm001(_page("@media (max-width: 600px){.warn{display:none}}", f"<p class='warn'>{MESSAGE}</p>"))
    assert in_media.outcome == "review"
    assert "@media" in in_media.message
    assert in_media.level == "error"  # a rule on the page may hide it: that blocks until checked
    external = _sm001(
        _page("", f"<p>{MESSAGE}</p>").replace("<style>", "<link rel='stylesheet' href='/site.css'><style>")
    )
    assert external.outcome == "review"
    assert "--browser" in external.message
    # Nothing seen hides it; only an unread stylesheet might. Most real pages link one, so this is
    # for the reviewer to confirm and does not block publication.
    assert external.level == "note"
    hidden_too = _sm001(
        _page(".warn{display:none}", f"<p class='warn'>{MESSAGE}</p>").replace(
            "<style>", "<link rel='stylesheet' href='/site.css'><style>"
        )
    )
    assert hidden_too.outcome == "fail" and hidden_too.level == "error"


def test_a_hidden_copy_does_not_spoil_a_visible_one() -> None:
    html = _page(".sr{display:none}", f"<p class='sr'>{MESSAGE}</p><p>{MESSAGE}</p>")
    assert _sm001(html).outcome == "pass"


def test_screen_reader_only_text_is_still_read_as_before() -> None:
    # Only the safety verdict changes: the extracted text keeps text hidden by a stylesheet.
    doc = extract(RawPage("test:sepsis", _page(".warn{display:none}", f"<p class='warn'>{MESSAGE}</p>")))
    assert "Call 999 or go to A&E" in doc.text


def test_page_visibility_reads_inheritance_and_specificity() -> None:
    page = page_visibility(
        "<html><head><style>.a{visibility:hidden} .a .b{visibility:visible} p{font-size:0}"
        " #x{font-size:16px}</style></head><body><div class='a'>gone <span class='b'>back</span></div>"
        "<p>tiny</p><p id='x'>sized</p></body></html>"
    )
    assert page.of("gone") == ("hidden", "visibility: hidden")
    assert page.of("back") == ("visible", "")
    assert page.of("tiny") == ("hidden", "font-size: 0")
    assert page.of("sized") == ("visible", "")
    assert page.of("not on the page") is None
