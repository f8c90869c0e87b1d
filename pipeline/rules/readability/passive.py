"""Passive voice: a form of "be" or "get", then a past participle ("is caused by", "will be given").

A pattern finder, not a parser: it finds the constructions a reviewer should look at and proposes
the active sentence when the text names who does the action ("by an infection"). Participles used
as adjectives for states ("is swollen", "are worried") and naming ("is called") are left alone.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

# Not sentences.WORD, which keeps letters beyond ASCII in the word: with it, the active rewrite of
# "Fritz Eckart von Weizsäcker was stabbed" names "Weizsäcker" rather than "cker", which changes an
# RD007 suggestion on the findings bench (bench/findings_diff.py), so this pattern stays as it is.
_WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")

_BE = {"am", "is", "are", "was", "were", "be", "been", "being", "get", "gets", "got", "getting", "gotten",
       "isn't", "aren't", "wasn't", "weren't"}  # fmt: skip
_PARTICLES = {"out", "up", "off", "down", "away", "back", "over"}  # carried out, picked up
_BE_CONTRACTED = ("'s", "'re", "'m")
_MODALS = {"can", "could", "may", "might", "must", "should", "will", "would", "shall"}
_PERFECT = {"has", "have", "had"}
# Words that may stand between the auxiliary and the participle ("is usually given").
_BETWEEN = {"not", "also", "often", "usually", "always", "never", "sometimes", "then", "still", "only",
            "now", "rarely", "normally", "generally", "mostly", "first", "already", "just", "even",
            "commonly", "occasionally", "routinely", "typically", "frequently", "soon"}  # fmt: skip
# Of those, the adverbs that cannot also be a noun or a determiner ("the first", "the only one"):
# these may stand before the auxiliary too ("children often get bitten").
_FREQUENCY = _BETWEEN - {"not", "first", "only", "now", "then", "just", "even"}
_PROGRESSIVE = {"am", "is", "are", "was", "were"}  # before "being": "is being offered"
# Irregular verbs: participle -> (base, past).
IRREGULAR: dict[str, tuple[str, str]] = {
    "arisen": ("arise", "arose"), "beaten": ("beat", "beat"), "begun": ("begin", "began"),
    "bitten": ("bite", "bit"), "bled": ("bleed", "bled"), "blown": ("blow", "blew"),
    "broken": ("break", "broke"), "brought": ("bring", "brought"), "built": ("build", "built"),
    "bought": ("buy", "bought"), "caught": ("catch", "caught"), "chosen": ("choose", "chose"),
    "cut": ("cut", "cut"), "dealt": ("deal", "dealt"), "done": ("do", "did"), "drawn": ("draw", "drew"),
    "drunk": ("drink", "drank"), "driven": ("drive", "drove"), "eaten": ("eat", "ate"),
    "fed": ("feed", "fed"), "felt": ("feel", "felt"), "found": ("find", "found"),
    "forgotten": ("forget", "forgot"), "frozen": ("freeze", "froze"), "given": ("give", "gave"),
    "grown": ("grow", "grew"), "heard": ("hear", "heard"), "hidden": ("hide", "hid"), "hit": ("hit", "hit"),
    "held": ("hold", "held"), "hurt": ("hurt", "hurt"), "kept": ("keep", "kept"), "known": ("know", "knew"),
    "laid": ("lay", "laid"), "led": ("lead", "led"), "left": ("leave", "left"), "lost": ("lose", "lost"),
    "made": ("make", "made"), "meant": ("mean", "meant"), "met": ("meet", "met"), "paid": ("pay", "paid"),
    "put": ("put", "put"), "read": ("read", "read"), "run": ("run", "ran"), "said": ("say", "said"),
    "seen": ("see", "saw"), "sought": ("seek", "sought"), "sold": ("sell", "sold"), "sent": ("send", "sent"),
    "set": ("set", "set"), "shaken": ("shake", "shook"), "shown": ("show", "showed"),
    "spoken": ("speak", "spoke"), "spent": ("spend", "spent"), "spread": ("spread", "spread"),
    "stolen": ("steal", "stole"), "struck": ("strike", "struck"), "stung": ("sting", "stung"),
    "taken": ("take", "took"), "taught": ("teach", "taught"), "torn": ("tear", "tore"),
    "told": ("tell", "told"), "thought": ("think", "thought"), "thrown": ("throw", "threw"),
    "understood": ("understand", "understood"), "undertaken": ("undertake", "undertook"),
    "withdrawn": ("withdraw", "withdrew"), "worn": ("wear", "wore"), "written": ("write", "wrote"),
    "overcome": ("overcome", "overcame"), "upheld": ("uphold", "upheld"), "won": ("win", "won"),
}  # fmt: skip
# Participles that describe a state or name a thing: "is swollen", "are worried", "is called".
_ADJECTIVAL = {"called", "named", "born", "tired", "worried", "concerned", "interested", "married",
               "bored", "scared", "frightened", "pleased", "excited", "surprised", "confused",
               "supposed", "swollen", "upset", "ashamed", "embarrassed", "depressed",
               "dehydrated", "constipated", "bloated", "exhausted", "stressed", "relaxed",
               "disappointed", "satisfied", "pregnant", "aged", "advanced", "complicated", "detailed", "limited",
               "related", "unrelated", "involved", "prepared", "determined", "qualified", "sized",
               "shaped", "coloured", "colored", "red", "bed", "need", "feed", "seed", "bleed", "speed",
               "hundred", "sacred", "wicked", "naked", "rugged", "ragged", "beloved", "skilled"}  # fmt: skip
_CLAUSE_BREAK = {"and", "or", "but", "which", "that", "who", "when", "if", "because", "so", "while",
                 "as", "after", "before", "until", "unless", "although", "where", "to"}  # fmt: skip
_PREPOSITIONS = {"in", "of", "on", "under", "with", "from", "at", "for", "into", "inside", "around", "near",
                 "during", "through", "within", "without", "over", "after", "before"}  # fmt: skip
_RELATIVE = {"which", "that", "who", "whom", "whose"}
_PUNCT = re.compile(r"[,;:()\u2013\u2014]|\s-\s")
_OBJECT_PRONOUN = {"i": "me", "he": "him", "she": "her", "we": "us", "they": "them"}


@dataclass(frozen=True)
class Passive:
    start: int  # offsets into the text given to `find`
    end: int
    auxiliary: str  # "is", "might be", "has been"
    participle: str
    agent: str | None  # "an infection" in "is caused by an infection"
    subject: str | None  # "sepsis" in "sepsis is caused by an infection"
    rewrite: str  # the active version; "[who]" stands for an agent the text does not name


def _participle(word: str) -> bool:
    w = word.lower()
    if w in _ADJECTIVAL:
        return False
    return w in IRREGULAR or (len(w) >= 4 and w.endswith("ed") and not w.endswith("eed"))


@functools.lru_cache(maxsize=4096)
def base_form(participle: str) -> str:
    """The verb's base form: caused -> cause, treated -> treat, stopped -> stop, carried -> carry."""
    from wordfreq import zipf_frequency

    w = participle.lower()
    if w in IRREGULAR:
        return IRREGULAR[w][0]
    stem = w[:-2]
    candidates = [stem, w[:-1]]  # treated -> treat, caused -> cause
    if stem.endswith("i"):
        candidates.append(stem[:-1] + "y")
    if len(stem) > 2 and stem[-1] == stem[-2]:
        candidates.append(stem[:-1])  # stopped -> stop
    # The spelling English uses most: "treate" and "caus" are not words, "use" beats "us" by length.
    return max((c for c in candidates if len(c) >= 3), key=lambda c: zipf_frequency(c, "en"), default=stem)


