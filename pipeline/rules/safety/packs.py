"""Safety data: each country's services (locale profiles) and the topic packs.

The clinical content (topics, their triggers, the required messages and their guidelines) and the
services of each country are data: pipeline/data/safety/*.yaml, checked against JSON Schemas.
Messages are recognised in text by `recognise.py`, topics scored by `topics.py`, and where a message
sits on the page is judged by `placement.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import jsonschema

from pipeline import datafiles
from pipeline.datacache import remembered
from pipeline.datafiles import read_data_file

Kind = Literal["emergency_action", "urgent_advice", "crisis_support"]
KINDS: tuple[Kind, ...] = ("emergency_action", "urgent_advice", "crisis_support")
KIND_LABEL: dict[str, str] = {
    "emergency_action": "emergency action",
    "urgent_advice": "urgent advice",
    "crisis_support": "crisis support",
}
PLACEMENTS = ("body", "early", "help_section")

SCHEMA_DIR = datafiles.DATA_SCHEMAS


class SafetyDataError(Exception):
    """A safety data file is missing or does not match its schema."""


APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'"})


def norm_term(term: str) -> str:
    return re.sub(r"\s+", " ", term.translate(APOSTROPHES).strip().lower())


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Service:
    """One way to reach help in one country: a number ("999"), a name ("Samaritans"), a place ("A&E"),
    or a whole phrase that carries its own verb ("call an ambulance")."""

    kind: Kind
    term: str
    locale: str
    needs_urgency: bool = False  # "see a GP" is routine; "see a GP urgently" is urgent advice
    is_number: bool = False
    is_phrase: bool = False
    topics: tuple[str, ...] = ()  # only for these topics (Poison Control for overdoses); empty: all


@dataclass(frozen=True)
class LocaleProfile:
    code: str
    name: str
    services: tuple[Service, ...]
    foreign: tuple[Service, ...]  # other countries' numbers and named services this one does not share
    help_headings: tuple[str, ...] = ()
    verbs: frozenset[str] = frozenset()
    suggest: tuple[tuple[str, str], ...] = ()  # placeholder -> text, for suggestions
    labels: tuple[tuple[str, str], ...] = ()  # kind -> what the report's checklist shows, "999 / A&E"

    def services_of(self, kind: str) -> list[Service]:
        return [s for s in self.services if s.kind == kind]

    def checklist_label(self, kind: str) -> str:
        """The report's safety checklist name for a kind of message in this country, from the
        locales file: "Emergency action (911 / ER)" in the US; the kind's name alone without one."""
        name = KIND_LABEL.get(kind, kind.replace("_", " ")).capitalize()
        label = dict(self.labels).get(kind)
        return f"{name} ({label})" if label else name

    def fill(self, template: str) -> str:
        """A topic's suggestion with {emergency_number} and friends filled in for this country."""
        values = dict(self.suggest)
        return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), m.group(0)), template)


@dataclass(frozen=True)
class Trigger:
    term: str
    weight: float


@dataclass(frozen=True)
class Requirement:
    id: str
    kind: Kind
    severity: str
    placement: tuple[str, ...]  # any of these places will do
    why: str
    suggestion: str = ""


@dataclass(frozen=True)
class TopicPack:
    topic: str
    title: str
    guideline: str  # name and address of the guideline the requirements come from
    tags: tuple[str, ...]
    triggers: dict[str, tuple[Trigger, ...]]  # title / headings / body -> weighted terms
    threshold: float
    requires: tuple[Requirement, ...]
    exclude: tuple[str, ...] = ()
    source: str = ""


def _read(path: Path, schema_name: str) -> Any:
    """A pack or the locales file, read and checked against its schema by the data-file loader."""
    return read_data_file(path, schema=SCHEMA_DIR / schema_name, error=SafetyDataError)


def is_number(term: str) -> bool:
    return bool(re.fullmatch(r"[\d ()+-]+", term.strip())) and any(c.isdigit() for c in term)


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _shared_numbers(locale: dict[str, Any]) -> set[tuple[str, str]]:
    """(kind, digits) of numbers that another kind also lists and marks primary.

    UK 111 is NHS 111 (urgent advice, primary) and also its mental health option (crisis
    support): "call 111" alone is urgent advice; it is crisis support only where the sentence
    names the option ("call 111 and choose the mental health option"), which the phrases carry.
    """
    primary: dict[str, set[str]] = {}
    listed: dict[str, set[str]] = {}
    for kind in KINDS:
        for entry in (locale.get(kind) or {}).get("numbers", []):
            d = _digits(entry["number"])
            listed.setdefault(d, set()).add(kind)
            if entry.get("primary"):
                primary.setdefault(d, set()).add(kind)
    return {
        (kind, d)
        for d, kinds in listed.items()
        if len(kinds) > 1 and primary.get(d)
        for kind in kinds - primary[d]
    }


