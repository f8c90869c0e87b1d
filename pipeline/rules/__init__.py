"""Every rule module; importing this package registers all rules and checks."""

from pipeline.rules import accessibility, currency, extraction, grammar, readability, safety, terms  # noqa: F401
