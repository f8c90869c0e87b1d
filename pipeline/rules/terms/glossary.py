"""The glossary for the MT checks: schema check, concepts, and finding glossary terms in text.

The glossary file (`pipeline/data/glossary.yaml`, clinician-edited) is read once by the shared
medical vocabulary (`pipeline.language.vocabulary`); this module checks it against its JSON schema and
turns its entries into *concepts* a reader must understand. An abbreviation entry gives two
concepts, because "ARDS" and "acute respiratory distress syndrome" are used (and explained) apart:
the abbreviation, and its spelt-out term.

Matching works on word tokens, so hyphens, dashes and accents do not matter ("Guillain-Barre"
finds "Guillain–Barré") and a longer term always wins over its parts ("acute kidney injury" over
"kidney"). Terms match in any case; acronym tokens ("PICC", "AAAs") match only in capitals.
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import jsonschema

from pipeline import datafiles
from pipeline.datacache import remembered
from pipeline.datafiles import DataFileError, read_data_file
from pipeline.language.sentences import WORD
from pipeline.language.vocabulary import GlossaryEntry, vocabulary_for

if TYPE_CHECKING:
    from pipeline.config import Config

GLOSSARY_SCHEMA = datafiles.DATA_SCHEMAS / "glossary.schema.json"

Kind = Literal["term", "abbreviation"]

# What may sit between two tokens of one multi-word term: spaces, hyphens, dashes, a slash.
_JOINER = re.compile(r"[\s\-\u2010-\u2014/]*")
# An acronym token: at least two capitals ("ICU", "NaTHNaC", "PICC"), maybe digits.
_ACRONYM = re.compile(r"^(?=(?:[^A-Z]*[A-Z]){2})[A-Za-z0-9&]+$")


class GlossaryError(Exception):
    """The glossary file is not valid; the message names the file and the entries at fault."""


@dataclass(frozen=True)
class Concept:
    """One thing a reader must understand, with every written form that names it."""

    key: str  # the canonical form: the glossary term, or the expansion of an abbreviation
    kind: Kind
    forms: tuple[str, ...]
    explanation: str | None = None
    expansion: str | None = None  # abbreviations: what the letters stand for
    familiar: bool = False
    source: str | None = None
    partner: str | None = None  # the abbreviation's spelt-out concept, or the term's abbreviation


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str

    @property
    def folded(self) -> str:
        return fold(self.text)


@dataclass(frozen=True)
class Match:
    concept: Concept
    start: int
    end: int


@functools.lru_cache(maxsize=1 << 16)  # the same words recur across every article of a run
def fold(word: str) -> str:
    """Case- and accent-free form of a word, with curly apostrophes made straight."""
    decomposed = unicodedata.normalize("NFKD", word.replace("\u2019", "'"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def tokens(text: str) -> list[Token]:
    """The word tokens of `text` (sentences.WORD: "Crohn's" is one), with their offsets."""
    return [Token(m.start(), m.end(), m.group(0)) for m in WORD.finditer(text)]


def is_acronym(word: str) -> bool:
    """"ICU", "NaTHNaC", "PhD", "qSOFA"; not names with inner capitals ("McMaster", "YouTube")."""
    if not _ACRONYM.match(word):
        return False
    letters = [ch for ch in word if ch.isalpha()]
    return sum(ch.isupper() for ch in letters) * 2 >= len(letters)


# --- the schema ---------------------------------------------------------------------------------


@functools.lru_cache(maxsize=8)
def _checked(path: str, mtime: float, schema: str, schema_mtime: float) -> str | None:
    # The check itself is the data-file loader's (datafiles.py): its code counts for the cache too.
    inputs = (Path(path), Path(schema), Path(__file__), datafiles.CODE,
              Path(jsonschema.__file__))
    return remembered("glossary-check", inputs, lambda: _schema_problem(path, schema))


def _schema_problem(path: str, schema: str) -> str | None:
    """What is wrong with the file (unreadable, not YAML, the first entries that break the schema)."""
    try:
        read_data_file(path, schema=Path(schema))
    except DataFileError as err:
        return str(err)
    return None


def check_glossary_file(path: Path, schema_path: Path = GLOSSARY_SCHEMA) -> None:
    """Raise GlossaryError naming the first problems when the file breaks its schema."""
    try:
        stamp = path.stat().st_mtime
    except OSError as err:
        raise GlossaryError(f"{path}: the glossary cannot be read: {err}") from err
    schema_stamp = schema_path.stat().st_mtime if schema_path.is_file() else -1.0
    problem = _checked(str(path), stamp, str(schema_path), schema_stamp)
    if problem:
        raise GlossaryError(problem)


# --- concepts -----------------------------------------------------------------------------------


def _looks_abbreviated(form: str) -> bool:
    return len(form.split()) <= 3 and any(is_acronym(t.text) for t in tokens(form))


def concepts_from(entries: Iterable[GlossaryEntry]) -> list[Concept]:
    """Concepts of the glossary entries. An abbreviation (an entry of kind abbreviation, or an
    acronym among a term's variants, like "GBS" for group B strep) is its own concept, partnered
    with the spelt-out term, because the two are used and explained apart."""
    out: list[Concept] = []
    for e in entries:
        short = tuple(f for f in e.forms if _looks_abbreviated(f))
        if e.kind != "abbreviation" and not short:
            out.append(Concept(e.term, "term", e.forms, e.explanation, None, e.familiar, e.source))
            continue
        long_forms = [f for f in e.forms if f not in short]
        if e.expansion and e.expansion not in long_forms:
            long_forms.insert(0, e.expansion)
        long_key = long_forms[0] if long_forms else None
        expansion = e.expansion or (long_key if e.kind != "abbreviation" else None)
        short_key = e.term if e.term in short else (short[0] if short else e.term)
        out.append(
            Concept(short_key, "abbreviation", short or (e.term,), e.explanation, expansion, e.familiar, e.source, long_key)
        )
        if long_key:
            out.append(Concept(long_key, "term", tuple(long_forms), e.explanation, None, e.familiar, e.source, short_key))
    return out


def plural_forms(form: str) -> Iterator[str]:
    """Regular plurals of a term's last word (the glossary lists irregular ones as variants)."""
    words = form.split(" ")
    last = words[-1]
    if not last.isalpha() or len(last) < 3:
        if is_acronym(last):
            yield form + "s"  # "AAAs"
        return
    head = " ".join(words[:-1] + [""])
    if last.endswith(("s", "x", "z", "ch", "sh")):
        yield head + last + "es"
    elif last.endswith("y") and last[-2:-1] not in "aeiou":
        yield head + last[:-1] + "ies"
    else:
        yield head + last + "s"


# --- matching -----------------------------------------------------------------------------------

_Key = tuple[str, ...]


def _pattern(form: str) -> tuple[tuple[str, bool], ...]:
    """A form as (word, exact-case?) pairs: acronym words keep their case, others are folded."""
    return tuple((t.text, True) if is_acronym(t.text) else (t.folded, False) for t in tokens(form))


class TermMatcher:
    """Finds glossary concepts in text, longest first, without overlaps."""

    def __init__(self, concepts: Iterable[Concept]) -> None:
        self.concepts: list[Concept] = list(concepts)
        self._by_first: dict[str, list[tuple[tuple[tuple[str, bool], ...], Concept]]] = {}
        self.by_key: dict[str, Concept] = {}
        seen: set[tuple[tuple[str, bool], ...]] = set()
        for c in self.concepts:
            self.by_key.setdefault(c.key, c)
            for form in dict.fromkeys([*c.forms, *(p for f in c.forms for p in plural_forms(f))]):
                pat = _pattern(form)
                if not pat or pat in seen:
                    continue  # an earlier concept already owns this form
                seen.add(pat)
                self._by_first.setdefault(pat[0][0], []).append((pat, c))
        for cands in self._by_first.values():
            cands.sort(key=lambda pc: -len(pc[0]))

    def find(self, text: str, toks: list[Token] | None = None) -> list[Match]:
        toks = tokens(text) if toks is None else toks
        out: list[Match] = []
        i = 0
        while i < len(toks):
            hit = self._longest_at(text, toks, i)
            if hit is None:
                i += 1
                continue
            n, concept = hit
            out.append(Match(concept, toks[i].start, toks[i + n - 1].end))
            i += n
        return out

    def _longest_at(self, text: str, toks: list[Token], i: int) -> tuple[int, Concept] | None:
        first = toks[i]
        cands = self._by_first.get(first.text, [])
        if first.folded != first.text:
            cands = cands + self._by_first.get(first.folded, [])
        best: tuple[int, Concept] | None = None
        for pat, concept in cands:
            n = len(pat)
            if i + n > len(toks) or (best and n <= best[0]):
                continue
            if all(self._same(toks[i + k], pat[k]) for k in range(n)) and self._joined(text, toks, i, n):
                best = (n, concept)
        return best

    @staticmethod
    def _same(tok: Token, want: tuple[str, bool]) -> bool:
        word, exact = want
        return tok.text == word if exact else tok.folded == word

    @staticmethod
    def _joined(text: str, toks: list[Token], i: int, n: int) -> bool:
        """Tokens of one term must be joined by spaces or hyphens, not by a comma or full stop."""
        return all(_JOINER.fullmatch(text[toks[k].end : toks[k + 1].start]) for k in range(i, i + n - 1))


_MATCHERS: dict[int, tuple[tuple[GlossaryEntry, ...], TermMatcher]] = {}
_MATCHERS_LOCK = threading.Lock()


def _matcher(entries: tuple[GlossaryEntry, ...]) -> TermMatcher:
    """One matcher per glossary, found by identity: hashing 1,500 entries per article cost more
    than matching them."""
    with _MATCHERS_LOCK:
        found = _MATCHERS.get(id(entries))
        if found is None or found[0] is not entries:
            if len(_MATCHERS) >= 4:
                _MATCHERS.clear()
            found = _MATCHERS[id(entries)] = (entries, TermMatcher(concepts_from(entries)))
        return found[1]


def glossary_matcher(config: Config) -> TermMatcher:
    """The matcher for the configured glossary, after checking the file against its schema."""
    path = Path(config.terms.glossary)
    check_glossary_file(path)
    return _matcher(vocabulary_for(config).glossary)
