"""The one loader of the data files the checks read (glossary, swap list, safety packs and locales,
ARIA and link-text lists, waivers): YAML, checked against its JSON schema when it has one.

YAML is parsed with libyaml's C loader when PyYAML has it (ten times faster than the pure Python one
on the glossary and safety packs), the same safe loading rules either way. What the callers derive
from the data (matchers, packs, profiles) is kept by them, in memory or on disk through
pipeline/datacache.py, keyed by the files it came from.
"""

from __future__ import annotations

import functools
import json
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


class DataFileError(Exception):
    """A data file is missing, unreadable, not YAML or breaks its schema; the message names the file."""


def load_yaml(text: str) -> Any:
    return yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader, C or Python


def read_data_file(
    path: str | Path, *, schema: Path | None = None, error: type[Exception] = DataFileError
) -> Any:
    """The parsed contents of the YAML file at `path`, checked against the JSON schema `schema`.

    Every problem raises `error` (each family passes its own, so callers catch what they did)
    with a message that names the file. A schema that is not installed is not checked against:
    the tests validate every shipped file, and the schemas are optional at run time.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(f"{p} was not found") from None
    except UnicodeDecodeError:
        raise error(f"{p} is not a text file (binary, or not UTF-8)") from None
    except OSError as err:
        raise error(f"{p} cannot be read: {err.strerror or err}") from None
    try:
        data = load_yaml(text)
    except yaml.YAMLError as err:
        # One line: the YAML library's message spans several, with the document echoed.
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        mark = getattr(err, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        raise error(f"{p} is not valid YAML: {problem}{where}") from None
    if schema is not None and schema.is_file():
        problems = schema_errors(data, schema)
        if problems:
            shown = "; ".join(problems[:5]) + (f"; and {len(problems) - 5} more" if len(problems) > 5 else "")
            raise error(f"{p} does not match {schema.name}: {shown}")
    return data


def schema_errors(data: Any, schema: Path) -> list[str]:
    """Every place where `data` breaks the JSON schema, as "where: message" lines in file order."""
    validator = _validator(str(schema), schema.stat().st_mtime_ns)
    out = []
    for err in sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path)):
        where = "/".join(str(p) for p in err.absolute_path) or "(top level)"
        out.append(f"{where}: {err.message}")
    return out


@functools.lru_cache(maxsize=16)
def _validator(schema: str, stamp: int) -> Any:  # the stamp makes an edited schema load again
    """One checked validator per schema (jsonschema.validate re-checks the schema on every call)."""
    import jsonschema  # only files with a schema need it, not every reader of YAML

    data = json.loads(Path(schema).read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(data)
    cls.check_schema(data)
    return cls(data)
