"""Which words a reader of a health article may not know: the shared medical vocabulary, the
glossary, and how common a word is in general English (`wordfreq` Zipf frequency)."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from wordfreq import zipf_frequency

from pipeline.language.vocabulary import MedicalVocabulary
from pipeline.rules.terms.glossary import Concept, TermMatcher, fold, is_acronym, tokens

if TYPE_CHECKING:
    from pipeline.config import TermsConfig

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


STOPWORDS = frozenset(
    ["a", "an", "the", "of", "in", "on", "to", "for", "and", "or", "with", "by", "from", "at", "as", "is", "are", "be", "it", "its", "this", "that", "your", "you", "their", "them", "they", "into", "out", "up", "down"]
)

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


_SUFFIXES = ("ical", "ally", "al", "ic", "ar", "ous", "us", "um", "a", "e", "es", "s")


def stem(word: str) -> str:
    """A rough stem, so that an adjective finds its noun in the glossary ("vulval" -> "vulva",
    "aortic" -> "aorta", "foetal" -> "foetus")."""
    w = fold(word)
    for suffix in _SUFFIXES:
        if w.endswith(suffix) and len(w) - len(suffix) >= 4:
            return w[: -len(suffix)]
    return w


class Judge:
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

    def form_familiar(self, c: Concept, surface: str) -> bool:
        """Whether the words as written are familiar. A concept the glossary calls familiar is taken
        at its word, unless the form used is rare in general English: a reader who knows "mucus"
        may not know "sputum", and labelled real pages show readers stumbling on conditions
        the glossary once judged everyday ("croup", "tetanus")."""
        if not self.concept_familiar(c):
            return False
        if c.kind == "abbreviation" or not c.familiar:
            return True
        return zipf(fold(surface)) >= self.cfg.zipf_trust_familiar

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
        content = [t for t in toks if t.folded not in STOPWORDS]
        if not content:
            return False
        if {t.folded for t in content} <= {fold(a) for a in avoid}:
            return False
        jargon = sum(is_acronym(t.text) or self.rare_medical(t.text) for t in content)
        return jargon * 3 <= len(content)
