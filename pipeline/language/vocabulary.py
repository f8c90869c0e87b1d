"""The project's one medical vocabulary, shared by the grammar check and the medical-terms check.

Three sources, read at run time:
- the project glossary (`pipeline/data/glossary.yaml`): terms, their variants and explanations;
- Debian's `hunspell-en-med` word list (about 90,000 medical words). It is GPL, so it is read from
  where the package installs it and never copied into the repository; its affix flags are expanded
  with the `en_US.aff` rules it was written for, when that file is installed;
- a clinician-editable list of extra words (`pipeline/data/medical_words.txt`).

Medical words come in British and American spellings ("haemorrhage", "hemorrhage"). When both
forms of a pair are in the vocabulary, each is accepted only in its own locale, so loading the
vocabulary never stops LanguageTool from flagging an American spelling in a UK article.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline import datafiles
from pipeline.datacache import remembered
from pipeline.datafiles import read_data_file

if TYPE_CHECKING:
    from pipeline.config import Config

GLOSSARY = "glossary"
HUNSPELL = "hunspell-en-med"
EXTRA = "extra words"

# Language variants that spell medical words the British way (haem-, oes-, -tre, -our).
BRITISH_VARIANTS = frozenset({"en-GB", "en-AU", "en-NZ", "en-ZA", "en-IE"})
AMERICAN_VARIANTS = frozenset({"en-US"})

_APOSTROPHES = ("'s", "\u2019s")
_TOKEN_EDGE = "()[]{}\"'\u2018\u2019\u201c\u201d.,;:!?"


class VocabularyError(Exception):
    """A vocabulary file could not be read; the message names the file and the problem."""


@dataclass(frozen=True)
class GlossaryEntry:
    """One glossary entry, with the fields the glossary file declares."""

    term: str
    kind: str = "term"
    variants: tuple[str, ...] = ()
    expansion: str | None = None
    explanation: str | None = None
    familiar: bool = False
    source: str | None = None

    @property
    def forms(self) -> tuple[str, ...]:
        return (self.term, *self.variants)


@dataclass(frozen=True)
class VocabularyPaths:
    """Where each source is read from; a None or missing file contributes nothing."""

    glossary: Path | None = None
    medical_dictionary: Path | None = None
    affix_file: Path | None = None
    extra_words: Path | None = None

    def stamp(self) -> tuple[tuple[str, float], ...]:
        """Paths with modification times, so an edited file is read again."""
        out = []
        for p in (self.glossary, self.medical_dictionary, self.affix_file, self.extra_words):
            try:
                out.append((str(p), p.stat().st_mtime if p else -1.0))
            except OSError:
                out.append((str(p), -1.0))
        return tuple(out)


@dataclass
class MedicalVocabulary:
    """Every medical word form we accept, where it came from, and which locale it belongs to.

    Its hunspell-style matching serves a site's own accepted words too (rules/grammar.py)."""

    origin: dict[str, str]  # word form -> the first source that gave it
    glossary: tuple[GlossaryEntry, ...] = ()
    british_only: frozenset[str] = frozenset()  # British forms whose American twin is also here
    american_only: frozenset[str] = frozenset()
    missing_sources: tuple[str, ...] = ()  # sources that were configured but not found
    _lower: frozenset[str] = field(default=frozenset(), repr=False)
    _upper: dict[str, str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._lower = frozenset(w for w in self.origin if w == w.lower())
        self._upper = {w.upper(): w for w in self.origin}

    def __len__(self) -> int:
        return len(self.origin)

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self._known_form(word) is not None

    @property
    def words(self) -> frozenset[str]:
        return frozenset(self.origin)

    def _known_form(self, word: str) -> str | None:
        """The vocabulary form `word` is written as, hunspell-style: a lowercase entry also matches
        its capitalised and upper-case forms, a capitalised entry its upper-case form."""
        word = word.strip(_TOKEN_EDGE)
        for suffix in _APOSTROPHES:
            if word.endswith(suffix) and len(word) > len(suffix):
                word = word[: -len(suffix)]
        if not word:
            return None
        if word in self.origin:
            return word
        lowered = word[0].lower() + word[1:]
        if lowered in self._lower:
            return lowered
        if word.lower() in self._lower and (word.istitle() or word.isupper()):
            return word.lower()
        if word.isupper():
            return self._upper.get(word)
        if len(word) > 2 and word.endswith("s") and word[:-1].isupper():
            return self._upper.get(word[:-1])  # the plural of an abbreviation: AAAs, UTIs
        return None

    def source_of(self, word: str) -> str | None:
        form = self._known_form(word)
        return self.origin[form] if form is not None else None

    def accepts(self, word: str, language: str) -> bool:
        """Whether `word` is a correctly spelt medical word in `language` (e.g. "en-GB")."""
        form = self._known_form(word)
        if form is None:
            return False
        if form != form.lower():
            return True  # names keep their spelling everywhere: Haemophilus, Aldactone
        key = form
        if language in BRITISH_VARIANTS and key in self.american_only:
            return False
        return not (language in AMERICAN_VARIANTS and key in self.british_only)

    def spelling_words(self, language: str | None = None) -> list[str]:
        """The word forms a speller should accept: all of them for no language, else the locale's."""
        if language is None:
            return sorted(self.origin)
        return sorted(w for w in self.origin if self.accepts(w, language))

    def split_by_locale(self) -> tuple[list[str], list[str], list[str]]:
        """(neutral, British-only, American-only) word forms, each sorted."""
        neutral, british, american = [], [], []
        for w in sorted(self.origin):
            if w in self.british_only:
                british.append(w)
            elif w in self.american_only:
                american.append(w)
            else:
                neutral.append(w)
        return neutral, british, american

    def glossary_entry(self, phrase: str) -> GlossaryEntry | None:
        """The glossary entry whose term or variant is `phrase` (case-insensitive)."""
        return _glossary_index(self.glossary).get(phrase.casefold())

    @functools.cached_property
    def fingerprint(self) -> str:
        neutral, british, american = self.split_by_locale()
        h = hashlib.sha256()
        for part in (neutral, british, american):
            h.update("\n".join(part).encode("utf-8"))
            h.update(b"\x00")
        return h.hexdigest()[:16]


@functools.lru_cache(maxsize=8)
def _glossary_index(entries: tuple[GlossaryEntry, ...]) -> dict[str, GlossaryEntry]:
    index: dict[str, GlossaryEntry] = {}
    for e in entries:
        for form in e.forms:
            index.setdefault(form.casefold(), e)
    return index


# --- reading the sources ----------------------------------------------------------------------


def read_glossary(path: Path) -> tuple[GlossaryEntry, ...]:
    """The glossary file: a YAML list of {term, kind, variants, expansion, explanation, familiar, source}."""
    data = read_data_file(path, error=VocabularyError)
    if isinstance(data, dict):  # tolerate a top-level {terms: [...]} wrapper
        data = data.get("terms", data.get("entries"))
    if data is None:
        return ()
    if not isinstance(data, list):
        raise VocabularyError(f"{path}: expected a list of glossary entries")
    entries = []
    for i, item in enumerate(data):
        if not isinstance(item, dict) or not item.get("term"):
            raise VocabularyError(f"{path}: entry {i + 1} has no `term`")
        variants = item.get("variants") or []
        if isinstance(variants, str):
            variants = [variants]
        entries.append(
            GlossaryEntry(
                term=str(item["term"]),
                kind=str(item.get("kind") or ("abbreviation" if item.get("expansion") else "term")),
                variants=tuple(str(v) for v in variants),
                expansion=_opt_str(item.get("expansion")),
                explanation=_opt_str(item.get("explanation")),
                familiar=bool(item.get("familiar", False)),
                source=_opt_str(item.get("source")),
            )
        )
    return tuple(entries)


def _opt_str(value: Any) -> str | None:
    return None if value is None else str(value)


def glossary_words(entries: Iterable[GlossaryEntry]) -> Iterator[str]:
    """The single words of every term and variant (a speller checks words, not phrases)."""
    for e in entries:
        for form in e.forms:
            for token in form.split():
                token = token.strip(_TOKEN_EDGE)
                if not token:
                    continue
                yield token
                if "-" in token:
                    yield from (p for p in token.split("-") if p)


def read_word_list(path: Path) -> Iterator[str]:
    """A plain word list: one word or phrase a line, `#` starts a comment."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        raise VocabularyError(f"{path}: cannot be read: {err}") from err
    for line in lines:
        line = line.split("#", 1)[0].strip()
        for token in line.split():
            token = token.strip(_TOKEN_EDGE)
            if token:
                yield token


@dataclass(frozen=True)
class _Affix:
    strip: str
    add: str
    condition: re.Pattern[str]
    cross: bool


def read_affixes(path: Path) -> tuple[dict[str, list[_Affix]], dict[str, list[_Affix]]]:
    """Prefix and suffix rules of a hunspell .aff file, by flag (single-character flags)."""
    prefixes: dict[str, list[_Affix]] = {}
    suffixes: dict[str, list[_Affix]] = {}
    cross: dict[tuple[str, str], bool] = {}
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as err:
        raise VocabularyError(f"{path}: cannot be read: {err}") from err
    for line in lines:
        parts = line.split()
        if len(parts) < 4 or parts[0] not in ("PFX", "SFX"):
            continue
        kind, flag = parts[0], parts[1]
        if len(parts) == 4 and parts[2] in ("Y", "N"):  # header: kind flag cross count
            cross[(kind, flag)] = parts[2] == "Y"
            continue
        if len(parts) < 5:
            continue
        strip = "" if parts[2] == "0" else parts[2]
        add = "" if parts[3] == "0" else parts[3].split("/", 1)[0]
        cond = "" if parts[4] == "." else parts[4]
        pattern = re.compile(f"^{cond}" if kind == "PFX" else f"{cond}$")
        rule = _Affix(strip, add, pattern, cross.get((kind, flag), False))
        (prefixes if kind == "PFX" else suffixes).setdefault(flag, []).append(rule)
    return prefixes, suffixes


def expand_entry(
    stem: str, flags: str, prefixes: dict[str, list[_Affix]], suffixes: dict[str, list[_Affix]]
) -> set[str]:
    """A dictionary entry and every form its affix flags allow."""
    forms = {stem}
    with_suffix: list[tuple[str, bool]] = []
    for flag in flags:
        for rule in suffixes.get(flag, ()):
            if rule.condition.search(stem) and stem.endswith(rule.strip):
                form = stem[: len(stem) - len(rule.strip)] + rule.add
                forms.add(form)
                with_suffix.append((form, rule.cross))
    for flag in flags:
        for rule in prefixes.get(flag, ()):
            if rule.condition.search(stem) and stem.startswith(rule.strip):
                forms.add(rule.add + stem[len(rule.strip) :])
                if rule.cross:  # a cross-product prefix also combines with the suffixed forms
                    forms.update(rule.add + f[len(rule.strip) :] for f, ok in with_suffix if ok)
    return forms


def read_hunspell_dic(path: Path, affix_file: Path | None = None) -> Iterator[str]:
    """Word forms of a hunspell .dic file; its header lines (indented text, or a count) are skipped."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as err:
        raise VocabularyError(f"{path}: cannot be read: {err}") from err
    prefixes: dict[str, list[_Affix]] = {}
    suffixes: dict[str, list[_Affix]] = {}
    if affix_file is not None and affix_file.is_file():
        prefixes, suffixes = read_affixes(affix_file)
    for i, line in enumerate(lines):
        if not line.strip() or line[0].isspace() or (i == 0 and line.strip().isdigit()):
            continue
        entry = line.split()[0]
        stem, _, flags = entry.replace("\\/", "\x00").partition("/")
        stem = stem.replace("\x00", "/")
        if stem.startswith("-") or stem.endswith("-"):
            continue  # a bare prefix or suffix, not a word
        for form in expand_entry(stem, flags, prefixes, suffixes) if flags else (stem,):
            yield form
            for suffix in _APOSTROPHES:  # eponyms are listed as "Allemann's"
                if form.endswith(suffix) and len(form) > len(suffix):
                    yield form[: -len(suffix)]


# --- British and American spellings ----------------------------------------------------------

# American -> British spelling changes of medical words, applied to lowercase words. Each pattern
# is narrow on purpose (not "hemi-", "chemical", "systemic", "etiolated"): a wrong rule would accept
# a misspelling in UK text.
_TO_BRITISH: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), r)
    for p, r in (
        (r"(?<![cts])hem(?=[ao])", "haem"),  # haemoglobin, haematoma, antihaemorrhagic
        (r"(?:(?<=[bcdfgklmnprstvxz])|(?<=th)|(?<=sch))emia", "aemia"),  # anaemia, ischaemia
        (r"(?<![aeiou])esthe", "aesthe"),  # anaesthesia, paraesthesia
        (r"(?<!o)edema", "oedema"),  # oedema, lymphoedema
        (r"(?<!o)esophag", "oesophag"),
        (r"^(anti|pro)?estr(?=[oaiu])", r"\1oestr"),  # oestrogen, oestradiol
        (r"rrhe(?=a|ic)", "rrhoe"),  # diarrhoea, amenorrhoea
        (r"(?<=[a-z])pne(?=a|ic)", "pnoe"),  # dyspnoea, apnoea
        (r"^pne(?=a$|as$)", "pnoe"),
        (r"(?:^|(?<=ortho))ped(?=iatr|ic$|ics$|ist$|odont|ophil)", "paed"),  # paediatric, orthopaedic
        (r"^etiolog", "aetiolog"),
        (r"^cec(?=um|al|o)", "caec"),
        (r"celiac", "coeliac"),
        (r"cesarean", "caesarean"),
        (r"^fec(?=al|es)", "faec"),
        (r"(?:^|(?<=anti)|(?<=pseudo))tumor(?!a)", "tumour"),
        (r"ameb", "amoeb"),
        (r"leukem", "leukaem"),
    )
)
# -emic adjectives follow their -emia noun (anaemic), but systemic, endemic or academic do not.
# A cheap first test: only words containing one of these can change.
_MAY_CHANGE = re.compile(r"hem|emi|esth|edema|esophag|estr|rrhe|pne|ped|etiolog|cec|celiac|cesar|fec|tumor|ameb")
_EMIC = re.compile(r"(?:(?<=[bcdfgklmnprstvxz])|(?<=th)|(?<=sch))emic")
_EMIC_NEVER = re.compile(r"(?:demic|stemic|lemic)")  # endemic, systemic, polemic
# -ize is correct British (Oxford) spelling too, so only the -ise form is bound to a locale.
_IZE = re.compile(r"(?<=[iy])z(?=e|es|ed|ing|ation|ations)$")


