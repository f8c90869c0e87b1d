"""Fetching article pages over HTTP(S) politely and safely.

Polite: a user agent naming the tool and version, robots.txt respected (switchable for one's own
site, crawl-delay honoured), a per-host concurrency limit and delay, ETag / Last-Modified
revalidation against a local cache. Safe: only http and https, no private, loopback or link-local
addresses unless configured (checked again on every redirect), a redirect limit and loop
detection, a response size cap enforced while streaming, and a content-type check.
Every failure is a LoadError whose message says what happened and, where it helps, what to change.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx
from protego import Protego

from pipeline import __version__
from pipeline.config import Config, FetchConfig
from pipeline.errors import LoadError
from pipeline.ingest.address_guard import (
    AddressPolicy,
    AddressRefused,
    HostNotFound,
    guarded_client_transports,
)

ARTICLE_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "text/markdown", "text/x-markdown")
SITEMAP_TYPES = (
    "application/xml", "text/xml", "text/plain", "application/gzip", "application/x-gzip",
    "application/octet-stream",
)
_ROBOTS_TTL = 3600.0
_ROBOTS_MAX = 512_000  # RFC 9309: parse at least the first 500 KiB
_REASONS = {
    400: "the request was refused (400 Bad Request)",
    401: "the page needs a login (401 Unauthorized)",
    403: "access is forbidden (403 Forbidden)",
    404: "the page does not exist (404 Not Found)",
    410: "the page has been removed (410 Gone)",
    429: "the server asks us to slow down (429 Too Many Requests)",
}


@dataclass
class FetchedPage:
    url: str  # after redirects
    content: bytes
    status: int
    content_type: str  # media type, lower case, without parameters
    charset: str | None  # from the Content-Type header
    from_cache: bool = False
    etag: str = ""
    last_modified: str = ""


class HTTPStatusError(LoadError):
    """The server answered with an error status (after retries, for server errors)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


def user_agent(config: Config | FetchConfig) -> str:
    fc = config.fetch if isinstance(config, Config) else config
    return fc.user_agent or f"health-audit/{__version__} (health article accessibility and readability audit)"


def _product_token(agent: str) -> str:
    return agent.split("/")[0].split()[0]


