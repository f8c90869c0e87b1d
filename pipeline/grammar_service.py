"""Talks to a LanguageTool server through language-tool-python and keeps it alive.

Results are cached by (language, text) hash so an unchanged paragraph is never sent twice.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from typing import Any

import language_tool_python

from .languagetool import LanguageToolServer, LanguageToolUnavailable, is_ready


@dataclass(frozen=True)
class Match:
    """One LanguageTool match, offsets relative to the text that was sent."""

    offset: int
    length: int
    rule_id: str
    category: str
    issue_type: str
    message: str
    replacements: tuple[str, ...]


class GrammarService:
    def __init__(
        self,
        url: str,
        language: str,
        *,
        server: LanguageToolServer | None = None,
        picky: bool = False,
    ) -> None:
        self.url = url
        self.language = language
        self.server = server
        self.picky = picky
        self._cache: dict[str, list[Match]] = {}
        self._lock = threading.Lock()
        self._restart_lock = threading.Lock()
        self._tool: language_tool_python.LanguageTool | None = None
        self.events: list[str] = []  # what happened to the server during the run (restarts)
        self.requests = 0
        self.cache_hits = 0

    def _client(self) -> language_tool_python.LanguageTool:
        if self._tool is None:
            try:
                tool = language_tool_python.LanguageTool(self.language, remote_server=self.url)
            except Exception as err:  # the client raises several types for a dead server
                raise LanguageToolUnavailable(f"LanguageTool at {self.url} did not answer: {err}") from err
            if self.picky:
                tool.picky = True
            self._tool = tool
        return self._tool

    def _key(self, text: str) -> str:
        return hashlib.sha256(f"{self.language}\x00{self.picky}\x00{text}".encode()).hexdigest()

    def check(self, text: str) -> list[Match]:
        key = self._key(text)
        with self._lock:
            cached = self._cache.get(key)
        if cached is not None:
            self.cache_hits += 1
            return cached
        try:
            raw = self._client().check(text)
        except Exception as err:
            if not self._recover(err):
                raise LanguageToolUnavailable(f"LanguageTool failed: {err}") from err
            try:
                raw = self._client().check(text)
            except Exception as err2:
                raise LanguageToolUnavailable(f"LanguageTool failed after a restart: {err2}") from err2
        self.requests += 1
        matches = [
            Match(
                offset=m.offset,
                length=m.error_length,
                rule_id=m.rule_id,
                category=m.category,
                issue_type=m.rule_issue_type,
                message=m.message,
                replacements=tuple(m.replacements[:5]),
            )
            for m in raw
        ]
        with self._lock:
            self._cache[key] = matches
        return matches

    def _recover(self, err: Exception) -> bool:
        """Restart our own server once if it died; a server given by URL cannot be restarted."""
        if self.server is None:
            return False
        with self._restart_lock:
            if self.server.alive() and is_ready(self.server.url):
                return True  # another thread already restarted it
            if self.server.restarts >= 1:
                return False
            self.events.append(f"LanguageTool stopped during the run ({err}); restarted it once")
            try:
                self.server.restart()
            except LanguageToolUnavailable as start_err:
                self.events.append(f"restart failed: {start_err}")
                return False
            self.url = self.server.url
            self._tool = None
            return True

    def stats(self) -> dict[str, Any]:
        return {"requests": self.requests, "cache_hits": self.cache_hits, "events": list(self.events)}
