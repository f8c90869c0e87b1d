"""Fetching over HTTP against a real local server on loopback (pytest-httpserver)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from pipeline import __version__
from pipeline.config import Config, from_mapping
from pipeline.errors import LoadError
from pipeline.extract.inputs import load
from pipeline.ingest.fetch import Fetcher, check_address, clear_fetchers
from pipeline.ingest.sources import Source

PAGE = (
    "<html lang='en'><head><meta charset='utf-8'><title>Colds</title></head><body><article><h1>Colds</h1>"
    "<p>A cold is a mild infection of the nose and throat. Most people feel better within a week.</p>"
    "</article></body></html>"
)


def config(**fetch: Any) -> Config:
    base: dict[str, Any] = {"allow_private": True, "respect_robots": False, "retries": 0, "backoff": 0.0,
                            "timeout": 2.0}
    return from_mapping({"grammar": {"enabled": False}, "fetch": {**base, **fetch}})


@pytest.fixture(autouse=True)
def fresh_fetchers() -> Iterator[None]:
    clear_fetchers()
    yield
    clear_fetchers()


def fetcher(**fetch: Any) -> Fetcher:
    return Fetcher(config(**fetch).fetch)


def test_fetches_and_decodes_with_the_header_charset(httpserver: HTTPServer) -> None:
    body = PAGE.replace("mild", "mild – £5").replace("charset='utf-8'", "").encode("cp1252")
    httpserver.expect_request("/colds").respond_with_data(body, content_type="text/html; charset=windows-1252")
    doc = load(Source("url", httpserver.url_for("/colds")), config())
    assert "A cold is a mild – £5 infection" in doc.text
    request = httpserver.log[-1][0]
    assert request.headers["User-Agent"].startswith(f"health-audit/{__version__}")


def test_charset_from_the_page_when_the_header_has_none(httpserver: HTTPServer) -> None:
    body = PAGE.replace("charset='utf-8'", "charset='iso-8859-1'").replace("mild", "mild café").encode("latin-1")
    httpserver.expect_request("/p").respond_with_data(body, content_type="text/html")
    assert "mild café infection" in load(Source("url", httpserver.url_for("/p")), config()).text


def test_404_is_a_load_error(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/gone").respond_with_data("nope", status=404)
    with pytest.raises(LoadError, match=r"the page does not exist \(404 Not Found\)"):
        fetcher().fetch(httpserver.url_for("/gone"))


def test_500_then_success_on_retry(httpserver: HTTPServer) -> None:
    httpserver.expect_ordered_request("/flaky").respond_with_data("busy", status=500)
    httpserver.expect_ordered_request("/flaky").respond_with_data(PAGE, content_type="text/html")
    page = fetcher(retries=2).fetch(httpserver.url_for("/flaky"))
    assert page.status == 200 and b"A cold is a mild infection" in page.content
    assert len(httpserver.log) == 2


def test_server_errors_after_every_retry(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/down").respond_with_data("down", status=503)
    started = time.monotonic()
    with pytest.raises(LoadError, match=r"503.*\(tried 3 times\)"):
        fetcher(retries=2, backoff=0.05).fetch(httpserver.url_for("/down"))
    assert time.monotonic() - started >= 0.05 + 0.1  # backoff doubles: 0.05 s then 0.1 s
    assert len(httpserver.log) == 3


def test_retry_after_is_honoured(httpserver: HTTPServer) -> None:
    httpserver.expect_ordered_request("/slow").respond_with_data("wait", status=429, headers={"Retry-After": "1"})
    httpserver.expect_ordered_request("/slow").respond_with_data(PAGE, content_type="text/html")
    started = time.monotonic()
    assert fetcher(retries=1).fetch(httpserver.url_for("/slow")).status == 200
    assert time.monotonic() - started >= 1.0


def test_timeout(httpserver: HTTPServer) -> None:
    def slow(request: Request) -> Response:
        time.sleep(0.8)
        return Response(PAGE, content_type="text/html")

    httpserver.expect_request("/sleepy").respond_with_handler(slow)
    with pytest.raises(LoadError, match=r"no answer within 0.3 s"):
        fetcher(timeout=0.3).fetch(httpserver.url_for("/sleepy"))


def test_redirects_are_followed(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/old").respond_with_data("", status=301, headers={"Location": "/new"})
    httpserver.expect_request("/new").respond_with_data(PAGE, content_type="text/html")
    page = fetcher().fetch(httpserver.url_for("/old"))
    assert page.url == httpserver.url_for("/new")


def test_redirect_loop(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/a").respond_with_data("", status=302, headers={"Location": "/b"})
    httpserver.expect_request("/b").respond_with_data("", status=302, headers={"Location": "/a"})
    with pytest.raises(LoadError, match=r"the redirects go round in a loop \(.*/a → .*/b → .*/a\)"):
        fetcher().fetch(httpserver.url_for("/a"))


def test_redirect_limit(httpserver: HTTPServer) -> None:
    for i in range(4):
        httpserver.expect_request(f"/r{i}").respond_with_data("", status=302, headers={"Location": f"/r{i + 1}"})
    with pytest.raises(LoadError, match=r"more than 2 redirects \(fetch.max_redirects\)"):
        fetcher(max_redirects=2).fetch(httpserver.url_for("/r0"))


def test_size_cap_from_content_length_and_while_streaming(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/big").respond_with_data("x" * 5000, content_type="text/html")
    with pytest.raises(LoadError, match=r"5,000 bytes, over the 1,000-byte limit"):
        fetcher(max_bytes=1000).fetch(httpserver.url_for("/big"))

    def chunked(request: Request) -> Response:
        return Response((b"<p>" + b"y" * 500 for _ in range(10)), content_type="text/html")  # no length

    httpserver.expect_request("/stream").respond_with_handler(chunked)
    with pytest.raises(LoadError, match=r"over the 1,000-byte limit"):
        fetcher(max_bytes=1000).fetch(httpserver.url_for("/stream"))


def test_content_type_must_be_a_page(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/leaflet.pdf").respond_with_data(b"%PDF-1.7", content_type="application/pdf")
    with pytest.raises(LoadError, match="sent application/pdf, not a web page"):
        fetcher().fetch(httpserver.url_for("/leaflet.pdf"))


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:9/x", "http://localhost/x", "http://10.1.2.3/", "http://192.168.0.1/admin",
     "http://169.254.169.254/latest/meta-data/", "http://[::1]/", "http://0.0.0.0/"],
)
def test_private_loopback_and_link_local_addresses_are_refused(url: str) -> None:
    with pytest.raises(LoadError, match="private, loopback or link-local address"):
        check_address(url, allow_private=False)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/a", "gopher://x/", "javascript:alert(1)"])
def test_other_schemes_are_refused(url: str) -> None:
    with pytest.raises(LoadError, match="only http and https"):
        check_address(url, allow_private=True)


def test_disallowed_address_is_refused_before_any_request(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/colds").respond_with_data(PAGE, content_type="text/html")
    with pytest.raises(LoadError, match="fetch.allow_hosts"):
        fetcher(allow_private=False).fetch(httpserver.url_for("/colds"))
    assert httpserver.log == []


def test_allow_hosts_opens_one_host_or_network_only() -> None:
    check_address("http://localhost:8080/x", allow_private=False, allow_hosts=["localhost"])
    check_address("http://127.0.0.5/x", allow_private=False, allow_hosts=["127.0.0.0/8"])
    with pytest.raises(LoadError):
        check_address("http://169.254.169.254/", allow_private=False, allow_hosts=["localhost", "127.0.0.0/8"])


def test_redirect_to_a_private_address_is_refused(httpserver: HTTPServer) -> None:
    # The test server is allowed by name; its redirect aims at a cloud metadata address, which is not.
    httpserver.expect_request("/jump").respond_with_data(
        "", status=302, headers={"Location": "http://169.254.169.254/latest/meta-data/"}
    )
    host = httpserver.url_for("/").split("//")[1].split(":")[0]
    with pytest.raises(LoadError, match=r"169\.254\.169\.254.*link-local"):
        fetcher(allow_private=False, allow_hosts=[host]).fetch(httpserver.url_for("/jump"))
    assert len(httpserver.log) == 1


def test_robots_txt_is_respected(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data(
        "User-agent: health-audit\nDisallow: /private/\n\nUser-agent: *\nDisallow: /\n", content_type="text/plain"
    )
    httpserver.expect_request("/private/page").respond_with_data(PAGE, content_type="text/html")
    httpserver.expect_request("/public").respond_with_data(PAGE, content_type="text/html")
    f = fetcher(respect_robots=True)
    with pytest.raises(LoadError, match=r"robots.txt does not allow health-audit.*respect_robots = false"):
        f.fetch(httpserver.url_for("/private/page"))
    assert f.fetch(httpserver.url_for("/public")).status == 200
    # Switched off for one's own site.
    assert fetcher(respect_robots=False).fetch(httpserver.url_for("/private/page")).status == 200


def test_missing_robots_txt_allows_everything(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/page").respond_with_data(PAGE, content_type="text/html")
    assert fetcher(respect_robots=True).fetch(httpserver.url_for("/page")).status == 200


def test_unreachable_robots_txt_forbids_fetching(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data("oops", status=500)
    httpserver.expect_request("/page").respond_with_data(PAGE, content_type="text/html")
    with pytest.raises(LoadError, match="robots.txt could not be read"):
        fetcher(respect_robots=True).fetch(httpserver.url_for("/page"))


def test_etag_revalidation_uses_the_local_cache(httpserver: HTTPServer, tmp_path: Path) -> None:
    url_path = "/cached"
    httpserver.expect_ordered_request(url_path).respond_with_data(
        PAGE, content_type="text/html; charset=utf-8", headers={"ETag": '"v1"', "Last-Modified": "Mon, 04 Mar 2024 10:00:00 GMT"}
    )
    httpserver.expect_ordered_request(url_path, headers={"If-None-Match": '"v1"'}).respond_with_data("", status=304)
    first = fetcher(cache_dir=str(tmp_path)).fetch(httpserver.url_for(url_path))
    second = fetcher(cache_dir=str(tmp_path)).fetch(httpserver.url_for(url_path))
    assert not first.from_cache and second.from_cache
    assert second.content == first.content and second.charset == "utf-8"
    assert httpserver.log[1][0].headers["If-Modified-Since"] == "Mon, 04 Mar 2024 10:00:00 GMT"
    httpserver.check_assertions()


def test_delay_between_requests_to_one_host(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/d").respond_with_data(PAGE, content_type="text/html")
    f = fetcher(delay=0.3)
    started = time.monotonic()
    for _ in range(3):
        f.fetch(httpserver.url_for("/d"))
    assert time.monotonic() - started >= 0.6


def test_crawl_delay_from_robots_txt(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nCrawl-delay: 0.4\n",
                                                               content_type="text/plain")
    httpserver.expect_request("/c").respond_with_data(PAGE, content_type="text/html")
    f = fetcher(respect_robots=True)
    started = time.monotonic()
    f.fetch(httpserver.url_for("/c"))
    f.fetch(httpserver.url_for("/c"))
    assert time.monotonic() - started >= 0.4


def test_per_host_concurrency_limit() -> None:
    import threading

    from pipeline.ingest.fetch import _HostGate

    gate = _HostGate(limit=2)
    inside = 0
    peak = 0
    lock = threading.Lock()

    def work() -> None:
        nonlocal inside, peak
        with gate.slots:
            with lock:
                inside += 1
                peak = max(peak, inside)
            time.sleep(0.05)
            with lock:
                inside -= 1

    threads = [threading.Thread(target=work) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert peak == 2