def _third_person(base: str) -> str:
    if re.search(r"(s|x|z|ch|sh|o)$", base):
        return base + "es"
    if re.search(r"[^aeiou]y$", base):
        return base[:-1] + "ies"
    return {"have": "has", "be": "is"}.get(base, base + "s")


def _plural(noun_phrase: str) -> bool:
    head = noun_phrase.split()[-1].lower()
    if head in {"you", "we", "they", "people", "children", "men", "women", "staff", "[who]"}:
        return head != "[who]"
    return head.endswith("s") and not head.endswith(("ss", "us", "is"))


def _active_verb(aux_words: list[str], participle: str, agent: str) -> str:
    base = base_form(participle)
    lowered = [w.lower().replace("’", "'") for w in aux_words]
    negative = "not" in lowered or any(w.endswith("n't") for w in lowered)
    past = any(w.startswith(("was", "were", "got")) for w in lowered)
    plural = _plural(agent)
    modal = next((w for w in lowered if w in _MODALS), None)
    perfect = next((w for w in lowered if w in _PERFECT), None)
    if modal:
        return f"{modal} {'not ' if negative else ''}{base}"
    if perfect:
        have = "had" if perfect == "had" else ("have" if plural else "has")
        return f"{have} {'not ' if negative else ''}{participle.lower()}"
    if negative:
        return f"{'did' if past else ('do' if plural else 'does')} not {base}"
    if past:
        return IRREGULAR[participle.lower()][1] if participle.lower() in IRREGULAR else participle.lower()
    return base if plural else _third_person(base)


