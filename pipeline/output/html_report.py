"""The HTML report for clinical reviewers: a run index and one page per article.

Self-contained (inline CSS, no network) and autoescaped: article text can never become markup.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from ..model import ArticleResult, RunResult

REPORTS_DIR = Path(__file__).resolve().parents[2] / "reports"


def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(REPORTS_DIR / "templates")),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["css"] = (REPORTS_DIR / "static" / "report.css").read_text(encoding="utf-8")
    return env


def article_filename(a: ArticleResult) -> str:
    return f"article-{a.id}.html"


def write(run: RunResult, out: Path) -> Path:
    env = environment()
    summary = run.summary()
    rows: list[dict[str, Any]] = []
    for a in run.articles:
        page = out / article_filename(a)
        page.write_text(env.get_template("article.html.j2").render(run=run, a=a), encoding="utf-8")
        rows.append({"a": a, "href": page.name, "counts": a.counts(), "worst": a.worst_level() or "none"})
    index = out / "index.html"
    index.write_text(env.get_template("index.html.j2").render(run=run, rows=rows, summary=summary), encoding="utf-8")
    return index
