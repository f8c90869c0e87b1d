"""Medical terms and abbreviations in an article, and whether each is explained at its first use.

Three steps, all pure functions of the text and the configuration:

1. **Detection** (`find_uses`): glossary terms and abbreviations (longest match wins), every other
   acronym, and words of the shared medical vocabulary that are rare in general English
   (`wordfreq` Zipf frequency). Terms the glossary marks familiar, or that are common in general
   English, are left alone, and so are their parts.
2. **Gloss recognition** (`gloss_for`): plain words next to a use, in the ways writers explain:
   "term (plain words)", "plain words (term)", "term - plain words", "term, which is / which
   means / where ...", "term is when / is a ...", "called term", "known as term", "the hormone
   term", an abbreviation spelt out beside it, or an explanation in the next sentence.
3. **First use** (`analyse`): each term's first use is explained, explained only later, or never.

`inconsistent_explanations` compares the explanations one run's articles give for the same term.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from wordfreq import zipf_frequency

from pipeline.language.plain_words import SwapList
from pipeline.language.plain_words import load as load_swaps
from pipeline.language.sentences import SentenceSpan, sentence_spans
from pipeline.language.vocabulary import MedicalVocabulary, vocabulary_for
from pipeline.model import ArticleResult, Finding
from pipeline.rules.registry import finding
from pipeline.rules.terms.glossary import (
    Concept,
    Kind,
    TermMatcher,
    Token,
    fold,
    glossary_matcher,
    is_acronym,
    tokens,
)

if TYPE_CHECKING:
    from pipeline.config import Config, TermsConfig

Origin = Literal["glossary", "vocabulary", "abbreviation"]
Status = Literal["explained", "late", "unexplained"]


@dataclass(frozen=True)
class Use:
    """One occurrence of a term that a reader may need explained."""

    key: str  # the concept it names: glossary term, abbreviation, or the word itself
    kind: Kind
    start: int
    end: int
    origin: Origin
    concept: Concept | None = None


@dataclass(frozen=True)
class Gloss:
    """Plain words that explain a use, and how they were written."""

    pattern: str
    start: int
    end: int


@dataclass
class TermReport:
    """A term of the article: where it is first used and whether (and where) it is explained."""

    key: str
    kind: Kind
    origin: Origin
    first: Use
    status: Status
    uses: int
    gloss: Gloss | None = None  # the explanation found (at first use, or later)
    explained_use: Use | None = None  # for "late": the use that carries the explanation
    suggestion: str | None = None  # the glossary's explanation (or an abbreviation's expansion)
    plain: str | None = None  # a plain word that could replace the term
    source: str | None = None
    text: str = field(default="", repr=False)

    def as_metric(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "term": self.key,
            "kind": self.kind,
            "found_by": self.origin,
            "first_use": {"start": self.first.start, "end": self.first.end},
            "excerpt": self.text[self.first.start : self.first.end],
            "uses": self.uses,
            "status": self.status,
            "explained": self.status == "explained",
            "explained_at": None,
            "explanation": None,
            "pattern": None,
            "suggested_explanation": self.suggestion,
            "plain_alternative": self.plain,
            "source": self.source,
        }
        if self.gloss is not None:
            out["explained_at"] = {"start": self.gloss.start, "end": self.gloss.end}
            out["explanation"] = self.text[self.gloss.start : self.gloss.end]
            out["pattern"] = self.gloss.pattern
        return out


# --- word familiarity -------------------------------------------------------------------------

# British medical spellings are rare in wordfreq's mostly American counts: "foetal" 2.6, "fetal" 3.4.
_TWINS = ((r"oe", "e"), (r"ae", "e"), (r"our\b", "or"), (r"tre\b", "ter"), (r"is(e|ed|es|ing|ation)\b", r"iz\1"))


@functools.lru_cache(maxsize=65536)
def zipf(phrase: str) -> float:
    """Zipf frequency in general English of a word or phrase (a phrase is as rare as its rarest word),
    taking the more frequent of its British and American spellings."""
    best = zipf_frequency(phrase, "en")
    for pat, rep in _TWINS:
        alt = re.sub(pat, rep, phrase)
        if alt != phrase:
            best = max(best, zipf_frequency(alt, "en"))
    return best


_STOPWORDS = frozenset(
    ["a", "an", "the", "of", "in", "on", "to", "for", "and", "or", "with", "by", "from", "at", "as", "is", "are", "be", "it", "its", "this", "that", "your", "you", "their", "them", "they", "into", "out", "up", "down"]
)
_LEAD_IN = " \"'\u2018\u201c([-\u2013\u20140123456789."
_ROMAN = re.compile(r"^(?=[MDCLXVI]{2,}$)M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")
# Letters after a name or a place, set off by commas: "Katie Allen, MD, PhD" or "New York, NY".
_AFTER_NAME = re.compile(r"(?:[A-Z][a-z]+\.?|[A-Z]{2,}),\s*$")


# Greek and Latin word parts that mark a word as medical ("neuropathy", "hypoglycaemia",
# "obstetrics"); a word that is medical and has none is usually an everyday word the medical word
# list also holds ("drowsy", "nappy", "repellent").
_MEDICAL_PART = re.compile(
    r"(?:haem|aem|cardi|neur|nephr|hepat|gastr|enter|derm|oste|arthr|myo|myel|cyt|leuk|lymph|thromb|angi"
    r"|vascul|pulmon|pneum|bronch|trache|laryng|pharyng|rhin|ophthalm|ocul|retin|gyn|obstetr|paed|pediatr"
    r"|psych|rheum|onco|carcin|immun|tox|path|glyc|lipid|endocrin|thyr|adren|renal|cyst|prostat|hyster"
    r"|cerebr|cephal|crani|cortic|fibr|scler|sten|necr|hypo|hyper|tachy|brady|dys|natal|sept|coagul"
    r"|anaesth|anesth)"
    r"|(?:itis|osis|oses|aemia|emia|ectomy|otomy|ostomy|plasty|scopy|scope|graphy|logy|logist|ological"
    r"|pathy|philia|penia|trophy|algia|oma|omas|uria|cytes?|genic|plegia|rrhoea|rrhea|megaly|iatric"
    r"|iatrics|ician|ologic)$"
)


class _Judge:
    """Decides which words are jargon: the shared medical vocabulary, the glossary, word frequency."""

    def __init__(self, matcher: TermMatcher, vocab: MedicalVocabulary, cfg: TermsConfig) -> None:
        self.matcher, self.vocab, self.cfg = matcher, vocab, cfg
        self._rare: dict[str, bool] = {}
        self._by_stem: dict[str, Concept] | None = None

    def concept_familiar(self, c: Concept) -> bool:
        if c.familiar:
            return True
        if c.kind == "abbreviation":
            return any(f in self.cfg.familiar_abbreviations for f in c.forms)
        return max(zipf(f) for f in c.forms) >= self.cfg.zipf_familiar

    def by_stem(self) -> dict[str, Concept]:
        """Single-word glossary terms by stem."""
        if self._by_stem is None:
            self._by_stem = {}
            for c in self.matcher.concepts:
                if c.kind != "term":
                    continue
                for f in c.forms:
                    if " " not in f and "-" not in f and len(f) >= 5:
                        self._by_stem.setdefault(stem(f), c)
        return self._by_stem

    def rare_medical(self, word: str) -> bool:
        known = self._rare.get(word)
        if known is None:
            known = self._rare[word] = (
                len(word) >= self.cfg.min_word_length
                and word.isalpha()
                and (self._unfamiliar(word.lower()) if word in self.vocab else self._built_medical(word.lower()))
            )
        return known

    def _unfamiliar(self, word: str) -> bool:
        z = zipf(word)
        if z < self.cfg.zipf_rare_word:
            return True
        return z < self.cfg.zipf_medical_word and bool(_MEDICAL_PART.search(fold(word)))

    def specialty_word(self, word: str) -> bool:
        """A medical word built from medical parts stays jargon inside a name: "the Obstetrics and
        Gynecology Department" still says "obstetrics"."""
        lower = word.lower()
        return lower in self.vocab and bool(_MEDICAL_PART.search(lower))

    def _built_medical(self, word: str) -> bool:
        """A word the vocabulary lacks but that is built from medical word parts and is rare:
        the word list cannot hold every derivation ("neurobiological", "enterobacteriaceae")."""
        return len(word) >= 8 and zipf(word) < self.cfg.zipf_rare_word and bool(_MEDICAL_PART.search(word))

    def is_plain(self, words: str, avoid: Iterable[str] = ()) -> bool:
        """Whether `words` explain in plain English: some content words, few of them jargon,
        and not just the term again."""
        toks = [t for t in tokens(words) if t.text.isalpha()]
        content = [t for t in toks if t.folded not in _STOPWORDS]
        if not content:
            return False
        if {t.folded for t in content} <= {fold(a) for a in avoid}:
            return False
        jargon = sum(is_acronym(t.text) or self.rare_medical(t.text) for t in content)
        return jargon * 3 <= len(content)


