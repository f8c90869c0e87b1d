"""Precision and recall of safety-message recognition on the labelled sentences in tests/data/.

    .venv/bin/python bench/safety.py [--locales FILE] [--show-errors]

A sentence contributes one item per message kind: a true positive when the matcher finds a kind the
label lists, a false positive when it finds one the label does not, a false negative when it misses
one. Only strong matches count; weak ones (urgency without an action, signposts, another country's
number) must never be mistaken for the message. Also prints topic detection on the sample articles
and the shared NHS pages, and the matcher's speed. The scoring is tests/support/safety.py, which
the tests share.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.config import from_mapping  # noqa: E402
from pipeline.rules.context import CheckContext  # noqa: E402
from pipeline.rules.registry import CheckOutput  # noqa: E402
from pipeline.rules.safety.checks import required_messages  # noqa: E402
from pipeline.rules.safety.packs import load_locales, load_packs  # noqa: E402
from pipeline.rules.safety.topics import score_topics  # noqa: E402
from tests.support.safety import evaluate, load_labelled  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cfg = from_mapping({})
    parser.add_argument("--locales", default=cfg.safety.locales)
    parser.add_argument("--rules-dir", default=cfg.safety.rules_dir)
    parser.add_argument("--show-errors", action="store_true")
    args = parser.parse_args()

    profiles = load_locales(args.locales)
    sentences = load_labelled()
    positives = sum(1 for s in sentences if s["kinds"])
    print(f"labelled sentences: {len(sentences)} ({positives} that count, {len(sentences) - positives} that must not)")
    t0 = time.perf_counter()
    result = evaluate(sentences, profiles)
    cold = time.perf_counter() - t0
    warm = min(_timed(lambda: evaluate(sentences, profiles)) for _ in range(5))
    print(f"{'kind':<18}{'precision':>10}{'recall':>8}{'tp':>5}{'fp':>5}{'fn':>5}")
    for kind, s in result["scores"].items():
        print(f"{kind:<18}{s['precision']:>10.3f}{s['recall']:>8.3f}{s.get('tp', 0):>5}{s.get('fp', 0):>5}{s.get('fn', 0):>5}")
    print(
        f"speed: {len(sentences) / warm:,.0f} sentences/s warm ({warm * 1000:.1f} ms for the set; "
        f"first run with pattern compilation {cold * 1000:.0f} ms)"
    )
    if args.show_errors or result["errors"]:
        for e in result["errors"]:
            print(f"  wrong [{e['locale']}] want {e['want']} got {e['got']}: {e['text']}")

    print("\ntopic detection (score / threshold) and the whole SM check per article, warm:")
    packs = load_packs(args.rules_dir)
    check_cfg = from_mapping({"safety": {"rules_dir": args.rules_dir, "locales": args.locales}})
    ctx = CheckContext(config=check_cfg)
    for path, doc in _documents():
        scores = score_topics(doc, packs)
        out = required_messages(doc, ctx)
        findings = out.findings if isinstance(out, CheckOutput) else list(out)
        outcomes = ", ".join(f"{f.rule} {f.outcome}" for f in findings) or "no SM findings"
        ms = min(_timed(lambda d=doc: required_messages(d, ctx)) for _ in range(3)) * 1000
        hits = [f"{s.pack.topic} {s.score:g}/{s.pack.threshold:g}" for s in scores if s.detected]
        near = [f"{s.pack.topic} {s.score:g}/{s.pack.threshold:g}" for s in scores if not s.detected and s.score > 0]
        print(f"  {path}: {', '.join(hits) or '-'}  (below threshold: {', '.join(near) or '-'}; {ms:.1f} ms)")
        print(f"      {outcomes}")


def _timed(fn: Any) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def _documents() -> list[tuple[str, Any]]:
    from pipeline.extract.document import RawPage, extract, from_text

    docs = []
    for path in sorted((ROOT / "samples" / "articles").glob("*.html")):
        docs.append((str(path.relative_to(ROOT)), extract(RawPage(str(path), path.read_text(encoding="utf-8")))))
    nhs = ROOT.parent / "shared" / "corpora" / "health-pages" / "nhs-choices-2016"
    for path in sorted(nhs.glob("*.content")):
        title = path.with_suffix(".title").read_text(encoding="utf-8").strip()
        docs.append((f"shared/.../{path.name}", from_text(str(path), path.read_text(encoding="utf-8"), title=title)))
    return docs


if __name__ == "__main__":
    main()
