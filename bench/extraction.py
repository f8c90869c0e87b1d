"""Extraction quality and speed on the shared corpora (../shared/corpora), printed as figures.

Scoring follows ../shared/corpora/README.md and the Scrapinghub benchmark's evaluate.py: per page,
the multiset of word 4-grams (\\w+ tokens) of the extracted text against the ground truth gives
true positives, false positives and false negatives, normalised by their sum; precision and recall
are averaged over pages and F1 is their harmonic mean (the figure the published results quote).
The mean of per-page F1 is printed beside it.

    .venv/bin/python bench/extraction.py [--limit N] [--show-worst N] [--no-trafilatura]
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import importlib
import json
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.config import ExtractionConfig  # noqa: E402
from pipeline.extract.document import ExtractedDocument, RawPage  # noqa: E402
from pipeline.extract.document import extract as _extract  # noqa: E402
from pipeline.extract.dom import Walker  # noqa: E402
from tests.support.scoring import (  # noqa: E402  (the scoring the tests use too)
    ANNOTATORS,
    HEALTH,
    Counts,
    article_body,
    contains_snippet,
    drop_nbsp,
    match,
    nhs_rows,
    page_f1,
    precision,
    recall,
    summarise,
)

CORPORA = ROOT.parent / "shared" / "corpora"
BENCH = CORPORA / "extraction-benchmark"
READABILITY_PAGES = CORPORA / "readability-test-pages"
# Published figures (../shared/corpora/README.md and the benchmark's README): F1, precision, recall.
PUBLISHED = {
    "trafilatura": (0.958, 0.938, 0.978),
    "readability-lxml": (0.922, 0.913, 0.931),
    "jusText": (0.804, 0.858, 0.756),
}
OUTPUT_FILES = {"trafilatura": "trafilatura.json", "readability-lxml": "readability.json", "jusText": "justext.json"}

# Pages of any corpus that came out with no article text although they hold a paragraph of prose.
LOST: list[str] = []
# Pages whose extraction was doubtful and audited on the best candidate, with an EX006 review note.
DOUBTFUL: list[str] = []
_SENTENCE_END = re.compile(r"[.!?](?:\s|$)")


def has_prose(doc: ExtractedDocument) -> bool:
    """A paragraph of prose anywhere on the page: 20 words or more, mostly not links, with a full stop.

    Judged from the page's own blocks, not from the extractor's decisions, so the count is an
    independent check on "EX002 only for pages with no article text".
    """
    if doc.parsed is None:
        return False
    root = doc.parsed.body if doc.parsed.body is not None else doc.parsed
    return any(
        c.kind == "paragraph" and c.words >= 20 and c.link_density < 0.5 and _SENTENCE_END.search(c.text)
        for c in Walker().walk(root)
    )


def extract(page: RawPage, cfg: ExtractionConfig) -> ExtractedDocument:
    """Our extraction, noting a page lost to EX002 while it has prose."""
    doc = _extract(page, cfg)
    if not doc.text.strip() and has_prose(doc):
        LOST.append(page.source)
    if any(p.code == "EX006" for p in doc.problems):
        DOUBTFUL.append(page.source)
    return doc


def line(name: str, m: dict[str, float], extra: str = "") -> str:
    return (
        f"  {name:<34} F1 {m['f1']:.3f}   precision {m['precision']:.3f}   recall {m['recall']:.3f}"
        f"   mean page F1 {m.get('mean_page_f1', float('nan')):.3f}{extra}"
    )


def benchmark(cfg: ExtractionConfig, limit: int | None, worst: int, live: bool = True) -> None:
    truth = json.loads((BENCH / "ground-truth.json").read_text(encoding="utf-8"))
    keys = sorted(truth)[:limit] if limit else sorted(truth)
    pages = {k: gzip.decompress((BENCH / "html" / f"{k}.html.gz").read_bytes()).decode("utf-8") for k in keys}
    body_rows: list[Counts] = []
    text_rows: list[Counts] = []
    started, cpu_started = time.perf_counter(), time.process_time()
    for k in keys:
        doc = extract(RawPage(source=k, html=pages[k], url=truth[k].get("url")), cfg)
        body_rows.append(match(truth[k]["articleBody"], article_body(doc)))
        text_rows.append(match(truth[k]["articleBody"], doc.text))
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    print(f"Scrapinghub article-extraction benchmark: {len(keys)} pages")
    print(line("health-audit (article body)", summarise(body_rows)))
    print(line("health-audit (scored text, with H1)", summarise(text_rows)))
    for name, (f1, p, r) in PUBLISHED.items():
        print(f"  {name + ' (published)':<34} F1 {f1:.3f}   precision {p:.3f}   recall {r:.3f}")
    for name, file in OUTPUT_FILES.items():
        data = json.loads((BENCH / "output" / file).read_text(encoding="utf-8"))
        data = data.get("output", data)
        rows = [match(truth[k]["articleBody"], data[k]["articleBody"]) for k in keys]
        print(line(f"{name} (published output, rescored)", summarise(rows)))
    print(
        f"  speed: {len(keys) / elapsed:.1f} pages per second ({elapsed:.1f} s wall clock, one process); "
        f"{len(keys) / cpu:.1f} pages per CPU second"
    )
    if live:
        import trafilatura

        cpu_started = time.process_time()
        rows = [
            match(truth[k]["articleBody"], trafilatura.extract(pages[k], include_comments=False) or "")
            for k in keys
        ]
        took = time.process_time() - cpu_started
        print(line(f"trafilatura {trafilatura.__version__} run here", summarise(rows),
                   f"   {len(keys) / took:.1f} pages per CPU second"))
    if worst:
        ranked = sorted(zip(keys, body_rows, strict=True), key=lambda kr: page_f1(kr[1]))[:worst]
        for k, c in ranked:
            print(f"    {k[:12]} P {precision(*c):.3f} R {recall(*c):.3f}  {truth[k].get('url', '')[:90]}")


def _rank(name: str) -> str:
    return hashlib.sha256(name.encode("utf-8")).hexdigest()


def readability_names(which: str | None = None) -> list[str]:
    """The readability test pages, or one half of them, split by a rule fixed before any tuning.

    The pages are ordered by the SHA-256 of their folder names; the first half of that order is the
    tuning half, the rest the held-out half. The rule never changes, so a held-out figure always
    comes from pages nobody tuned on.
    """
    names = sorted(p.name for p in READABILITY_PAGES.iterdir() if (p / "source.html.gz").exists())
    if which is None:
        return names
    ranked = sorted(names, key=_rank)
    cut = len(ranked) // 2
    chosen = set(ranked[:cut] if which == "tuning" else ranked[cut:])
    return [n for n in names if n in chosen]


def readability_page(name: str) -> tuple[str, str]:
    """The page's HTML and the text of Readability.js's own extraction (the truth)."""
    from bs4 import BeautifulSoup

    folder = READABILITY_PAGES / name
    html = gzip.decompress((folder / "source.html.gz").read_bytes()).decode("utf-8", "replace")
    expected_html = gzip.decompress((folder / "expected.html.gz").read_bytes()).decode("utf-8", "replace")
    return html, BeautifulSoup(expected_html, "lxml").get_text(" ")


def _readability_lxml() -> Any:
    """readability-lxml's module. Its name, `readability`, is also bench/readability.py, which the
    script's own folder on sys.path would shadow it with: load it from outside this folder."""
    here = str(Path(__file__).resolve().parent)
    saved = list(sys.path)
    sys.path[:] = [p for p in sys.path if str(Path(p or ".").resolve()) != here]
    try:
        return importlib.import_module("readability.readability")
    finally:
        sys.path[:] = saved


