"""health-audit: readability, grammar, terminology, safety and accessibility checks for health articles.

The library never imports Prefect; `flows/` wraps it.
"""

__version__ = "0.1.0"
