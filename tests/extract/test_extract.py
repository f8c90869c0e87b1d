"""Extraction into the Document: structure, boilerplate removal, site profiles, dates, other formats."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from pipeline.config import ExtractionConfig, SiteProfile
from pipeline.extract.dates import parse_date
from pipeline.extract.document import RawPage, extract, from_markdown, from_text
from pipeline.model import Document
from tests.conftest import ROOT

ARTICLE = """
<html lang="en-GB"><head><title>Sepsis | Health Site</title>
<meta property="og:title" content="Sepsis: signs and what to do"></head>
<body>
<div class="cookie-banner"><p>We use cookies to make this site work.</p><button>Accept all cookies</button></div>
<header class="site-header"><a href="/">Health Site home</a>
  <nav><ul><li><a href="/a-z">Conditions A to Z</a></li><li><a href="/live-well">Live well</a></li></ul></nav>
</header>
<main id="content">
 <article>
  <h1>Sepsis</h1>
  <div class="share-bar"><a href="#">Share on Facebook</a> <a href="#">Email</a></div>
  <p>Sepsis is a life-threatening reaction to an infection. It happens when your immune system
     overreacts and starts to damage your body's own tissues and organs.</p>
  <h2>Symptoms in adults</h2>
  <p>Call 999 or go to A&amp;E if an adult has any of these symptoms:</p>
  <ul>
   <li>acting confused, slurring their speech or not making sense</li>
   <li>blue, grey, pale or blotchy skin, lips or tongue</li>
   <li><p>a rash that does not fade when you roll a glass over it</p>
       <ul><li>the same as meningitis</li></ul></li>
  </ul>
  <div class="ad-slot"><p class="ad-slot__label">Continue reading below</p></div>
  <div class="nhsuk-warning-callout"><h3>Urgent advice</h3><p>Call 111 if you feel very unwell.</p></div>
  <h2>Treatment</h2>
  <table><tr><th>Treatment</th><th>When</th></tr>
         <tr><td>Antibiotics</td><td>Within 1 hour</td></tr></table>
  <p>Most people make a full recovery, but it can take time. Some people have long-term problems,
     such as tiredness, poor sleep and feeling anxious, for months afterwards.</p>
  <aside class="related-links"><h2>Related conditions</h2>
   <ul><li><a href="/meningitis">Meningitis</a></li><li><a href="/flu">Flu</a></li></ul></aside>
  <p class="review-dates">Page last reviewed: 30/08/2024<br>Next review due: 30/08/2027</p>
 </article>
 <aside class="promo"><p>Feeling unwell?</p><p>Assess your symptoms online for free</p></aside>
