"""Joining blocks into the scored text so every block ends as a sentence (the NHS SMOG method)."""

from __future__ import annotations

import re

_WS = re.compile(r"\s+")
_TERMINAL = (".", "!", "?", ":", ";", "…")


def clean(text: str) -> str:
    return _WS.sub(" ", text.replace("\u00a0", " ")).strip()


def as_sentence(text: str) -> str:
    """Close a heading, bullet or cell with a full stop when it has no end punctuation."""
    text = clean(text)
    if not text:
        return text
    stripped = text.rstrip("\"'”’)]")
    if stripped.endswith(_TERMINAL):
        if stripped.endswith((":", ";")):
            return text[: len(stripped) - 1] + "." + text[len(stripped) :]
        return text
    return text + "."
