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
