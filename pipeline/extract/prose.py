"""Never losing an article: the page's largest region of prose as a second opinion on the main text.

trafilatura's choice is right on almost every page, but when it is navigation-like (mostly links,
no sentences), empty, or far shorter than a dense block of prose it left out, the page's own prose
decides instead, and the doubt is reported (EX006) so a reviewer sees it. The region is found as
Readability finds it (paragraphs score the element that holds them), without any class names.
"""

from __future__ import annotations

import re
from collections import Counter

from bs4 import Tag

from pipeline.extract.dom import Candidate

_SENTENCE_END = re.compile(r"[.!?;:…](?:[\"'”’)\]]*)(?:\s|$)|[。！？]")
# Scripts written without spaces between words: a sentence there is counted in characters.
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\u0e00-\u0e7f]")
# Elements that hold one block of text: their region is their parent. A div or cell that holds text
# directly is a region itself (old table layouts put the article's text straight into a <td>).
_TEXT_ELEMENTS = frozenset({"p", "li", "dd", "dt", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6"})
# The chosen text is doubtful when it is under half the prose of the largest prose region...
FAR_SHORTER = 0.5
# ...of at least this many characters (about three sentences), or when it is mostly links.
MIN_REGION_PROSE = 300
NAV_LIKE_LINKS = 0.5


def is_prose(c: Candidate) -> bool:
    """Running text: a sentence or more of words that are mostly not links."""
    return (
        c.kind in ("paragraph", "list_item", "callout", "table_cell")
        and (c.words >= 10 or (len(c.text) >= 30 and _UNSPACED.search(c.text) is not None))
        and c.link_density < 0.3
        and _SENTENCE_END.search(c.text) is not None
    )


def _host(c: Candidate) -> Tag | None:
    if c.element.name in _TEXT_ELEMENTS:
        return c.ancestors[-1] if c.ancestors else None
    return c.element


def _densest_host(candidates: list[Candidate], usable: list[bool]) -> Tag | None:
    """The element holding the most prose directly (its own paragraphs, plus half of its children's),
    as Readability scores paragraphs; never one that holds several separate articles."""
    score: Counter[int] = Counter()
    elements: dict[int, Tag] = {}
    for c, ok in zip(candidates, usable, strict=True):
        if not ok or not is_prose(c):
            continue
        host = _host(c)
        if host is None:
            continue
        score[id(host)] += len(c.text)
        elements[id(host)] = host
        parent = host.parent
        if isinstance(parent, Tag):
            score[id(parent)] += len(c.text) // 2
            elements[id(parent)] = parent
    # A host over several separate articles is a listing of teasers, not one article's body.
    for key, _ in score.most_common(8):
        if _articles_with_prose(candidates, usable, elements[key]) <= 1:
            return elements[key]
    return None


def prose_region(candidates: list[Candidate], usable: list[bool]) -> Tag | None:
    """The element that holds the page's main run of prose, found without trafilatura.

    It starts from the densest host of prose and widens to the outermost ancestor that adds prose,
    so an article split over several wrappers is taken whole; it stops at an ancestor that takes in
    mostly links (a menu column beside the article) or several separate articles (a listing of
    teasers, each with its own prose).
    """
    region = _densest_host(candidates, usable)
    if region is None:
        return None
    best = _region_counts(candidates, usable, region)[0]
    for outer in region.parents:
        if not isinstance(outer, Tag) or outer.name in ("html", "[document]"):
            break
        prose, links, chars = _region_counts(candidates, usable, outer)
        if links > 0.35 * max(1, chars) or _articles_with_prose(candidates, usable, outer) > 1:
            break
        if prose >= 1.2 * best:
            region, best = outer, prose
    return region


def _articles_with_prose(candidates: list[Candidate], usable: list[bool], region: Tag) -> int:
    """How many separate <article> elements inside `region` hold prose."""
    found: set[int] = set()
    for c, ok in zip(candidates, usable, strict=True):
        if ok and is_prose(c) and _inside(c, region):
            for el in (*c.ancestors, c.element):
                if el.name == "article" and el is not region:
                    found.add(id(el))
                    break
    return len(found)


def _region_counts(candidates: list[Candidate], usable: list[bool], region: Tag) -> tuple[int, int, int]:
    """Prose characters, link characters and all characters of the usable blocks inside `region`."""
    prose = links = chars = 0
    for c, ok in zip(candidates, usable, strict=True):
        if ok and _inside(c, region):
            chars += len(c.text)
            links += c.link_chars
            if is_prose(c):
                prose += len(c.text)
    return prose, links, chars


def _inside(c: Candidate, region: Tag) -> bool:
    rid = id(region)
    return any(id(el) == rid for el in (*c.ancestors, c.element))


def _prose_chars(candidates: list[Candidate], keep: list[bool]) -> int:
    return sum(len(c.text) for c, k in zip(candidates, keep, strict=True) if k and is_prose(c))


def _link_share(candidates: list[Candidate], keep: list[bool]) -> float:
    chars = sum(len(c.text) for c, k in zip(candidates, keep, strict=True) if k)
    links = sum(c.link_chars for c, k in zip(candidates, keep, strict=True) if k)
    return links / max(1, chars)


def reconsider(candidates: list[Candidate], keep: list[bool], reasons: list[str | None]) -> list[str]:
    """Check the chosen text against the page's largest prose region; use the region when the choice
    is navigation-like, empty or far shorter. Returns why confidence is low (empty when it is not)."""
    usable = [k or r in ("outside the article", "link list") for k, r in zip(keep, reasons, strict=True)]
    kept_prose = _prose_chars(candidates, keep)
    share = _link_share(candidates, keep)
    # Navigation-like: mostly links and short items, with less prose than a short paragraph or two
    # (a buying guide of product links under a real introduction is an article).
    # A short page of plain words (no links, no sentences) is not navigation: EX005 covers its length.
    nav_like = any(keep) and kept_prose < MIN_REGION_PROSE and share >= NAV_LIKE_LINKS
    region = prose_region(candidates, usable)
    region_prose = _region_counts(candidates, usable, region)[0] if region is not None else 0
    # Nothing kept, or no sentence kept, while the page has prose elsewhere.
    lost = kept_prose == 0 and region_prose > 0
    # "Far shorter" is judged on the densest block of prose, and only when most of it was left out:
    # a detector that kept that block and left out teasers around it was right.
    host = _densest_host(candidates, usable)
    far_shorter = False
    if host is not None:
        host_prose = _region_counts(candidates, usable, host)[0]
        host_kept = _region_counts(candidates, keep, host)[0]
        far_shorter = (
            host_prose >= MIN_REGION_PROSE and kept_prose < FAR_SHORTER * host_prose and host_kept < 0.5 * host_prose
        )
    if not (nav_like or lost or far_shorter):
        return []
    if nav_like:
        why = f"the text first chosen was navigation-like ({share:.0%} of it links, {kept_prose} characters of prose)"
    elif lost:
        why = "the main-text detector found no sentences of article text"
    else:
        why = (
            f"the text first chosen held {kept_prose} characters of prose, under half of the "
            f"{region_prose} in the page's largest region of prose, which it mostly left out"
        )
    if region is None or region_prose == 0:
        return [f"{why}, and the page has no region of prose to use instead"]
    new = [False] * len(candidates)
    for i, c in enumerate(candidates):
        if usable[i] and _inside(c, region):
            new[i] = not (c.kind != "heading" and c.link_density > 0.6 and c.words < 12) or _under_heading(
                candidates, i, region
            )
        elif keep[i] and not nav_like and is_prose(c):
            new[i] = True  # prose the detector found elsewhere (a standfirst above the body) stays
    new_prose = _prose_chars(candidates, new)
    # Better means more prose, or (for a navigation-like choice) the same prose with fewer links.
    better = new_prose > kept_prose or (
        nav_like and new_prose == kept_prose and _link_share(candidates, new) < share
    )
    if not better:
        return [f"{why}; no better region was found"]
    for i in range(len(candidates)):
        if keep[i] and not new[i]:
            reasons[i] = "outside the prose region"
        elif new[i] and not keep[i]:
            reasons[i] = None
        keep[i] = new[i]
    doubts = [f"{why}, so the page's largest prose region was audited instead"]
    if _link_share(candidates, keep) >= NAV_LIKE_LINKS:
        doubts.append("the text audited is still mostly links")
    return doubts


def _under_heading(candidates: list[Candidate], i: int, region: Tag) -> bool:
    """A short link block in a list under a heading of the same region: a list made of links
    ("Symptoms" over link chips), not a menu."""
    if candidates[i].kind != "list_item":
        return False
    for j in range(i - 1, max(-1, i - 30), -1):
        prev = candidates[j]
        if not _inside(prev, region):
            return False
        if prev.kind == "heading":
            return prev.link_density < 0.5
        if prev.kind != "list_item":
            return prev.link_density < 0.5 and prev.words <= 25  # a lead-in line ("Symptoms include:")
    return False
