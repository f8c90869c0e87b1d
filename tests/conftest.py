"""Shared fixtures: one real LanguageTool server for the whole test session, Prefect isolated.

Tests are in folders by stage and family (tests/ingest, tests/extract, tests/rules/<family>, ...).
A test that needs LanguageTool, Chromium or Prefect is marked `slow` here, so `pytest -m "not slow"`
is the fast loop while `./run-tests` runs everything.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

# Prefect reads its settings at import: isolate it before any test imports it.
_PREFECT_HOME = tempfile.mkdtemp(prefix="health-audit-prefect-")
os.environ.setdefault("PREFECT_HOME", _PREFECT_HOME)
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")

from pipeline.config import Config, from_mapping  # noqa: E402
from pipeline.rules.context import CheckContext  # noqa: E402
from pipeline.rules.grammar.languagetool import LanguageToolServer  # noqa: E402
from pipeline.rules.grammar.service import GrammarService  # noqa: E402
from tests.support.paths import ROOT, SHARED  # noqa: E402

SAMPLES = ROOT / "samples"


@pytest.fixture(scope="session")
def lt_server() -> Iterator[LanguageToolServer]:
    """The real LanguageTool server, started once and stopped at the end of the session."""
    server = LanguageToolServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def shared() -> Path:
    if not SHARED.is_dir():
        pytest.fail(f"../shared is missing beside the checkout ({SHARED}); tests and CI need it")
    return SHARED


def make_context(config: Config | None = None, server: LanguageToolServer | None = None) -> CheckContext:
    cfg = config or from_mapping({})
    ctx = CheckContext(config=cfg)
    if server is not None:
        ctx.grammar = GrammarService.from_config(server.url, cfg)
    else:
        ctx.config = cfg.model_copy(update={"grammar": cfg.grammar.model_copy(update={"enabled": False})})
    return ctx


@pytest.fixture(scope="session")
def grammar_ctx(lt_server: LanguageToolServer) -> CheckContext:
    return make_context(server=lt_server)


# Fixtures that start a real service; a test that asks for one is slow.
_SERVICE_FIXTURES = {"lt_server", "grammar_ctx"}
_SLOW_FOLDERS = {"flows"}  # every flow test talks to a Prefect server


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        folder = Path(str(item.path)).relative_to(ROOT / "tests").parts[0]
        uses_service = bool(_SERVICE_FIXTURES & set(getattr(item, "fixturenames", ())))
        if uses_service or folder in _SLOW_FOLDERS or item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.slow)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """In CI a skipped test means a missing dependency: fail loudly instead."""
    if not os.environ.get("CI"):
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped and reporter is not None:
        reporter.write_line(f"CI: {len(skipped)} tests were skipped; a dependency is missing", red=True)
        session.exitstatus = 1
