"""The audit as a Prefect flow: load -> extract -> check -> write outputs, one task per article.

The flow starts (or reuses by URL) one LanguageTool server and hands its URL to the tasks, so the
same tasks work in threads here and on Dask workers that can reach that URL.
"""

from __future__ import annotations

import argparse
import sys
import threading
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.task_runners import ThreadPoolTaskRunner

from pipeline import __version__
from pipeline.config import Config, ConfigError, from_mapping, load_config
from pipeline.context import CheckContext
from pipeline.grammar_service import GrammarService
from pipeline.languagetool import LanguageToolUnavailable, languagetool_url
from pipeline.model import ArticleResult, RunResult
from pipeline.output.writer import write_outputs
from pipeline.runner import audit_source, now
from pipeline.sources import Source, expand

_CONTEXTS: dict[str, CheckContext] = {}
_CONTEXTS_LOCK = threading.Lock()


def _context(config: Config) -> CheckContext:
    """One CheckContext (and LanguageTool client with its cache) per worker process and settings."""
    key = config.model_dump_json()
    with _CONTEXTS_LOCK:
        ctx = _CONTEXTS.get(key)
        if ctx is None:
            ctx = CheckContext(config=config)
            if config.grammar.enabled and config.grammar.url:
                ctx.grammar = GrammarService(config.grammar.url, config.language, picky=config.grammar.picky)
            _CONTEXTS[key] = ctx
        return ctx


@task(name="audit-article", task_run_name="audit {source.location}")
def audit_article(source: Source, settings: dict[str, Any], grammar_unavailable: str | None = None) -> ArticleResult:
    get_run_logger().info("Checking %s", source.location)
    ctx = _context(from_mapping(settings))
    if grammar_unavailable:
        ctx.grammar_unavailable = grammar_unavailable
    return audit_source(source, ctx)


@task(name="write-outputs")
def write_report(run: RunResult, out: str, formats: Sequence[str]) -> dict[str, str]:
    written = write_outputs(run, Path(out), formats)
    return {k: str(v) for k, v in written.items()}


@flow(name="health-audit", log_prints=True)
def audit_flow(
    sources: list[str] | None = None,
    config_path: str | None = None,
    overrides: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Audit every article and write the report; returns the run summary and the output paths."""
    logger = get_run_logger()
    config = load_config(config_path, overrides)
    items = expand(list(sources or config.sources))
    logger.info("Auditing %d articles", len(items))
    started = now()
    settings = config.effective()
    unavailable: str | None = None
    with _grammar_server(config) as url_or_reason:
        if config.grammar.enabled:
            if url_or_reason.startswith("http"):
                settings["grammar"]["url"] = url_or_reason
            else:
                unavailable = url_or_reason
        futures = [audit_article.submit(src, settings, unavailable) for src in items]
        articles = [f.result() for f in futures]
    run = RunResult(
        id=uuid.uuid4().hex[:12],
        started_at=started,
        finished_at=now(),
        config=config.effective(),
        articles=articles,
        tool_version=__version__,
        fail_on=config.fail_on,
    )
    written = write_report(run, config.out, config.formats)
    summary = run.summary()
    logger.info("Gate %s: %s", summary["gate"], summary)
    return {"summary": summary, "outputs": written}


class _grammar_server:
    """Yields the server URL, or the reason grammar is unavailable; '' when grammar is off."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self._cm: Any = None

    def __enter__(self) -> str:
        if not self.config.grammar.enabled:
            return ""
        self._cm = languagetool_url(self.config.grammar.url, start_timeout=self.config.grammar.start_timeout)
        try:
            url, _server = self._cm.__enter__()
        except LanguageToolUnavailable as err:
            self._cm = None
            return f"LanguageTool is not available: {err}"
        return str(url)

    def __exit__(self, *exc: object) -> None:
        if self._cm is not None:
            self._cm.__exit__(*exc)


def run(sources: list[str], config_path: str | None = None, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    cfg = load_config(config_path, overrides)
    runner: ThreadPoolTaskRunner[Any] = ThreadPoolTaskRunner(max_workers=max(1, cfg.workers))
    result: dict[str, Any] = audit_flow.with_options(task_runner=runner)(  # type: ignore[arg-type]
        sources, config_path, overrides)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the health-audit Prefect flow.")
    parser.add_argument("sources", nargs="*")
    parser.add_argument("--config")
    parser.add_argument("--out")
    parser.add_argument("--no-grammar", action="store_true")
    args = parser.parse_args(argv)
    overrides: dict[str, Any] = {}
    if args.out:
        overrides["out"] = args.out
    if args.no_grammar:
        overrides["grammar"] = {"enabled": False}
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
    sys.exit(main())
