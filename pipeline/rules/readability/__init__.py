"""RD: reading level (SMOG first, UK reading age, NHS bands), sentence and paragraph length, passive voice, plain words.

Importing the family registers its rules and checks (`checks.py`).
"""

from pipeline.rules.readability import checks  # noqa: F401
