"""Deciding which candidate blocks are the article: trafilatura's vote, our markup rules, site profiles.

trafilatura is the best open-source judge of where the main text is (F1 0.958 on the Scrapinghub
benchmark), but it returns plain text without the page structure and keeps some in-article ad
labels and promos. We walk the page ourselves (headings, lists, cells, callouts, selectors) and ask
trafilatura only which blocks are content; our own rules then remove what it let through and
recover what it dropped inside the article's container.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import trafilatura
from bs4 import BeautifulSoup, Tag

from pipeline.extract.boilerplate import (
    is_comments_heading,
    is_references_heading,
    is_related_heading,
    is_sectioning,
    label_reason,
    markup_reason,
)
from pipeline.extract.dom import Candidate
from pipeline.extract.prose import reconsider
from pipeline.extract.structure import (
    contents_lists,
    drop_card_promos,
    in_any,
    recover_link_content,
    recover_sandwiched_prose,
)
from pipeline.language.sentences import words

# Containers that usually hold exactly the article, most specific first.
ARTICLE_SELECTORS = (
    "[itemprop=articleBody]",
    "[itemprop=text]",
    "article",
    "[role=article]",
    "main",
    "[role=main]",
    "#content",
    "#main-content",
    "#main",
    ".content",
    "body",
)


@dataclass
class Selection:
    keep: list[bool]
    reasons: list[str | None]  # why each stripped block was stripped
    container: dict[int, Tag] = field(default_factory=dict)  # boilerplate container per stripped block
    method: str = "trafilatura"
    # Why the choice of article text is doubtful (reported as an EX review finding); empty when sure.
    doubts: list[str] = field(default_factory=list)


def tokens(text: str) -> list[str]:
    """Lower-case words (sentences.words): both sides of the trafilatura vote are split alike."""
    return [t.lower() for t in words(text)]


class TrafilaturaVote:
    """Which of our blocks trafilatura's main-text extraction contains."""

    def __init__(self, text: str) -> None:
        lines = text.splitlines()
        # Tables come out as "| cell | cell |" rows: each cell is a line of its own for matching.
        lines += [cell for line in lines if line.lstrip().startswith("|") for cell in line.split("|")]
        self.lines = [tokens(line) for line in lines]
        self.line_set = {" ".join(t) for t in self.lines if t}
        self.joined = " " + " ".join(" ".join(t) for t in self.lines if t) + " "
        self.grams: Counter[tuple[str, ...]] = Counter()
        for line in self.lines:
            self.grams.update(_ngrams(line, 3))
        self.empty = not self.line_set

    def contains(self, text: str, *, exact: bool = False) -> bool:
        """Whether trafilatura kept this text; `exact` asks for the words in order, not most of them."""
        toks = tokens(text)
        if not toks:
            return False
        joined = " ".join(toks)
        if joined in self.line_set:
            return True
        if len(toks) < 5 or exact:
            return f" {joined} " in self.joined and len(toks) >= 3
        grams = _ngrams(toks, 3)
        hits = sum(1 for g in grams if g in self.grams)
        return hits >= 0.6 * len(grams)


def _ngrams(toks: Sequence[str], n: int) -> list[tuple[str, ...]]:
    return [tuple(toks[i : i + n]) for i in range(len(toks) - n + 1)]


def run_trafilatura(html: str, url: str | None = None, *, recall: bool = False) -> str:
    try:
        text = trafilatura.extract(
            html,
            url=url,
            favor_precision=not recall,
            favor_recall=recall,
            include_comments=False,
            include_tables=True,
            deduplicate=False,
            with_metadata=False,
            # Without its readability/jusText second opinion: 40% faster, and measured as good on
            # the benchmarks once sign-up boxes were recognised (bench/extraction.py).
            fast=True,
        )
    except Exception:  # trafilatura's own failures on odd markup leave us with our rules alone
        return ""
    return text or ""


def _is_link(c: Candidate) -> bool:
    """A block that is one link: trafilatura copies a link's words as they are, so a partial match is
    a sidebar link that reuses the article's wording ("Zika virus: travel advice – PHE")."""
    return c.link_density >= 0.9


