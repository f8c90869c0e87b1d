"""Readability figures: equal to textstat's on clean text; different only where syllables are fixed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.language.syllables import dictionary
from pipeline.rules.readability.formulas import (
    count,
    metrics,
    scores,
    share_of_uk_adults,
    textstat_module,
    words,
)

FORMULAS = {
    "smog": "smog_index",
    "flesch_kincaid_grade": "flesch_kincaid_grade",
    "flesch_reading_ease": "flesch_reading_ease",
    "gunning_fog": "gunning_fog",
    "coleman_liau": "coleman_liau_index",
    "automated_readability_index": "automated_readability_index",
    "dale_chall": "dale_chall_readability_score",
}

CLEAN = (
    "Sepsis is a serious reaction to an infection. It happens when your immune system overreacts and "
    "starts to damage your own tissues and organs. Anyone can get sepsis, but some people are more "
    "likely to get it. Call your doctor straight away if you feel very unwell after an infection. "
    "Do not wait for a rash to appear. Tell them you are worried about sepsis."
)

# Text made of the characters articles are made of, punctuation and odd white space included.
article_text = st.text(
    alphabet=st.sampled_from(
        list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789") + list(" \n\t.,;:!?'’\"()-–/&%é_")
    ),
    max_size=300,
)


def textstat_values(text: str) -> dict[str, float]:
    ts = textstat_module()
    return {key: float(getattr(ts, fn)(text)) for key, fn in FORMULAS.items()}


def textstat_syllables(token: str) -> int:
    return int(textstat_module().syllable_count(token))


def test_clean_text_is_all_in_the_dictionary() -> None:
    known = dictionary()
    assert all(w.word.lower() in known for w in words(CLEAN))


def test_clean_text_scores_exactly_as_textstat() -> None:
    assert scores(count(CLEAN)) == textstat_values(CLEAN)


def test_metrics_are_textstat_rounded_on_clean_text() -> None:
    ts = textstat_module()
    m = metrics(CLEAN)
    for key, value in textstat_values(CLEAN).items():
        assert m[key] == round(value, 1), key
    assert m["sentences"] == ts.sentence_count(CLEAN)
    assert m["words"] == ts.lexicon_count(CLEAN)
    assert m["polysyllables"] == ts.polysyllabcount(CLEAN)
    assert m["syllables"] == ts.syllable_count(CLEAN)
    assert m["uk_reading_age"] == round(m["smog"] + 5, 1)


@settings(max_examples=150, deadline=None)
@given(article_text)
def test_formulas_equal_textstat_given_its_syllables(text: str) -> None:
    """With textstat's own syllable counts, every formula and count is textstat's, on any text."""
    ts = textstat_module()
    c = count(text, syllables=textstat_syllables)
    assert c.words == ts.lexicon_count(text)
    assert c.tokens == ts.lexicon_count(text, removepunct=False)
    assert c.letters == ts.letter_count(text)
    assert c.characters == ts.char_count(text)
    assert c.syllables == ts.syllable_count(text)
    assert c.polysyllables == ts.polysyllabcount(text)
    assert scores(c) == textstat_values(text)


def test_formulas_equal_textstat_on_a_real_article(shared: Path) -> None:
    text = (shared / "seeds" / "sepsis-causes-article.txt").read_text(encoding="utf-8")
    assert scores(count(text, syllables=textstat_syllables)) == textstat_values(text)


def test_unknown_clinical_words_raise_smog_above_textstat() -> None:
    """The only change from textstat: words missing from the dictionary keep their syllables."""
    text = (
        "Pyelonephritis and septicaemia need antibiotics. Paracetamol helps with a fever. "
        "Haemorrhoids and oedema are common in pregnancy."
    )
    ts = textstat_module()
    m = metrics(text)
    assert m["polysyllables"] > ts.polysyllabcount(text)
    assert m["smog"] > round(ts.smog_index(text), 1)
    assert m["flesch_reading_ease"] < round(ts.flesch_reading_ease(text), 1)
    # Coleman-Liau and ARI count letters, not syllables, so they do not move.
    assert m["coleman_liau"] == round(ts.coleman_liau_index(text), 1)
    assert m["automated_readability_index"] == round(ts.automated_readability_index(text), 1)


def test_words_carry_offsets_into_the_text() -> None:
    text = "Call 999 (or 111) — don’t wait."
    found = words(text)
    assert [w.word for w in found] == ["Call", "999", "or", "111", "dont", "wait"]
    assert all(text[w.start : w.end] == w.text for w in found)


@pytest.mark.parametrize(
    ("smog", "share"), [(6.2, 93), (9.4, 93), (9.6, 76), (11.4, 76), (12.0, 51), (14.0, 22), (19.0, 22)]
)
def test_nhs_bands(smog: float, share: int) -> None:
    assert share_of_uk_adults(smog) == share


def _keys(m: dict[str, Any]) -> set[str]:
    return set(m)


def test_metrics_have_the_report_schema_keys() -> None:
    required = {
        "smog", "flesch_kincaid_grade", "flesch_reading_ease", "gunning_fog", "coleman_liau",
        "automated_readability_index", "dale_chall", "uk_reading_age", "sentences", "words",
    }  # fmt: skip
    assert required <= _keys(metrics(CLEAN))
