"""The exceptions every stage raises, in one leaf module that imports nothing of ours.

Each carries a message a person understands. The runner turns LoadError into an EX finding and goes
on with the other articles; the command turns ConfigError into exit 2.
"""

from __future__ import annotations


class LoadError(Exception):
    """The article could not be loaded; `code` is the EX rule to report it under."""

    def __init__(self, message: str, code: str = "EX001") -> None:
        super().__init__(message)
        self.code = code


class ConfigError(Exception):
    """A configuration problem, with a message that names the bad key."""


class LanguageToolUnavailable(RuntimeError):
    """LanguageTool could not be started or reached; the message says why."""


class BrowserUnavailable(Exception):
    """Chromium could not be started, or axe-core could not run on the page."""
