"""A folder target: file:///path. Each file is written atomically, so an interrupted deploy leaves
every file either old or new, and a rerun finishes the job."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from dateline.deploy.targets import RemoteObject, Upload
from dateline.errors import DatelineError, UsageError
from dateline.write import write_file

# write_file's temporary name: ".index.html.k2j4h1.tmp"
LEFTOVER = re.compile(r"^\..+\.[^.]+\.tmp$")


class FolderTarget:
    redirects = False  # a folder has no redirect objects: the build's redirect pages are copied
    headers = False  # nor headers: a web server in front of it decides them

    def __init__(self, name: str, folder: Path, site_folder: Path):
        self.name = name
        self.folder = folder.resolve()
        site = site_folder.resolve()
        if self.folder == site or self.folder.is_relative_to(site) or site.is_relative_to(self.folder):
            raise UsageError(f"{name} overlaps the built site {site}: deploy to a folder of its own")
        if self.folder.exists() and not self.folder.is_dir():
            raise UsageError(f"{name}: {self.folder} is a file, not a folder")

    def list(self) -> dict[str, RemoteObject]:
        if not self.folder.is_dir():
            return {}
        found = {}
        for path in self.folder.rglob("*"):
            if LEFTOVER.match(path.name) and path.is_file():
                path.unlink()  # half a file from a deploy that was killed mid-write: never in place, so just drop it
            elif path.is_file() and not path.is_symlink():
                # The MD5 is read only when the sizes agree (stat).
                found[path.relative_to(self.folder).as_posix()] = RemoteObject(path.stat().st_size, None)
        return found

    def stat(self, path: str) -> RemoteObject | None:
        file = self.folder / path
        if not file.is_file():
            return None
        data = file.read_bytes()
        return RemoteObject(len(data), hashlib.md5(data).hexdigest())

    def put(self, upload: Upload) -> None:
        try:
            write_file(self.folder / upload.path, upload.body())
        except OSError as exc:
            raise DatelineError(f"cannot write {self.folder / upload.path}: {exc.strerror or exc}") from None

    def delete(self, paths: list[str]) -> None:
        for path in paths:
            file = self.folder / path
            try:
                file.unlink(missing_ok=True)
                for parent in file.parents:  # folders left empty go too
                    if parent == self.folder or any(parent.iterdir()):
                        break
                    parent.rmdir()
            except OSError as exc:
                raise DatelineError(f"cannot delete {file}: {exc.strerror or exc}") from None
