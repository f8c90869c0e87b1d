"""The catalogue of rules: importing this package registers every family's rules and checks, once.

Code that needs the full set (the runner, the outputs, the command) imports RULES and CHECKS from
here; `pipeline.rules.registry` itself knows no family, so a family can import it without a cycle.
"""

from pipeline.rules import accessibility, currency, extraction, grammar, readability, safety, terms  # noqa: F401
from pipeline.rules.registry import CHECKS, RULES, RUN_CHECKS

__all__ = ["CHECKS", "RULES", "RUN_CHECKS"]
