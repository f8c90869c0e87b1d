"""Outputs rendered from the canonical run result."""
