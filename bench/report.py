"""Figures for the reviewer report and machine outputs: how long each output takes to write, how big
it is, and what headless Chromium with axe-core says about the pages.

    .venv/bin/python -m bench.report                      # samples/articles, grammar off
    .venv/bin/python -m bench.report --grammar            # with LanguageTool (slower to start)
    .venv/bin/python -m bench.report --grammar --screenshot docs/report-article.png --summary docs/summary-sample.md

The screenshots are the busiest article page's top, its text (`-text.png`) and its sign-off as
printed (`-signoff.png`); the summary samples are the run's and the same run under a baseline of
itself (`-baseline.md`).

It prints: the audit time (for context), the gate time, per-format write times (median of several
writes) and sizes for the samples and for a synthetic run of 200 articles x 40 findings, and per page
the load and axe-core times and the violation count.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from pipeline.config import from_mapping
from pipeline.model import ArticleResult, Block, Finding, RunResult, Span
from pipeline.output import html_report, json_report, junit, markdown, sarif
from pipeline.output.html_report import article_filename
from pipeline.run.runner import run_audit
from pipeline.verdict.baseline import load_baseline
from pipeline.verdict.gate import GateInputs, GateReport, apply_gate

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
FORMATS: dict[str, Callable[[RunResult, Path, GateReport], Path]] = {
    "json": json_report.write,
    "html": html_report.write,
    "sarif": sarif.write,
    "junit": junit.write,
    "md": markdown.write,
}


def timed_writes(run: RunResult, gate: GateReport, folder: Path, repeats: int) -> dict[str, tuple[float, int]]:
    """Median seconds per write and bytes written (all article pages together for html)."""
    out: dict[str, tuple[float, int]] = {}
    for name, write in FORMATS.items():
        times = []
        for _ in range(repeats):
            t = time.perf_counter()
            path = write(run, folder, gate)
            times.append(time.perf_counter() - t)
        size = path.stat().st_size
        if name == "html":
            size += sum(p.stat().st_size for p in folder.glob("article-*.html"))
        out[name] = (statistics.median(times), size)
    return out


def synthetic_run(articles: int, findings: int) -> RunResult:
    sentence = "Sepsis is a serious reaction to an infection and needs treatment in hospital straight away. "
    text = sentence * 60
    out = []
    for i in range(articles):
        fs = []
        for j in range(findings):
            start = (j * 37) % (len(text) - 40)
            fs.append(Finding(rule="GR002" if j % 3 else "RD001", name="grammar.spelling-error", outcome="fail",
                              level=("error", "warning", "note")[j % 3], message=f"Finding {j}.",
                              span=Span(start, start + 12), excerpt=text[start:start + 12], suggestion="fix"))
        blocks = [Block(kind="paragraph", start=k * len(sentence), end=(k + 1) * len(sentence) - 1)
                  for k in range(60)]
        out.append(ArticleResult(id=f"{i:016x}", source=f"site/page-{i}.html", status="audited", title=f"Page {i}",
                                 text=text, blocks=blocks, findings=fs,
                                 metrics={"readability": {"smog": 9.0, "uk_reading_age": 14.0}}))
    return RunResult(id="synthetic", started_at="2026-11-20T09:00:00+00:00", finished_at="2026-11-20T09:05:00+00:00",
                     config={}, articles=out, tool_version="bench")


def browser_figures(folder: Path, run: RunResult, screenshot: Path | None) -> None:
    if not Path(CHROMIUM).exists() or not AXE.exists():
        print("browser: skipped (needs /usr/bin/chromium and node_modules/axe-core)")
        return
    from playwright.sync_api import sync_playwright

    axe = AXE.read_text(encoding="utf-8")
    with sync_playwright() as p:
        t = time.perf_counter()
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        print(f"browser: chromium started in {time.perf_counter() - t:.2f} s")
        context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 1700})
        page = context.new_page()
        pages = [folder / "index.html", *[folder / article_filename(a) for a in run.articles]]
        for path in pages:
            t = time.perf_counter()
            page.goto(path.as_uri())
            loaded = time.perf_counter() - t
            page.add_script_tag(content=axe)
            t = time.perf_counter()
            violations = page.evaluate("async () => (await axe.run()).violations.length")
            print(f"  {path.name:32} load {loaded * 1000:6.0f} ms  axe {(time.perf_counter() - t) * 1000:6.0f} ms  "
                  f"violations {violations}")
        if screenshot is not None:
            worst = max(run.articles, key=lambda a: sum(f.counts for f in a.findings if f.span))
            page.goto((folder / article_filename(worst)).as_uri())
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(screenshot))
            text = screenshot.with_name(screenshot.stem + "-text.png")
            box = page.locator("#text").bounding_box()
            assert box is not None
            clip = {"x": box["x"], "y": box["y"], "width": box["width"], "height": min(box["height"], 1500)}
            page.screenshot(path=str(text), full_page=True, clip=clip)  # type: ignore[arg-type]
            signoff = screenshot.with_name(screenshot.stem + "-signoff.png")
            page.set_viewport_size({"width": 900, "height": 1270})  # about A4 at 96 dpi, as printed
            page.goto((folder / f"signoff-{worst.id}.html").as_uri())
            page.emulate_media(media="print")
            page.screenshot(path=str(signoff), full_page=True)
            page.emulate_media(media="screen")
            print(f"screenshots: {screenshot}, {text} and {signoff} ({worst.source})")
        browser.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # Relative, so the sources in the outputs (and the sample summary) read as they would in CI.
    parser.add_argument("sources", nargs="*", default=[os.path.relpath(ROOT / "samples" / "articles")])
    parser.add_argument("--grammar", action="store_true", help="check grammar with LanguageTool")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--screenshot", type=Path, help="save a screenshot of the busiest article page here")
    parser.add_argument("--summary", type=Path, help="save the samples' summary.md here")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        config = from_mapping({"out": str(folder), "grammar": {"enabled": args.grammar},
                               "history": {"enabled": False}})
        t = time.perf_counter()
        run = run_audit(args.sources, config)
        print(f"audit: {len(run.articles)} articles in {time.perf_counter() - t:.2f} s (grammar "
              f"{'on' if args.grammar else 'off'})")
        baseline_dir = folder / "baseline"
        baseline_dir.mkdir()
        baseline = load_baseline(json_report.write(run, baseline_dir))
        t = time.perf_counter()
        same = apply_gate(run, config, inputs=GateInputs(baseline=baseline), today=date.today())
        print(f"gate against a baseline of the same run: {same.verdict}, {same.known} known, applied in "
              f"{(time.perf_counter() - t) * 1000:.1f} ms")
        if args.summary:  # the same samples under a baseline of themselves: "0 new (N known)"
            known = args.summary.with_name(args.summary.stem + "-baseline.md")
            known.write_text(markdown.render(run, same), encoding="utf-8")
            print(f"summary under a baseline: {known}")
        gate = apply_gate(run, config, inputs=GateInputs(), today=date.today())
        print(f"gate: {gate.verdict}, {gate.blocking} blocking")
        findings = sum(len(a.findings) for a in run.articles)
        print(f"outputs for the samples ({findings} findings), median of {args.repeats} writes:")
        for name, (seconds, size) in timed_writes(run, gate, folder, args.repeats).items():
            print(f"  {name:6} {seconds * 1000:8.1f} ms  {size / 1024:8.1f} KiB")
        if args.summary:
            args.summary.parent.mkdir(parents=True, exist_ok=True)
            args.summary.write_text((folder / "summary.md").read_text(encoding="utf-8"), encoding="utf-8")
            print(f"summary: {args.summary}")
        browser_figures(folder, run, args.screenshot)

    big = synthetic_run(200, 40)
    with tempfile.TemporaryDirectory() as tmp:
        gate = apply_gate(big, inputs=GateInputs(), today=date.today())
        print("outputs for a synthetic run of 200 articles x 40 findings, median of 3 writes:")
        for name, (seconds, size) in timed_writes(big, gate, Path(tmp), 3).items():
            print(f"  {name:6} {seconds * 1000:8.1f} ms  {size / 1024:8.1f} KiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
