"""Scoring of safety-message recognition on the labelled sentences, shared by bench/safety.py and
tests/rules/safety/test_safety_matcher.py.

A sentence contributes one item per message kind: a true positive when the matcher finds a kind the
label lists, a false positive when it finds one the label does not, a false negative when it misses
one. Only strong matches count.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import yaml

from pipeline.rules.safety.packs import KINDS, LocaleProfile
from pipeline.rules.safety.recognise import recognise
from tests.support.paths import ROOT

LABELLED = ROOT / "tests" / "data" / "safety_sentences.yaml"


def load_labelled(path: Path = LABELLED) -> list[dict[str, Any]]:
    return list(yaml.safe_load(path.read_text(encoding="utf-8"))["sentences"])


def evaluate(sentences: list[dict[str, Any]], profiles: dict[str, LocaleProfile]) -> dict[str, Any]:
    """Counts per kind and overall, and the sentences the matcher got wrong."""
    counts: dict[str, Counter[str]] = {k: Counter() for k in (*KINDS, "all")}
    errors = []
    for item in sentences:
        found = {m.kind for m in recognise(item["text"], profiles[item["locale"]]) if m.strength == "strong"}
        wanted = set(item["kinds"])
        for kind in KINDS:
            outcome = (
                "tp" if kind in found and kind in wanted
                else "fp" if kind in found
                else "fn" if kind in wanted
                else "tn"
            )
            counts[kind][outcome] += 1
            counts["all"][outcome] += 1
        if found != wanted:
            errors.append({"text": item["text"], "locale": item["locale"], "want": sorted(wanted), "got": sorted(found)})
    scores = {}
    for name, c in counts.items():
        precision = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
        recall = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 1.0
        scores[name] = {"precision": precision, "recall": recall, **c}
    return {"scores": scores, "errors": errors}
