"""Gloss recognition: plain words next to a use of a term, in the ways writers explain.

"term (plain words)", "plain words (term)", "term - plain words", "term, which is / which means /
where ...", "term is when / is a ...", "called term", "known as term", "the hormone term", an
abbreviation spelt out beside it, or an explanation in the next sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.language.sentences import SentenceSpan
from pipeline.rules.terms.detection import Sentences, Use
from pipeline.rules.terms.familiarity import Judge
from pipeline.rules.terms.glossary import fold, is_acronym, tokens


@dataclass(frozen=True)
class Gloss:
    """Plain words that explain a use, and how they were written."""

    pattern: str
    start: int
    end: int


_ABBR_IN_BRACKETS = re.compile(r"\s*\(\s*[A-Za-z0-9&.\-]*[A-Z]{2}[A-Za-z0-9&.\-]*s?\s*\)")
# Another name given beside the term: "Labial fusion, or labial adhesion, is ...",
# "A transient ischaemic attack (TIA) or mini-stroke happens when ...".
_SYNONYM = re.compile(
    r"\s*,\s+or\s+[^,.;()]{2,60},|\s+or\s+[\w'\u2019-]+(?:\s+[\w'\u2019-]+)?(?=\s+(?:is|are|happens|occurs)\s)", re.I
)
_NEXT_WORD = re.compile(r"\s+[a-z][\w'\u2019-]*")  # the noun a rare adjective qualifies
_CITATION = re.compile(r"^[\d\s,;:.\-\u2013]+$")
_BRACKET_AFTER = re.compile(r"\s*\(([^()]{1,160})\)")
_EXAMPLE_LEAD = re.compile(r"^(?:for example|for instance|e\.g\.?|eg|such as|including|like|see)\b", re.I)
_BRACKET_OPEN_BEFORE = re.compile(
    r"(\w[^()]*?)\s*\(\s*(?:the|a|an|or|i\.e\.,?|ie,?|for example,?|e\.g\.,?|eg,?|such as|like)?\s*$", re.I
)
_DASH = "-\u2010\u2011\u2012\u2013\u2014"
# A dash that sets words apart: an en or em dash, or a hyphen with a space on at least one side
# (not the hyphen inside "N,N-diethyl-meta-toluamide").
_SET_OFF = "(?:\\s*[\u2012-\u2014]\\s*|\\s+[-\u2010\u2011]\\s*|[-\u2010\u2011]\\s+)"
_DASH_AFTER = re.compile(
    _SET_OFF + rf"(?!\s*(?:or|and|but|which|that|who|for example|for instance|in this case)\b)\s*"
    rf"([^{_DASH}.;!?()]{{3,160}})",
    re.I,
)
_DASH_BEFORE = re.compile(rf"([^{_DASH}.;!?()]{{3,160}}?)" + _SET_OFF + "$")
_WHICH_AFTER = re.compile(
    r"\s*,?\s*(?:(?:which|that)\s+(?:is|are|means|mean|refers?\s+to|describes?)\b|meaning\b|i\.e\.|that is\b"
    r"|in other words\b|where\b|when\b)",
    re.I,
)
# "which is usually done under general anaesthetic" says how it is done, not what it is.
_HOW_DONE = re.compile(
    r"\s+(?:(?:usually|often|normally|sometimes|also|then|only|now|mostly|generally)\s+)?"
    r"(?:\w+ed|done|given|made|taken|seen|put|carried|found|known|used)\b(?!\s+(?:as|to\s+mean)\b)",
    re.I,
)
_APPOSITIVE_AFTER = re.compile(r"\s*,\s+(?:a|an)\s+\w+", re.I)
_EXAMPLE_AFTER = re.compile(r"\s*,?\s+(?:such as|for example|for instance|like)\s+\w+", re.I)
_DEFINED_AS = re.compile(
    r"\s*(?:(?:is|are|means|refers\s+to|describes)\s+(?:when|where|how|what|if|a|an|the|something|someone|one|any)"
    r"|(?:happens|occurs)\s+(?:when|if))\b",
    re.I,
)
# What may come before a term that is the subject of a definition: "An", "The", "4. Hydrostatic".
_SUBJECT_LEAD = re.compile(r"^\s*(?:\d+\.\s*)?(?:(?:an?|the|this|these|your)\s+)?(?:[\w'\u2019-]+\s+){0,2}$", re.I)
_NAMED = re.compile(
    r"\b(?P<how>called|known\s+as|termed|named|so-called|referred\s+to\s+as)\s+[\"'\u201c\u2018]?\s*(?:(?:the|a|an)\s+)?"
    r"(?:(?:[\w'\u2019-]+\s+){1,4}(?:or|and)\s+)?(?:[\w'\u2019-]+\s+){0,2}[\"'\u201c\u2018]?$",
    re.I,
)
_ANAPHOR = re.compile(r"^\s*(?:this|that|these|it|they)\b(?:\s+\w+)?\s+(?:is|are)\b(?:\s+also)?\s*$", re.I)
_CATEGORY = (
    "hormone|skin condition|condition|medicine|drug|medication|infection|virus|bacterium|bacteria|"
    "disease|illness|vitamin|mineral|protein|enzyme|chemical|operation|procedure|test|scan|painkiller|"
    "antibiotic|vaccine|organ|muscle|bone|nerve|gland|germ|treatment|device|machine|cream|tablet"
)
# A class named before "such as" and any earlier examples of the list: "painkillers, such as
# co-codamol, codeine or " before "tramadol".
_CLASS_BEFORE = re.compile(
    r"(?P<cls>[^,;:.()]+(?:\([^()]*\))?)\s*,?\s+(?:such\s+as|including|like|for\s+example|e\.g\.?)\s+"
    r"(?:[\w'\u2019-]+(?:\s+[\w'\u2019-]+)?\s*(?:,\s*(?:or\s+|and\s+)?|\s+or\s+|\s+and\s+))*$",
    re.I,
)
_VAGUE = frozenset(["things", "ways", "factors", "reasons", "others", "cases", "situations", "issues", "problems", "causes", "symptoms", "signs", "this", "is", "was", "has", "as"])
_CATEGORY_BEFORE = re.compile(rf"\b(?:the|a|an)\s+(?:{_CATEGORY})\s+$", re.I)
# A definition in the next sentence: "<subject> is a / are when / means ...".
_DEFINING_VERB = re.compile(
    r"\s+(?:\([^()]*\)\s+)?(?:is|are|means|refers\s+to|describes)\s+(?:when|where|how|what|a|an|the|something)\b", re.I
)
_ANAPHORS = frozenset({"it", "this", "they", "these", "that"})


def _next_defines(sentence: str, names: set[str]) -> bool:
    """Whether `sentence` defines the term early on: its subject (within the first few words) is the
    term, another name of it, or a pronoun pointing back at it."""
    m = _DEFINING_VERB.search(sentence)
    if not m or len(sentence[: m.start()].split()) > 8:
        return False
    subject = [t.folded for t in tokens(sentence[: m.start()])]
    if subject and subject[-1] in _ANAPHORS:
        return True
    return any(contains(subject, fold(n).split()) for n in names)


def contains(words: list[str], part: list[str]) -> bool:
    n = len(part)
    return n > 0 and any(words[i : i + n] == part for i in range(len(words) - n + 1))


_NEXT_NAMES = re.compile(r"^(?:this|these|it|they)\b[^.;]{0,30}?\b(?:also\s+)?(?:known\s+as|called)\b", re.I)


def _initials_match(abbr: str, words: str) -> int | None:
    """Where the spelt-out form of `abbr` starts in `words` (Schwartz and Hearst's rule: the
    letters of the abbreviation appear in order, the first one starting a word), or None."""
    letters = [ch.lower() for ch in abbr if ch.isalnum()]
    if len(letters) < 2:
        return None
    text = words.lower()
    li, ti = len(letters) - 1, len(text) - 1
    while li >= 0:
        ch = letters[li]
        while ti >= 0 and (text[ti] != ch or (li == 0 and ti > 0 and text[ti - 1].isalnum())):
            ti -= 1
        if ti < 0:
            return None
        li -= 1
        ti -= 1
    start = ti + 1
    return start if len(text[start:].split()) <= min(len(letters) + 5, len(letters) * 2) else None


def _forms_of(use: Use) -> list[str]:
    return list(use.concept.forms) if use.concept else [use.key]


def _related(use: Use) -> set[str]:
    """Names of the same thing: the concept's forms, and its abbreviation or spelt-out term."""
    out = {use.key, *_forms_of(use)}
    if use.concept and use.concept.partner:
        out.add(use.concept.partner)
    return {f for f in out if f}