# --- detection --------------------------------------------------------------------------------


class _Sentences:
    def __init__(self, text: str, headings: Iterable[tuple[int, int]] = ()) -> None:
        self.spans = sentence_spans(text) or [SentenceSpan(0, len(text))]
        self.starts = [s.start for s in self.spans]
        self.headings = sorted(headings)
        self._heading_starts = [h[0] for h in self.headings]
        self._shouting: dict[int, bool] = {}

    def index(self, pos: int) -> int:
        return max(0, bisect.bisect_right(self.starts, pos) - 1)

    def of(self, pos: int) -> SentenceSpan:
        return self.spans[self.index(pos)]

    def after(self, pos: int) -> SentenceSpan | None:
        i = self.index(pos) + 1
        return self.spans[i] if i < len(self.spans) else None

    def before(self, pos: int) -> SentenceSpan | None:
        i = self.index(pos) - 1
        return self.spans[i] if i >= 0 else None

    def in_heading(self, pos: int) -> bool:
        i = bisect.bisect_right(self._heading_starts, pos) - 1
        return i >= 0 and self.headings[i][0] <= pos < self.headings[i][1]

    def shouting(self, text: str, pos: int) -> bool:
        """A sentence mostly in capitals: its capitalised words are emphasis, not abbreviations."""
        i = self.index(pos)
        if i not in self._shouting:
            sent = self.spans[i]
            words = [t.text for t in tokens(text[sent.start : sent.end]) if t.text.isalpha() and len(t.text) > 1]
            self._shouting[i] = len(words) >= 4 and sum(w.isupper() for w in words) * 2 > len(words)
        return self._shouting[i]


