"""What the grammar check does when LanguageTool dies, cannot start, or answers badly: the run
always completes and the results say what happened. Only the error-handling tests at the end
use a fake server."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from pipeline.config import from_mapping
from pipeline.errors import LanguageToolUnavailable
from pipeline.extract.document import from_text
from pipeline.model import ArticleResult
from pipeline.rules.context import CheckContext
from pipeline.rules.grammar.languagetool import LanguageToolServer, free_port
from pipeline.rules.grammar.service import GrammarService
from pipeline.run.assembly import audit_document
from pipeline.run.runner import check_context, run_audit

# Starts real LanguageTool servers or worker processes: not part of the fast loop.
pytestmark = pytest.mark.slow


def _not_checked(result: ArticleResult) -> list[str]:
    return [f.message for f in result.findings if f.rule == "GR900"]


def test_languagetool_killed_mid_run_is_restarted_once_then_reported(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    for i in range(1, 5):
        (folder / f"article-{i}.txt").write_text(f"Article number {i}.\n\nThis are a mistake in article {i}.\n")
    config = from_mapping({"select": ["GR"], "workers": 1, "out": str(tmp_path / "out")})
    kills: list[int] = []
    with LanguageToolServer() as server:
        ctx = CheckContext(config=config)
        ctx.grammar = GrammarService.from_config(server.url, config, server=server)

        def kill_java_after_articles_1_and_3(result: ArticleResult) -> None:
            if result.source.endswith(("-1.txt", "-3.txt")):
                java = server.process
                assert java is not None
                java.send_signal(signal.SIGKILL)  # as the kernel's out-of-memory killer would
                java.wait(timeout=30)
                kills.append(java.pid)

        run = run_audit([str(folder)], config, progress=kill_java_after_articles_1_and_3, ctx=ctx)
        assert len(kills) == 2 and server.restarts == 1
    by_name = {Path(a.source).name: a for a in run.articles}
    assert len(by_name) == 4 and all(a.status == "audited" for a in run.articles)
    # Articles 1-3 were fully checked: LanguageTool came back after the first kill.
    for name in ("article-1.txt", "article-2.txt", "article-3.txt"):
        assert not _not_checked(by_name[name]), name
        assert any(f.rule == "GR001" for f in by_name[name].findings), name
    events = by_name["article-2.txt"].metrics["grammar"]["server_events"]
    assert any("restarted it" in e for e in events), events
    # After the second kill there is no second restart: the article says grammar was not checked.
    messages = _not_checked(by_name["article-4.txt"])
    assert len(messages) == 1 and "stopped again after its one restart" in messages[0], messages
    assert by_name["article-4.txt"].worst_level() == "error"
    assert ctx.grammar is not None and len(ctx.grammar.events) == 2


def test_a_server_that_cannot_start_marks_every_article(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HEALTH_AUDIT_LT_JARS", str(tmp_path / "no-jars"))
    monkeypatch.delenv("LANGUAGETOOL_URL", raising=False)
    config = from_mapping({"select": ["GR"]})
    with check_context(config) as ctx:
        results = [audit_document(from_text(f"a{i}", "A short article."), ctx) for i in range(2)]
    for r in results:
        messages = _not_checked(r)
        assert len(messages) == 1 and "jars not found" in messages[0]
        assert r.worst_level() == "error"


def test_an_unreachable_server_url_marks_the_article() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    config = from_mapping({"select": ["GR"], "grammar": {"url": url}})
    with check_context(config) as ctx:
        result = audit_document(from_text("a", "A short article."), ctx)
        again = audit_document(from_text("b", "Another article."), ctx)
    assert "did not answer" in _not_checked(result)[0] and url in _not_checked(result)[0]
    assert _not_checked(again)  # the next article is not silently passed either


# --- a fake server, for answers a real LanguageTool does not give on demand -------------------


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (500, "java.lang.OutOfMemoryError", "HTTP 500: java.lang.OutOfMemoryError"),
        (400, "Error: Missing 'text' or 'data' parameter", "refused the request (HTTP 400)"),
        (200, "<html>proxy login</html>", "not a LanguageTool answer"),
    ],
)
def test_bad_answers_become_not_checked_findings(httpserver: HTTPServer, status: int, body: str, expected: str) -> None:
    httpserver.expect_request("/v2/check", method="POST").respond_with_data(body, status=status)
    config = from_mapping({"select": ["GR"], "grammar": {"url": httpserver.url_for("/").rstrip("/")}})
    with check_context(config) as ctx:
        doc = from_text("a", "First paragraph.\n\nSecond paragraph.")
        result = audit_document(doc, ctx)
    messages = _not_checked(result)
    assert len(messages) == 1 and expected in messages[0], messages
    assert "in 2 of 2 paragraphs" in messages[0]
    assert result.metrics["grammar"]["not_checked"] == 2


def test_a_server_given_by_url_is_never_restarted(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/v2/check").respond_with_data("busy", status=503)
    service = GrammarService(httpserver.url_for("/"), "en-GB")
    result = service.check_paragraphs([], chunk_chars=400)
    assert result.error is None  # nothing to check, nothing sent
    with pytest.raises(LanguageToolUnavailable, match="did not answer"):
        service.check("One paragraph.")
    assert service.requests == 1 and not service.events
    with pytest.raises(LanguageToolUnavailable, match="did not answer"):
        service.check("Another paragraph.")  # fails fast, without asking the server again
    assert service.requests == 1
