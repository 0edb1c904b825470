#!/usr/bin/env python3
"""Time cold `dateline build` runs on the shared synthetic corpus and record peak memory.

    python bench/bench_build.py --stories 1000 5000 --runs 3

Each run is a fresh process (`python -m dateline build --quiet`) on a corpus made by
../shared/bench/gen_corpus.py; the figure is the median wall time, and peak memory is the
largest resident set of the build process and its workers (from wait4's rusage).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GEN = REPO.parent / "shared" / "bench" / "gen_corpus.py"


def make_corpus(stories: int, root: Path, name: str = "corpus") -> Path:
    site = root / f"{name}-{stories}"
    if not (site / "content").is_dir():
        subprocess.run([sys.executable, str(GEN), "--n", str(stories), "--format", "dateline", "--out", str(site)],
                       check=True, stdout=subprocess.DEVNULL)
    config = (REPO / "dateline.toml").read_text(encoding="utf-8").replace("per_page = 5", "per_page = 10")
    (site / "dateline.toml").write_text(config, encoding="utf-8")
    return site


def timed_build(site: Path, jobs: int | None, cold: bool = True) -> tuple[float, float]:
    """(seconds, peak MiB) of one build in a new process; cold: no output and no body cache."""
    if cold:
        shutil.rmtree(site / "site", ignore_errors=True)
        shutil.rmtree(site / ".dateline-cache", ignore_errors=True)
    command = [sys.executable, "-m", "dateline", "build", "--quiet", "--site", str(site)]
    if jobs:
        command += ["--jobs", str(jobs)]
    started = time.perf_counter()
    process = subprocess.Popen(command)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"build failed on {site} with status {status}")
    return seconds, usage.ru_maxrss / 1024  # children's max RSS, in KiB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, nargs="+", default=[1000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, help="worker processes (default: one per core)")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "dateline-bench")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    print(f"{'stories':>8} {'articles':>9} {'cold s':>7} {'min s':>6} {'peak MiB':>9} {'edit-one s':>11}")
    for stories in args.stories:
        site = make_corpus(stories, args.workdir)
        articles = sorted((site / "content").rglob("*.md"))
        runs = [timed_build(site, args.jobs) for _ in range(args.runs)]
        times = [s for s, _ in runs]
        peak = max(m for _, m in runs)
        rebuilds = []
        for n in range(args.runs):  # edit one article, build again with the body cache warm
            with open(articles[n], "a", encoding="utf-8") as handle:
                handle.write(f"\nEdited for run {n}.\n")
            rebuilds.append(timed_build(site, args.jobs, cold=False)[0])
        print(f"{stories:>8} {len(articles):>9} {statistics.median(times):>7.2f} {min(times):>6.2f} "
              f"{peak:>9.0f} {statistics.median(rebuilds):>11.2f}")


if __name__ == "__main__":
    main()
