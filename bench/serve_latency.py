#!/usr/bin/env python3
"""Edit-to-served latency and rebuild cost of `dateline serve --watch` on the shared corpus.

    python bench/serve_latency.py --stories 1000 10000 --edits 8

For each corpus size: one cold `dateline build` in a fresh process; then `dateline serve --watch
--port 0` in a fresh process (its start is a full build too), and a series of edits to
different articles. For each edit the file is written, then

- *reload*: time until the live-reload stream announces the rebuild (what an open tab hears);
- *served*: time until a GET of the article's page returns the edit (polled every 5 ms);
- *rebuild*: the time the server reports on its terminal line for that rebuild.

Edit kinds: `body` (a sentence in the text), `headline` (also changes the counterpart's page),
`updated` (also changes the sitemap, which is written just after the rest), `tags` (changes the
index: the structural path). Figures are medians (min-max) over the edits of a kind.
"""

from __future__ import annotations

import argparse
import http.client
import json
import queue
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GEN = REPO.parent / "shared" / "bench" / "gen_corpus.py"
POLL = 0.005
TIMEOUT = 60.0


def make_corpus(stories: int, root: Path) -> Path:
    site = root / f"serve-{stories}"
    if not (site / "content").is_dir():
        subprocess.run([sys.executable, str(GEN), "--n", str(stories), "--format", "dateline", "--out", str(site)],
                       check=True, stdout=subprocess.DEVNULL)
    shutil.copyfile(REPO / "dateline.toml", site / "dateline.toml")
    return site


def cold_build(site: Path) -> float:
    shutil.rmtree(site / "site", ignore_errors=True)
    shutil.rmtree(site / ".dateline-cache", ignore_errors=True)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "dateline", "build", "--quiet", "--site", str(site)], check=True)
    return time.perf_counter() - started


class Server:
    """`dateline serve --watch --port 0` in a child process, its terminal lines timestamped."""

    def __init__(self, site: Path):
        started = time.perf_counter()
        self.process = subprocess.Popen([sys.executable, "-m", "dateline", "serve", "--watch", "--port", "0",
                                         "--site", str(site)], stdout=subprocess.PIPE, text=True)
        self.lines: queue.Queue[tuple[float, str]] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        while True:
            _, line = self.lines.get(timeout=600)
            if line.startswith("Serving "):
                break
        self.startup = time.perf_counter() - started
        self.port = int(re.search(r"127\.0\.0\.1:(\d+)/", line).group(1))
        self.events: queue.Queue[tuple[float, str]] = queue.Queue()
        threading.Thread(target=self._listen, daemon=True).start()
        self.events.get(timeout=TIMEOUT)  # hello

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put((time.perf_counter(), line.rstrip("\n")))

    def _listen(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT * 10)
        conn.request("GET", "/__dateline/events")
        response = conn.getresponse()  # keep it: its file closes when it is collected
        for raw in response.fp:
            line = raw.decode("utf-8").strip()
            if line.startswith("event: "):
                self.events.put((time.perf_counter(), line[7:]))

    def get(self, path: str) -> bytes:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
        conn.request("GET", path)
        body = conn.getresponse().read()
        conn.close()
        return body

    def rebuild_line(self) -> str:
        while True:
            _, line = self.lines.get(timeout=TIMEOUT)
            if " changed: " in line:
                return line

    def stop(self) -> None:
        self.process.send_signal(2)
        self.process.wait(timeout=30)


def article_url(site: Path, path: Path) -> str:
    from dateline.config import load_config
    from dateline.content import load_article
    from dateline.index import article_path

    article, errors = load_article(load_config(site), path)
    assert article is not None, errors
    return article_path(article)


EDITS = {
    "body": lambda text, mark: text.replace("\n\n", f"\n\n{mark} ", 1),
    "headline": lambda text, mark: re.sub(r"^title: .*$", f'title: "{mark}"', text, count=1, flags=re.M),
    "updated": lambda text, mark: re.sub(r"^(title: .*)$", rf'\1\nupdated: 2025-01-01T09:00:00+09:00\nsummary: "{mark}"',
                                         re.sub(r"^updated: .*\n", "", text, flags=re.M), count=1, flags=re.M),
    "tags": lambda text, mark: re.sub(r"^tags: .*$", f'tags: ["{mark}"]', text, count=1, flags=re.M),
}


def measure_edit(server: Server, site: Path, path: Path, kind: str, n: int) -> dict:
    url = article_url(site, path)
    original = path.read_text(encoding="utf-8")
    mark = f"bench mark {kind} {n} {time.time_ns()}"
    started = time.perf_counter()
    path.write_text(EDITS[kind](original, mark), encoding="utf-8")
    try:
        while mark.encode() not in server.get(url):
            if time.perf_counter() - started > TIMEOUT:
                raise SystemExit(f"edit to {path} not served after {TIMEOUT} s")
            time.sleep(POLL)
        served = time.perf_counter() - started
        heard, _ = server.events.get(timeout=TIMEOUT)
        line = server.rebuild_line()
    finally:
        path.write_text(original, encoding="utf-8")
    rebuild = float(re.search(r" in ([\d.]+) s$", line).group(1))
    server.rebuild_line()
    try:  # the restore's own reload event, so that it is not taken for the next edit's
        server.events.get(timeout=2)
    except queue.Empty:
        pass
    return {"kind": kind, "served": served, "reload": heard - started, "rebuild": rebuild, "line": line}


def summary(values: list[float]) -> str:
    return f"{statistics.median(values):.3f} ({min(values):.3f}-{max(values):.3f})"


def run(stories: int, edits: int, workdir: Path, kinds: list[str]) -> dict:
    site = make_corpus(stories, workdir)
    articles = sorted((site / "content" / "en").rglob("*.md"))
    result = {"stories": stories, "articles": len(list((site / "content").rglob("*.md")))}
    result["cold_build"] = cold_build(site)
    server = Server(site)
    result["serve_start"] = server.startup
    try:
        for kind in kinds:
            runs = [measure_edit(server, site, articles[(n * 97 + 13) % len(articles)], kind, n) for n in range(edits)]
            result[kind] = {k: [r[k] for r in runs] for k in ("served", "reload", "rebuild")}
            print(f"  {stories} stories, {kind}: served {summary(result[kind]['served'])} s, "
                  f"reload event {summary(result[kind]['reload'])} s, rebuild {summary(result[kind]['rebuild'])} s",
                  flush=True)
    finally:
        server.stop()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, nargs="+", default=[1000])
    parser.add_argument("--edits", type=int, default=8, help="edits of each kind")
    parser.add_argument("--kinds", nargs="+", default=list(EDITS), choices=list(EDITS))
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "dateline-bench")
    parser.add_argument("--json", type=Path, help="also write the raw figures here")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    results = []
    for stories in args.stories:
        result = run(stories, args.edits, args.workdir, args.kinds)
        print(f"{stories} stories ({result['articles']} articles): cold build {result['cold_build']:.1f} s, "
              f"serve start {result['serve_start']:.1f} s", flush=True)
        results.append(result)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
