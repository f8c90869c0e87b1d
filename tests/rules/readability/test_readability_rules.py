"""RD rules end to end: edge cases, per-section figures, the SMOG caveats, passive rewrites, word list."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from pipeline.config import from_mapping
from pipeline.errors import ConfigError
from pipeline.extract.document import RawPage, extract, from_text
from pipeline.language.plain_words import WordListError, load
from pipeline.model import ArticleResult, Finding
from pipeline.rules.readability.passive import find as find_passives
from pipeline.run.assembly import audit_document
from tests.conftest import make_context


def audit(text: str, config: dict[str, Any] | None = None, html: bool = False) -> ArticleResult:
    ctx = make_context(from_mapping({"select": ["RD"], **(config or {})}))
    doc = extract(RawPage(source="t", html=text)) if html else from_text("t", text)
    return audit_document(doc, ctx)


def rd(result: ArticleResult, code: str) -> list[Finding]:
    return [f for f in result.findings if f.rule == code]


# ------------------------------------------------------------------ edge cases


def test_one_sentence() -> None:
    result = audit(
        "Sepsis is a serious reaction to an infection that needs treatment in hospital straight away."
    )
    m = result.metrics["readability"]
    assert m["sentences"] == 1 and m["words"] == 15
    assert m["low_confidence"] is True
    assert not rd(result, "RD900")


def test_only_a_heading_gets_a_note_not_a_score() -> None:
    result = audit("Sepsis")
    (note,) = rd(result, "RD900")
    assert note.level == "note" and "there is only 1 word," in note.message
    assert "readability" not in result.metrics
    assert not rd(result, "RD001") and not rd(result, "RD002")


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        (
            "<html lang='fr'><body><article><h1>Le sepsis</h1><p>Le sepsis est une réaction grave de "
            "l'organisme à une infection. Appelez le 15.</p></article></body></html>",
            "fr",
        ),
        (
            "<html><body><article><p>Mae sepsis yn adwaith difrifol i haint. Ffoniwch 999 os ydych chi'n meddwl "
            "bod gan rywun sepsis. Mae triniaeth yn cael ei rhoi yn yr ysbyty gyda gwrthfiotigau.</p>"
            "</article></body></html>",
            None,
        ),
    ],
)
def test_other_languages_are_not_scored(text: str, lang: str | None) -> None:
    result = audit(text, html=True)
    (note,) = rd(result, "RD900")
    assert "English" in note.message
    assert (lang or "") in note.message
    assert [f.rule for f in result.findings if f.rule.startswith("RD")] == ["RD900"]


def test_ten_thousand_sentences() -> None:
    sentences = [
        f"Sentence {i} says that sepsis is caused by an infection"
        + (
            ", and that it needs treatment in hospital as soon as it is found by a doctor"
            if i % 50 == 0
            else ""
        )
        + "."
        for i in range(10_000)
    ]
    text = "\n\n".join(" ".join(sentences[i : i + 2]) for i in range(0, len(sentences), 2))
    start = time.perf_counter()
    result = audit(text)
    took = time.perf_counter() - start
    m = result.metrics["readability"]
    assert m["sentences"] == 10_000
    assert m["low_confidence"] is False
    assert len(rd(result, "RD004")) == 200  # the 200 sentences of 25 words
    assert len(rd(result, "RD007")) == 10_000 + 200
    assert took < 30, took


# ------------------------------------------------------------------ the article's figures


def test_low_confidence_and_disagreement_are_shown() -> None:
    # Short sentences (Flesch-Kincaid likes them), each with a word of three syllables (SMOG does not).
    text = (
        "Call your doctor today. Sepsis is an emergency. Take the medicine now. "
        "Eat a banana each day. Ask your family for help."
    )
    result = audit(text)
    m = result.metrics["readability"]
    assert m["low_confidence"] is True
    assert m["flesch_kincaid_reading_age"] <= 11 < m["uk_reading_age"]
    assert m["formulas_disagree"] is True
    (finding,) = rd(result, "RD001")
    assert "Low confidence" in finding.message and "Flesch-Kincaid would pass it" in finding.message
    assert finding.data["formulas_disagree"] is True


def test_sections_in_metrics_and_the_one_to_rewrite_first() -> None:
    html = (
        "<html lang='en'><body><article><h1>Sepsis</h1>"
        "<p>Sepsis is serious. It can kill. Get help fast. Call 999 now.</p>"
        "<h2>What happens in the body</h2>"
        "<p>Dysregulated inflammatory cascades precipitate endothelial dysfunction. Microvascular "
        "thrombosis compromises tissue oxygenation. Multiorgan dysfunction consequently develops. "
        "Vasopressor administration is frequently necessary.</p>"
        "<h2>Getting better</h2><p>Rest at home. Eat well. See your GP. Ask for help.</p>"
        "</article></body></html>"
    )
    result = audit(html, html=True)
    m = result.metrics["readability"]
    headings = [s["heading"] for s in m["sections"]]
    assert headings == ["Sepsis", "What happens in the body", "Getting better"]
    for s in m["sections"]:
        assert result.text[s["start"] : s["end"]].startswith(s["heading"])
    hardest = next(s for s in m["sections"] if s["index"] == m["rewrite_first"])
    assert hardest["heading"] == "What happens in the body"
    (finding,) = rd(result, "RD003")
    assert finding.excerpt == "What happens in the body."
    assert finding.span is not None and finding.span.start == hardest["start"]
    assert (finding.data["section_start"], finding.data["section_end"]) == (hardest["start"], hardest["end"])
    (rd001,) = rd(result, "RD001")
    assert rd001.suggestion and "starting with “What happens in the body”" in rd001.suggestion
    assert finding.data["smog"] - finding.data["rest_smog"] >= 3


# ------------------------------------------------------------------ sentences, paragraphs, passives


def test_thresholds_come_from_configuration() -> None:
    text = "Sepsis is serious. It can affect anyone. Babies are at higher risk. So are older people."
    assert rd(audit(text), "RD006")
    assert not rd(audit(text, {"readability": {"paragraph_sentences": 4}}), "RD006")
    long_one = (
        "You should call your GP or 111 if you feel very unwell, hot and shivery, or confused after an "
        "infection or an operation."
    )
    assert rd(audit(long_one), "RD004")
    assert not rd(audit(long_one, {"readability": {"sentence_words_warning": 25}}), "RD004")
    (very,) = rd(audit(long_one, {"readability": {"sentence_words_very_hard": 15}}), "RD005")
    assert very.level == "warning"  # by clinical weight; a site may make it an error
    (strict,) = rd(audit(long_one, {"readability": {"sentence_words_very_hard": 15}, "levels": {"RD005": "error"}}),
                   "RD005")
    assert strict.level == "error"


@pytest.mark.parametrize(
    ("sentence", "phrase", "rewrite"),
    [
        ("Sepsis is caused by an infection.", "is caused by an infection", "An infection causes sepsis"),
        (
            "Piles are caused by swollen blood vessels in your bottom.",
            "are caused by swollen blood vessels",
            "Swollen blood vessels cause piles",
        ),
        ("In severe cases, dialysis might be needed.", "might be needed", "[who] might need dialysis"),
        (
            "The germs were killed by the antibiotics.",
            "were killed by the antibiotics",
            "The antibiotics killed the germs",
        ),
        ("It's caused by a virus.", "It's caused by a virus", "A virus causes it"),
        (
            "They should not be used by children under 12.",
            "should not be used by children",
            "Children should not use them",
        ),
        (
            "It is usually carried out under local anaesthetic.",
            "is usually carried out",
            "[who] usually carries it out",
        ),
        # The adverbs stay: "never" or "usually" dropped would change the advice.
        (
            "Antibiotics are never given by pharmacists without a prescription.",
            "are never given by pharmacists",
            "Pharmacists never give antibiotics",
        ),
        (
            "It may also be caused by a virus.",
            "may also be caused by a virus",
            "A virus may also cause it",
        ),
        (
            "The rash is not usually seen by a doctor.",
            "is not usually seen by a doctor",
            "A doctor does not usually see the rash",
        ),
        ("Children often get bitten by dogs.", "get bitten by dogs", "Dogs often bite children"),
        # An adverb keeps its side of "not": "often not recognised" is not "not often recognised".
        ("Sepsis is often not recognised by doctors.", "is often not recognised by doctors",
         "Doctors often do not recognise sepsis"),
        ("The cause has still not been found by researchers.", "has still not been found by researchers",
         "Researchers have still not found the cause"),
        # "Do not" stays: the advice must not turn into its opposite.
        ("Do not get vaccinated by an unregistered provider.", "not get vaccinated by an unregistered provider",
         "Do not let an unregistered provider vaccinate you"),
        ("You do not get tested by your GP.", "not get tested by your GP", "Your GP does not test you"),
        ("When you have finished, also get checked by a nurse.", "get checked by a nurse", "A nurse also checks …"),
        ("If you can, then get tested by your GP.", "get tested by your GP", "Your GP tests …"),
        ("The first is given by a nurse.", "is given by a nurse", "A nurse gives the first"),
        ("The test is being offered by pharmacies.", "is being offered by pharmacies", "Pharmacies offer the test"),
        (
            "The wound has already been cleaned by the nurse.",
            "has already been cleaned by the nurse",
            "The nurse has already cleaned the wound",
        ),
        (
            "The infection was not treated by the GP.",
            "was not treated by the GP",
            "The GP did not treat the infection",
        ),
    ],
)
def test_passive_rewrites(sentence: str, phrase: str, rewrite: str) -> None:
    (p,) = find_passives(sentence)
    assert sentence[p.start : p.end] == phrase
    assert p.rewrite == rewrite


@pytest.mark.parametrize(
    "sentence",
    [
        "Your ankles may be swollen.",
        "This is called septic shock.",
        "I was worried about my mum.",
        "Sepsis is also known as blood poisoning.",
        "Get help fast.",
    ],
)
def test_not_passive(sentence: str) -> None:
    assert find_passives(sentence) == []


def test_passive_findings_are_for_review() -> None:
    result = audit("Sepsis is usually caused by a bacterial infection in your lungs, tummy or bladder.")
    (finding,) = rd(result, "RD007")
    assert finding.outcome == "review" and finding.level == "note"
    assert finding.excerpt == "is usually caused by a bacterial infection"
    assert finding.suggestion == "Active: “A bacterial infection usually causes sepsis”."
    assert finding.message.endswith("Put who does it first.")
    (unnamed,) = rd(audit("Sepsis is usually treated in hospital with antibiotics through a drip."), "RD007")
    assert unnamed.message.endswith("Say who does it, unless that does not matter.")


# ------------------------------------------------------------------ the plain-word list


def _word_list(tmp_path: Path, body: str) -> str:
    path = tmp_path / "plain_words.yaml"
    path.write_text(body, encoding="utf-8")
    return str(path)


def test_word_list_shapes_and_matching(tmp_path: Path) -> None:
    entries = (
        "- {word: commence, variants: [commenced], plain: [start, begin], source: test}\n"
        "- {word: the majority of, plain: [most], source: test}\n"
        "- {word: in the majority of cases, plain: [usually], source: test}\n"
    )
    as_list = load(_word_list(tmp_path, entries))
    text = "Treatment commenced. In the majority of cases the majority of people recover."
    found = [(m.text, m.swap.plain[0]) for m in as_list.find(text)]
    assert found == [
        ("commenced", "start"),
        ("In the majority of cases", "usually"),
        ("the majority of", "most"),
    ]
    assert as_list.find("Commence now.")[0].suggestion() == "Use “Start” (or “Begin”) instead of “Commence”."
    keyed = tmp_path / "keyed.yaml"
    keyed.write_text(
        "entries:\n" + "".join("  " + line + "\n" for line in entries.splitlines()), encoding="utf-8"
    )
    assert len(load(keyed).find(text)) == 3


def test_a_word_already_glossed_is_left_alone(tmp_path: Path) -> None:
    swaps = load(_word_list(tmp_path, "- {word: abdomen, plain: [tummy], source: test}\n"))
    assert swaps.find("Pain in your tummy (abdomen).") == []
    assert swaps.find("Pain in your abdomen (tummy).") == []
    assert len(swaps.find("Pain in your abdomen.")) == 1


def test_a_missing_or_broken_word_list_is_a_configuration_error(tmp_path: Path) -> None:
    for section in ("readability", "terms"):  # RD008 and MT004 read the one list the same way
        with pytest.raises(ConfigError, match=rf"{section}\.plain_words: .*nope\.yaml was not found"):
            from_mapping({section: {"plain_words": str(tmp_path / "nope.yaml")}})
        with pytest.raises(ConfigError, match="entry 1 needs"):
            from_mapping({section: {"plain_words": _word_list(tmp_path, "- {word: commence}\n")}})
    with pytest.raises(WordListError, match="cannot be read"):
        load(tmp_path)  # a folder
    with pytest.raises(WordListError, match="entry 1 needs"):
        load(_word_list(tmp_path, "- {word: commence}\n"))
    with pytest.raises(WordListError, match="not valid YAML"):
        load(_word_list(tmp_path, "- [unclosed\n"))


def test_the_shipped_list_finds_formal_words() -> None:
    result = audit("Commence the treatment prior to eating, and do not utilise the old tablets.")
    assert [f.excerpt for f in rd(result, "RD008")] == ["Commence", "prior to", "utilise"]
    assert all(f.data["source"] for f in rd(result, "RD008"))


def test_readability_metrics_come_whole_or_not_at_all() -> None:
    """The report schema requires every formula once `readability` is there: only the article check
    writes it, so switching that check's rules off leaves no half-filled entry."""
    text = (
        "If you have a high temperature and you also feel shivery or confused, or your skin looks blotchy, "
        "you should contact your GP today."
    )
    result = audit(text, {"ignore": ["RD001", "RD002", "RD003", "RD900"]})
    assert rd(result, "RD004")
    assert "readability" not in result.metrics
    full = audit(text).metrics["readability"]
    assert full["long_sentences"] == 1 and full["longest_sentence_words"] == 24


@pytest.mark.parametrize(
    ("sentence", "ends_after"),
    [
        ("If you keep getting infections or they keep coming back, such as urine infections, chest infections, "
         "skin infections or sore throats, you may have a weakened immune system and should see your GP soon.",
         "…sore throats, you may have a weakened"),
        ("Sepsis can start with a chest infection, a urine infection or a wound that gets infected, and it "
         "can make you very unwell within a few hours of the first signs appearing.",
         "…or a wound that gets infected"),
        ("Call 999 if someone has slurred speech, blue lips, mottled skin or a rash that does not fade; do "
         "not wait for the symptoms to get worse before you ask for urgent help.",
         "…a rash that does not fade"),
    ],
)
def test_split_advice_ends_the_first_sentence_only_at_a_clause_boundary(sentence: str, ends_after: str) -> None:
    from pipeline.rules.readability.checks import _split_hint

    hint = _split_hint(sentence)
    if ends_after.startswith("…sore throats"):  # no clause boundary near enough the middle: no cut at all
        assert "such" not in hint and hint == "Split it into two or three sentences, one idea each."
    else:
        assert hint.endswith(f"end the first after “{ends_after}”."), hint
