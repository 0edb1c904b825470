#!/usr/bin/env python3
"""Time the search index of each edition and measure its size, on the shared synthetic corpus.

    python bench/bench_search.py --stories 1000 10000

For each corpus (../shared/bench/gen_corpus.py, made once and kept in --workdir) the articles
are loaded and indexed in this process, then timed: building the records, the Korean analysis
(kiwipiepy, no cache), Pagefind per edition, and search_files as `dateline build` calls it: cold
(no cache), unchanged (the kept bundles are reused) and after one English article was edited.
Sizes are those of the files written below /<lang>/pagefind/.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bench_build import make_corpus

from dateline import search
from dateline.build import load_and_convert, load_site
from dateline.config import load_config


def cpu_seconds() -> float:
    """CPU time of this process (all threads) and of its finished children (Pagefind)."""
    mine, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return mine.ru_utime + mine.ru_stime + children.ru_utime + children.ru_stime


def timed(work):
    """(result, (wall seconds, CPU seconds)): on a shared machine the CPU time is the steadier figure."""
    started, cpu = time.perf_counter(), cpu_seconds()
    result = work()
    return result, (time.perf_counter() - started, cpu_seconds() - cpu)


def measure(site: Path, jobs: int | None) -> dict:
    config = load_config(site)
    _, bodies, _ = load_and_convert(config, jobs or 2, {})
    index = load_site(config)
    folder = search.cache_folder(config)
    for stale in folder.glob("search-*"):
        shutil.rmtree(stale, ignore_errors=True) if stale.is_dir() else stale.unlink()
    search._last_records.clear()
    search._last_analysed.clear()
    search._kiwi().tokenize("시작")  # loading the model is timed apart
    figures = {"articles": {lang: len(index.editions[lang]) for lang in index.editions}}
    records_en, figures["records_en"] = timed(lambda: search.edition_records(config, index, bodies, "en"))
    records_ko, figures["analysis_ko"] = timed(lambda: search.korean_records(config, index, bodies, "ko"))
    for lang, records in (("en", records_en), ("ko", records_ko)):
        (bundle, _), figures[f"pagefind_{lang}"] = timed(lambda lang=lang, records=records: search.edition_bundle(
            config, records, lang))
        figures[f"size_{lang}"] = (sum(len(b) for b in bundle.values()), len(bundle))
    figures["cold"] = tuple(sum(figures[k][i] for k in ("records_en", "analysis_ko", "pagefind_en", "pagefind_ko"))
                            for i in (0, 1))
    _, figures["unchanged"] = timed(lambda: search.search_files(config, index, bodies))
    source = index.editions["en"][0]
    edited = dict(bodies, **{source: bodies[source] + "<p>A late correction.</p>"})
    output, figures["one_edit"] = timed(lambda: search.search_files(config, index, edited))
    assert output.indexed == ("en",), output.indexed
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, nargs="+", default=[1000])
    parser.add_argument("--jobs", type=int, help="worker processes for loading (default: 2)")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "dateline-bench")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    print("Seconds as wall / CPU (this process's threads and Pagefind's process).\n")
    print("| stories | articles en / ko | English records | Korean records with analysis | Pagefind en; ko | "
          "search_files: cold; unchanged; one English edit | index en | index ko |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for stories in args.stories:
        f = measure(make_corpus(stories, args.workdir), args.jobs)
        mib = {lang: f[f"size_{lang}"][0] / 2**20 for lang in ("en", "ko")}

        def t(name: str, f: dict = f) -> str:
            return f"{f[name][0]:.1f} / {f[name][1]:.1f}"

        print(f"| {stories:,} | {f['articles']['en']:,} / {f['articles']['ko']:,} "
              f"| {t('records_en')} | {t('analysis_ko')} | {t('pagefind_en')}; {t('pagefind_ko')} "
              f"| {t('cold')}; {t('unchanged')}; {t('one_edit')} "
              f"| {mib['en']:.1f} MiB, {f['size_en'][1]:,} files | {mib['ko']:.1f} MiB, {f['size_ko'][1]:,} files |")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
