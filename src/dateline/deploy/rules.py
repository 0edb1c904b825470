"""Content-Type, Cache-Control and Content-Encoding of each uploaded file.

Each setting comes from the first [[deploy.rules]] table whose pattern matches the file's
site-relative path and that sets it; otherwise from the defaults below.
"""

from __future__ import annotations

import mimetypes
import re
from dataclasses import dataclass
from functools import lru_cache
from posixpath import basename, splitext

from dateline.config import DeployRule

# Types missing from Python's built-in table, or that it spells differently; the built-in table
# is used rather than the machine's /etc/mime.types so every machine uploads the same headers.
EXTRA_TYPES = {
    ".html": "text/html", ".css": "text/css", ".js": "text/javascript", ".mjs": "text/javascript",
    ".json": "application/json", ".xml": "application/xml", ".txt": "text/plain", ".svg": "image/svg+xml",
    ".webmanifest": "application/manifest+json", ".woff": "font/woff", ".woff2": "font/woff2", ".ttf": "font/ttf",
    ".otf": "font/otf", ".webp": "image/webp", ".avif": "image/avif", ".ico": "image/x-icon", ".wasm": "application/wasm",
    ".atom": "application/atom+xml", ".rss": "application/rss+xml", ".map": "application/json",
}
NAMED_TYPES = {"feed.xml": "application/atom+xml", "_redirects": "text/plain", "_headers": "text/plain"}
TEXT_TYPES = {"application/xml", "application/atom+xml", "application/rss+xml", "application/json", "application/ld+json",
              "application/manifest+json", "application/javascript", "image/svg+xml"}

IMMUTABLE = "public, max-age=31536000, immutable"
PAGE_CACHE = "public, max-age=60"
FEED_CACHE = "public, max-age=300"
ASSET_CACHE = "public, max-age=3600"

# A content hash in the file name (dateline.3f9a1c2e.css, photo-0a1b2c3d4e.jpg): its bytes never change.
FINGERPRINT = re.compile(r"[.-][0-9a-f]{8,}\.[A-Za-z0-9]+$")
FEED_OR_SITEMAP = re.compile(r"(^|/)(sitemap[^/]*\.xml|sitemaps/[^/]+\.xml|feed\.xml|robots\.txt|_redirects|[^/]*\.(atom|rss))$")
_BUILTIN_TYPES = mimetypes.MimeTypes(filenames=())


@dataclass(frozen=True)
class Headers:
    content_type: str
    cache_control: str
    gzip: bool  # upload gzip-compressed with Content-Encoding: gzip


def is_feed_or_sitemap(path: str) -> bool:
    return bool(FEED_OR_SITEMAP.search(path))


def is_page(path: str) -> bool:
    return path.endswith((".html", ".htm"))


def default_content_type(path: str) -> str:
    name = basename(path)
    media = NAMED_TYPES.get(name) or EXTRA_TYPES.get(splitext(name)[1].lower())
    media = media or _BUILTIN_TYPES.guess_type(name, strict=False)[0] or "application/octet-stream"
    return with_charset(media)


def with_charset(media: str) -> str:
    """Text types say they are UTF-8 (dateline writes nothing else)."""
    if ";" not in media and (media.startswith("text/") or media in TEXT_TYPES):
        return f"{media}; charset=utf-8"
    return media


def default_cache_control(path: str) -> str:
    if FINGERPRINT.search(basename(path)):
        return IMMUTABLE
    if is_page(path):
        return PAGE_CACHE
    if is_feed_or_sitemap(path):
        return FEED_CACHE
    return ASSET_CACHE


def is_compressible(content_type: str) -> bool:
    media = content_type.split(";")[0].strip()
    return media.startswith("text/") or media in TEXT_TYPES or media == "application/wasm"


def headers_for(path: str, rules: tuple[DeployRule, ...]) -> Headers:
    content_type = cache_control = ""
    gzip = None
    for rule in rules:
        if not matches(rule.pattern, path):
            continue
        content_type = content_type or rule.content_type
        cache_control = cache_control or rule.cache_control
        gzip = rule.gzip if gzip is None else gzip
    content_type = with_charset(content_type) if content_type else default_content_type(path)
    # Compressing images and fonts again gains nothing and costs every reader a decode.
    return Headers(content_type, cache_control or default_cache_control(path), bool(gzip) and is_compressible(content_type))


def matches(pattern: str, path: str) -> bool:
    """A glob on the site-relative path; a pattern without "/" matches a file's name in any folder, and a
    leading "/" anchors it at the site's root."""
    return bool(_compiled(pattern).match(path))


@lru_cache(maxsize=256)
def _compiled(pattern: str) -> re.Pattern:
    anchored = "/" in pattern.rstrip("/")  # "/robots.txt" is the root's only
    pattern = pattern.lstrip("/")
    if pattern.endswith("/"):  # a folder: everything below it
        pattern += "**"
    regex, i = "", 0
    while i < len(pattern):
        char = pattern[i]
        if pattern.startswith("**/", i):
            regex, i = regex + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            regex, i = regex + ".*", i + 2
        elif char == "*":
            regex, i = regex + "[^/]*", i + 1
        elif char == "?":
            regex, i = regex + "[^/]", i + 1
        elif char == "[" and "]" in pattern[i + 2:]:
            end = pattern.index("]", i + 2)
            body = pattern[i + 1:end].replace("\\", "\\\\")
            regex, i = regex + "[" + ("^" + body[1:] if body.startswith("!") else body) + "]", end + 1
        else:
            regex, i = regex + re.escape(char), i + 1
    return re.compile(("" if anchored else "(?:.*/)?") + regex + r"\Z")
