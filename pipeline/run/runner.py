"""Runs every enabled check on every article; a crash or a bad article never loses the others."""

from __future__ import annotations

import contextlib
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import CancelledError, Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from pipeline import __version__
from pipeline.config import Config
from pipeline.errors import LanguageToolUnavailable
from pipeline.ingest.read import RawInput
from pipeline.ingest.sources import Source, expand
from pipeline.language.vocabulary import paths_from_config
from pipeline.model import ArticleResult, RunResult
from pipeline.rules import CHECKS, RUN_CHECKS
from pipeline.rules.context import CheckContext
from pipeline.rules.grammar.languagetool import languagetool_url
from pipeline.rules.grammar.service import GrammarService
from pipeline.rules.selection import enabled_rules
from pipeline.run.assembly import (
    assemble,
    audit_extracted_or_error,
    check_outputs,
    over_budget_result,
    read_or_error,
    result_for,
)
from pipeline.run.pool import LocalChecks, process_count

if TYPE_CHECKING:  # the database layer loads only where history is used, not in worker processes
    from pipeline.history import History


# (source, digest of its bytes) -> the stored result for exactly those bytes under the same settings.
Reuse = Callable[[str, str], ArticleResult | None]


def audit_source(
    source: Source, ctx: CheckContext, reuse: Reuse | None = None, local: LocalPool | None = None
) -> ArticleResult:
    """Read, reuse or extract and check one source. With `local`, the service-free work runs there."""
    raw = read_or_error(source, ctx.config)
    if isinstance(raw, ArticleResult):
        return raw
    if reuse is not None:  # before extraction: an unchanged page costs a read and a hash
        previous = reuse(source.location, raw.digest)
        if previous is not None:
            previous.reused, previous.input_hash = True, raw.digest
            return previous
    pool = local.get() if local is not None else None
    if pool is not None and local is not None:
        try:
            try:
                result = _audit_in_pool(pool, source, raw, ctx, local)
            except (BrokenProcessPool, CancelledError):
                # Another article overran its budget and its workers were killed: start again on the
                # new pool (this article had not overrun).
                retry = local.get() if local.killed(pool) and not local.stopped else None
                if retry is None:
                    raise
                result = _audit_in_pool(retry, source, raw, ctx, local)
        except CancelledError:
            raise RunStopped() from None  # the run was interrupted: do not audit it here instead
        except BrokenProcessPool as err:  # a worker died: this article and the rest run here instead
            if local.stopped:
                raise RunStopped() from None
            local.broken(f"a worker process stopped ({err}); the remaining articles were audited in-process")
            result = audit_extracted_or_error(source, raw, ctx)
        except Exception:  # the pool could not carry this article (its result would not pickle): here
            result = audit_extracted_or_error(source, raw, ctx)
    else:
        result = audit_extracted_or_error(source, raw, ctx)
    result.input_hash = raw.digest
    return result


def _audit_in_pool(
    pool: LocalChecks, source: Source, raw: RawInput, ctx: CheckContext, local: LocalPool
) -> ArticleResult:
    budget = ctx.config.runner.article_timeout
    if budget is None:
        part = pool.submit(source, raw).result()
    else:
        future = local.submit_tracked(pool, source, raw)
        try:
            # The budget runs from when a worker takes the article, not while it waits in the queue.
            # A process pool marks queued futures "running" early, so wait for the article to be among
            # the oldest unfinished ones, as many as there are workers: those are the ones being done.
            while not future.done() and not local.at_work(future):
                time.sleep(0.05)
            part = future.result(timeout=budget)
        except FutureTimeout:
            local.kill(pool)
            return over_budget_result(source.location, budget)
        finally:
            local.untrack(future)
    if isinstance(part, ArticleResult):
        return part
    doc, outputs = part
    service = [c for c in CHECKS.values() if c.uses_service]
    return result_for(doc, ctx.config, lambda: assemble(doc, ctx.config, {**outputs, **check_outputs(doc, ctx, service)}))


class RunStopped(Exception):
    """The run was interrupted; threads still finishing an article stop instead of carrying on."""


def _cannot_start(err: Exception) -> str:
    return f"worker processes could not start ({err}); the articles were audited in-process"


