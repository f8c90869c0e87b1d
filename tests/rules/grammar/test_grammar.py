"""The grammar check against the real LanguageTool server: medical words, exact spans, what is not
prose, the paragraph cache, locales. The server is the session's (tests/conftest.py)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import pytest
from wordfreq import zipf_frequency

from pipeline.config import from_mapping
from pipeline.extract.document import from_text
from pipeline.language.vocabulary import EXTRA, GLOSSARY, HUNSPELL, VocabularyError, default_vocabulary
from pipeline.model import Block, Document, Finding, source_id
from pipeline.rules.context import CheckContext
from pipeline.rules.grammar.checks import (
    _drop_reason,
    code_for,
    languagetool_matches,
    prose_plan,
    reference_blocks,
    skip_spans,
)
from pipeline.rules.grammar.languagetool import LanguageToolServer
from pipeline.rules.grammar.service import GrammarService, Match, Paragraph, _utf16_offsets
from pipeline.rules.registry import CheckOutput
from pipeline.run.assembly import audit_document
from tests.conftest import make_context

TEMPLATES = (
    "Your doctor may mention {} at the appointment.",
    "The leaflet explains the word {} in plain English.",
    "Ask your pharmacist about {} if you are unsure.",
    "You may see {} written in your hospital notes.",
)


def grammar_context(lt_server: LanguageToolServer, **config: object) -> CheckContext:
    cfg = from_mapping({"select": ["GR"], **config})
    ctx = make_context(cfg, lt_server)
    assert ctx.grammar is not None
    ctx.grammar = GrammarService.from_config(lt_server.url, cfg)  # the configured options, a fresh cache
    return ctx


def document(*blocks: tuple[str, str], html: str | None = None) -> Document:
    """A document from (kind, text) blocks, joined as the extractor joins them."""
    parts: list[str] = []
    out: list[Block] = []
    pos = 0
    for kind, text in blocks:
        if parts:
            parts.append("\n")
            pos += 1
        out.append(Block(kind=kind, start=pos, end=pos + len(text), level=2 if kind == "heading" else None))  # type: ignore[arg-type]
        parts.append(text)
        pos += len(text)
    return Document(source="test", id=source_id("test"), text="".join(parts), blocks=out, html=html)


def run_check(doc: Document, ctx: CheckContext) -> CheckOutput:
    out = languagetool_matches(doc, ctx)
    assert isinstance(out, CheckOutput)
    return out


def spelling(findings: Sequence[Finding]) -> list[Finding]:
    return [f for f in findings if f.rule == "GR002"]


def sentences_doc(words: Sequence[str], per_paragraph: int = 10) -> Document:
    sentences = [TEMPLATES[i % len(TEMPLATES)].format(w) for i, w in enumerate(words)]
    paragraphs = [" ".join(sentences[i : i + per_paragraph]) for i in range(0, len(sentences), per_paragraph)]
    return from_text("medical-words", "\n\n".join(paragraphs))


def spread(items: Sequence[str], n: int) -> list[str]:
    """n items evenly spaced across a sorted list."""
    if len(items) <= n:
        return list(items)
    step = len(items) / n
    return [items[int(i * step)] for i in range(n)]


def medical_terms() -> list[str]:
    """At least 300 distinct words drawn across the whole vocabulary, from each of its sources."""
    v = default_vocabulary()
    words = [w for w in v.spelling_words("en-GB") if re.fullmatch(r"[A-Za-z]{6,}", w)]
    by_source: dict[str, list[str]] = {}
    for w in words:
        by_source.setdefault(v.origin[w], []).append(w)
    terms = spread(by_source.get(GLOSSARY, []), 50) + spread(by_source.get(EXTRA, []), 30)
    terms += spread(by_source.get(f"{HUNSPELL} (British spelling)", []), 20)
    terms += spread(by_source[HUNSPELL], 320 - len(terms))
    return list(dict.fromkeys(terms))


def swap_middle(word: str) -> str:
    i = len(word) // 2
    return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]


def test_300_medical_terms_used_correctly_get_no_spelling_finding(lt_server: LanguageToolServer) -> None:
    terms = medical_terms()
    v = default_vocabulary()
    assert len(terms) >= 300
    assert len({t[0].lower() for t in terms}) >= 20  # spread across the alphabet
    sources = {v.origin[t] for t in terms}
    assert HUNSPELL in sources and GLOSSARY in sources
    ctx = grammar_context(lt_server)
    out = run_check(sentences_doc(terms), ctx)
    flagged = [(f.excerpt, f.message) for f in spelling(out.findings)]
    assert flagged == [], f"{len(flagged)} medical words flagged as misspellings: {flagged[:20]}"
    # LanguageTool itself knew every word (its spelling files); our own filter dropped nothing.
    assert out.metrics["grammar"]["dropped_matches"].get("medical_words", 0) == 0
    assert out.metrics["grammar"]["not_checked"] == 0


def test_30_misspelt_medical_terms_each_get_a_finding_with_the_right_suggestion(
    lt_server: LanguageToolServer,
) -> None:
    v = default_vocabulary()
    pairs: list[tuple[str, str]] = []
    for term in medical_terms():
        typo = swap_middle(term)
        if (
            term.islower() and len(term) >= 7 and typo != term and typo not in v
            and zipf_frequency(typo, "en") == 0
        ):
            pairs.append((term, typo))
    pairs = [pairs[int(i * len(pairs) / 36)] for i in range(36)] if len(pairs) > 36 else pairs
    assert len(pairs) >= 30
    doc = sentences_doc([typo for _, typo in pairs])
    out = run_check(doc, grammar_context(lt_server))
    found = {f.excerpt: f for f in spelling(out.findings)}
    missed = [typo for _, typo in pairs if typo not in found]
    assert not missed, f"misspellings not reported: {missed}"
    for f in found.values():
        assert f.span is not None and doc.text[f.span.start : f.span.end] == f.excerpt
    right = [term for term, typo in pairs if term in (found[typo].data["replacements"])]
    assert len(right) >= 0.9 * len(pairs), [(t, found[m].suggestion) for t, m in pairs if t not in right]


def test_a_word_the_speller_does_not_know_is_one_finding_however_often_it_recurs(
    lt_server: LanguageToolServer,
) -> None:
    doc = from_text(
        "names",
        "Professor Quibbleton leads the sepsis study. Quibbleton says most people recover.\n\n"
        "Ask your GP about the study. Quibbleton and his team will write to you. "
        "Take paracetmol for the pain.\n\nThis are a mistake. This are a mistake. Paracetmol is safe.",
    )
    out = run_check(doc, grammar_context(lt_server))
    # A name is a name everywhere: one note, never a spelling error (it opens two sentences too).
    assert not [f for f in spelling(out.findings) if f.excerpt == "Quibbleton"]
    (note,) = [f for f in out.findings if f.rule == "GR004"]
    assert note.outcome == "review" and note.data["names"] == ["Quibbleton"]
    assert note.span is not None and note.span.start == doc.text.index("Quibbleton")  # the first use
    (drug,) = [f for f in spelling(out.findings) if f.excerpt and f.excerpt.casefold() == "paracetmol"]
    assert drug.excerpt == "paracetmol" and "used 2 times" in drug.message  # capitalised at a sentence start
    assert [doc.text[a:b] for a, b in drug.data["uses"]] == ["paracetmol", "Paracetmol"]
    second = doc.text.rindex("This are")
    grammar_at = {f.span.start >= second for f in out.findings if f.rule == "GR001" and f.span is not None}
    assert grammar_at == {False, True}  # grammar: each place to mend is its own finding
    assert out.metrics["grammar"]["dropped_matches"]["repeated_spelling"] == 1
    assert out.metrics["grammar"]["dropped_matches"]["names"] == 3


def test_a_sites_accepted_words_are_not_misspellings(lt_server: LanguageToolServer, tmp_path: Path) -> None:
    accept = tmp_path / "accept.txt"
    accept.write_text("# our services\nfitfortravel\n", encoding="utf-8")
    doc = from_text(
        "accepted",
        "Professor Quibbleton wrote this page. See Fitfortravel before you go. "
        "Ask quibbleton nothing. Take paracetmol for the pain.",
    )
    ctx = grammar_context(lt_server, grammar={"accept_words": ["Quibbleton"], "accept_file": str(accept)})
    out = run_check(doc, ctx)
    flagged = sorted(f.excerpt or "" for f in spelling(out.findings))
    # "Quibbleton" is accepted as written, "fitfortravel" in any capitalisation.
    assert flagged == ["paracetmol", "quibbleton"], flagged
    assert out.metrics["grammar"]["dropped_matches"]["accepted_words"] == 2


def test_accepted_words_match_as_the_speller_matches_its_dictionary() -> None:
    from pipeline.rules.grammar.checks import accepted_words

    words = accepted_words(["Quibbleton", "fitfortravel", "NHS 24"], None)
    assert "Quibbleton" in words and "QUIBBLETON" in words and "quibbleton" not in words
    assert all(w in words for w in ("fitfortravel", "Fitfortravel", "FITFORTRAVEL"))
    assert "fItFoRtRaVeL" not in words
    assert "24" in words and "NHS" in words  # a phrase counts word by word, as in the accept file


def test_a_missing_accept_file_is_reported_with_its_name(lt_server: LanguageToolServer, tmp_path: Path) -> None:
    ctx = grammar_context(lt_server, grammar={"accept_file": str(tmp_path / "nowhere.txt")})
    with pytest.raises(VocabularyError, match=r"nowhere\.txt.*grammar\.accept_file"):
        run_check(from_text("a", "Sepsis is serious."), ctx)


def test_spans_are_exact_across_chunks_emoji_and_skipped_markup(lt_server: LanguageToolServer) -> None:
    doc = document(
        ("paragraph", "I like 😀 emojis and 𝔪𝔞𝔱𝔥𝔰. Take paracetmol today."),
        (
            "paragraph",
            "Visit https://www.nhs.uk/conditons/sepsis or email helpdesk@nhsmial.net, then call "
            "0300 123 4567. Ibuprofen can upset your stomac.",
        ),
        ("paragraph", "Café owners in Zürich sell sandwiches. Ask about amoxicilin."),
    )
    expected = {"paracetmol", "stomac", "amoxicilin"}
    for chunk_chars in (200, 4000):  # one request per paragraph, then one for all three
        ctx = grammar_context(lt_server, grammar={"chunk_chars": chunk_chars})
        out = run_check(doc, ctx)
        got = {doc.text[f.span.start : f.span.end] for f in spelling(out.findings) if f.span}
        assert got == expected, (chunk_chars, got)
        assert ctx.grammar is not None
        assert (ctx.grammar.requests > 1) if chunk_chars == 200 else (ctx.grammar.requests == 1)


def test_urls_emails_phones_code_and_references_are_not_checked(lt_server: LanguageToolServer) -> None:
    html = "<p>Run <code>helth-audit --chek</code> to check the page.</p>"
    doc = document(
        ("heading", "Sepsis."),
        ("paragraph", "Call 111 if you are worried about sepsiss."),
        ("paragraph", "See www.nhs.uk/conditons or nhsinform.scot/illnesses, email helpdesk@nhsmial.net, "
                      "or ring +44 20 7946 0000."),
        ("paragraph", "Run helth-audit --chek to check the page. The `confg_file` setting is optional."),
        ("heading", "References."),
        ("list_item", "Smith J, Jones K. Sepsis outcoms in adlts. Lancet. 2019;393(10):123-130."),
        ("list_item", "Nationl Insitute for Health. Sepsis guidance. Accessed 3 May 2024."),
        ("heading", "Next steps."),
        ("paragraph", "Speak to your GP about sepsis. Reviewers (Brwon et al., 2021; Smyth 2019) agree."),
        html=html,
    )
    out = run_check(doc, grammar_context(lt_server))
    words = sorted(f.excerpt or "" for f in out.findings if f.rule in ("GR001", "GR002"))
    assert words == ["sepsiss"], words
    m = out.metrics["grammar"]
    assert m["skipped_blocks"] == 2
    assert m["skipped_spans"] == {"url": 2, "email": 1, "phone": 1, "code": 2, "citation": 1}


def test_unchanged_paragraphs_come_from_the_cache(lt_server: LanguageToolServer) -> None:
    ctx = grammar_context(lt_server)
    grammar = ctx.grammar
    assert grammar is not None
    paras = [f"Paragraph {i} is here. This are a mistake." for i in range(5)]
    doc = from_text("a", "\n\n".join(paras))
    first = run_check(doc, ctx)
    sent = grammar.paragraphs_checked
    assert sent == 5 and first.metrics["grammar"]["from_cache"] == 0
    again = run_check(doc, ctx)
    assert grammar.paragraphs_checked == sent and again.metrics["grammar"]["from_cache"] == 5
    assert [(f.rule, f.span) for f in again.findings] == [(f.rule, f.span) for f in first.findings]
    paras[2] = "Paragraph 2 is here. These are fine."
    edited = run_check(from_text("a", "\n\n".join(paras)), ctx)
    assert grammar.paragraphs_checked == sent + 1 and edited.metrics["grammar"]["from_cache"] == 4
    assert len([f for f in edited.findings if f.rule == "GR001"]) < len([f for f in first.findings if f.rule == "GR001"])


def test_each_locale_flags_the_other_spelling_with_its_own_suggestion(lt_server: LanguageToolServer) -> None:
    uk = run_check(
        from_text("uk", "Anemia and edema are common. Haemoglobinaemia and oesophagitis are rare."),
        grammar_context(lt_server, locale="uk"),
    )
    found = {f.excerpt: f.data["replacements"] for f in spelling(uk.findings)}
    assert found.keys() == {"Anemia", "edema"}
    assert "Anaemia" in found["Anemia"] and "oedema" in found["edema"]
    us = run_check(
        from_text("us", "Anaemia and oedema are common. Hemoglobinemia and esophagitis are rare."),
        grammar_context(lt_server, locale="us"),
    )
    found = {f.excerpt: f.data["replacements"] for f in spelling(us.findings)}
    assert found.keys() == {"Anaemia", "oedema"}
    assert "Anemia" in found["Anaemia"] and "edema" in found["oedema"]


def test_bullets_may_start_with_a_small_letter(lt_server: LanguageToolServer) -> None:
    doc = document(("list_item", "a high temperature."), ("paragraph", "a high temperature is a sign."))
    out = run_check(doc, grammar_context(lt_server))
    flagged = [f for f in out.findings if f.data.get("languagetool_rule") == "UPPERCASE_SENTENCE_START"]
    assert [f.span.start for f in flagged if f.span] == [doc.blocks[1].start]
    assert out.metrics["grammar"]["dropped_matches"] == {"list_item_case": 1}


def test_picky_mode_reports_style_but_not_oxford_spelling(lt_server: LanguageToolServer) -> None:
    text = "Organise your medicines. The reason why you feel tired is the infection."
    picky = audit_document(from_text("p", text), grammar_context(lt_server, grammar={"picky": True}))
    style = [f for f in picky.findings if f.rule == "GR003"]
    assert [f.excerpt for f in style] == ["reason why"] and style[0].level == "note"
    plain = audit_document(from_text("p", text), grammar_context(lt_server))
    assert not [f for f in plain.findings if f.rule == "GR003"]  # off unless picky
    oxford = audit_document(from_text("p", text), grammar_context(lt_server, grammar={"picky": True, "disabled_rules": []}))
    assert "Organise" in [f.excerpt for f in oxford.findings if f.rule == "GR003"]


def test_an_article_in_another_language_is_not_sent(lt_server: LanguageToolServer) -> None:
    ctx = grammar_context(lt_server)
    doc = from_text("de", "Das Medikament wird gegen schwere Verläufe eingesetzt.")
    doc.language = "de"
    out = run_check(doc, ctx)
    assert [(f.rule, f.outcome) for f in out.findings] == [("GR900", "not_applicable")]
    assert "'de'" in out.findings[0].message
    assert ctx.grammar is not None and ctx.grammar.requests == 0
    english = from_text("en", "Take paracetmol.")
    english.language = "en-US"  # English of another country is still checked, in the configured variant
    assert [f.excerpt for f in spelling(run_check(english, ctx).findings)] == ["paracetmol"]


# --- pure parts, no server ----------------------------------------------------------------------


def test_skip_spans_find_non_prose_only() -> None:
    text = (
        "Call 999 or 111, or 0300 123 4567 or (555) 123-4567. COVID-19 and NEWS2 in 2019-20 are words. "
        "Visit https://www.nhs.uk/a_b?x=1. Email a.b+c@nhs.net. Run `x --y` or read_config(). "
        "Trials (Singer et al., 2016; NICE 2024) agree (see below) since (2019). "
        "An HbA1c of 48 mmol/mol, 7.5mmol/L and eGFR 60 mL/min/1.73m2, measured in mg/dL and/or kg."
    )
    kinds = [(text[s:e], kind) for s, e, kind, _ in skip_spans(text)]
    assert kinds == [
        ("0300 123 4567", "phone"),
        ("(555) 123-4567", "phone"),
        ("https://www.nhs.uk/a_b?x=1", "url"),
        ("a.b+c@nhs.net", "email"),
        ("`x --y`", "code"),
        ("read_config()", "code"),
        ("(Singer et al., 2016; NICE 2024)", "citation"),
        ("48 mmol/mol", "measurement"),
        ("7.5mmol/L", "measurement"),
        ("60 mL/min/1.73m2", "measurement"),
        ("mg/dL", "measurement"),
    ]


def test_reference_sections_and_citations_are_found() -> None:
    doc = document(
        ("heading", "Sources."),
        ("list_item", "NHS. Sepsis. 2023."),
        ("heading", "Symptoms."),
        ("paragraph", "See doi:10.1000/182 for the trial."),
        ("paragraph", "A normal paragraph."),
    )
    assert reference_blocks(doc) == {1, 3}
    plan = prose_plan(doc)
    assert [doc.block_text(b) for b in plan.blocks] == ["Sources.", "Symptoms.", "A normal paragraph."]


def test_annotation_rebuilds_the_text_exactly() -> None:
    p = Paragraph("Go to www.nhs.uk now, or call 0300 123 4567.", skip=((6, 16, "Example"), (30, 43, "0123")))
    parts = p.annotation()
    assert "".join(x.get("text", x.get("markup", "")) for x in parts) == p.text
    assert [x["markup"] for x in parts if "markup" in x] == ["www.nhs.uk", "0300 123 4567"]


def test_utf16_offsets_map_to_python_indexes() -> None:
    assert _utf16_offsets("plain café") is None
    index = _utf16_offsets("a😀b")
    assert index is not None and index[3] == 2  # "b" is unit 3 in Java, index 2 in Python


def test_paragraphs_are_grouped_in_order_up_to_the_chunk_size() -> None:
    paras = [Paragraph("x" * n) for n in (100, 100, 300, 50, 1000, 10)]
    assert GrammarService._plan(list(range(6)), paras, 400) == [[0, 1], [2, 3], [4], [5]]


@pytest.mark.parametrize(
    ("rule_id", "category", "issue", "code"),
    [
        ("MORFOLOGIK_RULE_EN_GB", "TYPOS", "misspelling", "GR002"),
        ("THEIR_IS", "CONFUSED_WORDS", "misspelling", "GR001"),
        ("PLURAL_VERB_AFTER_THIS", "GRAMMAR", "grammar", "GR001"),
        ("REASON_WHY", "REDUNDANCY", "style", "GR003"),
        ("CONSECUTIVE_SPACES", "TYPOGRAPHY", "typographical", "GR003"),
    ],
)
def test_categories_map_to_rule_codes(rule_id: str, category: str, issue: str, code: str) -> None:
    assert code_for(Match(0, 1, rule_id, category, issue, "", ())) == code


def test_a_server_without_the_vocabulary_is_filtered_here() -> None:
    v = default_vocabulary()
    speller = Match(0, 12, "MORFOLOGIK_RULE_EN_GB", "TYPOS", "misspelling", "", ())
    para = Block("paragraph", 0, 20)
    assert _drop_reason(speller, para, "Methotrexate", v, "en-GB") == "medical_words"
    assert _drop_reason(speller, para, "Methotrexat", v, "en-GB") is None
    assert _drop_reason(speller, para, "hemoglobin", v, "en-GB") is None  # American form in a UK article
    grammar = Match(0, 12, "SOME_PATTERN_RULE", "TYPOS", "misspelling", "", ())
    assert _drop_reason(grammar, para, "Methotrexate", v, "en-GB") is None