def _services(locale: dict[str, Any], code: str) -> list[Service]:
    out: list[Service] = []
    shared = _shared_numbers(locale)
    for kind in KINDS:
        section = locale.get(kind) or {}
        for entry in section.get("numbers", []):
            if (kind, _digits(entry["number"])) in shared:
                continue
            topics = tuple(entry.get("topics", []))
            for number in [entry["number"], *entry.get("variants", [])]:
                out.append(Service(kind, number, code, is_number=True, topics=topics))
        for term in [*section.get("places", []), *section.get("services", [])]:
            out.append(Service(kind, term, code, is_number=is_number(term)))
        for term in section.get("when_urgent", []):
            out.append(Service(kind, term, code, needs_urgency=True))
        for phrase in section.get("phrases", []):
            out.append(Service(kind, phrase, code, is_phrase=True))
    return out


def _is_national(service: Service) -> bool:
    """Numbers, and named services that carry one ("NHS 111"), belong to one country.

    Words such as "your GP", "ambulance" or "emergency room" are not flagged as another country's:
    the reader can still act on them, and the wrong-number rule is about numbers that fail.
    """
    return not service.is_phrase and any(c.isdigit() for c in service.term)


# What the derived rules also depend on: a change here must not reuse rules read by older code.
_CODE = (Path(__file__), datafiles.CODE, Path(jsonschema.__file__))


@lru_cache(maxsize=8)
def load_locales(path: str) -> dict[str, LocaleProfile]:
    """Every locale profile in the locales file, each knowing the other countries' services."""
    schema = SCHEMA_DIR / "safety_locales.schema.json"
    return remembered("safety-locales", (Path(path), schema, *_CODE), lambda: _read_locales(path))


def _read_locales(path: str) -> dict[str, LocaleProfile]:
    p = Path(path)
    data = _read(p, "safety_locales.schema.json")
    raw = data["locales"]
    own = {code: _services(loc, code) for code, loc in raw.items()}
    profiles: dict[str, LocaleProfile] = {}
    for code, loc in raw.items():
        mine = {norm_term(s.term) for s in own[code]}
        foreign: dict[str, Service] = {}
        for other, services in own.items():
            for s in services:
                if other != code and _is_national(s) and norm_term(s.term) not in mine:
                    foreign.setdefault(norm_term(s.term), s)
        suggest = {k: str(v) for kind in KINDS for k, v in ((loc.get(kind) or {}).get("suggest") or {}).items()}
        labels = {kind: str(label) for kind in KINDS if (label := (loc.get(kind) or {}).get("label"))}
        profiles[code] = LocaleProfile(
            code=code,
            name=loc.get("name", code),
            services=tuple(own[code]),
            foreign=tuple(foreign.values()),
            help_headings=tuple(loc.get("help_headings", [])),
            verbs=frozenset(v.split()[0].lower() for v in loc.get("verbs", [])),
            suggest=tuple(sorted(suggest.items())),
            labels=tuple(sorted(labels.items())),
        )
    return profiles


def _tags(guideline: dict[str, Any], related: list[dict[str, Any]]) -> tuple[str, ...]:
    """Tags such as "nice:ng51" from the addresses of NICE guidance the pack cites."""
    tags = []
    for ref in [guideline, *related]:
        if m := re.search(r"nice\.org\.uk/guidance/([a-z]+\d+)", ref.get("url", ""), re.I):
            tags.append(f"nice:{m.group(1).lower()}")
    return tuple(dict.fromkeys(tags))


def _pack(data: dict[str, Any], source: str) -> TopicPack:
    trig = data["triggers"]
    guideline = data["guideline"]
    requires = tuple(
        Requirement(
            id=r["id"],
            kind=r["kind"],
            severity=r["severity"],
            placement=tuple(r["placement"]) if isinstance(r["placement"], list) else (r["placement"],),
            why=r["why"],
            suggestion=r.get("suggestion", ""),
        )
        for r in data["requires"]
    )
    return TopicPack(
        topic=data["topic"],
        title=data["title"],
        guideline=f"{guideline['name']} ({guideline['url']})",
        tags=_tags(guideline, data.get("related", [])),
        triggers={
            zone: tuple(Trigger(t["term"], float(t["weight"])) for t in trig.get(zone, []))
            for zone in ("title", "headings", "body")
        },
        threshold=float(trig["threshold"]),
        requires=requires,
        exclude=tuple(trig.get("exclude", [])),
        source=source,
    )


@lru_cache(maxsize=8)
def load_packs(rules_dir: str) -> tuple[TopicPack, ...]:
    """Every topic pack in the folder (all YAML files except locales.yaml), sorted by topic."""
    folder = Path(rules_dir)
    if not folder.is_dir():
        raise SafetyDataError(f"safety rules folder not found: {folder}")
    files = sorted(folder.glob("*.yaml"))
    inputs = (*files, SCHEMA_DIR / "safety_topic.schema.json", *_CODE)
    return remembered("safety-packs", inputs, lambda: _read_packs(files))


def _read_packs(files: list[Path]) -> tuple[TopicPack, ...]:
    packs = []
    for path in files:
        if path.name == "locales.yaml":
            continue
        data = _read(path, "safety_topic.schema.json")
        if data["topic"] != path.stem:
            raise SafetyDataError(f"{path}: topic {data['topic']!r} must match the file name")
        packs.append(_pack(data, path.name))
    return tuple(sorted(packs, key=lambda p: p.topic))
