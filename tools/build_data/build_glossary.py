#!/usr/bin/env python3
"""Build pipeline/data/glossary.yaml from ../shared and the hand-written UK entries.

Inputs
  ../shared/data/glossaries/cdc-plain-language-thesaurus.json   (public domain)
  ../shared/data/glossaries/nci-cancer-terms.json               (public domain)
  ../shared/data/glossaries/nci-genetics-terms.json             (public domain)
  tools/build_data/uk_glossary.yaml      hand-written UK entries (win over everything else)
  tools/build_data/cdc_curation.yaml     which CDC terms are medical jargon, with explanations
  tools/build_data/nci_curation.yaml     reviewed NCI skips and better explanations
  tools/build_data/familiar.yaml         terms UK adults know well (set familiar: true)

Priority when two sources give the same term (or one's term is another's variant):
hand-written UK > CDC > NCI genetics > NCI cancer. familiar.yaml is applied to the merged
entries, by exact term; a listed term that is not in the glossary stops the build.

Usage
  python tools/build_data/build_glossary.py            # write pipeline/data/glossary.yaml
  python tools/build_data/build_glossary.py --check    # exit 1 if the committed file is stale
  python tools/build_data/build_glossary.py --report   # also list what was dropped and why
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
    NCI_CANCER_FILE,
    NCI_GENETICS_FILE,
    SOURCE_CDC,
    SOURCE_NCI_CANCER,
    SOURCE_NCI_GENETICS,
    SOURCE_UK,
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
from nci_extract import extract  # noqa: E402

Entry = dict[str, Any]

HEADER = """\
glossary.yaml: medical terms and abbreviations with plain-English explanations, for the
health-audit checks on UK patient-facing health articles (rule family MT, and the glossary
suggestions in the report).

GENERATED FILE. Built by tools/build_data/build_glossary.py from:
  - hand-written UK entries, tools/build_data/uk_glossary.yaml
      source "health-audit (UK usage)"; written for this project; MIT, as the project.
  - CDC Plain Language Thesaurus for Health Communications (US Centers for Disease Control
    and Prevention), curated in tools/build_data/cdc_curation.yaml
      source "CDC Plain Language Thesaurus"; a US government work, public domain.
  - NCI Dictionary of Cancer Terms and NCI Dictionary of Genetics Terms (US National Cancer
    Institute), shortened by tools/build_data/nci_extract.py, reviewed in nci_curation.yaml
      sources "NCI Dictionary of Cancer Terms" / "NCI Dictionary of Genetics Terms";
      US government works, public domain.
Explanations taken from CDC and NCI were shortened, put into British spelling and, where
needed, rewritten in plainer words by this project. See pipeline/data/SOURCES.md.

Editing (clinicians): each entry is
  term:        canonical form, British spelling
  kind:        term | abbreviation (abbreviations are matched case-sensitively)
  variants:    other forms that mean the same: plurals, American spellings
  expansion:   abbreviations only: what the letters stand for
  explanation: what to put in brackets after the term for a reader aged 9 to 11 (no full stop)
  familiar:    true if UK readers know it well: the checks then never ask for an explanation
  source:      where the entry comes from
