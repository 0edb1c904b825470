#!/usr/bin/env python3
"""CPU of the rendering and writing stages alone, by page kind, in one process.

    python bench/bench_render.py SITE [--runs 3] [--profile out.prof]

Builds SITE once into a temporary folder (filling the body store), then renders every page of
its index again as a cold build would (a new Renderer, the builder's template environment) and
writes each into a fresh output transaction. Prints, for each kind, the least ms of CPU per page
over --runs passes (the pass least disturbed by other work), and the cost of writing. Run it
with the code of two commits side by side to compare them.
"""

from __future__ import annotations

import argparse
import cProfile
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from dateline.build.bodystore import Bodies, Summaries
from dateline.build.engine import SiteBuilder
from dateline.clock import parse_now
from dateline.config import load_config
from dateline.render import Renderer
from dateline.write import OutputTransaction


def render_all(builder: SiteBuilder, out: Path, kinds: set[str] | None = None) -> tuple[dict[str, float], dict[str, int], float]:
    """(CPU seconds rendering per kind, pages per kind, CPU seconds writing) of one cold pass over
    the pages of `kinds` (all if None)."""
    index, keys = builder.state.index, builder.state.body_keys
    digests = {s: keys[s] for s in index.articles}
    renderer = Renderer(index, Bodies(builder.store, digests), summaries=Summaries(builder.store, digests))
    renderer.env = builder.env
    txn = OutputTransaction(out)
    spent: dict[str, float] = defaultdict(float)
    counts: dict[str, int] = defaultdict(int)
    writing = 0.0
    clock = time.process_time
    try:
        for page in index.pages:
            if kinds and page.kind not in kinds:
                continue
            start = clock()
            data = renderer.render(page)
            middle = clock()
            txn.write(page.output, data)
            writing += clock() - middle
            spent[page.kind] += middle - start
            counts[page.kind] += 1
    finally:
        txn.discard()
    return spent, counts, writing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--now", default="2026-11-20T12:00:00")
    parser.add_argument("--profile", type=Path, help="write a cProfile of one pass here")
    parser.add_argument("--kind", action="append", help="only pages of this kind (again for more)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        config = load_config(args.site, out_dir=Path(tmp) / "site")
        builder = SiteBuilder(config, jobs=1, persist=False, now=parse_now(args.now, config))
        builder.build()
        kinds = set(args.kind or ())
        if args.profile:
            cProfile.runctx("render_all(builder, Path(tmp) / 'profiled', kinds)", globals(), locals(), str(args.profile))
        runs = [render_all(builder, Path(tmp) / f"run{i}", kinds) for i in range(args.runs)]
    counts = runs[0][1]
    print(f"{'kind':<14}{'pages':>7}{'ms/page':>10}{'total s':>9}")
    total = 0.0
    for kind in sorted(counts, key=lambda k: -runs[0][0][k]):
        seconds = min(run[0][kind] for run in runs)
        total += seconds
        print(f"{kind:<14}{counts[kind]:>7}{1000 * seconds / counts[kind]:>10.3f}{seconds:>9.2f}")
    pages = sum(counts.values())
    writing = min(run[2] for run in runs)
    print(f"{'rendering':<14}{pages:>7}{1000 * total / pages:>10.3f}{total:>9.2f}")
    print(f"{'writing':<14}{pages:>7}{1000 * writing / pages:>10.3f}{writing:>9.2f}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