def _glossary_key(concept: Concept, surface: str) -> str:
    """The concept's key; but each written abbreviation is its own: a reader told what "ECG"
    means has not been told what "EKG" means."""
    if concept.kind == "abbreviation" and is_acronym(surface):
        written = _abbreviation_key(surface)
        if written != concept.key and fold(written) != fold(concept.key):
            return written
    return concept.key


def _abbreviation_key(word: str) -> str:
    """"AAAs" -> "AAA": a lower-case s after an acronym is a plural."""
    return word[:-1] if word.endswith("s") and is_acronym(word[:-1]) else word


def _post_nominal(text: str, start: int, end: int) -> bool:
    """Letters after a name ("Allen, MD, PhD") or a place ("New York City, NY") are not jargon."""
    return bool(_AFTER_NAME.search(text[max(0, start - 40) : start])) and bool(
        re.match(r"\s*(?:[,.;)]|$)", text[end : end + 2])
    )


def _proper_noun(tok: Token, text: str, sents: _Sentences) -> bool:
    """A capitalised word inside a sentence names a person, place or product (headings excepted,
    where every word may be capitalised); so does a word with inner capitals ("RiskCardio")."""
    word = tok.text
    if any(ch.isupper() for ch in word[1:]):
        return True
    if not word[:1].isupper() or sents.in_heading(tok.start):
        return False
    return bool(text[sents.of(tok.start).start : tok.start].strip(_LEAD_IN))


