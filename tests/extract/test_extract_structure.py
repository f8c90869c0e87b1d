"""Article structure, not link density alone; and an article is never lost silently (issue 19).

Every page here is markup we wrote for the class of problem, not a copy of a real page.
"""

from __future__ import annotations

from pipeline.extract.document import RawPage, extract

_PROSE = (
    "Meningitis is an infection of the protective membranes that surround the brain and spinal cord. "
    "It can affect anyone, but is most common in babies, young children, teenagers and young adults. "
    "Meningitis can be very serious if not treated quickly, and it can cause life-threatening sepsis. "
)


def _nav(n: int, prefix: str = "Topic") -> str:
    return "".join(f"<li><a href='/t/{i}'>{prefix} number {i}</a></li>" for i in range(n))


def _text(html: str) -> str:
    return extract(RawPage(source="page.html", html=html)).text


def _doc(html: str):  # type: ignore[no-untyped-def]
    return extract(RawPage(source="page.html", html=html))


# --- navigation longer than the article -------------------------------------------------------


NAV_LONGER = f"""<html lang="en"><head><title>Meningitis</title></head><body>
<div id="menu"><ul>{_nav(120, "Health condition")}</ul></div>
<div id="wrap"><div class="col">
<h1>Meningitis</h1>
<p>{_PROSE}</p>
<h2>Urgent advice</h2>
<p>Call 999 or go to A&amp;E straight away if you think you or your child might have meningitis.
Trust your instincts and do not wait for a rash to appear before you get help.</p>
<p>Page last reviewed: 1 March 2019. Next review due: 1 March 2022.</p>
</div></div>
<div id="links"><ul>{_nav(60, "More on")}</ul></div>
</body></html>"""


def test_navigation_longer_than_the_article_does_not_hide_it() -> None:
    doc = _doc(NAV_LONGER)
    assert "Call 999 or go to A&E" in doc.text
    assert "protective membranes" in doc.text
    assert "Health condition number 5" not in doc.text


NO_LANDMARKS = f"""<html lang="en"><body>
<div class="top"><a href="/">Home</a> <a href="/a">About</a> <a href="/c">Contact</a></div>
<div class="box"><div class="inner">
<div class="t">Meningitis</div>
<div class="txt">{_PROSE}</div>
<div class="txt">Meningitis is usually caused by a bacterial or viral infection. Bacterial meningitis is
rarer but more serious than viral meningitis, and it needs treatment in hospital straight away.</div>
<div class="txt">Call 999 if you or someone you look after has symptoms of meningitis.</div>
</div></div>
<div class="bottom"><ul>{_nav(40)}</ul></div>
</body></html>"""


def test_a_page_with_no_article_or_main_keeps_its_prose() -> None:
    text = _text(NO_LANDMARKS)
    assert "protective membranes" in text
    assert "bacterial or viral infection" in text
    assert "Topic number 3" not in text


OLD_TABLES = f"""<html><body>
<table width="100%"><tr>
<td width="180" valign="top"><table>{"".join(f"<tr><td><a href='/x{i}'>Section {i}</a></td></tr>" for i in range(50))}</table></td>
<td valign="top">
<font size="5"><b>Meningitis</b></font><br><br>
{_PROSE}<br><br>
Bacterial meningitis is rarer but more serious than viral meningitis. It needs treatment in hospital
straight away, usually with antibiotics given into a vein.<br><br>
Call 999 if you think someone has meningitis or sepsis.
</td></tr></table>
<center><a href="/">Home</a> | <a href="/privacy">Privacy</a></center>
</body></html>"""


def test_an_old_table_layout_keeps_the_article_cell() -> None:
    text = _text(OLD_TABLES)
    assert "protective membranes" in text
    assert "antibiotics given into a vein" in text
    assert "Section 7" not in text


# The detector keeps a column of link rows (each a block of its own) that is longer than the article.
LINK_ROWS = "".join(f"<div><a href='/c{i}'>Condition {i}: a longer label about a condition page</a></div>" for i in range(60))
NAV_CHOSEN = f"""<html lang="en"><body><div>{LINK_ROWS}</div>
<div><div>Meningitis is an infection of the protective membranes that surround the brain and spinal cord.
It can affect anyone, but is most common in babies and young children.</div><div>Call 999 now if you think someone has meningitis or sepsis.</div></div></body></html>"""


def test_a_navigation_like_choice_is_replaced_by_the_prose_and_flagged_for_review() -> None:
    doc = _doc(NAV_CHOSEN)
    assert "protective membranes" in doc.text and "Call 999 now" in doc.text
    assert "Condition 7" not in doc.text
    assert any("Condition 7" in s for s in doc.stripped)  # kept aside, shown in the report
    [problem] = [p for p in doc.problems if p.code == "EX006"]
    assert "navigation-like" in problem.message and "confidence is low" in problem.message


