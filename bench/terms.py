"""Medical-terms benchmark: precision and recall of "unexplained at first use" on the annotated set.

    .venv/bin/python bench/terms.py            # the figures
    .venv/bin/python bench/terms.py --errors   # also every false alarm and every miss
    .venv/bin/python bench/terms.py --sweep    # the figures for other familiarity thresholds

The set is tests/data/terms (see its README): real pages from ../shared/corpora/health-pages,
each term's first use labelled by hand before the checks were written. A predicted positive is
an MT001, MT002 or MT003 finding; it is a true positive when its span overlaps the first use of
a term labelled `unexplained` or `late`, and a false alarm otherwise (the term is labelled
explained or familiar, or is not labelled at all, which means it needs no explanation). Two
findings on parts of one labelled term count once. The scoring is tests/support/terms.py, which the
tests share.

It also scores the labelled real pages (../shared/corpora/LABELLING.md) with the shared scorer's own
rules: the development set in ../shared/corpora/labelled-pages (the pages checks are tuned on,
labelled "tuning") and bench/heldout (never tuned on, labelled "held-out"). Per set: MT precision
over every page and over the NHS-style pages (those published by an NHS body), MT recall of terms
unexplained at first use, and RD008 precision (a swap inside a labelled fixed name is wrong). The
audit runs without LanguageTool (--no-grammar): MT and RD008 do not depend on it, and it saves
minutes. `--no-pages` skips them.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.config import Config, from_mapping  # noqa: E402
from tests.support.terms import evaluate, warm_up  # noqa: E402

SCORER = ROOT.parent / "shared" / "corpora" / "labelled-pages" / "score.py"
SETS = (("tuning", SCORER.parent), ("held-out", ROOT / "bench" / "heldout"))

# The figures before issue 17's work began (same scorer, same pages), printed beside today's so a
# change shows as a change.
BEFORE: dict[str, dict[str, float | None]] = {
    "annotated": {"precision": 0.917, "recall": 0.863},
    "tuning": {"mt_precision": 0.793, "mt_precision_nhs": 0.750, "mt_recall": 0.354, "rd008_precision": 0.825},
    "held-out": {"mt_precision": 0.450, "mt_precision_nhs": 0.300, "mt_recall": 0.220, "rd008_precision": 0.870},
}


@dataclass
class PageScore:
    mt_tp: int = 0
    mt_fp: int = 0
    mt_found: int = 0
    mt_want: int = 0
    nhs_tp: int = 0
    nhs_fp: int = 0
    rd008: int = 0
    rd008_in_names: int = 0

    def figures(self) -> dict[str, float | None]:
        ratio = lambda a, b: round(a / b, 3) if b else None  # noqa: E731
        return {
            "mt_precision": ratio(self.mt_tp, self.mt_tp + self.mt_fp),
            "mt_precision_nhs": ratio(self.nhs_tp, self.nhs_tp + self.nhs_fp),
            "mt_recall": ratio(self.mt_found, self.mt_want),
            "rd008_precision": ratio(self.rd008 - self.rd008_in_names, self.rd008),
        }


def _scorer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("labelled_pages_score", SCORER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _nhs_style(label: dict[str, Any]) -> bool:
    """A page published by an NHS body (nhs.uk, an NHS trust, NHS inform): the house style the
    issue's precision target is about."""
    return "nhs" in (urlparse(label.get("url", "")).hostname or "")


def score_pages(folder: Path) -> tuple[PageScore, list[dict[str, Any]]]:
    """Audit a labelled set with this checkout (no grammar) and score it as the shared scorer does."""
    scorer = _scorer()
    real_run = subprocess.run

    def run(cmd: list[str], **kw: Any) -> subprocess.CompletedProcess[str]:
        return real_run([*cmd, "--no-grammar"], **kw)  # MT and RD008 do not depend on LanguageTool

    labels = {p.stem: json.loads(p.read_text()) for p in sorted((folder / "labels").glob("*.json"))}
    scorer.subprocess.run = run
    try:
        arts, refused = scorer.audit(folder, labels)
    finally:
        scorer.subprocess.run = real_run
    total, details = PageScore(), []
    for pid, lab in labels.items():
        if lab["locale"] in refused:
            continue
        art = arts.get(pid, {})
        page = scorer.score_page(lab, art)
        mt = page["mt"]
        total.mt_tp += mt["tp"]
        total.mt_fp += mt["fp"]
        total.mt_found += mt["found"]
        total.mt_want += mt["want"]
        if _nhs_style(lab):
            total.nhs_tp += mt["tp"]
            total.nhs_fp += mt["fp"]
        total.rd008 += len(scorer.failing(art, ("RD008",)))
        total.rd008_in_names += len(page["rd008_in_names"])
        details.append(page)
    return total, details


def _fmt(x: float | None) -> str:
    return "  -  " if x is None else f"{x:.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--errors", action="store_true", help="list every false alarm and miss")
    parser.add_argument("--sweep", action="store_true", help="try other familiarity thresholds")
    parser.add_argument("--no-pages", action="store_true", help="skip the labelled real pages")
    args = parser.parse_args()
    print(f"reading the medical vocabulary and glossary (once per process): {warm_up(Config()):.1f} s")
    score, labelled, per_article = evaluate()
    positives = score.tp + score.fn
    print(f"annotated set: {labelled} labelled first uses, {positives} unexplained at first use")
    print(f"unexplained at first use (MT001 + MT002 + MT003): precision {score.precision:.3f}  "
          f"recall {score.recall:.3f}  (tp {score.tp}, fp {score.fp}, fn {score.fn})")
    old = BEFORE["annotated"]
    print(f"  before issue 17: precision {_fmt(old['precision'])}  recall {_fmt(old['recall'])}")
    print(f"time per article: {per_article * 1000:.1f} ms")
    if not args.no_pages:
        names = {"mt_precision": "MT precision", "mt_precision_nhs": "MT precision, NHS-style pages",
                 "mt_recall": "MT recall (unexplained at first use)", "rd008_precision": "RD008 precision"}
        for name, folder in SETS:
            if not (folder / "labels").is_dir():
                print(f"\n{name} set: {folder} not found")
                continue
            total, details = score_pages(folder)
            now = total.figures()
            print(f"\nlabelled real pages, {name} set ({folder.name}, {len(details)} pages):   now  before")
            for key, label in names.items():
                print(f"  {name:8} {label:38} {_fmt(now[key])}  {_fmt(BEFORE[name][key])}")
            if args.errors and name == "tuning":  # never list the held-out set's findings
                for page in details:
                    print(f"  {page['id']}: MT false {page['mt']['false']} missed {page['mt']['missed']};"
                          f" RD008 in names {page['rd008_in_names']}")
    if args.errors:
        print("\nfalse alarms:\n  " + "\n  ".join(score.false_alarms or ["none"]))
        print("misses:\n  " + "\n  ".join(score.misses or ["none"]))
    if args.sweep:
        print()
        print("zipf_familiar zipf_rare_word zipf_medical_word  precision recall")
        for familiar in (3.75, 4.0, 4.25):
            for rare in (1.5, 2.0, 2.5):
                for word in (3.25, 3.5, 3.75):
                    terms = {"zipf_familiar": familiar, "zipf_rare_word": rare, "zipf_medical_word": word}
                    s, _, _ = evaluate(from_mapping({"terms": terms}))
                    print(f"{familiar:13.2f} {rare:14.2f} {word:17.2f}  {s.precision:9.3f} {s.recall:6.3f}")


if __name__ == "__main__":
    main()
