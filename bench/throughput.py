"""Throughput of the whole audit on the extraction benchmark's 181 pages plus samples/.

Prints, in one run: articles per second cold (first run, fresh history and LanguageTool start),
warm (server warm, nothing reused), unchanged re-run (everything reused from history), the same
audit with grammar off, the raw throughput of LanguageTool alone on the same texts (this machine's
limit) on the warm server and on a fresh one, and peak memory of our processes and of LanguageTool.
Grammar off is also measured in a new process, as a scheduled command-line run starts, with and
without the derived data cache.
The audit uses worker processes as the command line does (`[runner] processes`, one per CPU).

    .venv/bin/python bench/throughput.py [--limit N]
"""

from __future__ import annotations

import argparse
import gzip
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.config import from_mapping  # noqa: E402
from pipeline.extract.inputs import load  # noqa: E402
from pipeline.ingest.sources import expand  # noqa: E402
from pipeline.rules.grammar.languagetool import LanguageToolServer  # noqa: E402
from pipeline.run.pool import process_count  # noqa: E402
from pipeline.run.runner import run_audit  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpora" / "extraction-benchmark" / "html"


def prepare(folder: Path, limit: int | None) -> int:
    pages = sorted(CORPUS.glob("*.html.gz"))[:limit]
    for p in pages:
        (folder / p.name.removesuffix(".gz")).write_bytes(gzip.decompress(p.read_bytes()))
    shutil.copytree(ROOT / "samples" / "articles", folder / "samples")
    return len(pages) + len(list((folder / "samples").glob("*.html")))


def raw_languagetool(url: str, texts: list[str], language: str, parallel: int) -> float:
    """Seconds for LanguageTool alone to check every text, as many requests at once as our stage uses."""

    def check(text: str) -> None:
        r = httpx.post(f"{url}/v2/check", data={"language": language, "text": text}, timeout=300)
        r.raise_for_status()

    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=parallel) as pool:
        list(pool.map(check, texts))
    return time.perf_counter() - t0


_FRESH = """
import time
t0 = time.perf_counter()
import sys
sys.path.insert(0, {root!r})
from pipeline.config import from_mapping
from pipeline.run.runner import run_audit
if __name__ == "__main__":
    run_audit([{site!r}], from_mapping({config!r}), automatic_processes=True)
    print(time.perf_counter() - t0)
"""


def fresh_process_seconds(site: Path, config: dict[str, object], env: dict[str, str]) -> float:
    """Seconds one audit takes in a new Python process, from its first import."""
    script = _FRESH.format(root=str(ROOT), site=str(site), config=config)
    done = subprocess.run(
        [sys.executable, "-c", script], env={**os.environ, **env}, capture_output=True, text=True, check=True
    )
    return float(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, default=None, help="only the first N corpus pages")
    args = parser.parse_args()
    if not CORPUS.is_dir():
        print(f"corpus not found: {CORPUS}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        site, out = Path(tmp) / "site", Path(tmp) / "out"
        site.mkdir()
        n = prepare(site, args.limit)
        server = LanguageToolServer()
        t0 = time.perf_counter()
        server.start()
        lt_start = time.perf_counter() - t0
        base = {"out": str(out), "grammar": {"url": server.url}, "formats": ["json", "html"]}
        try:
            t0 = time.perf_counter()
            first = run_audit([str(site)], from_mapping(base), automatic_processes=True)
            cold = time.perf_counter() - t0 + lt_start

            t0 = time.perf_counter()
            warm_run = run_audit([str(site)], from_mapping({**base, "history": {"incremental": False}}), automatic_processes=True)
            warm = time.perf_counter() - t0

            t0 = time.perf_counter()
            again = run_audit([str(site)], from_mapping(base), automatic_processes=True)
            rerun = time.perf_counter() - t0

            t0 = time.perf_counter()
            off = run_audit([str(site)], from_mapping({**base, "grammar": {"enabled": False}, "history": {"enabled": False}}), automatic_processes=True)
            no_grammar = time.perf_counter() - t0
            worker = max(r.stats.get("worker_processes", {}).get("peak_rss_mib", 0) for r in (first, warm_run, off))
            # The runs above share this process's fork server, which already holds the imported
            # rules; a scheduled command-line run starts from nothing, so measure that too.
            off_config = {**base, "grammar": {"enabled": False}, "history": {"enabled": False}}
            fresh_off = fresh_process_seconds(site, off_config, {})
            no_cache_off = fresh_process_seconds(site, off_config, {"HEALTH_AUDIT_DATA_CACHE": "off"})

            cfg = from_mapping(base)
            texts = []
            for src in expand([str(site)]):
                try:
                    texts.append(load(src, cfg).text)
                except Exception:
                    continue
            texts = [t for t in texts if t.strip()]
            raw = raw_languagetool(server.url, texts, cfg.language, cfg.grammar.parallel)
            lt_peak = server.memory().get("peak_rss", 0) // 1024
            ours = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        finally:
            server.stop()
        # The cold run paid for starting LanguageTool and warming its JIT; so does this comparison.
        fresh = LanguageToolServer()
        t0 = time.perf_counter()
        fresh.start()
        try:
            raw_cold = time.perf_counter() - t0 + raw_languagetool(fresh.url, texts, cfg.language, cfg.grammar.parallel)
        finally:
            fresh.stop()
    processes = process_count(from_mapping(base), n, automatic=True)
    print(f"articles: {n} ({n - 5} benchmark pages + 5 samples); LanguageTool start {lt_start:.1f} s")
    print(f"cold (first run, incl. LanguageTool start): {n / cold:6.2f} articles/s  ({cold:.1f} s)")
    print(f"warm (nothing reused):                      {n / warm:6.2f} articles/s  ({warm:.1f} s)")
    print(f"unchanged re-run ({again.stats['reused']} reused, {again.stats['checked']} re-checked):"
          f"  {n / rerun:6.2f} articles/s  ({rerun:.1f} s)"
          f"  -> {warm / rerun:.0f}x faster than warm, {cold / rerun:.0f}x than cold")
    print(f"grammar off:                                {n / no_grammar:6.2f} articles/s  ({no_grammar:.1f} s)")
    print(f"grammar off, new process:                   {n / fresh_off:6.2f} articles/s  ({fresh_off:.1f} s, "
          "importing the pipeline and starting the workers included)")
    print(f"grammar off, new process, no data cache:    {n / no_cache_off:6.2f} articles/s  ({no_cache_off:.1f} s, "
          "as on a machine's first run)")
    print(f"raw LanguageTool alone, same texts:         {len(texts) / raw:6.2f} articles/s  ({raw:.1f} s)")
    print(f"raw LanguageTool, fresh server (incl. start): {len(texts) / raw_cold:6.2f} articles/s  ({raw_cold:.1f} s)")
    print(f"full audit / raw LanguageTool, both warm:   {(n / warm) / (len(texts) / raw):6.0%}")
    print(f"full audit / raw LanguageTool, both cold:   {(n / cold) / (len(texts) / raw_cold):6.0%}")
    total = ours / 1024 + processes * worker + lt_peak / 1024
    print(f"peak memory: ours {ours / 1024:.0f} MiB + {processes} worker processes of at most "
          f"{worker} MiB + LanguageTool {lt_peak / 1024:.0f} MiB = at most {total:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