_CLAUSE_WORDS = frozenset(
    ["is", "are", "was", "were", "be", "been", "has", "have", "had", "can", "may", "might", "will", "would", "should", "it", "they", "this", "that", "which", "who", "called", "like", "including", "with", "by", "and", "or", "but", "causes", "cause", "caused", "causing"]
)


def _last_words_start(s: str, n: int) -> int:
    """Offset in `s` where the plain words before a bracket begin: at most its last `n` words, after
    the last comma or clause word, from an article if there is one ("It causes abnormally small
    heads (microcephaly)" -> "abnormally small heads"; "is a lung infection" -> "a lung infection")."""
    clause = max(s.rfind(","), s.rfind(";"), s.rfind(":"))
    words = [w for w in re.finditer(r"\S+", s) if w.start() > clause][-n:]
    cut = [i for i, w in enumerate(words[:-1]) if w.group(0).lower() in _CLAUSE_WORDS]
    if cut:
        words = words[cut[-1] + 1 :]
    if not words:
        return 0
    for w in reversed(words[:-1]):
        if w.group(0).lower() in ("a", "an", "the"):
            return w.start()
    return words[0].start()


def _head_ends(after: str) -> list[int]:
    """Where the text after a term may continue its gloss: straight after it, or after the one or
    two lower-case words that finish its noun phrase ("subcutaneous fat - the fat under the skin")."""
    ends = [0]
    for _ in range(2):
        m = _NEXT_WORD.match(after, ends[-1])
        if not m:
            break
        ends.append(m.end())
    return ends


