"""Fetching article pages over HTTP(S)."""

from __future__ import annotations

import time
from dataclasses import dataclass

import httpx

from . import __version__
from .config import Config
from .load import LoadError, decode


@dataclass
class FetchedPage:
    url: str
    text: str
    status: int


def user_agent(config: Config) -> str:
    return config.fetch.user_agent or f"health-audit/{__version__} (+content audit)"


def fetch(url: str, config: Config) -> FetchedPage:
    fc = config.fetch
    if not url.startswith(("http://", "https://")):
        raise LoadError(f"{url}: only http and https addresses can be fetched")
    last_error = ""
    for attempt in range(fc.retries + 1):
        try:
            with httpx.Client(
                timeout=fc.timeout,
                follow_redirects=True,
                max_redirects=fc.max_redirects,
                headers={"User-Agent": user_agent(config)},
            ) as client:
                resp = client.get(url)
        except httpx.TooManyRedirects:
            raise LoadError(f"{url}: too many redirects (more than {fc.max_redirects})") from None
        except httpx.TimeoutException:
            last_error = f"{url}: no answer within {fc.timeout:g} s"
        except httpx.HTTPError as err:
            last_error = f"{url}: could not connect ({err})"
        else:
            if resp.status_code >= 500:
                last_error = f"{url}: the server answered {resp.status_code}"
            elif resp.status_code >= 400:
                raise LoadError(f"{url}: the server answered {resp.status_code} (page not available)")
            else:
                if len(resp.content) > fc.max_bytes:
                    raise LoadError(f"{url}: the page is over the {fc.max_bytes:,}-byte limit")
                ctype = resp.headers.get("content-type", "text/html")
                if "html" not in ctype and "text" not in ctype:
                    raise LoadError(f"{url}: content type {ctype} is not an article page")
                return FetchedPage(str(resp.url), decode(resp.content, url, resp.encoding), resp.status_code)
        if attempt < fc.retries:
            time.sleep(fc.backoff * (2**attempt))
    raise LoadError(last_error)
