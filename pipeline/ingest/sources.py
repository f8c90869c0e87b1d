"""Turning what the user named (files, folders, URLs, sitemaps) into the list of articles to audit.

Folders are walked recursively for HTML, Markdown and text files. A sitemap (`sitemap.xml`, a
sitemap index, gzipped or not, or a plain list of URLs) gives its page addresses, filtered by the
`fetch.sitemap_include` / `fetch.sitemap_exclude` globs. A sitemap that cannot be read becomes a
source carrying its error, so the run reports it as an EX finding and audits the rest.
"""

from __future__ import annotations

import fnmatch
import gzip
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit

from lxml import etree

if TYPE_CHECKING:
    from pipeline.config import Config

ARTICLE_SUFFIXES = {".html", ".htm", ".xhtml", ".md", ".markdown", ".txt"}
# As a message lists them: the common four first.
_SUFFIXES_SAID = ".html, .htm, .md, .txt, .xhtml, .markdown"
_SITEMAP_SUFFIXES = (".xml", ".xml.gz")
_MAX_DEPTH = 3  # sitemap index -> sitemap index -> sitemap
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


@dataclass(frozen=True)
class Source:
    kind: Literal["file", "url"]
    location: str
    error: str | None = None  # set when the source itself could not be expanded (a broken sitemap)

    @property
    def name(self) -> str:
        return self.location


def is_url(s: str) -> bool:
    return s.startswith(("http://", "https://"))


def is_sitemap(item: str) -> bool:
    path = urlsplit(item).path if is_url(item) else item
    name = path.lower().rsplit("/", 1)[-1]
    return name.endswith(_SITEMAP_SUFFIXES)


def _article_files(folder: Path) -> list[Path]:
    return [f for f in sorted(folder.rglob("*")) if f.is_file() and f.suffix.lower() in ARTICLE_SUFFIXES]


def source_problems(items: list[str]) -> list[str]:
    """What is wrong with the local sources named: a path that does not exist, a folder with no articles.

    Either would otherwise audit nothing and pass the gate; the command line and the flow stop with
    exit code 2 and these messages instead. URLs are checked when they are fetched.
    """
    problems: list[str] = []
    for item in items:
        if is_url(item) or _SCHEME.match(item):
            continue
        p = Path(item)
        if not p.exists():
            problems.append(f"{item} does not exist")
        elif p.is_dir() and not _article_files(p):
            problems.append(f"no articles found in {item} (looked for {_SUFFIXES_SAID})")
    return problems


def expand(items: list[str], config: Config | None = None) -> list[Source]:
    """Every article named by `items` and by the configuration's `sitemaps`, once each, in order."""
    from pipeline.config import Config

    cfg = config or Config()
    out: list[Source] = []
    seen: set[str] = set()
    named = [*items, *[s for s in cfg.sitemaps if s not in items]]
    for item in named:
        if item in cfg.sitemaps or is_sitemap(item):
            found = list(sitemap_sources(item, cfg))
        elif is_url(item) or _SCHEME.match(item):
            found = [Source("url", item)]  # other schemes are refused, with a reason, when fetched
        else:
            p = Path(item)
            if p.is_dir():
                found = [Source("file", str(f)) for f in _article_files(p)]
            else:
                found = [Source("file", item)]  # a missing file becomes an EX finding later
        for s in found:
            if s.location not in seen:
                seen.add(s.location)
                out.append(s)
    return out


def sitemap_sources(location: str, config: Config) -> Iterator[Source]:
    """The pages a sitemap lists (following sitemap indexes), or one source carrying the error."""
    from pipeline.errors import LoadError

    include = config.fetch.sitemap_include
    exclude = config.fetch.sitemap_exclude
    try:
        urls = list(_sitemap_urls(location, config, depth=0))
    except LoadError as err:
        yield Source("url", location, error=f"sitemap {location} could not be read: {err}")
        return
    kept = [
        u
        for u in urls
        if (not include or any(fnmatch.fnmatch(u, pat) for pat in include))
        and not any(fnmatch.fnmatch(u, pat) for pat in exclude)
    ]
    if not kept:
        why = "matched the include and exclude patterns" if urls else "was listed"
        yield Source("url", location, error=f"sitemap {location}: no page address {why}.")
        return
    for u in kept[: config.fetch.sitemap_max_urls]:
        yield Source("url", u)


def _sitemap_urls(location: str, config: Config, depth: int) -> Iterator[str]:
    from pipeline.errors import LoadError

    if depth > _MAX_DEPTH:
        raise LoadError(f"sitemap indexes nested more than {_MAX_DEPTH} deep at {location}")
    data = _read(location, config)
    if data[:2] == b"\x1f\x8b":
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as gz:
                data = gz.read(config.fetch.max_bytes + 1)
        except OSError:
            raise LoadError("the gzip data is damaged") from None
        if len(data) > config.fetch.max_bytes:
            raise LoadError(f"it is over the {config.fetch.max_bytes:,}-byte limit once unpacked")
    stripped = data.lstrip()
    if not stripped.startswith(b"<"):
        # The sitemap protocol also allows a plain text file with one address per line.
        for line in data.decode("utf-8", errors="replace").splitlines():
            if is_url(line.strip()):
                yield line.strip()
        return
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=True)
    try:
        root = etree.fromstring(stripped, parser=parser)
    except etree.XMLSyntaxError as err:
        raise LoadError(f"it is not valid XML ({err})") from None
    if root is None:
        raise LoadError("it is not valid XML")
    kind = etree.QName(root).localname
    locs = [
        (el.text or "").strip()
        for el in root.iter()
        if isinstance(el.tag, str) and etree.QName(el).localname == "loc"
    ]
    if kind == "sitemapindex":
        for loc in locs:
            if loc:
                yield from _sitemap_urls(loc, config, depth + 1)
    elif kind == "urlset":
        yield from (loc for loc in locs if is_url(loc))
    else:
        raise LoadError(f"it is XML but not a sitemap (its root element is <{kind}>)")


def _read(location: str, config: Config) -> bytes:
    from pipeline.errors import LoadError

    if is_url(location):
        from pipeline.ingest.fetch import SITEMAP_TYPES, fetcher_for

        return fetcher_for(config).fetch(location, accept=SITEMAP_TYPES).content
    path = Path(location)
    if not path.is_file():
        raise LoadError(f"{location} does not exist")
    if path.stat().st_size > config.fetch.max_bytes:
        raise LoadError(f"it is over the {config.fetch.max_bytes:,}-byte limit")
    return path.read_bytes()
