"""SM: required safety messages for the topics a page is about (sepsis -> "call 999 or go to A&E")."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from typing import Any

from pipeline.config import Config
from pipeline.model import Document, Finding, Outcome
from pipeline.rules.context import CheckContext
from pipeline.rules.registry import CheckOutput, Rule, check, finding, rule
from pipeline.rules.safety.packs import (
    KIND_LABEL,
    KINDS,
    LocaleProfile,
    Requirement,
    load_locales,
    load_packs,
)
from pipeline.rules.safety.placement import Located, locate_messages, placement_ok
from pipeline.rules.safety.topics import TopicScore, score_topics
from pipeline.rules.safety.visibility import page_visibility

EMERGENCY = rule(
    "SM001",
    "safety.emergency-action-missing",
    "A page about a condition that can kill within hours does not tell readers to call the emergency "
    "number or go to the emergency department.",
    level="error",
    why="For sepsis, meningitis, stroke, heart attack and similar emergencies, minutes matter: a page "
    "that explains the illness but never says when to call for help can cost a life.",
    guideline="NICE NG51 and QS213 (sepsis): give people information on symptoms to watch for and how "
    "to get medical care urgently; the pack for each topic names its own guideline.",
    fail="What causes sepsis? ... Sepsis is a medical emergency. (and nothing about calling 999)",
    passing="When to get help: call 999 or go to A&E if you or someone you look after has any of "
    "the warning signs of sepsis.",
    tags=("nhs:urgent-and-emergency-care",),
)
URGENT = rule(
    "SM002",
    "safety.urgent-advice-missing",
    "A page about a condition that needs same-day advice does not say how to get it (111, an urgent "
    "GP appointment, the local equivalent).",
    level="warning",
    why="People who are unsure whether they are ill enough for an ambulance need a clear next step, "
    "or they wait at home while they get worse.",
    guideline="NHS 111 and urgent care signposting; the pack for each topic names its own guideline.",
    fail="Signs of sepsis in children ... (no mention of 111 or an urgent GP appointment)",
    passing="Call 111 or get help from 111 online if you or your child feel very unwell.",
    tags=("nhs:111",),
)
CRISIS = rule(
    "SM003",
    "safety.crisis-support-missing",
    "A page about suicide or self-harm does not give a crisis line (Samaritans 116 123, 988, Lifeline).",
    level="error",
    why="A reader in crisis may not be able to search for help; a number on the page can save a life.",
    guideline="NICE NG225 (self-harm) and Samaritans media guidelines: always signpost support.",
    fail="Self-harm is when someone hurts themselves on purpose. (no helpline)",
    passing="You can call Samaritans on 116 123, any time of day or night.",
    tags=("nice:ng225", "samaritans:media-guidelines"),
)
WRONG_LOCALE = rule(
    "SM004",
    "safety.wrong-locale-number",
    "A safety message gives another country's number or service (911 on a UK page).",
    level="warning",
    why="A reader who dials 911 in the UK, or 999 in Australia, loses time in an emergency.",
    guideline="health-audit locale profiles: UK 999 / 111 / A&E, US 911 / 988 / ER, Australia 000 / "
    "Healthdirect, Ireland 112 / 999.",
    fail="Call 911 if you think someone is having a stroke. (audited as a UK page)",
    passing="Call 999 if you think someone is having a stroke.",
    tags=("nhs:how-we-write",),
)
RULE_FOR_KIND: dict[str, Rule] = {
    "emergency_action": EMERGENCY,
    "urgent_advice": URGENT,
    "crisis_support": CRISIS,
}
_RANK: dict[str, int] = {"pass": 0, "review": 1, "fail": 2}
_PLACE_WORDS = {
    "body": "in the article body",
    "early": "near the top of the article",
    "help_section": "in a 'When to get help' section or callout",
}


def locale_for(source: str, config: Config) -> str:
    """The locale for one source: a matching site glob, else the safety section's, else the run's."""
    for pattern, locale in config.safety.site_locales.items():
        if fnmatch.fnmatch(source, pattern):
            return locale
    return config.safety.locale or config.locale


@dataclass
class Verdict:
    """How one requirement of one topic fared on the page."""

    topic: TopicScore
    requirement: Requirement
    status: Outcome
    explanation: str
    evidence: Located | None = None
    # A review that only asks to confirm the message is not hidden by a stylesheet the static pass
    # could not read (most real pages link one): shown to reviewers, but not a reason to block.
    advisory: bool = False

    def as_dict(self) -> dict[str, Any]:
        req = self.requirement
        return {
            "topic": self.topic.pack.topic,
            "requirement": req.id,
            "kind": req.kind,
            "severity": req.severity,
            "placement": list(req.placement),
            "status": self.status,
            "explanation": self.explanation,
            "found": self.evidence.place.as_dict() if self.evidence else None,
            "excerpt": self.evidence.excerpt if self.evidence else None,
            "why": req.why,
        }


def _lower_first(title: str) -> str:
    """'Stroke and TIA' -> 'stroke and TIA' (acronyms keep their capitals)."""
    return title[:1].lower() + title[1:] if title[1:2].islower() else title


def _allowed(req: Requirement) -> str:
    return " or ".join(_PLACE_WORDS.get(p, p) for p in req.placement)


def judge(topic: TopicScore, req: Requirement, located: list[Located], require_placement: bool) -> Verdict:
    """Pass when a clear message sits where it must; review when weak, misplaced or only in boilerplate."""
    relevant = [
        loc
        for loc in located
        if loc.match.kind == req.kind and (not loc.match.topics or topic.pack.topic in loc.match.topics)
    ]
    # A message no reader would meet is not a message: it is left out, and named if nothing else is.
    hidden = [loc for loc in relevant if loc.hidden and loc.match.strength == "strong"]
    mine = [loc for loc in relevant if not loc.hidden]
    strong = [loc for loc in mine if loc.match.strength == "strong"]
    specific_body = [loc for loc in strong if loc.place.where == "body" and not loc.match.generic]
    placed = [loc for loc in specific_body if not require_placement or placement_ok(loc.place, req.placement)]
    label = KIND_LABEL[req.kind]
    topic_name = _lower_first(topic.pack.title)
    seen = [loc for loc in placed if not loc.uncertain]
    if seen:
        best = seen[0]
        return Verdict(topic, req, "pass", f"The {label} is given {best.place.describe()}.", best)
    if placed:
        best = next((loc for loc in placed if loc.unconfirmed), placed[0])
        why = best.seen[1] if best.seen else ""
        return Verdict(
            topic,
            req,
            "review",
            f"The {label} is given {best.place.describe()}, but {why}: check that readers see it "
            "and screen readers announce it.",
            best,
            advisory=best.unconfirmed,
        )
    if specific_body:
        best = specific_body[0]
        return Verdict(
            topic,
            req,
            "review",
            f"The {label} is given {best.place.describe()}, but for {topic_name} it should be {_allowed(req)}.",
            best,
        )
    generic_body = [loc for loc in strong if loc.place.where == "body"]
    if generic_body:
        return Verdict(
            topic,
            req,
            "review",
            f"The article says '{generic_body[0].excerpt}' but not which signs of {topic_name} mean "
            "an emergency.",
            generic_body[0],
        )
    stripped = [loc for loc in strong if loc.place.where == "stripped" and not loc.match.generic]
    if stripped:
        return Verdict(
            topic,
            req,
            "review",
            f"The {label} appears {stripped[0].place.describe()}; that text was not part of the article, "
            "so readers who go straight to the content may miss it. Put it in the article itself.",
            stripped[0],
        )
    weak = [loc for loc in mine if loc.place.where == "body" and loc.match.strength == "weak"]
    if weak:
        return Verdict(
            topic,
            req,
            "review",
            f"Only a weak {label} was found, and {weak[0].match.reason}: '{weak[0].excerpt}'.",
            weak[0],
        )
    notes = []
    if hidden:
        why = hidden[0].seen[1] if hidden[0].seen else "hidden"
        notes.append(
            f" The page has '{hidden[0].excerpt.strip()}' but it is hidden from readers ({why}), "
            "so it does not count."
        )
    said = [loc for loc in mine if loc.place.where == "body"]
    if said:
        notes.append(f" The article says '{said[0].excerpt}' but not what to do.")
    aside = [loc for loc in mine if loc.place.where == "stripped"]
    if aside:
        quoted = "; ".join(f"'{loc.excerpt.strip()}'" for loc in aside[:2])
        notes.append(
            f" Text removed as boilerplate only says {quoted}, which does not tell readers what to do "
            f"about {topic_name}."
        )
    return Verdict(topic, req, "fail", f"No {label} was found in the article.{''.join(notes)}", None)


def _suggestion(verdicts: list[Verdict], profile: LocaleProfile) -> str | None:
    """The topic's own suggested wording, filled in for the country (first topic that has one)."""
    for v in verdicts:
        if v.requirement.suggestion:
            where = _allowed(v.requirement)
            return f"Add, {where}: \"{profile.fill(v.requirement.suggestion)}\""
    return None


