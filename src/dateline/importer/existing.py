"""What the site already holds: to recognise an article imported before and to link counterparts.

An article is the same article when its `source` URL is the same, or (in the same language)
its title and posted time are; a wire item is the same item when its `wire_id` is. Files are
read with the build's own front matter reader (dateline.frontmatter_yaml); files that cannot
be read are passed over: checking them is `dateline build`'s and `dateline check`'s job.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from dateline.config import Config
from dateline.content import content_files
from dateline.frontmatter_yaml import RawDocument, split_document
from dateline.importer.stamps import parse_iso


@dataclass(frozen=True)
class Existing:
    path: Path  # relative to the site folder
    lang: str
    title: str
    posted: dt.datetime | None
    source: str
    story: str
    wire_id: str = ""


def read_document(path: Path) -> RawDocument | None:
    """The file's front matter and body, or None when it cannot be read."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    try:
        document, _errors = split_document(path.name, text)
    except RecursionError:  # front matter nested hundreds deep
        return None
    return document


def _moment(value, tz: ZoneInfo) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=tz)
    if isinstance(value, (str, dt.date)):
        return parse_iso(str(value), tz)
    return None


class SiteContent:
    """The site's articles, keyed for duplicate and counterpart look-ups; grows as files are planned."""

    def __init__(self, entries: list[Existing]):
        self.entries = list(entries)

    @classmethod
    def scan(cls, config: Config) -> SiteContent:
        entries = []
        for path in content_files(config):
            document = read_document(path)
            meta = document.meta if document else {}
            relative = path.relative_to(config.site_dir)
            lang = relative.parts[1] if len(relative.parts) > 2 else ""
            entries.append(Existing(
                path=relative, lang=str(meta.get("lang") or lang), title=str(meta.get("title") or ""),
                posted=_moment(meta.get("posted"), config.tz), source=str(meta.get("source") or ""),
                story=str(meta.get("story") or ""), wire_id=str(meta.get("wire_id") or ""),
            ))
        return cls(entries)

    def add(self, entry: Existing) -> None:
        self.entries = [e for e in self.entries if e.path != entry.path] + [entry]

    def same_article(self, lang: str, title: str, posted: dt.datetime, source: str) -> Existing | None:
        for entry in self.entries:
            if source and entry.source == source:
                return entry
            if entry.lang == lang and entry.title == title and entry.posted == posted:
                return entry
        return None

    def with_source(self, url: str) -> Existing | None:
        return next((e for e in self.entries if url and e.source == url), None)

    def with_wire_id(self, wire_id: str) -> Existing | None:
        return next((e for e in self.entries if wire_id and e.wire_id == wire_id), None)

    def at(self, path: Path) -> Existing | None:
        return next((e for e in self.entries if e.path == path), None)