</main>
<footer><p>© 2024 Health Site</p><a href="/privacy">Privacy</a></footer>
</body></html>
"""


@pytest.fixture(scope="module")
def doc() -> Document:
    return extract(RawPage(source="sepsis.html", html=ARTICLE, url="https://health.example/sepsis"))


def _texts(doc: Document, kind: str | None = None) -> list[str]:
    return [doc.block_text(b) for b in doc.blocks if kind is None or b.kind == kind]


def test_article_blocks_in_reading_order(doc: Document) -> None:
    assert _texts(doc)[:3] == [
        "Sepsis.",
        "Sepsis is a life-threatening reaction to an infection. It happens when your immune system overreacts "
        "and starts to damage your body's own tissues and organs.",
        "Symptoms in adults.",
    ]
    assert [(b.kind, b.level) for b in doc.blocks if b.kind == "heading"] == [
        ("heading", 1), ("heading", 2), ("heading", 3), ("heading", 2)
    ]
    assert doc.title == "Sepsis"
    assert doc.language == "en-GB"


def test_list_items_nested_lists_tables_and_callouts(doc: Document) -> None:
    assert _texts(doc, "list_item") == [
        "acting confused, slurring their speech or not making sense.",
        "blue, grey, pale or blotchy skin, lips or tongue.",
        "a rash that does not fade when you roll a glass over it.",
        "the same as meningitis.",
    ]
    assert _texts(doc, "table_cell") == ["Treatment.", "When.", "Antibiotics.", "Within 1 hour."]
    assert _texts(doc, "callout") == ["Call 111 if you feel very unwell."]


def test_sections_follow_headings(doc: Document) -> None:
    by_text = {doc.block_text(b): b.section for b in doc.blocks}
    assert by_text["Sepsis."] == 1
    assert by_text["blue, grey, pale or blotchy skin, lips or tongue."] == 2
    assert by_text["Antibiotics."] == 4


def test_boilerplate_is_stripped_and_recorded(doc: Document) -> None:
    for phrase in (
        "We use cookies", "Conditions A to Z", "Share on Facebook", "Continue reading below",
        "Related conditions", "Meningitis", "Feeling unwell?", "Assess your symptoms online",
        "© 2024 Health Site", "Page last reviewed",
    ):
        assert phrase not in doc.text, phrase
        assert any(phrase in s for s in doc.stripped), phrase


def test_every_block_points_back_to_its_element(doc: Document) -> None:
    soup = BeautifulSoup(doc.html or "", "lxml")
    for block in doc.blocks:
        assert block.selector
        found = soup.select(block.selector)
        assert len(found) == 1, block.selector
        words = " ".join(found[0].get_text(" ").split())
        assert doc.block_text(block).rstrip(".") in words


def test_dates_from_visible_labels_day_first(doc: Document) -> None:
    assert doc.dates["reviewed"] == "2024-08-30"
    assert doc.dates["next_review"] == "2027-08-30"


def test_links_and_content_hash(doc: Document) -> None:
    assert doc.links == []  # the article's own text has no links; menus and related links are not it
    again = extract(RawPage(source="other.html", html=ARTICLE))
    assert again.content_hash == doc.content_hash and len(doc.content_hash) == 16


def test_article_links_and_images_are_recorded() -> None:
    html = """<html><body><article><h1>Colds</h1>
      <p>Colds get better on their own. <a href="/pharmacy">Find a pharmacy</a> for advice on remedies.</p>
      <figure><img src="/img/cold.jpg" alt="A person blowing their nose"></figure>
      <p>Most colds last about a week, and children get more colds than adults do each year.</p>
      </article><aside class="sidebar"><img src="/ad.png"></aside></body></html>"""
    doc = extract(RawPage(source="x", html=html, url="https://health.example/colds"))
    assert {"kind": "link", "href": "https://health.example/pharmacy", "text": "Find a pharmacy"}.items() <= (
        doc.links[0].items()
    )
    images = [link for link in doc.links if link["kind"] == "image"]
    assert [(i["href"], i["text"]) for i in images] == [
        ("https://health.example/img/cold.jpg", "A person blowing their nose")
    ]


def test_site_profile_overrides_generic_rules() -> None:
    html = """<html><body>
      <div class="widget-body"><p>This paragraph is the real article, in a container named like a widget.</p>
        <p class="disclaimer-note">Our reviewers check every page against national guidance.</p></div>
      <div class="col"><p>A long paragraph in another column that the generic rules might take for text.</p></div>
      </body></html>"""
    cfg = ExtractionConfig(
        site_profiles=[
            SiteProfile(match="health.example", content=[".widget-body"], boilerplate=[".disclaimer-note"])
        ]
    )
    doc = extract(RawPage(source="x", html=html, url="https://www.health.example/page"), cfg)
    assert doc.text == "This paragraph is the real article, in a container named like a widget."
    assert "Our reviewers check every page against national guidance." in doc.stripped
    plain = extract(RawPage(source="x", html=html, url="https://other.example/page"), cfg)
    assert "A long paragraph in another column" in plain.text  # no profile for this host: generic rules


def test_table_caption_is_kept_and_photo_caption_is_not() -> None:
    html = """<html><body><article><h1>Stroke</h1>
      <p>A stroke is a serious life-threatening medical condition that happens when the blood supply to part
      of the brain is cut off. Strokes are a medical emergency and urgent treatment is essential.</p>
      <figure><img src="fast.png" alt="FAST"><figcaption>Photo: a paramedic at work</figcaption></figure>
      <table class="hp-table"><caption class="hp-table__caption">Risk factors and what helps</caption>
        <tr><th>Risk factor</th><th>What can help</th></tr>
        <tr><td>High blood pressure</td><td>Eat less salt and take your medicines as prescribed.</td></tr>
        <tr><td>Smoking</td><td>Stopping smoking halves your risk of a stroke within a few years.</td></tr>
      </table>
      <p>The sooner a person receives treatment for a stroke, the less damage is likely to happen to them.</p>
      </article></body></html>"""
    doc = extract(RawPage(source="x", html=html))
    assert "Risk factors and what helps." in doc.text
    assert _texts(doc, "table_cell")[:2] == ["Risk factor.", "What can help."]
    assert "paramedic" not in doc.text
    assert "Photo: a paramedic at work" in doc.stripped


def test_configured_boilerplate_phrase() -> None:
    html = """<html><body><article><h1>Flu</h1>
      <p>Flu is a common infection that usually gets better by itself within about a week.</p>
      <p>Download the Health Site app</p>
      <p>Rest, keep warm and drink plenty of water to avoid dehydration while you recover.</p>
      </article></body></html>"""
    cfg = ExtractionConfig(boilerplate_phrases=["Download the Health Site app"])
    doc = extract(RawPage(source="x", html=html), cfg)
    assert "Download" not in doc.text
    assert "Download the Health Site app" in doc.stripped
    assert "Download the Health Site app" in extract(RawPage(source="x", html=html)).text


def test_comments_section_is_not_article() -> None:
    html = """<html><body><article><h1>Hay fever</h1>
      <p>Hay fever is an allergy to pollen, usually when it comes into contact with your eyes and nose.</p>
      <p>You can often treat hay fever yourself with advice from a pharmacist about antihistamines.</p>
      <h2>Comments</h2><p>Great article, it really helped me with my allergies this summer!</p>
      </article></body></html>"""
    doc = extract(RawPage(source="x", html=html))
    assert "Great article" not in doc.text
    assert "pharmacist" in doc.text


def test_without_trafilatura_the_markup_rules_still_find_the_article() -> None:
    doc = extract(RawPage(source="x", html=ARTICLE), ExtractionConfig(use_trafilatura=False))
    assert "Sepsis is a life-threatening reaction" in doc.text
    for phrase in ("Conditions A to Z", "Continue reading below", "Feeling unwell?", "We use cookies"):
        assert phrase not in doc.text, phrase


def test_hidden_and_script_text_is_never_scored() -> None:
    html = """<html><body><article><h1>Asthma</h1>
      <p>Asthma is a common lung condition<span class="visually-hidden"> (opens in new tab)</span> that causes
      occasional breathing difficulties.</p><script>var x = "tracking code";</script>
      <p hidden>Old text that is no longer shown.</p><p style="display:none">Hidden offer.</p>
      <p>It affects people of all ages and often starts in childhood, although it can also start later.</p>
      </article></body></html>"""
    doc = extract(RawPage(source="x", html=html))
    assert "opens in new tab" not in doc.text and "tracking" not in doc.text
    assert "Old text" not in doc.text and "Hidden offer" not in doc.text
    assert "Asthma is a common lung condition that causes occasional breathing difficulties." in doc.text


def test_inline_markup_does_not_split_words() -> None:
    html = "<html><body><article><p>Take <b>para</b>cetamol or <a href='/i'>ibuprofen</a>, not both.</p></article></body></html>"
    assert extract(RawPage(source="x", html=html)).text == "Take paracetamol or ibuprofen, not both."


def test_no_article_text_gives_empty_text() -> None:
    html = "<html><body><nav><a href='/'>Home</a></nav><footer>© Health Site</footer></body></html>"
    doc = extract(RawPage(source="x", html=html))
    assert doc.text == "" and doc.blocks == []
    assert doc.stripped


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<script type="application/ld+json">{"@type": "MedicalWebPage", "datePublished": "2021-03-04",'
         ' "lastReviewed": "2023-05-06T10:00:00Z"}</script>', {"published": "2021-03-04", "reviewed": "2023-05-06"}),
        ('<script type="application/ld+json">{"@graph": [{"@type": "WebSite"}, {"@type": "Article",'
         ' "datePublished": "2020-01-02", "dateModified": "2020-02-03"}]}</script>',
         {"published": "2020-01-02", "modified": "2020-02-03"}),
        ('<meta property="article:published_time" content="2019-11-18T08:00:00+00:00">'
         '<meta property="article:modified_time" content="2019-12-01">', {"published": "2019-11-18", "modified": "2019-12-01"}),
        ("<p>Last reviewed: <time datetime='2024-05-03'>3 May 2024</time></p>"
         "<p>Next review due: <time datetime='2027-05-03'>3 May 2027</time></p>",
         {"reviewed": "2024-05-03", "next_review": "2027-05-03"}),
        ("<p>Page last reviewed: 14 March 2020. Next review due: May 2023</p>",
         {"reviewed": "2020-03-14", "next_review": "2023-05-01"}),
        ("<p>Published on September 12th, 2023</p>", {"published": "2023-09-12"}),
        ("<p>Medically reviewed by Jane Doe, MD on March 3, 2024</p>", {"reviewed": "2024-03-03"}),
        ("<p>Reviewed by Dr Amir Khan, GP</p><p>Updated: 2 June 2022</p>", {"modified": "2022-06-02"}),
    ],
)
def test_dates_from_every_source(html: str, expected: dict[str, str]) -> None:
    page = f"<html><head>{html if '<meta' in html or 'ld+json' in html else ''}</head><body><article>" \
           f"<p>Body text of the article, long enough to be the article on this page.</p>" \
           f"{'' if '<meta' in html or 'ld+json' in html else html}</article></body></html>"
    doc = extract(RawPage(source="x", html=page), ExtractionConfig(htmldate_fallback=False))
    assert {k: v for k, v in doc.dates.items() if v} == expected
    assert set(doc.dates) >= {"published", "reviewed", "next_review"}


def test_visible_label_wins_over_metadata() -> None:
    page = ('<html><head><meta property="article:published_time" content="2010-01-01"></head><body><article>'
            "<p>Some article text that is long enough to be kept as the article.</p>"
            "<p>Originally published: 12 September 2023</p></article></body></html>")
    assert extract(RawPage(source="x", html=page)).dates["published"] == "2023-09-12"


def test_date_order_day_first_or_month_first() -> None:
    assert parse_date("03/05/2024") == "2024-05-03"
    assert parse_date("03/05/2024", day_first=False) == "2024-03-05"
    assert parse_date("13/05/2024", day_first=False) == "2024-05-13"  # 13 cannot be a month
    assert parse_date("2024-02-30") is None
    assert parse_date("no date here") is None
    assert parse_date("reviewed in 1850") is None


def test_markdown_article_with_front_matter() -> None:
    text = "---\ntitle: Colds\nreviewed: 2024-05-03\nlang: en-GB\n---\n# Colds\n\nA cold is a mild infection.\n\n" \
           "## Treatment\n\n- rest\n- drink fluids\n\n> Call 111 if you are worried.\n"
    doc = from_markdown("colds.md", text)
    assert doc.title == "Colds" and doc.language == "en-GB"
    assert doc.dates["reviewed"] == "2024-05-03"
    assert [(b.kind, doc.block_text(b)) for b in doc.blocks] == [
        ("heading", "Colds."), ("paragraph", "A cold is a mild infection."), ("heading", "Treatment."),
        ("list_item", "rest."), ("list_item", "drink fluids."), ("callout", "Call 111 if you are worried."),
    ]


def test_plain_text_paragraphs_and_bullets() -> None:
    doc = from_text("colds.txt", "A cold is mild\nand common.\n\n- rest\n- fluids\n\nSee a GP if it lasts.")
    assert doc.text == "A cold is mild and common.\nrest.\nfluids.\nSee a GP if it lasts."
    assert [b.kind for b in doc.blocks] == ["paragraph", "list_item", "list_item", "paragraph"]


def test_sample_pages_exist_for_the_extractor() -> None:
    samples = ROOT / "samples" / "articles"
    assert any(samples.glob("*.html"))


SIGNUP = """<html><body><article><h1>Hay fever</h1>
  <p>Hay fever is an allergy to pollen, usually when it comes into contact with your eyes and nose.</p>
  <div class="app-box"><div class="logo">Pollen App</div>
    <div class="pane"><form action="#"><p>Send yourself a link to the app.</p>
      <input type="text" id="email" value="Your email address"><input type="submit" value="Send"></form></div>
    <div class="pane"><p>Please wait...</p></div>
    <div class="pane"><p>This feature is temporarily unavailable. Please try again later.</p></div>
    <div class="pane"><h3>Thanks!</h3><p>Now check your email to download the app.</p></div>
  </div>
  <p>You can often treat hay fever yourself with advice from a pharmacist about antihistamines.</p>
  </article></body></html>"""


@pytest.mark.parametrize("use_trafilatura", [True, False])
def test_a_sign_up_box_and_its_status_messages_are_not_article(use_trafilatura: bool) -> None:
    doc = extract(RawPage(source="x", html=SIGNUP), ExtractionConfig(use_trafilatura=use_trafilatura))
    for phrase in ("Please wait", "temporarily unavailable", "Thanks!", "check your email", "Pollen App"):
        assert phrase not in doc.text, phrase
    assert any("Please wait" in s and "Thanks!" in s for s in doc.stripped)  # one box, one entry
    assert "pharmacist" in doc.text and "allergy to pollen" in doc.text


def test_a_page_wide_form_or_a_search_box_is_not_a_sign_up_box() -> None:
    search = SIGNUP.replace(
        'id="email" value="Your email address"', 'id="mobile-search" placeholder="Search"'
    )
    doc = extract(RawPage(source="x", html=search), ExtractionConfig(use_trafilatura=False))
    assert "Please wait" in doc.text  # nothing asks for an address: the rule does not apply
    paragraphs = "".join(
        f"<p>Paragraph {i} of the article explains what hay fever is and how a pharmacist can help.</p>"
        for i in range(8)
    )
    wide = (
        f"<html><body><form><input type='text' name='newsletter-email'><article><h1>Hay fever</h1>"
        f"{paragraphs}</article></form></body></html>"
    )
    assert "Paragraph 7 of the article" in extract(RawPage(source="x", html=wide)).text


def test_a_sidebar_link_that_reuses_the_articles_wording_is_not_article() -> None:
    # The article cites "Public Health England. Zika virus: travel advice for pregnant women."; the
    # sidebar links to the same guidance in other words. Most of the link's word triples are in the
    # article, but not in that order: trafilatura did not keep the link.
    paragraphs = "".join(
        f"<p>Paragraph {i} explains how Zika virus is spread by mosquitoes and how to avoid bites abroad.</p>"
        for i in range(6)
    )
    html = (
        "<html><body><div class='col-main'><h1>Zika virus</h1>"
        f"{paragraphs}<h2>Further reading</h2>"
        "<p>Public Health England. Zika virus: travel advice for pregnant women.</p>"
        "<p>European Centre for Disease Prevention and Control. Areas with active Zika transmission.</p>"
        "</div><div class='col-secondary'><div class='panel'><h2>Useful links</h2><ul>"
        "<li><a href='https://example.org/phe'>Zika virus: travel advice for pregnant women – Public Health England</a></li>"
        "<li><a href='https://example.org/ecdc'>Areas with active Zika transmission – ECDC</a></li>"
        "</ul></div></div></body></html>"
    )
    doc = extract(RawPage(source="x", html=html))
    assert "Paragraph 5 explains" in doc.text and "Public Health England. Zika virus" in doc.text
    assert "– Public Health England" not in doc.text
    assert "– ECDC" not in doc.text
    assert any("– Public Health England" in s for s in doc.stripped)
