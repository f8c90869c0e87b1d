"""Runs every enabled check on every article; a crash or a bad article never loses the others."""

from __future__ import annotations

import contextlib
import fnmatch
import threading
import traceback
import uuid
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import CancelledError, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from pipeline import __version__
from pipeline.config import Config
from pipeline.context import CheckContext
from pipeline.extract import ExtractedDocument
from pipeline.grammar_service import GrammarService
from pipeline.languagetool import LanguageToolUnavailable, languagetool_url
from pipeline.load import LoadError, RawInput, extract_input, read_input
from pipeline.model import LEVEL_RANK, ArticleResult, Document, Finding, Level, RunResult, source_id
from pipeline.parallel import LocalChecks, process_count
from pipeline.registry import CHECKS, RULES, Check, CheckOutput, finding, load_all
from pipeline.sources import Source, expand
from pipeline.vocabulary import paths_from_config

if TYPE_CHECKING:  # the database layer loads only where history is used, not in worker processes
    from pipeline.history import History


def _matches(selectors: list[str], code: str) -> bool:
    return any(code == s or (len(s) == 2 and code.startswith(s)) for s in selectors)


def enabled_rules(config: Config, source: str = "") -> dict[str, Level]:
    """Enabled rule codes with their levels, path overrides applied."""
    return {code: level for code, (level, _explicit) in _rule_levels(config, source).items()}


def _rule_levels(config: Config, source: str = "") -> dict[str, tuple[Level, bool]]:
    """Enabled rule codes -> (level, whether the configuration set that level explicitly)."""
    load_all()
    select, ignore, levels = list(config.select), list(config.ignore), dict(config.levels)
    for ov in config.overrides:
        if any(fnmatch.fnmatch(source, pat) for pat in ov.paths):
            select = ov.select if ov.select is not None else select
            ignore += ov.ignore
            levels.update(ov.levels)
    if config.grammar.picky and not _matches(ignore, "GR003"):
        select = select or [c for c, r in RULES.items() if r.enabled_by_default]
        select = [*select, "GR003"]
    if not config.grammar.enabled:
        ignore.append("GR")
    out: dict[str, tuple[Level, bool]] = {}
    for code, r in RULES.items():
        chosen = _matches(select, code) if select else r.enabled_by_default
        if code.startswith("EX"):
            chosen = True  # load and crash reports cannot be switched off
        if chosen and not (_matches(ignore, code) and not code.startswith("EX")):
            configured = levels.get(code) or levels.get(code[:2])
            out[code] = (configured or r.default_level, configured is not None)
    return out


def check_outputs(doc: Document, ctx: CheckContext, checks: Iterable[Check]) -> dict[str, CheckOutput]:
    """Each applicable check's raw output; a check that crashes gives an EX003 finding instead."""
    rules = _rule_levels(ctx.config, doc.source)
    outputs: dict[str, CheckOutput] = {}
    for chk in checks:
        if not any(code in rules for code in chk.codes):
            continue
        try:
            result = chk.fn(doc, ctx)
        except Exception as err:  # a check's bug becomes a finding, never a lost run
            tb = traceback.format_exception_only(type(err), err)[-1].strip()
            crash = finding("EX003", f"The check '{chk.name}' failed on this article: {tb}", data={"check": chk.name})
            outputs[chk.name] = CheckOutput([crash])
            continue
        outputs[chk.name] = result if isinstance(result, CheckOutput) else CheckOutput(list(result))
    return outputs


def assemble(doc: Document, config: Config, outputs: dict[str, CheckOutput]) -> tuple[list[Finding], dict[str, Any]]:
    """The article's findings (enabled rules only, at their levels, in text order) and metrics."""
    rules = _rule_levels(config, doc.source)
    findings: list[Finding] = []
    metrics: dict[str, Any] = {}
    for name in CHECKS:  # registration order, wherever each check ran
        if name not in outputs:
            continue
        out = outputs[name]
        for key, value in out.metrics.items():
            metrics.setdefault(key, {}).update(value) if isinstance(value, dict) else metrics.update({key: value})
        for f in out.findings:
            if f.rule in rules:
                level, explicit = rules[f.rule]
                # Clinical data may set a requirement's severity (safety packs); configuration wins.
                severity = f.data.get("severity")
                if not explicit and severity in LEVEL_RANK and f.outcome != "pass":
                    level = severity
                f.level = level
                findings.append(f)
    findings.sort(key=lambda f: (f.span.start if f.span else -1, f.rule))
    return findings, metrics


def run_checks(doc: Document, ctx: CheckContext) -> tuple[list[Finding], dict[str, Any]]:
    return assemble(doc, ctx.config, check_outputs(doc, ctx, CHECKS.values()))


def error_result(source: str, code: str, message: str, *, transient: bool = False) -> ArticleResult:
    """`transient`: our own failure (an exception), not something in the page; never reused."""
    load_all()  # the first article of a run may fail before any check has loaded the rules
    found = finding(code, message, data={"transient": True} if transient else None)
    return ArticleResult(id=source_id(source), source=source, status="error", findings=[found])


def audit_document(doc: Document, ctx: CheckContext) -> ArticleResult:
    return result_for(doc, ctx.config, lambda: run_checks(doc, ctx))


