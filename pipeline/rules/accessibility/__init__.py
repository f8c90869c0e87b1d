"""AX: accessibility of the article markup, static checks and axe-core in Chromium, merged.

Importing the family registers its rules and checks (`checks.py`, with the rules from `rules_declared.py`).
"""

from pipeline.rules.accessibility import checks  # noqa: F401
