"""Every rule module; importing this package registers all rules and checks."""

from . import extraction, grammar, readability  # noqa: F401