def _inside_dashes(before: str) -> bool:
    """Whether a spaced dash opened earlier in the sentence is still open ("- for example X -")."""
    return len(re.findall(rf"\s[{_DASH}]\s", " " + before)) % 2 == 1


def _gloss_here(text: str, use: Use, sent: SentenceSpan, sents: Sentences, judge: Judge) -> Gloss | None:
    """A gloss written at this use itself: in its sentence, or a naming just before it."""
    before = text[sent.start : use.start]
    after_start = use.end
    after = text[after_start : sent.end]
    avoid = _forms_of(use)
    abbr = use.kind == "abbreviation"

    # "ICU (intensive care unit)", "conjunctivitis (red eyes)", "subcutaneous fat (the fat under the skin)"
    skips = [0] if abbr else _head_ends(after)
    for skip in skips:
        m = _BRACKET_AFTER.match(after, skip)
        if m and not _CITATION.match(m.group(1)):
            inner = m.group(1).strip()
            g0, g1 = after_start + m.start(1), after_start + m.end(1)
            if abbr and re.search(r"[a-z]{3}", inner):
                return Gloss("expansion", g0, g1)
            plain_words = not is_acronym(inner.rstrip("s")) and not _EXAMPLE_LEAD.match(inner)
            if not abbr and plain_words and judge.is_plain(inner, avoid):
                return Gloss("brackets after", g0, g1)

    # "intensive care unit (ICU)", "a swelling (aneurysm)", "mosquitoes (the Aedes mosquito)"
    m = _BRACKET_OPEN_BEFORE.search(before)
    if m and re.match(r"\s*\)", after):
        lead_end = sent.start + m.end(1)
        if abbr:
            at = _initials_match(use.key, before[: m.end(1)])
            if at is not None:
                return Gloss("expansion", sent.start + at, lead_end)
        phrase_start = sent.start + _last_words_start(before[: m.end(1)], 6)
        if abbr or judge.is_plain(text[phrase_start:lead_end], avoid):
            return Gloss("brackets around", phrase_start, lead_end)

    # "chronic kidney disease - CKD"
    if abbr:
        m = _DASH_BEFORE.search(before)
        if m:
            at = _initials_match(use.key, m.group(1))
            if at is not None:
                return Gloss("expansion", sent.start + m.start(1) + at, sent.start + m.end(1))

    for skip in skips:
        g = _gloss_after(text, use, sent, after_start + skip, before, avoid, judge)
        if g is not None:
            return g

    # "a life-threatening problem called anaphylaxis", "This is also known as ..."
    m = _NAMED.search(before)
    if m:
        how = "known as" if m.group("how").lower().startswith("known") else "called"
        lead = before[: m.start()]
        # "Also known as impetigo" on the line under a title: the title is the plain name.
        if _ANAPHOR.match(lead) or not lead.strip() or re.fullmatch(r"\s*also\s*", lead, re.I):
            prev = sents.before(sent.start)
            if prev is not None:
                return Gloss(how, prev.start, prev.end)
        elif len(lead.split()) >= 2:
            return Gloss(how, sent.start + len(lead) - len(lead.lstrip()), sent.start + len(lead.rstrip()))

    # "the hormone oestrogen", "the skin condition eczema"
    m = _CATEGORY_BEFORE.search(before)
    if m:
        return Gloss("category", sent.start + m.start(), sent.start + m.end())

    # "some painkillers, such as co-codamol or tramadol": a plain class, then its examples.
    m = _CLASS_BEFORE.search(before) if judge.cfg.class_explains_example else None
    if m:
        lead = re.sub(r"\s*\([^()]*\)\s*$", "", m.group("cls"))  # "medicines that thin the blood (anticoagulants)"
        at = _last_words_start(lead, 6)
        cls = lead[at:]
        # The class must be all plain words ("a form of heart disease", not "cardiovascular
        # disease") and name a kind of thing: "painkillers", not "things other than infection".
        words = [t for t in tokens(cls) if t.text.isalpha()]
        hard = any(is_acronym(t.text) or judge.rare_medical(t.text) for t in words)
        kind = bool(words) and words[-1].folded.endswith("s") and words[-1].folded not in _VAGUE
        if kind and not hard and judge.is_plain(cls, avoid):
            return Gloss("class", sent.start + m.start("cls") + at, sent.start + m.start("cls") + len(lead))
    return None


