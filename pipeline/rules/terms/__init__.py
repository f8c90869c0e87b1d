"""MT: medical terms and abbreviations explained in plain words at first use.

Importing the family registers its rules and checks (`checks.py`).
"""

from pipeline.rules.terms import checks  # noqa: F401
