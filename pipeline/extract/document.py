"""HTML, Markdown or plain text -> Document: the article's blocks in reading order, boilerplate kept aside.

`extract(RawPage)` walks the page with BeautifulSoup (our structure: headings with levels,
paragraphs, list items, table cells, callouts, links, each with a CSS selector), asks trafilatura
which blocks are the main text, and applies our own rules for in-article ads, promos, share bars
and related links. Site profiles in the configuration override the generic rules for a publisher.
"""

from __future__ import annotations

import fnmatch
import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Tag

from pipeline.config import ExtractionConfig, SiteProfile
from pipeline.datafiles import load_yaml
from pipeline.extract.boilerplate import phrase_pattern
from pipeline.extract.dates import KEYS as DATE_KEYS
from pipeline.extract.dates import find_dates, parse_date
from pipeline.extract.dom import Candidate, Walker, css_selector, index_page, innermost_common, is_hidden
from pipeline.extract.main_content import Selection, select
from pipeline.extract.soup import parse_html
from pipeline.language.sentences import TextBuilder, clean
from pipeline.model import Document, source_id

_TITLE_SUFFIX = re.compile(r"\s+[|\-–—:·]\s+[^|\-–—:·]{2,60}$")


@dataclass
class RawPage:
    source: str
    html: str
    url: str | None = None


@dataclass
class Problem:
    """A loading problem that still left a readable article; reported under its EX rule."""

    code: str
    message: str


@dataclass
class ExtractedDocument(Document):
    """A Document with the problems met while loading it (the EX checks report them)."""

    problems: list[Problem] = field(default_factory=list)
    # The parsed page, kept while the article is checked so the markup checks do not parse it again;
    # read-only, never serialised (a worker process drops it before sending the Document back).
    parsed: BeautifulSoup | None = field(default=None, repr=False, compare=False)


def extract(page: RawPage, config: ExtractionConfig | None = None) -> ExtractedDocument:
    """Extract the article from an HTML page (never raises on odd markup; may return empty text)."""
    cfg = config or ExtractionConfig()
    # Attribute values as written (the markup checks reuse this parse); classes via markup.class_names.
    soup = parse_html(page.html)
    root = soup.body if isinstance(soup.body, Tag) else soup
    candidates = Walker().walk(root)
    profile = match_profile(cfg.site_profiles, page.url or page.source)
    content_roots, boilerplate_roots = _profile_roots(soup, profile)
    selection = select(
        soup,
        candidates,
        page.html if cfg.use_trafilatura else None,
        url=page.url,
        content_roots=content_roots,
        boilerplate_roots=boilerplate_roots,
        phrases=phrase_pattern(cfg.boilerplate_phrases),
        strip_references=cfg.strip_references,
    )
    index = index_page(soup)
    ids = index.ids
    builder = TextBuilder()
    for cand, kept in zip(candidates, selection.keep, strict=True):
        if kept:
            builder.add(cand.kind, cand.text, level=cand.level, selector=css_selector(cand.element, ids))
    text = builder.text
    title = _title(soup, candidates, selection)
    date_sources: dict[str, str] = {}  # filled by find_dates below
    return ExtractedDocument(
        source=page.source,
        id=source_id(page.source),
        title=title,
        language=_language(soup),
        text=text,
        blocks=builder.blocks,
        stripped=_stripped(candidates, selection),
        html=page.html,
        dates=find_dates(
            soup,
            candidates,
            index,
            day_first=cfg.day_first,
            html=page.html if cfg.htmldate_fallback else None,
            sources=date_sources,
        ),
        date_sources=date_sources,
        links=_links(candidates, selection, page.url, ids),
        content_hash=content_hash(text),
        problems=_confidence_problems(selection),
        parsed=soup,
    )


