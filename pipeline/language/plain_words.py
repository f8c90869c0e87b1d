"""The plain-word swap list (pipeline/data/plain_words.yaml): complex words with everyday alternatives.

The list is data that clinicians edit: `entries`, each {word, variants, plain: [...], source}. Every
form (the word and its variants, single words or phrases) is found in one pass over the text's
words, longest form first, so "in the majority of cases" wins over "the majority of".
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from pipeline.datafiles import read_data_file


class WordListError(Exception):
    """The swap list is missing or not in the expected shape; the message says which and where."""


@dataclass(frozen=True)
class Swap:
    word: str
    plain: tuple[str, ...]
    source: str
    variants: tuple[str, ...] = ()


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    text: str
    swap: Swap

    def suggestion(self) -> str:
        """'Use “start” instead of “commence”', in the case the text uses."""
        first, *others = (self._cased(p) for p in self.swap.plain)
        also = f" (or {', '.join(f'“{o}”' for o in others)})" if others else ""
        return f"Use “{first}”{also} instead of “{self.text}”."

    def _cased(self, plain: str) -> str:
        return plain[0].upper() + plain[1:] if self.text[:1].isupper() and not self.text.isupper() else plain


# A word as the list spells it: letters, digits, apostrophes, and hyphens inside ("x-ray").
# Not sentences.WORD, which splits at hyphens: some of the list's forms are hyphenated ("co-operate"), and
# "super-convenient" would then hold a swap for "convenient" (new RD008 findings on the findings
# bench), so a hyphenated compound stays one word here.
_TOKEN = re.compile(r"[\w'’]+(?:-[\w'’]+)*")


class SwapList:
    def __init__(self, swaps: list[Swap]) -> None:
        self.swaps = swaps
        # First word of a form -> (the form's words, swap), longest form first.
        self._forms: dict[str, list[tuple[tuple[str, ...], Swap]]] = {}
        seen: set[tuple[str, ...]] = set()
        for swap in swaps:
            for form in (swap.word, *swap.variants):
                parts = tuple(_normal(form).split())
                if parts and parts not in seen:
                    seen.add(parts)
                    self._forms.setdefault(parts[0], []).append((parts, swap))
        for options in self._forms.values():
            options.sort(key=lambda o: len(o[0]), reverse=True)

    def find(self, text: str) -> list[Match]:
        """Every form of every entry in `text`, whole words only, without overlaps."""
        tokens = list(_TOKEN.finditer(text))
        out: list[Match] = []
        i = 0
        while i < len(tokens):
            options = self._forms.get(tokens[i].group().lower().replace("’", "'"), ())
            hit = next((o for o in options if self._matches(text, tokens, i, o[0])), None)
            if hit is None:
                i += 1
                continue
            parts, swap = hit
            start, end = tokens[i].start(), tokens[i + len(parts) - 1].end()
            if not _already_glossed(text, start, end, swap):
                out.append(Match(start, end, text[start:end], swap))
            i += len(parts)
        return out

    @staticmethod
    def _matches(text: str, tokens: list[re.Match[str]], i: int, parts: tuple[str, ...]) -> bool:
        if i + len(parts) > len(tokens):
            return False
        for k in range(1, len(parts)):
            a, b = tokens[i + k - 1], tokens[i + k]
            if text[a.end() : b.start()].strip() or _normal(b.group()) != parts[k]:
                return False  # a phrase's words follow each other, separated by spaces only
        return True


def _normal(form: str) -> str:
    return " ".join(form.lower().replace("’", "'").split())


def _already_glossed(text: str, start: int, end: int, swap: Swap) -> bool:
    """The plain word already stands beside the term: NHS style puts the medical word in brackets
    after the plain one ("tummy (abdomen)"), and writers pair them ("vomiting (being sick)",
    "being sick or vomiting"). Beside means within a few words, in the same sentence."""
    before = re.split(r"[.!?\n]", text[max(0, start - 40) : start])[-1].lower()
    after = re.split(r"[.!?\n]", text[end : end + 40])[0].lower()
    for plain in swap.plain:
        p = re.escape(plain.lower())
        if re.search(rf"\b{p}\b", before) or re.search(rf"\b{p}\b", after):
            return True
    return False


def load(path: str | Path) -> SwapList:
    """The swap list in `path`, for RD008 and MT004 alike; WordListError names the file when it is
    missing, unreadable or not a list of entries (the configuration reports it: config.py)."""
    p = Path(path)
    try:
        stamp = p.stat().st_mtime_ns
    except OSError:
        raise WordListError(f"the plain-word list {p} was not found") from None
    return _load(str(p), stamp)


@functools.lru_cache(maxsize=8)
def _load(path: str, stamp: int) -> SwapList:  # the stamp makes an edited file load again
    data = read_data_file(path, error=WordListError)
    if isinstance(data, dict):
        data = data.get("entries")  # the generated file keeps its entries under one key
    if not isinstance(data, list):
        raise WordListError(f"{path} should hold a list of {{word, variants, plain, source}} entries")
    swaps = []
    for i, entry in enumerate(data):
        if not isinstance(entry, dict) or not entry.get("word") or not entry.get("plain"):
            raise WordListError(f"{path}: entry {i + 1} needs a 'word' and at least one 'plain' alternative")
        plain = entry["plain"] if isinstance(entry["plain"], list) else [entry["plain"]]
        swaps.append(
            Swap(
                word=str(entry["word"]),
                plain=tuple(str(x) for x in plain),
                source=str(entry.get("source") or ""),
                variants=tuple(str(v) for v in entry.get("variants") or ()),
            )
        )
    return SwapList(swaps)
