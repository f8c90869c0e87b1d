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
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.config import Config, from_mapping  # noqa: E402
from tests.support.terms import evaluate, warm_up  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--errors", action="store_true", help="list every false alarm and miss")
    parser.add_argument("--sweep", action="store_true", help="try other familiarity thresholds")
    args = parser.parse_args()
    print(f"reading the medical vocabulary and glossary (once per process): {warm_up(Config()):.1f} s")
    score, labelled, per_article = evaluate()
    positives = score.tp + score.fn
    print(f"annotated set: {labelled} labelled first uses, {positives} unexplained at first use")
    print(f"unexplained at first use (MT001 + MT002 + MT003): precision {score.precision:.3f}  "
          f"recall {score.recall:.3f}  (tp {score.tp}, fp {score.fp}, fn {score.fn})")
    print(f"time per article: {per_article * 1000:.1f} ms")
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
