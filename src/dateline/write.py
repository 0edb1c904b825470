"""Stage 6: write the output so that a failed build leaves the previous one exactly as it was.

Nothing touches the output folder before `commit`. A first build writes a whole new tree
beside it and swaps it in. A rebuild stages only the files whose bytes changed and, on
commit, moves them into place and removes what the site no longer has: unchanged files keep
their modification times (so rsync or a bucket sync uploads only what changed), and on this
kind of disk creating files costs far more than comparing them.
"""

from __future__ import annotations

import filecmp
import os
import shutil
import tempfile
from pathlib import Path


def write_file(path: Path, data: bytes) -> None:
    """Write through a temporary file and a rename, so no reader sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def static_files(folder: Path) -> list[tuple[str, Path]]:
    """(relative output path, source file) for every file below a static folder."""
    if not folder.is_dir():
        return []
    return sorted(
        (p.relative_to(folder).as_posix(), p)
        for p in folder.rglob("*")
        if p.is_file() and not p.name.startswith(".") and not p.name.endswith("~")
    )


class StagedOutput:
    """A fresh output tree next to the real one, swapped in by `commit`."""

    def __init__(self, out_dir: Path):
        self.out_dir = out_dir
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        self.root = Path(tempfile.mkdtemp(dir=out_dir.parent, prefix=f".{out_dir.name}.staging-"))
        self._made: set[Path] = {self.root}

    def path(self, relative: str) -> Path:
        # Slugs are validated on load; this guards the one place a path is turned into a file.
        parts = relative.split("/")
        escapes = any(p in ("", ".", "..") for p in parts[:-1]) or parts[-1] in (".", "..")
        if relative.startswith("/") or "\\" in relative or escapes:
            raise ValueError(f"refusing to write outside the output folder: {relative}")
        return self.root / relative

    def _parent_ready(self, target: Path) -> None:
        if target.parent not in self._made:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._made.add(target.parent)

    def write(self, relative: str, data: bytes) -> None:
        target = self.path(relative)
        self._parent_ready(target)
        with open(target, "wb") as handle:  # nobody reads the staging tree until commit
            handle.write(data)

    def copy(self, relative: str, source: Path, link: bool = False) -> None:
        """link: the source never changes in place (a photo rendition in the cache): a hard link will do."""
        target = self.path(relative)
        self._parent_ready(target)
        if link:
            try:
                os.link(source, target)
                return
            except OSError:  # another file system, or links not allowed: copy
                pass
        shutil.copyfile(source, target)

    def commit(self, expected: set[str] | None = None) -> None:
        os.chmod(self.root, 0o755)
        old = None
        if self.out_dir.exists():
            old = Path(tempfile.mkdtemp(dir=self.out_dir.parent, prefix=f".{self.out_dir.name}.old-"))
            os.replace(self.out_dir, old / "site")
        os.replace(self.root, self.out_dir)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)

    def discard(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


class UpdatedOutput(StagedOutput):
    """Changes to an existing output folder, staged beside it and applied by `commit`."""

    def _unchanged(self, relative: str, data: bytes) -> bool:
        try:
            with open(self.out_dir / relative, "rb") as handle:
                return handle.read() == data
        except OSError:
            return False

    def write(self, relative: str, data: bytes) -> None:
        if not self._unchanged(self.path(relative).relative_to(self.root).as_posix(), data):
            super().write(relative, data)

    def copy(self, relative: str, source: Path, link: bool = False) -> None:
        self.path(relative)  # the same guard as for pages
        target = self.out_dir / relative
        if link and target.is_file() and os.path.samefile(source, target):
            return  # the link made last time: nothing to compare
        if not (target.is_file() and filecmp.cmp(source, target, shallow=False)):
            super().copy(relative, source, link)

    def commit(self, expected: set[str] | None = None) -> None:
        """Move the changed files into place, then drop files and folders the site no longer has."""
        for staged in sorted(p for p in self.root.rglob("*") if p.is_file()):
            target = self.out_dir / staged.relative_to(self.root)
            if target.is_dir():  # a folder where a file now goes: the new site wins
                shutil.rmtree(target)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.chmod(staged, 0o644)
            os.replace(staged, target)
        shutil.rmtree(self.root, ignore_errors=True)
        if expected is not None:
            remove_unexpected(self.out_dir, expected)


def remove_unexpected(out_dir: Path, expected: set[str]) -> None:
    for path in sorted(out_dir.rglob("*"), reverse=True):  # children before their folders
        relative = path.relative_to(out_dir).as_posix()
        if path.is_dir() and not path.is_symlink():
            if not any(path.iterdir()):
                path.rmdir()
        elif relative not in expected:
            path.unlink()


def open_output(out_dir: Path) -> StagedOutput:
    """A whole new tree for a first build, staged changes for a rebuild."""
    return UpdatedOutput(out_dir) if (out_dir / "404.html").is_file() else StagedOutput(out_dir)
