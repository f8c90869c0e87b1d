"""Property-based tests: extraction and sentence normalisation on arbitrary input.

No crash on any markup; every block's span lies inside the text, blocks do not overlap, the text
is exactly the blocks joined, and each block holds the words of the element its selector names.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.config import ExtractionConfig
from pipeline.extract.document import RawPage, extract, from_markdown, from_text
from pipeline.language.sentences import as_sentence, sentence_spans
from pipeline.model import Document

WORD = re.compile(r"\w+")
WORDS = st.sampled_from(
    ["sepsis", "Call", "999", "fever", "Dr.", "e.g.", "2.5", "mg", "café", "A&E", "NHS", "it's", "un", "well",
     "approx.", "—", "?", "!", ":", ";", ",", "(see", "below)", "“quoted”", "\u00a0", "\u200b", "x" * 40]
)
TEXT = st.lists(WORDS, min_size=0, max_size=12).map(" ".join)
INLINE = ["span", "a", "b", "em", "strong", "abbr", "small"]
BLOCK = ["p", "div", "section", "article", "main", "ul", "ol", "li", "h1", "h2", "h3", "blockquote",
         "table", "tr", "td", "th", "nav", "aside", "header", "footer", "figure", "figcaption", "pre"]
CLASSES = ["", "ad-slot", "share-tools", "callout", "promo", "related-content", "visually-hidden",
           "article-body", "nhsuk-warning-callout", "sidebar", "content", "meta"]


def _attrs(draw: st.DrawFn) -> str:
    cls = draw(st.sampled_from(CLASSES))
    ident = draw(st.sampled_from(["", "main", "content", "x1", "bad id", "1st"]))
    parts = [f' class="{cls}"' if cls else "", f' id="{ident}"' if ident else ""]
    if draw(st.booleans()) and draw(st.booleans()):
        parts.append(" hidden")
    return "".join(parts)


@st.composite
def markup(draw: st.DrawFn, depth: int = 0) -> str:
    """Random, often invalid, HTML: nested blocks and inline elements, stray text, scripts, breaks."""
    pieces: list[str] = []
    for _ in range(draw(st.integers(0, 4 if depth < 3 else 1))):
        choice = draw(st.integers(0, 6))
        if choice == 0 or depth >= 3:
            pieces.append(draw(TEXT).replace("<", "&lt;"))
        elif choice == 1:
            tag = draw(st.sampled_from(INLINE))
            pieces.append(f"<{tag}{_attrs(draw)}>{draw(TEXT)}</{tag}>")
        elif choice == 2:
            pieces.append(draw(st.sampled_from(["<br>", "<br><br>", "<hr>", "<img src='a.png' alt='x'>",
                                                "<script>var a = '<p>no</p>';</script>", "<!-- note -->",
                                                "<style>p{}</style>", "</p>", "<li>", "&nbsp;&amp;"])))
        else:
            tag = draw(st.sampled_from(BLOCK))
            pieces.append(f"<{tag}{_attrs(draw)}>{draw(markup(depth + 1))}</{tag}>")
    return "".join(pieces)


PAGES = markup().map(lambda body: f"<html lang='en'><head><title>T</title></head><body>{body}</body></html>")


def _squash(text: str) -> str:
    return re.sub(r"[\s\u200b\u200c\u200d\u2060\ufeff\u00ad]+", "", text)


def _is_subsequence(small: str, big: str) -> bool:
    it = iter(big)
    return all(ch in it for ch in small)


def _check_blocks(doc: Document) -> None:
    text = doc.text
    previous_end = -1
    for block in doc.blocks:
        assert 0 <= block.start < block.end <= len(text)
        assert block.start > previous_end, "blocks overlap or are out of order"
        previous_end = block.end
        assert text[block.start : block.end] == text[block.start : block.end].strip()
        assert WORD.search(text[block.start : block.end]), "a block without words"
    assert text == "\n".join(text[b.start : b.end] for b in doc.blocks)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(PAGES)
def test_blocks_hold_their_elements_words(page: str) -> None:
    doc = extract(RawPage(source="p.html", html=page))
    _check_blocks(doc)
    soup = BeautifulSoup(page, "lxml")
    for block in doc.blocks:
        assert block.selector
        found = soup.select(block.selector)
        assert len(found) == 1, block.selector
        element = _squash(found[0].get_text(""))
        scored = text_without_added_stop(doc.text[block.start : block.end])
        assert _is_subsequence(_squash(scored), element), (scored, found[0])
        for word in WORD.findall(scored):
            assert word in element


def text_without_added_stop(scored: str) -> str:
    """The block's text as on the page, less the full stop that may have been added (or put in place
    of a closing colon) to end the sentence."""
    return scored[:-1] if scored.endswith(".") else scored


@settings(max_examples=40, deadline=None)
@given(PAGES)
def test_markup_rules_alone_keep_the_same_invariants(page: str) -> None:
    _check_blocks(extract(RawPage(source="p.html", html=page), ExtractionConfig(use_trafilatura=False)))


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=400))
def test_no_crash_on_arbitrary_strings(raw: str) -> None:
    for doc in (
        extract(RawPage(source="x.html", html=raw)),
        from_text("x.txt", raw),
        from_markdown("x.md", raw),
    ):
        _check_blocks(doc)
        assert set(doc.dates) >= {"published", "reviewed", "next_review"}


@given(st.text(max_size=120))
def test_as_sentence_keeps_words_and_ends_a_sentence(raw: str) -> None:
    out = as_sentence(raw)
    # Only end punctuation is added or replaced; invisible marks (soft hyphens) are dropped first.
    visible = re.sub(r"[\u00ad\u200b-\u200d\u2060\ufeff]", "", raw)
    assert WORD.findall(out) == WORD.findall(visible)
    if out:
        assert out.rstrip("\"'”’)]»").endswith((".", "!", "?", "…"))
        assert as_sentence(out) == out


@given(st.lists(TEXT, max_size=6).map("\n".join))
def test_sentence_spans_cover_the_text(text: str) -> None:
    spans = sentence_spans(text)
    end = -1
    for span in spans:
        assert 0 <= span.start < span.end <= len(text)
        assert span.start >= end
        end = span.end
        assert "\n" not in text[span.start : span.end]
    assert _squash("".join(text[s.start : s.end] for s in spans)) == _squash(text)


@given(st.sampled_from(["Dr.", "e.g.", "approx.", "Mr.", "i.e.", "vs."]), st.sampled_from(["Smith", "Paracetamol", "5"]),
       st.sampled_from(["2.5", "0.5", "37.8"]))
def test_abbreviations_and_decimals_do_not_split(abbr: str, word: str, number: str) -> None:
    text = f"Take {number} mg as advised by {abbr} {word} today. Then rest."
    assert [text[s.start : s.end] for s in sentence_spans(text)] == [
        f"Take {number} mg as advised by {abbr} {word} today.",
        "Then rest.",
    ]
