"""What is not article text: page furniture recognised by its markup, and labels recognised by wording.

Markup first (landmarks, roles, class and id names), because publishers name their ad slots and
promos even when the wording changes; wording second, for the labels that survive inside the
article's own container ("Continue reading below", "Share on Facebook", "Page last reviewed").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bs4 import Tag

from pipeline.extract.markup import class_names

# Landmark roles that are never the article.
_BOILERPLATE_ROLES = {
    "navigation": "navigation",
    "banner": "page header",
    "contentinfo": "page footer",
    "search": "search",
    "complementary": "sidebar",
    "menu": "menu",
    "menubar": "menu",
    "toolbar": "toolbar",
    "dialog": "dialog",
    "alertdialog": "dialog",
}
# Elements that are part of the article and stop `header`, `footer` and `aside` counting as page furniture.
_SECTIONING = frozenset({"article", "main", "section"})

# Class and id words (split at - and _) that name page furniture, with the reason recorded.
_HINTS: list[tuple[str, re.Pattern[str]]] = [
    ("cookie banner", re.compile(r"cookie|consent|gdpr|cmp-|onetrust|privacy-?banner")),
    ("advert", re.compile(r"^(ads?|advert\w*|adslot|ad-?slot|ad-?unit|ad-?container|ad-?wrapper|ad-?label|"
                          r"adsense|dfp|gpt|sponsor\w*|dianomi|outbrain|taboola|promoted|mpu|billboard|"
                          r"leaderboard|skyscraper)$")),
    ("promo", re.compile(r"^(promos?|promotion\w*|cta|call-?to-?action|upsell|marketing|banner-?ad|"
                         r"signup|sign-?up|newsletter\w*|subscribe\w*|subscription|paywall|membership|"
                         r"app-?download|download-?app)$")),
    ("share bar", re.compile(r"^(share|shares|sharing|sharebar|share-?(?:bar|tools?|buttons?|links?|icons?|this|box|"
                             r"widget|page|article)|social\w*|sharebar|addthis|sharethis|social-?links?|"
                             r"follow-?us|print-?(page|link|this)?|bookmark\w*)$")),
    ("navigation", re.compile(r"^(nav|navs|navbar|navigation|menu\w*|(?:main|global|primary|secondary|"
                              r"site|top|footer|side|mobile|page|section)-?nav\w*|breadcrumbs?|crumbs?|skip|skip-?link|"
                              r"pagination|pager|toc|table-?of-?contents|jump-?links|site-?map|"
                              r"mega-?menu|tabs-?nav|subnav|sub-?nav|local-?nav)$")),
    ("related links", re.compile(r"^(related\w*|recommend\w*|more-?stories|more-?articles|read-?next|"
                                 r"read-?more|also-?read|popular|trending|most-?read|most-?popular|"
                                 r"picks|you-?may-?like|further-?reading-?links|teasers?|cards?-?list|"
                                 r"latest-?news|top-?stories|spotlight)$")),
    ("page header", re.compile(r"^(masthead|site-?header|global-?header|page-?header|top-?bar|topbar|"
                               r"header-?bar|brand|logo|site-?branding)$")),
    ("page footer", re.compile(r"^(footer|site-?footer|global-?footer|page-?footer|colophon|"
                               r"copyright|legal)$")),
    ("sidebar", re.compile(r"^(sidebar|side-?bar|rail|right-?rail|left-?rail|widget\w*|aside)$")),
    ("comments", re.compile(r"^(comments?|comment-?list|disqus\w*|discussion|replies|respond)$")),
    ("feedback", re.compile(r"^(feedback|page-?feedback|helpful|was-?this-?helpful|rating|ratings|"
                            r"survey|poll)$")),
    ("author box", re.compile(r"^(author-?bio|about-?the-?author|author-?box|author-?card|bio-?box)$")),
    ("tags", re.compile(r"^(tags|tag-?list|tag-?cloud|keywords|categories|topics-?list)$")),
    ("page metadata", re.compile(r"^(byline|bylines|dateline|article-?meta|post-?meta|entry-?meta|meta-?data|"
                                 r"article-?info|article-?reviewed|reviewed-?by|review-?info|medically-?reviewed|"
                                 r"fact-?check\w*|article-?history|page-?history|last-?reviewed|review-?date|"
                                 r"timestamp|publish-?date|article-?date|post-?date|posted-?on|author-?info|meta|dates?|"
                                 r"disclaimer)$")),
    ("caption", re.compile(r"^(caption|captions|wp-caption-text|figcaption|image-?caption|photo-?caption|"
                           r"image|img|photo|photos|picture|gallery|figure|video|video-?player|slideshow|"
                           r"credit|credits|image-?credit|photo-?credit|media-?credit|gallery-?caption)$")),
    ("modal", re.compile(r"^(modal|popup|pop-?up|overlay|lightbox|interstitial|flyout)$")),
]
_PART_SPLIT = re.compile(r"[-_]+")
# Namespace prefixes of CSS conventions ("c-share", "js-promo", "nhsuk-card"): look past them.
_PREFIXES = frozenset({"c", "o", "l", "u", "m", "t", "js", "ui", "wp", "nhsuk", "govuk", "block", "site"})
# State prefixes say what an element has or is, not what it is ("has-sidebar", "is-sticky").
_STATE = frozenset({"has", "is", "with", "no", "not", "show", "hide"})


def _hint_words(el: Tag) -> Iterable[str]:
    """The name each class or id gives the element: the whole value and its first word.

    Only the first word names the element ("related-content" is related content, but
    "entry-content-read-more" is the entry's content); BEM suffixes ("ad-slot__label") are dropped.
    """
    ident = el.get("id")
    if isinstance(ident, str):
        # Ids are often anchors ("TOC_TITLE_1", "section-2"): only the whole id names the element.
        yield ident.lower()
        yield re.split(r"__|--", ident.lower())[0]
    for value in class_names(el):
        # CSS modules write "signupMessage___3ctJh": its first camel-case word names it too.
        camel = re.match(r"[a-z]+(?=[A-Z])", value)
        if camel:
            yield camel.group(0)
        value = value.lower()
        parts = [p for p in _PART_SPLIT.split(value) if p]
        if not parts or parts[0] in _STATE:
            continue
        while len(parts) > 1 and parts[0] in _PREFIXES:
            parts = parts[1:]
        block, *rest = re.split(r"__", value)
        yield block.split("--")[0]
        if rest:
            yield rest[0].split("--")[0]  # the BEM element: "node__meta" is metadata of a node
        yield parts[0]
        if len(parts) > 1:
            yield f"{parts[0]}-{parts[1]}"


def markup_reason(el: Tag, inside_sectioning: bool) -> tuple[str, bool] | None:
    """Why this element is page furniture, if it is, and whether the reason is strong.

    Strong reasons (landmarks, navigation) hold whatever the element's size; weak ones (class names,
    forms, asides) hold only for elements that do not carry most of the page's text.
    """
    name = el.name
    if name == "caption":
        return None  # a table's caption titles the table: article text, unlike a photo caption
    if name == "nav":
        return "navigation", True
    if name in ("header", "footer") and not inside_sectioning:
        return ("page header" if name == "header" else "page footer"), True
    if name == "footer":
        return "article footer", False
    if name == "aside":
        return "sidebar", False
    if name == "form":
        return "form", False
    if name == "figcaption":
        return "caption", False
    role = str(el.get("role") or "").lower()
    if role in _BOILERPLATE_ROLES:
        return _BOILERPLATE_ROLES[role], role in ("navigation", "search", "banner", "contentinfo")
    if el.get("aria-modal") == "true":
        return "dialog", True
    for word in _hint_words(el):
        for reason, pattern in _HINTS:
            if pattern.search(word):
                return reason, False
    return None


def is_sectioning(el: Tag) -> bool:
    return el.name in _SECTIONING or str(el.get("role") or "").lower() in ("main", "article")


# Whole-block labels left by ad slots, share bars, cookie banners and promos.
_LABELS = re.compile(
    r"^(?:"
    r"advertisement|advertising|advert|ads?|sponsored(?: content| links?)?|paid (?:post|content|partner)|"
    r"promoted(?: stories| content)?|(?:article|story) continues (?:below|after (?:the )?advert(?:isement)?)|"
    r"continue reading(?: the (?:main )?(?:story|article))?(?: below)?|scroll (?:down )?to continue(?: reading)?|"
    r"share|share (?:this|the) (?:page|article|story|post)|share on \w+|share via \w+|tweet|email|print|"
    r"print this page|pin it|copy link|save|save (?:this )?(?:page|article)|"
    r"we use cookies.*|(?:accept|reject|manage|allow) (?:all |optional |necessary )?cookies|"
    r"cookie (?:settings|preferences|policy)|"
    r"sign up (?:for|to) (?:our|the) (?:free )?(?:\w+ )?newsletter.*|subscribe(?: now| today)?|"
    r"get (?:our|the) newsletter|"
    r"was this (?:page|article|information) (?:helpful|useful)|rate this (?:page|article)|"
    r"feeling unwell|assess your symptoms(?: online)?(?: for free)?|(?:start|try|use) (?:our |the )?symptom checker|"
    r"back to top|skip to (?:main )?content|jump to|in this (?:article|section|page)|"
    r"table of contents|contents|on this page"
    r")$",
    re.I,
)
# Short lines that record who wrote or reviewed the page and when: kept aside, read for dates.
_METADATA = re.compile(
    r"^(?:page |article |content )?(?:last |first |originally )?(?:reviewed|updated|modified|published|"
    r"posted|revised)(?: on| date)?\s*[:\-–]?\s*\S.*$|"
    r"^next review(?: due| date)?\s*[:\-–]?\s*.*$|"
    r"^(?:written|reviewed|medically reviewed|clinically reviewed|authored|peer reviewed|fact[- ]checked|edited)"
    r" by\s*[:\-–]?\s*\S.*$|"
    r"^(?:by|author)\s*[:\-–]\s*\S.*$|"
    r"^(?:article history|references|sources)$",
    re.I,
)
# Headings that introduce blocks of links to other pages.
_RELATED_HEADING = re.compile(
    r"^(?:related(?: \w+){0,3}|(?:more|similar|recommended|popular|trending|latest|top|other)"
    r" (?:articles|stories|posts|content|links|topics|news|reads|guides|pages|from\b.*|in\b.*|on\b.*)|"
    r"you (?:may|might) also (?:like|be interested in|want to read)|read (?:more|next)|"
    r"most (?:read|popular|viewed)|recommended(?: for you)?|editor'?s picks|"
    r"(?:\w+ )?picks for\b.*|see also|explore more|keep reading|what to read next|"
    r"follow us|share this(?: page| article)?|newsletter|sign up.*|comments?|leave a (?:reply|comment)"
    r")$",
    re.I,
)
_TRIM = " .:!?…-–—|•·»›>«‹<*()[]\"'"


def _norm(text: str) -> str:
    return " ".join(text.strip(_TRIM).split())


_COPYRIGHT = re.compile(r"^(?:©|\(c\)|copyright\b)", re.I)
_LATIN = re.compile(r"[A-Za-z]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


# "By Claire Whitfield, health writer": a byline names people with capitals.
_BYLINE = re.compile(r"^(?:by|words by|written by)\s+(?:(?:dr|prof|professor|mr|mrs|ms|miss|mx)\.?\s+)?"
                     r"[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+)+")


def label_reason(text: str, extra: re.Pattern[str] | None = None) -> str | None:
    """Why a short block is not article text, judged by its wording alone."""
    norm = _norm(text)
    if _BYLINE.match(norm) and len(norm.split()) <= 25:
        return "page metadata"
    words = norm.split()
    if _COPYRIGHT.match(text.strip()) and len(words) <= 60:
        return "copyright notice"
    if len(words) >= 4 and sum(1 for w in words if _LATIN.search(w) and _CYRILLIC.search(w)) >= 3:
        return "disguised text"  # Latin words spelt with Cyrillic look-alikes: spam that dodges filters
    if len(words) > 14:
        return None
    if extra is not None and extra.search(norm):
        return "configured boilerplate phrase"
    if _LABELS.match(norm):
        return "label"
    if _METADATA.match(norm):
        return "page metadata"
    return None


def is_related_heading(text: str) -> bool:
    return bool(_RELATED_HEADING.match(_norm(text)))


_COMMENTS_HEADING = re.compile(
    r"^(?:\d+\s+)?(?:comments?|responses?|replies|discussion|leave a (?:reply|comment)|join the (?:discussion|"
    r"conversation)|what (?:do )?you think|reader comments|have your say)(?:\s*\(\d+\))?$",
    re.I,
)


def is_comments_heading(text: str) -> bool:
    """A heading that opens the readers' comments: everything under it is not the article."""
    return bool(_COMMENTS_HEADING.match(_norm(text)))


def phrase_pattern(phrases: Iterable[str]) -> re.Pattern[str] | None:
    """One case-insensitive pattern matching any configured phrase (plain text, not regex)."""
    items = [re.escape(_norm(p)) for p in phrases if _norm(p)]
    if not items:
        return None
    return re.compile(r"^(?:" + "|".join(items) + r")$", re.I)


_REFERENCES_HEADING = re.compile(
    r"^(?:references?|reference list|sources|bibliography|citations|works cited|"
    r"(?:further reading and |sources and )references)$",
    re.I,
)


def is_references_heading(text: str) -> bool:
    """A heading over a list of citations: not text written for patients to read."""
    return bool(_REFERENCES_HEADING.match(_norm(text)))
