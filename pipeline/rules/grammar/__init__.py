"""GR: grammar and spelling through a real LanguageTool server, fluent in medical words.

Importing the family registers its rules and checks (`checks.py`).
"""

from pipeline.rules.grammar import checks  # noqa: F401
