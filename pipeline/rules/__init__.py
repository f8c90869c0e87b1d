"""Every rule module; importing this package registers all rules and checks."""

from . import accessibility, currency, extraction, grammar, readability, safety, terms  # noqa: F401