def _kind_finding(kind: str, verdicts: list[Verdict], doc: Document, profile: LocaleProfile) -> Finding:
    """One finding per kind of message, at the worst outcome over every topic that requires it."""
    worst = max(verdicts, key=lambda v: _RANK[v.status])
    topics = ", ".join(dict.fromkeys(_lower_first(v.topic.pack.title) for v in verdicts))
    span = None
    ev = worst.evidence
    if ev is not None and ev.place.where == "body":
        span = (ev.place.start, ev.place.end)
    tags = [t for v in verdicts for t in v.topic.pack.tags]
    message = f"{worst.explanation} Required for: {topics}."
    return finding(
        RULE_FOR_KIND[kind],
        message,
        outcome=worst.status,
        span=span,
        text=doc.text,
        excerpt=None if ev is None or span is not None else ev.excerpt,
        suggestion=None if worst.status == "pass" else _suggestion(verdicts, profile),
        tags=tags,
        # The clinical severity of the requirements at the worst outcome; configuration still wins.
        clinical_level="note"
        if all(v.advisory for v in verdicts if v.status == worst.status)
        else "error"
        if any(v.requirement.severity == "error" for v in verdicts if v.status == worst.status)
        else "warning",
        data={
            "locale": profile.code,
            "topics": [v.topic.pack.topic for v in verdicts],
            "requirements": {v.requirement.id: v.status for v in verdicts},
            "guidelines": list(dict.fromkeys(v.topic.pack.guideline for v in verdicts)),
            "found": ev.place.as_dict() if ev else None,
        },
    )


