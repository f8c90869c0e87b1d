"""Benchmark of the grammar stage against raw LanguageTool, on the extraction-benchmark corpus.

Prints:
- LanguageTool start time (process ready, first check) and memory (RSS), with and without the
  medical vocabulary, and how each way handles medical words (the reason the vocabulary is
  loaded into the server rather than only filtered afterwards);
- characters per second of our grammar stage (chunks, skipped non-prose, paragraph cache) beside
  a raw LanguageTool HTTP check of the same article texts, on the same server in the same run,
  with the same number of requests in flight; then a re-run on unchanged text (all cached);
- LanguageTool's memory after auditing the whole corpus;
- GR precision and recall on the labelled real pages (LABELLING.md), scored as the project's scorer
  scores them: our GR001/GR002 findings beside raw LanguageTool's matches (a stock server, default
  rules) on the same extracted text, for the tuning set (../shared/corpora/labelled-pages) and the
  held-out set (bench/heldout) separately. Only the totals are printed: the held-out set is for
  measuring, never for tuning. `--labelled` runs this part alone.

The two measured paths run in alternating order on blocks of articles, so neither gains from
the server's JIT warming up during the other.

    .venv/bin/python bench/grammar.py [--limit N] [--parallel 2] [--no-vocabulary-comparison] [--labelled]
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import os
import re
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.config import Config, from_mapping  # noqa: E402
from pipeline.errors import ConfigError  # noqa: E402
from pipeline.extract.document import RawPage, extract  # noqa: E402
from pipeline.language.vocabulary import default_vocabulary  # noqa: E402
from pipeline.model import Document  # noqa: E402
from pipeline.rules.context import CheckContext  # noqa: E402
from pipeline.rules.grammar.checks import languagetool_matches  # noqa: E402
from pipeline.rules.grammar.languagetool import LanguageToolServer  # noqa: E402
from pipeline.rules.grammar.service import GrammarService, Paragraph  # noqa: E402
from pipeline.rules.registry import CheckOutput  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpora" / "extraction-benchmark" / "html"
LABELLED_SETS = (
    ("tuning (development set)", ROOT.parent / "shared" / "corpora" / "labelled-pages"),
    ("held-out", ROOT / "bench" / "heldout"),
)
MB = 2**20
TEMPLATES = (
    "Your doctor may mention {} at the appointment.",
    "The leaflet explains the word {} in plain English.",
    "Ask your pharmacist about {} if you are unsure.",
    "You may see {} written in your hospital notes.",
)


def load_corpus(limit: int | None) -> list[Document]:
    files = sorted(CORPUS.glob("*.html.gz"))[:limit]
    docs: list[Document] = []
    for f in files:
        html = gzip.decompress(f.read_bytes()).decode("utf-8", "replace")
        doc = extract(RawPage(source=str(f), html=html))
        # Pages declared in another language are not sent by our stage: leave them out of both paths.
        if doc.text.strip() and (doc.language or "en").lower().startswith("en"):
            docs.append(doc)
    return docs


def cpu_seconds(pid: int | None) -> float:
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def raw_check(client: httpx.Client, url: str, text: str, language: str) -> int:
    response = client.post(f"{url}/v2/check", data={"language": language, "text": text})
    response.raise_for_status()
    return len(response.json()["matches"])


def started(vocabulary: bool) -> tuple[LanguageToolServer, dict[str, float]]:
    """A server, with its start figures: process ready, first check, CPU and memory."""
    t0 = time.monotonic()
    server = LanguageToolServer(vocabulary=None if vocabulary else False)
    server.start()
    ready = time.monotonic() - t0
    with httpx.Client(timeout=600) as client:
        t1 = time.monotonic()
        raw_check(client, server.url, "This are a first check, to warm the server up.", "en-GB")
        first = time.monotonic() - t1
    mem = server.memory()
    return server, {
        "ready_s": ready,
        "first_check_s": first,
        "java_cpu_s": cpu_seconds(server.pid),
        "rss_mb": mem.get("rss", 0) / MB,
    }


def medical_texts() -> tuple[list[str], list[tuple[str, str]]]:
    """300 medical words spread across the vocabulary, and 36 of them misspelt."""
    v = default_vocabulary()
    words = [w for w in v.spelling_words("en-GB") if re.fullmatch(r"[A-Za-z]{6,}", w)]
    step = len(words) / 300
    terms = [words[int(i * step)] for i in range(300)]
    pairs = []
    for t in terms:
        i = len(t) // 2
        typo = t[: i - 1] + t[i] + t[i - 1] + t[i + 1 :]
        if t.islower() and len(t) >= 7 and typo not in v:
            pairs.append((t, typo))
    pairs = [pairs[int(i * len(pairs) / 36)] for i in range(36)]
    return terms, pairs


def paragraphs_of(words: Sequence[str]) -> list[Paragraph]:
    sentences = [TEMPLATES[i % 4].format(w) for i, w in enumerate(words)]
    return [Paragraph(" ".join(sentences[i : i + 10])) for i in range(0, len(sentences), 10)]


def vocabulary_comparison() -> None:
    terms, pairs = medical_texts()
    v = default_vocabulary()
    print("\n== Medical vocabulary: loaded into LanguageTool, or only filtered afterwards ==")
    print(f"{'':34}{'loaded (spelling files)':>26}{'filtered (stock server)':>26}")
    rows: dict[str, list[str]] = {}
    for loaded in (True, False):
        server, figures = started(loaded)
        try:
            service = GrammarService(server.url, "en-GB", server=server)
            t0 = time.monotonic()
            result = service.check_paragraphs(paragraphs_of(terms))
            seconds = time.monotonic() - t0
            flagged = [
                p.text[m.offset : m.offset + m.length]
                for p, ms in zip(paragraphs_of(terms), result.matches, strict=True)
                for m in ms or ()
                if m.rule_id.startswith("MORFOLOGIK")
            ]
            kept = [w for w in flagged if not v.accepts(w, "en-GB")]
            typos = service.check_paragraphs(paragraphs_of([typo for _, typo in pairs]))
            suggestions: dict[str, tuple[str, ...]] = {}
            for p, ms in zip(paragraphs_of([typo for _, typo in pairs]), typos.matches, strict=True):
                for m in ms or ():
                    suggestions[p.text[m.offset : m.offset + m.length]] = m.replacements
            found = sum(typo in suggestions for _, typo in pairs)
            right = sum(term in suggestions.get(typo, ()) for term, typo in pairs)
            rss = server.memory().get("rss", 0) / MB
        finally:
            server.stop()
        for key, value in (
            ("process ready (s)", f"{figures['ready_s']:.1f}"),
            ("first check (s)", f"{figures['first_check_s']:.1f}"),
            ("Java CPU to first answer (s)", f"{figures['java_cpu_s']:.1f}"),
            ("RSS after first check (MB)", f"{figures['rss_mb']:.0f}"),
            ("300 medical words: check (s)", f"{seconds:.1f}"),
            ("  flagged by LanguageTool", f"{len(flagged)}"),
            ("  still flagged after our filter", f"{len(kept)}"),
            ("36 misspellings reported", f"{found}"),
            ("  with the right suggestion", f"{right}"),
            ("RSS after these checks (MB)", f"{rss:.0f}"),
        ):
            rows.setdefault(key, []).append(value)
    for key, (a, b) in rows.items():
        print(f"{key:34}{a:>26}{b:>26}")


def timed(fn: Callable[[], Any]) -> float:
    t0 = time.monotonic()
    fn()
    return time.monotonic() - t0


def stage_benchmark(docs: list[Document], parallel: int, blocks: int) -> None:
    config: Config = from_mapping({"grammar": {"parallel": parallel}})
    language = config.language
    chars = sum(len(d.text) for d in docs)
    print(f"\n== Grammar stage on {len(docs)} articles of the extraction benchmark ({chars:,} characters) ==")
    server, figures = started(True)
    print(
        f"LanguageTool with the medical vocabulary: ready in {figures['ready_s']:.1f} s, first check "
        f"{figures['first_check_s']:.1f} s, RSS {figures['rss_mb']:.0f} MB after it"
    )
    try:
        ctx = CheckContext(config=config)
        service = GrammarService.from_config(server.url, config, server=server)
        ctx.grammar = service
        client = httpx.Client(timeout=600, limits=httpx.Limits(max_connections=parallel))

        def ours(batch: Sequence[Document]) -> None:
            # As the runner does: several articles at once; the service keeps `parallel` requests in flight.
            with ThreadPoolExecutor(max_workers=4) as pool:
                outs = list(pool.map(lambda d: languagetool_matches(d, ctx), batch))
            assert all(isinstance(o, CheckOutput) and o.metrics["grammar"]["not_checked"] == 0 for o in outs)

        def raw(batch: Sequence[Document]) -> None:
            with ThreadPoolExecutor(max_workers=parallel) as pool:
                list(pool.map(lambda d: raw_check(client, server.url, d.text, language), batch))

        raw_s = ours_s = 0.0
        raw_cpu = ours_cpu = 0.0
        size = max(1, len(docs) // blocks)
        for k, start in enumerate(range(0, len(docs), size)):
            batch = docs[start : start + size]
            order = [("raw", raw), ("ours", ours)] if k % 2 == 0 else [("ours", ours), ("raw", raw)]
            for name, fn in order:
                c0 = cpu_seconds(server.pid)
                seconds = timed(lambda fn=fn, batch=batch: fn(batch))  # type: ignore[misc]
                cpu = cpu_seconds(server.pid) - c0
                if name == "raw":
                    raw_s, raw_cpu = raw_s + seconds, raw_cpu + cpu
                else:
                    ours_s, ours_cpu = ours_s + seconds, ours_cpu + cpu
        sent = service.characters_sent
        requests = service.requests
        c0 = cpu_seconds(server.pid)
        warm_s = timed(lambda: ours(docs))
        warm_cpu = cpu_seconds(server.pid) - c0
        assert service.requests == requests, "the re-run sent requests"
        memory = server.memory()
        client.close()
    finally:
        server.stop()
    overhead = (ours_s / raw_s - 1) * 100
    print(f"{'':44}{'seconds':>9}{'chars/s':>10}{'Java CPU s':>12}")
    print(f"{'raw LanguageTool (whole text per request)':44}{raw_s:9.1f}{chars / raw_s:10.0f}{raw_cpu:12.1f}")
    print(f"{'our grammar stage, cold cache':44}{ours_s:9.1f}{chars / ours_s:10.0f}{ours_cpu:12.1f}")
    print(
        f"{'our grammar stage, re-run on unchanged text':44}{warm_s:9.2f}{chars / warm_s:10.0f}{warm_cpu:12.1f}"
    )
    print(f"our overhead over raw LanguageTool, cold cache: {overhead:+.1f}% (target: at most +15%)")
    print(f"re-run on unchanged text: {ours_s / warm_s:.0f}x faster than the cold run (target: at least 20x)")
    print(
        f"we sent {sent:,} of {chars:,} characters in {requests} requests "
        f"(the rest is reference lists and repeated paragraphs); {parallel} requests in flight"
    )
    print(
        f"LanguageTool memory after auditing the whole corpus: RSS {memory.get('rss', 0) / MB:.0f} MB, "
        f"peak {memory.get('peak_rss', 0) / MB:.0f} MB (heap limit -Xmx{server.heap})"
    )


def _scorer() -> Any:
    """The project's scorer (labelled-pages/score.py), so both paths are scored exactly as it scores."""
    path = LABELLED_SETS[0][1] / "score.py"
    spec = importlib.util.spec_from_file_location("labelled_score", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _as_flags(doc: Document, spans: list[tuple[int, int]], rule: str) -> dict[str, Any]:
    findings = [{"rule": rule, "outcome": "fail", "span": {"start": a, "end": b}} for a, b in spans]
    return {"status": "audited", "text": doc.text, "findings": findings}


def labelled_precision(folder: Path, ours_url: str, raw_url: str, scorer: Any) -> dict[str, Any]:
    """GR precision and recall of our stage and of raw LanguageTool on one labelled set."""
    labels = {
        p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted((folder / "labels").glob("*.json"))
    }
    pages: dict[str, list[dict[str, Any]]] = {"ours": [], "raw": []}
    left_out: set[str] = set()
    with httpx.Client(timeout=600) as client:
        for pid, lab in labels.items():
            try:
                config = from_mapping({"select": ["GR"], "locale": lab["locale"]})
            except ConfigError:
                left_out.add(lab["locale"])  # as the scorer does: a locale the tool refuses is left out
                continue
            html = (folder / "pages" / f"{pid}.html").read_text(encoding="utf-8")
            doc = extract(RawPage(source=str(folder / "pages" / f"{pid}.html"), html=html))
            ctx = CheckContext(config=config)
            ctx.grammar = GrammarService.from_config(ours_url, config)
            out = languagetool_matches(doc, ctx)
            assert isinstance(out, CheckOutput)
            ours = {
                "status": "audited",
                "text": doc.text,
                "findings": [
                    {"rule": f.rule, "outcome": f.outcome, "span": {"start": f.span.start, "end": f.span.end}}
                    for f in out.findings
                    if f.span is not None
                ],
            }
            response = client.post(
                f"{raw_url}/v2/check", data={"language": config.language, "text": doc.text}
            )
            response.raise_for_status()
            raw_spans = [(m["offset"], m["offset"] + m["length"]) for m in response.json()["matches"]]
            pages["ours"].append(scorer.score_page(lab, ours))
            pages["raw"].append(scorer.score_page(lab, _as_flags(doc, raw_spans, "GR001")))
    figures: dict[str, Any] = {"pages": len(pages["ours"]), "left_out_locales": sorted(left_out)}
    for name, scored in pages.items():
        tp = sum(p["gr"]["tp"] for p in scored)
        fp = sum(p["gr"]["fp"] for p in scored)
        want = sum(p["gr"]["want"] for p in scored)
        found = sum(p["gr"]["found"] for p in scored)
        figures[name] = {
            "tp": tp,
            "fp": fp,
            "precision": tp / (tp + fp) if tp + fp else None,
            "recall": found / want if want else None,
        }
    return figures


def labelled_benchmark() -> None:
    print("\n== GR on labelled real pages: our grammar stage beside raw LanguageTool ==")
    print("(scored by labelled-pages/score.py; raw = every match of a stock server with default rules)")
    scorer = _scorer()
    ours_server, _ = started(True)
    raw_server, _ = started(False)
    try:
        for label, folder in LABELLED_SETS:
            f = labelled_precision(folder, ours_server.url, raw_server.url, scorer)

            def shown(x: float | None) -> str:
                return "n/a" if x is None else f"{x:.3f}"

            print(
                f"\n{label}: {f['pages']} pages"
                + (
                    f" (locales left out: {', '.join(f['left_out_locales'])})"
                    if f["left_out_locales"]
                    else ""
                )
            )
            print(f"{'':28}{'precision':>10}{'recall':>8}{'right':>7}{'wrong':>7}")
            for name, title in (("ours", "our GR001 + GR002"), ("raw", "raw LanguageTool")):
                g = f[name]
                print(f"{title:28}{shown(g['precision']):>10}{shown(g['recall']):>8}{g['tp']:>7}{g['fp']:>7}")
    finally:
        ours_server.stop()
        raw_server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--limit", type=int, default=None, help="only the first N corpus pages")
    parser.add_argument("--parallel", type=int, default=2, help="requests in flight (both paths)")
    parser.add_argument("--blocks", type=int, default=8, help="alternating blocks of articles")
    parser.add_argument("--no-vocabulary-comparison", action="store_true")
    parser.add_argument(
        "--labelled", action="store_true", help="only GR precision on the labelled real pages"
    )
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start")
    if args.labelled:
        labelled_benchmark()
        return
    if not args.no_vocabulary_comparison:
        vocabulary_comparison()
    t0 = time.monotonic()
    docs = load_corpus(args.limit)
    print(
        f"\n(extracted {len(docs)} English corpus pages in {time.monotonic() - t0:.0f} s; "
        "not part of the figures)"
    )
    stage_benchmark(docs, args.parallel, args.blocks)
    labelled_benchmark()
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
