"""Static accessibility checks beside axe-core in Chromium, on every page of the corpora.

For each AX rule it prints the static findings that axe-core does not report on the same element
(static-only) and axe's that no static check reports (axe-only), by outcome and level. A static-only
error must be explained: either its rule is a WCAG requirement axe-core does not test (listed in
DOCUMENTED below, with the reason), or it is a bug in the static check. The last line gives the
number of unexplained static-only errors (target: 0).

Pages: the 181-page extraction benchmark, readability-test-pages/, the health pages and samples/.

    .venv/bin/python bench/static_vs_axe.py [--limit N] [--corpus NAME] [-v]
"""

from __future__ import annotations

import argparse
import gzip
import sys
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.config import AccessibilityConfig, from_mapping  # noqa: E402
from pipeline.errors import BrowserUnavailable  # noqa: E402
from pipeline.rules.accessibility.browser import Browser, browser_for  # noqa: E402
from pipeline.rules.accessibility.checks import static_findings  # noqa: E402
from pipeline.rules.accessibility.merge import Placed, merge_axe  # noqa: E402

CORPORA = ROOT.parent / "shared" / "corpora"
# Static rules that test a WCAG requirement axe-core does not cover (STACK-NOTES.md, "Browsers"):
# their static-only findings are expected, not disagreements.
DOCUMENTED: dict[str, str] = {
    "AX011": "vague link text ('click here'): WCAG 2.4.4; axe-core has no rule for it",
    "AX020": "a data table without header cells: WCAG 1.3.1 (H51); axe-core only checks headers that exist",
}


def corpus_pages(only: str | None) -> Iterator[tuple[str, str, str]]:
    """(corpus, page name, html) for every page."""
    sets: list[tuple[str, list[Path]]] = [
        ("extraction-benchmark", sorted((CORPORA / "extraction-benchmark" / "html").glob("*.html.gz"))),
        ("readability-test-pages", sorted((CORPORA / "readability-test-pages").glob("*/source.html*"))),
        (
            "health-pages",
            sorted(
                p for p in (CORPORA / "health-pages").rglob("*.htm*") if not p.name.startswith("expected")
            ),
        ),
        ("samples", sorted((ROOT / "samples" / "articles").glob("*.html"))),
    ]
    for name, paths in sets:
        if only and name != only:
            continue
        for p in paths:
            data = p.read_bytes()
            if p.suffix == ".gz":
                data = gzip.decompress(data)
            yield name, str(p.relative_to(p.parents[2])), data.decode("utf-8", "replace")


def compare(
    html: str, source: str, cfg: AccessibilityConfig, browser: Browser
) -> tuple[list[Placed], list[Placed]]:
    """(static-only findings, axe-only findings) on one page."""
    page, placed = static_findings(html, cfg)
    static = [p for p in placed if p.finding.rule.startswith("AX")]
    merged = merge_axe(list(static), browser.audit(html, source), page, best_practice=cfg.axe_best_practice)
    ids = {id(p) for p in static}
    static_only = [p for p in static if not p.finding.data.get("axe_rules")]
    axe_only = [p for p in merged if id(p) not in ids]
    return static_only, axe_only


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--limit", type=int, default=None, help="at most N pages of each corpus")
    parser.add_argument("--corpus", default=None, help="one corpus only")
    parser.add_argument("-v", "--verbose", action="store_true", help="list each static-only error")
    args = parser.parse_args()
    cfg = from_mapping({}).accessibility
    pages: list[tuple[str, str, str]] = []
    counts: Counter[str] = Counter()
    for corpus, name, html in corpus_pages(args.corpus):
        if args.limit is None or counts[corpus] < args.limit:
            counts[corpus] += 1
            pages.append((corpus, name, html))
    print("pages: " + ", ".join(f"{c} {n}" for c, n in counts.items()))
    browser = browser_for(cfg)
    static_only: Counter[tuple[str, str, str]] = Counter()  # (rule, level, outcome)
    axe_only: Counter[tuple[str, str]] = Counter()
    unexplained: list[tuple[str, str, str]] = []
    failed: list[str] = []
    t0 = time.monotonic()

    def one(item: tuple[str, str, str]) -> tuple[str, list[Placed], list[Placed]] | str:
        _, name, html = item
        try:
            s, a = compare(html, name, cfg, browser)
        except BrowserUnavailable as err:
            return f"{name}: {err}"
        return name, s, a

    try:
        with ThreadPoolExecutor(max_workers=cfg.pages) as pool:
            for done, result in enumerate(pool.map(one, pages), 1):
                if done % 25 == 0:
                    print(f"  {done}/{len(pages)} pages, {time.monotonic() - t0:.0f} s", flush=True)
                if isinstance(result, str):
                    failed.append(result)
                    continue
                name, s, a = result
                for p in s:
                    f = p.finding
                    static_only[(f.rule, f.level, f.outcome)] += 1
                    if f.level == "error" and f.outcome == "fail" and f.rule not in DOCUMENTED:
                        unexplained.append((name, f.rule, f.message))
                for p in a:
                    axe_only[(p.finding.rule, p.finding.outcome)] += 1
    finally:
        browser.close()
    print(f"audited in {time.monotonic() - t0:.0f} s; axe-core did not run on {len(failed)} pages")
    print("\nstatic findings axe-core does not report (rule, level, outcome: count)")
    for (rule, level, outcome), n in sorted(static_only.items()):
        why = f"  documented: {DOCUMENTED[rule]}" if rule in DOCUMENTED else ""
        print(f"  {rule} {level:8} {outcome:7} {n:5}{why}")
    print("\naxe-core findings no static check reports (rule, outcome: count)")
    for (rule, outcome), n in sorted(axe_only.items()):
        print(f"  {rule} {outcome:7} {n:5}")
    if args.verbose:
        for name, rule, message in unexplained:
            print(f"  {rule} {name}: {message}")
    print(f"\nunexplained static-only errors: {len(unexplained)} (target 0)")


if __name__ == "__main__":
    main()
