"""Helpers shared by the tests and the bench scripts: scoring, labelled sets, paths to ../shared.

The bench scripts put the checkout on sys.path and import from here, so a figure the bench prints
and the threshold a test holds it to come from the same code.
"""