def _confidence_problems(selection: Selection) -> list[Problem]:
    """A doubtful choice of article text, reported as EX006 (review) so it is never lost silently."""
    if not selection.doubts or not any(selection.keep):
        return []  # nothing kept at all is EX002's case
    return [Problem("EX006", "Extraction confidence is low: " + "; ".join(selection.doubts) + ".")]


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def match_profile(profiles: list[SiteProfile], where: str) -> SiteProfile | None:
    """The first profile whose `match` (a host, or a glob over the URL or path) fits the page."""
    host = urlsplit(where).hostname or ""
    for profile in profiles:
        pattern = profile.match
        if pattern == host or host.endswith("." + pattern) or fnmatch.fnmatch(where, pattern):
            return profile
    return None


def _profile_roots(soup: BeautifulSoup, profile: SiteProfile | None) -> tuple[list[Tag], list[Tag]]:
    if profile is None:
        return [], []
    content = [el for sel in profile.content for el in soup.select(sel)]
    boilerplate = [el for sel in profile.boilerplate for el in soup.select(sel)]
    return content, boilerplate


def _title(soup: BeautifulSoup, candidates: list[Candidate], selection: Selection) -> str:
    for cand, kept in zip(candidates, selection.keep, strict=True):
        if kept and cand.kind == "heading" and cand.level == 1:
            return cand.text
    og = soup.find("meta", attrs={"property": "og:title"})
    if isinstance(og, Tag) and og.get("content"):
        return clean(str(og["content"]))
    h1 = soup.find("h1")
    if isinstance(h1, Tag) and h1.get_text(strip=True):
        return clean(h1.get_text(" "))
    title = soup.find("title")
    if isinstance(title, Tag):
        return _TITLE_SUFFIX.sub("", clean(title.get_text(" ")))
    return ""


def _language(soup: BeautifulSoup) -> str | None:
    html = soup.find("html")
    if isinstance(html, Tag):
        for attr in ("lang", "xml:lang"):
            value = html.get(attr)
            if isinstance(value, str) and value.strip():
                return value.strip()
    meta = soup.find("meta", attrs={"http-equiv": re.compile("^content-language$", re.I)})
    if isinstance(meta, Tag) and meta.get("content"):
        return str(meta["content"]).split(",")[0].strip() or None
    og = soup.find("meta", attrs={"property": "og:locale"})
    if isinstance(og, Tag) and og.get("content"):
        return str(og["content"]).replace("_", "-")
    return None


def _stripped(candidates: list[Candidate], selection: Selection) -> list[str]:
    """Boilerplate text, one entry per furniture element (a whole menu, a whole promo) or block."""
    out: list[str] = []
    last_container: Tag | None = None
    for i, cand in enumerate(candidates):
        if selection.keep[i]:
            last_container = None
            continue
        container = selection.container.get(i)
        if container is not None and container is last_container and out:
            out[-1] = f"{out[-1]} {cand.text}"
        else:
            out.append(cand.text)
        last_container = container
    return out


def _article_region(candidates: list[Candidate], selection: Selection) -> Tag | None:
    """The innermost element holding every kept block: where the article's images are."""
    return innermost_common(candidates, selection.keep)


def _links(
    candidates: list[Candidate], selection: Selection, base: str | None, ids: Counter[str]
) -> list[dict[str, str]]:
    """The article's links (inside kept blocks) and images (inside the article, outside furniture)."""
    out: list[dict[str, str]] = []
    seen: set[int] = set()
    for cand, kept in zip(candidates, selection.keep, strict=True):
        if not kept or id(cand.element) in seen:
            continue
        seen.add(id(cand.element))
        for a in cand.element.find_all("a", href=True):
            href = str(a["href"])
            out.append(
                {
                    "kind": "link",
                    "href": urljoin(base, href) if base else href,
                    "text": clean(a.get_text(" ")),
                    "selector": css_selector(a, ids),
                }
            )
    region = _article_region(candidates, selection)
    if region is None:
        return out
    furniture = {id(el) for el in selection.container.values()}
    for img in region.find_all("img"):
        if any(id(el) in furniture for el in img.parents) or is_hidden(img):
            continue
        src = str(img.get("src") or "")
        out.append(
            {
                "kind": "image",
                "href": urljoin(base, src) if base and src else src,
                "text": str(img.get("alt") or ""),
                "alt_present": "yes" if img.has_attr("alt") else "no",
                "selector": css_selector(img, ids),
            }
        )
    return out