def readability_lxml_text(html: str) -> str:
    """readability-lxml's article as text (its summary is HTML)."""
    from bs4 import BeautifulSoup

    try:
        summary = str(_readability_lxml().Document(html).summary(html_partial=True))
    except Exception:  # its own failures on odd markup count as an empty extraction
        return ""
    return BeautifulSoup(summary, "lxml").get_text(" ")


def readability_test_pages(cfg: ExtractionConfig, which: str | None, worst: int) -> None:
    """Ours, trafilatura and readability-lxml on the readability test pages, per half.

    Tuning decisions may look at the tuning half only; the held-out half is printed, never opened.
    """
    import trafilatura

    for label in (("tuning", "held-out") if which is None else (which,)):
        names = readability_names(label)
        ours: list[Counts] = []
        ours_h1: list[Counts] = []
        traf: list[Counts] = []
        rlxml: list[Counts] = []
        for name in names:
            html, expected = readability_page(name)
            doc = extract(RawPage(source=name, html=html), cfg)
            # Scored as the 181-page benchmark is: the article body without its headline, since
            # Readability.js, like trafilatura, gives the title as metadata, not in the text.
            ours.append(match(expected, article_body(doc)))
            ours_h1.append(match(expected, doc.text))
            traf.append(match(expected, trafilatura.extract(html, include_comments=False) or ""))
            rlxml.append(match(expected, readability_lxml_text(html)))
        kind = "tuning figure" if label == "tuning" else "pages not tuned on"
        print(f"Readability test pages, {label} half ({len(names)} pages, {kind}):")
        ours_m, traf_m = summarise(ours), summarise(traf)
        print(line("health-audit (article body)", ours_m, f"   ahead of trafilatura by {ours_m['f1'] - traf_m['f1']:+.3f}"))
        print(line("health-audit (scored text, with H1)", summarise(ours_h1)))
        print(line(f"trafilatura {trafilatura.__version__}", traf_m))
        print(line("readability-lxml", summarise(rlxml)))
        if worst and label == "tuning":
            ranked = sorted(zip(names, ours, strict=True), key=lambda nr: page_f1(nr[1]))[:worst]
            for n, c in ranked:
                print(f"    {n:<40} P {precision(*c):.3f} R {recall(*c):.3f}")


