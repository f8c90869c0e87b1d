"""CU: review dates shown and not overdue.

Importing the family registers its rules and checks (`checks.py`).
"""

from pipeline.rules.currency import checks  # noqa: F401
