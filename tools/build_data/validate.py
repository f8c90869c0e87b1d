#!/usr/bin/env python3
"""Validate every clinician-editable data file in pipeline/data/ against its JSON Schema,
then run the cross-checks a schema cannot express (duplicates, clashes, ids, placeholders).

    python tools/build_data/validate.py [DATA_DIR]      # exit 1 and list errors if any

Importable: `validate_all(data_dir) -> list[str]` returns one message per problem, each
starting with the file name (empty list = all valid). Needs PyYAML and jsonschema.

File -> schema (in DATA_DIR/schemas/):
    glossary.yaml          glossary.schema.json
    plain_words.yaml       plain_words.schema.json
    medical_words.txt      medical_words.schema.json   (read as {"words": [...]})
    safety/locales.yaml    safety_locales.schema.json
    safety/<topic>.yaml    safety_topic.schema.json     (every other file in safety/)
"""

from __future__ import annotations

import json
import re
import string
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator

DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent.parent / "pipeline" / "data"

# The required-safety-message topics the project ships; a missing one is an error.
REQUIRED_TOPICS = (
    "sepsis",
    "meningitis",
    "stroke",
    "heart-attack-chest-pain",
    "anaphylaxis",
    "asthma-attack",
    "suicide-self-harm",
    "overdose-poisoning",
    "diabetic-emergencies",
    "head-injury",
    "bleeding-in-pregnancy",
    "child-fever",
    "choking",
)
REQUIRED_LOCALES = ("uk", "us", "au", "ie")
KINDS = ("emergency_action", "urgent_advice", "crisis_support")

# An explanation that ends like this was cut off in the middle of a clause.
_DANGLING = {"a", "an", "the", "of", "and", "or", "with", "that", "which", "by", "such", "than", "into"}


class _UniqueKeyLoader(yaml.SafeLoader):
    """A YAML loader that rejects duplicate keys (PyYAML silently keeps the last one)."""


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen.add(key)
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _load_yaml(path: Path, errors: list[str], label: str) -> Any:
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.load(fh, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except (OSError, yaml.YAMLError) as exc:
        errors.append(f"{label}: cannot read YAML: {exc}")
        return None


def _schema(schemas: Path, name: str, errors: list[str]) -> Draft202012Validator | None:
    path = schemas / f"{name}.schema.json"
    try:
        schema = json.loads(path.read_text(encoding="utf-8"))
        Draft202012Validator.check_schema(schema)
        return Draft202012Validator(schema)
    except (OSError, ValueError) as exc:
        errors.append(f"schemas/{name}.schema.json: {exc}")
        return None


def _schema_errors(
    validator: Draft202012Validator | None,
    data: Any,
    label: str,
    items_key: str | None,
    name_field: str | None,
) -> list[str]:
    if validator is None:
        return []
    out = []
    for err in sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path)):
        path = list(err.absolute_path)
        where = "/".join(str(p) for p in path) or "(top level)"
        # Name the entry (term / word) so a clinician can find it.
        if items_key and len(path) >= 2 and path[0] == items_key and isinstance(path[1], int) and name_field:
            try:
                entry = data[items_key][path[1]]
                where += f" ({entry.get(name_field)!r})"
            except (KeyError, IndexError, AttributeError, TypeError):
                pass
        message = err.message if len(err.message) <= 200 else err.message[:197] + "..."
        out.append(f"{label}: {where}: {message}")
    return out


# ---------------------------------------------------------------- per file


def _check_glossary(data: Any, errors: list[str]) -> None:
    label = "glossary.yaml"
    entries = data.get("entries") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        return
    owner: dict[str, str] = {}
    for e in entries:
        if not isinstance(e, dict) or not isinstance(e.get("term"), str):
            continue
        term = e["term"]
        for form in [term, *[v for v in e.get("variants") or [] if isinstance(v, str)]]:
            key = form.casefold()
            if key in owner and owner[key] != term:
                errors.append(
                    f"{label}: {form!r} (in {term!r}) is already the term or a variant of {owner[key]!r}"
                )
            elif key in owner and form != term:
                errors.append(f"{label}: {term!r} lists {form!r} twice or as its own variant")
            owner.setdefault(key, term)
        expl = e.get("explanation")
        if isinstance(expl, str):
            words = expl.split()
            if words and words[-1].lower().strip(",;:") in _DANGLING:
                errors.append(f"{label}: {term!r}: explanation ends in the middle of a clause: {expl!r}")
            if expl.casefold() == term.casefold():
                errors.append(f"{label}: {term!r}: explanation only repeats the term")
        expansion = e.get("expansion")
        if isinstance(expansion, str) and expansion.casefold() == term.casefold():
            errors.append(f"{label}: {term!r}: expansion repeats the abbreviation")


