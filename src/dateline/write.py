"""Stage 6: write the output into a staging folder and swap it in whole.

A build that fails before `commit` leaves the previous output exactly as it was; readers of
the output folder see either the old site or the new one, never a mix.
"""

from __future__ import annotations

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
        if relative.startswith("/") or "\\" in relative or any(p in ("", ".", "..") for p in parts[:-1]) or parts[-1] in (".", ".."):
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

    def copy(self, relative: str, source: Path) -> None:
        target = self.path(relative)
        self._parent_ready(target)
        shutil.copyfile(source, target)

    def commit(self) -> None:
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
