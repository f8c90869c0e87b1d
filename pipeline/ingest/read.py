"""Reading an article's bytes from a file or URL, before anything decodes or extracts them.

Every failure raises LoadError with a message a person understands; the runner records it as an
EX finding and carries on with the other articles.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from pipeline.config import Config
from pipeline.errors import LoadError
from pipeline.ingest.sources import Source


def read_file(source: Source, config: Config) -> tuple[bytes, str]:
    path = Path(source.location)
    if not path.exists():
        raise LoadError(f"{path} does not exist.")
    if not path.is_file():
        raise LoadError(f"{path} is not a file.")
    size = path.stat().st_size
    cap = config.fetch.max_bytes
    if size > cap:
        raise LoadError(f"{path} is {size:,} bytes, over the {cap:,}-byte limit (fetch.max_bytes).")
    return path.read_bytes(), path.suffix.lower()


@dataclass
class RawInput:
    """An article's bytes as read or fetched, before decoding: what the history's reuse key hashes."""

    data: bytes
    suffix: str
    content_type: str | None = None
    url: str | None = None
    charset: str | None = None

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.data).hexdigest()[:32]


def read_input(source: Source, config: Config) -> RawInput:
    """The bytes of one source (file or URL); raises LoadError when there are none."""
    if source.error:
        raise LoadError(source.error)
    if source.kind == "url":
        from pipeline.ingest.fetch import fetch

        page = fetch(source.location, config)
        suffix = Path(page.url.split("?")[0]).suffix.lower()
        return RawInput(page.content, suffix, page.content_type, page.url, page.charset)
    data, suffix = read_file(source, config)
    return RawInput(data, suffix)