def find_uses(text: str, judge: _Judge, sents: _Sentences) -> list[Use]:
    """Every use, in reading order, of a term or abbreviation the reader may need explained."""
    cfg = judge.cfg
    toks = tokens(text)
    matches = judge.matcher.find(text, toks)
    uses: list[Use] = [
        Use(_glossary_key(m.concept, text[m.start : m.end]), m.concept.kind, m.start, m.end, "glossary", m.concept)
        for m in matches
        if not judge.concept_familiar(m.concept)
        and not (m.concept.kind == "abbreviation" and _post_nominal(text, m.start, m.end))
    ]
    claimed = [(m.start, m.end) for m in matches]
    starts = [c[0] for c in claimed]

    def is_claimed(tok: Token) -> bool:
        i = bisect.bisect_right(starts, tok.start) - 1
        return i >= 0 and claimed[i][0] <= tok.start < claimed[i][1]

    pending: list[Token] = []  # adjacent rare medical words make one term ("strontium ranelate")

    def flush() -> None:
        if pending:
            key = " ".join(t.text.lower() for t in pending)
            uses.append(Use(key, "term", pending[0].start, pending[-1].end, "vocabulary"))
            pending.clear()

    for tok in toks:
        word = tok.text
        if is_claimed(tok):
            flush()
        elif is_acronym(word):
            flush()
            key = _abbreviation_key(word)
            if not (
                key in cfg.familiar_abbreviations
                or _ROMAN.match(key)
                or _post_nominal(text, tok.start, tok.end)
                or sents.shouting(text, tok.start)
            ):
                uses.append(Use(key, "abbreviation", tok.start, tok.end, "abbreviation"))
        elif not word.isupper() and judge.rare_medical(word) and not (
            _proper_noun(tok, text, sents) and not judge.specialty_word(word)
        ):
            if pending and not re.fullmatch(r"[ \-\u2010\u2011]", text[pending[-1].end : tok.start]):
                flush()
            pending.append(tok)
        else:
            flush()
    flush()
    uses = [u for u in (_to_glossary(u, judge) for u in uses) if u is not None]
    uses.sort(key=lambda u: u.start)
    return _same_keys(uses)


_SUFFIXES = ("ical", "ally", "al", "ic", "ar", "ous", "us", "um", "a", "e", "es", "s")


def stem(word: str) -> str:
    """A rough stem, so that an adjective finds its noun in the glossary ("vulval" -> "vulva",
    "aortic" -> "aorta", "foetal" -> "foetus")."""
    w = fold(word)
    for suffix in _SUFFIXES:
        if w.endswith(suffix) and len(w) - len(suffix) >= 4:
            return w[: -len(suffix)]
    return w


def _to_glossary(use: Use, judge: _Judge) -> Use | None:
    """A rare word whose stem is a glossary term's is a use of that term (dropped when the
    glossary term is familiar: a reader who knows the noun reads its adjective)."""
    if use.origin != "vocabulary" or " " in use.key:
        return use
    concept = judge.by_stem().get(stem(use.key))
    if concept is None:
        return use
    if judge.concept_familiar(concept):
        return None
    return Use(concept.key, concept.kind, use.start, use.end, "glossary", concept)


def _same_keys(uses: list[Use]) -> list[Use]:
    """Rare words found apart and together are one term: "skinfold", later "skinfold calipers"
    and "calipers" all count as uses of the first."""
    owner: dict[str, str] = {}
    out: list[Use] = []
    for u in uses:
        if u.origin != "vocabulary":
            out.append(u)
            continue
        words = u.key.split()
        key = next((owner[w] for w in words if w in owner), None)
        if key is None:
            key = next((owner[o] for w in words for o in owner if _same_word(w, o)), u.key)
        for w in words:
            owner.setdefault(w, key)
        out.append(Use(key, u.kind, u.start, u.end, u.origin, u.concept) if key != u.key else u)
    return out


def _same_word(a: str, b: str) -> bool:
    """Two forms of one word: "neuroscience" and "neuroscientific" share most of their letters."""
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n >= 7 and n >= 0.8 * min(len(a), len(b))


