"""Recognising safety messages by meaning: the labelled set, negation, other senses, locales."""

from __future__ import annotations

import pytest

from pipeline.config import from_mapping
from pipeline.language.sentences import sentences
from pipeline.rules.safety.packs import LocaleProfile, load_locales
from pipeline.rules.safety.recognise import MessageMatch, recognise
from tests.support.safety import evaluate, load_labelled


@pytest.fixture(scope="module")
def profiles() -> dict[str, LocaleProfile]:
    return load_locales(from_mapping({}).safety.locales)


def _strong(text: str, profile: LocaleProfile) -> set[str]:
    return {m.kind for m in recognise(text, profile) if m.strength == "strong"}


def _only(text: str, profile: LocaleProfile) -> MessageMatch:
    found = recognise(text, profile)
    assert len(found) == 1, found
    return found[0]


def test_labelled_set_meets_precision_and_recall_targets(profiles: dict[str, LocaleProfile]) -> None:
    labelled = load_labelled()
    assert len(labelled) >= 120
    positives = sum(1 for s in labelled if s["kinds"])
    assert positives * 2 == len(labelled), "half the sentences count, half must not"
    scores = evaluate(labelled, profiles)["scores"]["all"]
    assert scores["precision"] >= 0.95, scores
    assert scores["recall"] >= 0.95, scores


@pytest.mark.parametrize(
    "text",
    [
        "Don't hesitate to call 999 if you think it could be sepsis.",
        "Always call 999 if someone has stopped breathing.",
        "You'll need to go to A&E straight away.",
        "If the rash does not fade, ring for an ambulance.",
        "Please phone 999 right away.",
        "The safest thing is to call an ambulance.",
        "Call 999 as soon as possible.",
        "Call 999 unless you are sure it is not serious.",
    ],
)
def test_emergency_actions_outside_the_labelled_set(text: str, profiles: dict[str, LocaleProfile]) -> None:
    assert _strong(text, profiles["uk"]) == {"emergency_action"}


@pytest.mark.parametrize(
    "text",
    [
        "You won't usually need to go to A&E.",
        "Never call 999 for a hangover.",
        "Nobody called an ambulance.",
        "My mum went to A&E last night.",
        "A&E is the busiest department in the hospital.",
        "She scored 999 points.",
        "He paid $999 for the course.",
        "Call 0800 999 123 to order leaflets.",
        "Read our guide on when to go to A&E.",
    ],
)
def test_things_that_are_not_emergency_actions(text: str, profiles: dict[str, LocaleProfile]) -> None:
    assert "emergency_action" not in _strong(text, profiles["uk"])


def test_negation_is_scoped_to_its_own_verb(profiles: dict[str, LocaleProfile]) -> None:
    uk = profiles["uk"]
    assert _strong("Do not drive yourself to hospital: call 999.", uk) == {"emergency_action"}
    assert _strong("You do not need to call 999 for a nosebleed.", uk) == set()
    assert _strong("Do not wait. Call 999 now.", uk) == {"emergency_action"}


def test_other_countries_numbers_are_weak_and_name_their_country(profiles: dict[str, LocaleProfile]) -> None:
    m = _only("Call 911 if you think someone is having a stroke.", profiles["uk"])
    assert (m.kind, m.strength, m.foreign_locale) == ("emergency_action", "weak", "us")
    assert _strong("Call 911 if you think someone is having a stroke.", profiles["us"]) == {"emergency_action"}
    assert _strong("Call triple zero (000) and ask for an ambulance.", profiles["au"]) == {"emergency_action"}
    assert _strong("Call triple zero (000) and ask for an ambulance.", profiles["uk"]) == set()
    assert _strong("Phone 112 or 999.", profiles["ie"]) == {"emergency_action"}


def test_vague_actions_and_signposts_are_weak_and_statements_are_not_actions(profiles: dict[str, LocaleProfile]) -> None:
    uk = profiles["uk"]
    statement = _only("Sepsis is a medical emergency.", uk)
    assert (statement.kind, statement.strength) == ("emergency_action", "statement")
    vague = _only("Get medical help straight away if you think it is sepsis.", uk)
    assert (vague.kind, vague.strength) == ("emergency_action", "weak")
    assert recognise("You do not need to get medical help straight away.", uk) == []
    signpost = _only("Find out when to call 999.", uk)
    assert (signpost.strength, signpost.reason) == ("weak", "it points to advice elsewhere instead of giving it")
    routine = _only("See a GP if it does not get better in a week.", uk)
    assert (routine.kind, routine.strength) == ("urgent_advice", "weak")
    assert _strong("See a GP urgently if it gets worse.", uk) == {"urgent_advice"}


def test_a_generic_emergency_line_is_marked(profiles: dict[str, LocaleProfile]) -> None:
    uk = profiles["uk"]
    generic = _only("In an emergency, always call 999.", uk)
    assert (generic.strength, generic.generic) == ("strong", True)
    specific = _only("In an emergency, or if you see any of these signs, call 999.", uk)
    assert (specific.strength, specific.generic) == ("strong", False)


def test_crisis_lines_per_locale(profiles: dict[str, LocaleProfile]) -> None:
    assert _strong("You can call Samaritans on 116 123.", profiles["uk"]) == {"crisis_support"}
    assert _strong("You can call Samaritans on 116 123.", profiles["ie"]) == {"crisis_support"}
    assert _strong("Call or text 988.", profiles["us"]) == {"crisis_support"}
    assert _strong("Call or text 988.", profiles["uk"]) == set()
    assert _strong("Call Lifeline on 13 11 14.", profiles["au"]) == {"crisis_support"}


def test_matches_carry_sentence_and_service_offsets(profiles: dict[str, LocaleProfile]) -> None:
    text = "Sepsis can kill. If you have any of these signs, call 999 now. Rest at home otherwise."
    [m] = [m for m in recognise(text, profiles["uk"]) if m.strength == "strong"]
    assert text[m.start : m.end] == "If you have any of these signs, call 999 now."
    assert text[m.mention_start : m.mention_end] in {"999", "call 999"}  # the number, or the phrase with it


def test_sentences_split_inside_blocks_but_not_inside_web_addresses() -> None:
    text = "Go to 111.nhs.uk now. Or call 111 before 6.30pm! Rest."
    assert sentences(text) == ["Go to 111.nhs.uk now.", "Or call 111 before 6.30pm!", "Rest."]
