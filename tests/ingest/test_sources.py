"""Sources: files, folders (recursive), URLs and sitemaps with include/exclude patterns."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from pipeline.config import Config, from_mapping
from pipeline.errors import LoadError
from pipeline.extract.inputs import load
from pipeline.ingest.fetch import clear_fetchers
from pipeline.ingest.sources import Source, expand

NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


def config(**fetch: Any) -> Config:
    base = {"allow_private": True, "respect_robots": False, "retries": 0}
    return from_mapping({"grammar": {"enabled": False}, "fetch": {**base, **fetch}})


@pytest.fixture(autouse=True)
def fresh_fetchers() -> Iterator[None]:
    clear_fetchers()
    yield
    clear_fetchers()


def urlset(*urls: str) -> str:
    return f"<?xml version='1.0'?><urlset {NS}>" + "".join(f"<url><loc>{u}</loc></url>" for u in urls) + "</urlset>"


def test_folders_are_walked_recursively_for_articles(tmp_path: Path) -> None:
    (tmp_path / "b" / "deep").mkdir(parents=True)
    for name in ("a.html", "b/c.md", "b/deep/d.txt", "b/deep/e.htm", "b/style.css", "b/photo.jpg", "notes.markdown"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    found = expand([str(tmp_path)])
    assert [Path(s.location).relative_to(tmp_path).as_posix() for s in found] == [
        "a.html", "b/c.md", "b/deep/d.txt", "b/deep/e.htm", "notes.markdown"
    ]
    assert all(s.kind == "file" and s.error is None for s in found)


def test_each_source_once_in_the_order_given(tmp_path: Path) -> None:
    page = tmp_path / "a.html"
    page.write_text("x", encoding="utf-8")
    found = expand([str(page), "https://health.example/a", str(tmp_path), "https://health.example/a"])
    assert [s.location for s in found] == [str(page), "https://health.example/a"]
    assert found[1].kind == "url"


def test_missing_file_is_kept_to_be_reported() -> None:
    found = expand(["/no/such/article.html"])
    assert found == [Source("file", "/no/such/article.html")]
    with pytest.raises(LoadError, match="does not exist"):
        load(found[0], config())


def test_sitemap_with_index_gzip_and_patterns(httpserver: HTTPServer) -> None:
    base = httpserver.url_for("")
    index = (
        f"<sitemapindex {NS}><sitemap><loc>{base}conditions.xml.gz</loc></sitemap>"
        f"<sitemap><loc>{base}news.xml</loc></sitemap></sitemapindex>"
    )
    conditions = urlset(f"{base}conditions/sepsis/", f"{base}conditions/stroke/", f"{base}conditions/a-z/")
    httpserver.expect_request("/sitemap.xml").respond_with_data(index, content_type="application/xml")
    httpserver.expect_request("/conditions.xml.gz").respond_with_data(
        gzip.compress(conditions.encode()), content_type="application/gzip"
    )
    httpserver.expect_request("/news.xml").respond_with_data(urlset(f"{base}news/1/"), content_type="text/xml")
    cfg = config(sitemap_include=[f"{base}conditions/*"], sitemap_exclude=["*/a-z/"])
    found = expand([httpserver.url_for("/sitemap.xml")], cfg)
    assert [s.location for s in found] == [f"{base}conditions/sepsis/", f"{base}conditions/stroke/"]
    assert all(s.kind == "url" and s.error is None for s in found)


def test_sitemaps_named_in_the_configuration(httpserver: HTTPServer) -> None:
    base = httpserver.url_for("")
    httpserver.expect_request("/pages").respond_with_data(urlset(f"{base}one", f"{base}two"), content_type="text/xml")
    cfg = from_mapping({"sitemaps": [httpserver.url_for("/pages")], "fetch": {"allow_private": True,
                                                                             "respect_robots": False}})
    assert [s.location for s in expand([], cfg)] == [f"{base}one", f"{base}two"]


def test_plain_text_sitemap_and_local_sitemap_file(tmp_path: Path) -> None:
    text = tmp_path / "sitemap.xml"
    text.write_text("https://health.example/a\nnot a url\nhttps://health.example/b\n", encoding="utf-8")
    assert [s.location for s in expand([str(text)])] == ["https://health.example/a", "https://health.example/b"]
    xml = tmp_path / "pages-sitemap.xml"
    xml.write_text(urlset("https://health.example/c"), encoding="utf-8")
    assert [s.location for s in expand([str(xml)])] == ["https://health.example/c"]


def test_sitemap_limit(tmp_path: Path) -> None:
    path = tmp_path / "sitemap.xml"
    path.write_text(urlset(*[f"https://health.example/{i}" for i in range(10)]), encoding="utf-8")
    assert len(expand([str(path)], config(sitemap_max_urls=3))) == 3


def test_broken_sitemap_becomes_a_reported_source(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/sitemap.xml").respond_with_data("gone", status=404)
    found = expand([httpserver.url_for("/sitemap.xml")], config())
    assert len(found) == 1 and found[0].error
    assert "could not be read" in found[0].error and "404" in found[0].error
    with pytest.raises(LoadError, match="sitemap .* could not be read"):
        load(found[0], config())
    rss = tmp_path / "feed.xml"
    rss.write_text("<rss><channel><item><link>https://x/</link></item></channel></rss>", encoding="utf-8")
    assert "not a sitemap (its root element is <rss>)" in (expand([str(rss)])[0].error or "")


def test_sitemap_where_nothing_matches_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "sitemap.xml"
    path.write_text(urlset("https://health.example/news/1"), encoding="utf-8")
    found = expand([str(path)], config(sitemap_include=["*/conditions/*"]))
    assert found[0].error and "matched the include and exclude patterns" in found[0].error


def test_sitemap_entities_are_not_expanded(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("https://attacker.example/leak", encoding="utf-8")
    path = tmp_path / "sitemap.xml"
    path.write_text(
        f'<?xml version="1.0"?><!DOCTYPE u [<!ENTITY x SYSTEM "file://{secret}">]>'
        f"<urlset {NS}><url><loc>&x;</loc></url><url><loc>https://health.example/ok</loc></url></urlset>",
        encoding="utf-8",
    )
    assert [s.location for s in expand([str(path)])] == ["https://health.example/ok"]
