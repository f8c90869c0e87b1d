"""The medical vocabulary: its three sources, hunspell affixes, case rules and British/American twins."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import from_mapping
from pipeline.language.vocabulary import (
    EXTRA,
    GLOSSARY,
    HUNSPELL,
    VocabularyError,
    VocabularyPaths,
    british_spelling,
    build_vocabulary,
    default_vocabulary,
    paths_from_config,
    read_glossary,
    read_hunspell_dic,
)

AFF = """SET UTF-8
PFX A Y 1
PFX A   0     re         .
SFX S Y 4
SFX S   y     ies        [^aeiou]y
SFX S   0     s          [aeiou]y
SFX S   0     es         [sxzh]
SFX S   0     s          [^sxzhy]
SFX D Y 2
SFX D   0     d          e
SFX D   0     ed         [^ey]
"""

DIC = """    An indented header, as the Debian medical list has
\tLicense: lines that are not words

septicemia/S
biopsy/S
abscess/S
Allemann's
Aldactone
hexa-
-itis
infuse/AD
"""


@pytest.fixture
def small(tmp_path: Path) -> VocabularyPaths:
    (tmp_path / "x.aff").write_text(AFF)
    (tmp_path / "x.dic").write_text(DIC)
    (tmp_path / "glossary.yaml").write_text(
        "entries:\n"
        "  - {term: qSOFA, kind: abbreviation, expansion: quick SOFA, explanation: a quick check}\n"
        "  - term: haemoglobin\n    variants: [hemoglobin]\n    explanation: what carries oxygen\n"
        "  - {term: non-Hodgkin lymphoma, explanation: a blood cancer}\n"
    )
    (tmp_path / "words.txt").write_text("# clinicians' extra words\nNEWS2\nempagliflozin  # an SGLT2 inhibitor\n")
    return VocabularyPaths(
        glossary=tmp_path / "glossary.yaml",
        medical_dictionary=tmp_path / "x.dic",
        affix_file=tmp_path / "x.aff",
        extra_words=tmp_path / "words.txt",
    )


def test_hunspell_list_is_read_with_its_affixes(small: VocabularyPaths) -> None:
    assert small.medical_dictionary is not None
    words = set(read_hunspell_dic(small.medical_dictionary, small.affix_file))
    assert {"septicemia", "septicemias", "biopsy", "biopsies", "abscess", "abscesses"} <= words
    assert {"infuse", "infused", "reinfuse", "reinfused"} <= words  # prefix and suffix combined
    assert "Allemann" in words and "Allemann's" in words  # eponyms are listed possessive
    assert not any(w.startswith(("An", "License", "-")) or w.endswith("-") for w in words)
    # Without the affix file only the stems are known.
    bare = set(read_hunspell_dic(small.medical_dictionary, None))
    assert "septicemia" in bare and "septicemias" not in bare


def test_every_source_contributes_and_is_named(small: VocabularyPaths) -> None:
    v = build_vocabulary(small)
    assert v.source_of("qSOFA") == GLOSSARY
    assert v.source_of("lymphoma") == GLOSSARY and v.source_of("Hodgkin") == GLOSSARY
    assert v.source_of("biopsies") == HUNSPELL
    assert v.source_of("empagliflozin") == EXTRA and v.source_of("NEWS2") == EXTRA
    assert v.source_of("paracetmol") is None
    assert v.missing_sources == ()
    entry = v.glossary_entry("Hemoglobin")
    assert entry is not None and entry.term == "haemoglobin" and entry.explanation == "what carries oxygen"
    assert v.glossary_entry("qsofa") is not None and v.glossary_entry("qsofa").kind == "abbreviation"  # type: ignore[union-attr]


def test_missing_files_are_listed_not_fatal(tmp_path: Path) -> None:
    v = build_vocabulary(VocabularyPaths(glossary=tmp_path / "none.yaml", extra_words=tmp_path / "none.txt"))
    assert len(v) == 0
    assert v.missing_sources == (str(tmp_path / "none.yaml"), str(tmp_path / "none.txt"))


def test_a_broken_glossary_names_the_file_and_entry(tmp_path: Path) -> None:
    bad = tmp_path / "glossary.yaml"
    bad.write_text("- term: sepsis\n- explanation: no term here\n")
    with pytest.raises(VocabularyError, match=r"glossary\.yaml: entry 2 has no `term`"):
        read_glossary(bad)
    bad.write_text("entries: [unclosed\n")
    with pytest.raises(VocabularyError, match=r"glossary\.yaml is not valid YAML"):
        read_glossary(bad)


def test_case_follows_hunspell(small: VocabularyPaths) -> None:
    v = build_vocabulary(small)
    # A lowercase entry also matches at the start of a sentence and in capitals.
    assert "Biopsies" in v and "BIOPSIES" in v and "biopsies" in v
    # A name keeps its capital: "aldactone" is not the drug's name.
    assert "Aldactone" in v and "ALDACTONE" in v and "aldactone" not in v
    # Mixed case abbreviations match exactly or in capitals, and possessives match their word.
    assert "qSOFA" in v and "QSOFA" in v and "Qsofa" not in v
    assert "Allemann's" in v and "biopsy’s" in v
    # The plural of an abbreviation: "qSOFAs" is not one, but NEWS2 is written in capitals.
    assert "QSOFAs" in v and "qSOFAs" not in v and "Biopsys" not in v


@pytest.mark.parametrize(
    ("american", "british"),
    [
        ("hemoglobin", "haemoglobin"),
        ("hemoglobinemia", "haemoglobinaemia"),
        ("anemia", "anaemia"),
        ("anemic", "anaemic"),
        ("ischemic", "ischaemic"),
        ("polycythemia", "polycythaemia"),
        ("anesthesia", "anaesthesia"),
        ("lymphedema", "lymphoedema"),
        ("esophagitis", "oesophagitis"),
        ("estrogen", "oestrogen"),
        ("diarrhea", "diarrhoea"),
        ("dyspnea", "dyspnoea"),
        ("pediatrician", "paediatrician"),
        ("orthopedic", "orthopaedic"),
        ("etiology", "aetiology"),
        ("cecum", "caecum"),
        ("celiac", "coeliac"),
        ("fecal", "faecal"),
        ("tumor", "tumour"),
        ("leukemia", "leukaemia"),
        # Words that look American but are spelt the same in the UK stay as they are.
        ("hemisphere", "hemisphere"),
        ("chemical", "chemical"),
        ("systemic", "systemic"),
        ("endemic", "endemic"),
        ("academic", "academic"),
        ("etiolated", "etiolated"),
        ("pedicle", "pedicle"),
        ("pneumonia", "pneumonia"),
        ("theme", "theme"),
    ],
)
def test_british_spelling_of_medical_words(american: str, british: str) -> None:
    known = {"anemia", "ischemia", "endemia", "systemia", "academia"}
    assert british_spelling(american, known) == british


def test_each_spelling_only_in_its_locale(small: VocabularyPaths) -> None:
    v = build_vocabulary(small)
    # The list has only the American form: the British twin is added for UK articles.
    assert v.accepts("septicemias", "en-US") and not v.accepts("septicemias", "en-GB")
    assert v.accepts("septicaemias", "en-GB") and not v.accepts("septicaemias", "en-US")
    assert v.accepts("haemoglobin", "en-GB") and v.accepts("hemoglobin", "en-US")
    assert not v.accepts("hemoglobin", "en-GB") and not v.accepts("haemoglobin", "en-US")
    assert v.accepts("biopsy", "en-GB") and v.accepts("biopsy", "en-US")  # no twin: both
    neutral, british, american = v.split_by_locale()
    assert "septicaemia" in british and "septicemia" in american and "biopsy" in neutral
    assert v.spelling_words("en-GB") == sorted(set(neutral) | set(british))


def test_names_keep_their_spelling_in_every_locale(tmp_path: Path) -> None:
    (tmp_path / "words.txt").write_text("Haemophilus\nhemophilus\nhaemophilus\n")
    v = build_vocabulary(VocabularyPaths(extra_words=tmp_path / "words.txt"))
    assert v.accepts("Haemophilus", "en-US")  # the genus is spelt so in American text too
    assert not v.accepts("haemophilus", "en-US")


def test_the_project_vocabulary_has_all_three_sources() -> None:
    cfg = from_mapping({})
    paths = paths_from_config(cfg)
    v = default_vocabulary()
    counts: dict[str, int] = {}
    for source in v.origin.values():
        counts[source] = counts.get(source, 0) + 1
    assert counts[HUNSPELL] > 90_000  # the Debian list, affixes expanded
    assert paths.glossary is not None
    if paths.glossary.is_file():
        assert counts.get(GLOSSARY, 0) > 500
        assert v.glossary and v.accepts("septicaemia", "en-GB") and v.accepts("qSOFA", "en-GB")
    if paths.extra_words is not None and paths.extra_words.is_file():
        assert counts.get(EXTRA, 0) > 0
    assert v.accepts("methotrexate", "en-GB") and v.accepts("pyelonephritis", "en-US")
    assert not v.accepts("methotrexat", "en-GB")
