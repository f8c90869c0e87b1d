"""ACT rules benchmark: is each AX result consistent with the W3C ACT test cases?

    .venv/bin/python bench/act_rules.py                  # static and browser mode
    .venv/bin/python bench/act_rules.py --mode static    # static only (a few seconds)
    .venv/bin/python bench/act_rules.py --rule 23a2a8 -v # one rule, with the cases we got wrong

An implementation is *consistent* with an ACT rule (in the ACT sense) when every `failed` test case
is reported as failing and no `passed` or `inapplicable` case is reported as failing. A case is
reported as failing for rule R when an AX finding with outcome "fail" carries the tag "act:R";
"review" (needs a human) is not a failure either way. axe-core's published consistency for the same
rules (from the W3C's implementation report in the corpus) is printed beside ours.

Test cases load their images, styles and frames from the W3C site; in browser mode those requests
are answered from the corpus on disk (the same files), and everything else is blocked.
"""

from __future__ import annotations

import argparse
import json
import mimetypes
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.config import AccessibilityConfig  # noqa: E402
from pipeline.errors import BrowserUnavailable
from pipeline.model import Finding  # noqa: E402
from pipeline.rules.accessibility.browser import Browser
from pipeline.rules.accessibility.checks import markup_findings  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpora" / "act-rules"
ASSETS_URL = "https://www.w3.org/WAI/content-assets/wcag-act-rules/"


@dataclass
class Case:
    rule: str
    expected: str  # passed | failed | inapplicable
    title: str
    path: Path
    url: str


@dataclass
class RuleScore:
    rule: str
    name: str
    approved: bool
    cases: int = 0
    missed: list[str] = field(default_factory=list)  # failed cases we did not report
    false_failures: list[str] = field(default_factory=list)  # passed/inapplicable cases we reported

    @property
    def consistent(self) -> bool:
        return not self.missed and not self.false_failures

    @property
    def detected_any(self) -> bool:
        return self.cases > 0


def load_cases(corpus: Path) -> list[Case]:
    base = corpus / "content-assets" / "wcag-act-rules"
    data = json.loads((base / "testcases.json").read_text(encoding="utf-8"))
    return [
        Case(t["ruleId"], t["expected"], t["testcaseTitle"], base / t["relativePath"], t["url"])
        for t in data["testcases"]
    ]


def load_rules(corpus: Path) -> dict[str, tuple[str, bool]]:
    data = json.loads((corpus / "_data" / "wcag-act-rules" / "rules.json").read_text(encoding="utf-8"))
    return {
        r["frontmatter"]["id"]: (r["frontmatter"]["name"], not r["proposed"] and not r["deprecated"])
        for r in data["act-rules"]
    }


def axe_published(corpus: Path) -> dict[str, str]:
    path = corpus / "_data" / "wcag-act-rules" / "implementations" / "axe-core.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    return {m["ruleId"]: m.get("consistency") or "-" for m in data["actRuleMapping"]}


def failing_act_ids(findings: list[Finding]) -> set[str]:
    return {t[4:] for f in findings if f.outcome == "fail" for t in f.tags if t.startswith("act:")}


def corpus_resources(corpus: Path) -> Callable[[str], tuple[bytes, str] | None]:
    base = corpus / "content-assets" / "wcag-act-rules"

    def resolve(url: str) -> tuple[bytes, str] | None:
        if not url.startswith(ASSETS_URL):
            return None
        path = (base / url[len(ASSETS_URL) :].split("?")[0]).resolve()
        if not path.is_file() or base.resolve() not in path.parents:
            return None
        return path.read_bytes(), mimetypes.guess_type(path.name)[0] or "application/octet-stream"

    return resolve


def score(
    cases: list[Case], results: dict[int, set[str]], rules: dict[str, tuple[str, bool]]
) -> dict[str, RuleScore]:
    scores: dict[str, RuleScore] = {}
    for i, case in enumerate(cases):
        name, approved = rules.get(case.rule, (case.rule, False))
        s = scores.setdefault(case.rule, RuleScore(case.rule, name, approved))
        s.cases += 1
        reported = case.rule in results[i]
        label = f"{case.title} ({case.path.name})"
        if case.expected == "failed" and not reported:
            s.missed.append(label)
        elif case.expected != "failed" and reported:
            s.false_failures.append(label)
    return scores


def run_static(cases: list[Case], cfg: AccessibilityConfig) -> tuple[dict[int, set[str]], float]:
    started = time.perf_counter()
    results = {}
    for i, case in enumerate(cases):
        html = case.path.read_text(encoding="utf-8", errors="replace")
        results[i] = failing_act_ids(markup_findings(html, case.url, cfg))
    return results, time.perf_counter() - started


