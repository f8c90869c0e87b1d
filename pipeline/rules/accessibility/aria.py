"""WAI-ARIA 1.2 facts (roles, states and properties) read from data/aria.yaml."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from pipeline import datafiles
from pipeline.datafiles import read_data_file

DATA = datafiles.DATA_DIR / "accessibility"
_INTEGER = re.compile(r"^\s*[-+]?\d+\s*$")
_NUMBER = re.compile(r"^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$")


@dataclass(frozen=True)
class RoleSpec:
    name: str
    abstract: bool = False
    deprecated: bool = False
    required: tuple[str, ...] = ()
    supported: tuple[str, ...] = ()
    context: tuple[str, ...] = ()
    owned: tuple[str, ...] = ()
    name_from: str = "author"  # author | contents | prohibited
    presentational_children: bool = False


@dataclass(frozen=True)
class AttributeSpec:
    name: str
    type: str
    values: tuple[str, ...] = ()
    is_global: bool = False


@dataclass(frozen=True)
class Aria:
    roles: dict[str, RoleSpec]
    attributes: dict[str, AttributeSpec]

    def valid_role(self, token: str) -> bool:
        spec = self.roles.get(token)
        return spec is not None and not spec.abstract

    def allowed_on(self, attribute: str, role: str | None) -> bool:
        """Whether `attribute` is a global one or supported (or required) by `role`."""
        spec = self.attributes.get(attribute)
        if spec is None:
            return False
        if spec.is_global:
            return True
        r = self.roles.get(role or "")
        return r is not None and (attribute in r.supported or attribute in r.required)


@cache
def aria() -> Aria:
    raw: dict[str, Any] = read_data_file(DATA / "aria.yaml")
    roles = {
        name: RoleSpec(
            name=name,
            abstract=bool(spec.get("abstract", False)),
            deprecated=bool(spec.get("deprecated", False)),
            required=tuple(spec.get("required", ())),
            supported=tuple(spec.get("supported", ())),
            context=tuple(spec.get("context", ())),
            owned=tuple(spec.get("owned", ())),
            name_from=str(spec.get("name", "author")),
            presentational_children=bool(spec.get("presentational_children", False)),
        )
        for name, spec in raw["roles"].items()
    }
    attributes = {
        name: AttributeSpec(
            name=name,
            type=str(spec["type"]),
            values=tuple(str(v) for v in spec.get("values", ())),
            is_global=bool(spec.get("global", False)),
        )
        for name, spec in raw["attributes"].items()
    }
    return Aria(roles, attributes)


def value_problem(spec: AttributeSpec, value: str, ids: set[str]) -> str | None:
    """Why `value` is not valid for the attribute, or None when it is."""
    v = value.strip().lower()
    kind = spec.type
    if kind == "boolean":
        return None if v in ("true", "false") else "must be true or false"
    if kind == "nullable-boolean":
        return None if v in ("true", "false", "undefined") else "must be true, false or undefined"
    if kind == "tristate":
        return None if v in ("true", "false", "mixed", "undefined") else "must be true, false or mixed"
    if kind == "integer":
        return None if _INTEGER.match(value) else "must be a whole number"
    if kind == "number":
        return None if _NUMBER.match(value) else "must be a number"
    if kind == "token":
        return None if v in spec.values else "must be one of " + ", ".join(spec.values)
    if kind == "tokens":
        tokens = v.split()
        bad = [t for t in tokens if t not in spec.values]
        return None if tokens and not bad else "must be a list of " + ", ".join(spec.values)
    if kind == "idref":
        # An id that is not on the page is a broken reference, not an invalid value (ARIA 1.2).
        return None if v and " " not in value.strip() else "must be one element id"
    if kind == "idrefs":
        return None
    return None