class Furniture:
    """Which elements are page furniture (navigation, ads, promos), cached per element."""

    def __init__(self, candidates: list[Candidate], total_chars: int, in_main: list[bool]) -> None:
        self.total = max(1, total_chars)
        self.chars: Counter[int] = Counter()
        self.main_chars: Counter[int] = Counter()
        for c, main in zip(candidates, in_main, strict=True):
            for el in (*c.ancestors, c.element):
                self.chars[id(el)] += len(c.text)
                if main:
                    self.main_chars[id(el)] += len(c.text)
        self.cache: dict[int, tuple[str, bool] | None] = {}

    def reason(self, el: Tag, inside_sectioning: bool) -> tuple[str, bool] | None:
        key = id(el)
        if key not in self.cache:
            self.cache[key] = markup_reason(el, inside_sectioning)
        return self.cache[key]

    def share(self, el: Tag) -> float:
        return self.chars[id(el)] / self.total

    def mostly_main(self, el: Tag) -> bool:
        """Running text the main-text vote keeps almost entirely: a class name must not overrule it."""
        main = self.main_chars[id(el)]
        return main >= 200 and main >= 0.8 * self.chars[id(el)]

    def of(self, cand: Candidate, protected: set[int]) -> tuple[Tag, str] | None:
        """The outermost furniture element around a block, with the reason."""
        inside = False
        for el in (*cand.ancestors, cand.element):
            found = self.reason(el, inside)
            if found is not None and id(el) not in protected:
                reason, strong = found
                if strong or (self.share(el) < 0.35 and not self.mostly_main(el)):
                    return el, reason
            if is_sectioning(el):
                inside = True
        return None


def select(
    soup: BeautifulSoup,
    candidates: list[Candidate],
    html: str | None,
    *,
    url: str | None = None,
    content_roots: list[Tag] | None = None,
    boilerplate_roots: list[Tag] | None = None,
    phrases: re.Pattern[str] | None = None,
    strip_references: bool = False,
) -> Selection:
    n = len(candidates)
    keep = [False] * n
    reasons: list[str | None] = [None] * n
    containers: dict[int, Tag] = {}
    total = sum(len(c.text) for c in candidates)
    if not candidates:
        html = None  # no text on the page: nothing for trafilatura to vote on
    vote = TrafilaturaVote(run_trafilatura(html, url) if html and not content_roots else "")

    profile_ids = {id(el) for el in content_roots or []}
    blocked_ids = {id(el) for el in boilerplate_roots or []}
    # The article's own wrapper must not count as furniture even if its class says "widget".
    protected: set[int] = set(profile_ids)

    in_traf = [vote.contains(c.text, exact=_is_link(c)) for c in candidates]
    matched = sum(len(c.text) for c, t in zip(candidates, in_traf, strict=True) if t)
    if html and not content_roots and matched < 400:
        # Precision mode sometimes keeps only a disclaimer; the recall mode finds the article then.
        wide = TrafilaturaVote(run_trafilatura(html, url, recall=True))
        wide_in = [wide.contains(c.text, exact=_is_link(c)) for c in candidates]
        if sum(len(c.text) for c, t in zip(candidates, wide_in, strict=True) if t) > matched:
            vote, in_traf = wide, wide_in
    in_traf = _drop_isolated(candidates, in_traf)
    if content_roots:
        in_main = [any(id(el) in profile_ids for el in (*c.ancestors, c.element)) for c in candidates]
        method = "site profile"
    elif not vote.empty:
        in_main = in_traf
        method = "trafilatura"
    else:
        root = _article_root(soup)
        rid = id(root)
        in_main = [any(id(el) == rid for el in (*c.ancestors, c.element)) for c in candidates]
        protected.add(rid)
        method = "markup"

    furniture = Furniture(candidates, total, in_main)
    widgets = signup_widgets(soup, furniture, protected)
    toc = contents_lists(soup)
    for i, c in enumerate(candidates):
        if any(id(el) in blocked_ids for el in (*c.ancestors, c.element)):
            reasons[i] = "site profile boilerplate"
            continue
        widget = next((el for el in (*c.ancestors, c.element) if id(el) in widgets), None)
        if widget is not None:
            containers[i] = widget
            reasons[i] = "sign-up form"
            continue
        if in_any(c, toc):
            reasons[i] = "contents list"
            continue
        found = furniture.of(c, protected)
        if found is not None:
            containers[i] = found[0]
            reasons[i] = found[1]
            continue
        label = label_reason(c.text, phrases)
        if label is not None and c.kind != "heading" or label == "configured boilerplate phrase":
            reasons[i] = label
            continue
        if not in_main[i]:
            reasons[i] = "outside the article"
            continue
        if method == "markup" and c.kind != "heading" and c.link_density > 0.6 and c.words < 12:
            reasons[i] = "link list"
            continue
        keep[i] = True

    if method == "trafilatura":
        _recover_by_signature(candidates, keep, reasons)
        _recover_sandwiched(candidates, keep, reasons)
        _recover_tables(candidates, keep, reasons)
    doubts: list[str] = []
    if method != "site profile":
        doubts = reconsider(candidates, keep, reasons)
        if doubts and any(keep):
            method = f"{method}, then largest prose region"
        _recover_head(candidates, keep, reasons)
        recover_link_content(candidates, keep, reasons)
        recover_sandwiched_prose(candidates, keep, reasons)
    _drop_related_sections(candidates, keep, reasons)
    drop_card_promos(candidates, keep, reasons, containers)
    _drop_sections(candidates, keep, reasons, is_comments_heading, "comments")
    if strip_references:
        _drop_sections(candidates, keep, reasons, is_references_heading, "references")
    return Selection(keep=keep, reasons=reasons, container=containers, method=method, doubts=doubts)


