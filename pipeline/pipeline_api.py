"""The library's one-call entry point: audit sources and write the outputs (used by the CLI)."""

from __future__ import annotations

from pathlib import Path

from .config import Config
from .model import ArticleResult, RunResult
from .output.writer import write_outputs
from .runner import run_audit


def audit_and_write(
    sources: list[str], config: Config, *, show_progress: bool = False
) -> tuple[RunResult, dict[str, Path]]:
    if show_progress:
        from rich.progress import Progress

        from .sources import expand

        total = len(expand(sources))
        with Progress(transient=True) as bar:
            task = bar.add_task("Auditing", total=total)

            def tick(res: ArticleResult) -> None:
                bar.update(task, advance=1, description=f"Audited {Path(res.source).name[:40]}")

            run = run_audit(sources, config, progress=tick)
    else:
        run = run_audit(sources, config)
    return run, write_outputs(run, Path(config.out), config.formats)
