#!/usr/bin/env python3
"""Time `dateline build --cluster` on one and on two local Dask worker processes, beside local builds.

    python bench/bench_cluster.py --stories 10000 --runs 1

Generates the shared corpus (../shared/bench/gen_corpus.py, as bench_build.py does), converts
its bodies once with a local build, then times builds into a fresh output folder (every page
rendered, every file written; the body store warm, because converting Markdown happens on the
client with or without a cluster): locally with --jobs 1 and 2, and with --cluster on a
`dask scheduler` with one and then two `dask worker --nthreads 1` processes on 127.0.0.1.
Reports wall time, the client's CPU time and peak memory, the workers' CPU time, the size of
what is broadcast to every worker, and checks that every output is byte for byte the same.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pickle
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
from bench_build import make_corpus

BIN = Path(sys.executable).parent
SETTINGS = ("local-1", "local-2", "cluster-1", "cluster-2")


def tree_digest(root: Path) -> str:
    digest = hashlib.sha256()
    for file in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(file.relative_to(root).as_posix().encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()


def timed_build(site: Path, out: Path, *args: str) -> dict:
    """One build into a fresh folder in a new process: wall s, the client's CPU s and peak MiB."""
    shutil.rmtree(out, ignore_errors=True)
    command = [sys.executable, "-m", "dateline", "build", "--quiet", "--site", str(site), "--out", str(out), *args]
    started = time.perf_counter()
    process = subprocess.Popen(command)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"{' '.join(command)} failed with status {status}")
    return {"wall": seconds, "client_cpu": usage.ru_utime + usage.ru_stime, "client_mib": usage.ru_maxrss / 1024}


class LocalCluster:
    """`dask scheduler` and `dask worker` processes on 127.0.0.1, as docs/cluster.md starts them."""

    def __init__(self, folder: Path):
        self.folder, self.workers = folder, []
        self.scheduler_file = folder / "scheduler.json"
        self.scheduler_file.unlink(missing_ok=True)
        self.scheduler = self._start("scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                                     "--scheduler-file", str(self.scheduler_file))
        while not self.scheduler_file.exists():
            time.sleep(0.1)
        time.sleep(0.5)
        self.address = json.loads(self.scheduler_file.read_text())["address"]

    def _start(self, *args: str) -> subprocess.Popen:
        log = open(self.folder / f"{args[0]}-{len(self.workers)}.log", "wb")  # noqa: SIM115
        return subprocess.Popen([str(BIN / "dask"), *args], stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def add_worker(self) -> None:
        from dask.distributed import Client

        self.workers.append(self._start("worker", self.address, "--nworkers", "1", "--nthreads", "1", "--no-nanny",
                                        "--no-dashboard", "--host", "127.0.0.1"))
        with Client(self.address, set_as_default=False) as client:
            client.wait_for_workers(len(self.workers), timeout=120)

    def worker_cpu(self) -> float:
        return sum(sum(psutil.Process(w.pid).cpu_times()[:2]) for w in self.workers)

    def worker_peak_mib(self) -> float:
        """The largest worker's peak resident set so far (VmHWM)."""
        return max(_peak_mib(w.pid) for w in self.workers)

    def stop(self) -> None:
        for process in [*self.workers, self.scheduler]:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)


def _peak_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def broadcast_mib(site: Path, out: Path) -> float:
    """The pickled index and templates every worker receives once per build."""
    from dateline.build.state import state_path
    from dateline.config import load_config
    from dateline.render import make_environment, template_sources

    config = load_config(site, out_dir=out)
    with open(state_path(config), "rb") as handle:  # the index the build saved, whichever dateline wrote it
        index = pickle.load(handle).index
    blob = pickle.dumps((index, template_sources(make_environment(config))), protocol=pickle.HIGHEST_PROTOCOL)
    return len(blob) / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=1, help="builds per setting; the table shows the fastest")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "dateline-bench")
    parser.add_argument("--settings", nargs="+", choices=SETTINGS, default=list(SETTINGS),
                        help="which builds to time after the first (at 100,000 stories each takes minutes)")
    parser.add_argument("--no-search", action="store_true", help="build without the search index (as bench_compare does)")
    args = parser.parse_args()
    common = ["--no-search"] if args.no_search else []
    args.workdir.mkdir(parents=True, exist_ok=True)
    site = make_corpus(args.stories, args.workdir)
    outputs = args.workdir / f"outputs-{args.stories}"
    outputs.mkdir(exist_ok=True)
    first = timed_build(site, outputs / "first", *common)  # converts every body into the store
    print(f"{args.stories} stories, {len(list((site / 'content').rglob('*.md')))} articles, "
          f"{sum(1 for p in (outputs / 'first').rglob('*') if p.is_file())} files; first build with conversion "
          f"{first['wall']:.1f} s; broadcast to each worker {broadcast_mib(site, outputs / 'first'):.1f} MiB")
    reference = tree_digest(outputs / "first")
    print(f"{'setting':<24} {'wall s':>7} {'client CPU s':>13} {'client MiB':>11} {'workers CPU s':>14} "
          f"{'worker MiB':>11}  same bytes")

    def report(label: str, out: Path, extra: list[str], cluster: LocalCluster | None = None) -> None:
        best = None
        for _ in range(args.runs):
            before = cluster.worker_cpu() if cluster else 0.0
            result = timed_build(site, out, *common, *extra)
            result["workers_cpu"] = cluster.worker_cpu() - before if cluster else 0.0
            best = result if best is None or result["wall"] < best["wall"] else best
        same = tree_digest(out) == reference
        workers = f"{best['workers_cpu']:>14.1f} {cluster.worker_peak_mib():>11.0f}" if cluster else f"{'-':>14} {'-':>11}"
        print(f"{label:<24} {best['wall']:>7.1f} {best['client_cpu']:>13.1f} {best['client_mib']:>11.0f} {workers}  {same}",
              flush=True)

    for jobs in (1, 2):
        if f"local-{jobs}" in args.settings:
            report(f"local --jobs {jobs}", outputs / f"local-{jobs}", ["--jobs", str(jobs)])
    if not {"cluster-1", "cluster-2"} & set(args.settings):
        return
    folder = args.workdir / "dask"
    folder.mkdir(exist_ok=True)
    cluster = LocalCluster(folder)
    try:
        for n in (1, 2):
            cluster.add_worker()
            if f"cluster-{n}" in args.settings:
                report(f"--cluster, {n} worker{'s' if n > 1 else ''}", outputs / f"cluster-{n}",
                       ["--cluster", cluster.address], cluster)
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
