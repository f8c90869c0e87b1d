"""Recognising required safety messages in text.

A message is recognised by meaning rather than by one fixed string: a sentence counts when an
action verb in the advisory mood ("call", "go to", "you should phone", "ask someone to take you to")
governs a service the locale knows (999, an ambulance, A&E, 111, Samaritans...), nothing negates it
("you do not need to call 999"), and the number is a service number rather than a count, a price or
a year ("999 words"). Sentences that point the right way without naming the service ("get medical
help straight away"), point elsewhere ("Read more about when to call 999"), or give another
country's number are kept as *weak* matches for a reviewer; a sentence that only says something is
urgent ("Sepsis is a medical emergency") is a *statement*, which is what a missing message looks
like. Neither ever counts as the message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from pipeline.language.sentences import sentence_spans
from pipeline.rules.safety.packs import APOSTROPHES, Kind, LocaleProfile, Service, is_number, norm_term

# strong: the message itself. weak: an action without the service, a signpost, another country's
# number (a reviewer should look). statement: says it is urgent but not what to do ("Sepsis is a
# medical emergency"), which is what a page that lacks the message looks like.
Strength = Literal["strong", "weak", "statement"]


# --------------------------------------------------------------------------- text

_CLAUSE_BREAK = re.compile(r"[,;:\u2013\u2014]|\s-\s")
# Not the shared word tokeniser: here "A&E", "111.nhs.uk", "1-800-222-1222" and "out-of-hours" are one
# word each, because the recogniser counts words (an action verb at most seven words before the
# service, at most three between two services). With the shared one, "Call your local out-of-hours
# co-ordinated GP-led service or 111." loses its urgent-advice match.
_WORD = re.compile(r"[A-Za-z0-9&][A-Za-z0-9&'.\-]*[A-Za-z0-9&']|[A-Za-z0-9&]")


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
    t = term.translate(APOSTROPHES).strip()
    body = r"\s+".join(re.escape(part) for part in t.split())
    if is_number(t):
        # A service number stands alone: not inside a longer number, a price, a decimal or a phone
        # number written in groups ("0800 999 123").
        return re.compile(rf"(?<![\d£$€.,/#-])(?<!\d\s){body}(?![\d,/]|\.\d|\s\d{{3}})")
    flags = 0 if (t.isupper() and len(t.replace("&", "")) <= 4) or t in {"SHOUT"} else re.I
    return re.compile(rf"(?<![\w&]){body}(?![\w&])", flags)


@lru_cache(maxsize=2048)
def compiled(term: str) -> re.Pattern[str]:
    return _term_pattern(term)


@lru_cache(maxsize=2048)
def anchor(term: str) -> str:
    """A lower-case piece every match of the term contains: a cheap test before the regex."""
    return max(norm_term(term).split(), key=len)


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
            if anchor(s.term) not in lower:
                continue
            for hit in compiled(s.term).finditer(sentence):
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
    text = text.translate(APOSTROPHES)  # same length: offsets stay valid
    out: list[MessageMatch] = []
    # Blocks are sentences already; the shared splitter (readability's and the terms check's too)
    # divides the ones that hold several, without breaking at "Dr." or "111.nhs.uk".
    for span in sentence_spans(text):
        out.extend(_recognise_sentence(text[span.start : span.end], span.start, profile))
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
