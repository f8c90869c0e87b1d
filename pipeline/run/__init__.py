"""Run: the runner (which knows no rule code), how one article is checked and assembled, the worker pool."""