class LocalPool:
    """The run's worker processes, started on first use (a fully reused run never starts them)."""

    def __init__(self, config: Config, processes: int) -> None:
        self.config, self.processes = config, processes
        self._pool: LocalChecks | None = None
        self._lock = threading.Lock()
        self._broken: str | None = None
        self.stopped = False  # closed: never start another pool
        self.peak_rss = 0  # bytes, the largest worker's
        self._killed: set[int] = set()  # pools killed for an article over its time budget
        self.kills = 0
        self._inflight: list[Future[Any]] = []  # in submission order, which workers take them in

    def submit_tracked(self, pool: LocalChecks, source: Source, raw: RawInput) -> Future[Any]:
        """Submit and remember the order, under one lock, so the order kept is the order queued."""
        with self._lock:
            future = pool.submit(source, raw)
            self._inflight.append(future)
            return future

    def untrack(self, future: Future[Any]) -> None:
        with self._lock:
            if future in self._inflight:
                self._inflight.remove(future)

    def at_work(self, future: Future[Any]) -> bool:
        """Whether a worker has taken `future` (it is among the oldest `processes` unfinished ones)."""
        with self._lock:
            waiting = [f for f in self._inflight if not f.done()]
            return future in waiting[: max(1, self.processes)]

    def get(self) -> LocalChecks | None:
        with self._lock:
            if self.stopped:
                raise RunStopped()
            if self._pool is None and self._broken is None:
                try:
                    self._pool = LocalChecks(self.config, self.processes)
                except Exception as err:  # no forkserver on this platform, no processes allowed, ...
                    self._broken = _cannot_start(err)
            return None if self._broken else self._pool

    def start(self) -> None:
        """Start the workers now, while this process gets ready: for runs that will need them."""
        pool = self.get()
        if pool is not None:
            try:
                pool.start()
            except Exception as err:  # noqa: BLE001 (the first article finds the same failure and falls back)
                self.broken(_cannot_start(err))

    def kill(self, pool: LocalChecks) -> None:
        """Kill a pool whose article overran; the next article starts a fresh one."""
        with self._lock:
            if self._pool is pool:
                self._killed.add(id(pool))
                self.kills += 1
                pool.kill()
                self._pool = None

    def killed(self, pool: LocalChecks) -> bool:
        with self._lock:
            return id(pool) in self._killed

    def broken(self, why: str) -> None:
        with self._lock:
            self._broken = self._broken or why

    def stats(self) -> dict[str, Any]:
        out: dict[str, Any] = {"processes": self.processes}
        if self.peak_rss:
            out["peak_rss_mib"] = round(self.peak_rss / 2**20)
        if self.kills:
            out["stopped_over_budget"] = self.kills
        return {**out, **({"event": self._broken} if self._broken else {})}

    def close(self, *, cancel: bool = False) -> None:
        with self._lock:
            self.stopped = True
            if self._pool is not None:
                self.peak_rss = max(self.peak_rss, self._pool.close(cancel=cancel))
                self._pool = None


