"""Browser mode: axe-core in Debian's headless Chromium, one browser shared by a whole run.

Playwright objects belong to the event loop that created them, while the runner audits articles
from a thread pool; so the browser lives on its own thread with its own loop, and `audit()` (safe to
call from any thread) hands pages to it. The browser starts on the first audit and stops with the
run (CheckContext.extras) or, failing that, when the interpreter exits.

Every request except the page itself is blocked: the page's HTML is served from memory at its own
URL, so relative links resolve as on the site, but nothing is fetched from the network.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import re
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urldefrag, urlsplit

from pipeline.errors import BrowserUnavailable

if TYPE_CHECKING:
    from playwright.async_api import Browser as PlaywrightBrowser
    from playwright.async_api import BrowserContext, Playwright, Route

    from pipeline.config import AccessibilityConfig
    from pipeline.rules.context import CheckContext

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",  # the audit runs as root in containers, where the sandbox cannot start
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
PLACEHOLDER_ORIGIN = "https://article.health-audit.invalid/"
# The axe run: violations and "needs review" only (passes would only be thrown away), a short wait
# for frames that never answer (blocked ones), and no network fetches of its own.
AXE_RUN = """async (options) => {
  const result = await axe.run(document, options);
  const rules = Object.fromEntries(axe.getRules().map(r => [r.ruleId, r.actIds || []]));
  const keep = (list) => list.map(r => ({id: r.id, impact: r.impact, tags: r.tags, help: r.help,
    description: r.description, helpUrl: r.helpUrl, actIds: rules[r.id] || [],
    nodes: r.nodes.map(n => ({target: n.target, html: n.html, failureSummary: n.failureSummary || null}))}));
  return {version: axe.version, violations: keep(result.violations), incomplete: keep(result.incomplete)};
}"""
AXE_OPTIONS: dict[str, Any] = {"resultTypes": ["violations", "incomplete"], "frameWaitTime": 3000}

# A resolver the benchmark uses to serve a test suite's own assets from disk: url -> (body, type).
Resources = Callable[[str], tuple[bytes, str] | None]


@dataclass
class AxeNode:
    target: list[Any]  # axe's selector path: one entry per frame (or shadow root) level
    html: str
    failure_summary: str | None = None


@dataclass
class AxeRuleResult:
    id: str
    impact: str | None
    tags: list[str]
    help: str
    description: str
    help_url: str
    act_ids: list[str]
    nodes: list[AxeNode] = field(default_factory=list)


@dataclass
class AxeResults:
    version: str
    violations: list[AxeRuleResult]
    incomplete: list[AxeRuleResult]


def _results(raw: dict[str, Any]) -> AxeResults:
    def rules(items: list[dict[str, Any]]) -> list[AxeRuleResult]:
        return [
            AxeRuleResult(
                id=r["id"],
                impact=r.get("impact"),
                tags=list(r.get("tags") or []),
                help=r.get("help") or "",
                description=r.get("description") or "",
                help_url=r.get("helpUrl") or "",
                act_ids=list(r.get("actIds") or []),
                nodes=[
                    AxeNode(n["target"], n.get("html") or "", n.get("failureSummary")) for n in r["nodes"]
                ],
            )
            for r in items
        ]

    return AxeResults(str(raw.get("version", "")), rules(raw["violations"]), rules(raw["incomplete"]))


def page_url(source: str) -> str:
    """The URL the page is served at: its own for web pages, a placeholder for files."""
    if source.startswith(("http://", "https://")):
        return urldefrag(source).url
    # Only characters a browser keeps as they are, so the page's request matches this address.
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", Path(source).name).strip("-")
    return PLACEHOLDER_ORIGIN + (name or "article.html")


def content_type_for(url: str) -> str:
    """HTML unless the address says SVG or XML (standalone documents keep their own parser)."""
    path = urlsplit(url).path.lower()
    if path.endswith(".svg"):
        return "image/svg+xml"
    if path.endswith((".xml", ".xhtml")):
        return "application/xhtml+xml" if path.endswith(".xhtml") else "application/xml"
    return "text/html; charset=utf-8"


class Browser:
    """One headless Chromium with axe-core, driven from its own thread."""

    def __init__(
        self,
        *,
        chromium: str = "/usr/bin/chromium",
        axe_script: str | Path,
        start_timeout: float = 60.0,
        page_timeout: float = 30.0,
        pages: int = 2,
        resources: Resources | None = None,
    ) -> None:
        self.chromium = chromium
        self.axe_script = Path(axe_script)
        self.start_timeout = start_timeout
        self.page_timeout = page_timeout
        self.pages = pages
        self.resources = resources
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._playwright: Playwright | None = None
        self._browser: PlaywrightBrowser | None = None
        self._axe_source = ""
        self._slots: asyncio.Queue[_Slot] | None = None
        self._failed: str | None = None
        self.audits = 0

    # --- lifecycle ------------------------------------------------------------------------
    @property
    def started(self) -> bool:
        return self._browser is not None

    def _ensure_started(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._failed:
                raise BrowserUnavailable(self._failed)
            if self._loop is not None:
                return self._loop
            if not Path(self.chromium).exists():
                self._failed = f"Chromium was not found at {self.chromium} (apt-get install chromium)"
                raise BrowserUnavailable(self._failed)
            try:
                self._axe_source = self.axe_script.read_text(encoding="utf-8")
            except OSError as err:
                self._failed = f"axe-core was not found at {self.axe_script} (npm install): {err.strerror}"
                raise BrowserUnavailable(self._failed) from None
            loop = asyncio.new_event_loop()
            thread = threading.Thread(target=loop.run_forever, name="health-audit-chromium", daemon=True)
            thread.start()
            future = asyncio.run_coroutine_threadsafe(self._start(), loop)
            try:
                future.result(timeout=self.start_timeout)
            except Exception as err:
                future.cancel()
                loop.call_soon_threadsafe(loop.stop)
                thread.join(timeout=5)
                self._failed = f"Chromium could not be started: {_short(err)}"
                raise BrowserUnavailable(self._failed) from None
            self._loop, self._thread = loop, thread
            atexit.register(self.close)
            return loop

    async def _start(self) -> None:
        from playwright.async_api import async_playwright

        self._playwright = await async_playwright().start()
        self._browser = await self._playwright.chromium.launch(
            executable_path=self.chromium,
            # Playwright gives every launch a fresh, temporary user-data-dir of its own (and refuses
            # --user-data-dir here); it is deleted when the browser closes.
            args=list(CHROMIUM_FLAGS),
            timeout=self.start_timeout * 1000,
        )
        self._slots = asyncio.Queue()
        for _ in range(self.pages):
            self._slots.put_nowait(await self._new_slot())

    def close(self) -> None:
        """Stop Chromium and its thread; safe to call twice."""
        with self._lock:
            loop, thread = self._loop, self._thread
            self._loop = self._thread = None
            if loop is None:
                return
            # A browser that does not close in time is left to the Playwright driver, which stops it
            # when this process exits.
            with contextlib.suppress(Exception):
                asyncio.run_coroutine_threadsafe(self._stop(), loop).result(timeout=15)
            loop.call_soon_threadsafe(loop.stop)
            if thread is not None:
                thread.join(timeout=5)
        atexit.unregister(self.close)

    async def _stop(self) -> None:
        if self._browser is not None:
            await self._browser.close()
            self._browser = None
        if self._playwright is not None:
            await self._playwright.stop()
            self._playwright = None

    # --- auditing -----------------------------------------------------------------------------
    def audit(self, html: str, source: str = "article.html") -> AxeResults:
        """Open the page (served from `html`, nothing else loaded) and run axe-core on it."""
        loop = self._ensure_started()
        url = page_url(source)
        future: Future[dict[str, Any]] = asyncio.run_coroutine_threadsafe(
            self._audit(html, url, content_type_for(url)), loop
        )
        try:
            raw = future.result(timeout=self.page_timeout + 10)
        except TimeoutError:
            future.cancel()
            raise BrowserUnavailable(f"axe-core did not finish within {self.page_timeout:g} s") from None
        except BrowserUnavailable:
            raise
        except Exception as err:
            raise BrowserUnavailable(f"axe-core could not run on the page: {_short(err)}") from None
        self.audits += 1
        return _results(raw)

    async def _audit(self, html: str, url: str, content_type: str) -> dict[str, Any]:
        assert self._slots is not None
        slot = await self._slots.get()
        try:
            slot.document = (url, html, content_type)
            await slot.context.clear_cookies()
            page = await slot.context.new_page()
            try:
                await page.goto(url, wait_until="load")
                for frame in page.frames:  # axe needs its script in every frame it looks into
                    try:
                        await frame.add_script_tag(content=self._axe_source)
                    except Exception:  # a blocked or cross-origin frame: axe reports it as not checked
                        continue
                result: dict[str, Any] = await asyncio.wait_for(
                    page.evaluate(AXE_RUN, AXE_OPTIONS), timeout=self.page_timeout
                )
                return result
            finally:
                await page.close()
        finally:
            self._slots.put_nowait(slot)

    async def _new_slot(self) -> _Slot:
        """A browser context that serves its current document and blocks everything else.

        Contexts are reused (cookies cleared) because creating one costs more than auditing a page.
        """
        assert self._browser is not None
        context = await self._browser.new_context(bypass_csp=True, service_workers="block")
        context.set_default_timeout(self.page_timeout * 1000)
        slot = _Slot(context)

        async def serve(route: Route) -> None:
            wanted = urldefrag(route.request.url).url
            url, body, content_type = slot.document
            if wanted == url:
                await route.fulfill(status=200, body=body, content_type=content_type)
                return
            found = self.resources(wanted) if self.resources else None
            if found is None and route.request.is_navigation_request():
                # 204 No Content cancels a navigation (a meta refresh, a script redirect) and keeps
                # the page being audited in place, where an aborted one would show an error page.
                await route.fulfill(status=204, body="")
            elif found is None:
                await route.abort("blockedbyclient")
            else:
                await route.fulfill(status=200, body=found[0], content_type=found[1])

        await context.route("**/*", serve)
        return slot


@dataclass
class _Slot:
    context: BrowserContext
    document: tuple[str, str, str] = ("", "", "")  # url, body, content type of the page being audited


def _short(err: BaseException) -> str:
    text = str(err).strip().splitlines()
    return text[0][:300] if text else type(err).__name__


_EXTRAS_KEY = "accessibility.browser"
_shared_lock = threading.Lock()


def browser_for(cfg: AccessibilityConfig) -> Browser:
    return Browser(
        chromium=cfg.chromium,
        axe_script=cfg.axe_script,
        start_timeout=cfg.start_timeout,
        page_timeout=cfg.page_timeout,
        pages=cfg.pages,
    )


def shared_browser(ctx: CheckContext) -> Browser:
    """The run's browser, kept in the run's CheckContext so every article of the run shares it."""
    with _shared_lock:
        found = ctx.extras.get(_EXTRAS_KEY)
        if not isinstance(found, Browser):
            found = browser_for(ctx.config.accessibility)
            ctx.extras[_EXTRAS_KEY] = found
        return found


def close_shared_browser(ctx: CheckContext) -> None:
    """Stop the run's browser, if one was started (the run's end calls this; atexit is the fallback)."""
    found = ctx.extras.pop(_EXTRAS_KEY, None)
    if isinstance(found, Browser):
        found.close()
