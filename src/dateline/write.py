"""Stage 6: the one place output files are written, so that the output folder is always either the
previous site or the new one.

A build opens an `OutputTransaction`. Nothing in the output folder changes until `commit`:

- a first build (no output folder yet) writes a whole new tree beside it and renames it into place;
- a rebuild stages only the files whose bytes changed, then writes a *journal* (the list of files
  to move in and to delete) and applies it. A build killed while applying leaves the journal, and
  the next build (or `recover`) completes it before doing anything else; a build killed before the
  journal was written leaves only a staging folder, which the next build removes. Unchanged files
  keep their modification times, so a sync uploads only what changed.

Every path passes one guard (`output_path`): nothing is ever written outside the output folder.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from dateline.errors import DatelineError
from dateline.files import write_file

JOURNAL_FORMAT = 1
# The staging folders of this process's open transactions: recover leaves them alone. The dev
# server stages a build's later pages on one thread while the next build starts on another.
_OPEN_STAGING: set[str] = set()
__all__ = ["Changes", "OutputError", "OutputTransaction", "locked", "recover", "static_files", "write_file"]


class OutputError(DatelineError):
    """An output file could not be written (a full disk, a read-only folder): names the file and why."""

    def __init__(self, relative: str, exc: OSError):
        reason = exc.strerror or str(exc)
        if exc.errno == errno.ENOSPC:
            reason = "no space left on the device"
        self.relative, self.reason = relative, reason
        super().__init__(f"could not write {relative}: {reason}; the previous site was left as it was")


def output_path(root: Path, relative: str) -> Path:
    """root/relative, refusing any path that could leave root."""
    parts = relative.split("/")
    if not relative or relative.startswith("/") or "\\" in relative or "\0" in relative \
            or any(p in ("", ".", "..") for p in parts):
        raise ValueError(f"refusing to write outside the output folder: {relative!r}")
    return root / relative


def static_files(folder: Path) -> list[tuple[str, Path]]:
    """(relative output path, source file) for every file below a static folder."""
    if not folder.is_dir():
        return []
    return sorted(
        (p.relative_to(folder).as_posix(), p)
        for p in folder.rglob("*")
        if p.is_file() and not p.name.startswith(".") and not p.name.endswith("~")
    )


def file_signature(path: Path) -> tuple[int, int] | None:
    """(size, mtime_ns) of an output file as written: a later build notices one changed by hand."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns)