def _check_plain_words(data: Any, errors: list[str]) -> None:
    label = "plain_words.yaml"
    entries = data.get("entries") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        return
    owner: dict[str, str] = {}
    for e in entries:
        if not isinstance(e, dict) or not isinstance(e.get("word"), str):
            continue
        word = e["word"]
        for form in [word, *[v for v in e.get("variants") or [] if isinstance(v, str)]]:
            key = form.casefold()
            if key in owner and owner[key] != word:
                errors.append(
                    f"{label}: {form!r} (in {word!r}) is already the word or a variant of {owner[key]!r}"
                )
            owner.setdefault(key, word)
        for p in e.get("plain") or []:
            if isinstance(p, str) and p.casefold() == word.casefold():
                errors.append(f"{label}: {word!r}: a plain alternative is the word itself")


def _read_word_list(path: Path, errors: list[str]) -> dict[str, list[str]] | None:
    label = path.name
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        errors.append(f"{label}: cannot read: {exc}")
        return None
    words = []
    seen: dict[str, int] = {}
    for n, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if raw != raw.rstrip() or raw != raw.lstrip():
            errors.append(f"{label}: line {n}: spaces around {line!r}")
        key = line.casefold()
        if key in seen:
            errors.append(f"{label}: line {n}: {line!r} is already on line {seen[key]}")
        seen.setdefault(key, n)
        words.append(line)
    return {"words": words}


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _check_topic(
    path: Path, data: Any, errors: list[str], locales: dict[str, Any] | None, topic_ids: set[str]
) -> None:
    label = f"safety/{path.name}"
    if not isinstance(data, dict):
        return
    topic = data.get("topic")
    if topic != path.stem:
        errors.append(f"{label}: topic {topic!r} must equal the file name {path.stem!r}")
    trig = data.get("triggers") or {}
    body = [t.get("weight") for t in trig.get("body") or [] if isinstance(t, dict)]
    thr = trig.get("threshold")
    if isinstance(thr, int) and body and all(isinstance(w, int) for w in body) and thr <= max(body):
        errors.append(
            f"{label}: threshold {thr} is reached by one passing mention in the body "
            f"(largest body weight {max(body)}); it must be higher"
        )
    for part in ("title", "headings", "body"):
        terms = [t.get("term", "").casefold() for t in trig.get(part) or [] if isinstance(t, dict)]
        for term, n in Counter(terms).items():
            if n > 1:
                errors.append(f"{label}: triggers.{part} lists {term!r} {n} times")
    ids = [r.get("id") for r in data.get("requires") or [] if isinstance(r, dict)]
    for rid, n in Counter(ids).items():
        if n > 1:
            errors.append(f"{label}: requires id {rid!r} appears {n} times")
    for r in data.get("requires") or []:
        if not isinstance(r, dict):
            continue
        rid = r.get("id")
        if isinstance(rid, str) and isinstance(topic, str) and not rid.startswith(topic + "."):
            errors.append(f"{label}: requires id {rid!r} must start with {topic + '.'!r}")
        sugg = r.get("suggestion")
        if isinstance(sugg, str) and locales:
            try:
                needed = _placeholders(sugg)
            except ValueError as exc:
                errors.append(f"{label}: {rid}: bad placeholder in suggestion: {exc}")
                continue
            for loc, prof in locales.items():
                available: set[str] = set()
                for kind in KINDS:
                    available |= set(((prof or {}).get(kind) or {}).get("suggest") or {})
                for name in sorted(needed - available):
                    errors.append(
                        f"{label}: {rid}: suggestion uses {{{name}}}, which locale {loc!r} does not define"
                    )
        if isinstance(r.get("kind"), str) and locales:
            for loc, prof in locales.items():
                if not (prof or {}).get(r["kind"]):
                    errors.append(f"{label}: {rid}: locale {loc!r} has no {r['kind']} profile")
    if isinstance(topic, str):
        topic_ids.add(topic)


