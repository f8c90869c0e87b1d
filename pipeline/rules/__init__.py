"""The catalogue of rules: importing this package registers every family's rules and checks, once.

Code that needs the full set (the runner, the outputs, the command) imports RULES and CHECKS from
here; `pipeline.registry` itself knows no family, so a family can import it without a cycle.
"""

from pipeline.registry import CHECKS, RULES, RUN_CHECKS
from pipeline.rules import accessibility, currency, extraction, grammar, readability, safety, terms  # noqa: F401

__all__ = ["CHECKS", "RULES", "RUN_CHECKS"]
