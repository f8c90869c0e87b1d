"""Accessibility of the article markup (family AX): static checks on the HTML, and axe-core in
headless Chromium (browser mode), merged without duplicates."""

from pipeline.accessibility.issues import Issue, Settings
from pipeline.accessibility.static import Crash, Located, StaticResult, audit_static

__all__ = ["Crash", "Issue", "Located", "Settings", "StaticResult", "audit_static"]
