"""The audit as a Prefect flow: load -> extract -> check -> write outputs, one task per article.

The flow starts (or reuses by URL) one LanguageTool server and hands its URL to the tasks, so the
same tasks run on threads here or on Dask workers (`[runner] task_runner = "dask"`). With
`languagetool_per_worker`, each worker process starts its own server instead.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_link_artifact, create_markdown_artifact, create_table_artifact
from prefect.task_runners import ThreadPoolTaskRunner

from pipeline.api import check_sources, gate_and_write, record_history
from pipeline.config import Config, from_mapping, load_config
from pipeline.errors import ConfigError, LanguageToolUnavailable
from pipeline.ingest.sources import Source
from pipeline.language.vocabulary import paths_from_config
from pipeline.model import ArticleResult, RunResult
from pipeline.rules.context import CheckContext
from pipeline.rules.grammar.languagetool import LanguageToolServer, languagetool_url
from pipeline.rules.grammar.service import GrammarService
from pipeline.run.pool import process_count
from pipeline.run.runner import LocalPool, audit_source, begin_run, finish_run, open_history
from pipeline.verdict.gate import GateInputs

_CONTEXTS: dict[str, CheckContext] = {}
_CONTEXTS_LOCK = threading.Lock()
# A flow run's worker processes, found by key: tasks take plain parameters, never the pool itself.
_POOLS: dict[str, LocalPool] = {}


def _context(config: Config) -> CheckContext:
    """One CheckContext (LanguageTool client and its cache) per worker process and settings."""
    key = config.model_dump_json()
    with _CONTEXTS_LOCK:
        ctx = _CONTEXTS.get(key)
        if ctx is None:
            ctx = CheckContext(config=config)
            g = config.grammar
            if g.enabled and g.url:
                ctx.grammar = GrammarService.from_config(g.url, config)
            elif g.enabled and config.runner.languagetool_per_worker:
                try:
                    server = LanguageToolServer(
                        start_timeout=g.start_timeout, vocabulary=paths_from_config(config)
                    ).start()
                    ctx.grammar = GrammarService.from_config(server.url, config, server=server)
                except LanguageToolUnavailable as err:
                    ctx.grammar_unavailable = str(err)
            _CONTEXTS[key] = ctx
        return ctx


def _close_browsers() -> None:
    """Close the browsers that browser-mode checks started in this process (Dask workers' close at exit)."""
    from pipeline.rules.accessibility.browser import close_shared_browser

    with _CONTEXTS_LOCK:
        for ctx in _CONTEXTS.values():
            close_shared_browser(ctx)


@task(name="audit-article", task_run_name="audit {source.location}", retries=0)
def audit_article(
    source: Source,
    settings: dict[str, Any],
    grammar_unavailable: str | None = None,
    pool: str | None = None,
    fingerprint: str | None = None,
) -> ArticleResult:
    get_run_logger().info("Checking %s", source.location)
    config = from_mapping(settings)
    ctx = _context(config)
    if grammar_unavailable:
        ctx.grammar_unavailable = grammar_unavailable
    history = open_history(config)
    reuse = history.reuser(config, fingerprint) if history and config.history.incremental else None
    result = audit_source(source, ctx, reuse, _POOLS.get(pool) if pool else None)
    if result.reused:
        get_run_logger().info("Unchanged since the last run, reused: %s", source.location)
    return result


@task(name="write-outputs")
def write_report(run: RunResult, config: Config, inputs: GateInputs) -> dict[str, str]:
    """Apply waivers and baseline exactly as the command does, then write every output."""
    _gate, written = gate_and_write(run, config, inputs=inputs)
    return {k: str(v) for k, v in written.items()}


@contextlib.contextmanager
def _grammar(config: Config) -> Iterator[tuple[str | None, str | None]]:
    """Yields (server URL, reason grammar is unavailable) for the tasks."""
    g = config.grammar
    if not g.enabled or (config.runner.languagetool_per_worker and not g.url):
        yield g.url, None
        return
    try:
        cm = languagetool_url(g.url, start_timeout=g.start_timeout, vocabulary=paths_from_config(config))
        url, _server = cm.__enter__()
    except LanguageToolUnavailable as err:
        yield None, f"LanguageTool is not available: {err}"
        return
    try:
        yield url, None
    finally:
        cm.__exit__(None, None, None)


def publish_artifacts(run: RunResult, written: dict[str, str]) -> None:
    """What the Prefect UI shows for a run: a summary, a table of articles, a link to the report."""
    s = run.summary()
    lines = [
        f"# health-audit: gate {s['gate'].upper()}",
        "",
        f"{s['audited']} of {s['articles']} articles audited; {s['errors']} errors, {s['warnings']} warnings, "
        f"{s['notes']} notes; {run.stats.get('reused', 0)} unchanged articles reused from history.",
    ]
    create_markdown_artifact("\n".join(lines), key="health-audit-summary", description="Audit summary")
    rows = []
    for a in run.articles:
        c = a.counts()
        rows.append(
            {
                "article": a.title or a.source,
                "source": a.source,
                "status": a.status,
                "smog": a.metrics.get("readability", {}).get("smog"),
                "errors": c["error"],
                "warnings": c["warning"],
                "notes": c["note"],
                "reused": a.reused,
            }
        )
    create_table_artifact(rows, key="health-audit-articles", description="Articles in this run")
    report = written.get("html") or written.get("json")
    if report:
        create_link_artifact(Path(report).resolve().as_uri(), link_text="HTML report", key="health-audit-report")


@flow(name="health-audit", log_prints=True)
def audit_flow(
    sources: list[str] | None = None,
    config_path: str | None = None,
    overrides: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Audit every article and write the report; returns the run summary and the output paths."""
    logger = get_run_logger()
    config = load_config(config_path, overrides)
    check_sources(list(sources or config.sources))  # a missing path or an empty folder: exit 2, as the command
    inputs = GateInputs.from_config(config)  # a bad waivers or baseline file fails before the audit
    start = begin_run(list(sources or config.sources), config)
    items, fingerprint = start.items, start.fingerprint
    logger.info("Auditing %d articles", len(items))
    settings = config.effective()
    # On the thread runner, extraction and the service-free checks use this machine's other cores
    # (as the command line does); Dask workers are processes already.
    threads = config.runner.task_runner == "threads"
    processes = process_count(config, len(items), automatic=True) if threads else 0
    key = uuid.uuid4().hex if processes else None
    if key:
        _POOLS[key] = LocalPool(config, processes)
    try:
        with _grammar(config) as (url, unavailable):
            if url:
                settings["grammar"]["url"] = url
            futures = [audit_article.submit(src, settings, unavailable, key, fingerprint) for src in items]
            articles = [f.result() for f in futures]
    finally:
        local = _POOLS.pop(key, None) if key else None
        if local:
            local.close()
    _close_browsers()
    stats: dict[str, Any] = {"worker_processes": local.stats()} if local else {}
    run = finish_run(config, start, articles, stats)
    written = write_report(run, config, inputs)
    record_history(run, config)
    publish_artifacts(run, written)
    summary = run.summary()
    logger.info("Gate %s: %s", summary["gate"], summary)
    return {"summary": summary, "outputs": written, "stats": {k: v for k, v in run.stats.items() if k != "trends"}}


def _share_temporary_api() -> None:
    """Dask workers are other processes: give them the temporary API's URL, or each would start its own."""
    from prefect.settings import PREFECT_API_URL

    if PREFECT_API_URL.value() or os.environ.get("PREFECT_API_URL"):
        return
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()
    server.start()
    os.environ["PREFECT_API_URL"] = server.api_url


def task_runner(config: Config) -> Any:
    if config.runner.task_runner == "dask":
        from prefect_dask import DaskTaskRunner

        _share_temporary_api()
        if config.runner.dask_address:
            return DaskTaskRunner(address=config.runner.dask_address)
        return DaskTaskRunner(
            cluster_class="distributed.LocalCluster",
            cluster_kwargs={"n_workers": config.runner.dask_workers, "threads_per_worker": 2, "processes": True},
        )
    return ThreadPoolTaskRunner(max_workers=max(1, config.workers))


def run(sources: list[str], config_path: str | None = None, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    cfg = load_config(config_path, overrides)
    result: dict[str, Any] = audit_flow.with_options(task_runner=task_runner(cfg))(sources, config_path, overrides)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the health-audit Prefect flow.")
    parser.add_argument("sources", nargs="*")
    parser.add_argument("--config")
    parser.add_argument("--out")
    parser.add_argument("--no-grammar", action="store_true")
    parser.add_argument("--dask", action="store_true", help="run the tasks on a local Dask cluster")
    args = parser.parse_args(argv)
    overrides: dict[str, Any] = {}
    if args.out:
        overrides["out"] = args.out
    if args.no_grammar:
        overrides["grammar"] = {"enabled": False}
    if args.dask:
        overrides["runner"] = {"task_runner": "dask"}
    try:
        result = run(args.sources, args.config, overrides)
    except ConfigError as err:
        print(f"health-audit: {err}", file=sys.stderr)
        return 2
    s = result["summary"]
    print(
        f"{s['audited']}/{s['articles']} articles audited · {s['errors']} errors · {s['warnings']} warnings · "
        f"{s['notes']} notes · gate: {s['gate'].upper()}"
    )
    for fmt, path in result["outputs"].items():
        print(f"  {fmt:5} {path}")
    print(f"Open the report: {Path(result['outputs'].get('html', result['outputs']['json'])).resolve()}")
    return 1 if s["gate"] == "fail" else 0


if __name__ == "__main__":
    # Import by module name so Dask workers can pickle the tasks by reference, not from __main__.
    from flows.audit import main as module_main

    sys.exit(module_main())
