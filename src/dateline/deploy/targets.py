"""TARGET on the command line -> a Target, and the records that planning and targets trade."""

from __future__ import annotations

import gzip as gzip_module
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

from dateline.deploy.rules import Headers
from dateline.errors import UsageError

TARGET_FORMS = "file:///path/to/folder or s3://bucket/prefix"
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


@dataclass(frozen=True)
class RemoteObject:
    """What a target holds at one site-relative path."""

    size: int
    md5: str | None  # hex digest of the stored bytes; None when the listing cannot tell (multipart ETag)
    redirect: str | None = None  # S3 WebsiteRedirectLocation, known only from stat()


@dataclass(frozen=True)
class Upload:
    """One object to put: a file's bytes with its headers, or a redirect."""

    path: str  # site-relative, "en/index.html"
    source: Path | None  # None for a redirect object
    size: int  # of the bytes that are sent (gzip-compressed when headers.gzip)
    md5: str
    headers: Headers
    redirect: str = ""  # the new location, for an alias page turned into an S3 redirect

    def body(self) -> bytes:
        return b"" if self.source is None else encode(self.source.read_bytes(), self.headers.gzip)


def encode(data: bytes, gzip: bool) -> bytes:
    """The bytes that are stored: gzip without a timestamp, so the same file always gives the same MD5."""
    return gzip_module.compress(data, compresslevel=9, mtime=0) if gzip else data


class Target(Protocol):
    name: str  # as the user typed it, for messages
    redirects: bool  # aliases become redirect objects (else their redirect pages are copied)
    headers: bool  # Content-Type, Cache-Control and gzip apply

    def list(self) -> dict[str, RemoteObject]: ...

    def stat(self, path: str) -> RemoteObject | None: ...

    def put(self, upload: Upload) -> None: ...

    def delete(self, paths: list[str]) -> None: ...


@dataclass(frozen=True)
class Address:
    scheme: str  # "file" or "s3"
    bucket: str = ""
    prefix: str = ""  # "" or "news/" (S3 key prefix)
    folder: Path | None = None


def parse_target(text: str) -> Address:
    parts = urlsplit(text)
    if parts.scheme == "file":
        if parts.netloc not in ("", "localhost") or not parts.path.startswith("/"):
            raise UsageError(f"{text!r}: a folder target is an absolute file URL, file:///path/to/folder")
        return Address("file", folder=Path(unquote(parts.path)))
    if parts.scheme == "s3":
        if not _BUCKET.match(parts.netloc or "") or ".." in parts.netloc:
            raise UsageError(f"{text!r}: {parts.netloc!r} is not an S3 bucket name "
                             "(3 to 63 lower-case letters, digits, '.' and '-')")
        prefix = unquote(parts.path).strip("/")
        if any(part in ("", ".", "..") for part in prefix.split("/")) and prefix:
            raise UsageError(f"{text!r}: the prefix {prefix!r} has an empty, '.' or '..' part")
        return Address("s3", bucket=parts.netloc, prefix=prefix + "/" if prefix else "")
    raise UsageError(f"cannot deploy to {text!r}: the target is {TARGET_FORMS}")


def open_target(text: str, *, endpoint_url: str = "", site_folder: Path) -> Target:
    address = parse_target(text)
    if address.scheme == "file":
        from dateline.deploy.folder import FolderTarget

        return FolderTarget(text, address.folder, site_folder)
    from dateline.deploy.s3 import S3Target

    return S3Target(text, address.bucket, address.prefix, endpoint_url)
