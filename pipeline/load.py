"""Reading an article's bytes from a file or URL and turning them into a Document.

Every failure raises LoadError with a message a person understands; the runner records it as an
EX finding and carries on with the other articles.
"""

from __future__ import annotations

from pathlib import Path

from .config import Config
from .extract import RawPage, extract, from_text
from .model import Document
from .sources import Source


class LoadError(Exception):
    """The article could not be loaded; `code` is the EX rule to report it under."""

    def __init__(self, message: str, code: str = "EX001") -> None:
        super().__init__(message)
        self.code = code


def decode(data: bytes, source: str, declared: str | None = None) -> str:
    if not data.strip():
        raise LoadError(f"{source} is empty")
    if b"\x00" in data[:4096]:
        raise LoadError(f"{source} is a binary file, not an HTML, Markdown or text article")
    for enc in filter(None, [declared, "utf-8"]):
        try:
            return data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise LoadError(f"{source} is not valid UTF-8 and its encoding could not be detected")
    return str(best)


def read_file(source: Source, config: Config) -> tuple[bytes, str]:
    path = Path(source.location)
    if not path.exists():
        raise LoadError(f"{path} does not exist")
    if not path.is_file():
        raise LoadError(f"{path} is not a file")
    size = path.stat().st_size
    if size > config.fetch.max_bytes:
        raise LoadError(f"{path} is {size:,} bytes, over the {config.fetch.max_bytes:,}-byte limit")
    return path.read_bytes(), path.suffix.lower()


def load(source: Source, config: Config) -> Document:
    if source.kind == "url":
        from .fetch import fetch

        page = fetch(source.location, config)
        return extract(RawPage(source=source.location, html=page.text, url=page.url))
    data, suffix = read_file(source, config)
    text = decode(data, source.location)
    if suffix in {".txt", ".md", ".markdown"}:
        return from_text(source.location, text)
    return extract(RawPage(source=source.location, html=text))
