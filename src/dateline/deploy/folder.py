"""A folder target: file:///path. Each file is written atomically, so an interrupted deploy leaves
every file either old or new, and a rerun finishes the job."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from dateline.deploy.local import walk_files
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
        for relative, entry in walk_files(self.folder):
            if LEFTOVER.match(entry.name):
                os.unlink(entry.path)  # half a file from a deploy killed mid-write: never in place, so just drop it
            else:  # the MD5 is read only when the sizes agree (stat)
                found[relative] = RemoteObject(entry.stat().st_size, None)
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
