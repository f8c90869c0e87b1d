"""The HTML report without a browser: structure, escaping, Content-Security-Policy, findings in place."""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import date
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag

from pipeline.model import Block, Finding, RunResult, Span
from pipeline.output import html_report
from pipeline.output.html_report import Numbered, article_filename, numbered_findings, text_pieces
from pipeline.rules import RULES
from pipeline.rules.registry import finding
from pipeline.verdict.gate import GateInputs, GateReport, apply_gate
from pipeline.verdict.waivers import Waiver
from tests.output.test_report_data import HOSTILE, PAYLOADS, hostile_run, sample_run

TODAY = date(2026, 11, 20)


def _write(run: RunResult, out: Path, gate: GateReport | None = None) -> dict[str, BeautifulSoup]:
    out.mkdir(parents=True, exist_ok=True)
    html_report.write(run, out, gate)
    pages = {"index": out / "index.html", **{a.id: out / article_filename(a) for a in run.articles},
             **{f"signoff-{a.id}": out / f"signoff-{a.id}.html" for a in run.articles}}
    return {k: BeautifulSoup(p.read_text(encoding="utf-8"), "lxml") for k, p in pages.items()}


def _csp(soup: BeautifulSoup) -> str:
    meta = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})
    assert isinstance(meta, Tag)
    return str(meta["content"])