def british_spelling(word: str, known: frozenset[str] | set[str] = frozenset()) -> str:
    """The British spelling of a lowercase American medical word (the word itself if none).

    `known` holds the vocabulary's words: an -emic adjective changes only when its -emia noun is one."""
    if not _MAY_CHANGE.search(word):
        return word
    m = _EMIC.search(word)
    emic = m is not None and word[: m.start()] + "emia" in known and not _EMIC_NEVER.search(word)
    out = word
    for pattern, repl in _TO_BRITISH:
        out = pattern.sub(repl, out)
    return _EMIC.sub("aemic", out, count=1) if emic else out


def locale_forms(words: Iterable[str]) -> tuple[dict[str, str], frozenset[str], frozenset[str]]:
    """British forms to add, and the (British-only, American-only) lowercase forms.

    Every American form gets its British twin (added when missing), so a UK article may write
    "haemoglobinaemia" even though the medical list only has "hemoglobinemia"."""
    present = {w for w in words if w.islower()}
    added: dict[str, str] = {}
    british: set[str] = set()
    american: set[str] = set()
    for w in present:
        gb = british_spelling(w, present)
        if gb != w:
            american.add(w)
            british.add(gb)
            if gb not in present:
                added[gb] = w
        if _IZE.search(w) and (alt := _IZE.sub("s", w)) in present:
            british.add(alt)
    return added, frozenset(british - american), frozenset(american - british)