def run_browser(
    cases: list[Case], cfg: AccessibilityConfig, corpus: Path, verbose: bool = False
) -> tuple[dict[int, set[str]], float, int]:
    browser = Browser(
        chromium=cfg.chromium,
        axe_script=cfg.axe_script,
        start_timeout=cfg.start_timeout,
        page_timeout=cfg.page_timeout,
        pages=cfg.pages,
        resources=corpus_resources(corpus),
    )
    errors = 0

    def one(i: int) -> tuple[int, set[str]]:
        nonlocal errors
        case = cases[i]
        html = case.path.read_text(encoding="utf-8", errors="replace")
        findings = markup_findings(html, case.url, cfg, browser)
        not_run = [f.message for f in findings if f.rule == "AX901"]
        if not_run:
            errors += 1
            if verbose:
                print(f"  axe-core did not run on {case.rule} {case.title}: {not_run[0]}", flush=True)
        return i, failing_act_ids(findings)

    started = time.perf_counter()
    try:
        with ThreadPoolExecutor(max_workers=cfg.pages) as pool:
            results = dict(pool.map(one, range(len(cases))))
    finally:
        browser.close()
    return results, time.perf_counter() - started, errors


def report(mode: str, scores: dict[str, RuleScore], published: dict[str, str], verbose: bool) -> None:
    print(f"\n== {mode} mode ==")
    print(
        f"{'rule':7} {'approved':8} {'cases':>5} {'ours':12} {'missed':>6} {'false':>5}  {'axe-core (published)':22} name"
    )
    for s in sorted(scores.values(), key=lambda s: (not s.approved, s.rule)):
        ours = "consistent" if s.consistent else "-"
        print(
            f"{s.rule:7} {'yes' if s.approved else 'no':8} {s.cases:5} {ours:12} {len(s.missed):6} "
            f"{len(s.false_failures):5}  {published.get(s.rule, '-'):22} {s.name[:60]}"
        )
        if verbose and not s.consistent:
            for label in s.missed:
                print(f"          missed: {label}")
            for label in s.false_failures:
                print(f"          false failure: {label}")
    consistent = [s for s in scores.values() if s.consistent]
    approved = [s for s in consistent if s.approved]
    false_on_consistent = sum(len(s.false_failures) for s in consistent)
    false_total = sum(len(s.false_failures) for s in scores.values())
    axe_complete_approved = sum(
        1 for r, c in published.items() if c == "complete" and scores.get(r) and scores[r].approved
    )
    axe_complete_all = sum(1 for c in published.values() if c == "complete")
    print(
        f"{mode}: consistent on {len(consistent)} of {len(scores)} ACT rules ({len(approved)} approved); "
        f"false failures on those rules: {false_on_consistent}; false failures on all rules: {false_total}"
    )
    print(
        f"axe-core published: consistent ('complete') on {axe_complete_approved} approved rules, "
        f"{axe_complete_all} in all"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--mode", choices=("static", "browser", "both"), default="both")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--rule", action="append", help="only these ACT rule ids")
    parser.add_argument("-v", "--verbose", action="store_true", help="list the cases we got wrong")
    args = parser.parse_args()
    cfg = AccessibilityConfig()
    cases = [c for c in load_cases(args.corpus) if not args.rule or c.rule in args.rule]
    rules = load_rules(args.corpus)
    published = axe_published(args.corpus)
    print(f"ACT test cases: {len(cases)} over {len({c.rule for c in cases})} rules ({args.corpus})")
    if args.mode in ("static", "both"):
        results, seconds = run_static(cases, cfg)
        report("static", score(cases, results, rules), published, args.verbose)
        print(
            f"static: {seconds:.1f} s for {len(cases)} pages ({1000 * seconds / max(1, len(cases)):.1f} ms a page)"
        )
    if args.mode in ("browser", "both"):
        try:
            results, seconds, errors = run_browser(cases, cfg, args.corpus, args.verbose)
        except BrowserUnavailable as err:
            print(f"browser mode could not run: {err}")
            return
        report(
            "browser (static + axe-core " + _axe_version(cfg) + ")",
            score(cases, results, rules),
            published,
            args.verbose,
        )
        print(
            f"browser: {seconds:.1f} s for {len(cases)} pages ({1000 * seconds / max(1, len(cases)):.0f} ms a page), "
            f"{errors} pages where axe-core could not run"
        )


def _axe_version(cfg: AccessibilityConfig) -> str:
    package = Path(cfg.axe_script).parent / "package.json"
    try:
        return json.loads(package.read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError):
        return "?"


if __name__ == "__main__":
    main()