def _sha(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def _gated() -> RunResult:
    run = sample_run()
    run.stats = {"trends": {
        "runs": [{"id": "r0", "finished_at": "2026-11-13T09:00:00+00:00", "articles": 3, "errors": 5,
                  "warnings": 2, "notes": 0, "gate": "fail"}],
        "articles": {run.articles[1].id: {"new": False, "smog_before": 8.7,
                                          "counts_before": {"GR": {"error": 3, "warning": 0, "note": 0}}}},
    }}
    return run


def test_pages_carry_a_strict_csp_matching_their_own_style_and_script(tmp_path: Path) -> None:
    run = sample_run()
    pages = _write(run, tmp_path)
    index = pages["index"]
    policy = _csp(index)
    style = index.find("style")
    script = index.find("script")
    assert isinstance(style, Tag) and isinstance(script, Tag)
    assert f"style-src {_sha(style.string or '')}" in policy
    assert f"script-src {_sha(script.string or '')}" in policy
    assert "default-src 'none'" in policy and "unsafe-inline" not in policy
    head = index.find("head")
    assert isinstance(head, Tag)
    assert [t.name for t in head.find_all(True)][:2] == ["meta", "meta"]  # charset, then the policy
    for a in run.articles:
        page = pages[a.id]
        assert "script-src 'none'" in _csp(page)
        assert page.find_all("script") == []
        assert not page.find_all("link") and not page.find_all("img")  # self-contained: nothing to fetch


def test_every_finding_in_the_text_links_to_its_explanation_and_back(tmp_path: Path) -> None:
    run = sample_run()
    page = _write(run, tmp_path)[run.articles[1].id]
    ids = [t["id"] for t in page.find_all(id=True)]
    assert len(ids) == len(set(ids)), "duplicate ids"
    badges = page.select(".article-text a.badge")
    assert badges
    for badge in badges:
        target = page.find(id=str(badge["href"]).lstrip("#"))
        assert isinstance(target, Tag) and "finding" in (target.get("class") or [])
        back = target.select_one(".back a")
        assert back is not None and back["href"] == f"#{badge['id']}"
        assert target.find(string=re.compile("Why it matters for patients"))
        assert target.find(string=re.compile("Guideline")) or target.select_one(".rule")
    numbered = numbered_findings(run.articles[1])
    assert len(page.select("li.finding")) == len(numbered)
    labels = [b.select_one(".visually-hidden").get_text() for b in badges]  # type: ignore[union-attr]
    assert any(label.startswith("Finding") and "error" in label and "spelling" in label for label in labels)


def test_overlapping_findings_highlight_worst_level_with_a_badge_at_each_end() -> None:
    run = sample_run()
    a = run.articles[1]
    numbered = numbered_findings(a)
    pieces = text_pieces(a, numbered)
    paragraph = pieces[2]  # the long sentence with a misspelling and an unexplained term inside
    marked = {s.text: s.level for s in paragraph.segments}
    assert marked["paracetmol"] == "error"  # the spelling error inside the warning-level long sentence
    assert marked["mottled"] == "warning"  # a note inside the warning: the worse level shows
    assert any(s.level == "warning" for s in paragraph.segments if "for a high temperature" in s.text)
    badge_after = {s.text: [b.number for b in s.badges] for s in paragraph.segments if s.badges}
    by_rule = {n.finding.rule: n.number for n in numbered}
    assert badge_after["paracetmol"] == [by_rule["GR002"]]
    last = paragraph.segments[-1]
    assert [b.number for b in last.badges] == [by_rule["GR001"]]  # the long sentence's mark at its end
    assert "".join(s.text for p in pieces for s in p.segments) == a.text.replace("\n", "")


def test_text_covered_only_by_waived_findings_is_muted() -> None:
    run = sample_run()
    waivers = [
        Waiver(rule=code, article="sepsis.html", excerpt=excerpt, reason="Agreed.", approved_by="Dr A Patel",
               expires=date(2027, 1, 1))
        for code, excerpt in (("GR001", "Take paracetmol"), ("GR002", "paracetmol"), ("MT001", "mottled"))
    ]
    apply_gate(run, inputs=GateInputs(waivers=waivers), today=TODAY)
    a = run.articles[1]
    paragraph = text_pieces(a, numbered_findings(a))[2]
    assert all(s.level is None and s.muted for s in paragraph.segments)
    assert {b.state for s in paragraph.segments for b in s.badges} == {"waived"}
    assert all("waived" in b.label for s in paragraph.segments for b in s.badges)


def test_whole_article_and_markup_findings_are_listed_above_the_text(tmp_path: Path) -> None:
    run = sample_run()
    page = _write(run, tmp_path)[run.articles[1].id]
    whole = page.find(id="h-whole")
    assert isinstance(whole, Tag)
    section = whole.find_parent("section")
    assert isinstance(section, Tag)
    rules = [t.get_text() for t in section.select(".rule")]
    assert any("RD001" in r for r in rules) and any("AX005" in r for r in rules)
    assert section.find(string=re.compile("article > figure")), "the selector is shown"
    assert section.find(string='<img src="rash.png">'), "the markup excerpt is shown as text"


def test_scorecard_readability_safety_glossary_and_stripped(tmp_path: Path) -> None:
    run = sample_run()
    page = _write(run, tmp_path)[run.articles[1].id]
    text = page.get_text(" ", strip=True)
    rows = {r.th.get_text(" ", strip=True): r.get_text(" ", strip=True)
            for r in page.select("table.scorecard tbody tr")}
    assert "Fail" in rows["GR grammar and spelling"]
    assert "Review" in rows["MT medical terms and abbreviations"]
    assert "UK reading age 14.2" in text and "3.2 years above target" in text
    assert "SMOG 0 to 9" in text and "93% of UK adults" in text
    checklist = [r.get_text(" ", strip=True) for r in page.select("table.checklist tbody tr")]
    assert any("Emergency action" in r and "Pass" in r for r in checklist)
    assert any("Urgent advice" in r and "Fail" in r for r in checklist)
    glossary = page.select("table.glossary tbody tr")
    assert len(glossary) == 1 and "blotchy" in glossary[0].get_text()
    stripped = page.select("details.stripped li")
    assert [li.get_text() for li in stripped] == run.articles[1].stripped
    assert page.select_one("details.passes") is not None and "GR900" in page.select_one("details.passes").get_text()  # type: ignore[union-attr]


def test_missing_metrics_render_gracefully(tmp_path: Path) -> None:
    run = sample_run()
    page = _write(run, tmp_path)[run.articles[2].id]  # the article that could not be read
    text = page.get_text(" ", strip=True)
    assert "Could not be audited" in text
    assert "reading level was not measured" in text
    assert "Safety messages were not checked: the article could not be read" in text
    assert "There is no article text to show" in text
    assert "Blocks publication" in text


def test_gate_marks_are_shown_on_cards(tmp_path: Path) -> None:
    run = sample_run()
    waivers = [
        Waiver(rule="AX005", article="sepsis.html", excerpt="rash.png", reason="Image replaced next sprint.",
               approved_by="Dr A Patel", expires=date(2027, 1, 1)),
        Waiver(rule="GR002", article="sepsis.html", excerpt="paracetmol", reason="Old brand.",
               approved_by="Dr B Jones", expires=date(2026, 1, 1)),
        Waiver(rule="RD002", article="nowhere.html", excerpt="x", reason="r", approved_by="Dr C",
               expires=date(2027, 1, 1)),
    ]
    gate = apply_gate(run, inputs=GateInputs(waivers=waivers), today=TODAY)
    pages = _write(run, tmp_path, gate)
    article = pages[run.articles[1].id]
    waived = article.select_one("li.finding.state-waived")
    expired = article.select_one("li.finding.state-expired")
    assert waived is not None and "Waived by Dr A Patel" in waived.get_text(" ", strip=True)
    assert expired is not None and "Waiver expired on 2026-01-01" in expired.get_text(" ", strip=True)
    statuses = [r.get_text(" ", strip=True) for r in pages["index"].select("table.waivers tbody tr")]
    assert "Active" in statuses[0] and "Expired" in statuses[1] and "Unused" in statuses[2]


def test_index_is_worst_first_with_filters_and_trend(tmp_path: Path) -> None:
    run = _gated()
    index = _write(run, tmp_path)["index"]
    rows = index.select("#articles tbody tr")
    assert [r.select_one("td a").get_text() for r in rows] == ["Sepsis", "content/missing.html",  # type: ignore[union-attr]
                                                                 "Washing your hands"]
    sepsis_classes = set(rows[0]["class"])
    assert {"m-all-any", "m-GR-error", "m-all-error", "m-AX-any", "m-MT-note"} <= sepsis_classes
    assert "m-all-any" in rows[2]["class"] and "m-all-error" not in rows[2]["class"]
    radios = [r["id"] for r in index.select("input[type=radio]")]
    assert "ff-all" in radios and "ff-GR" in radios and "fl-error" in radios
    style = index.find("style")
    assert isinstance(style, Tag)
    assert "#ff-GR:checked):has(#fl-error:checked) #articles tbody tr:not(.m-GR-error)" in (style.string or "")
    trend = index.select("table.trend tbody tr")
    assert len(trend) == 2 and "this run" in trend[1].get_text()
    change = rows[0].select("td")[-1].get_text(strip=True)
    assert change == "-1"  # three errors before, two now


def test_index_shows_baseline_comparison(tmp_path: Path) -> None:
    from pipeline.output import json_report
    from pipeline.verdict.baseline import load_baseline

    (tmp_path / "before").mkdir()
    path = json_report.write(sample_run(), tmp_path / "before")
    run = sample_run()
    gate = apply_gate(run, inputs=GateInputs(baseline=load_baseline(path)), today=TODAY)
    index = _write(run, tmp_path / "out", gate)["index"]
    text = index.get_text(" ", strip=True)
    assert "Compared with the baseline" in text and "Publication gate passed" in text
    assert "Known from baseline" in text


@pytest.mark.parametrize("page", ["index", "e111111111111111", "e222222222222222", "signoff-e111111111111111"])
def test_hostile_content_is_escaped(tmp_path: Path, page: str) -> None:
    run = hostile_run()
    soup = _write(run, tmp_path)[page]
    scripts = soup.find_all("script")
    assert len(scripts) == (1 if page == "index" else 0)
    for el in soup.find_all(True):
        assert not [k for k in el.attrs if k.lower().startswith("on")], (el.name, el.attrs)
        assert el.name not in ("iframe", "img", "svg", "base", "object", "embed")
        if el.name == "meta":
            assert el.get("http-equiv") in (None, "Content-Security-Policy")
        if el.name == "a":
            href = str(el.get("href"))
            assert href.startswith(("#", "index.html", "article-", "signoff-", "https://")), href
    if page in ("e111111111111111", "signoff-e111111111111111"):
        text = soup.get_text()
        assert soup.title is not None and HOSTILE[:40] in soup.title.get_text()
    if page == "e111111111111111":
        assert PAYLOADS[0] in text and PAYLOADS[2] in text  # shown as text, not dropped
        assert "{{ 7*7 }}" in text
        assert soup.title is not None and HOSTILE[:40] in soup.title.get_text()
    if page == "e111111111111111":
        source = soup.select_one(".meta a")
        assert source is not None and source["href"] == run.articles[0].source  # quotes stay inside
        assert soup.select_one(".article-text").get("lang") is None  # type: ignore[union-attr]
    if page == "e222222222222222":
        assert soup.select_one(".meta a") is None  # a javascript: source is never a link


def test_empty_text_and_spans_outside_the_text_do_not_break_rendering() -> None:
    from pipeline.model import ArticleResult

    a = ArticleResult(id="x", source="x.html", status="audited", text="Short text here.",
                      blocks=[Block(kind="paragraph", start=0, end=16)],
                      findings=[Finding(rule="GR001", name="grammar.grammar-error", outcome="fail", level="error",
                                        message="m", span=Span(10, 99)),
                                Finding(rule="GR001", name="grammar.grammar-error", outcome="fail", level="error",
                                        message="m", span=Span(16, 16))])
    numbered = numbered_findings(a)
    assert [n.in_text for n in numbered] == [False, True]
    pieces = text_pieces(a, numbered)
    assert "".join(s.text for s in pieces[0].segments) == a.text
    assert [b.number for s in pieces[0].segments for b in s.badges] == [2]
    assert text_pieces(a.__class__(id="y", source="y", status="audited"), []) == []
    assert isinstance(numbered[0], Numbered)
    assert "GR001" in RULES


def test_the_report_band_above_smog_16_is_the_one_the_checks_use(tmp_path: Path) -> None:
    # One set of NHS bands: above the toolkit's top band (14-16) the checks say at most 22% of UK
    # adults can read the text, and the report's band must say the same.
    from pipeline.rules.readability.formulas import share_of_uk_adults
    from tests.output.test_report_data import readability

    run = sample_run()
    sepsis = next(a for a in run.articles if a.title == "Sepsis")
    sepsis.metrics["readability"] = readability(18.4, 70, 6, uk_adults_share=share_of_uk_adults(18.4))
    view = html_report.readability_view(sepsis, run)
    assert view is not None and view["band"] == {"low": 17, "high": None, "share": 22}
    assert view["share"] == 22
    page = _write(run, tmp_path / "out")[sepsis.id]
    band = next(p.get_text(" ", strip=True) for p in page.find_all("p") if p.get_text().startswith("NHS band"))
    assert band.startswith("NHS band: SMOG 17 and above, which at most 22% of UK adults can read.")
    for smog, share in ((9.4, 93), (12.0, 51), (16.4, 22)):
        sepsis.metrics["readability"] = readability(smog, 70, 6)
        view = html_report.readability_view(sepsis, run)
        assert view is not None and view["band"]["share"] == share == share_of_uk_adults(smog)


def test_grammar_not_checked_is_a_scorecard_row_with_its_reason() -> None:
    from pipeline.output.views import grammar_gap, grammar_not_checked, scorecard

    run = sample_run()
    sepsis = run.articles[1]
    assert grammar_not_checked(run, sepsis) is None and grammar_gap(run) is None
    run.config = {"grammar": {"enabled": False}}
    sepsis.findings = [f for f in sepsis.findings if f.family != "GR"]
    row = next(s for s in scorecard(sepsis, ["EX", "RD"], "error", grammar_not_checked(run, sepsis)) if s.code == "GR")
    assert (row.status, row.result) == ("not_run", "Not checked (switched off)")
    assert grammar_gap(run) == "Grammar and spelling not checked (switched off)."
    run.config = {"grammar": {"enabled": True}}
    sepsis.findings.append(finding("GR900", "Grammar not checked: LanguageTool did not start.", level="error"))
    reason = grammar_not_checked(run, sepsis)
    assert reason == "LanguageTool unavailable"
    row = next(s for s in scorecard(sepsis, ["EX", "RD", "GR"], "error", reason) if s.code == "GR")
    assert row.result == "Not checked (LanguageTool unavailable)" and row.blocking == 1
    assert grammar_gap(run) == "Grammar and spelling not checked on 1 of 2 articles (LanguageTool unavailable)."


def test_article_page_opens_with_what_blocks_publication(tmp_path: Path) -> None:
    from pipeline.output.views import blocks_gate

    run = sample_run()
    sepsis = run.articles[1]
    sepsis.findings.append(finding("SM002", "No urgent advice was found in the article.", level="error",
                                   data={"requirements": {"sepsis.urgent-advice": "fail"}}))
    sepsis.metrics["safety"]["checklist"][1].update(requirement="sepsis.urgent-advice",
                                                    label="Urgent advice (111 / GP)")
    gate = apply_gate(run, inputs=GateInputs(), today=TODAY)
    pages = _write(run, tmp_path, gate)
    page = pages[sepsis.id]
    headings = [h.get_text(strip=True) for h in page.select("main h2")]
    assert headings[:2] == ["What blocks publication", "Scorecard"]
    links = page.select("section.blocks ol.blocking a")
    blocking = [f for f in sepsis.findings if blocks_gate(f, "error")]
    assert len(links) == len(blocking) > 1
    assert links[0].get_text(" ", strip=True).startswith("SM002")  # safety first, then reading order
    for link in links:
        card = page.select_one(str(link["href"]))
        assert card is not None and "finding" in card["class"]
    # The index names the main problem in words and shows reading age against its target.
    row = pages["index"].select("#articles tbody tr")[0]
    cells = [td.get_text(" ", strip=True) for td in row.select("td")]
    assert "No urgent advice (111 / GP)" in cells
    assert any(c.startswith("14.2 (target 11)") and "3.2 over" in c for c in cells)
    clean = [td.get_text(" ", strip=True) for td in pages["index"].select("#articles tbody tr")[2].select("td")]
    assert "None" in clean and any(c.startswith("8.1 (target 11)") and "within" in c for c in clean)
    assert pages[run.articles[0].id].select_one("section.blocks") is None


def test_finding_cards_filter_by_family_and_level_without_a_script(tmp_path: Path) -> None:
    run = sample_run()
    pages = _write(run, tmp_path)
    page = pages[run.articles[1].id]
    cards = page.select("ol.findings > li.finding")
    families = {c for card in cards for c in card["class"] if c.startswith("fam-")}
    radios = {r["id"] for r in page.select("section.card-filters input[type=radio]")}
    assert {"cf-all", "cl-any"} <= radios and {f"cf-{f[4:]}" for f in families} <= radios
    style = page.find("style")
    assert isinstance(style, Tag)
    css = style.string or ""
    for fam in families:
        assert f"body:has(#cf-{fam[4:]}:checked) ol.findings > li:not(.{fam}){{display:none}}" in css
    assert "body:has(#cl-error:checked) ol.findings > li:not(.lvl-error){display:none}" in css
    assert page.find_all("script") == []


def test_badges_count_up_in_reading_order() -> None:
    from pipeline.model import ArticleResult

    text = "Sepsis is serious and you should get help quickly. Call 999."
    long_sentence = Finding(rule="RD004", name="readability.long-sentence", outcome="fail", level="warning",
                            message="long", span=Span(0, 50))
    word = Finding(rule="GR002", name="grammar.spelling-error", outcome="fail", level="warning", message="w",
                   span=Span(10, 17))
    late = Finding(rule="MT001", name="terms.term-not-explained", outcome="fail", level="warning", message="t",
                   span=Span(51, 59))
    whole = Finding(rule="RD001", name="readability.reading-age-above-target", outcome="fail", level="warning",
                    message="age")
    a = ArticleResult(id="x", source="x.html", status="audited", text=text,
                      blocks=[Block(kind="paragraph", start=0, end=len(text))],
                      findings=[whole, long_sentence, word, late])  # text order by start, as the runner sorts
    numbered = numbered_findings(a)
    assert [(n.number, n.finding.rule) for n in numbered] == [(1, "RD001"), (2, "GR002"), (3, "RD004"), (4, "MT001")]
    badges = [b.number for p in text_pieces(a, numbered) for s in p.segments for b in s.badges]
    assert badges == sorted(badges) == [2, 3, 4]


def test_a_link_text_finding_is_highlighted_where_the_link_is(tmp_path: Path) -> None:
    run = sample_run()
    sepsis = run.articles[1]
    block = sepsis.blocks[2]
    block.selector = "main > p:nth-of-type(2)"
    words = sepsis.text[block.start:block.end].split()[:2]
    link_text = " ".join(words)
    sepsis.findings.append(Finding(
        rule="AX011", name="accessibility.link-text-vague", outcome="fail", level="warning",
        message="The link text does not say where the link goes.", excerpt=f'<a href="/x">{link_text}</a>',
        selector="main > p:nth-of-type(2) > a", data={"link_text": link_text}))
    numbered = numbered_findings(sepsis)
    [link] = [n for n in numbered if n.finding.rule == "AX011"]
    assert link.in_text and link.span is not None
    assert sepsis.text[link.span.start:link.span.end] == link_text and block.start <= link.span.start < block.end
    page = _write(run, tmp_path)[sepsis.id]
    badge = page.select_one(f'.article-text a.badge[href="#f-{link.number}"]')
    assert badge is not None
    whole = page.find(id="h-whole")
    assert whole is None or "AX011" not in whole.find_parent("section").get_text()  # type: ignore[union-attr]


def test_cards_show_curated_facts_and_keep_technical_data_collapsed(tmp_path: Path) -> None:
    run = sample_run()
    sepsis = run.articles[1]
    gr = next(f for f in sepsis.findings if f.rule == "GR002")
    gr.data = {**gr.data, "languagetool_rule": "MORFOLOGIK_RULE_EN_GB", "category": "TYPOS"}
    mt = next(f for f in sepsis.findings if f.family == "MT")
    mt.data = {**mt.data, "term": "mottled", "explained_at": {"start": 0, "end": 6, "pattern": "brackets"}}
    page = _write(run, tmp_path)[sepsis.id]
    for card in page.select("li.finding"):
        details = card.select_one("details.technical")
        assert details is not None and details.get("open") is None
        visible = card.get_text(" ", strip=True).replace(details.get_text(" ", strip=True), "")
        assert "MORFOLOGIK" not in visible and "TYPOS" not in visible and '"start"' not in visible
        assert "Fingerprint" not in visible
    gr_card = next(c for c in page.select("li.finding") if "GR002" in c.select_one(".rule").get_text())  # type: ignore[union-attr]
    assert "MORFOLOGIK_RULE_EN_GB" in gr_card.select_one("details.technical").get_text()  # type: ignore[union-attr]
    mt_card = next(c for c in page.select("li.finding") if mt.rule in c.select_one(".rule").get_text())  # type: ignore[union-attr]
    text = mt_card.get_text(" ", strip=True)
    assert "Term mottled" in text and f"Explained later, in “{sepsis.text[0:6]}”" in text


def test_the_signoff_sheet_has_what_a_reviewer_signs(tmp_path: Path) -> None:
    run = sample_run()
    sepsis = run.articles[1]
    sepsis.content_hash, sepsis.input_hash = "c" * 32, "d" * 32
    gate = apply_gate(run, inputs=GateInputs(), today=TODAY)
    pages = _write(run, tmp_path, gate)
    sheet = pages[f"signoff-{sepsis.id}"]
    text = sheet.get_text(" ", strip=True)
    assert f"text {'c' * 16}" in text and f"page {'d' * 16}" in text  # the version reviewed
    assert f"run {run.id}" in text and run.finished_at[:10] in text
    assert "Blocks publication" in text and "What blocks publication" in text
    assert "Urgent advice" in text or "Urgent advice".lower() in text.lower()
    assert "UK reading age 14.2 against a target of 11" in text
    mt = [f.excerpt for f in sepsis.findings if f.family == "MT" and f.counts and f.excerpt]
    assert mt and all(term in text for term in mt)
    fields = [th.get_text(strip=True) for th in sheet.select("table.sign-fields th")]
    assert fields == ["Reviewer's name", "Role", "Decision", "Date", "Signature"]
    page = pages[sepsis.id]
    link = page.select_one(f'nav a[href="signoff-{sepsis.id}.html"]')
    assert link is not None and "sign-off" in link.get_text().lower()
