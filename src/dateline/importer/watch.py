"""`dateline import --watch INBOX`: import every file dropped into INBOX, then file it away.

A file is taken once it is complete: FTP and sync jobs write in pieces, so a file is imported
only when its size and modification time have stayed the same for SETTLE seconds. Hidden files
(".name") and the usual temporary names (*.tmp, *.part, *.partial, *.filepart, *.crdownload,
*.swp, *~) are left alone until they are renamed. watchdog reports new and renamed files; a
scan every SCAN seconds is the safety net for events a file system does not deliver.

Each file is imported on its own (see run.run_import) and then moved: to INBOX/done/ when every
article in it was written, updated, or was already there (a duplicate, an older version), else
(an error, or an article whose place another article holds) to INBOX/failed/ with NAME.error
beside it saying why. A name already taken in done/ or failed/ gets a number
(story.json -> story-2.json), so nothing there is overwritten.

Ctrl-C and SIGTERM stop the loop between files: the file being imported is finished and
moved first, and files not yet taken stay in INBOX for the next run. A file imported but not yet
moved when the process was killed is simply imported again next time: its article is already
on disk, so it is skipped as a duplicate and moved to done/.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import click

from dateline.config import Config
from dateline.importer.existing import SiteContent
from dateline.importer.records import ImportOptions
from dateline.importer.run import run_import
from dateline.importer.writer import Outcome

SETTLE = float(os.environ.get("DATELINE_INBOX_SETTLE", "1.0"))  # seconds a file must stay unchanged
SCAN = float(os.environ.get("DATELINE_INBOX_SCAN", "2.0"))  # seconds between safety-net scans
TEMPORARY_SUFFIXES = (".tmp", ".temp", ".part", ".partial", ".filepart", ".crdownload", ".swp", ".download", "~")


def is_candidate(path: Path) -> bool:
    name = path.name
    return not name.startswith(".") and not name.lower().endswith(TEMPORARY_SUFFIXES) and not name.endswith(".error")


class Inbox:
    """The files waiting in INBOX, each with the size and time it had when last looked at."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.done = folder / "done"
        self.failed = folder / "failed"
        self.seen: dict[Path, tuple[tuple[int, int], float]] = {}  # path -> ((size, mtime_ns), since)
        self.wake = threading.Event()
        self.lock = threading.Lock()

    def note(self, path: Path) -> None:
        """A file system event or a scan saw this path (a watchdog thread may call this)."""
        if path.parent == self.folder and is_candidate(path):
            with self.lock:
                self.seen.setdefault(path, ((-1, -1), 0.0))
            self.wake.set()

    def scan(self) -> None:
        try:
            entries = list(os.scandir(self.folder))
        except OSError:
            return
        for entry in entries:
            if entry.is_file(follow_symlinks=False):
                self.note(Path(entry.path))

    def ready(self, now: float) -> list[Path]:
        """Files whose size and modification time have not changed for SETTLE seconds, oldest first."""
        ready = []
        with self.lock:
            for path, (stamp, since) in list(self.seen.items()):
                try:
                    stat = path.stat()
                except OSError:  # moved away or deleted before it settled
                    del self.seen[path]
                    continue
                current = (stat.st_size, stat.st_mtime_ns)
                if current != stamp:
                    self.seen[path] = (current, now)
                elif now - since >= SETTLE:
                    ready.append((stat.st_mtime_ns, path))
        return [path for _, path in sorted(ready)]

    def settled(self, path: Path) -> None:
        with self.lock:
            self.seen.pop(path, None)

    def file_away(self, path: Path, outcomes: list[Outcome]) -> Path:
        """Move the file to done/ or failed/ (with its .error); the place it went."""
        failures = [o for o in outcomes if o.status == "failed" or o.conflict]
        folder = self.failed if failures or not outcomes else self.done
        folder.mkdir(exist_ok=True)
        target = free_name(folder, path.name)
        if folder is self.failed:
            reasons = [f"{o.raw_path.name}{':' + str(o.line) if o.line else ''}: {o.message}" for o in failures]
            error = target.with_name(target.name + ".error")
            error.write_text("\n".join(reasons or ["nothing in the file could be imported"]) + "\n", encoding="utf-8")
        os.replace(path, target)
        return target


def free_name(folder: Path, name: str) -> Path:
    target = folder / name
    stem, suffix = os.path.splitext(name)
    number = 2
    while target.exists() or target.with_name(target.name + ".error").exists():
        target = folder / f"{stem}-{number}{suffix}"
        number += 1
    return target


def _observer(inbox: Inbox):
    """A watchdog observer that notes created, modified and moved-in files; None if it cannot start."""
    from watchdog.events import FileSystemEventHandler
    from watchdog.observers import Observer

    class Handler(FileSystemEventHandler):
        def on_any_event(self, event) -> None:
            if event.is_directory:
                return
            for attribute in ("dest_path", "src_path"):
                value = getattr(event, attribute, "")
                if value:
                    inbox.note(Path(os.fsdecode(value)))

    observer = Observer()
    try:
        observer.schedule(Handler(), str(inbox.folder), recursive=False)
        observer.start()
    except OSError as exc:
        click.echo(f"warning: cannot watch {inbox.folder} for events ({exc}); scanning it every {SCAN:g} s", err=True)
        return None
    return observer


def watch_inbox(folder: Path, options: ImportOptions, config: Config, *, report, force: bool = False) -> int:
    """Run until Ctrl-C or SIGTERM; the exit status. `report` prints outcomes as the import command does."""
    folder = folder.resolve()
    if not folder.is_dir():
        raise click.UsageError(f"--watch: {folder} is not a folder")
    inbox = Inbox(folder)
    stop = threading.Event()

    def request_stop(signum, frame) -> None:
        stop.set()
        inbox.wake.set()

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    observer = _observer(inbox)
    click.echo(f"watching {folder} (done/ and failed/ beside it); Ctrl-C to stop")
    counts = {"done": 0, "failed": 0}
    try:
        inbox.scan()
        last_scan = time.monotonic()
        while not stop.is_set():
            now = time.monotonic()
            if now - last_scan >= SCAN:
                inbox.scan()
                last_scan = now
            ready = inbox.ready(now)
            if ready:
                site = SiteContent.scan(config)  # once per batch: what editors changed meanwhile counts
                for path in ready:
                    if stop.is_set():
                        break
                    counts[_import_one(path, inbox, options, config, site, force, report)] += 1
                continue
            inbox.wake.wait(min(SETTLE / 2, SCAN))
            inbox.wake.clear()
    finally:
        if observer is not None:
            observer.stop()
            observer.join(timeout=5)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    click.echo(f"stopped: {counts['done']} file{'s' if counts['done'] != 1 else ''} done, {counts['failed']} failed")
    return 0


def _import_one(path: Path, inbox: Inbox, options: ImportOptions, config: Config, site: SiteContent, force: bool,
                report) -> str:
    inbox.settled(path)
    if not path.is_file():
        return "done"  # taken away meanwhile: nothing to do
    try:
        outcomes = run_import([path], options, config, force=force, site=site)
    except Exception as exc:  # a bug must cost one file, not the watch: it goes to failed/ with the reason
        outcomes = [Outcome(path, "failed", f"could not be imported ({type(exc).__name__}: {exc})")]
    report(outcomes, dry_run=False, summary_line=False)
    target = inbox.file_away(path, outcomes)
    kind = "failed" if target.parent == inbox.failed else "done"
    click.echo(f"  moved to {target.relative_to(inbox.folder).as_posix()}")
    return kind
