"""AX: accessibility of the article markup.

Static checks read the page's HTML (pipeline.rules.accessibility.static); in browser mode axe-core also runs in
headless Chromium and its violations and "needs review" results are merged in, one finding per rule
and element. Each rule names the WCAG success criteria and the W3C ACT rule it implements.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from bs4 import BeautifulSoup

from pipeline.config import AccessibilityConfig
from pipeline.datafiles import load_yaml
from pipeline.errors import BrowserUnavailable
from pipeline.extract.document import ExtractedDocument
from pipeline.model import Document, Finding, Level
from pipeline.rules.accessibility.browser import Browser, shared_browser
from pipeline.rules.accessibility.dom import Page
from pipeline.rules.accessibility.issues import Settings
from pipeline.rules.accessibility.merge import Placed, merge_axe
from pipeline.rules.accessibility.static import audit_static
from pipeline.rules.context import CheckContext
from pipeline.rules.registry import CheckOutput, Rule, check, finding, rule

_WHY_NAME = "Screen readers announce a control by its name; without one, a blind reader hears only 'button' or 'link'."
_WHY_ARIA = (
    "Assistive technologies trust ARIA: a wrong role or attribute makes them announce the wrong thing."
)
_ARIA_GUIDE = "WAI-ARIA 1.2 and ARIA in HTML; WCAG 2.2 SC 1.3.1 and 4.1.2."


def _ax(
    code: str,
    name: str,
    summary: str,
    *,
    level: Level = "error",
    why: str,
    guideline: str,
    fail: str,
    passing: str,
    tags: tuple[str, ...],
) -> Rule:
    return rule(
        code,
        f"accessibility.{name}",
        summary,
        level=level,
        why=why,
        guideline=guideline,
        fail=fail,
        passing=passing,
        tags=tags,
    )


RULES = [
    _ax(
        "AX001",
        "page-title",
        "The page has a non-empty <title>.",
        why="The title is the first thing a screen reader says and what a tab or bookmark shows.",
        guideline="WCAG 2.2 SC 2.4.2 Page Titled (A); ACT rule 2779a5.",
        fail="<html><head></head><body>…</body></html>",
        passing="<title>Sepsis - NHS</title>",
        tags=("wcag:2.4.2", "act:2779a5"),
    ),
    _ax(
        "AX002",
        "html-lang-missing",
        "The <html> element has a lang attribute.",
        why="Without it a screen reader may read English text with the wrong language's pronunciation.",
        guideline="WCAG 2.2 SC 3.1.1 Language of Page (A); ACT rule b5c3f8.",
        fail="<html>",
        passing='<html lang="en-GB">',
        tags=("wcag:3.1.1", "act:b5c3f8"),
    ),
    _ax(
        "AX003",
        "html-lang-invalid",
        "The <html> lang attribute is a valid language code.",
        why="An unknown language code is ignored or misread, so speech uses the wrong voice.",
        guideline="WCAG 2.2 SC 3.1.1 Language of Page (A); BCP 47; ACT rule bf051a.",
        fail='<html lang="english">',
        passing='<html lang="en">',
        tags=("wcag:3.1.1", "act:bf051a"),
    ),
    _ax(
        "AX004",
        "lang-invalid",
        "A lang attribute on a passage is a valid language code.",
        why="Passages in Welsh, Polish or Urdu must be read in their own voice to be understood.",
        guideline="WCAG 2.2 SC 3.1.2 Language of Parts (AA); BCP 47; ACT rule de46e4.",
        fail='<p lang="welsh">Croeso</p>',
        passing='<p lang="cy">Croeso</p>',
        tags=("wcag:3.1.2", "act:de46e4"),
    ),
    _ax(
        "AX005",
        "image-alt",
        'Images have a text alternative, or are marked decorative with alt="".',
        why="A diagram of where to inject insulin is lost to a blind reader without its description.",
        guideline="WCAG 2.2 SC 1.1.1 Non-text Content (A); NHS service manual, images; ACT rule 23a2a8.",
        fail='<img src="rash.jpg">',
        passing='<img src="rash.jpg" alt="A red, blotchy rash on a child\'s arm">',
        tags=("wcag:1.1.1", "act:23a2a8", "nhs:images"),
    ),
    _ax(
        "AX006",
        "svg-image-name",
        "SVG graphics with an image role have an accessible name.",
        why="A chart drawn in SVG says nothing to a screen reader unless it is named.",
        guideline="WCAG 2.2 SC 1.1.1 Non-text Content (A); ACT rule 7d6734.",
        fail='<svg role="img"><circle r="4"/></svg>',
        passing='<svg role="img"><title>1 circle</title>…</svg>',
        tags=("wcag:1.1.1", "act:7d6734"),
    ),
    _ax(
        "AX007",
        "image-button-name",
        'Image buttons (<input type="image">) have an accessible name.',
        why=_WHY_NAME,
        guideline="WCAG 2.2 SC 1.1.1 and 4.1.2 (A); ACT rule 59796f.",
        fail='<input type="image" src="search.svg">',
        passing='<input type="image" src="search.svg" alt="Search">',
        tags=("wcag:1.1.1", "wcag:4.1.2", "act:59796f"),
    ),
    _ax(
        "AX008",
        "object-alt",
        "Images, audio and video embedded with <object> have a text alternative.",
        why="Embedded media without a name is announced as nothing at all.",
        guideline="WCAG 2.2 SC 1.1.1 Non-text Content (A); ACT rule 8fc3b6.",
        fail='<object data="cough.mp3"></object>',
        passing='<object data="cough.mp3" title="A croup cough"></object>',
        tags=("wcag:1.1.1", "act:8fc3b6"),
    ),
    _ax(
        "AX010",
        "link-name",
        "Links have text a screen reader can announce.",
        why=_WHY_NAME,
        guideline="WCAG 2.2 SC 2.4.4 and 4.1.2 (A); ACT rule c487ae.",
        fail='<a href="/111"><img src="111.png"></a>',
        passing='<a href="/111">Get help from 111 online</a>',
        tags=("wcag:2.4.4", "wcag:4.1.2", "act:c487ae"),
    ),
    _ax(
        "AX011",
        "link-text-vague",
        "Link text says where the link goes ('click here' and 'read more' do not).",
        level="warning",
        why="Screen reader users list a page's links out of context; ten links called 'read more' are useless.",
        guideline="NHS service manual, content style guide: links; WCAG 2.2 SC 2.4.4 (A) and 2.4.9 (AAA); "
        "ACT rule aizyf1 (the part that can be judged from the text alone). Phrases: data/link_text.yaml.",
        fail='<a href="/asthma">Click here</a>',
        passing='<a href="/asthma">Asthma attacks: what to do</a>',
        tags=("wcag:2.4.4", "wcag:2.4.9", "act:aizyf1", "nhs:links"),
    ),
    _ax(
        "AX020",
        "heading-one",
        "The page has exactly one main heading (<h1>).",
        level="warning",
        why="Screen reader users jump to the <h1> to find where the article starts and what it is about.",
        guideline="NHS service manual: one H1 per page; WCAG 2.2 SC 1.3.1 (A) and 2.4.6 (AA).",
        fail="<h2>Sepsis</h2><p>…</p>",
        passing="<h1>Sepsis</h1><p>…</p>",
        tags=("wcag:1.3.1", "wcag:2.4.6", "nhs:headings"),
    ),
    _ax(
        "AX021",
        "heading-order",
        "Heading levels go down one at a time (no <h2> to <h4> jump).",
        level="warning",
        why="Skipped levels make readers think they missed a section when navigating by heading.",
        guideline="NHS service manual: headings in order; WCAG 2.2 SC 1.3.1 Info and Relationships (A).",
        fail="<h1>Sepsis</h1><h3>Symptoms</h3>",
        passing="<h1>Sepsis</h1><h2>Symptoms</h2>",
        tags=("wcag:1.3.1", "nhs:headings"),
    ),
    _ax(
        "AX022",
        "heading-empty",
        "Headings have text.",
        why="An empty heading is announced as 'heading' with nothing after it, and breaks the page outline.",
        guideline="WCAG 2.2 SC 1.3.1 (A) and 2.4.6 (AA); ACT rule ffd0e9.",
        fail="<h2></h2>",
        passing="<h2>Symptoms</h2>",
        tags=("wcag:1.3.1", "wcag:2.4.6", "act:ffd0e9"),
    ),
    _ax(
        "AX030",
        "table-headers",
        "Data tables have header cells (<th>).",
        why="Without headers a screen reader reads a dose table as a stream of numbers with no meaning.",
        guideline="WCAG 2.2 SC 1.3.1 Info and Relationships (A); WAI tables tutorial.",
        fail="<table><tr><td>Age</td><td>Dose</td></tr><tr><td>2</td><td>5ml</td></tr></table>",
        passing="<table><tr><th>Age</th><th>Dose</th></tr><tr><td>2</td><td>5ml</td></tr></table>",
        tags=("wcag:1.3.1",),
    ),
    _ax(
        "AX031",
        "table-headers-attribute",
        "headers attributes point to header cells of the same table.",
        why="A broken headers reference makes screen readers read the wrong column heading with a value.",
        guideline="WCAG 2.2 SC 1.3.1 Info and Relationships (A); ACT rule a25f45.",
        fail='<td headers="missing">5ml</td>',
        passing='<th id="dose">Dose</th> … <td headers="dose">5ml</td>',
        tags=("wcag:1.3.1", "act:a25f45"),
    ),
    _ax(
        "AX032",
        "header-cell-without-data",
        "Every header cell labels at least one data cell.",
        level="warning",
        why="A header over nothing suggests a missing column, and confuses table navigation.",
        guideline="WCAG 2.2 SC 1.3.1 Info and Relationships (A); ACT rule d0f69e.",
        fail="<tr><th>Rate</th><th>Value</th></tr><tr><td>15%</td></tr>",
        passing="<tr><th>Rate</th><th>Value</th></tr><tr><td>15%</td><td>3</td></tr>",
        tags=("wcag:1.3.1", "act:d0f69e"),
    ),
    _ax(
        "AX035",
        "fake-list",
        "Lists are marked up as lists, not typed with bullet characters.",
        level="warning",
        why="Screen readers announce 'list, 4 items' for real lists, so readers know how many symptoms follow.",
        guideline="NHS service manual: bullet points; WCAG 2.2 SC 1.3.1 Info and Relationships (A).",
        fail="<p>• a high temperature<br>• a cough</p>",
        passing="<ul><li>a high temperature</li><li>a cough</li></ul>",
        tags=("wcag:1.3.1", "nhs:bullet-points"),
    ),
    _ax(
        "AX036",
        "list-structure",
        "<ul> and <ol> hold only <li>, and <li> sits in a list.",
        why="Broken list markup is announced as a jumble, or items are not counted.",
        guideline="HTML content models; WCAG 2.2 SC 1.3.1 Info and Relationships (A).",
        fail="<ul><p>a cough</p></ul>",
        passing="<ul><li>a cough</li></ul>",
        tags=("wcag:1.3.1",),
    ),
    _ax(
        "AX040",
        "form-field-name",
        "Form fields have a label.",
        why="A symptom checker field with no label is announced as 'edit text', with no idea what to type.",
        guideline="WCAG 2.2 SC 1.3.1 and 4.1.2 (A); ACT rule e086e5.",
        fail="<input id=age>",
        passing='<label for="age">Your age</label><input id="age">',
        tags=("wcag:1.3.1", "wcag:4.1.2", "act:e086e5"),
    ),
    _ax(
        "AX041",
        "button-name",
        "Buttons have an accessible name.",
        why=_WHY_NAME,
        guideline="WCAG 2.2 SC 4.1.2 Name, Role, Value (A); ACT rule 97a4e1.",
        fail="<button><svg>…</svg></button>",
        passing='<button aria-label="Close">×</button>',
        tags=("wcag:4.1.2", "act:97a4e1"),
    ),
    _ax(
        "AX042",
        "menuitem-name",
        "Menu items have an accessible name.",
        why=_WHY_NAME,
        guideline="WCAG 2.2 SC 4.1.2 Name, Role, Value (A); ACT rule m6b1q3.",
        fail='<div role="menu"><button role="menuitem"><img src="x.svg" alt=""></button></div>',
        passing='<div role="menu"><button role="menuitem">New file</button></div>',
        tags=("wcag:4.1.2", "act:m6b1q3"),
    ),
    _ax(
        "AX043",
        "summary-name",
        "The <summary> of an expander has text.",
        why="NHS pages hide detail in expanders; an empty summary gives no reason to open it.",
        guideline="WCAG 2.2 SC 4.1.2 Name, Role, Value (A); ACT rule 2t702h.",
        fail="<details><summary></summary>…</details>",
        passing="<details><summary>Symptoms in babies</summary>…</details>",
        tags=("wcag:4.1.2", "act:2t702h"),
    ),
    _ax(
        "AX044",
        "iframe-title",
        "Iframes have a title.",
        why="Embedded videos and maps are announced only by their title.",
        guideline="WCAG 2.2 SC 4.1.2 Name, Role, Value (A); ACT rule cae760.",
        fail='<iframe src="video.html"></iframe>',
        passing='<iframe src="video.html" title="Video: using an inhaler">',
        tags=("wcag:4.1.2", "act:cae760"),
    ),
    _ax(
        "AX045",
        "iframe-tab-order",
        'Frames with links or controls inside are not taken out of the tab order (tabindex="-1").',
        why="Keyboard users cannot reach anything inside such a frame, such as a video's play button.",
        guideline="WCAG 2.2 SC 2.1.1 Keyboard (A); ACT rule akn7bn.",
        fail='<iframe tabindex="-1" srcdoc="<a href=\'/\'>Home</a>"></iframe>',
        passing="<iframe srcdoc=\"<a href='/'>Home</a>\"></iframe>",
        tags=("wcag:2.1.1", "act:akn7bn"),
    ),
    _ax(
        "AX050",
        "viewport-zoom",
        "The viewport does not stop readers from zooming.",
        why="People with low vision zoom to 200% or more; user-scalable=no locks them out.",
        guideline="WCAG 2.2 SC 1.4.4 Resize Text (AA) and 1.4.10 Reflow (AA); ACT rule b4f0c3.",
        fail='<meta name="viewport" content="width=device-width, user-scalable=no">',
        passing='<meta name="viewport" content="width=device-width, initial-scale=1">',
        tags=("wcag:1.4.4", "wcag:1.4.10", "act:b4f0c3"),
    ),
    _ax(
        "AX051",
        "meta-refresh",
        "The page does not refresh or redirect itself after a delay.",
        why="A page that moves on by itself takes text away before slow readers have finished.",
        guideline="WCAG 2.2 SC 2.2.1 Timing Adjustable (A), 2.2.4 and 3.2.5 (AAA); ACT rules bc659a and bisz58.",
        fail='<meta http-equiv="refresh" content="30">',
        passing='<meta http-equiv="refresh" content="0; URL=/new">',
        tags=("wcag:2.2.1", "wcag:2.2.4", "wcag:3.2.5", "act:bc659a", "act:bisz58"),
    ),
    _ax(
        "AX052",
        "meta-refresh-long",
        "The page does not refresh itself even after a long delay (over 20 hours).",
        level="note",
        why="An unexpected refresh still loses a reader's place, however late it comes.",
        guideline="WCAG 2.2 SC 2.2.4 Interruptions and 3.2.5 Change on Request (AAA); ACT rule bisz58.",
        fail='<meta http-equiv="refresh" content="72001">',
        passing="(no meta refresh)",
        tags=("wcag:2.2.4", "wcag:3.2.5", "act:bisz58"),
    ),
    _ax(
        "AX055",
        "duplicate-referenced-id",
        "Ids that ARIA attributes or labels point to are unique.",
        why="With two elements sharing an id, a label or description is attached to the wrong one.",
        guideline="WCAG 2.2 SC 1.3.1 and 4.1.2 (A); HTML: ids are unique.",
        fail='<label for="dob">Date of birth</label><input id="dob"><input id="dob">',
        passing='<label for="dob">Date of birth</label><input id="dob">',
        tags=("wcag:1.3.1", "wcag:4.1.2"),
    ),
    _ax(
        "AX060",
        "aria-role-invalid",
        "role attributes name a WAI-ARIA role.",
        why=_WHY_ARIA,
        guideline=_ARIA_GUIDE + " ACT rule 674b10.",
        fail='<span role="lnik">',
        passing='<span role="link">',
        tags=("wcag:1.3.1", "wcag:4.1.2", "act:674b10"),
    ),
    _ax(
        "AX061",
        "aria-attribute-undefined",
        "aria-* attributes are defined in WAI-ARIA.",
        why=_WHY_ARIA,
        guideline=_ARIA_GUIDE + " ACT rule 5f99a7.",
        fail='<div aria-labeled="x">',
        passing='<div aria-label="x">',
        tags=("wcag:1.3.1", "wcag:4.1.2", "act:5f99a7"),
    ),
    _ax(
        "AX062",
        "aria-attribute-value",
        "ARIA attributes have values WAI-ARIA allows.",
        why=_WHY_ARIA,
        guideline=_ARIA_GUIDE + " ACT rule 6a7281.",
        fail='<div role="button" aria-expanded="collapsed">',
        passing='<div role="button" aria-expanded="false">',
        tags=("wcag:1.3.1", "wcag:4.1.2", "act:6a7281"),
    ),
    _ax(
        "AX063",
        "aria-required-attribute",
        "Elements with a role have the states the role requires.",
        why=_WHY_ARIA,
        guideline=_ARIA_GUIDE + " ACT rule 4e8ab6.",
        fail='<div role="checkbox">',
        passing='<div role="checkbox" aria-checked="false">',
        tags=("wcag:4.1.2", "act:4e8ab6"),
    ),
    _ax(
        "AX064",
        "aria-attribute-not-allowed",
        "ARIA states and properties are allowed on the element's role.",
        why=_WHY_ARIA,
        guideline=_ARIA_GUIDE + " ACT rule 5c01ea.",
        fail='<button aria-sort="ascending">',
        passing='<th aria-sort="ascending">',
        tags=("wcag:4.1.2", "act:5c01ea"),
    ),
    _ax(
        "AX065",
        "aria-attribute-prohibited",
        "Labels (aria-label and friends) are not put on elements that cannot be named.",
        why="A label on a plain <div> or <p> is ignored by most screen readers, so its text is lost.",
        guideline=_ARIA_GUIDE + " ACT rule kb1m8s.",
        fail='<div aria-label="Price">€1</div>',
        passing='<div role="region" aria-label="Price">€1</div>',
        tags=("wcag:4.1.2", "act:kb1m8s"),
    ),
    _ax(
        "AX066",
        "aria-required-context",
        "Roles that need a parent role (listitem, row, tab …) have it.",
        why=_WHY_ARIA,
        guideline=_ARIA_GUIDE + " ACT rule ff89c9.",
        fail='<div role="listitem">',
        passing='<div role="list"><div role="listitem">…</div></div>',
        tags=("wcag:1.3.1", "act:ff89c9"),
    ),
    _ax(
        "AX067",
        "aria-required-owned",
        "Roles that need particular children (list, table, menu …) have only those.",
        why=_WHY_ARIA,
        guideline=_ARIA_GUIDE + " ACT rule bc4a75.",
        fail='<div role="list"><span>Item</span></div>',
        passing='<div role="list"><span role="listitem">Item</span></div>',
        tags=("wcag:1.3.1", "act:bc4a75"),
    ),
    _ax(
        "AX068",
        "aria-hidden-focusable",
        "Content hidden with aria-hidden cannot take keyboard focus.",
        why="Keyboard users land on something their screen reader says nothing about.",
        guideline="WCAG 2.2 SC 1.3.1 and 4.1.2 (A); ACT rule 6cfa84.",
        fail='<div aria-hidden="true"><a href="/">Home</a></div>',
        passing='<div aria-hidden="true"><a href="/" tabindex="-1">Home</a></div>',
        tags=("wcag:1.3.1", "wcag:4.1.2", "act:6cfa84"),
    ),
    _ax(
        "AX069",
        "decorative-exposed",
        "Elements marked decorative are not exposed to assistive technologies.",
        why="Something marked decorative but still announced confuses readers with an empty or odd item.",
        guideline="WCAG 2.2 SC 1.3.1 (A); ARIA presentational roles conflict resolution; ACT rule 46ca7f.",
        fail='<img src="x.png" alt="" aria-labelledby="cap">',
        passing='<img src="x.png" alt="">',
        tags=("wcag:1.3.1", "act:46ca7f"),
    ),
    _ax(
        "AX070",
        "nested-interactive",
        "Controls do not hold other focusable controls.",
        why="Screen readers flatten a button's content, so a link inside it can never be reached.",
        guideline="WCAG 2.2 SC 4.1.2 Name, Role, Value (A); ACT rule 307n5z.",
        fail='<button>Save <a href="/x">options</a></button>',
        passing='<button>Save</button><a href="/x">options</a>',
        tags=("wcag:4.1.2", "act:307n5z"),
    ),
    _ax(
        "AX071",
        "autocomplete-invalid",
        "autocomplete attributes use valid autofill purposes.",
        why="Valid purposes let browsers fill in name, date of birth and NHS contact details for people who "
        "find typing hard.",
        guideline="WCAG 2.2 SC 1.3.5 Identify Input Purpose (AA); ACT rule 73f2c2.",
        fail='<input autocomplete="birthday">',
        passing='<input autocomplete="bday">',
        tags=("wcag:1.3.5", "act:73f2c2"),
    ),
    _ax(
        "AX075",
        "letter-spacing-important",
        "Letter spacing is not fixed below 0.12 em with !important.",
        level="warning",
        why="Readers with dyslexia widen spacing with their own style sheets; !important blocks them.",
        guideline="WCAG 2.2 SC 1.4.12 Text Spacing (AA); ACT rule 24afc2.",
        fail='<p style="letter-spacing: 0.1em !important">',
        passing='<p style="letter-spacing: 0.12em">',
        tags=("wcag:1.4.12", "act:24afc2"),
    ),
    _ax(
        "AX076",
        "word-spacing-important",
        "Word spacing is not fixed below 0.16 em with !important.",
        level="warning",
        why="Readers with dyslexia widen spacing with their own style sheets; !important blocks them.",
        guideline="WCAG 2.2 SC 1.4.12 Text Spacing (AA); ACT rule 9e45ec.",
        fail='<p style="word-spacing: 0.1em !important">',
        passing='<p style="word-spacing: 0.16em">',
        tags=("wcag:1.4.12", "act:9e45ec"),
    ),
    _ax(
        "AX077",
        "line-height-important",
        "Line height is not fixed below 1.5 with !important.",
        level="warning",
        why="Readers with low vision or dyslexia need room between lines; !important blocks them.",
        guideline="WCAG 2.2 SC 1.4.12 Text Spacing (AA); ACT rule 78fd32.",
        fail='<p style="line-height: 1.2 !important">',
        passing='<p style="line-height: 1.5">',
        tags=("wcag:1.4.12", "act:78fd32"),
    ),
    _ax(
        "AX900",
        "axe",
        "axe-core found a problem that no static rule covers (browser mode).",
        why="The browser engine sees the rendered page: colour contrast, focus, scrolling regions and more.",
        guideline="axe-core rules, each tagged with its WCAG success criteria and ACT rules.",
        fail="Text in #777 on #fff (contrast 4.48:1).",
        passing="Text in #505a5f on #fff (contrast 7:1).",
        tags=("axe-core",),
    ),
    _ax(
        "AX901",
        "browser-not-run",
        "Browser mode was asked for but axe-core could not run on this article.",
        why="An accessibility scan that silently did not run must never let an article pass the gate.",
        guideline="health-audit: a check that cannot run is reported, never skipped.",
        fail="Chromium could not be started.",
        passing="axe-core ran on the page.",
        tags=("axe-core",),
    ),
]
CODES = tuple(r.code for r in RULES)
_STATIC_CODES = frozenset(CODES) - {"AX900", "AX901"}


@cache
def vague_link_phrases(path: str) -> frozenset[str]:
    """The editable list of link texts that do not say where a link goes (data/link_text.yaml)."""
    from pipeline.rules.accessibility.static_names import normalise_link_text

    data = load_yaml(Path(path).read_text(encoding="utf-8")) or {}
    return frozenset(normalise_link_text(str(p)) for p in data.get("phrases", []))


def settings_for(cfg: AccessibilityConfig) -> Settings:
    return Settings(
        vague_link_phrases=vague_link_phrases(cfg.link_text), max_per_rule=cfg.max_findings_per_rule
    )


def static_findings(
    html: str, cfg: AccessibilityConfig, soup: BeautifulSoup | None = None
) -> tuple[Page, list[Placed]]:
    """The static checks' findings, each with the element it is about."""
    result = audit_static(html, settings_for(cfg), soup)
    placed = [
        Placed(
            finding(
                loc.issue.code,
                loc.issue.message,
                outcome=loc.issue.outcome,
                selector=loc.selector,
                excerpt=loc.excerpt,
                suggestion=loc.issue.suggestion,
                data=dict(loc.issue.data),
            ),
            loc.issue.element,
        )
        for loc in result.located
    ]
    placed += [
        Placed(
            finding(
                "EX003",
                f"The accessibility check '{c.check}' failed on this article: {c.error}",
                data={"check": f"accessibility.{c.check}"},
            ),
            None,
        )
        for c in result.crashes
    ]
    return result.page, placed


