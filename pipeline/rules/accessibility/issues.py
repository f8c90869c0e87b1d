"""What a static check reports, and the list the checks register themselves in."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal

from bs4 import Tag

from pipeline.rules.accessibility.dom import Page


@dataclass(frozen=True)
class Settings:
    """What the static checks may be tuned with (from AccessibilityConfig)."""

    vague_link_phrases: frozenset[str] = frozenset()
    max_per_rule: int = 50


@dataclass
class Issue:
    code: str  # the AX rule it belongs to
    element: Tag | None  # None for whole-page problems (no element to point at)
    message: str
    outcome: Literal["fail", "review"] = "fail"
    suggestion: str | None = None
    data: dict[str, object] = field(default_factory=dict)


StaticCheck = Callable[[Page, Settings], Iterable[Issue]]
STATIC_CHECKS: list[StaticCheck] = []


def static_check(fn: StaticCheck) -> StaticCheck:
    STATIC_CHECKS.append(fn)
    return fn