def test_a_sure_extraction_has_no_low_confidence_finding() -> None:
    assert not [p for p in _doc(NAV_LONGER).problems if p.code == "EX006"]


def test_the_largest_prose_region_is_not_a_listing_of_teasers() -> None:
    from pipeline.extract.dom import Walker
    from pipeline.extract.prose import prose_region
    from pipeline.extract.soup import parse_html

    teasers = "".join(f"<article><h2>Story {i}</h2><p>{_PROSE}</p></article>" for i in range(5))
    html = f"<html><body><div id='list'>{teasers}</div></body></html>"
    soup = parse_html(html)
    candidates = Walker().walk(soup.body)
    region = prose_region(candidates, [True] * len(candidates))
    assert region is not None and region.name == "article"


def test_a_page_whose_prose_the_detector_missed_is_not_lost() -> None:
    from pipeline.extract.dom import Walker
    from pipeline.extract.main_content import select
    from pipeline.extract.soup import parse_html

    html = f"<html><body><div class='x'><p>{_PROSE}</p><p>{_PROSE}</p></div></body></html>"
    soup = parse_html(html)
    candidates = Walker().walk(soup.body)
    selection = select(soup, candidates, None)  # no detector vote at all
    assert all(selection.keep)


# --- article structure, not link density alone ------------------------------------------------

_MORE = (
    "Meningitis can be very serious if not treated quickly. It can cause life-threatening blood poisoning "
    "and result in permanent damage to the brain or nerves. "
)


def _article(body: str, *, before: str = "") -> str:
    """A condition page: site header and footer, and an article with `body` between two sections."""
    return f"""<html lang="en"><head><title>Meningitis</title></head><body>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/az">Health A to Z</a></li></ul></nav></header>
<main><article><h1>Meningitis</h1>{before}<p>{_PROSE}</p><p>{_MORE}</p>{body}
<h2>Treatment</h2><p>{_MORE} {_PROSE}</p></article></main>
<footer><a href="/privacy">Privacy</a></footer></body></html>"""


def test_a_symptom_list_of_link_chips_under_an_article_heading_is_kept() -> None:
    chips = "".join(
        f'<li><a class="chip" href="/symptoms/{i}">{s}</a></li>'
        for i, s in enumerate(["a high temperature", "a rash that does not fade", "a stiff neck", "a dislike of bright lights"])
    )
    text = _text(_article(f'<h2>Symptoms</h2><ul class="chip-list">{chips}</ul>'))
    assert "Symptoms." in text
    for symptom in ("a high temperature", "a stiff neck", "a dislike of bright lights"):
        assert symptom in text


def test_link_chips_side_by_side_after_a_lead_in_line_are_kept() -> None:
    chips = '<a class="pill" href="/s/1">high temperature</a> <a class="pill" href="/s/2">rash</a> <a class="pill" href="/s/3">stiff neck</a>'
    text = _text(_article(f'<h2>Symptoms</h2><p>Symptoms include:</p><div class="pills">{chips}</div>'))
    assert "high temperature" in text and "stiff neck" in text


def test_a_one_sentence_paragraph_around_a_link_is_kept() -> None:
    text = _text(_article(
        '<h2>Side effects</h2><p>Most people have no side effects.</p>'
        '<p>Report a side effect on the <a href="https://yellowcard.mhra.gov.uk">Yellow Card website</a>.</p>'
    ))
    assert "Report a side effect on the Yellow Card website" in text


def test_a_find_out_more_paragraph_in_the_body_is_kept() -> None:
    text = _text(_article('<p>Find out more about <a href="/vaccinations/menb">the MenB vaccine</a>.</p>'))
    assert "Find out more about the MenB vaccine" in text


def test_a_paragraph_that_is_only_a_link_to_another_story_is_not_recovered() -> None:
    from pipeline.extract.dom import Walker
    from pipeline.extract.soup import parse_html
    from pipeline.extract.structure import recover_link_content

    html = f"""<html><body><div><p>{_PROSE}</p><p><a href="/s">SEAN SPICER ELIMINATED FROM THE SHOW</a></p>
    <p><a href="/t">Car sales plunge nearly 17 percent in August</a></p><p>{_MORE}</p></div></body></html>"""
    soup = parse_html(html)
    candidates = Walker().walk(soup.body)
    keep = [True, False, False, True]
    reasons: list[str | None] = [None, "outside the article", "outside the article", None]
    recover_link_content(candidates, keep, reasons)
    assert keep == [True, False, False, True]


def test_a_list_of_links_at_the_end_of_the_page_is_not_taken_for_chips() -> None:
    html = _article("").replace(
        "</article></main>",
        "</article></main><div class='x'><h2>Topics</h2><ul><li><a href='/a'>Asthma</a></li><li><a href='/b'>Burns</a></li></ul></div>",
    )
    text = _text(html)
    assert "Asthma" not in text and "Burns" not in text