def _gloss_after(
    text: str, use: Use, sent: SentenceSpan, rest_start: int, before: str, avoid: list[str], judge: Judge
) -> Gloss | None:
    """Glosses that follow the term (or the noun it qualifies): dashes, "which is", "is when"."""
    abbr = use.kind == "abbreviation"
    rest = text[rest_start : sent.end]
    skipped = _ABBR_IN_BRACKETS.match(rest) or _SYNONYM.match(rest)
    while skipped:  # "acute respiratory distress syndrome (ARDS), where ..." ; "X, or Y, is when ..."
        rest_start += skipped.end()
        rest = text[rest_start : sent.end]
        skipped = _ABBR_IN_BRACKETS.match(rest) or _SYNONYM.match(rest)

    # "septicaemia - blood poisoning", "DIC - disseminated intravascular coagulation"
    m = _DASH_AFTER.match(rest)
    if m and not _inside_dashes(before):
        inner = m.group(1).strip()
        g0 = rest_start + m.start(1)
        g1 = g0 + len(m.group(1).rstrip())
        if abbr and (_initials_match(use.key, inner[:80]) is not None or len(inner.split()) >= 2):
            return Gloss("expansion", g0, g1)
        if not abbr and not is_acronym(inner) and judge.is_plain(inner, avoid):
            return Gloss("dash", g0, g1)

    # "X, which means ...", "X, where ...", "X, a serious condition of ...", "X, such as ..."
    for pattern, name in ((_WHICH_AFTER, "which is"), (_APPOSITIVE_AFTER, "appositive"), (_EXAMPLE_AFTER, "example")):
        m = pattern.match(rest)
        if m and not (name == "which is" and _HOW_DONE.match(rest, m.end())):
            return Gloss(name, rest_start + m.start(), sent.end)

    # "Labial fusion, or labial adhesion, is when ...", "The abdominal aorta is the largest ..."
    if _SUBJECT_LEAD.match(before):
        m = _DEFINED_AS.match(rest)
        if m:
            return Gloss("is when", rest_start + m.start(), sent.end)
    return None


def gloss_for(text: str, use: Use, uses: list[Use], sents: Sentences, judge: Judge) -> Gloss | None:
    """The explanation of `use`: at the use itself, or in the next sentence (for a heading, the
    first sentence of its section, when that sentence is about the term)."""
    sent = sents.of(use.start)
    here = _gloss_here(text, use, sent, sents, judge)
    if here is not None:
        return here
    nxt = sents.after(use.start)
    if nxt is None:
        return None
    related = _related(use)
    following = [u for u in uses if nxt.start <= u.start < nxt.end]
    for other in following:
        same = other.key in related or (other.concept is not None and other.concept.key in related)
        if same and _gloss_here(text, other, nxt, sents, judge) is not None:
            return Gloss("next sentence", nxt.start, nxt.end)
    next_text = text[nxt.start : nxt.end]
    if _next_defines(next_text, related):
        return Gloss("next sentence", nxt.start, nxt.end)
    if sents.in_heading(use.start) and _about(next_text, use, following, text, sents):
        return Gloss("section", nxt.start, nxt.end)
    return None


def _about(sentence: str, use: Use, following: list[Use], text: str, sents: Sentences) -> bool:
    """Whether a section's first sentence is about the heading's term: it names the term (or the
    abbreviation the heading gives it) or starts by pointing back at it ("This method ...")."""
    if re.match(r"^\s*(?:this|these|it|they)\b", sentence, re.I) or _NEXT_NAMES.match(sentence):
        return True
    names = {fold(f) for f in _related(use)}
    heading = sents.of(use.start)
    names.update(fold(a) for a in re.findall(r"\(\s*([A-Z][A-Za-z0-9&]*[A-Z])\s*\)", text[heading.start : heading.end]))
    words = {t.folded for t in tokens(sentence)}
    return any(set(fold(n).split()) <= words for n in names) or any(fold(u.key) in names for u in following)
