"""Every finding over the samples and the corpora, written down, and compared with an earlier run.

A refactoring must not change what the audit says. This audits `samples/articles`, the 181-page
extraction benchmark and the labelled real pages (each locale in its own run) through the command
line, keeps each article's findings (rule, outcome, level, span, excerpt, message, suggestion,
selector), its title and its text, and either saves them or prints how they differ from a saved copy:

    .venv/bin/python bench/findings_diff.py --save before.json     # on the earlier commit
    .venv/bin/python bench/findings_diff.py --compare before.json  # on this one
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "corpora"
# Review dates are judged against a fixed day, so a snapshot taken yesterday still compares.
TODAY = "2026-12-07"
KEEP = ("rule", "outcome", "level", "span", "excerpt", "message", "suggestion", "selector")


def audit(sources: list[Path], locale: str, out: Path) -> dict[str, dict]:
    """Each article's findings by file name; nothing for a locale the command refuses."""
    config = out.parent / "findings-diff.toml"
    config.write_text(f'[currency]\ntoday = "{TODAY}"\n', encoding="utf-8")
    cmd = [str(ROOT / ".venv/bin/health-audit"), "audit", *map(str, sources), "--out", str(out),
           "--format", "json", "--fail-on", "never", "--locale", locale, "--config", str(config)]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode == 2 and "locale" in done.stderr:
        print(f"locale {locale} is refused by the command; its pages are left out", file=sys.stderr)
        return {}
    if done.returncode != 0:
        sys.exit(f"audit failed (exit {done.returncode}): {done.stderr[-500:]}")
    report = json.loads((out / "report.json").read_text())
    return {
        Path(a["source"]).name: {
            "title": a.get("title"),
            "status": a["status"],
            "text": a.get("text"),
            "findings": [{k: f.get(k) for k in KEEP} for f in a["findings"]],
        }
        for a in report["articles"]
    }


def snapshot() -> dict[str, dict]:
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        bench = tmp_path / "benchmark"
        bench.mkdir()
        for page in sorted((SHARED / "extraction-benchmark" / "html").glob("*.html.gz")):
            (bench / page.name.removesuffix(".gz")).write_bytes(gzip.decompress(page.read_bytes()))
        result = {"samples/" + k: v for k, v in audit([ROOT / "samples/articles"], "uk", tmp_path / "o1").items()}
        result |= {"benchmark/" + k: v for k, v in audit([bench], "uk", tmp_path / "o2").items()}
        labelled = SHARED / "labelled-pages"
        by_locale: dict[str, list[Path]] = {}
        for label in sorted((labelled / "labels").glob("*.json")):
            locale = json.loads(label.read_text())["locale"]
            by_locale.setdefault(locale, []).append(labelled / "pages" / f"{label.stem}.html")
        for locale, pages in sorted(by_locale.items()):
            found = audit(pages, locale, tmp_path / f"o-{locale}")
            result |= {"labelled/" + k: v for k, v in found.items()}
        return result


def compare(before: dict[str, dict], after: dict[str, dict]) -> int:
    changed = 0
    for name in sorted(set(before) | set(after)):
        a, b = before.get(name), after.get(name)
        if a == b:
            continue
        changed += 1
        print(f"== {name}")
        if a is None or b is None:
            print("   only in", "after" if a is None else "before")
            continue
        for key in ("title", "status", "text"):
            if a[key] != b[key]:
                print(f"   {key} differs")
        gone = [f for f in a["findings"] if f not in b["findings"]]
        new = [f for f in b["findings"] if f not in a["findings"]]
        for f in gone:
            print("   -", f["rule"], f["outcome"], f["level"], (f["message"] or "")[:150])
        for f in new:
            print("   +", f["rule"], f["outcome"], f["level"], (f["message"] or "")[:150])
    total = sum(len(v["findings"]) for v in after.values())
    print(f"{len(after)} articles, {total} findings; {changed} articles differ")
    return changed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--save", type=Path)
    group.add_argument("--compare", type=Path)
    args = parser.parse_args()
    now = snapshot()
    if args.save:
        args.save.write_text(json.dumps(now, indent=0, sort_keys=True))
        print(f"{len(now)} articles, {sum(len(v['findings']) for v in now.values())} findings saved to {args.save}")
    else:
        compare(json.loads(args.compare.read_text()), now)


if __name__ == "__main__":
    main()
