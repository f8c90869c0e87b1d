"""EX: loading and extraction; every article is either audited or reported.

Importing the family registers its rules and checks (`checks.py`).
"""

from pipeline.rules.extraction import checks  # noqa: F401
