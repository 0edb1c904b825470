"""The built site's files as they will be stored: bytes (gzip-compressed where a rule says so), size,
MD5 and headers; alias pages become redirect objects where the target has them."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

from dateline.config import DeployRule
from dateline.deploy.rules import Headers, headers_for
from dateline.deploy.targets import Target, Upload, encode
from dateline.errors import UsageError

NO_HEADERS = Headers("", "", False)
EMPTY_MD5 = hashlib.md5(b"").hexdigest()


def built_base_url(folder: Path, configured: str) -> str:
    """The base URL the site was built for (robots.txt's Sitemap line tells; else the configured one).

    A build for the dev server's address is not for the public: refused."""
    url = _sitemap_base(folder) or configured
    if urlsplit(url).hostname in ("127.0.0.1", "localhost", "::1"):
        raise UsageError(f"{folder} was built for {url}, a local address (by `dateline serve`?): run `dateline build` "
                         "before deploying, or pass --base-url if that address is really meant")
    return url


def _sitemap_base(folder: Path) -> str | None:
    try:
        text = (folder / "robots.txt").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    for line in text.splitlines():
        name, _, value = line.partition(":")
        value = value.strip()
        if name.strip().lower() == "sitemap" and value.endswith("/sitemap.xml"):
            return value[: -len("sitemap.xml")]
    return None


def site_paths(folder: Path) -> list[str]:
    """Every file of the built site, site-relative; hidden files (".well-known") are never the build's."""
    return sorted(relative for relative, _ in walk_files(folder) if not any(p.startswith(".") for p in relative.split("/")))


def walk_files(folder: Path, prefix: str = "") -> Iterator[tuple[str, os.DirEntry]]:
    """(relative path, entry) of every regular file below FOLDER; os.scandir, many times quicker than rglob."""
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                yield from walk_files(Path(entry.path), f"{prefix}{entry.name}/")
            elif entry.is_file(follow_symlinks=False):
                yield prefix + entry.name, entry


def prepare_uploads(folder: Path, paths: Iterable[str], target: Target, rules: tuple[DeployRule, ...],
                    redirects: dict[str, str], jobs: int, progress: Callable[[int], None] | None = None) -> list[Upload]:
    """Read and hash the files on `jobs` threads (hashlib and zlib let go of the GIL)."""

    def prepare(path: str) -> Upload:
        headers = headers_for(path, rules) if target.headers else NO_HEADERS
        if target.redirects and path in redirects:
            return Upload(path, None, 0, EMPTY_MD5, headers, redirect=redirects[path])
        data = encode((folder / path).read_bytes(), headers.gzip)
        return Upload(path, folder / path, len(data), hashlib.md5(data).hexdigest(), headers)

    uploads = []
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for upload in pool.map(prepare, paths):
            uploads.append(upload)
            if progress:
                progress(len(uploads))
    return uploads