@dataclass
class Changes:
    """Site-relative output files this build created, changed or removed (`build --changes`)."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, list[str]]:
        return {"created": sorted(self.created), "updated": sorted(self.updated), "deleted": sorted(self.deleted)}

    @property
    def written(self) -> list[str]:
        """The files created or changed."""
        return self.created + self.updated

    def __bool__(self) -> bool:
        return bool(self.created or self.updated or self.deleted)


def sibling(out_dir: Path, suffix: str) -> Path:
    """A file or folder beside the output folder that belongs to it: .site.journal, .site.lock, ..."""
    return out_dir.parent / f".{out_dir.name}.{suffix}"


class OutputTransaction:
    """The files of one build, staged beside the output folder and put in place by `commit`.

    A first build stages the whole tree and renames it into place. A rebuild stages each changed
    file flat, under a name made from its path (creating and removing a folder per page costs more
    than the page on most disks), and the journal maps the staged names to their places."""

    def __init__(self, out_dir: Path):
        self.out_dir = out_dir
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        self.fresh = not out_dir.is_dir()
        self.staging = Path(tempfile.mkdtemp(dir=out_dir.parent, prefix=f".{out_dir.name}.staging-"))
        _OPEN_STAGING.add(self.staging.name)
        self._made: set[Path] = {self.staging}

    def _stage_path(self, relative: str) -> Path:
        if not self.fresh:
            output_path(self.out_dir, relative)  # the guard, for the place it will go
            return self.staging / staged_name(relative)
        target = output_path(self.staging, relative)
        self._make_folder(target.parent)
        return target

    def _make_folder(self, folder: Path) -> None:
        """One mkdir per new folder: its parent is made (and remembered) first, so no call fails
        (Path.mkdir(parents=True) tries the folder, fails, makes the parent and tries again)."""
        if folder in self._made:
            return
        self._make_folder(folder.parent)
        try:
            os.mkdir(folder)
        except FileExistsError:
            pass
        self._made.add(folder)

    def unchanged(self, relative: str, data: bytes) -> bool:
        if self.fresh:
            return False
        try:
            with open(output_path(self.out_dir, relative), "rb") as handle:
                return handle.read() == data
        except OSError:
            return False

    def write(self, relative: str, data: bytes) -> bool:
        """Stage a file unless the output already holds these bytes; True if staged."""
        if self.unchanged(relative, data):
            return False
        try:
            put_file(self._stage_path(relative), data)  # nobody reads staging until commit
        except OSError as exc:
            raise OutputError(relative, exc) from None
        return True

    def copy(self, relative: str, source: Path, link: bool = False) -> bool:
        """Stage a copy of a file unless the output has its bytes; True if staged. link: the source
        never changes in place (a photo rendition in the cache), so a hard link will do."""
        if not link:
            return self.write(relative, source.read_bytes())
        if not self.fresh:
            try:
                if os.path.samefile(source, output_path(self.out_dir, relative)):
                    return False  # the link made last time
            except OSError:
                pass
        target = self._stage_path(relative)
        try:
            os.link(source, target)
        except OSError:  # another file system, or links not allowed: copy
            return self.write(relative, source.read_bytes())
        return True

    def staged_file(self, relative: str) -> Path:
        """Where a staged output waits for the commit."""
        return self.staging / (relative if self.fresh else staged_name(relative))

    def commit(self, staged: Iterable[str], deleted: Iterable[str] = (), *, extra: dict[str, str] | None = None) -> Changes:
        """Put the staged files (those `write` returned True for) in place and delete `deleted`;
        returns what changed.

        extra: {temporary file: final path} renamed as part of the commit (the build's saved state),
        so the state and the output it describes move together."""
        extra = extra or {}
        staged = sorted(staged)
        _OPEN_STAGING.discard(self.staging.name)
        if self.fresh:
            return self._swap_in(staged, extra)
        existing = {r for r in staged if output_path(self.out_dir, r).exists()}
        deleted = sorted(r for r in set(deleted) - set(staged) if output_path(self.out_dir, r).exists())
        journal = {"format": JOURNAL_FORMAT, "staging": self.staging.name,
                   "moves": [[staged_name(r), r] for r in staged], "deletes": deleted, "extra": extra}
        write_file(sibling(self.out_dir, "journal"), json.dumps(journal).encode())
        apply_journal(self.out_dir, journal)
        return Changes(created=[r for r in staged if r not in existing], updated=sorted(existing), deleted=deleted)

    def _swap_in(self, staged: list[str], extra: dict[str, str]) -> Changes:
        os.chmod(self.staging, 0o755)
        for tmp, final in extra.items():
            os.replace(tmp, final)
        os.replace(self.staging, self.out_dir)
        return Changes(created=staged)

    def discard(self) -> None:
        _OPEN_STAGING.discard(self.staging.name)
        shutil.rmtree(self.staging, ignore_errors=True)


def put_file(path: Path, data: bytes) -> None:
    """Write a file no one reads yet with three system calls (open, write, close): open() adds
    fstat, ioctl and lseek, a good part of a small page's cost on some file systems."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


def staged_name(relative: str) -> str:
    return hashlib.blake2b(relative.encode(), digest_size=16).hexdigest()


def apply_journal(out_dir: Path, journal: dict) -> None:
    """Move staged files into place and delete the old ones. Safe to run again after a kill:
    a file already moved is no longer in staging, a file already deleted is gone."""
    staging = out_dir.parent / journal["staging"]
    ready: set[Path] = set()
    for name, relative in journal["moves"]:
        source, target = staging / name, output_path(out_dir, relative)
        if not source.exists():
            continue
        if target.parent not in ready:
            target.parent.mkdir(parents=True, exist_ok=True)
            ready.add(target.parent)
        os.chmod(source, 0o644)
        try:
            os.replace(source, target)
        except IsADirectoryError:  # a folder where a file now goes: the new site wins
            shutil.rmtree(target)
            os.replace(source, target)
    for relative in journal["deletes"]:
        target = output_path(out_dir, relative)
        try:
            target.unlink()
        except (FileNotFoundError, IsADirectoryError):
            continue
        _remove_empty_folders(out_dir, target.parent)
    for tmp, final in journal.get("extra", {}).items():
        if Path(tmp).exists():
            os.replace(tmp, final)
    shutil.rmtree(staging, ignore_errors=True)
    sibling(out_dir, "journal").unlink(missing_ok=True)


def _remove_empty_folders(out_dir: Path, folder: Path) -> None:
    while folder != out_dir and folder.is_relative_to(out_dir):
        try:
            folder.rmdir()
        except OSError:  # not empty
            return
        folder = folder.parent


def recover(out_dir: Path) -> bool:
    """Finish what a killed build left: complete a journaled commit, drop staging and old trees.
    Call with the output folder's lock held. True if a journal was completed."""
    journal_path = sibling(out_dir, "journal")
    completed = False
    try:
        journal = json.loads(journal_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        journal = None
    except (OSError, ValueError):  # written by write_file, so never half a file; be safe anyway
        journal_path.unlink(missing_ok=True)
        journal = None
    if journal and journal.get("format") == JOURNAL_FORMAT:
        apply_journal(out_dir, journal)
        completed = True
    for pattern in (f".{out_dir.name}.staging-*", f".{out_dir.name}.old-*"):
        for leftover in out_dir.parent.glob(pattern):
            if leftover.name not in _OPEN_STAGING:
                shutil.rmtree(leftover, ignore_errors=True)
    return completed


@contextmanager
def locked(out_dir: Path, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the output folder's lock: one writer at a time, and a second build waits for the first
    (after saying so through on_wait) instead of interleaving with it. The lock is an flock on a
    file beside the folder, released by the kernel when its process ends, however it ends."""
    path = sibling(out_dir, "lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "another process"
            if on_wait is not None:
                on_wait(f"another build of {out_dir} is running (pid {holder}); waiting for it to finish")
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock
