"""Article structure, not link density alone: which link-heavy blocks are article and which are furniture.

A main-text detector judges a block by how much of it is links, so it drops a symptom list made of
link "chips" and a one-sentence paragraph that is one link, and it cannot tell an in-page contents
list or a block of related-article cards from the article. Where a block sits says more:
- a list of links under the article's own heading, between article blocks, is content;
- a short paragraph with a link, between two article blocks, is content;
- a list whose links go to the page's own anchors is an in-page contents list: furniture;
- a heading over nothing but link cards (each with a picture or a title heading, or under a
  "related"/"picks" heading) is a promo: furniture with its cards, wherever it sits.
"""

from __future__ import annotations

from bs4 import BeautifulSoup, Tag

from pipeline.extract.boilerplate import is_related_heading
from pipeline.extract.dom import Candidate, innermost_common

# A link chip or a contents entry is a few words; longer link items are teasers.
CHIP_MAX_WORDS = 10
# A one-link paragraph of the body is a sentence, not a block of text.
LINK_PARAGRAPH_MAX_WORDS = 30
LINK_PARAGRAPH_MIN_WORDS = 4  # "Learn more", "Next" are labels, not sentences
# A sentence around a link has words of its own; a paragraph that is only a link (often shouted in
# capitals) is an in-body promo for another story.
LINK_PARAGRAPH_MAX_LINKS = 0.8
# A longer dropped stretch between article blocks is more likely an inserted promo than the article.
SANDWICH_MAX_BLOCKS = 20
_CARD_INNER = ("img", "picture", "h2", "h3", "h4", "h5", "h6")


def contents_lists(soup: BeautifulSoup) -> set[int]:
    """Lists whose links go to anchors on the same page ("On this page", "Contents"): furniture."""
    out: set[int] = set()
    for lst in soup.find_all(("ul", "ol")):
        links = [a for a in lst.find_all("a", href=True) if isinstance(a, Tag)]
        if len(links) < 2:
            continue
        anchors = sum(1 for a in links if str(a["href"]).startswith("#") and len(str(a["href"])) > 1)
        if anchors >= 0.8 * len(links):
            out.add(id(lst))
    return out


def in_any(c: Candidate, ids: set[int]) -> bool:
    return any(id(el) in ids for el in (*c.ancestors, c.element))


def _region(candidates: list[Candidate], keep: list[bool]) -> Tag | None:
    """The innermost element around every kept block, or None when that is the whole page."""
    region = innermost_common(candidates, keep)
    if region is None or region.name in ("body", "html", "[document]"):
        return None
    return region


def _inside(c: Candidate, region: Tag) -> bool:
    rid = id(region)
    return any(id(el) == rid for el in (*c.ancestors, c.element))


def _list_of(c: Candidate) -> Tag | None:
    for el in reversed((*c.ancestors, c.element)):
        if el.name in ("ul", "ol"):
            return el
    return None


def recover_link_content(candidates: list[Candidate], keep: list[bool], reasons: list[str | None]) -> None:
    """Link lists under an article heading and one-link sentences in the body, which the detector
    dropped for their links, are article text when they sit between article blocks."""
    region = _region(candidates, keep)
    if region is None:
        return
    n = len(candidates)
    i = 0
    while i < n:
        c = candidates[i]
        if keep[i] or reasons[i] not in ("outside the article", "link list") or not _inside(c, region):
            i += 1
            continue
        run = _chip_run(candidates, i, keep, reasons)
        if run and _follows_heading(candidates, keep, i) and _before_article(candidates, keep, run[-1] + 1):
            for k in run:
                keep[k], reasons[k] = True, None
            i = run[-1] + 1
            continue
        if (
            c.kind == "paragraph"
            and c.element.name == "p"
            and 0 < c.link_density <= LINK_PARAGRAPH_MAX_LINKS
            and not c.text.isupper()
            and LINK_PARAGRAPH_MIN_WORDS <= c.words <= LINK_PARAGRAPH_MAX_WORDS
            and i > 0
            and keep[i - 1]
            and candidates[i - 1].kind != "heading"
            and _before_article(candidates, keep, i + 1)
        ):
            keep[i], reasons[i] = True, None
        i += 1


def recover_sandwiched_prose(candidates: list[Candidate], keep: list[bool], reasons: list[str | None]) -> None:
    """Runs of sentences the detector dropped between two article blocks (a list of quotations, a
    paragraph after a figure) are article text: the article does not stop and start again."""
    region = _region(candidates, keep)
    if region is None:
        return
    i = 0
    while i < len(candidates):
        if keep[i] or i == 0 or not keep[i - 1]:
            i += 1
            continue
        j = i
        while j < len(candidates) and not keep[j] and _dropped_sentence(candidates[j], reasons[j], region):
            j += 1
        if j > i and j < len(candidates) and keep[j] and j - i <= SANDWICH_MAX_BLOCKS:
            for k in range(i, j):
                keep[k], reasons[k] = True, None
        i = max(j, i + 1)


def _dropped_sentence(c: Candidate, reason: str | None, region: Tag) -> bool:
    """A dropped sentence, or a lead-in line that introduces what follows ("What you'll need:")."""
    lead_in = c.kind == "paragraph" and c.text.rstrip().endswith(":")
    return (
        reason == "outside the article"
        and c.kind in ("paragraph", "list_item")
        and (c.words >= 6 or lead_in)
        and c.link_density < 0.3
        and _inside(c, region)
    )


def _chip_run(candidates: list[Candidate], start: int, keep: list[bool], reasons: list[str | None]) -> list[int]:
    """The dropped items of one list from `start`: short, link-heavy, not a contents list."""
    first = candidates[start]
    lst = _list_of(first)
    if lst is None or first.kind != "list_item":
        # Chips written as links side by side in one block ("<div><a>fever</a> <a>rash</a></div>").
        loose = first.kind == "paragraph" and first.link_density >= 0.5 and first.element.name != "p"
        return [start] if loose and first.words <= 3 * CHIP_MAX_WORDS else []
    run: list[int] = []
    for k in range(start, len(candidates)):
        c = candidates[k]
        if _list_of(c) is not lst:
            break
        if keep[k] or reasons[k] not in ("outside the article", "link list") or c.words > CHIP_MAX_WORDS:
            return []
        run.append(k)
    return run if len(run) >= 2 else []


def _follows_heading(candidates: list[Candidate], keep: list[bool], i: int) -> bool:
    """The block before `i` is a kept article heading, or a kept lead-in line just under one."""
    j = i - 1
    if j >= 0 and keep[j] and candidates[j].kind == "paragraph" and candidates[j].words <= 25:
        j -= 1  # "Symptoms include:"
    return j >= 0 and keep[j] and candidates[j].kind == "heading" and candidates[j].link_density < 0.5


def _before_article(candidates: list[Candidate], keep: list[bool], j: int) -> bool:
    """The next block is article text: the run sits inside the body, not after its end."""
    return j < len(candidates) and keep[j]


def drop_card_promos(
    candidates: list[Candidate], keep: list[bool], reasons: list[str | None], containers: dict[int, Tag]
) -> None:
    """A heading whose own box holds only link cards, and the cards: related-article promos."""
    for i, c in enumerate(candidates):
        if not (keep[i] and c.kind == "heading" and c.link_density < 0.5):
            continue
        box, members = _box(candidates, i)
        if box is None or not members:
            continue
        if not all(_is_link(candidates[k]) for k in members):
            continue  # the box has text of its own: a section of the article
        cards = sum(1 for a in box.find_all("a", href=True) if isinstance(a, Tag) and a.find(_CARD_INNER))
        if not (is_related_heading(c.text) or cards >= 2):
            continue  # links under a topical heading ("Symptoms") are the article's list
        for k in (i, *members):
            keep[k], reasons[k] = False, "related links"
            containers[k] = box


def _is_link(c: Candidate) -> bool:
    """A block that is a link: mostly link text, or inside a link (a card's title heading)."""
    if c.link_density >= 0.9:
        return True
    return any(el.name == "a" and el.has_attr("href") for el in c.ancestors)


def _box(candidates: list[Candidate], i: int) -> tuple[Tag | None, list[int]]:
    """The smallest element around heading `i` that holds other blocks, and those blocks after it."""
    head = candidates[i]
    for el in reversed(head.ancestors):
        if el.name in ("body", "html", "[document]", "main", "article"):
            return None, []
        members = []
        for k in range(i + 1, len(candidates)):
            if not _inside(candidates[k], el):
                break  # an element's blocks are consecutive in reading order
            members.append(k)
        before = any(_inside(candidates[k], el) for k in range(max(0, i - 3), i))
        if members or before:
            return (None, []) if before else (el, members)
    return None, []
