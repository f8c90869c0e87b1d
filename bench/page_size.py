"""Time and peak memory of one article against its size, grammar off, so a superlinear step shows.

Each size is audited in a fresh process (the command line, as a scheduled run starts it), so one
page's memory never hides in another's: the child reports its own peak resident memory. The page is
a plain health article repeated to the size wanted, with a heading every twenty paragraphs.

    .venv/bin/python bench/page_size.py [--sizes 0.25,1,2.5,5] [--timeout 900]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PARAGRAPH = (
    "<p>Sepsis is a serious reaction to an infection. It can be hard to spot, so call 111 if you are "
    "worried about a fever that does not go away, and call 999 if someone has slurred speech.</p>\n"
)
CHILD = """
import json, resource, sys, time
from pipeline.config import from_mapping
from pipeline.extract.document import RawPage, extract
from pipeline.run.assembly import audit_document
from pipeline.run.runner import check_context
html = open(sys.argv[1], encoding="utf-8").read()
config = from_mapping({"grammar": {"enabled": False}, "history": {"enabled": False}})
with check_context(config) as ctx:
    t = time.perf_counter()
    doc = extract(RawPage(sys.argv[1], html))
    extracted = time.perf_counter() - t
    audit_document(doc, ctx)
    total = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"extract_s": extracted, "total_s": total, "peak_rss": peak}))
"""


def page(megabytes: float) -> str:
    head = "<!DOCTYPE html><html lang='en-GB'><head><title>Sepsis</title></head><body><main><article><h1>Sepsis</h1>"
    tail = "</article></main></body></html>"
    target = int(megabytes * 1_000_000)
    parts: list[str] = [head]
    size, n = len(head) + len(tail), 0
    while size < target:
        chunk = f"<h2>Part {n // 20 + 1}</h2>\n" if n % 20 == 0 else ""
        chunk += PARAGRAPH
        parts.append(chunk)
        size += len(chunk)
        n += 1
    parts.append(tail)
    return "".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="0.25,1,2.5,5", help="page sizes in MB, comma-separated")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds per page before giving up")
    args = parser.parse_args()
    sizes = [float(s) for s in args.sizes.split(",") if s.strip()]
    print(f"{'size MB':>8} {'extract s':>10} {'total s':>9} {'s per MB':>9} {'peak MiB':>9}")
    with tempfile.TemporaryDirectory() as tmp:
        for mb in sizes:
            path = Path(tmp) / f"page-{mb}.html"
            path.write_text(page(mb), encoding="utf-8")
            started = time.perf_counter()
            try:
                done = subprocess.run(
                    [sys.executable, "-c", CHILD, str(path)],
                    capture_output=True, text=True, cwd=ROOT, timeout=args.timeout,
                    env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
                )
            except subprocess.TimeoutExpired:
                print(f"{mb:>8g} {'':>10} {'>' + format(args.timeout, 'g'):>9} (stopped)")
                continue
            if done.returncode != 0:
                print(f"{mb:>8g} failed after {time.perf_counter() - started:.0f} s: {done.stderr.strip()[-300:]}")
                continue
            r = json.loads(done.stdout.strip().splitlines()[-1])
            print(
                f"{mb:>8g} {r['extract_s']:>10.1f} {r['total_s']:>9.1f} {r['total_s'] / mb:>9.1f} "
                f"{r['peak_rss'] / 2**20:>9.0f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