_BULLET = re.compile(r"^\s*(?:[-*•‣◦]|\d{1,2}[.)])\s+")


def from_text(source: str, text: str, title: str = "") -> ExtractedDocument:
    """A Document from plain text: blank lines separate paragraphs; "- " or "1." lines are list items."""
    builder = TextBuilder()
    for para in re.split(r"\n\s*\n", text):
        lines = [line for line in para.splitlines() if line.strip()]
        if lines and all(_BULLET.match(line) for line in lines):
            for line in lines:
                builder.add("list_item", _BULLET.sub("", line, count=1))
        else:
            builder.add("paragraph", para)
    joined = builder.text
    return ExtractedDocument(
        source=source,
        id=source_id(source),
        title=title,
        text=joined,
        blocks=builder.blocks,
        dates=dict.fromkeys(DATE_KEYS),
        content_hash=content_hash(joined),
    )


_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*\n", re.S)
_FRONT_DATES = {
    "published": ("published", "date", "created", "date_published"),
    "reviewed": ("reviewed", "last_reviewed", "lastreviewed", "review_date", "reviewed_on"),
    "next_review": ("next_review", "next_review_due", "review_due", "nextreview"),
    "modified": ("modified", "updated", "last_updated", "date_modified", "lastmod"),
}


def from_markdown(source: str, text: str, config: ExtractionConfig | None = None) -> ExtractedDocument:
    """A Document from Markdown: every block is article text (no page furniture to remove).

    YAML front matter (between `---` lines) gives the title, language and dates when present.
    """
    from markdown_it import MarkdownIt

    cfg = config or ExtractionConfig()
    meta: dict[str, object] = {}
    m = _FRONT_MATTER.match(text)
    if m:
        import yaml

        try:
            loaded = load_yaml(m.group(1))
        except yaml.YAMLError:
            loaded = None
        if isinstance(loaded, dict):
            meta = {str(k).lower(): v for k, v in loaded.items()}
            text = text[m.end() :]
    html = MarkdownIt("commonmark", {"html": False}).enable("table").render(text)
    soup = parse_html(f"<html><body>{html}</body></html>")
    root = soup.body if isinstance(soup.body, Tag) else soup
    candidates = Walker().walk(root)
    builder = TextBuilder()
    for cand in candidates:
        # No selector: the source is Markdown, and its rendered HTML is not kept as `html`.
        builder.add(cand.kind, cand.text, level=cand.level)
    joined = builder.text
    first_h1 = next((c.text for c in candidates if c.kind == "heading" and c.level == 1), "")
    date_sources: dict[str, str] = {}
    dates = find_dates(soup, candidates, day_first=cfg.day_first, sources=date_sources)
    for key, names in _FRONT_DATES.items():
        for name in names:
            if name in meta and meta[name]:
                found = parse_date(str(meta[name]), day_first=cfg.day_first)
                if found:
                    dates[key], date_sources[key] = found, "front matter"
                    break
    lang = meta.get("lang") or meta.get("language")
    return ExtractedDocument(
        source=source,
        id=source_id(source),
        title=str(meta.get("title") or first_h1),
        language=str(lang) if lang else None,
        text=joined,
        blocks=builder.blocks,
        dates=dates,
        date_sources=date_sources,
        links=[
            {"kind": "link", "href": str(a["href"]), "text": clean(a.get_text(" "))}
            for a in soup.find_all("a", href=True)
        ],
        content_hash=content_hash(joined),
    )