# A sign-up box's text: its prompt and its status messages ("Please wait...", "Thanks!").
SIGNUP_MAX_CHARS = 400
_CONTACT_FIELD = re.compile(r"e-?mail|phone", re.I)


def signup_widgets(soup: BeautifulSoup, furniture: Furniture, protected: set[int]) -> set[int]:
    """The boxes around forms that ask for an email address or phone number (newsletters, app links).

    The form is furniture already; the box around it also holds the status messages that scripts
    show in turn ("Please wait...", "This feature is unavailable", "Thanks! Check your email"), which
    trafilatura keeps when they sit beside the form. The box is the largest ancestor of the form that
    holds little text and no article heading; an article that merely contains a form is larger.
    """
    out: set[int] = set()
    for form in soup.find_all("form"):
        # Some sites wrap the whole page in one form: only a small form is a sign-up box.
        if furniture.chars[id(form)] > SIGNUP_MAX_CHARS:
            continue
        if not any(_asks_for_contact(field) for field in form.find_all("input")):
            continue
        box: Tag = form
        for parent in form.parents:
            if (
                not isinstance(parent, Tag)
                or parent.name in ("body", "html", "[document]")
                or is_sectioning(parent)
                or id(parent) in protected
                or furniture.chars[id(parent)] > SIGNUP_MAX_CHARS
                or parent.find(("h1", "h2")) is not None
            ):
                break
            box = parent
        out.add(id(box))
    return out


def _asks_for_contact(field: Tag) -> bool:
    kind = str(field.get("type") or "text").lower()
    if kind in ("email", "tel"):
        return True
    if kind != "text":
        return False
    return any(_CONTACT_FIELD.search(str(field.get(a) or "")) for a in ("name", "id", "placeholder", "value"))


def _article_root(soup: BeautifulSoup) -> Tag:
    for selector in ARTICLE_SELECTORS:
        found = soup.select_one(selector)
        if isinstance(found, Tag) and found.get_text(strip=True):
            return found
    return soup


def _drop_related_sections(candidates: list[Candidate], keep: list[bool], reasons: list[str | None]) -> None:
    """A 'Related articles' heading and the run of links that follows it."""
    for i, c in enumerate(candidates):
        if not (c.kind == "heading" and keep[i] and is_related_heading(c.text)):
            continue
        run = [i]
        for j in range(i + 1, len(candidates)):
            if not keep[j]:
                continue
            if candidates[j].link_density < 0.5:
                break
            run.append(j)
        if len(run) > 1 or i + 1 == len(candidates) or not any(keep[i + 1 :]):
            for k in run:
                keep[k] = False
                reasons[k] = "related links"


def _signature(c: Candidate) -> tuple[str, ...]:
    """Where a block sits: its tag and classes and those of its two nearest ancestors."""
    chain = (c.element, *reversed(c.ancestors[-2:])) if c.element is not None else ()
    return tuple(f"{el.name}.{'.'.join(sorted(el.get('class') or []))}" for el in chain)