# --- building it ------------------------------------------------------------------------------


def build_vocabulary(paths: VocabularyPaths) -> MedicalVocabulary:
    origin: dict[str, str] = {}
    missing: list[str] = []
    entries: tuple[GlossaryEntry, ...] = ()

    def add(words: Iterable[str], source: str) -> None:
        for w in words:
            origin.setdefault(w, source)

    if paths.glossary is not None:
        if paths.glossary.is_file():
            entries = read_glossary(paths.glossary)
            add(glossary_words(entries), GLOSSARY)
        else:
            missing.append(str(paths.glossary))
    if paths.medical_dictionary is not None:
        if paths.medical_dictionary.is_file():
            add(read_hunspell_dic(paths.medical_dictionary, paths.affix_file), HUNSPELL)
        else:
            missing.append(str(paths.medical_dictionary))
    if paths.extra_words is not None:
        if paths.extra_words.is_file():
            add(read_word_list(paths.extra_words), EXTRA)
        else:
            missing.append(str(paths.extra_words))
    added, british, american = locale_forms(origin)
    for gb, us in added.items():
        origin.setdefault(gb, f"{origin[us]} (British spelling)")
    return MedicalVocabulary(
        origin=origin,
        glossary=entries,
        british_only=british,
        american_only=american,
        missing_sources=tuple(missing),
    )


