"""One run with every kind of bad input beside good articles: each bad one gets an EX finding a person
can act on, and the good ones are audited normally. Network cases use a local server on loopback."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from pipeline.config import from_mapping
from pipeline.ingest.fetch import clear_fetchers
from pipeline.model import ArticleResult, RunResult
from pipeline.run.runner import run_audit

ARTICLE = (
    "<html lang='en'><head><meta charset='utf-8'><title>Colds</title></head><body><article><h1>Colds</h1>"
    "<p>A cold is a mild infection of the nose and throat. Most people feel better within a week or two, "
    "and you can usually look after yourself at home by resting and drinking plenty of fluids.</p>"
    "<p>A pharmacist can help with decongestants, and you should see a GP if you feel no better after three "
    "weeks or if your symptoms get suddenly worse.</p></article></body></html>"
)


@pytest.fixture(scope="module")
def server() -> Iterator[HTTPServer]:
    """A threaded server, so the slow page does not hold up the others fetched at the same time."""
    srv = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    srv.start()
    yield srv
    srv.clear()
    srv.stop()


@pytest.fixture(scope="module")
def run(server: HTTPServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunResult]:
    clear_fetchers()

    def slow(request: Request) -> Response:
        time.sleep(3.5)
        return Response(ARTICLE, content_type="text/html")

    server.expect_request("/good").respond_with_data(ARTICLE, content_type="text/html; charset=utf-8")
    server.expect_request("/missing").respond_with_data("Not here", status=404)
    calls = {"flaky": 0}

    def flaky(request: Request) -> Response:
        calls["flaky"] += 1
        if calls["flaky"] == 1:
            return Response("Try later", status=500)
        return Response(ARTICLE, content_type="text/html")

    server.expect_request("/flaky").respond_with_handler(flaky)
    server.expect_request("/slow").respond_with_handler(slow)
    server.expect_request("/loop-a").respond_with_data("", status=302, headers={"Location": "/loop-b"})
    server.expect_request("/loop-b").respond_with_data("", status=302, headers={"Location": "/loop-a"})

    folder = tmp_path_factory.mktemp("articles")
    files = {
        "good.html": ARTICLE.encode(),
        "empty.html": b"",
        "binary.html": bytes(range(256)) * 4,
        "huge.html": ARTICLE.encode() + b"<p>" + b"padding " * 2000 + b"</p>",
        "damaged.html": ARTICLE.encode().replace(b"mild", b"mild \xff\xfe"),
        "nav-only.html": b"<html><body><nav><a href='/'>Home</a> <a href='/a-z'>A to Z</a></nav>"
        b"<footer>Copyright Health Site</footer></body></html>",
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    config = from_mapping(
        {
            "grammar": {"enabled": False},
            "select": ["EX", "RD"],  # loading is under test; the reading-level check shows a normal audit
            "workers": 4,
            "fetch": {
                "allow_private": False,
                "allow_hosts": ["127.0.0.1"],  # our test server only: 169.254.169.254 stays refused
                "respect_robots": False,
                "retries": 1,
                "backoff": 0.0,
                "timeout": 1.5,  # generous: a busy test machine must not time out the good pages
                "max_bytes": 4000,
            },
        }
    )
    sources = [str(folder / name) for name in files] + [
        server.url_for(p) for p in ("/good", "/missing", "/flaky", "/slow", "/loop-a")
    ] + ["http://169.254.169.254/latest/meta-data/", "ftp://example.org/article.html"]
    yield run_audit(sources, config)
    clear_fetchers()


def _article(run: RunResult, ending: str) -> ArticleResult:
    return next(a for a in run.articles if a.source.endswith(ending))


@pytest.mark.parametrize(
    ("source", "rule", "message"),
    [
        ("empty.html", "EX001", "is empty: there is no article to audit"),
        ("binary.html", "EX001", "is a binary file, not an HTML, Markdown or text article"),
        ("huge.html", "EX001", "over the 4,000-byte limit (fetch.max_bytes)"),
        ("nav-only.html", "EX002", "no article text was found on the page"),
        ("/missing", "EX001", "the page does not exist (404 Not Found)"),
        ("/slow", "EX001", "no answer within 1.5 s (tried 2 times)"),
        ("/loop-a", "EX001", "the redirects go round in a loop"),
        ("169.254.169.254/latest/meta-data/", "EX001", "is a private, loopback or link-local address"),
        ("ftp://example.org/article.html", "EX001", "only http and https addresses can be fetched"),
    ],
)
def test_bad_input_becomes_an_ex_finding(run: RunResult, source: str, rule: str, message: str) -> None:
    art = _article(run, source)
    assert art.status == "error"
    assert [f.rule for f in art.findings] == [rule]
    assert message in art.findings[0].message
    assert art.findings[0].level == "error"


def test_invalid_utf8_is_read_and_reported(run: RunResult) -> None:
    art = _article(run, "damaged.html")
    assert art.status == "audited"
    ex = [f for f in art.findings if f.rule == "EX004"]
    assert len(ex) == 1 and "2 byte sequences are not valid UTF-8" in ex[0].message
    assert "A cold is a mild \ufffd\ufffd infection" in art.text


@pytest.mark.parametrize("source", ["good.html", "/good", "/flaky"])
def test_good_articles_in_the_same_run_are_audited(run: RunResult, source: str) -> None:
    art = _article(run, source)
    assert art.status == "audited"
    assert not [f for f in art.findings if f.rule.startswith("EX")]
    assert art.text.startswith("Colds.\nA cold is a mild infection")
    assert "readability" in art.metrics


def test_the_run_counts_every_source(run: RunResult) -> None:
    summary = run.summary()
    assert summary["articles"] == 13
    assert summary["audited"] == 4  # good file, damaged file, good URL, the URL that failed once
    assert summary["failed_to_audit"] == 9
    assert summary["gate"] == "fail"


def test_sources_stay_in_the_order_given(run: RunResult) -> None:
    assert [Path(a.source).name for a in run.articles[:6]] == [
        "good.html", "empty.html", "binary.html", "huge.html", "damaged.html", "nav-only.html"
    ]