def _check_locales(data: Any, errors: list[str], topic_ids: set[str]) -> None:
    label = "safety/locales.yaml"
    locs = data.get("locales") if isinstance(data, dict) else None
    if not isinstance(locs, dict):
        return
    for loc in REQUIRED_LOCALES:
        if loc not in locs:
            errors.append(f"{label}: locale {loc!r} is missing")
    for loc, prof in locs.items():
        if not isinstance(prof, dict):
            continue
        for kind in KINDS:
            k = prof.get(kind)
            if not isinstance(k, dict):
                continue
            nums = [n for n in k.get("numbers") or [] if isinstance(n, dict)]
            if not nums and not k.get("services") and not k.get("places"):
                errors.append(f"{label}: {loc}.{kind}: give at least one number, service or place")
            if kind == "emergency_action" and not any(n.get("primary") for n in nums):
                errors.append(f"{label}: {loc}.{kind}: one number must be marked primary: true")
            # The same number may appear once per service (UK 111 is both NHS 111 and its mental
            # health option), but not twice for one service.
            seen_numbers: Counter[tuple[str, Any]] = Counter()
            for n in nums:
                digits = {
                    re.sub(r"\D", "", str(f)) for f in [n.get("number"), *(n.get("variants") or [])] if f
                }
                for d in digits:
                    seen_numbers[(d, n.get("service"))] += 1
            for (digits, service), c in seen_numbers.items():
                if c > 1:
                    errors.append(f"{label}: {loc}.{kind}: number {digits} is listed twice for {service!r}")
            for n in nums:
                for t in n.get("topics") or []:
                    if topic_ids and t not in topic_ids:
                        errors.append(
                            f"{label}: {loc}.{kind}: number {n.get('number')} names unknown topic {t!r}"
                        )
            if "text" in {h for n in nums for h in n.get("how") or []} and "text" not in (
                prof.get("verbs") or []
            ):
                errors.append(f"{label}: {loc}: a number is for texting but 'text' is not in verbs")


# ---------------------------------------------------------------- entry point


def validate_all(data_dir: str | Path = DEFAULT_DATA_DIR) -> list[str]:
    """Validate all data files under data_dir; return a list of error messages (empty if valid)."""
    data_dir = Path(data_dir)
    schemas = data_dir / "schemas"
    errors: list[str] = []

    # glossary.yaml and plain_words.yaml
    for fname, schema_name, items, name_field, extra in (
        ("glossary.yaml", "glossary", "entries", "term", _check_glossary),
        ("plain_words.yaml", "plain_words", "entries", "word", _check_plain_words),
    ):
        path = data_dir / fname
        if not path.exists():
            errors.append(f"{fname}: missing")
            continue
        data = _load_yaml(path, errors, fname)
        if data is None:
            continue
        errors += _schema_errors(_schema(schemas, schema_name, errors), data, fname, items, name_field)
        extra(data, errors)

    # medical_words.txt
    path = data_dir / "medical_words.txt"
    if not path.exists():
        errors.append("medical_words.txt: missing")
    else:
        words = _read_word_list(path, errors)
        if words is not None:
            errors += _schema_errors(
                _schema(schemas, "medical_words", errors), words, "medical_words.txt", None, None
            )

    # safety/
    safety = data_dir / "safety"
    if not safety.is_dir():
        errors.append("safety/: missing")
        return errors
    locales_data = None
    loc_path = safety / "locales.yaml"
    if not loc_path.exists():
        errors.append("safety/locales.yaml: missing")
    else:
        locales_data = _load_yaml(loc_path, errors, "safety/locales.yaml")
        if locales_data is not None:
            errors += _schema_errors(
                _schema(schemas, "safety_locales", errors), locales_data, "safety/locales.yaml", None, None
            )
    locs = locales_data.get("locales") if isinstance(locales_data, dict) else None
    locs = locs if isinstance(locs, dict) else None

    topic_validator = _schema(schemas, "safety_topic", errors)
    topic_ids: set[str] = set()
    topic_files = sorted(
        p for p in safety.iterdir() if p.suffix in (".yaml", ".yml") and p.name != "locales.yaml"
    )
    for p in topic_files:
        label = f"safety/{p.name}"
        data = _load_yaml(p, errors, label)
        if data is None:
            continue
        errors += _schema_errors(topic_validator, data, label, None, None)
        _check_topic(p, data, errors, locs, topic_ids)
    for t in REQUIRED_TOPICS:
        if t not in topic_ids:
            errors.append(f"safety/{t}.yaml: missing (a required safety topic)")
    if locales_data is not None:
        _check_locales(locales_data, errors, topic_ids)
    return errors


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    data_dir = Path(argv[0]) if argv else DEFAULT_DATA_DIR
    errors = validate_all(data_dir)
    for e in errors:
        print(e)
    if errors:
        print(f"{len(errors)} problem(s) in {data_dir}", file=sys.stderr)
        return 1
    print(f"all data files in {data_dir} are valid")
    return 0


if __name__ == "__main__":
    sys.exit(main())
