"""SM: the safety messages a page must give for its topics, in its country's words.

Importing the family registers its rules and checks (`checks.py`).
"""

from pipeline.rules.safety import checks  # noqa: F401