def nhs_choices(cfg: ExtractionConfig) -> None:
    """NHS Choices pages against their expected main text.

    The expected text is the output of the annotators' own page builder: the text of the page's
    `.main-content` element without `#webZoneLeft` and `.review-dates`, with every non-breaking
    space deleted ("Zika&nbsp;outbreaks" became "Zikaoutbreaks"). That costs every extractor that
    keeps words apart about 0.05 of F1. So three more figures are printed:
    - the same pages extracted with those spaces deleted the same way, which measures what was kept
      and what was stripped, not the annotation's spacing;
    - a site profile with the annotators' selectors, as scored: the best any extractor can reach
      with the words apart (its annotation-spacing figure shows that the profile is exact);
    - trafilatura alone, both ways.
    """
    rows: list[Counts] = []
    same_rows: list[Counts] = []
    print("NHS Choices 2016 (expected main text, 4-gram scoring as above):")
    for content in sorted((HEALTH / "nhs-choices-2016").glob("*.content")):
        html = content.with_suffix(".html").read_bytes().decode("utf-8", "replace")
        expected = content.read_text(encoding="utf-8")
        doc = extract(RawPage(source=content.stem, html=html), cfg)
        c = match(expected, article_body(doc))
        rows.append(c)
        joined = extract(RawPage(source=content.stem, html=drop_nbsp(html)), cfg)
        same = match(expected, article_body(joined))
        same_rows.append(same)
        title = content.with_suffix(".title").read_text(encoding="utf-8").strip()
        print(
            f"  {content.stem:<34} F1 {page_f1(c):.3f}   precision {precision(*c):.3f}   recall {recall(*c):.3f}"
            f"   (annotation spacing: F1 {page_f1(same):.3f})"
            f"   title {'matches' if doc.title.strip() == title else f'{doc.title!r} (expected {title!r})'}"
        )
    print(line("all three (article body)", summarise(rows)))
    print(line("all three, annotation spacing", summarise(same_rows)))
    import trafilatura

    def ours(cfg: ExtractionConfig) -> Callable[[str, str], str]:
        return lambda stem, html: article_body(extract(RawPage(source=stem, html=html), cfg))

    for label, extractor in (
        ("annotators' selectors", ours(ANNOTATORS)),
        ("trafilatura alone", lambda _, html: trafilatura.extract(html, include_comments=False) or ""),
    ):
        for name, spacing in (("", False), (", annotation spacing", True)):
            print(line(f"{label}{name}", summarise(nhs_rows(extractor, annotation_spacing=spacing))))