Small fixes can be made here and checked with `python tools/build_data/validate.py`. To keep
a change when this file is rebuilt, make it in tools/build_data/uk_glossary.yaml (an entry
there replaces the generated one) or in the curation files; `build_glossary.py --check`
lists entries here that differ from a rebuild.
"""


# ---------------------------------------------------------------- sources


def _entry(
    term: str,
    explanation: str,
    source: str,
    *,
    kind: str | None = None,
    variants: list[str] | None = None,
    expansion: str | None = None,
    familiar: bool = False,
) -> Entry:
    kind = kind or ("abbreviation" if expansion else "term")
    e: Entry = {"term": term, "kind": kind, "variants": list(variants or [])}
    if expansion:
        e["expansion"] = expansion
    e["explanation"] = explanation.strip().rstrip(".")
    e["familiar"] = bool(familiar)
    e["source"] = source
    return e


def uk_entries(path: Path) -> list[Entry]:
    rows = load_yaml(path) or []
    out = []
    for row in rows:
        term = row["term"]
        variants = list(row.get("variants") or [])
        us = to_american(term)
        if us != term:
            variants.append(us)
        out.append(
            _entry(
                term,
                row["explanation"],
                SOURCE_UK,
                kind=row.get("kind"),
                variants=variants,
                expansion=row.get("expansion"),
                familiar=row.get("familiar", False),
            )
        )
    return out


def _auto_variants(original: str, term: str, kind: str, extra: list[str]) -> list[str]:
    variants = list(extra)
    if original != term:
        variants.append(original)
    us = to_american(term)
    if us != term:
        variants.append(us)
    variants += inflections(term, kind)
    return variants


def cdc_entries(rows: list[dict[str, str]], curation: dict[str, Any], log: list[str]) -> list[Entry]:
    decided = (
        set(curation.get("glossary") or {})
        | set(curation.get("plain_words") or {})
        | set(curation.get("skip") or [])
    )
    seen = set()
    out = []
    for row in rows:
        original = row["term"]
        if original in seen:
            continue
        seen.add(original)
        if original not in decided:
            log.append(f"CDC term with no decision in cdc_curation.yaml: {original!r}")
        spec = (curation.get("glossary") or {}).get(original)
        if spec is None:
            continue
        if isinstance(spec, str):
            spec = {"explanation": spec}
        term = spec.get("term") or to_british(original)
        kind = "abbreviation" if spec.get("expansion") else "term"
        variants = _auto_variants(original, term, kind, list(spec.get("variants") or []))
        out.append(
            _entry(
                term,
                to_british(spec["explanation"]),
                SOURCE_CDC,
                kind=kind,
                variants=variants,
                expansion=spec.get("expansion"),
                familiar=spec.get("familiar", False),
            )
        )
    for name in curation.get("glossary") or {}:
        if name not in seen:
            log.append(f"cdc_curation.yaml names a term that is not in the CDC thesaurus: {name!r}")
    return out


def nci_entries(
    rows: list[dict[str, str]],
    source: str,
    curation: dict[str, Any],
    log: list[str],
    reasons: Counter[str],
    known: frozenset[str] = frozenset(),
) -> list[Entry]:
    skip = {s.lower() for s in curation.get("skip") or []}
    overrides = curation.get("explanations") or {}
    out = []
    for row in rows:
        original = row["term"]
        got, why = extract(original, row["plain_alternative"], known)
        if got is None:
            reasons[why] += 1
            continue
        if original.lower() in skip or got.term.lower() in skip:
            reasons["reviewed: skipped in nci_curation.yaml"] += 1
            continue
        spec = overrides.get(original) or overrides.get(got.term)
        if isinstance(spec, str):
            spec = {"explanation": spec}
        spec = spec or {}
        term = spec.get("term") or got.term
        variants = _auto_variants(original, term, got.kind, list(spec.get("variants") or []))
        out.append(
            _entry(
                term,
                spec.get("explanation") or got.explanation,
                source,
                kind=got.kind,
                variants=variants,
                expansion=got.expansion,
            )
        )
    return out


# ---------------------------------------------------------------- merge


def merge(groups: list[list[Entry]], log: list[str]) -> list[Entry]:
    """Merge groups in priority order; a lower-priority entry loses clashing terms and variants."""
    claimed: dict[str, str] = {}
    claimed_exact: set[str] = set()
    out: list[Entry] = []
    for group in groups:
        for e in group:
            key = norm_key(e["term"])
            if key in claimed:
                log.append(f"dropped {e['source']} {e['term']!r}: covered by {claimed[key]!r}")
                continue
            kept = []
            for v in dedupe(e["variants"]):
                if any(c in v for c in "()[]/") and e["source"] != SOURCE_UK:
                    continue  # an original source heading such as "mucosal (mucus) membranes"
                if v.lower() == e["term"].lower() or v.lower() in claimed_exact:
                    continue
                vk = norm_key(v)
                if vk != key and vk in claimed:
                    if e["source"] == SOURCE_UK:
                        log.append(f"UK entry {e['term']!r}: variant {v!r} is already {claimed[vk]!r}")
                    continue
                kept.append(v)
            e["variants"] = kept
            claimed[key] = e["term"]
            claimed_exact.add(e["term"].lower())
            for v in kept:
                claimed.setdefault(norm_key(v), e["term"])
                claimed_exact.add(v.lower())
            out.append(e)
    out.sort(key=lambda e: (e["term"].lower(), e["term"]))
    return out


# ---------------------------------------------------------------- familiar terms


def load_familiar(path: Path) -> list[str]:
    """The list in familiar.yaml: one term per line."""
    rows = load_yaml(path) or []
    if not isinstance(rows, list) or not all(isinstance(t, str) and t.strip() for t in rows):
        raise SystemExit(f"{path.name}: expected a YAML list of terms, one per line (- term)")
    return rows


def apply_familiar(
    entries: list[Entry], terms: list[str], log: list[str], name: str = "familiar.yaml"
) -> None:
    """Set familiar: true on the entry whose term is listed; stop the build on an unknown term."""
    by_term = {e["term"]: e for e in entries}
    missing = []
    for t in terms:
        e = by_term.get(t)
        if e is None:
            missing.append(t)
            continue
        if e["familiar"]:
            log.append(f"{name}: {t!r} is already familiar from its source ({e['source']})")
        e["familiar"] = True
    for t, n in Counter(terms).items():
        if n > 1:
            log.append(f"{name}: term {t!r} appears {n} times")
    if terms != sorted(terms, key=lambda t: (t.lower(), t)):
        log.append(f"{name}: terms are not in alphabetical order")
    if missing:
        lines = [f"{name}: {len(missing)} listed term(s) not in the glossary:"]
        for t in missing:
            lines.append(f"  {t!r}{_near_miss(entries, t)}")
        lines.append(
            "Use the entry's `term` exactly as spelt in glossary.yaml (not a variant), or remove the line."
        )
        raise SystemExit("\n".join(lines))


def _near_miss(entries: list[Entry], t: str) -> str:
    low = t.strip().lower()
    for e in entries:
        if e["term"].lower() == low or low in (v.lower() for v in e["variants"]):
            return f" (did you mean {e['term']!r}?)"
    return ""


# ---------------------------------------------------------------- output


def render(entries: list[Entry]) -> str:
    counts = Counter(e["source"] for e in entries)
    lines = [comment_block(HEADER).rstrip("\n")]
    lines.append("#")
    lines.append(f"# {len(entries)} entries: " + ", ".join(f"{n} {s}" for s, n in sorted(counts.items())))
    lines.append("")
    lines.append("entries:")
    for e in entries:
        lines.append(f"  - term: {scalar(e['term'])}")
        lines.append(f"    kind: {e['kind']}")
        lines.append(f"    variants: {flow_list(e['variants'])}")
        if "expansion" in e:
            lines.append(f"    expansion: {scalar(e['expansion'])}")
        lines.append(f"    explanation: {scalar(e['explanation'])}")
        lines.append(f"    familiar: {scalar(e['familiar'])}")
        lines.append(f"    source: {scalar(e['source'])}")
    return "\n".join(lines) + "\n"


def build(shared: Path | None = None) -> tuple[list[Entry], list[str], Counter[str]]:
    log: list[str] = []
    reasons: Counter[str] = Counter()
    uk = uk_entries(HERE / "uk_glossary.yaml")
    keys = Counter(norm_key(e["term"]) for e in uk)
    for k, n in keys.items():
        if n > 1:
            log.append(f"uk_glossary.yaml: term {k!r} appears {n} times")
    cdc = cdc_entries(load_shared(CDC_FILE, shared), load_yaml(HERE / "cdc_curation.yaml"), log)
    nci_cur = load_yaml(HERE / "nci_curation.yaml")
    # Single words that a hand-written entry explains may appear in NCI explanations.
    known = frozenset(
        w.lower() for e in uk for t in [e["term"], *e["variants"]] for w in t.split() if w.isalpha()
    )
    gen = nci_entries(
        load_shared(NCI_GENETICS_FILE, shared), SOURCE_NCI_GENETICS, nci_cur, log, reasons, known
    )
    can = nci_entries(load_shared(NCI_CANCER_FILE, shared), SOURCE_NCI_CANCER, nci_cur, log, reasons, known)
    entries = merge([uk, cdc, gen, can], log)
    apply_familiar(entries, load_familiar(HERE / "familiar.yaml"), log)
    return entries, log, reasons


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, help="the shared/ folder (default: ../shared beside the checkout)")
    ap.add_argument("--out", type=Path, default=DATA_DIR / "glossary.yaml")
    ap.add_argument(
        "--check", action="store_true", help="do not write; exit 1 if --out differs from a rebuild"
    )
    ap.add_argument("--report", action="store_true", help="print dropped entries and reasons")
    args = ap.parse_args(argv)

    entries, log, reasons = build(args.shared)
    text = render(entries)
    problems = [m for m in log if not m.startswith("dropped ")]
    for m in problems:
        print("warning:", m, file=sys.stderr)
    if args.report:
        for m in log:
            if m.startswith("dropped "):
                print(m)
        for why, n in reasons.most_common():
            print(f"NCI not used ({n}): {why}")

    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current == text:
            print(f"{args.out} is up to date ({len(entries)} entries)")
            return 0
        _report_drift(current, entries)
        return 1
    write_text(args.out, text)
    counts = Counter(e["source"] for e in entries)
    print(f"wrote {args.out}: {len(entries)} entries ({dict(counts)})")
    return 0


def _report_drift(current: str, entries: list[Entry]) -> None:
    import yaml

    try:
        old = {e["term"]: e for e in (yaml.safe_load(current) or {}).get("entries", [])}
    except yaml.YAMLError:
        old = {}
    new = {e["term"]: e for e in entries}
    for t in sorted(set(old) | set(new), key=str.lower):
        if t not in new:
            print(f"only in the committed file (hand-added? port it to uk_glossary.yaml): {t!r}")
        elif t not in old:
            print(f"new in a rebuild: {t!r}")
        elif {k for k in set(old[t]) | set(new[t]) if old[t].get(k) != new[t].get(k)} == {"familiar"}:
            print(f"familiar differs from a rebuild (hand-edited? list it in familiar.yaml): {t!r}")
        elif old[t] != new[t]:
            print(f"differs from a rebuild (hand-edited? port it to uk_glossary.yaml): {t!r}")
    print("glossary.yaml is out of date: run tools/build_data/build_glossary.py", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