def _may_stand_between(word: str) -> bool:
    """A word that may stand between the auxiliary and the participle ("is usually given")."""
    w = word.lower()
    return w in _BETWEEN or w.endswith("ly")


def _adverb(word: str, between: bool) -> bool:
    """An adverb to keep in the rewrite; "-ly" words count only where they stood between."""
    w = word.lower()
    return w != "not" and (_may_stand_between(w) if between else w in _BETWEEN)


def _with_adverbs(verb: str, before_not: list[str], after_not: list[str]) -> str:
    """The active verb with the passive's adverbs kept, each on its side of "not": dropping one
    would change the advice ("is never given" is not "gives"), and so would moving one across "not"
    ("is often not recognised" is not "does not often recognise")."""
    if not before_not and not after_not:
        return verb
    if " not " in verb:
        left, right = verb.split(" not ", 1)
        if left in ("do", "does", "did"):  # "often does not recognise"
            return " ".join([*before_not, left, "not", *after_not, right])
        return " ".join([left, *before_not, "not", *after_not, right])  # "should usually not give"
    head, _, last = verb.rpartition(" ")
    return " ".join([*([head] if head else []), *before_not, *after_not, last])


def find(text: str) -> list[Passive]:
    """Passive constructions in one sentence (or any text), with offsets into `text`."""
    tokens = [(m.group(), m.start(), m.end()) for m in _WORD.finditer(text)]
    found: list[Passive] = []
    i = 0
    while i < len(tokens):
        word, start, _ = tokens[i]
        lower = word.lower().replace("’", "'")
        contracted = lower.endswith(_BE_CONTRACTED) and lower not in _BE
        if lower not in _BE and not contracted:
            i += 1
            continue
        j = i + 1
        while j < len(tokens) and _may_stand_between(tokens[j][0]):
            j += 1
        if j >= len(tokens) or not _participle(tokens[j][0]):
            i += 1
            continue
        participle, _, end = tokens[j]
        if participle.lower() == "known" and j + 1 < len(tokens) and tokens[j + 1][0].lower() == "as":
            i = j + 1  # "is also known as": a name, like "is called"
            continue
        between = [t[0] for t in tokens[i + 1 : j]]
        particle = ""
        if j + 1 < len(tokens) and tokens[j + 1][0].lower() in _PARTICLES:
            j += 1
            particle, end = tokens[j][0].lower(), tokens[j][2]
        first = i
        if lower in ("been", "being", "be", "get"):  # take in the modal or "has" before it
            while (
                first > 0
                and tokens[first - 1][0].lower()
                in (_MODALS | _PERFECT | _FREQUENCY | {"not"} | (_PROGRESSIVE if lower == "being" else set()))
                and not _PUNCT.search(text[tokens[first - 1][2] : tokens[first][1]])
            ):
                first -= 1
            while first < i and tokens[first][0].lower() in _FREQUENCY:
                first += 1  # adverbs with no modal or "has" before them are not part of the verb
        aux_words = [t[0] for t in tokens[first : i + 1]]
        if any(t[0].lower() == "not" for t in tokens[i + 1 : j]):
            aux_words.append("not")  # "was not treated": the negation sits after the auxiliary
        agent = _agent(text, tokens, j + 1)
        if agent:
            end = tokens[j + 1 + len(agent.split())][2]
        subject = _lower_first(re.sub(r"['’]\w+$", "", word)) if contracted else _subject(text, tokens, first)
        subject, lead, imperative = _split_subject(subject)
        verb_words = [*((w, False) for w in lead), *((t[0], False) for t in tokens[first : i + 1])]
        verb_words += [(w, True) for w in between]
        rewrite = _rewrite(aux_words, participle, agent, subject, verb_words, imperative) + (
            f" {particle}" if particle else ""
        )
        found.append(Passive(tokens[first][1], end, " ".join(aux_words), participle, agent, subject, rewrite))
        i = j + 1
    return found