def test_an_in_page_contents_list_is_furniture() -> None:
    contents = (
        '<ol><li><a href="#symptoms">Symptoms of meningitis</a></li><li><a href="#treatment">Treatment for meningitis</a>'
        '</li><li><a href="#vaccines">Vaccines that protect against it</a></li></ol>'
    )
    for before in (f'<div class="page-contents"><h2>On this page</h2>{contents}</div>', f'<div class="x1">{contents}</div>'):
        doc = _doc(_article("", before=before))
        assert "Symptoms of meningitis" not in doc.text and "Vaccines that protect" not in doc.text
        assert any("Symptoms of meningitis" in s for s in doc.stripped)


def test_an_in_page_contents_list_is_furniture_without_the_detector() -> None:
    from pipeline.config import ExtractionConfig

    contents = '<ul><li><a href="#a">Causes</a></li><li><a href="#b">Treatment</a></li></ul>'
    doc = extract(RawPage(source="p.html", html=_article("", before=contents)), ExtractionConfig(use_trafilatura=False))
    assert "Causes" not in doc.text and "protective membranes" in doc.text


_CARDS = [
    # (wrapper, heading, one card) in different markup: class names that say nothing
    ('<div class="editorial-block">', '<h3 class="eb-title">Readers also viewed</h3>',
     '<a class="eb-item" href="/{n}"><img src="{n}.jpg" alt=""><span>{t}</span></a>'),
    ('<aside class="inline-x">', "<h2>Our picks for Meningitis</h2>", '<li><a href="/{n}"><span>{t}</span></a></li>'),
    ('<section class="mod-7">', "<h2>Recommended for you</h2>", '<article class="tile"><a href="/{n}"><h3>{t}</h3></a></article>'),
    ('<div class="zz">', "<h2>Meningitis and sepsis</h2>", '<a href="/{n}"><picture><img src="{n}.jpg" alt=""></picture>{t}</a>'),
]


def test_related_article_cards_and_their_heading_are_furniture_wherever_they_sit() -> None:
    titles = ["How to spot sepsis in adults and children", "Meningitis: symptoms and vaccines explained"]
    for wrapper, heading, card in _CARDS:
        close = "</" + wrapper[1:].split()[0].rstrip(">") + ">"
        cards = "".join(card.format(n=i, t=t) for i, t in enumerate(titles))
        doc = _doc(_article(f"{wrapper}{heading}<div>{cards}</div>{close}"))
        heading_text = heading.split(">")[1].split("<")[0]
        assert heading_text not in doc.text, wrapper
        assert titles[0] not in doc.text and titles[1] not in doc.text, wrapper
        assert "Treatment" in doc.text and "protective membranes" in doc.text


def test_sentences_dropped_between_two_article_blocks_are_recovered() -> None:
    from pipeline.extract.dom import Walker
    from pipeline.extract.soup import parse_html
    from pipeline.extract.structure import recover_sandwiched_prose

    html = f"""<html><body><div class="nav"><a href="/">Home</a></div><div class="story"><p>{_PROSE}</p>
    <ul><li>"Call 999 if you think someone has meningitis," the nurse told us.</li>
    <li>"Do not wait for a rash before you get help," she added.</li></ul><p>{_MORE}</p></div></body></html>"""
    soup = parse_html(html)
    candidates = Walker().walk(soup.body)
    keep = [c.text.startswith(("Meningitis is", "Meningitis can")) for c in candidates]
    reasons: list[str | None] = [None if k else "outside the article" for k in keep]
    recover_sandwiched_prose(candidates, keep, reasons)
    assert [c.text[:6] for c, k in zip(candidates, keep, strict=True) if k] == ["Mening", '"Call ', '"Do no', "Mening"]
    assert not keep[0]  # the menu link before the article stays out


def test_a_dropped_lead_in_line_between_article_blocks_is_recovered() -> None:
    from pipeline.extract.dom import Walker
    from pipeline.extract.soup import parse_html
    from pipeline.extract.structure import recover_sandwiched_prose

    html = f"<html><body><div><p>{_PROSE}</p><p>What you'll need:</p><p>{_MORE}</p></div></body></html>"
    soup = parse_html(html)
    candidates = Walker().walk(soup.body)
    keep = [True, False, True]
    reasons: list[str | None] = [None, "outside the article", None]
    recover_sandwiched_prose(candidates, keep, reasons)
    assert keep == [True, True, True]


def test_a_tiny_page_of_plain_words_is_not_called_navigation() -> None:
    doc = _doc("<html><body><main><h1>Opening hours</h1><p>Monday to Friday, 9am to 5pm</p></main></body></html>")
    assert "Monday to Friday" in doc.text
    assert not [p for p in doc.problems if p.code == "EX006"]