def check_address(
    url: str, allow_private: bool, allow_hosts: list[str] | tuple[str, ...] = (), timeout: float | None = None
) -> None:
    """Refuse other schemes, and hosts that resolve to private, loopback or link-local addresses.

    This answers early, with the URL in the message; the connection checks the address it uses
    again (address_guard), so a name that resolves differently a moment later gains nothing.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise LoadError(f"{url}: only http and https addresses can be fetched, not '{parts.scheme or '?'}:'.")
    host = parts.hostname
    if not host:
        raise LoadError(f"{url}: the address has no host name.")
    policy = AddressPolicy(allow_private, tuple(allow_hosts))
    if policy.trusts(host):
        return
    try:
        policy.approved(host, parts.port or (443 if parts.scheme == "https" else 80), timeout)
    except (AddressRefused, HostNotFound) as err:
        raise type(err)(f"{url}: {err}") from None


class _HostGate:
    """At most N requests at a time per host, and a pause between requests to the same host."""

    def __init__(self, limit: int) -> None:
        self.slots = threading.BoundedSemaphore(max(1, limit))
        self.lock = threading.Lock()
        self.next_at = 0.0

    def wait_turn(self, delay: float) -> None:
        with self.lock:
            now = time.monotonic()
            start = max(now, self.next_at)
            self.next_at = start + delay
        if start > now:
            time.sleep(start - now)


class Fetcher:
    """One fetcher per configuration; thread-safe, shared by the articles of a run."""

    def __init__(self, config: FetchConfig) -> None:
        self.config = config
        self.agent = user_agent(config)
        transport, mounts = guarded_client_transports(AddressPolicy(config.allow_private, tuple(config.allow_hosts)))
        self.client = httpx.Client(
            transport=transport,
            mounts=mounts,
            timeout=httpx.Timeout(config.timeout),
            follow_redirects=False,
            headers={"User-Agent": self.agent, "Accept": "text/html,application/xhtml+xml,text/*;q=0.8,*/*;q=0.1"},
        )
        self._gates: dict[str, _HostGate] = {}
        self._robots: dict[str, tuple[float, Protego | None, str | None]] = {}
        self._lock = threading.Lock()
        self.cache_dir = Path(config.cache_dir) if config.cache_dir else None

    def close(self) -> None:
        self.client.close()

    # -- public -----------------------------------------------------------------------------
    def fetch(self, url: str, accept: tuple[str, ...] = ARTICLE_TYPES) -> FetchedPage:
        """GET `url` with every safety rule and politeness rule applied."""
        check_address(url, self.config.allow_private, self.config.allow_hosts, self.config.timeout)
        if self.config.respect_robots:
            self._check_robots(url)
        cached = self._cache_read(url)
        page = self._with_retries(url, cached)
        if page.from_cache:
            return page
        if page.content_type and not page.content_type.startswith(accept):
            raise LoadError(f"{url}: the server sent {page.content_type}, not a web page or text article.")
        self._cache_write(url, page)
        return page

    # -- robots.txt -------------------------------------------------------------------------
    def _check_robots(self, url: str) -> None:
        parts = urlsplit(url)
        origin = urlunsplit((parts.scheme, parts.netloc, "", "", ""))
        with self._lock:
            entry = self._robots.get(origin)
        if entry is None or time.monotonic() - entry[0] > _ROBOTS_TTL:
            entry = (time.monotonic(), *self._load_robots(origin))
            with self._lock:
                self._robots[origin] = entry
        _, rules, problem = entry
        if problem:
            raise LoadError(f"{url}: {problem}")
        if rules is not None and not rules.can_fetch(url, _product_token(self.agent)):
            raise LoadError(
                f"{url}: the site's robots.txt does not allow {_product_token(self.agent)} to fetch this page; "
                "set fetch.respect_robots = false to audit your own site."
            )

    def _load_robots(self, origin: str) -> tuple[Protego | None, str | None]:
        robots_url = origin + "/robots.txt"
        try:
            page = self._with_retries(robots_url, None, limit=_ROBOTS_MAX, robots=True)
        except HTTPStatusError as err:
            if 400 <= err.status < 500:
                return None, None  # no robots.txt: RFC 9309 allows everything
            return None, (
                f"robots.txt could not be read ({err}), and RFC 9309 then forbids fetching from the site; "
                "set fetch.respect_robots = false to audit your own site."
            )
        except LoadError as err:
            return None, f"robots.txt could not be read ({err}), so nothing was fetched from this site."
        rules = Protego.parse(page.content.decode("utf-8", errors="replace"))
        return rules, None

    def _delay_for(self, url: str) -> float:
        delay = self.config.delay
        parts = urlsplit(url)
        entry = self._robots.get(urlunsplit((parts.scheme, parts.netloc, "", "", "")))
        if entry is not None and entry[1] is not None:
            crawl_delay = entry[1].crawl_delay(_product_token(self.agent))
            if crawl_delay:
                delay = max(delay, min(float(crawl_delay), 30.0))
        return delay

    def _gate(self, host: str) -> _HostGate:
        with self._lock:
            gate = self._gates.get(host)
            if gate is None:
                gate = self._gates[host] = _HostGate(self.config.per_host_concurrency)
            return gate

    # -- requests ---------------------------------------------------------------------------
    def _with_retries(
        self, url: str, cached: dict[str, str] | None, *, limit: int | None = None, robots: bool = False
    ) -> FetchedPage:
        fc = self.config
        attempts = fc.retries + 1
        last = ""
        status: int | None = None
        for attempt in range(attempts):
            wait = fc.backoff * (2**attempt)
            try:
                return self._follow(url, cached, limit or fc.max_bytes, robots)
            except _Retryable as err:
                last, status = str(err), err.status
                if err.retry_after is not None:
                    wait = max(wait, min(err.retry_after, 30.0))
            if attempt + 1 < attempts:
                time.sleep(wait)
        tries = f" (tried {attempts} times)" if attempts > 1 else ""
        if status is not None:
            raise HTTPStatusError(f"{url}: {last}{tries}.", status)
        raise LoadError(f"{url}: {last}{tries}.")

    def _follow(self, url: str, cached: dict[str, str] | None, limit: int, robots: bool) -> FetchedPage:
        seen = [url]
        current = url
        for _ in range(self.config.max_redirects + 1):
            resp_page, location = self._one(current, cached if current == url else None, limit)
            if location is None:
                assert resp_page is not None
                return resp_page
            nxt = urljoin(current, location)
            if nxt in seen:
                loop = " → ".join([*seen[seen.index(nxt) :], nxt])
                raise LoadError(f"{url}: the redirects go round in a loop ({loop}).")
            check_address(nxt, self.config.allow_private, self.config.allow_hosts, self.config.timeout)
            if self.config.respect_robots and not robots and urlsplit(nxt).netloc != urlsplit(current).netloc:
                self._check_robots(nxt)
            seen.append(nxt)
            current = nxt
        raise LoadError(f"{url}: more than {self.config.max_redirects} redirects (fetch.max_redirects).")

    def _one(
        self, url: str, cached: dict[str, str] | None, limit: int
    ) -> tuple[FetchedPage | None, str | None]:
        headers: dict[str, str] = {}
        if cached:
            if cached.get("etag"):
                headers["If-None-Match"] = cached["etag"]
            if cached.get("last_modified"):
                headers["If-Modified-Since"] = cached["last_modified"]
        host = urlsplit(url).netloc
        gate = self._gate(host)
        with gate.slots:
            gate.wait_turn(self._delay_for(url))
            try:
                with self.client.stream("GET", url, headers=headers) as resp:
                    return self._read(url, resp, cached, limit)
            except AddressRefused as err:  # the name resolved to a refused address as we connected
                raise AddressRefused(f"{url}: {err}") from None
            except httpx.TimeoutException:
                raise _Retryable(f"no answer within {self.config.timeout:g} s") from None
            except httpx.TransportError as err:
                raise _Retryable(f"could not connect to {host} ({type(err).__name__}: {err})") from None

    def _read(
        self, url: str, resp: httpx.Response, cached: dict[str, str] | None, limit: int
    ) -> tuple[FetchedPage | None, str | None]:
        status = resp.status_code
        if resp.is_redirect and status != 304:
            location = resp.headers.get("location")
            if not location:
                raise LoadError(f"{url}: the server answered {status} (redirect) without saying where to.")
            return None, location
        if status == 304 and cached is not None:
            body = self._cache_body(url)
            if body is not None:
                return (
                    FetchedPage(cached.get("final_url", url), body, 200, cached.get("content_type", ""),
                                cached.get("charset") or None, from_cache=True),
                    None,
                )
        if status == 429 or status >= 500:
            reason = _REASONS.get(status) or f"the server failed ({status} {resp.reason_phrase})"
            raise _Retryable(reason, _retry_after(resp.headers.get("retry-after")), status)
        if status >= 400:
            reason = _REASONS.get(status) or f"the server answered {status} {resp.reason_phrase}"
            raise HTTPStatusError(f"{url}: {reason}.", status)
        declared = resp.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > limit:
            raise LoadError(
                f"{url}: the page is {int(declared):,} bytes, over the {limit:,}-byte limit (fetch.max_bytes)."
            )
        chunks: list[bytes] = []
        size = 0
        for chunk in resp.iter_bytes():
            size += len(chunk)
            if size > limit:
                raise LoadError(f"{url}: the page is over the {limit:,}-byte limit (fetch.max_bytes).")
            chunks.append(chunk)
        ctype = resp.headers.get("content-type", "")
        media = ctype.split(";")[0].strip().lower()
        page = FetchedPage(
            str(resp.url),
            b"".join(chunks),
            status,
            media,
            resp.charset_encoding,
            etag=resp.headers.get("etag", ""),
            last_modified=resp.headers.get("last-modified", ""),
        )
        return page, None

    # -- revalidation cache -----------------------------------------------------------------
    def _paths(self, url: str) -> tuple[Path, Path] | None:
        if self.cache_dir is None:
            return None
        key = hashlib.sha256(url.encode("utf-8")).hexdigest()[:32]
        return self.cache_dir / f"{key}.json", self.cache_dir / f"{key}.body"

    def _cache_read(self, url: str) -> dict[str, str] | None:
        paths = self._paths(url)
        if paths is None or not paths[0].exists() or not paths[1].exists():
            return None
        try:
            meta = json.loads(paths[0].read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return meta if isinstance(meta, dict) and (meta.get("etag") or meta.get("last_modified")) else None

    def _cache_body(self, url: str) -> bytes | None:
        paths = self._paths(url)
        try:
            return paths[1].read_bytes() if paths else None
        except OSError:
            return None

    def _cache_write(self, url: str, page: FetchedPage) -> None:
        paths = self._paths(url)
        if paths is None or not (page.etag or page.last_modified):
            return
        paths[0].parent.mkdir(parents=True, exist_ok=True)
        paths[1].write_bytes(page.content)
        record = {
            "etag": page.etag,
            "last_modified": page.last_modified,
            "final_url": page.url,
            "content_type": page.content_type,
            "charset": page.charset or "",
        }
        paths[0].write_text(json.dumps(record), encoding="utf-8")


class _Retryable(Exception):
    """A failure worth another try: a timeout, a dropped connection, a 5xx or 429 answer."""

    def __init__(self, message: str, retry_after: float | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.status = status


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


_FETCHERS: dict[str, Fetcher] = {}
_FETCHERS_LOCK = threading.Lock()


def fetcher_for(config: Config | FetchConfig) -> Fetcher:
    """The shared fetcher for these settings, so robots.txt, host limits and connections are shared."""
    fc = config.fetch if isinstance(config, Config) else config
    key = fc.model_dump_json()
    with _FETCHERS_LOCK:
        found = _FETCHERS.get(key)
        if found is None:
            found = _FETCHERS[key] = Fetcher(fc)
        return found


def fetch(url: str, config: Config) -> FetchedPage:
    return fetcher_for(config).fetch(url)


def clear_fetchers() -> None:
    """Forget shared fetchers (their robots.txt answers and connections): between runs or tests."""
    with _FETCHERS_LOCK:
        for found in _FETCHERS.values():
            found.close()
        _FETCHERS.clear()