def _split_subject(subject: str | None) -> tuple[str | None, list[str], bool]:
    """The subject without the adverbs that go with the verb, those adverbs, and whether the
    sentence is a "Do not …" instruction."""
    lead: list[str] = []  # "children often get bitten": "often" goes with the verb, not the subject
    while subject and subject.rsplit(" ", 1)[-1].lower() in _FREQUENCY:
        rest, _, adverb = subject.rpartition(" ")
        subject = rest or None
        lead.insert(0, adverb)
    imperative = subject is not None and subject.lower() in ("do", "don't", "don’t")
    if subject and " " in subject and subject.rsplit(" ", 1)[1].lower() in ("do", "does", "did"):
        subject = subject.rsplit(" ", 1)[0]  # "you do not get tested": the subject is "you"
    if subject and subject.lower() in _BETWEEN:
        subject = None  # "then get tested": no subject, only an adverb
    return subject, lead, imperative


def _rewrite(
    aux_words: list[str], participle: str, agent: str | None, subject: str | None,
    verb_words: list[tuple[str, bool]], imperative: bool,
) -> str:
    """The active sentence. `verb_words` are the words around the auxiliary in order, each marked
    True when it stood between the auxiliary and the participle (where "-ly" words are adverbs)."""
    who = f"{agent[0].upper()}{agent[1:]}" if agent else "[who]"
    if imperative:  # "Do not be alarmed by bleeding": "Do not let bleeding alarm you"
        return f"Do not let {_lower_first(who) if agent else who} {base_form(participle)} you"
    negation = [w.lower() == "not" or w.lower().endswith("n't") for w, _ in verb_words]
    cut = negation.index(True) if any(negation) else len(verb_words)
    before_not = [w.lower() for w, between in verb_words[:cut] if _adverb(w, between)]
    after_not = [w.lower() for w, between in verb_words[cut:] if _adverb(w, between)]
    verb = _with_adverbs(_active_verb(aux_words, participle, agent or "[who]"), before_not, after_not)
    obj = _OBJECT_PRONOUN.get(subject.lower(), subject) if subject else "…"
    return f"{who} {verb} {obj}"


def _agent(text: str, tokens: list[tuple[str, int, int]], k: int) -> str | None:
    """The phrase after "by", up to punctuation or the next clause: "an infection" in "by an infection"."""
    if k >= len(tokens) or tokens[k][0].lower() != "by":
        return None
    words: list[str] = []
    for n, (word, start, _) in enumerate(tokens[k + 1 : k + 7]):
        gap = text[tokens[k + n][2] : start]
        lower = word.lower()
        if lower in _CLAUSE_BREAK or lower in _PREPOSITIONS or lower.endswith("ing") or _PUNCT.search(gap):
            break  # "by swollen blood vessels in your bottom": the agent is "swollen blood vessels"
        words.append(word)
    return " ".join(words) or None


def _subject(text: str, tokens: list[tuple[str, int, int]], k: int) -> str | None:
    """The words before the auxiliary back to the start of the clause: "sepsis" in "sepsis is caused".

    None when the clause start is not found within four words or the subject is a relative pronoun
    ("which is caused"): a wrong subject in a suggested rewrite is worse than none.
    """
    words: list[str] = []
    while True:
        if k == 0 or _PUNCT.search(text[tokens[k - 1][2] : tokens[k][1]]):
            break  # the sentence start, or a comma or bracket before the clause
        word = tokens[k - 1][0]
        opening = k == 1 and word.lower() == "that"  # "That rash is caused": a determiner, not relative
        if word.lower() in _RELATIVE and not opening:
            return None
        if word.lower() in _CLAUSE_BREAK and not opening:
            break
        if len(words) == 4:
            return None
        words.insert(0, word)
        k -= 1
    if not words or (len(words) == 1 and words[0].lower() in {"it's", "there"}):
        return None
    return _lower_first(" ".join(words))


def _lower_first(phrase: str) -> str:
    """The subject moves after the verb: "Sepsis" -> "sepsis", but "NHS" and "I" stay."""
    first = phrase.split(" ", 1)[0]
    return phrase if first.isupper() else phrase[0].lower() + phrase[1:]
