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
`updated` (also changes the feeds and the sitemap), and the structural ones, which change the site
index: `tags`, `section`, `dateline`, `bylines`, `posted` (an hour earlier the same day: the article
moves in every list), `withdrawn`, `scheduled` (`posted` in 2099: the page goes), `deleted` and
`added`. Each edit is undone before the next, and the undo waited for. Figures are medians
(min-max) over the edits of a kind.
"""

from __future__ import annotations

import argparse
import http.client
import json
import queue
import re
import shutil
import signal
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


def make_corpus(stories: int, root: Path, search: bool = True) -> Path:
    site = root / f"serve-{stories}"
    if not (site / "content").is_dir():
        subprocess.run([sys.executable, str(GEN), "--n", str(stories), "--format", "dateline", "--out", str(site)],
                       check=True, stdout=subprocess.DEVNULL)
    shutil.copyfile(REPO / "dateline.toml", site / "dateline.toml")
    if not search:
        with open(site / "dateline.toml", "a", encoding="utf-8") as config:
            config.write("\n[search]\nenabled = false\n")
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

    def get(self, path: str) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read()
        conn.close()
        return response.status, body

    def rebuild_line(self) -> str:
        while True:
            _, line = self.lines.get(timeout=TIMEOUT)
            if " changed: " in line:
                return line

    def stop(self) -> None:
        # SIGTERM, which the server takes as Ctrl-C: a bench started in the background (`cmd &`)
        # passes on SIGINT ignored, and the server would never hear it.
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


def article_url(site: Path, path: Path) -> str:
    from dateline.config import load_config
    from dateline.content import load_article
    from dateline.index import article_path

    article, errors = load_article(load_config(site), path)
    assert article is not None, errors
    return article_path(article)


SECTIONS = ["business", "culture", "economy", "politics", "society", "sports", "technology", "world"]


def _body(text: str, mark: str) -> str:
    return text.replace("\n\n", f"\n\n{mark} ", 1)


def _line(key: str, value: str | None, text: str) -> str:
    """`key: value` in the front matter, replacing the key's line (and its nested lines) if any;
    without a value, the key is dropped."""
    text = re.sub(rf"^{key}:.*\n(?:(?:[ \t]|- ).*\n)*", "", text, count=1, flags=re.M)
    return text if value is None else text.replace("---\n", f"---\n{key}: {value}\n", 1)


def _next_section(text: str, n: int) -> str:
    current = re.search(r"^section: (.*)$", text, flags=re.M)
    choices = [s for s in SECTIONS if not current or s != current.group(1).strip()]
    return choices[n % len(choices)]


def _earlier_same_day(text: str) -> str:
    """`posted` an hour earlier when that stays on the same day, else an hour later: the URL keeps its
    date, the article moves in every list it is in."""
    match = re.search(r"^posted: (\d{4}-\d\d-\d\d)T(\d\d)(.*)$", text, flags=re.M)
    hour = int(match.group(2))
    hour = hour - 1 if hour > 0 else hour + 1
    return text[:match.start()] + f"posted: {match.group(1)}T{hour:02d}{match.group(3)}" + text[match.end():]


# Each kind: (how the file changes, what a reader sees once the edit is served). A change returns the
# new text, or None to delete the file; "mark" means the article's page shows the mark, "gone" that
# its URL answers 404. Structural kinds that show nothing on the article's own page carry a sentence
# in the body too, so that the served test sees them; the server does the structural work either way.
EDITS = {
    "body": (lambda text, mark, n: _body(text, mark), "mark"),
    "headline": (lambda text, mark, n: re.sub(r"^title: .*$", f'title: "{mark}"', text, count=1, flags=re.M), "mark"),
    "updated": (lambda text, mark, n: _line("summary", f'"{mark}"', _line("updated", "2025-01-01T09:00:00+09:00", text)),
                "mark"),
    "tags": (lambda text, mark, n: _line("tags", f'["{mark}"]', text), "mark"),
    "section": (lambda text, mark, n: _body(_line("section", _next_section(text, n), text), mark), "mark"),
    "dateline": (lambda text, mark, n: _line("dateline", f'"Benchton {n} {mark[-6:]}"', _body(text, mark)), "mark"),
    "bylines": (lambda text, mark, n: _line("correspondents", f'["{mark}"]', text), "mark"),
    "posted": (lambda text, mark, n: _body(_earlier_same_day(text), mark), "mark"),
    "withdrawn": (lambda text, mark, n: _line("withdrawn", f'"{mark}"', text), "mark"),
    "scheduled": (lambda text, mark, n: _line("posted", "2099-01-01T09:00:00+09:00", _line("updated", None, text)), "gone"),
    "deleted": (lambda text, mark, n: None, "gone"),
}


def _wait_served(server: Server, url: str, seen, started: float, what: str) -> float:
    while not seen(*server.get(url)):
        if time.perf_counter() - started > TIMEOUT:
            raise SystemExit(f"{what} not served after {TIMEOUT} s")
        time.sleep(POLL)
    return time.perf_counter() - started


def _settle(server: Server) -> tuple[float, str]:
    """The reload event and terminal line of the rebuild that was just served."""
    heard, _ = server.events.get(timeout=TIMEOUT)
    return heard, server.rebuild_line()


def measure_edit(server: Server, site: Path, path: Path, kind: str, n: int) -> dict:
    url = article_url(site, path)
    original = path.read_text(encoding="utf-8")
    mark = f"bench mark {kind} {n} {time.time_ns()}"
    change, shows = EDITS[kind]
    changed = change(original, mark, n)
    started = time.perf_counter()
    if changed is None:
        path.unlink()
    else:
        path.write_text(changed, encoding="utf-8")
    try:
        if shows == "mark":
            served = _wait_served(server, url, lambda status, body: mark.encode() in body, started, f"edit to {path}")
        else:
            served = _wait_served(server, url, lambda status, body: status == 404, started, f"removal of {url}")
        heard, line = _settle(server)
    finally:
        path.write_text(original, encoding="utf-8")
    rebuild = float(re.search(r" in ([\d.]+) s$", line).group(1))
    _wait_served(server, url, lambda status, body: status == 200 and mark.encode() not in body, time.perf_counter(),
                 f"restore of {path}")
    server.rebuild_line()
    try:  # the restore's own reload event, so that it is not taken for the next edit's
        server.events.get(timeout=2)
    except queue.Empty:
        pass
    return {"kind": kind, "served": served, "reload": heard - started, "rebuild": rebuild, "line": line}


def measure_added(server: Server, site: Path, model: Path, n: int) -> dict:
    """A new article: a copy of `model` under a new slug and outside its story, served once its URL
    answers with it."""
    mark = f"bench mark added {n} {time.time_ns()}"
    path = model.with_name(f"bench-added-{n}-{model.name}")
    started = time.perf_counter()
    path.write_text(_body(_line("story", None, model.read_text(encoding="utf-8")), mark), encoding="utf-8")
    try:
        url = article_url(site, path)
        served = _wait_served(server, url, lambda status, body: mark.encode() in body, started, f"new {path}")
        heard, line = _settle(server)
    finally:
        path.unlink()
    rebuild = float(re.search(r" in ([\d.]+) s$", line).group(1))
    _wait_served(server, url, lambda status, body: status == 404, time.perf_counter(), f"removal of {path}")
    server.rebuild_line()
    try:
        server.events.get(timeout=2)
    except queue.Empty:
        pass
    return {"kind": "added", "served": served, "reload": heard - started, "rebuild": rebuild, "line": line}


def summary(values: list[float]) -> str:
    return f"{statistics.median(values):.3f} ({min(values):.3f}-{max(values):.3f})"


def run(stories: int, edits: int, workdir: Path, kinds: list[str], search: bool = True) -> dict:
    site = make_corpus(stories, workdir, search)
    articles = sorted((site / "content" / "en").rglob("*.md"))
    result = {"stories": stories, "articles": len(list((site / "content").rglob("*.md")))}
    result["cold_build"] = cold_build(site)
    server = Server(site)
    result["serve_start"] = server.startup
    try:
        for kind in kinds:
            runs = [measure_added(server, site, articles[(n * 97 + 13) % len(articles)], n) if kind == "added"
                    else measure_edit(server, site, articles[(n * 97 + 13) % len(articles)], kind, n)
                    for n in range(edits)]
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
    kinds = [*EDITS, "added"]
    parser.add_argument("--kinds", nargs="+", default=kinds, choices=kinds)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "dateline-bench")
    parser.add_argument("--json", type=Path, help="also write the raw figures here")
    parser.add_argument("--no-search", action="store_true", help="serve the corpus without its search index")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    results = []
    for stories in args.stories:
        result = run(stories, args.edits, args.workdir, args.kinds, not args.no_search)
        print(f"{stories} stories ({result['articles']} articles): cold build {result['cold_build']:.1f} s, "
              f"serve start {result['serve_start']:.1f} s", flush=True)
        results.append(result)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
