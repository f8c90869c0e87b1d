"""YAML for the data files: libyaml's C loader when PyYAML has it (ten times faster than the pure
Python one on the glossary and safety packs), the same safe loading rules either way."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

# Where the package and its clinician-editable data live; every module finds its files from here.
PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent
DATA_DIR = PACKAGE_DIR / "data"
DATA_SCHEMAS = DATA_DIR / "schemas"
REPORT_SCHEMAS = PACKAGE_DIR / "schemas"
CODE = Path(__file__)  # derived data read through this module counts it among its inputs

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    return yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader, C or Python
