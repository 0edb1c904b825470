"""Watch the site's sources and hand out changes in coalesced batches.

watchdog reports every file event; an editor's save (temporary file, rename), a `git checkout`
of many files or a folder move arrive as bursts. `Watcher.next_batch` waits for the first event,
then until the sources have been quiet for QUIET seconds (at most MAX_WAIT), and sorts what
happened into one Batch: content files (or a rescan), templates, static files, config or data.
Editor swap and backup files and the output folder are ignored, and so is merely opening a file.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from dateline.build import Change
from dateline.config import CONFIG_NAME

QUIET = 0.06
MAX_WAIT = 1.5
# vim .swp/.swx/4913, emacs .#lock and #autosave#, backups~, kate, JetBrains, our own .tmp renames
IGNORED_NAME = re.compile(r"^\.#|^#.*#$|~$|\.sw[a-px]$|^4913$|\.tmp$|\.kate-swp$|___jb_(tmp|old)___$|^\.DS_Store$")
WRITE_EVENTS = ("created", "modified", "deleted", "moved", "closed")


@dataclass(frozen=True)
class Batch:
    change: Change
    config: bool  # dateline.toml or a data file: reload everything
    names: tuple[str, ...]  # what changed, relative to the site, for the terminal


class Sorter:
    """Which kind of source a path is, if any."""

    def __init__(self, site_dir: Path, out_dir: Callable[[], Path]):
        self.site_dir, self.out_dir = site_dir, out_dir
        self.roots = {kind: site_dir / kind for kind in ("content", "templates", "static", "data")}

    def kind(self, path: Path) -> str | None:
        if IGNORED_NAME.search(path.name) or path.is_relative_to(self.out_dir()):
            return None
        if path == self.site_dir / CONFIG_NAME:
            return "config"
        return next((kind for kind, root in self.roots.items() if path == root or path.is_relative_to(root)), None)

    def batch(self, events: list[tuple[Path, bool]]) -> Batch | None:
        """events: (path, is_folder_event)."""
        found: dict[str, set[Path]] = {}
        rescan, names = False, []
        for path, folder in events:
            kind = self.kind(path)
            if kind is None:
                continue
            found.setdefault(kind, set()).add(path)
            rescan |= kind == "content" and folder
            if folder or not (path.suffix or path.exists()):  # folders, and a tool's temporary files
                continue
            name = path.relative_to(self.site_dir).as_posix() if path.is_relative_to(self.site_dir) else str(path)
            if name not in names:
                names.append(name)
        if not found:
            return None
        change = Change(content=frozenset(found.get("content", ())), static=frozenset(found.get("static", ())),
                        rescan=rescan, templates="templates" in found)
        return Batch(change, config="config" in found or "data" in found, names=tuple(names))


class _Collector(FileSystemEventHandler):
    def __init__(self, watcher: Watcher):
        self.watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in WRITE_EVENTS or (event.is_directory and event.event_type == "modified"):
            return
        paths = [event.src_path] + ([event.dest_path] if getattr(event, "dest_path", "") else [])
        self.watcher.add([(Path(p if isinstance(p, str) else p.decode()), event.is_directory) for p in paths])


class Watcher:
    """site_dir: the site's root (resolved); out_dir: where the output folder is now."""

    def __init__(self, site_dir: Path, out_dir: Callable[[], Path]):
        self.sorter = Sorter(site_dir, out_dir)
        self.site_dir = site_dir
        self._cond = threading.Condition()
        self._events: list[tuple[Path, bool]] = []
        self._last = 0.0
        self._stopped = False
        self._observer = Observer()
        self._handler = _Collector(self)
        self._watched: set[Path] = set()

    def start(self) -> None:
        self._observer.schedule(self._handler, str(self.site_dir), recursive=False)
        for root in self.sorter.roots.values():
            self._watch(root)
        self._observer.start()

    def _watch(self, root: Path) -> None:
        if root.is_dir() and root not in self._watched:
            self._observer.schedule(self._handler, str(root), recursive=True)
            self._watched.add(root)

    def add(self, events: list[tuple[Path, bool]]) -> None:
        for path, folder in events:
            if folder and path in self.sorter.roots.values():
                self._watch(path)  # content/, static/ ... created after the server started
        with self._cond:
            self._events.extend(events)
            self._last = time.monotonic()
            self._cond.notify_all()

    def next_batch(self, timeout: float | None = None) -> Batch | None:
        """The next coalesced batch of relevant changes; None on timeout or stop."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            events = self._wait_for_burst(deadline)
            if events is None:
                return None
            batch = self.sorter.batch(events)
            if batch is not None:
                return batch

    def _wait_for_burst(self, deadline: float | None) -> list[tuple[Path, bool]] | None:
        with self._cond:
            while not self._events and not self._stopped:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return None
                self._cond.wait(left)
            first = time.monotonic()
            while not self._stopped:
                now = time.monotonic()
                quiet_at, give_up_at = self._last + QUIET, first + MAX_WAIT
                if now >= quiet_at or now >= give_up_at:
                    break
                self._cond.wait(min(quiet_at, give_up_at) - now)
            if self._stopped:
                return None
            events, self._events = self._events, []
            return events

    def changed_since(self, moment: float) -> Batch | None:
        """What was saved since `moment` (a time.time()), found by modification times: for
        changes made while the first build ran, before watching could start."""
        events = []
        for root in [self.site_dir / CONFIG_NAME, *self.sorter.roots.values()]:
            paths = [root, *root.rglob("*")] if root.is_dir() else [root]
            for path in paths:
                try:
                    if path.stat().st_mtime >= moment:
                        events.append((path, path.is_dir()))
                except OSError:
                    continue
        return self.sorter.batch(events) if events else None

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify_all()
        self._observer.stop()
        self._observer.join(timeout=5)
