"""Turning what the user named (files, folders, URLs) into the list of articles to audit."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

ARTICLE_SUFFIXES = {".html", ".htm", ".xhtml", ".md", ".markdown", ".txt"}


@dataclass(frozen=True)
class Source:
    kind: Literal["file", "url"]
    location: str

    @property
    def name(self) -> str:
        return self.location


def is_url(s: str) -> bool:
    return s.startswith(("http://", "https://"))


def expand(items: list[str]) -> list[Source]:
    """Files stay as given; folders are walked recursively for article files, in a stable order."""
    out: list[Source] = []
    seen: set[str] = set()
    for item in items:
        if is_url(item):
            found = [Source("url", item)]
        else:
            p = Path(item)
            if p.is_dir():
                found = [
                    Source("file", str(f))
                    for f in sorted(p.rglob("*"))
                    if f.is_file() and f.suffix.lower() in ARTICLE_SUFFIXES
                ]
            else:
                found = [Source("file", item)]  # a missing file becomes an EX finding later
        for s in found:
            if s.location not in seen:
                seen.add(s.location)
                out.append(s)
    return out