def _look(doc: Document, located: list[Located]) -> None:
    """Mark whether each message in the body would be seen and heard (the markup is resolved once,
    and only when there is a message to look for)."""
    body = [loc for loc in located if loc.place.where == "body" and loc.match.strength == "strong"]
    if not body or not doc.html:
        return
    page = page_visibility(doc.html)
    for loc in body:
        loc.seen = page.of(loc.excerpt)


@check("safety.required-messages", "SM001", "SM002", "SM003", "SM004")
def required_messages(doc: Document, ctx: CheckContext) -> CheckOutput:
    cfg = ctx.config.safety
    locale = locale_for(doc.source, ctx.config)
    profile = load_locales(cfg.locales)[locale]
    # safety.topics names only topics that have a pack: the configuration checked it as it loaded.
    packs = tuple(p for p in load_packs(cfg.rules_dir) if not cfg.topics or p.topic in cfg.topics)
    scores = score_topics(doc, packs, body_cap=cfg.body_cap)
    located = locate_messages(doc, profile, early_fraction=cfg.early_fraction)
    _look(doc, located)

    verdicts = [
        judge(ts, req, located, cfg.require_placement)
        for ts in scores
        if ts.detected
        for req in ts.pack.requires
    ]
    findings = [
        _kind_finding(kind, [v for v in verdicts if v.requirement.kind == kind], doc, profile)
        for kind in KINDS
        if any(v.requirement.kind == kind for v in verdicts)
    ]
    for loc in located:
        if loc.place.where == "body" and loc.match.foreign_locale:
            findings.append(
                finding(
                    WRONG_LOCALE,
                    f"This gives {loc.match.reason}: readers here would not reach help with it.",
                    outcome="review",
                    span=(loc.place.start, loc.place.end),
                    text=doc.text,
                    suggestion=f"Give the {profile.name} number or service instead.",
                    data={"locale": locale, "service": loc.match.service},
                )
            )
    metrics = {
        "safety": {
            "locale": locale,
            "topics": [
                {
                    "topic": ts.pack.topic,
                    "title": ts.pack.title,
                    "score": ts.score,
                    "threshold": ts.pack.threshold,
                    "detected": ts.detected,
                    "guideline": ts.pack.guideline,
                    "evidence": ts.evidence,
                }
                for ts in sorted(scores, key=lambda s: -s.score)
                if ts.score > 0
            ],
            # Each row carries its label, so the report names this locale's numbers (911 / ER).
            "checklist": [{**v.as_dict(), "label": profile.checklist_label(v.requirement.kind)} for v in verdicts],
        }
    }
    return CheckOutput(findings, metrics)