# --- gloss recognition ------------------------------------------------------------------------

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
    return any(_contains(subject, fold(n).split()) for n in names)


def _contains(words: list[str], part: list[str]) -> bool:
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


def _gloss_here(text: str, use: Use, sent: SentenceSpan, sents: _Sentences, judge: _Judge) -> Gloss | None:
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
        if _ANAPHOR.match(lead) or not lead.strip():
            prev = sents.before(sent.start)
            if prev is not None:
                return Gloss(how, prev.start, prev.end)
        elif len(lead.split()) >= 2:
            return Gloss(how, sent.start + len(lead) - len(lead.lstrip()), sent.start + len(lead.rstrip()))

    # "the hormone oestrogen", "the skin condition eczema"
    m = _CATEGORY_BEFORE.search(before)
    if m:
        return Gloss("category", sent.start + m.start(), sent.start + m.end())
    return None


def _gloss_after(
    text: str, use: Use, sent: SentenceSpan, rest_start: int, before: str, avoid: list[str], judge: _Judge
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
        if m:
            return Gloss(name, rest_start + m.start(), sent.end)

    # "Labial fusion, or labial adhesion, is when ...", "The abdominal aorta is the largest ..."
    if _SUBJECT_LEAD.match(before):
        m = _DEFINED_AS.match(rest)
        if m:
            return Gloss("is when", rest_start + m.start(), sent.end)
    return None


def gloss_for(text: str, use: Use, uses: list[Use], sents: _Sentences, judge: _Judge) -> Gloss | None:
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


def _about(sentence: str, use: Use, following: list[Use], text: str, sents: _Sentences) -> bool:
    """Whether a section's first sentence is about the heading's term: it names the term (or the
    abbreviation the heading gives it) or starts by pointing back at it ("This method ...")."""
    if re.match(r"^\s*(?:this|these|it|they)\b", sentence, re.I) or _NEXT_NAMES.match(sentence):
        return True
    names = {fold(f) for f in _related(use)}
    heading = sents.of(use.start)
    names.update(fold(a) for a in re.findall(r"\(\s*([A-Z][A-Za-z0-9&]*[A-Z])\s*\)", text[heading.start : heading.end]))
    words = {t.folded for t in tokens(sentence)}
    return any(set(fold(n).split()) <= words for n in names) or any(fold(u.key) in names for u in following)


# --- first use ----------------------------------------------------------------------------------


def analyse_text(
    text: str,
    matcher: TermMatcher,
    vocab: MedicalVocabulary,
    cfg: TermsConfig,
    plain_words: dict[str, str] | None = None,
    headings: Iterable[tuple[int, int]] = (),
) -> list[TermReport]:
    """One report per term the reader may need explained, in order of first use."""
    judge = _Judge(matcher, vocab, cfg)
    sents = _Sentences(text, headings)
    uses = find_uses(text, judge, sents)
    groups: dict[str, list[Use]] = {}
    for u in uses:
        groups.setdefault(u.key, []).append(u)
    reports: list[TermReport] = []
    reported: list[str] = []
    for key, group in sorted(groups.items(), key=lambda kv: kv[1][0].start):
        first = group[0]
        if _covered(key, reported, judge):
            continue  # "mortality rates" after "mortality": one finding is enough
        reported.append(key)
        concept = first.concept
        report = TermReport(
            key=key,
            kind=first.kind,
            origin=first.origin,
            first=first,
            status="unexplained",
            uses=len(group),
            suggestion=_suggestion(concept),
            plain=(plain_words or {}).get(fold(key)),
            source=concept.source if concept else None,
            text=text,
        )
        gloss = gloss_for(text, first, uses, sents, judge)
        if gloss is not None:
            report.status, report.gloss = "explained", gloss
        else:
            for later in group[1:]:
                g = gloss_for(text, later, uses, sents, judge)
                if g is not None:
                    report.status, report.gloss, report.explained_use = "late", g, later
                    break
        reports.append(report)
    return reports


def _covered(key: str, earlier: list[str], judge: _Judge) -> bool:
    """Whether an earlier term already taught every hard word of this one: "mortality rates" after
    "mortality", "intravenous line" after "intravenous fluids" (not "meningococcal septicaemia"
    after "septicaemia": "meningococcal" is new)."""
    words = fold(key).split()
    hard = {w for w in words if w not in _STOPWORDS and zipf(w) < judge.cfg.zipf_medical_word}
    seen = {w for e in earlier for w in fold(e).split()}
    contains_earlier = any(len(fold(e).split()) < len(words) and _contains(words, fold(e).split()) for e in earlier)
    return hard <= seen if hard else contains_earlier


def _suggestion(concept: Concept | None) -> str | None:
    if concept is None:
        return None
    if concept.kind == "abbreviation" and concept.expansion:
        return f"{concept.expansion} ({concept.explanation})" if concept.explanation else concept.expansion
    return concept.explanation


def analyse(text: str, config: Config, headings: Iterable[tuple[int, int]] = ()) -> list[TermReport]:
    """The term reports of an article text under this configuration."""
    cfg = config.terms
    return analyse_text(
        text,
        glossary_matcher(config),
        vocabulary_for(config),
        cfg,
        plain_alternatives(cfg.plain_words),
        headings,
    )


# --- plain alternatives -----------------------------------------------------------------------


def plain_alternatives(path: str | None) -> dict[str, str]:
    """Word -> its plainest everyday alternative, from the swap list RD008 reads too.

    The list is loaded by pipeline/plain_words.py, which raises WordListError for a missing or
    broken file (the configuration reports it before a run starts)."""
    if not path:
        return {}
    return _first_plain(load_swaps(path))


@functools.lru_cache(maxsize=4)  # the loader returns the same SwapList until the file changes
def _first_plain(swaps: SwapList) -> dict[str, str]:
    out: dict[str, str] = {}
    for swap in swaps.swaps:
        for form in (swap.word, *swap.variants):
            out.setdefault(fold(form), swap.plain[0])
    return out


# --- across articles ----------------------------------------------------------------------------


def _content_words(s: str) -> set[str]:
    return {t.folded for t in tokens(s) if t.text.isalpha() and t.folded not in _STOPWORDS}


def explanation_overlap(a: str, b: str) -> float:
    """Share of content words two explanations have in common (Jaccard)."""
    wa, wb = _content_words(a), _content_words(b)
    return len(wa & wb) / len(wa | wb) if wa and wb else 0.0


def inconsistent_explanations(
    articles: Iterable[ArticleResult], min_overlap: float = 0.2
) -> list[tuple[str, Finding]]:
    """MT005 findings for terms that different articles of one run explain in different words.

    Reads each article's `metrics["terms"]["terms"]` (written by the MT check). One finding per
    term and article pair whose explanations share less than `min_overlap` of their words; the
    finding sits on the later article, pointing at the first use there.
    """
    seen: dict[str, list[tuple[ArticleResult, dict[str, Any]]]] = {}
    out: list[tuple[str, Finding]] = []
    for art in articles:
        for item in (art.metrics.get("terms") or {}).get("terms", []):
            explanation = item.get("explanation")
            if not explanation or item.get("kind") == "abbreviation":
                continue
            key = fold(item["term"])
            for other, prev in seen.get(key, []):
                if other.id == art.id or explanation_overlap(explanation, prev["explanation"]) >= min_overlap:
                    continue
                span = item.get("explained_at") or item["first_use"]
                found = (
                    finding(
                        "MT005",
                        f"'{item['term']}' is explained as '{explanation}' here but as "
                        f"'{prev['explanation']}' in {other.title or other.source}.",
                        outcome="review",
                        span=(span["start"], span["end"]),
                        excerpt=explanation,
                        suggestion=f"Explain '{item['term']}' the same way across the series"
                        + (f", for example: {item['suggested_explanation']}" if item.get("suggested_explanation") else "")
                        + ".",
                        data={"other_article": other.id, "other_source": other.source,
                              "other_explanation": prev["explanation"], "term": item["term"]},
                    )
                )
                out.append((art.id, found))
                break
            seen.setdefault(key, []).append((art, item))
    return out