@contextlib.contextmanager
def check_context(config: Config) -> Iterator[CheckContext]:
    """A context with a LanguageTool server (started here, or the configured URL) for the whole run."""
    ctx = CheckContext(config=config)
    if not config.grammar.enabled:
        yield ctx
        return
    try:
        with languagetool_url(
            config.grammar.url, start_timeout=config.grammar.start_timeout, vocabulary=paths_from_config(config)
        ) as (url, server):
            ctx.grammar = GrammarService.from_config(url, config, server=server)
            yield ctx
    except LanguageToolUnavailable as err:
        if ctx.grammar is not None:
            raise
        ctx.grammar_unavailable = str(err)
        yield ctx


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def run_audit(
    sources: list[str],
    config: Config,
    *,
    progress: Callable[[ArticleResult], None] | None = None,
    ctx: CheckContext | None = None,
    record_history: bool = True,
    automatic_processes: bool = False,
) -> RunResult:
    """Audit every source. With record_history=False the caller records the run after gating it.

    `automatic_processes`: use one worker process per CPU when `[runner] processes` is unset (the
    command line does; a library caller's script must then guard its code with `__main__`).
    """
    start = begin_run(sources, config)
    items, history, fp = start.items, start.history, start.fingerprint
    reuse = history.reuser(config, fp) if history and config.history.incremental else None
    # A caller's own context (and its services) stays in this process.
    processes = process_count(config, len(items), automatic=automatic_processes) if ctx is None else 0
    local = LocalPool(config, processes) if processes else None
    if local and reuse is None:  # nothing can be reused: the workers will be needed, start them now
        local.start()

    def one(src: Source) -> ArticleResult:
        assert active is not None
        res = audit_source(src, active, reuse, local)
        if progress:
            progress(res)
        return res

    with contextlib.ExitStack() as stack:
        active = ctx or stack.enter_context(check_context(config))
        if ctx is None:  # our context: close the browser that browser-mode checks may have started
            from pipeline.rules.accessibility.browser import close_shared_browser

            stack.callback(close_shared_browser, active)
        # Threads read, fetch and wait on LanguageTool; the worker processes (if any) do the CPU work.
        threads = max(1, config.workers, processes)
        with ThreadPoolExecutor(max_workers=threads) as pool:
            try:
                articles = list(pool.map(one, items))
            except BaseException:  # Ctrl-C: do not go on auditing the queued articles
                pool.shutdown(wait=False, cancel_futures=True)
                if local:
                    local.close(cancel=True)
                raise
        if local:
            local.close()
        stats: dict[str, Any] = {}
        if active.grammar is not None:
            stats["languagetool"] = active.grammar.stats()
        if local:
            stats["worker_processes"] = local.stats()
    run = finish_run(config, start, articles, stats)
    if history and record_history and fp:
        history.record(run, fp)
    return run


@dataclass
class RunStart:
    """What a run fixes as it begins, for the command's runner and the Prefect flow alike."""

    started: str
    items: list[Source]
    history: History | None
    # Of settings, code and data, taken once: every article is reused, and the run recorded, under it.
    fingerprint: str | None


def begin_run(sources: list[str], config: Config) -> RunStart:
    started = now()
    items = expand(sources, config)
    history = open_history(config)
    fp: str | None = None
    if history:
        from pipeline.history import fingerprint  # loaded with history only: worker processes never need it

        fp = fingerprint(config)
    return RunStart(started, items, history, fp)


def finish_run(config: Config, start: RunStart, articles: list[ArticleResult], stats: dict[str, Any]) -> RunResult:
    """The run's result: cross-article findings added, the fingerprint noted, trends attached."""
    if start.fingerprint:
        stats = {**stats, "fingerprint": start.fingerprint}
    run = new_run(config, start.started, articles, stats)
    if start.history:
        start.history.attach_trends(run)
    return run


def add_cross_article_findings(articles: list[ArticleResult], config: Config) -> None:
    """Findings that need the whole run, from every registered cross-article check."""
    by_id = {a.id: a for a in articles}
    for chk in RUN_CHECKS.values():
        for a in articles:  # a result reused from history must not keep an earlier run's findings
            a.findings = [f for f in a.findings if f.rule not in chk.codes]
        for article_id, f in chk.fn(articles, config):
            art = by_id[article_id]
            level = enabled_rules(config, art.source).get(f.rule)
            if level is not None:
                f.level = level
                art.findings.append(f)
                art.findings.sort(key=lambda x: (x.span.start if x.span else -1, x.rule))


def new_run(config: Config, started: str, articles: list[ArticleResult], stats: dict[str, Any]) -> RunResult:
    """A RunResult from the articles, with the run-wide findings added."""
    add_cross_article_findings(articles, config)
    stats = {**stats, "reused": sum(a.reused for a in articles), "checked": sum(not a.reused for a in articles)}
    return RunResult(
        id=uuid.uuid4().hex[:12],
        started_at=started,
        finished_at=now(),
        config=config.effective(),
        articles=articles,
        tool_version=__version__,
        fail_on=config.fail_on,
        stats=stats,
    )


def open_history(config: Config) -> History | None:
    if not config.history.enabled:
        return None
    from pipeline.history import History, HistoryUnavailable, default_url, warn_unavailable

    try:
        return History.open(default_url(config))
    except HistoryUnavailable as err:
        # A broken history must not cost the audit: run without it, and say so.
        warn_unavailable(str(err))
        return None
