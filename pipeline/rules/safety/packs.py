"""Required safety messages: locale profiles, topic detection, message recognition and placement.

A message is recognised by meaning rather than by one fixed string: a sentence counts when an
action verb in the advisory mood ("call", "go to", "you should phone", "ask someone to take you to")
governs a service the locale knows (999, an ambulance, A&E, 111, Samaritans...), nothing negates it
("you do not need to call 999"), and the number is a service number rather than a count, a price or
a year ("999 words"). Sentences that point the right way without naming the service ("get medical
help straight away"), point elsewhere ("Read more about when to call 999"), or give another
country's number are kept as *weak* matches for a reviewer; a sentence that only says something is
urgent ("Sepsis is a medical emergency") is a *statement*, which is what a missing message looks
like. Neither ever counts as the message.

The clinical content (topics, their triggers, the required messages and their guidelines) and the
services of each country are data: pipeline/data/safety/*.yaml, checked against JSON Schemas.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import jsonschema
import yaml

from pipeline import datafiles
from pipeline.datacache import remembered
from pipeline.datafiles import load_yaml
from pipeline.model import Document

Kind = Literal["emergency_action", "urgent_advice", "crisis_support"]
KINDS: tuple[Kind, ...] = ("emergency_action", "urgent_advice", "crisis_support")
KIND_LABEL: dict[str, str] = {
    "emergency_action": "emergency action",
    "urgent_advice": "urgent advice",
    "crisis_support": "crisis support",
}
# strong: the message itself. weak: an action without the service, a signpost, another country's
# number (a reviewer should look). statement: says it is urgent but not what to do ("Sepsis is a
# medical emergency"), which is what a page that lacks the message looks like.
Strength = Literal["strong", "weak", "statement"]
PLACEMENTS = ("body", "early", "help_section")

SCHEMA_DIR = datafiles.DATA_SCHEMAS


class SafetyDataError(Exception):
    """A safety data file is missing or does not match its schema."""


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


def _validate(data: Any, schema_name: str, path: Path) -> None:
    schema_path = SCHEMA_DIR / schema_name
    if not schema_path.exists():
        return  # the schema is optional at run time; tests validate every shipped file
    err = jsonschema.exceptions.best_match(_validator(schema_path).iter_errors(data))
    if err is not None:
        where = "/".join(str(p) for p in err.absolute_path) or "(top level)"
        raise SafetyDataError(f"{path}: {where}: {err.message}")


@functools.cache
def _validator(schema_path: Path) -> Any:
    """One checked validator per shipped schema (jsonschema.validate re-checks the schema each call)."""
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def _read_yaml(path: Path) -> Any:
    try:
        return load_yaml(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise SafetyDataError(f"cannot read {path}: {err}") from None
    except yaml.YAMLError as err:
        raise SafetyDataError(f"{path}: not valid YAML: {err}") from None


def _is_number(term: str) -> bool:
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
            out.append(Service(kind, term, code, is_number=_is_number(term)))
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
    data = _read_yaml(p)
    _validate(data, "safety_locales.schema.json", p)
    raw = data["locales"]
    own = {code: _services(loc, code) for code, loc in raw.items()}
    profiles: dict[str, LocaleProfile] = {}
    for code, loc in raw.items():
        mine = {_norm_term(s.term) for s in own[code]}
        foreign: dict[str, Service] = {}
        for other, services in own.items():
            for s in services:
                if other != code and _is_national(s) and _norm_term(s.term) not in mine:
                    foreign.setdefault(_norm_term(s.term), s)
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
        data = _read_yaml(path)
        _validate(data, "safety_topic.schema.json", path)
        if data["topic"] != path.stem:
            raise SafetyDataError(f"{path}: topic {data['topic']!r} must match the file name")
        packs.append(_pack(data, path.name))
    return tuple(sorted(packs, key=lambda p: p.topic))


# --------------------------------------------------------------------------- text

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'"})
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])|\n+")
_CLAUSE_BREAK = re.compile(r"[,;:\u2013\u2014]|\s-\s")
_WORD = re.compile(r"[A-Za-z0-9&][A-Za-z0-9&'.\-]*[A-Za-z0-9&']|[A-Za-z0-9&]")


def _norm_term(term: str) -> str:
    return re.sub(r"\s+", " ", term.translate(_APOSTROPHES).strip().lower())


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans in `text` (blocks are already sentences; this splits the ones inside them)."""
    spans = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        if text[start : m.start()].strip():
            spans.append((start, m.start()))
        start = m.end()
    if text[start:].strip():
        spans.append((start, len(text.rstrip())))
    return [(s + len(text[s:e]) - len(text[s:e].lstrip()), e) for s, e in spans]


