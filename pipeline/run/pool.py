"""Worker processes for the CPU-bound part of an audit: extraction and the checks that need no service.

Parsing HTML and running the static checks is pure Python, so threads share one core; a process per
CPU uses them all. Checks that call a shared service (LanguageTool) stay in the coordinating
process, where its connection pool, paragraph cache and restart logic live. The pool is the
standard library's `ProcessPoolExecutor` with forkserver start: children fork from a clean process
that has imported the pipeline once, never from the threaded coordinator.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor

from pipeline.config import Config
from pipeline.ingest.read import RawInput
from pipeline.ingest.sources import Source
from pipeline.model import ArticleResult, Document
from pipeline.procmem import memory_of
from pipeline.rules import CHECKS
from pipeline.rules.context import CheckContext
from pipeline.rules.registry import CheckOutput
from pipeline.run.assembly import check_outputs, extract_or_error

# A run smaller than this is not worth starting processes for.
MIN_ARTICLES = 20

_WORKER: CheckContext | None = None


def process_count(config: Config, articles: int, *, automatic: bool = False) -> int:
    """How many worker processes this run uses; 0 means audit on threads in this process.

    `automatic`: the caller (the command line) allows one per CPU when `processes` is unset.
    """
    wanted = config.runner.processes
    if wanted is None:  # one per CPU, for runs big enough to pay for starting them
        wanted = (os.cpu_count() or 1) if automatic and articles >= MIN_ARTICLES else 1
    if config.accessibility.browser:  # browser mode shares one Chromium in-process
        return 0
    # A time budget is enforced by killing the worker that overran: that needs a worker.
    if wanted <= 1 and config.runner.article_timeout is None:
        return 0
    return min(max(1, wanted), max(1, articles))


class LocalChecks:
    """A pool of worker processes that extract an article and run its service-free checks."""

    def __init__(self, config: Config, processes: int) -> None:
        context = multiprocessing.get_context("forkserver")
        # Imported once in the fork server, so every worker starts with them already loaded.
        context.set_forkserver_preload([__name__, "pipeline.run.assembly", "pipeline.rules", "textstat"])
        self.processes = processes
        self.pool = ProcessPoolExecutor(processes, mp_context=context, initializer=_start, initargs=(config,))

    def start(self) -> None:
        """Start every worker now (each loads its data) instead of on the first articles."""
        for _ in range(self.processes):
            self.pool.submit(_ready)

    def submit(self, source: Source, raw: RawInput) -> Future[tuple[Document, dict[str, CheckOutput]] | ArticleResult]:
        return self.pool.submit(_local_part, source, raw)

    def kill(self) -> None:
        """Stop every worker now, mid-article (a runaway page cannot be interrupted any other way)."""
        processes = dict(getattr(self.pool, "_processes", None) or {})
        for process in processes.values():
            process.kill()
        self.pool.shutdown(wait=False, cancel_futures=True)

    def close(self, *, cancel: bool = False) -> int:
        """Stop the workers; returns the largest worker's peak memory in bytes (0 if unknown)."""
        pids = getattr(self.pool, "_processes", None) or {}
        peak = max((memory_of(pid).get("peak_rss", 0) for pid in pids), default=0)
        self.pool.shutdown(wait=not cancel, cancel_futures=cancel)
        return peak


def _start(config: Config) -> None:
    global _WORKER
    _WORKER = CheckContext(config=config)
    _warm(config)


def _warm(config: Config) -> None:
    """Read the data every article uses before the first one, then keep the collector off it.

    Parsing builds hundreds of thousands of short-lived objects, so with the default thresholds
    the full collection, which also walks the word lists, ran dozens of times per page: a larger
    first generation and a frozen start-up heap cut about a tenth of the CPU time per article.
    """
    from pipeline.language.syllables import counter
    from pipeline.rules.safety.packs import load_locales, load_packs
    from pipeline.rules.terms.glossary import glossary_matcher

    steps = (
        lambda: glossary_matcher(config),
        counter,
        lambda: load_packs(config.safety.rules_dir),
        lambda: load_locales(config.safety.locales),
    )
    for step in steps:
        try:
            step()
        except Exception:  # noqa: BLE001, S112 (a broken data file is reported on each article by its check)
            continue
    gc.freeze()
    gc.set_threshold(2000, 10, 10)


def _ready() -> None:
    """Nothing: submitted only to make the pool start its workers."""


def _local_part(source: Source, raw: RawInput) -> tuple[Document, dict[str, CheckOutput]] | ArticleResult:
    """In a worker: the Document and every service-free check's output, or the article's error result."""

    ctx = _WORKER
    assert ctx is not None, "worker started without its context"
    doc = extract_or_error(source, raw, ctx.config)
    if isinstance(doc, ArticleResult):
        return doc
    local = [c for c in CHECKS.values() if not c.uses_service]
    outputs = check_outputs(doc, ctx, local) if doc.text.strip() else {}
    doc.parsed = None  # the element tree stays here; the coordinator needs the text and blocks
    return doc, outputs
