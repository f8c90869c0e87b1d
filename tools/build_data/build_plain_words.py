#!/usr/bin/env python3
"""Build pipeline/data/plain_words.yaml (complex word -> plain alternative swaps).

Inputs
  ../shared/data/glossaries/cdc-plain-language-thesaurus.json   (public domain)
  tools/build_data/cdc_curation.yaml       section plain_words: the CDC entries kept, with the
                                           alternatives chosen for UK readers
  tools/build_data/uk_plain_words.yaml     hand-written NHS-style swaps (win over CDC)

Usage
  python tools/build_data/build_plain_words.py           # write pipeline/data/plain_words.yaml
  python tools/build_data/build_plain_words.py --check   # exit 1 if the committed file is stale
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402
    CDC_FILE,
    DATA_DIR,
    HERE,
    SOURCE_CDC,
    SOURCE_NHS_STYLE,
    comment_block,
    dedupe,
    flow_list,
    inflections,
    load_shared,
    load_yaml,
    norm_key,
    scalar,
    to_american,
    to_british,
    write_text,
)

Entry = dict[str, Any]

HEADER = """\
plain_words.yaml: complex words and phrases that have a plainer alternative, for the
health-audit plain-language check (rule family RD: "complex word that has a plain
alternative"). A finding suggests the `plain` words instead of the `word` found.

GENERATED FILE. Built by tools/build_data/build_plain_words.py from:
  - hand-written swaps in the style of the NHS digital service manual content guide,
    tools/build_data/uk_plain_words.yaml
      source "NHS content style guide (health-audit)"; the word choices are this project's
      (MIT, as the project). The NHS style guide is Crown copyright (Open Government Licence
      v3.0); no text is copied from it.
  - CDC Plain Language Thesaurus for Health Communications (US Centers for Disease Control
    and Prevention), the entries chosen in tools/build_data/cdc_curation.yaml (plain_words)
      source "CDC Plain Language Thesaurus"; a US government work, public domain.
CDC alternatives were chosen and, where needed, changed for UK readers (for example
"shot" is not used; "tummy" is preferred to "belly"). See pipeline/data/SOURCES.md.

Editing (clinicians): each entry is
  word:     the complex word or phrase, British spelling
  variants: other forms that should match too (inflections, American spellings)
  plain:    one or more plainer alternatives, best first
  source:   where the entry comes from
Small fixes can be made here and checked with `python tools/build_data/validate.py`. To keep
a change when this file is rebuilt, make it in tools/build_data/uk_plain_words.yaml (an entry
there replaces the CDC one for the same word); `build_plain_words.py --check` lists entries
here that differ from a rebuild.
"""


def _entry(word: str, plain: list[str], source: str, variants: list[str]) -> Entry:
    return {"word": word, "variants": variants, "plain": [p.strip() for p in plain], "source": source}


def _variants(original: str, word: str, extra: list[str]) -> list[str]:
    out = list(extra)
    if original != word:
        out.append(original)
    us = to_american(word)
    if us != word:
        out.append(us)
    for form in inflections(word):
        out.append(form)
        us_form = to_american(form)
        if us_form != form:
            out.append(us_form)
    return out


def uk_entries(path: Path) -> list[Entry]:
    out = []
    for row in load_yaml(path) or []:
        word = row["word"]
        out.append(
            _entry(
                word,
                list(row["plain"]),
                SOURCE_NHS_STYLE,
                _variants(word, word, list(row.get("variants") or [])),
            )
        )
    return out


def cdc_entries(rows: list[dict[str, str]], curation: dict[str, Any], log: list[str]) -> list[Entry]:
    chosen = curation.get("plain_words") or {}
    known = {r["term"] for r in rows}
    for name in chosen:
        if name not in known:
            log.append(f"cdc_curation.yaml plain_words names a term not in the CDC thesaurus: {name!r}")
    out = []
    done = set()
    for row in rows:
        original = row["term"]
        if original in done or original not in chosen:
            continue
        done.add(original)
        spec = chosen[original]
        if isinstance(spec, list):
            spec = {"plain": spec}
        word = spec.get("word") or to_british(original)
        out.append(
            _entry(
                word,
                [to_british(p) for p in spec["plain"]],
                SOURCE_CDC,
                _variants(original, word, list(spec.get("variants") or [])),
            )
        )
    return out


def merge(groups: list[list[Entry]], log: list[str]) -> list[Entry]:
    claimed: dict[str, str] = {}
    claimed_exact: set[str] = set()
    out = []
    for group in groups:
        for e in group:
            key = norm_key(e["word"])
            if key in claimed:
                log.append(f"dropped {e['source']} {e['word']!r}: covered by {claimed[key]!r}")
                continue
            kept = []
            for v in dedupe(e["variants"]):
                if any(c in v for c in "()[]/") and e["source"] == SOURCE_CDC:
                    continue
                vk = norm_key(v)
                if v.lower() == e["word"].lower() or v.lower() in claimed_exact:
                    continue
                if vk != key and vk in claimed:
                    continue
                kept.append(v)
            e["variants"] = kept
            e["plain"] = [p for p in dedupe(e["plain"]) if norm_key(p) != key]
            claimed[key] = e["word"]
            claimed_exact.add(e["word"].lower())
            for v in kept:
                claimed.setdefault(norm_key(v), e["word"])
                claimed_exact.add(v.lower())
            out.append(e)
    out.sort(key=lambda e: (e["word"].lower(), e["word"]))
    return out


def render(entries: list[Entry]) -> str:
    counts = Counter(e["source"] for e in entries)
    lines = [
        comment_block(HEADER).rstrip("\n"),
        "#",
        f"# {len(entries)} entries: " + ", ".join(f"{n} {s}" for s, n in sorted(counts.items())),
        "",
        "entries:",
    ]
    for e in entries:
        lines.append(f"  - word: {scalar(e['word'])}")
        lines.append(f"    variants: {flow_list(e['variants'])}")
        lines.append(f"    plain: {flow_list(e['plain'])}")
        lines.append(f"    source: {scalar(e['source'])}")
    return "\n".join(lines) + "\n"


def build(shared: Path | None = None) -> tuple[list[Entry], list[str]]:
    log: list[str] = []
    uk = uk_entries(HERE / "uk_plain_words.yaml")
    cdc = cdc_entries(load_shared(CDC_FILE, shared), load_yaml(HERE / "cdc_curation.yaml"), log)
    return merge([uk, cdc], log), log


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, help="the shared/ folder (default: ../shared beside the checkout)")
    ap.add_argument("--out", type=Path, default=DATA_DIR / "plain_words.yaml")
    ap.add_argument(
        "--check", action="store_true", help="do not write; exit 1 if --out differs from a rebuild"
    )
    ap.add_argument("--report", action="store_true", help="print entries dropped in favour of UK ones")
    args = ap.parse_args(argv)
    entries, log = build(args.shared)
    for m in log:
        if m.startswith("dropped "):
            if args.report:
                print(m)
        else:
            print("warning:", m, file=sys.stderr)
    text = render(entries)
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current == text:
            print(f"{args.out} is up to date ({len(entries)} entries)")
            return 0
        import yaml

        try:
            old = {e["word"]: e for e in (yaml.safe_load(current) or {}).get("entries", [])}
        except yaml.YAMLError:
            old = {}
        new = {e["word"]: e for e in entries}
        for w in sorted(set(old) | set(new), key=str.lower):
            if old.get(w) != new.get(w):
                where = (
                    "only in the committed file"
                    if w not in new
                    else ("new in a rebuild" if w not in old else "differs from a rebuild")
                )
                print(f"{where}: {w!r}")
        print("plain_words.yaml is out of date: run tools/build_data/build_plain_words.py", file=sys.stderr)
        return 1
    write_text(args.out, text)
    print(f"wrote {args.out}: {len(entries)} entries ({dict(Counter(e['source'] for e in entries))})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