def readability_pages(cfg: ExtractionConfig) -> None:
    from bs4 import BeautifulSoup

    rows: list[Counts] = []
    print("Mozilla Readability health test pages (expected.html as the truth):")
    for folder in sorted((HEALTH / "readability-test-pages").iterdir()):
        if not (folder / "source.html").exists():
            continue
        html = (folder / "source.html").read_text(encoding="utf-8", errors="replace")
        expected = BeautifulSoup((folder / "expected.html").read_text(encoding="utf-8"), "lxml").get_text(" ")
        doc = extract(RawPage(source=folder.name, html=html), cfg)
        c = match(expected, doc.text)
        rows.append(c)
        print(f"  {folder.name:<34} F1 {page_f1(c):.3f}   precision {precision(*c):.3f}   recall {recall(*c):.3f}")
    print(line("all three", summarise(rows)))


def snippets(cfg: ExtractionConfig, extractor: Callable[[str], str] | None = None) -> list[str]:
    """trafilatura's evaluation pages: every `with` snippet kept and no `without` snippet kept."""
    spec = json.loads((HEALTH / "trafilatura-eval" / "expected.json").read_text(encoding="utf-8"))
    tp = fp = fn = tn = 0
    problems: list[str] = []
    for url, page in spec.items():
        html = (HEALTH / "trafilatura-eval" / page["file"]).read_bytes().decode("utf-8", "replace")
        text = extractor(html) if extractor else extract(RawPage(source=url, html=html, url=url), cfg).text
        for s in page["with"]:
            if contains_snippet(text, s):
                tp += 1
            else:
                fn += 1
                problems.append(f"missing in {page['file']}: {s!r}")
        for s in page["without"]:
            if contains_snippet(text, s):
                fp += 1
                problems.append(f"kept in {page['file']}: {s!r}")
            else:
                tn += 1
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    who = "trafilatura alone" if extractor else "health-audit"
    print(
        f"  {who:<34} with kept {tp}/{tp + fn}, without removed {tn}/{tn + fp}"
        f"   precision {p:.3f} recall {r:.3f} F-score {f:.3f}"
    )
    return problems


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=None, help="only the first N benchmark pages")
    ap.add_argument("--show-worst", type=int, default=0, help="list the N worst benchmark pages")
    ap.add_argument("--no-trafilatura", action="store_true", help="our markup rules alone")
    ap.add_argument("--only", choices=["benchmark", "health", "readability"], default=None)
    ap.add_argument("--half", choices=["tuning", "held-out"], default=None,
                    help="only this half of the readability test pages (both by default)")
    ap.add_argument("--no-live", action="store_true", help="do not run trafilatura here for comparison")
    args = ap.parse_args()
    if not CORPORA.is_dir():
        sys.exit(f"{CORPORA} is missing: the shared corpora sit beside the checkout")
    cfg = ExtractionConfig(use_trafilatura=not args.no_trafilatura)
    if args.only in (None, "benchmark"):
        benchmark(cfg, args.limit, args.show_worst, live=not args.no_live)
        print()
    if args.only in (None, "readability"):
        readability_test_pages(cfg, args.half, args.show_worst)
        print()
    if args.only in (None, "health"):
        nhs_choices(cfg)
        print()
        readability_pages(cfg)
        print()
        print("trafilatura evaluation health pages (snippets, 'with' must be kept, 'without' removed):")
        import trafilatura

        snippets(cfg, lambda html: trafilatura.extract(html, include_comments=False) or "")
        for problem in snippets(cfg):
            print(f"    {problem}")
        print()
    if args.only is None:
        other_pages(cfg)
        print(f"Pages of any corpus with no article text (EX002) although they hold a paragraph of prose: {len(LOST)}")
        for name in LOST:
            print(f"    {name}")
        print(f"Pages audited with low extraction confidence (EX006 review): {len(DOUBTFUL)}")
        for name in DOUBTFUL:
            print(f"    {name}")


def other_pages(cfg: ExtractionConfig) -> None:
    """The labelled real pages and the samples, extracted only for the EX002 count."""
    folders = (CORPORA / "labelled-pages" / "pages", ROOT / "bench" / "heldout" / "pages", ROOT / "samples")
    for folder in folders:
        for path in sorted(folder.glob("*.htm*")):
            extract(RawPage(source=str(path.relative_to(folder.parent)), html=path.read_text("utf-8", "replace")), cfg)


if __name__ == "__main__":
    main()
