"""One article through the checks: run each applicable check, then assemble its findings and metrics.

Used alike by the runner in this process and by worker processes (pipeline.run.pool).
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterable
from typing import Any

from pipeline.config import Config
from pipeline.errors import LoadError
from pipeline.extract.document import ExtractedDocument
from pipeline.extract.inputs import extract_input
from pipeline.ingest.read import RawInput, read_input
from pipeline.ingest.sources import Source
from pipeline.model import ArticleResult, Document, Finding, source_id
from pipeline.rules import CHECKS
from pipeline.rules.context import CheckContext
from pipeline.rules.registry import Check, CheckOutput, finding
from pipeline.rules.selection import rule_levels


def check_outputs(doc: Document, ctx: CheckContext, checks: Iterable[Check]) -> dict[str, CheckOutput]:
    """Each applicable check's raw output; a check that crashes gives an EX003 finding instead."""
    rules = rule_levels(ctx.config, doc.source)
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
    rules = rule_levels(config, doc.source)
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
                if not explicit and f.clinical_level is not None and f.outcome != "pass":
                    level = f.clinical_level
                f.level = level
                findings.append(f)
    findings.sort(key=lambda f: (f.span.start if f.span else -1, f.rule))
    return findings, metrics


def run_checks(doc: Document, ctx: CheckContext) -> tuple[list[Finding], dict[str, Any]]:
    return assemble(doc, ctx.config, check_outputs(doc, ctx, CHECKS.values()))


def error_result(source: str, code: str, message: str, *, transient: bool = False) -> ArticleResult:
    """`transient`: our own failure (an exception), not something in the page; never reused."""
    found = finding(code, message, data={"transient": True} if transient else None)
    return ArticleResult(id=source_id(source), source=source, status="error", findings=[found])


def over_budget_result(source: str, budget: float) -> ArticleResult:
    """An article stopped for running over `[runner] article_timeout`: its results are missing."""
    return error_result(
        source,
        "EX003",
        f"{source}: auditing this article took longer than its time budget ([runner] article_timeout = "
        f"{budget:g} s) and was stopped; its results are missing. The other articles were audited.",
        transient=True,
    )


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


def read_or_error(source: Source, config: Config) -> RawInput | ArticleResult:
    """The source's bytes, or the article's error result."""
    try:
        return read_input(source, config)
    except LoadError as err:
        return error_result(source.location, err.code, str(err))
    except Exception as err:  # a reader bug on one source must not stop the run
        return error_result(source.location, "EX001", f"{source.location} could not be read: {err}")


def extract_or_error(source: Source, raw: RawInput, config: Config) -> ExtractedDocument | ArticleResult:
    """The Document in the bytes, or the article's error result (here or in a worker process)."""
    try:
        return extract_input(source, raw, config)
    except LoadError as err:
        return error_result(source.location, err.code, str(err))
    except Exception as err:  # an extractor bug on one page must not stop the run
        return error_result(source.location, "EX001", f"{source.location} could not be read: {err}", transient=True)


def audit_extracted_or_error(source: Source, raw: RawInput, ctx: CheckContext) -> ArticleResult:
    doc = extract_or_error(source, raw, ctx.config)
    return doc if isinstance(doc, ArticleResult) else audit_document(doc, ctx)