@functools.lru_cache(maxsize=4)
def _cached(stamp: tuple[tuple[str, float], ...], paths: VocabularyPaths) -> MedicalVocabulary:
    inputs = (paths.glossary, paths.medical_dictionary, paths.affix_file, paths.extra_words, *_CODE)
    return remembered("vocabulary", inputs, lambda: build_vocabulary(paths))


_CODE = (Path(__file__), datafiles.CODE)


def load_vocabulary(paths: VocabularyPaths) -> MedicalVocabulary:
    """The vocabulary for these paths, read once per process and again when a file changes."""
    return _cached(paths.stamp(), paths)


def paths_from_config(config: Config) -> VocabularyPaths:
    g = config.grammar
    return VocabularyPaths(
        glossary=Path(config.terms.glossary) if config.terms.glossary else None,
        medical_dictionary=Path(g.medical_dictionary) if g.medical_dictionary else None,
        affix_file=Path(g.affix_file) if g.affix_file else None,
        extra_words=Path(g.extra_words) if g.extra_words else None,
    )


def vocabulary_for(config: Config) -> MedicalVocabulary:
    return load_vocabulary(paths_from_config(config))


def default_vocabulary() -> MedicalVocabulary:
    """The vocabulary of the default configuration (the project's data files)."""
    from pipeline.config import Config

    return vocabulary_for(Config())
