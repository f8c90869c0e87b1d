"""Prefect flows that wrap the `pipeline` library."""
