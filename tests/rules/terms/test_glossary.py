"""The glossary data file, its schema check, and finding glossary terms in text."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pipeline.config import DATA_DIR, from_mapping
from pipeline.datafiles import schema_errors
from pipeline.language.vocabulary import GlossaryEntry
from pipeline.rules.terms.glossary import (
    GLOSSARY_SCHEMA,
    Concept,
    GlossaryError,
    TermMatcher,
    check_glossary_file,
    concepts_from,
    glossary_matcher,
    is_acronym,
)

GLOSSARY = DATA_DIR / "glossary.yaml"


def test_the_project_glossary_matches_its_schema_and_is_large() -> None:
    data = yaml.safe_load(GLOSSARY.read_text(encoding="utf-8"))
    assert schema_errors(data, GLOSSARY_SCHEMA) == []
    entries = data["entries"]
    assert len([e for e in entries if e["explanation"].strip()]) >= 1500
    assert all(e["source"] for e in entries)


def test_a_broken_glossary_is_refused_with_the_entries_named(tmp_path: Path) -> None:
    bad = tmp_path / "glossary.yaml"
    bad.write_text(
        "entries:\n"
        "  - {term: dialysis, kind: word, variants: [], explanation: cleaning the blood, familiar: false,"
        " source: health-audit (UK usage)}\n"
        "  - {term: ICU, kind: abbreviation, variants: [], explanation: a ward., familiar: false,"
        " source: health-audit (UK usage)}\n",
        encoding="utf-8",
    )
    with pytest.raises(GlossaryError) as err:
        check_glossary_file(bad)
    message = str(err.value)
    assert str(bad) in message
    assert "entries/0/kind" in message  # not term | abbreviation
    assert "entries/1" in message  # an abbreviation without its expansion, an explanation ending in "."


def test_the_check_refuses_a_broken_glossary_before_using_it(tmp_path: Path) -> None:
    bad = tmp_path / "glossary.yaml"
    bad.write_text("entries: []\n", encoding="utf-8")  # the schema asks for at least one entry
    with pytest.raises(GlossaryError):
        glossary_matcher(from_mapping({"terms": {"glossary": str(bad)}}))


def test_schema_file_is_where_the_checks_look() -> None:
    assert GLOSSARY_SCHEMA == DATA_DIR / "schemas" / "glossary.schema.json"
    assert GLOSSARY_SCHEMA.is_file()


def test_an_abbreviation_and_its_spelt_out_term_are_two_partnered_concepts() -> None:
    entries = [
        GlossaryEntry("ARDS", "abbreviation", ("acute respiratory distress syndrome",),
                      "acute respiratory distress syndrome", "when the lungs fill with fluid"),
        GlossaryEntry("group B strep", "term", ("GBS", "group B streptococcus"), None, "common bacteria"),
        GlossaryEntry("dialysis", "term", (), None, "a machine does the work of the kidneys"),
    ]
    by_key = {c.key: c for c in concepts_from(entries)}
    assert by_key["ARDS"].kind == "abbreviation" and by_key["ARDS"].partner == "acute respiratory distress syndrome"
    assert by_key["acute respiratory distress syndrome"].kind == "term"
    assert by_key["acute respiratory distress syndrome"].partner == "ARDS"
    # An acronym among a term's variants is an abbreviation too ("GBS").
    assert by_key["GBS"].kind == "abbreviation" and by_key["GBS"].expansion == "group B strep"
    assert by_key["dialysis"].kind == "term" and by_key["dialysis"].partner is None


def _matcher(*concepts: Concept) -> TermMatcher:
    return TermMatcher(concepts)


def _found(matcher: TermMatcher, text: str) -> list[tuple[str, str]]:
    return [(m.concept.key, text[m.start : m.end]) for m in matcher.find(text)]


def test_the_longest_term_wins_over_its_parts() -> None:
    m = _matcher(Concept("kidney", "term", ("kidney",)), Concept("acute kidney injury", "term", ("acute kidney injury",)))
    assert _found(m, "Sepsis can cause acute kidney injury and kidney pain.") == [
        ("acute kidney injury", "acute kidney injury"),
        ("kidney", "kidney"),
    ]


def test_matching_ignores_case_accents_dashes_and_regular_plurals() -> None:
    m = _matcher(
        Concept("Guillain-Barré syndrome", "term", ("Guillain-Barré syndrome",)),
        Concept("aneurysm", "term", ("aneurysm",)),
        Concept("AAA", "abbreviation", ("AAA",)),
    )
    text = "Guillain\u2013Barre Syndrome is rare. Large aneurysms and AAAs are checked."
    assert _found(m, text) == [
        ("Guillain-Barré syndrome", "Guillain\u2013Barre Syndrome"),
        ("aneurysm", "aneurysms"),
        ("AAA", "AAAs"),
    ]


def test_acronyms_match_only_in_capitals_and_terms_never_across_a_full_stop() -> None:
    m = _matcher(
        Concept("PICC line", "abbreviation", ("PICC line",)),
        Concept("kidney injury", "term", ("kidney injury",)),
    )
    assert _found(m, "A picc line is used. A PICC line is used.") == [("PICC line", "PICC line")]
    assert _found(m, "It hurt my kidney. Injury is common.") == []


@pytest.mark.parametrize(
    ("word", "expected"),
    [("ICU", True), ("NaTHNaC", True), ("PhD", True), ("qSOFA", True), ("AAAs", True),
     ("McMaster", False), ("YouTube", False), ("Sepsis", False), ("I", False)],
)
def test_what_counts_as_an_acronym(word: str, expected: bool) -> None:
    assert is_acronym(word) is expected
