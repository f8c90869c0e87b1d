"""Detection: every use in an article of a term or abbreviation a reader may need explained.

Glossary terms and abbreviations (longest match wins), every other acronym, and words of the shared
medical vocabulary that are rare in general English. Terms the glossary marks familiar, or that are
common in general English, are left alone, and so are their parts.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from pipeline.language.sentences import SentenceSpan, sentence_spans
from pipeline.rules.terms.familiarity import Judge, stem
from pipeline.rules.terms.glossary import Concept, Kind, Token, fold, is_acronym, tokens

Origin = Literal["glossary", "vocabulary", "abbreviation"]


@dataclass(frozen=True)
class Use:
    """One occurrence of a term that a reader may need explained."""

    key: str  # the concept it names: glossary term, abbreviation, or the word itself
    kind: Kind
    start: int
    end: int
    origin: Origin
    concept: Concept | None = None


_LEAD_IN = " \"'\u2018\u201c([-\u2013\u20140123456789."
_ROMAN = re.compile(r"^(?=[MDCLXVI]{2,}$)M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")
# Letters after a name or a place, set off by commas: "Katie Allen, MD, PhD" or "New York, NY".
_AFTER_NAME = re.compile(r"(?:[A-Z][a-z]+\.?|[A-Z]{2,}),\s*$")


class Sentences:
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


def _proper_noun(tok: Token, text: str, sents: Sentences) -> bool:
    """A capitalised word inside a sentence names a person, place or product (headings excepted,
    where every word may be capitalised); so does a word with inner capitals ("RiskCardio")."""
    word = tok.text
    if any(ch.isupper() for ch in word[1:]):
        return True
    if not word[:1].isupper() or sents.in_heading(tok.start):
        return False
    return bool(text[sents.of(tok.start).start : tok.start].strip(_LEAD_IN))


def find_uses(text: str, judge: Judge, sents: Sentences) -> list[Use]:
    """Every use, in reading order, of a term or abbreviation the reader may need explained."""
    cfg = judge.cfg
    toks = tokens(text)
    matches = judge.matcher.find(text, toks)
    uses: list[Use] = [
        Use(_glossary_key(m.concept, text[m.start : m.end]), m.concept.kind, m.start, m.end, "glossary", m.concept)
        for m in matches
        if not judge.form_familiar(m.concept, text[m.start : m.end])
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


def _to_glossary(use: Use, judge: Judge) -> Use | None:
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
