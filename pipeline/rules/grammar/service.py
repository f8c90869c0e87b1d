"""Talks to a LanguageTool server over HTTP and keeps it alive.

- Paragraphs are grouped into requests of about `chunk_chars` characters. Each request is sent as
  LanguageTool "annotated text": parts that are not prose (URLs, e-mail addresses, phone numbers,
  code) go as markup, which LanguageTool skips but counts, so every offset maps back exactly.
- Up to `parallel` requests are in flight at once, across all articles of the run.
- Results are cached by paragraph: an unchanged paragraph is never sent twice.
- If our own server dies, it is restarted once and the request is repeated; after that, or for a
  server given by URL, the failure is reported and the paragraphs stay unchecked.

We talk HTTP with httpx rather than through language-tool-python: its client opens a new
connection per check and cannot send annotated text, which we need to skip non-prose exactly.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx

from pipeline.errors import LanguageToolUnavailable
from pipeline.rules.grammar.languagetool import LanguageToolServer, is_ready

if TYPE_CHECKING:
    from pipeline.config import Config

# Oxford -ize spelling is British too, but the NHS writes -ise: do not ask writers to change it.
# LanguageTool's compound-sentence comma rules ask for a comma before every "and", "but" or "or"
# that joins two clauses: house style, not grammar (LABELLING.md counts them as uncertain), and
# wrong on short clauses ("if the burn is large and you are cold").
DEFAULT_DISABLED_RULES: tuple[str, ...] = (
    "OXFORD_SPELLING_Z_NOT_S",
    "COMMA_COMPOUND_SENTENCE",
    "COMMA_COMPOUND_SENTENCE_2",
    "COMMA_COMPOUND_SENTENCE_3",
    "COMMA_COMPOUND_SENTENCE_4",
)
CACHE_ENTRIES = 200_000  # paragraphs; about 100 MB at worst
_PARAGRAPH_BREAK = {"markup": "\n", "interpretAs": "\n\n"}


@dataclass(frozen=True)
class Match:
    """One LanguageTool match, offsets relative to the paragraph that was checked."""

    offset: int
    length: int
    rule_id: str
    category: str
    issue_type: str
    message: str
    replacements: tuple[str, ...]


@dataclass(frozen=True)
class Paragraph:
    """Text to check, with spans LanguageTool must skip: (start, end, what to read them as)."""

    text: str
    skip: tuple[tuple[int, int, str], ...] = ()

    def annotation(self) -> list[dict[str, str]]:
        parts: list[dict[str, str]] = []
        pos = 0
        for start, end, interpret_as in sorted(self.skip):
            if start < pos or end <= start:
                continue  # overlapping or empty span: the earlier one already covers it
            if start > pos:
                parts.append({"text": self.text[pos:start]})
            parts.append({"markup": self.text[start:end], "interpretAs": interpret_as})
            pos = end
        if pos < len(self.text):
            parts.append({"text": self.text[pos:]})
        return parts


@dataclass
class CheckResult:
    """Matches per paragraph (None where a paragraph could not be checked) and why, if so."""

    matches: list[tuple[Match, ...] | None]
    error: str | None = None
    from_cache: int = 0
    events: list[str] = field(default_factory=list)

    @property
    def unchecked(self) -> int:
        return sum(m is None for m in self.matches)


def _utf16_offsets(text: str) -> list[int] | None:
    """Maps LanguageTool's offsets (Java UTF-16 units) to Python indexes; None when they agree."""
    if text.isascii() or all(ord(ch) <= 0xFFFF for ch in text):
        return None
    index: list[int] = []
    for i, ch in enumerate(text):
        index.extend([i, i] if ord(ch) > 0xFFFF else [i])
    index.append(len(text))
    return index


