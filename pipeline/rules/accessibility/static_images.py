"""Text alternatives: images, SVG graphics, image buttons and embedded media objects."""

from __future__ import annotations

import re
from collections.abc import Iterator

from bs4 import Tag

from pipeline.rules.accessibility.dom import Page, attr, text_of
from pipeline.rules.accessibility.issues import Issue, Settings, static_check

_SVG_GRAPHIC_ROLES = {"img", "graphics-document", "graphics-symbol"}
_MEDIA_EXTENSIONS = re.compile(
    r"\.(png|jpe?g|gif|webp|svg|bmp|ico|tiff?|avif|mp3|wav|ogg|oga|m4a|aac|flac|mp4|m4v|webm|ogv|mov|avi)(\?|#|$)",
    re.I,
)
_MEDIA_TYPES = ("image/", "audio/", "video/")


@static_check
def image_alt(page: Page, _: Settings) -> Iterator[Issue]:
    for el in page.elements:
        if el.name in ("svg", "input", "object") or page.in_svg(el):
            continue
        if el.name != "img" and page.explicit_role(el) != "img":
            continue
        if page.role(el) not in ("img", "image") or page.is_excluded(el):
            continue  # decorative (alt="" or role none) or not exposed
        if not page.name(el):
            blank = attr(el, "alt") is not None
            yield Issue(
                "AX005",
                el,
                "The image's alt text is blank." if blank else "The image has no text alternative.",
                suggestion='Describe what the image shows in alt="…", or mark it decorative with alt="".',
            )


@static_check
def svg_image_name(page: Page, _: Settings) -> Iterator[Issue]:
    for el in page.elements:
        if not (el.name == "svg" or page.in_svg(el)):
            continue
        if page.explicit_role(el) not in _SVG_GRAPHIC_ROLES or page.is_excluded(el):
            continue
        if not _svg_name(page, el):
            yield Issue(
                "AX006",
                el,
                "The SVG graphic has a role but no accessible name.",
                suggestion="Add a <title> as its first child, or aria-label.",
            )


def _svg_name(page: Page, el: Tag) -> str:
    refs = page.idrefs(el, "aria-labelledby")
    if refs and text_of(" ".join(page.referenced_name(r) for r in refs)):
        return "named"
    if text_of(attr(el, "aria-label")):
        return "named"
    title = el.find("title", recursive=False)
    return text_of(title.get_text(" ")) if isinstance(title, Tag) else ""


@static_check
def image_button_name(page: Page, _: Settings) -> Iterator[Issue]:
    for el in page.tags("input"):
        if (attr(el, "type") or "").lower() != "image" or page.role(el) != "button" or page.is_excluded(el):
            continue
        if not page.name(el):
            yield Issue(
                "AX007",
                el,
                "The image button has no accessible name.",
                suggestion='Say what the button does in alt="…", e.g. alt="Search".',
            )


def _renders_media(el: Tag) -> bool:
    kind = (attr(el, "type") or "").lower()
    if kind:
        return kind.startswith(_MEDIA_TYPES)
    return bool(_MEDIA_EXTENSIONS.search(attr(el, "data") or ""))


@static_check
def object_alt(page: Page, _: Settings) -> Iterator[Issue]:
    for el in page.tags("object"):
        if attr(el, "role") or page.is_excluded(el) or not _renders_media(el):
            continue
        refs = page.idrefs(el, "aria-labelledby")
        named = (
            any(page.referenced_name(r) for r in refs)
            or text_of(attr(el, "aria-label"))
            or text_of(attr(el, "title"))
        )
        if not named:
            yield Issue(
                "AX008",
                el,
                "The embedded image, audio or video (<object>) has no text alternative.",
                suggestion='Give the <object> a title="…" or aria-label that says what it is.',
            )