def _words(text: str) -> list[str]:
    return [w.lower().rstrip(".") for w in _WORD.findall(text)]


# --------------------------------------------------------------------------- recognition

# Verbs that, in the advisory mood, send the reader to a service.
_ACTION_VERBS = {
    "call", "dial", "phone", "ring", "text", "contact", "go", "get", "attend", "visit", "take", "ask",
    "see", "speak", "talk", "use", "select", "choose", "email", "head", "request", "book", "reach",
}
_GERUNDS = {"calling", "dialling", "dialing", "phoning", "ringing", "texting", "contacting", "going", "using"}
_FILLERS = {
    "and", "or", "but", "so", "then", "also", "always", "please", "just", "first", "instead", "immediately",
    "now", "urgently", "quickly", "straight", "away", "either", "still", "should", "must", "can", "could",
    "may", "might", "will", "shall", "'ll", "you", "someone", "somebody", "they", "we", "directly",
}
_MODALS = {"should", "must", "can", "could", "may", "might", "will", "shall", "'ll"}
_CONJUNCTIONS = {"and", "or", "then"}
# Verbs that open an imperative clause ("Talk to someone you trust or call ...").
_IMPERATIVE_OPENERS = _ACTION_VERBS | {
    "stay", "keep", "lie", "sit", "stop", "tell", "say", "put", "give", "check", "try", "follow", "find",
    "press", "make", "help", "wait", "look", "remove", "start", "do",
}
_TO_HEADS = {
    "need", "needs", "have", "has", "ought", "want", "important", "vital", "essential", "best", "safest",
    "better", "sure", "advised", "told", "able", "remember", "is", "hesitate", "delay", "wait", "help",
    "try", "urgent", "okay", "ok", "fine", "safe",
}
_SIGNPOST_HEADS = {"when", "how", "whether", "where", "what", "why", "about"}
_DELEGATE = {"ask", "get", "tell", "have", "let", "make"}
_NEGATORS = {"not", "never", "no", "cannot", "avoid", "without", "nor", "rather", "instead"}
# A negated "hesitate"/"wait" encourages the action ("do not wait to call 999").
_NEG_CANCEL = {"hesitate", "delay", "wait", "afraid", "worry", "embarrassed"}
_URGENCY = re.compile(
    r"\b(urgent(ly)?|straight away|right away|immediately|at once|as soon as (you can|possible)|asap|"
    r"same[- ]day|now|today|tonight|without delay|quickly|promptly|emergency)\b",
    re.I,
)
# Count nouns after a number mean it is a quantity, not a service number ("999 words").
_QUANTITY_AFTER = re.compile(
    r"\s*(%|per ?cent|words?|people|patients|pounds|dollars|euros|years?|months?|days?|hours?|minutes?|"
    r"calls|cases|deaths|times|pages?|points|mg|ml|kg|test|strips|items|units|steps|residents|members|"
    r"children|adults|babies|men|women|beds|staff|visits|admissions)\b",
    re.I,
)
_GENERIC_CONDITION = re.compile(
    r"\b(in (an?|case of( an?)?|the event of an?) (medical |real |life-threatening )?emergenc(y|ies)|"
    r"for (medical )?emergencies|if (it is|it's|this is) an emergency)\b",
    re.I,
)
_OTHER_CONDITION = re.compile(r"\b(if|when|unless|while|after)\b", re.I)
# Actions that point the right way but name no service: weak.
_WEAK_CUES: dict[Kind, re.Pattern[str]] = {
    "emergency_action": re.compile(
        r"\b((get|seek|find) (emergency|immediate|urgent) (medical )?(help|treatment|care|attention)|"
        r"(get|seek) (medical )?(help|attention|treatment|care) (immediately|straight away|right away|"
        r"urgently|at once|now)|(go|get) (straight )?to (a |the )?hospital (straight away|immediately|"
        r"at once|now|quickly))\b",
        re.I,
    ),
    "urgent_advice": re.compile(
        r"\b((see|speak to|talk to|contact|call) (a|your) (gp|doctor|midwife|pharmacist)|"
        r"get (medical )?advice)\b",
        re.I,
    ),
    "crisis_support": re.compile(
        r"\b((talk|speak) to (someone|somebody|a friend|a person) (you trust|close to you)|helpline|"
        r"support line|crisis line|listening service)\b",
        re.I,
    ),
}
# Statements that something is urgent, with no action at all.
_STATEMENT_CUES: dict[Kind, re.Pattern[str]] = {
    "emergency_action": re.compile(
        r"\b((is|are|be|as|counts as) an? (real |true |medical |life-threatening )?emergency|"
        r"needs? (urgent|emergency|immediate) (medical )?(treatment|care|help|attention)|"
        r"treatment in hospital (straight away|immediately|urgently))\b",
        re.I,
    ),
}