class GrammarService:
    def __init__(
        self,
        url: str,
        language: str,
        *,
        server: LanguageToolServer | None = None,
        picky: bool = False,
        parallel: int = 2,
        chunk_chars: int = 4000,
        disabled_rules: Sequence[str] = DEFAULT_DISABLED_RULES,
        timeout: float = 120.0,
    ) -> None:
        self.url = url.rstrip("/")
        self.language = language
        self.server = server
        self.picky = picky
        self.parallel = max(1, parallel)
        self.chunk_chars = chunk_chars
        self.disabled_rules = tuple(disabled_rules)
        self.timeout = timeout
        self._cache: OrderedDict[str, tuple[Match, ...]] = OrderedDict()
        self._lock = threading.Lock()
        self._restart_lock = threading.Lock()
        self._client: httpx.Client | None = None
        self._pool: ThreadPoolExecutor | None = None
        self._broken: str | None = None  # why the server can no longer be used, once it cannot
        self.events: list[str] = []  # what happened to the server during the run
        self.requests = 0
        self.cache_hits = 0
        self.paragraphs_checked = 0
        self.characters_sent = 0
        self.request_seconds = 0.0

    @classmethod
    def from_config(cls, url: str, config: Config, server: LanguageToolServer | None = None) -> GrammarService:
        g = config.grammar
        return cls(
            url,
            config.language,
            server=server,
            picky=g.picky,
            parallel=g.parallel,
            chunk_chars=g.chunk_chars,
            disabled_rules=g.disabled_rules,
            timeout=g.request_timeout,
        )

    # --- checking -----------------------------------------------------------------------------

    def check(self, text: str) -> list[Match]:
        """Check one paragraph; raises LanguageToolUnavailable if it could not be checked."""
        result = self.check_paragraphs([Paragraph(text)])
        if result.error is not None or result.matches[0] is None:
            raise LanguageToolUnavailable(result.error or "LanguageTool did not answer")
        return list(result.matches[0])

    def check_paragraphs(
        self,
        paragraphs: Sequence[Paragraph],
        *,
        chunk_chars: int | None = None,
        disabled_rules: Sequence[str] | None = None,
    ) -> CheckResult:
        """Check paragraphs, from the cache where possible; never raises for a server failure."""
        rules = tuple(self.disabled_rules if disabled_rules is None else disabled_rules)
        keys = [self._key(p, rules) for p in paragraphs]
        result = CheckResult(matches=[None] * len(paragraphs))
        todo: dict[str, int] = {}  # key -> first paragraph with it (repeats are sent once)
        with self._lock:
            for i, key in enumerate(keys):
                cached = self._cache.get(key)
                if cached is not None:
                    self._cache.move_to_end(key)
                    result.matches[i] = cached
                    result.from_cache += 1
                elif paragraphs[i].text.strip():
                    todo.setdefault(key, i)
                else:
                    result.matches[i] = ()
            self.cache_hits += result.from_cache
        if todo:
            events_before = len(self.events)
            chunks = self._plan(list(todo.values()), paragraphs, chunk_chars or self.chunk_chars)
            futures = [self._executor().submit(self._check_chunk, [paragraphs[i] for i in c], rules) for c in chunks]
            errors: list[str] = []
            for chunk, future in zip(chunks, futures, strict=True):
                try:
                    per_paragraph = future.result()
                except LanguageToolUnavailable as err:
                    errors.append(str(err))
                    continue
                with self._lock:
                    for i, matches in zip(chunk, per_paragraph, strict=True):
                        self._remember(keys[i], matches)
            with self._lock:
                for i, key in enumerate(keys):
                    if result.matches[i] is None and key in self._cache:
                        result.matches[i] = self._cache[key]
                result.events = self.events[events_before:]
            if errors:
                result.error = errors[0]
        return result

    def _key(self, paragraph: Paragraph, disabled_rules: tuple[str, ...]) -> str:
        h = hashlib.sha256()
        for part in (self.language, str(self.picky), ",".join(disabled_rules), paragraph.text, repr(paragraph.skip)):
            h.update(part.encode("utf-8", "surrogatepass"))
            h.update(b"\x00")
        return h.hexdigest()

    def _remember(self, key: str, matches: tuple[Match, ...]) -> None:
        self._cache[key] = matches
        if len(self._cache) > CACHE_ENTRIES:
            self._cache.popitem(last=False)

    @staticmethod
    def _plan(indexes: list[int], paragraphs: Sequence[Paragraph], chunk_chars: int) -> list[list[int]]:
        """Group paragraphs, in order, into requests of at most about `chunk_chars` characters."""
        chunks: list[list[int]] = []
        size = 0
        for i in indexes:
            n = len(paragraphs[i].text) + 1
            if chunks and size + n <= chunk_chars:
                chunks[-1].append(i)
                size += n
            else:
                chunks.append([i])
                size = n
        return chunks

    def _executor(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=self.parallel, thread_name_prefix="languagetool")
            return self._pool

    def _http(self) -> httpx.Client:
        with self._lock:
            if self._client is None:
                limits = httpx.Limits(max_connections=self.parallel, max_keepalive_connections=self.parallel)
                self._client = httpx.Client(timeout=self.timeout, limits=limits)
            return self._client

    def _check_chunk(self, chunk: list[Paragraph], disabled_rules: tuple[str, ...]) -> list[tuple[Match, ...]]:
        """One request for several paragraphs; matches split back per paragraph."""
        annotation: list[dict[str, str]] = []
        starts: list[int] = []
        pos = 0
        for k, para in enumerate(chunk):
            if k:
                annotation.append(_PARAGRAPH_BREAK)
                pos += len(_PARAGRAPH_BREAK["markup"])
            starts.append(pos)
            annotation.extend(para.annotation())
            pos += len(para.text)
        full_text = "".join(part.get("text", part.get("markup", "")) for part in annotation)
        form = {"language": self.language, "data": json.dumps({"annotation": annotation})}
        if self.picky:
            form["level"] = "picky"
        if disabled_rules:
            form["disabledRules"] = ",".join(disabled_rules)
        raw = self._post_with_recovery(form, len(full_text))
        with self._lock:
            self.paragraphs_checked += len(chunk)
        to_index = _utf16_offsets(full_text)
        out: list[list[Match]] = [[] for _ in chunk]
        for m in raw:
            start, end = int(m["offset"]), int(m["offset"]) + int(m["length"])
            if to_index is not None:
                start, end = to_index[min(start, len(to_index) - 1)], to_index[min(end, len(to_index) - 1)]
            k = bisect.bisect_right(starts, start) - 1
            local = start - starts[k]
            if local >= len(chunk[k].text):
                continue  # a match on the paragraph break itself
            rule = m.get("rule") or {}
            out[k].append(
                Match(
                    offset=local,
                    length=max(0, min(end - start, len(chunk[k].text) - local)),
                    rule_id=str(rule.get("id", "")),
                    category=str((rule.get("category") or {}).get("id", "")),
                    issue_type=str(rule.get("issueType", "")),
                    message=str(m.get("message", "")),
                    replacements=tuple(str(r.get("value", "")) for r in (m.get("replacements") or [])[:5]),
                )
            )
        return [tuple(ms) for ms in out]

    # --- talking to the server, and recovering it ---------------------------------------------

    def _post_with_recovery(self, form: dict[str, str], characters: int) -> list[dict[str, Any]]:
        if self._broken:
            raise LanguageToolUnavailable(self._broken)
        try:
            matches = self._post(form)
        except _ServerFailed as err:
            restarts = self.server.restarts if self.server else 0
            if not self._recover(str(err)):
                raise LanguageToolUnavailable(self._broken or str(err)) from err
            try:
                matches = self._post(form)
            except _ServerFailed as err2:
                after = "after a restart" if self.server and self.server.restarts > restarts else "twice"
                self._broken = f"LanguageTool failed {after}: {err2}"
                self.events.append(self._broken)
                raise LanguageToolUnavailable(self._broken) from err2
        with self._lock:
            self.characters_sent += characters
        return matches

    def _post(self, form: dict[str, str]) -> list[dict[str, Any]]:
        t0 = time.monotonic()
        try:
            response = self._http().post(f"{self.url}/v2/check", data=form)
        except httpx.HTTPError as err:
            raise _ServerFailed(f"{type(err).__name__}: {err or 'no answer'}") from err
        finally:
            with self._lock:
                self.requests += 1
                self.request_seconds += time.monotonic() - t0
        if response.status_code >= 500:
            raise _ServerFailed(f"HTTP {response.status_code}: {response.text[:200]}")
        if response.status_code != 200:
            raise LanguageToolUnavailable(f"LanguageTool refused the request (HTTP {response.status_code}): "
                                          f"{response.text[:200]}")
        try:
            matches = response.json()["matches"]
        except (ValueError, KeyError, TypeError) as err:
            raise _ServerFailed(f"not a LanguageTool answer: {response.text[:200]!r}") from err
        return list(matches)

    def _recover(self, reason: str) -> bool:
        """Restart our own server once if it died; a server given by URL cannot be restarted."""
        if self.server is None:
            self._broken = f"LanguageTool at {self.url} did not answer ({reason})"
            return False
        with self._restart_lock:
            if self._broken:
                return False
            if self.server.closed:
                self._broken = f"LanguageTool was stopped before the check finished ({reason})"
                return False
            if self.server.alive() and is_ready(self.server.url):
                if self.server.restarts:
                    return True  # another thread has already restarted it
                self.events.append(f"a LanguageTool request failed ({reason}); the server answers, retrying")
                return True
            if self.server.restarts >= 1:
                self._broken = f"LanguageTool stopped again after its one restart ({reason})"
                self.events.append(self._broken)
                return False
            t0 = time.monotonic()
            try:
                self.server.restart()
            except LanguageToolUnavailable as err:
                self._broken = f"LanguageTool stopped ({reason}) and could not be restarted: {err}"
                self.events.append(self._broken)
                return False
            self.events.append(
                f"LanguageTool stopped during the run ({reason}); restarted it in {time.monotonic() - t0:.1f} s"
            )
            self.url = self.server.url
            return True

    # --- reporting ----------------------------------------------------------------------------

    def stats(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "requests": self.requests,
            "paragraphs_checked": self.paragraphs_checked,
            "cache_hits": self.cache_hits,
            "characters_sent": self.characters_sent,
            "request_seconds": round(self.request_seconds, 3),
            "events": list(self.events),
        }
        if self.server is not None:
            out["restarts"] = self.server.restarts
            if self.server.started_seconds is not None:
                out["start_seconds"] = round(self.server.started_seconds, 2)
            out.update({f"java_{k}_bytes": v for k, v in self.server.memory().items()})
        return out

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
            client, self._client = self._client, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
        if client is not None:
            client.close()


class _ServerFailed(Exception):
    """The server did not answer, or answered with an error of its own (not a refused request)."""
