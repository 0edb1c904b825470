"""From a request target to a file below the output folder, refusing everything outside it.

Refused: `.` and `..` segments (however encoded), backslashes, NUL bytes, empty segments
(`//etc/passwd`), bytes that are not UTF-8, and files whose real path (symlinks followed) is
not inside the output folder.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from dateline.serve.client import EVENTS_PATH


@dataclass(frozen=True)
class Target:
    kind: str  # file, redirect, events, outside (not below the base path), forbidden, bad
    output: str = ""  # path below the output folder as requested: "", "en/", "en/feed.xml"
    location: str = ""  # for redirects

    @property
    def is_folder(self) -> bool:
        return self.output == "" or self.output.endswith("/")


def resolve(request_target: str, base_path: str) -> Target:
    if request_target.lower().startswith(("http://", "https://")):  # absolute-form
        parts = urlsplit(request_target)
        raw, query = parts.path or "/", parts.query
    else:  # origin-form: "//etc/passwd" is a path here, not a host
        raw, _, query = request_target.partition("#")[0].partition("?")
    lowered = raw.lower()
    if "\\" in raw or "%5c" in lowered or "\x00" in raw or "%00" in lowered:
        return Target("forbidden")
    try:
        path = unquote(raw, errors="strict")
    except UnicodeDecodeError:
        return Target("bad")
    if not path.startswith("/"):
        return Target("bad")
    if path == EVENTS_PATH:
        return Target("events")
    segments = path.split("/")[1:]
    if any(s in (".", "..") for s in segments) or "" in segments[:-1] or "\\" in path or "\x00" in path:
        return Target("forbidden")
    prefix = unquote(base_path)
    if not path.startswith(prefix):
        if path == "/" or path + "/" == prefix:
            return Target("redirect", location=base_path)
        return Target("outside")
    return Target("file", output=path[len(prefix):], location=raw + "/" + (f"?{query}" if query else ""))


@dataclass(frozen=True)
class Found:
    """What a file request comes to on disk."""

    kind: str  # file, redirect, missing, forbidden
    path: Path | None = None


def locate(out_dir: Path, target: Target) -> Found:
    root = os.path.realpath(out_dir)
    candidate = os.path.join(root, *[s for s in target.output.split("/") if s])
    real = os.path.realpath(candidate)
    if not _inside(root, real):
        return Found("forbidden")
    if os.path.isdir(real):
        if not target.is_folder:
            return Found("redirect")
        real = os.path.realpath(os.path.join(real, "index.html"))
        if not _inside(root, real):
            return Found("forbidden")
    return Found("file", Path(real)) if os.path.isfile(real) else Found("missing")


def _inside(root: str, real: str) -> bool:
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


def redirect_location(target: Target) -> str:
    return quote(target.location, safe="/?&=%:@!$'()*+,;~-._")
