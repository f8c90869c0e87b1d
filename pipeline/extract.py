"""HTML -> Document: the article's blocks in reading order, boilerplate kept aside."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from bs4 import BeautifulSoup, Tag

from .model import Block, BlockKind, Document, source_id
from .segment import as_sentence, clean

# Elements that are never article text.
_DROP = {"script", "style", "noscript", "template", "svg", "form", "button", "iframe", "select"}
_BOILERPLATE_TAGS = {"nav", "header", "footer", "aside"}
_BOILERPLATE_HINTS = re.compile(
    r"(^|[-_ ])(nav|navigation|menu|breadcrumbs?|cookie|consent|banner|share|social|related|"
    r"promo|advert|ad-slot|ads?|sponsor|newsletter|subscribe|footer|masthead|header|sidebar|"
    r"skip|comments?|author-bio|picks|recommend)([-_ ]|$)",
    re.I,
)
_AD_TEXT = re.compile(r"^(continue reading below|advertisement|sponsored)$", re.I)


@dataclass
class RawPage:
    source: str
    html: str
    url: str | None = None


def _is_boilerplate(el: Tag) -> bool:
    if el.name in _BOILERPLATE_TAGS:
        return True
    role = str(el.get("role") or "").lower()
    if role in {"navigation", "banner", "contentinfo", "complementary", "search"}:
        return True
    hints = " ".join([*(el.get("class") or []), str(el.get("id") or "")])
    return bool(hints and _BOILERPLATE_HINTS.search(hints))


def _main_root(soup: BeautifulSoup) -> Tag:
    for selector in ("article", "main", "[role=main]", "#content", ".content", "body"):
        found = soup.select_one(selector)
        if isinstance(found, Tag):
            return found
    return soup


def extract(page: RawPage) -> Document:
    soup = BeautifulSoup(page.html, "lxml")
    title_el = soup.find("h1") or soup.find("title")
    title = clean(title_el.get_text(" ")) if title_el else ""
    html_el = soup.find("html")
    lang = html_el.get("lang") if isinstance(html_el, Tag) else None
    for el in soup.find_all(_DROP):
        el.decompose()

    stripped: list[str] = []
    parts: list[str] = []
    blocks: list[Block] = []
    pos = 0
    section = 0

    def add(kind: BlockKind, text: str, level: int | None = None) -> None:
        nonlocal pos, section
        sentence = as_sentence(text)
        if not sentence:
            return
        if kind == "heading":
            section += 1
        if parts:
            parts.append("\n")
            pos += 1
        blocks.append(Block(kind=kind, start=pos, end=pos + len(sentence), level=level, section=section))
        parts.append(sentence)
        pos += len(sentence)

    def walk(el: Tag) -> None:
        for child in el.children:
            if not isinstance(child, Tag):
                continue
            if _is_boilerplate(child):
                text = clean(child.get_text(" "))
                if text:
                    stripped.append(text)
                continue
            name = child.name
            text = clean(child.get_text(" "))
            if _AD_TEXT.match(text):
                stripped.append(text)
                continue
            if name in {"h1", "h2", "h3", "h4", "h5", "h6"}:
                add("heading", text, int(name[1]))
            elif name == "p":
                add("paragraph", text)
            elif name == "li" and not child.find(["ul", "ol", "p"]):
                add("list_item", text)
            elif name in {"td", "th"}:
                add("table_cell", text)
            elif name in {"blockquote"} or "callout" in " ".join(child.get("class") or []):
                add("callout", text)
            else:
                walk(child)

    walk(_main_root(soup))
    text = "".join(parts)
    return Document(
        source=page.source,
        id=source_id(page.source),
        title=title,
        language=str(lang) if lang else None,
        text=text,
        blocks=blocks,
        stripped=stripped,
        html=page.html,
        content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest()[:16],
    )


def from_text(source: str, text: str, title: str = "") -> Document:
    """A Document from plain text: blank lines separate paragraphs."""
    parts: list[str] = []
    blocks: list[Block] = []
    pos = 0
    for para in re.split(r"\n\s*\n", text):
        sentence = as_sentence(para)
        if not sentence:
            continue
        if parts:
            parts.append("\n")
            pos += 1
        blocks.append(Block(kind="paragraph", start=pos, end=pos + len(sentence)))
        parts.append(sentence)
        pos += len(sentence)
    joined = "".join(parts)
    return Document(
        source=source,
        id=source_id(source),
        title=title,
        text=joined,
        blocks=blocks,
        content_hash=hashlib.sha256(joined.encode("utf-8")).hexdigest()[:16],
    )