def markup_findings(
    html: str,
    source: str,
    cfg: AccessibilityConfig,
    browser: Browser | None = None,
    soup: BeautifulSoup | None = None,
) -> list[Finding]:
    """Static findings, merged with axe-core's when a browser is given (browser mode)."""
    page, placed = static_findings(html, cfg, soup)
    if browser is not None:
        try:
            results = browser.audit(html, source)
        except BrowserUnavailable as err:
            placed.append(Placed(finding("AX901", f"axe-core did not run: {err}."), None))
        else:
            placed = merge_axe(placed, results, page, best_practice=cfg.axe_best_practice)
    return [p.finding for p in placed]


@check("accessibility.markup", *CODES, needs_html=True)
def markup_accessibility(doc: Document, ctx: CheckContext) -> CheckOutput:
    cfg = ctx.config.accessibility
    if not doc.html:
        return CheckOutput()  # plain text or Markdown: there is no markup to check
    browser = shared_browser(ctx) if cfg.browser else None
    parsed = doc.parsed if isinstance(doc, ExtractedDocument) else None
    findings = markup_findings(doc.html, doc.source, cfg, browser, parsed)
    counts: dict[str, int] = {}
    for f in findings:
        if f.rule.startswith("AX") and f.outcome in ("fail", "review"):
            counts[f.outcome] = counts.get(f.outcome, 0) + 1
    return CheckOutput(
        findings,
        {
            "accessibility": {
                "fail": counts.get("fail", 0),
                "review": counts.get("review", 0),
                "browser": browser is not None,
            }
        },
    )
