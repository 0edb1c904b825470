"""/_redirects (`/old/path/ /new/path/ 301`, paths with the base URL's path) -> the alias pages of
the built site that become redirect objects, keyed by their site-relative path."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

from dateline.errors import ContentError, DatelineError

REDIRECTS_FILE = "_redirects"


def read_redirects(site_folder: Path, base_path: str) -> dict[str, str]:
    """{"en/2024/05/02/old-slug/index.html": "/en/2024/05/03/new-slug/"} for every line of _redirects."""
    file = site_folder / REDIRECTS_FILE
    if not file.is_file():
        return {}
    redirects = {}
    for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
        words = line.split("#", 1)[0].split()
        if not words:
            continue
        if len(words) not in (2, 3) or not words[0].startswith("/"):
            error = ContentError(str(file), number, "expected `/old/path/ /new/path/ 301`")
            raise DatelineError(f"{error} (was this site built by this dateline?)")
        old = unquote(words[0])
        if any(part in (".", "..") for part in old.split("/")):
            raise DatelineError(f"{ContentError(str(file), number, f'{old!r} leaves the site')}")
        redirects[_page_for(site_folder, old, base_path)] = words[1]
    return redirects


def _page_for(site_folder: Path, old: str, base_path: str) -> str:
    """The object that answers the old path: its folder's index.html, below the base URL's path."""
    candidates = [old[len(base_path):]] if old.startswith(base_path) else []
    candidates.append(old.lstrip("/"))
    pages = [c + "index.html" if c.endswith("/") or not c else c for c in candidates]
    # The build wrote a redirect page there; if the base path differs from the build's, that tells.
    return next((page for page in pages if (site_folder / page).is_file()), pages[0])