def result_for(
    doc: Document, config: Config, checked: Callable[[], tuple[list[Finding], dict[str, Any]]]
) -> ArticleResult:
    """The article's result: an EX002 error when the page had no article text, else `checked()`."""
    if not doc.text.strip():
        res = error_result(doc.source, "EX002", f"{doc.source}: no article text was found on the page.")
        res.title, res.stripped = doc.title, doc.stripped
        return res
    findings, metrics = checked()
    return ArticleResult(
        id=doc.id,
        source=doc.source,
        status="audited",
        title=doc.title,
        language=doc.language,
        text=doc.text,
        stripped=doc.stripped,
        blocks=doc.blocks,
        metrics=metrics,
        findings=findings,
        dates=doc.dates,
        content_hash=doc.content_hash,
    )


# (source, digest of its bytes) -> the stored result for exactly those bytes under the same settings.
Reuse = Callable[[str, str], ArticleResult | None]


def audit_source(
    source: Source, ctx: CheckContext, reuse: Reuse | None = None, local: LocalPool | None = None
) -> ArticleResult:
    """Read, reuse or extract and check one source. With `local`, the service-free work runs there."""
    try:
        raw = read_input(source, ctx.config)
    except LoadError as err:
        return error_result(source.location, err.code, str(err))
    except Exception as err:  # a reader bug on one source must not stop the run
        return error_result(source.location, "EX001", f"{source.location} could not be read: {err}")
    if reuse is not None:  # before extraction: an unchanged page costs a read and a hash
        previous = reuse(source.location, raw.digest)
        if previous is not None:
            previous.reused, previous.input_hash = True, raw.digest
            return previous
    pool = local.get() if local is not None else None
    if pool is not None and local is not None:
        try:
            result = _audit_in_pool(pool, source, raw, ctx)
        except CancelledError:
            raise RunStopped() from None  # the run was interrupted: do not audit it here instead
        except BrokenProcessPool as err:  # a worker died: this article and the rest run here instead
            if local.stopped:
                raise RunStopped() from None
            local.broken(f"a worker process stopped ({err}); the remaining articles were audited in-process")
            result = _audit_here(source, raw, ctx)
        except Exception:  # the pool could not carry this article (its result would not pickle): here
            result = _audit_here(source, raw, ctx)
    else:
        result = _audit_here(source, raw, ctx)
    result.input_hash = raw.digest
    return result


def extract_or_error(source: Source, raw: RawInput, config: Config) -> ExtractedDocument | ArticleResult:
    """The Document in the bytes, or the article's error result (here or in a worker process)."""
    try:
        return extract_input(source, raw, config)
    except LoadError as err:
        return error_result(source.location, err.code, str(err))
    except Exception as err:  # an extractor bug on one page must not stop the run
        return error_result(source.location, "EX001", f"{source.location} could not be read: {err}", transient=True)


def _audit_here(source: Source, raw: RawInput, ctx: CheckContext) -> ArticleResult:
    doc = extract_or_error(source, raw, ctx.config)
    return doc if isinstance(doc, ArticleResult) else audit_document(doc, ctx)


def _audit_in_pool(pool: LocalChecks, source: Source, raw: RawInput, ctx: CheckContext) -> ArticleResult:
    part = pool.submit(source, raw).result()
    if isinstance(part, ArticleResult):
        return part
    doc, outputs = part
    load_all()  # the service checks are looked up here, perhaps before anything else loaded them
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

    def broken(self, why: str) -> None:
        with self._lock:
            self._broken = self._broken or why

    def stats(self) -> dict[str, Any]:
        out: dict[str, Any] = {"processes": self.processes}
        if self.peak_rss:
            out["peak_rss_mib"] = round(self.peak_rss / 2**20)
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
    started = now()
    items = expand(sources, config)

    history = open_history(config)
    fp: str | None = None
    if history:
        from pipeline.history import fingerprint  # loaded with history only: worker processes never need it

        fp = fingerprint(config)  # once, as the run begins; the run is reused and recorded under it
    reuse = history.reuser(config, fp) if history and config.history.incremental else None
    # A caller's own context (and its services) stays in this process.
    processes = process_count(config, len(items), automatic=automatic_processes) if ctx is None else 0
    local = LocalPool(config, processes) if processes else None
    if local and reuse is None:  # nothing can be reused: the workers will be needed, start them now
        local.start()
    load_all()

    def one(src: Source) -> ArticleResult:
        assert active is not None
        res = audit_source(src, active, reuse, local)
        if progress:
            progress(res)
        return res

    with contextlib.ExitStack() as stack:
        active = ctx or stack.enter_context(check_context(config))
        if ctx is None:  # our context: close the browser that browser-mode checks may have started
            from pipeline.accessibility.browser import close_shared_browser

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
    if fp:
        stats["fingerprint"] = fp
    run = new_run(config, started, articles, stats)
    if history:
        history.attach_trends(run)
        if record_history and fp:
            history.record(run, fp)
    return run


def add_cross_article_findings(articles: list[ArticleResult], config: Config) -> None:
    """Findings that need the whole run (MT005: one term explained differently across articles)."""
    from pipeline.terms import inconsistent_explanations

    by_id = {a.id: a for a in articles}
    for a in articles:  # a result reused from history must not keep an earlier run's MT005
        a.findings = [f for f in a.findings if f.rule != "MT005"]
    for f in inconsistent_explanations(articles, config.terms.min_explanation_overlap):
        art = by_id[f.data["article"]]
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
    from pipeline.history import History, default_url

    return History.open(default_url(config))
