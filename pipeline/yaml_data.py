"""YAML for the data files: libyaml's C loader when PyYAML has it (ten times faster than the pure
Python one on the glossary and safety packs), the same safe loading rules either way."""

from __future__ import annotations

from typing import Any

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    return yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader, C or Python
