"""What a check may use besides the Document: the configuration and shared services."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pipeline.config import Config

if TYPE_CHECKING:
    from pipeline.rules.grammar.service import GrammarService


@dataclass
class CheckContext:
    config: Config
    grammar: GrammarService | None = None
    # Why grammar is not available (LanguageTool could not be started or reached), if so.
    grammar_unavailable: str | None = None
    extras: dict[str, Any] = field(default_factory=dict)