@dataclass
class MessageMatch:
    """A message recognised in a text; offsets are into the text that was searched."""

    kind: Kind
    strength: Strength
    service: str
    start: int  # the sentence that carries the message
    end: int
    reason: str = ""  # why a weak match is weak
    foreign_locale: str = ""  # set when the service belongs to another country
    # "In an emergency, call 999": a real instruction, but it leaves readers to decide what counts
    # as an emergency, so it cannot stand in for a topic's own "call 999 if you have these signs".
    generic: bool = False

    mention_start: int = -1  # the service that carries it ("999")
    mention_end: int = -1
    topics: tuple[str, ...] = ()  # counts only for these topics; empty: for every topic

    def excerpt(self, text: str, limit: int = 200) -> str:
        """The sentence, or for long run-on page furniture the words around the service."""
        if self.end - self.start <= limit or self.mention_start < 0:
            return text[self.start : self.end]
        lo = max(self.start, self.mention_start - limit * 2 // 3)
        hi = min(self.end, self.mention_end + limit // 3)
        lo = text.find(" ", lo, self.mention_start) + 1 if lo > self.start else lo
        return ("..." if lo > self.start else "") + text[lo:hi].strip() + ("..." if hi < self.end else "")


def _term_pattern(term: str) -> re.Pattern[str]:
    t = term.translate(_APOSTROPHES).strip()
    body = r"\s+".join(re.escape(part) for part in t.split())
    if _is_number(t):
        # A service number stands alone: not inside a longer number, a price, a decimal or a phone
        # number written in groups ("0800 999 123").
        return re.compile(rf"(?<![\d£$€.,/#-])(?<!\d\s){body}(?![\d,/]|\.\d|\s\d{{3}})")
    flags = 0 if (t.isupper() and len(t.replace("&", "")) <= 4) or t in {"SHOUT"} else re.I
    return re.compile(rf"(?<![\w&]){body}(?![\w&])", flags)


@lru_cache(maxsize=2048)
def _compiled(term: str) -> re.Pattern[str]:
    return _term_pattern(term)


@lru_cache(maxsize=2048)
def _anchor(term: str) -> str:
    """A lower-case piece every match of the term contains: a cheap test before the regex."""
    return max(_norm_term(term).split(), key=len)


@dataclass
class _Mention:
    service: Service
    start: int
    end: int
    foreign: bool


def _mentions(sentence: str, profile: LocaleProfile) -> list[_Mention]:
    found: list[_Mention] = []
    lower = sentence.lower()
    for foreign, services in ((False, profile.services), (True, profile.foreign)):
        for s in services:
            if _anchor(s.term) not in lower:
                continue
            for hit in _compiled(s.term).finditer(sentence):
                end = hit.end()
                if s.is_number and _QUANTITY_AFTER.match(sentence, end) and not _is_phone_tail(sentence, end):
                    continue
                found.append(_Mention(s, hit.start(), end, foreign))
    # Of two overlapping mentions of one kind the longer wins ("call 111" over "111"); kinds may
    # overlap ("call 111 and select the mental health option" is urgent advice and crisis support).
    found.sort(key=lambda x: (-(x.end - x.start), x.start))
    kept: list[_Mention] = []
    for m in found:
        if any(k.service.kind == m.service.kind and m.start < k.end and k.start < m.end for k in kept):
            continue
        kept.append(m)
    return sorted(kept, key=lambda x: (x.start, x.end))


def _is_phone_tail(sentence: str, pos: int) -> bool:
    return bool(re.match(r"\s*(online|option)\b", sentence[pos:], re.I))


@dataclass
class _Verdict:
    actioned: bool = False
    negated: bool = False
    signpost: bool = False
    verb_at: int = -1


def _clause_start(sentence: str, pos: int) -> int:
    starts = [m.end() for m in _CLAUSE_BREAK.finditer(sentence, 0, pos)]
    return starts[-1] if starts else 0


def _judge(sentence: str, mention: _Mention, verbs: set[str] | frozenset[str]) -> _Verdict:
    """Is the service at `mention` the object of an advisory action, and is that action negated?"""
    cstart = _clause_start(sentence, mention.start)
    before = _words(sentence[cstart : mention.start])
    if mention.service.is_phrase:  # the phrase carries its own verb ("call an ambulance")
        return _Verdict(_advisory(before), _negated(before), _signpost(before), len(before))
    # The nearest action verb at most seven words before the service.
    for back in range(1, min(len(before), 7) + 1):
        i = len(before) - back
        w = before[i]
        gerund = w in _GERUNDS and i > 0 and before[i - 1] in {"by", "try", "keep"}
        if w not in verbs and not gerund:
            continue
        prev = before[:i]
        return _Verdict(
            actioned=gerund or _advisory(prev), negated=_negated(prev), signpost=_signpost(prev), verb_at=i
        )
    return _Verdict()


def _advisory(prev: list[str]) -> bool:
    """Whether a verb preceded by these words (in its clause) gives advice rather than narrates."""
    rest = list(prev)
    had_modal = had_conjunction = False
    while rest and rest[-1] in _FILLERS:
        had_modal = had_modal or rest[-1] in _MODALS
        had_conjunction = had_conjunction or rest[-1] in _CONJUNCTIONS
        rest.pop()
    if not rest:
        return True  # imperative ("Call 999"), or "you should call 999"
    if had_modal:
        return True  # "Doctors say someone should call 999"
    if had_conjunction and rest[0] in _IMPERATIVE_OPENERS:
        return True  # coordinated with an imperative: "Call or text 988", "Call 111 and select ..."
    if rest[-1] == "to":
        head = rest[-2] if len(rest) >= 2 else ""
        if head in _TO_HEADS:
            return True
        return any(w in _DELEGATE for w in rest[-4:-1])  # "ask someone to call", "get a friend to take you"
    return rest[-1] in {"action", "required", "advice", "help"}


def _signpost(prev: list[str]) -> bool:
    return len(prev) >= 2 and prev[-1] == "to" and prev[-2] in _SIGNPOST_HEADS


def _negated(prev: list[str]) -> bool:
    window = prev[-5:]
    # Coordination starts a new action: "Do not wait for the ambulance and ..." stays with "wait".
    for cut in ("or", "and", "then", "but"):
        if cut in window:
            window = window[len(window) - window[::-1].index(cut) :]
    for i, w in enumerate(window):
        if w in _NEGATORS or w.endswith("n't") or (w == "need" and i > 0 and window[i - 1] == "no"):
            return not any(x in _NEG_CANCEL for x in window[i + 1 :])
    return False


def recognise(text: str, profile: LocaleProfile) -> list[MessageMatch]:
    """Every safety message in `text` under `profile`, strong and weak, one per sentence and kind."""
    text = text.translate(_APOSTROPHES)  # same length: offsets stay valid
    out: list[MessageMatch] = []
    for s_start, s_end in sentences(text):
        out.extend(_recognise_sentence(text[s_start:s_end], s_start, profile))
    return out


def _recognise_sentence(sentence: str, offset: int, profile: LocaleProfile) -> list[MessageMatch]:
    mentions = _mentions(sentence, profile)
    verbs = _ACTION_VERBS | profile.verbs
    judged: list[tuple[_Mention, _Verdict]] = []
    for m in mentions:
        v = _judge(sentence, m, verbs)
        if v.verb_at < 0 and judged:
            # "Call 999 for an ambulance, or 111 if it is not urgent": 111 shares the earlier verb.
            prev_m, prev_v = judged[-1]
            gap = _words(sentence[prev_m.end : m.start])
            if gap and gap[0] in {"or", "and"} and len(gap) <= 3 and prev_v.verb_at >= 0:
                v = _Verdict(prev_v.actioned, prev_v.negated, prev_v.signpost, prev_v.verb_at)
        judged.append((m, v))

    # The best match per kind (and per topic restriction: Poison Control only counts for overdoses).
    best: dict[tuple[str, tuple[str, ...]], MessageMatch] = {}

    def offer(
        kind: Kind,
        strength: Strength,
        service: str,
        reason: str = "",
        foreign: str = "",
        at: tuple[int, int] = (-1, -1),
        topics: tuple[str, ...] = (),
    ) -> None:
        cur = best.get((kind, topics))
        if cur is None or (cur.strength == "weak" and strength == "strong"):
            start, end = (offset + at[0], offset + at[1]) if at[0] >= 0 else (-1, -1)
            best[(kind, topics)] = MessageMatch(
                kind, strength, service, offset, offset + len(sentence), reason, foreign, False, start, end, topics
            )

    foreign_kinds = {m.service.kind for m, v in judged if m.foreign and v.actioned and not v.negated}
    for m, v in judged:
        svc, at = m.service, (m.start, m.end)
        if v.negated:
            continue
        if not v.actioned:
            if v.signpost and not m.foreign:
                offer(svc.kind, "weak", svc.term, "it points to advice elsewhere instead of giving it", at=at)
            continue
        if m.foreign:
            reason = f"'{svc.term}' is a {svc.locale.upper()} service, not {profile.code.upper()}"
            offer(svc.kind, "weak", svc.term, reason, svc.locale, at=at)
            continue
        if svc.needs_urgency and not _URGENCY.search(sentence):
            offer(svc.kind, "weak", svc.term, "it does not say to get help urgently", at=at, topics=svc.topics)
            continue
        if svc.kind in foreign_kinds and not svc.is_number:
            reason = "the number given with it belongs to another country"
            offer(svc.kind, "weak", svc.term, reason, at=at, topics=svc.topics)
            continue
        offer(svc.kind, "strong", svc.term, at=at, topics=svc.topics)
    for kind, cue in _WEAK_CUES.items():
        hit = cue.search(sentence)
        if hit and not any(k == kind for k, _ in best):
            before = _words(sentence[_clause_start(sentence, hit.start()) : hit.start()])
            if not _negated(before):
                offer(kind, "weak", hit.group(0), "it does not say whom to call or where to go", at=hit.span())
    for kind, cue in _STATEMENT_CUES.items():
        hit = cue.search(sentence)
        if hit and not any(k == kind for k, _ in best):
            offer(kind, "statement", hit.group(0), "it says this is urgent but not what to do", at=hit.span())
    if generic := _GENERIC_CONDITION.search(sentence):
        # Page furniture runs on without full stops: look only near the phrase for another condition.
        rest = sentence[max(0, generic.start() - 80) : generic.start()] + sentence[generic.end() :]
        if not _OTHER_CONDITION.search(rest):
            for found in best.values():
                found.generic = True
    return list(best.values())


# --------------------------------------------------------------------------- topics


@dataclass
class TopicScore:
    pack: TopicPack
    score: float
    detected: bool
    evidence: dict[str, int]  # "zone: term" -> hits


def _hits(triggers: tuple[Trigger, ...], text: str, exclude: tuple[str, ...]) -> list[tuple[Trigger, int, int]]:
    """Trigger matches in `text`; an excluded phrase never counts and overlapping terms count once."""
    lower = text.lower()
    for phrase in exclude:
        if _anchor(phrase) in lower:
            text = _compiled(phrase).sub(lambda m: " " * len(m.group(0)), text)
    found = [
        (t, m.start(), m.end())
        for t in triggers
        if _anchor(t.term) in lower
        for m in _compiled(t.term).finditer(text)
    ]
    found.sort(key=lambda h: (-(h[2] - h[1]), h[1]))
    kept: list[tuple[Trigger, int, int]] = []
    for h in found:
        if all(h[2] <= k[1] or h[1] >= k[2] for k in kept):
            kept.append(h)
    return kept


def score_topics(doc: Document, packs: tuple[TopicPack, ...], *, body_cap: int = 5) -> list[TopicScore]:
    """Score every topic: each trigger term adds its weight for the part of the page it is in.

    A passing mention stays under the threshold. Body mentions of one term count at most
    `body_cap` times, so a long page that keeps mentioning a complication is not scored as a page
    about it on sheer length.
    """
    zones = {
        "title": [doc.title.translate(_APOSTROPHES)],
        "headings": [doc.block_text(b).translate(_APOSTROPHES) for b in doc.blocks if b.kind == "heading"],
        "body": ["\n".join(doc.block_text(b) for b in doc.blocks if b.kind != "heading").translate(_APOSTROPHES)],
    }
    out = []
    for pack in packs:
        score = 0.0
        evidence: dict[str, int] = {}
        for zone, texts in zones.items():
            counts: dict[Trigger, int] = {}
            for text in texts:
                for trig, _, _ in _hits(pack.triggers.get(zone, ()), text, pack.exclude):
                    counts[trig] = counts.get(trig, 0) + 1
            for trig, n in counts.items():
                n = min(n, body_cap) if zone == "body" else n
                evidence[f"{zone}: {trig.term}"] = n
                score += trig.weight * n
        out.append(TopicScore(pack, round(score, 2), score >= pack.threshold, evidence))
    return out


# --------------------------------------------------------------------------- placement


@dataclass
class Place:
    """Where a message was found: in the article body (a block) or in stripped boilerplate."""

    where: Literal["body", "stripped"]
    start: int  # offsets in the article text (body); -1 for stripped text
    end: int
    chunk: int | None = None  # which stripped text block
    heading: str | None = None
    block_kind: str | None = None
    position: float = 0.0  # how far into the article text, 0..1
    early: bool = False
    help_section: bool = False

    def describe(self) -> str:
        if self.where == "stripped":
            return "only in boilerplate removed from the article (site header, footer or promo)"
        parts = [f"in the article body, {round(self.position * 100)}% of the way down"]
        if self.heading:
            parts.append(f"under the heading '{self.heading.rstrip('.')}'")
        if self.block_kind == "callout":
            parts.append("in a callout")
        return ", ".join(parts)

    def as_dict(self) -> dict[str, Any]:
        return {
            "where": self.where,
            "start": self.start,
            "end": self.end,
            "chunk": self.chunk,
            "heading": self.heading,
            "block_kind": self.block_kind,
            "position": round(self.position, 2),
            "early": self.early,
            "help_section": self.help_section,
        }


@dataclass
class Located:
    match: MessageMatch
    place: Place
    excerpt: str


def _is_help_heading(heading: str, phrases: tuple[str, ...]) -> bool:
    h = _norm_term(heading).rstrip(".")
    return any(p in h for p in phrases)


def locate_messages(
    doc: Document, profile: LocaleProfile, *, early_fraction: float = 0.4
) -> list[Located]:
    """Recognise messages in the article body (block by block) and in stripped boilerplate."""
    phrases = tuple(_norm_term(p) for p in profile.help_headings)
    headings = {b.section: doc.block_text(b) for b in doc.blocks if b.kind == "heading"}
    total = max(1, len(doc.text))
    out: list[Located] = []
    for block in doc.blocks:
        text = doc.block_text(block)
        heading = headings.get(block.section) if block.kind != "heading" else text
        in_help = block.kind == "callout" or bool(heading and _is_help_heading(heading, phrases))
        for m in recognise(text, profile):
            start, end = block.start + m.start, block.start + m.end
            if m.mention_start >= 0:
                m.mention_start, m.mention_end = block.start + m.mention_start, block.start + m.mention_end
            m.start, m.end = start, end
            position = start / total
            place = Place(
                "body",
                start,
                end,
                heading=heading,
                block_kind=block.kind,
                position=position,
                early=position <= early_fraction,
                help_section=in_help,
            )
            out.append(Located(m, place, doc.text[start:end]))
    for i, chunk in enumerate(doc.stripped):
        for m in recognise(chunk, profile):
            excerpt = m.excerpt(chunk.translate(_APOSTROPHES), limit=100)
            out.append(Located(m, Place("stripped", -1, -1, chunk=i), excerpt))
    return out


def placement_ok(place: Place, allowed: tuple[str, ...]) -> bool:
    """Whether a message in the body sits where the requirement asks (any of the allowed places)."""
    if place.where != "body":
        return False
    for a in allowed:
        if a == "body":
            return True
        if a == "early" and place.early:
            return True
        if a == "help_section" and place.help_section:
            return True
    return False
