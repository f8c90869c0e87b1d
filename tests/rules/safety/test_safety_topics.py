"""Topic packs: valid data, every required topic shipped, and triggering by weight, not by one mention."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from pipeline.config import from_mapping
from pipeline.extract.document import RawPage, extract
from pipeline.model import Block, Document
from pipeline.rules.registry import CheckOutput
from pipeline.rules.safety.checks import required_messages
from pipeline.rules.safety.packs import (
    KINDS,
    PLACEMENTS,
    SCHEMA_DIR,
    TopicPack,
    load_locales,
    load_packs,
)
from pipeline.rules.safety.topics import score_topics
from tests.conftest import SAMPLES, make_context

CFG = from_mapping({})
RULES_DIR = Path(CFG.safety.rules_dir)
PACKS = load_packs(CFG.safety.rules_dir)
FILLER = (
    "Piles are lumps inside and around your bottom. They often get better on their own after a few days. "
    "Eat plenty of fibre and drink lots of fluid to keep your poo soft."
)

# The topics the issue asks for, each found by words in a pack's id or title.
REQUIRED_TOPICS = {
    "sepsis": ("sepsis",),
    "meningitis": ("meningitis",),
    "stroke": ("stroke",),
    "heart attack and chest pain": ("heart", "chest"),
    "anaphylaxis": ("anaphyla",),
    "asthma attack": ("asthma",),
    "suicide and self-harm": ("suicid", "self-harm"),
    "overdose and poisoning": ("overdose", "poison"),
    "diabetic emergencies": ("diabet", "hypo"),
    "head injury": ("head",),
    "heavy bleeding in pregnancy": ("pregnan",),
    "a child with fever": ("fever",),
    "choking": ("choking",),
    "abdominal aortic aneurysm": ("aneurysm",),
}


def _doc(title: str, paragraphs: list[str], headings: list[str] = ()) -> Document:  # type: ignore[assignment]
    parts: list[tuple[str, str]] = [("heading", h) for h in headings] + [("paragraph", p) for p in paragraphs]
    text, blocks, pos = "", [], 0
    for kind, chunk in parts:
        if text:
            text += "\n"
            pos += 1
        blocks.append(Block(kind, pos, pos + len(chunk)))  # type: ignore[arg-type]
        text += chunk
        pos += len(chunk)
    return Document(source=f"test:{title}", id="t", title=title, text=text, blocks=blocks)


def test_every_required_topic_has_a_pack() -> None:
    names = [f"{p.topic} {p.title}".lower() for p in PACKS]
    missing = [t for t, words in REQUIRED_TOPICS.items() if not any(any(w in n for w in words) for n in names)]
    assert not missing, f"no safety pack for: {missing}"


def test_data_files_match_their_schemas() -> None:
    topic_schema = json.loads((SCHEMA_DIR / "safety_topic.schema.json").read_text(encoding="utf-8"))
    locale_schema = json.loads((SCHEMA_DIR / "safety_locales.schema.json").read_text(encoding="utf-8"))
    files = sorted(RULES_DIR.glob("*.yaml"))
    assert len(files) >= len(REQUIRED_TOPICS) + 1
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        jsonschema.validate(data, locale_schema if path.name == "locales.yaml" else topic_schema)


@pytest.mark.parametrize("pack", PACKS, ids=[p.topic for p in PACKS])
def test_pack_is_complete(pack: TopicPack) -> None:
    assert pack.guideline.strip() and pack.triggers["title"] and pack.triggers["body"] and pack.requires
    for req in pack.requires:
        assert req.kind in KINDS and req.why.strip()
        assert set(req.placement) <= set(PLACEMENTS), req.placement


@pytest.mark.parametrize("pack", PACKS, ids=[p.topic for p in PACKS])
def test_one_passing_mention_never_triggers_a_pack(pack: TopicPack) -> None:
    for trigger in pack.triggers["body"]:
        doc = _doc("Piles", [FILLER, f"Rarely, piles are linked to {trigger.term}.", FILLER])
        [score] = score_topics(doc, (pack,))
        assert not score.detected, f"one mention of {trigger.term!r} scored {score.score} >= {pack.threshold}"


@pytest.mark.parametrize("pack", PACKS, ids=[p.topic for p in PACKS])
def test_a_page_about_the_topic_triggers_its_pack(pack: TopicPack) -> None:
    main = max(pack.triggers["title"], key=lambda t: t.weight).term
    doc = _doc(
        main.capitalize(),
        [f"{main.capitalize()} is serious.", f"Anyone can be affected by {main}.", FILLER],
        headings=[f"Symptoms of {main}"],
    )
    [score] = score_topics(doc, (pack,))
    assert score.detected, f"a page titled {main!r} scored {score.score} < {pack.threshold}"


def test_passing_mention_gets_no_requirement_and_a_page_about_it_does() -> None:
    ctx = make_context(CFG)
    passing = _doc(
        "Type 2 diabetes",
        ["Type 2 diabetes causes high blood sugar.", "Good control lowers the risk of infections such as sepsis."],
    )
    about = _doc("Sepsis", ["Sepsis is a reaction to an infection.", "Sepsis can kill."], headings=["Signs of sepsis"])
    for doc, expect in ((passing, False), (about, True)):
        out = required_messages(doc, ctx)
        assert isinstance(out, CheckOutput)
        topics = {c["topic"] for c in out.metrics["safety"]["checklist"]}
        assert ("sepsis" in topics) is expect
        assert any(f.rule == "SM001" for f in out.findings) is expect


@pytest.mark.parametrize(
    ("sample", "expected"),
    [
        ("sepsis-causes.html", {"sepsis"}),
        ("sepsis-warning-signs.html", {"sepsis"}),
        ("piles-haemorrhoids.html", set()),
        ("type-2-diabetes.html", set()),
    ],
)
def test_topics_detected_on_the_samples(sample: str, expected: set[str]) -> None:
    path = SAMPLES / "articles" / sample
    doc = extract(RawPage(str(path), path.read_text(encoding="utf-8")))
    detected = {s.pack.topic for s in score_topics(doc, PACKS) if s.detected}
    assert detected == expected


def test_stroke_sample_is_about_stroke() -> None:
    path = SAMPLES / "articles" / "stroke-symptoms.html"
    doc = extract(RawPage(str(path), path.read_text(encoding="utf-8")))
    detected = {s.pack.topic for s in score_topics(doc, PACKS) if s.detected}
    assert any("stroke" in t for t in detected), detected


def test_every_locale_has_every_kind_of_service() -> None:
    profiles = load_locales(CFG.safety.locales)
    assert set(profiles) == {"uk", "us", "au", "ie"}
    for profile in profiles.values():
        for kind in KINDS:
            assert profile.services_of(kind), f"{profile.code} has no {kind} services"


def test_excluded_phrases_and_overlaps_count_once_or_not_at_all() -> None:
    [choking] = [p for p in PACKS if p.topic == "choking"]
    smoke = _doc("Air quality", ["A cloud of choking smoke hung over the city.", "Choking fumes and choking smog."])
    [score] = score_topics(smoke, (choking,))
    assert score.score == 0
    [aaa] = [p for p in PACKS if p.topic == "abdominal-aortic-aneurysm"]
    overlap = _doc("Screening", ["An abdominal aortic aneurysm is a swelling of the aorta."])
    [score] = score_topics(overlap, (aaa,))
    # "abdominal aortic aneurysm" contains "aortic aneurysm": the longer term counts, once.
    assert score.evidence == {"body: abdominal aortic aneurysm": 1}


def test_a_bad_pack_is_reported_with_its_file_and_field(tmp_path: Path) -> None:
    from pipeline.rules.safety.packs import SafetyDataError

    good = yaml.safe_load((RULES_DIR / "sepsis.yaml").read_text(encoding="utf-8"))
    good["requires"][0]["placement"] = "footer"
    (tmp_path / "sepsis.yaml").write_text(yaml.safe_dump(good), encoding="utf-8")
    with pytest.raises(SafetyDataError, match=r"sepsis\.yaml does not match safety_topic\.schema\.json: requires/0/placement"):
        load_packs(str(tmp_path))


def test_unknown_topic_in_the_configuration_is_an_error() -> None:
    from pipeline.errors import ConfigError

    with pytest.raises(ConfigError, match=r"safety\.topics: .*'gout'"):
        from_mapping({"safety": {"topics": ["sepsis", "gout"]}})


def test_topics_setting_limits_the_packs() -> None:
    ctx = make_context(from_mapping({"safety": {"topics": ["stroke"]}}))
    out = required_messages(_doc("Sepsis", ["Sepsis is serious.", "Sepsis can kill."]), ctx)
    assert isinstance(out, CheckOutput)
    assert out.findings == [] and out.metrics["safety"]["checklist"] == []
