"""AX: accessibility of the article markup, static checks and axe-core in Chromium, merged.

Importing the family registers its rules and checks (`checks.py`).
"""

from pipeline.rules.accessibility import checks  # noqa: F401
