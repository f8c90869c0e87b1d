"""Every rule module; importing this package registers all rules and checks."""

from . import currency, extraction, grammar, readability, safety  # noqa: F401
from . import accessibility  # noqa: F401
from . import terms  # noqa: F401