def _recover_by_signature(candidates: list[Candidate], keep: list[bool], reasons: list[str | None]) -> None:
    """Paragraphs built exactly like the kept ones (an article split by ad breaks) are article too."""
    weight: Counter[tuple[str, ...]] = Counter()
    kept_chars = 0
    for c, k in zip(candidates, keep, strict=True):
        if k and c.kind in ("paragraph", "list_item", "callout"):
            weight[_signature(c)] += len(c.text)
            kept_chars += len(c.text)
    strong = {sig for sig, chars in weight.items() if chars >= 0.2 * kept_chars}
    for i, c in enumerate(candidates):
        if keep[i] or reasons[i] != "outside the article" or c.link_density >= 0.5:
            continue
        if c.kind in ("paragraph", "list_item", "callout") and _signature(c) in strong:
            keep[i] = True
            reasons[i] = None


def _recover_sandwiched(candidates: list[Candidate], keep: list[bool], reasons: list[str | None]) -> None:
    """A heading trafilatura dropped between two kept blocks is the article's own sub-heading."""
    for i in range(1, len(candidates) - 1):
        c = candidates[i]
        if keep[i] or reasons[i] != "outside the article" or c.kind != "heading":
            continue
        if keep[i - 1] and keep[i + 1] and c.link_density < 0.5:
            keep[i] = True
            reasons[i] = None


def _drop_isolated(candidates: list[Candidate], matched: list[bool], gap: int = 3) -> list[bool]:
    """Short blocks that match trafilatura's text only by their wording ("High blood pressure" in a
    sidebar, repeating a sub-heading) are dropped unless they sit near matched running text.

    Matches within `gap` blocks of each other form a cluster; a cluster without one block of running
    text (30 characters or more) is dropped, as long as some other cluster has running text.
    """
    clusters: list[list[int]] = []
    for i, hit in enumerate(matched):
        if hit:
            if clusters and i - clusters[-1][-1] <= gap:
                clusters[-1].append(i)
            else:
                clusters.append([i])
    has_text = [any(len(candidates[k].text) >= 30 for k in cl) for cl in clusters]
    if not any(has_text):
        return list(matched)
    out = list(matched)
    for cluster, text in zip(clusters, has_text, strict=True):
        if not text:
            for k in cluster:
                out[k] = False
    return out


def _drop_sections(
    candidates: list[Candidate], keep: list[bool], reasons: list[str | None], opens: Callable[[str], bool],
    reason: str,
) -> None:
    """From a heading that opens a non-article section ('Comments', 'References') to the next heading
    of the same or a higher level."""
    i = 0
    while i < len(candidates):
        c = candidates[i]
        if c.kind == "heading" and opens(c.text):
            level = c.level or 6
            j = i
            while j < len(candidates) and (
                j == i or not (candidates[j].kind == "heading" and (candidates[j].level or 6) <= level)
            ):
                if keep[j]:
                    keep[j] = False
                    reasons[j] = reason
                j += 1
            i = j
            continue
        i += 1


def _recover_head(candidates: list[Candidate], keep: list[bool], reasons: list[str | None]) -> None:
    """The article's title (its H1) and standfirst just above the first kept block belong to it."""
    first = next((i for i, k in enumerate(keep) if k), None)
    if first is None:
        return
    head = next(
        (i for i in range(first - 1, max(-1, first - 25), -1)
         if candidates[i].kind == "heading" and candidates[i].level == 1),
        None,
    )
    if head is None or reasons[head] != "outside the article":
        return
    keep[head], reasons[head] = True, None
    for i in range(head + 1, first):
        c = candidates[i]
        if reasons[i] == "outside the article" and c.kind == "paragraph" and c.words >= 8 and c.link_density < 0.3:
            keep[i], reasons[i] = True, None


def _table_of(c: Candidate) -> Tag | None:
    for el in reversed((*c.ancestors, c.element)):
        if el.name == "table":
            return el
    return None


def _recover_tables(candidates: list[Candidate], keep: list[bool], reasons: list[str | None]) -> None:
    """A table is kept whole: when most of its cells are article, so are the rest and its caption."""
    cells: dict[int, list[int]] = {}
    for i, c in enumerate(candidates):
        table = _table_of(c)
        if table is not None:
            cells.setdefault(id(table), []).append(i)
    for members in cells.values():
        kept = sum(1 for i in members if keep[i])
        if kept and kept >= 0.5 * len(members):
            for i in members:
                if not keep[i] and reasons[i] == "outside the article":
                    keep[i], reasons[i] = True, None

