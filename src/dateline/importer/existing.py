"""What the site already holds: to recognise an article imported before and to link counterparts.

An article is the same article when its `source` URL is the same, or (in the same language)
its title and posted time are. Files that cannot be read are passed over: checking them is
`dateline build`'s and `dateline check`'s job, not import's.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from dateline.importer.stamps import parse_iso

FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)


@dataclass(frozen=True)
class Existing:
    path: Path  # relative to the site folder
    lang: str
    title: str
    posted: dt.datetime | None
    source: str
    story: str


def read_front_matter(path: Path) -> dict:
    try:
        match = FRONT_MATTER.match(path.read_text(encoding="utf-8"))
        meta = yaml.safe_load(match.group(1)) if match else None
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    return meta if isinstance(meta, dict) else {}


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
    def scan(cls, site_dir: Path, tz: ZoneInfo) -> SiteContent:
        content = site_dir / "content"
        entries = []
        for path in sorted(content.rglob("*.md")) if content.is_dir() else []:
            meta = read_front_matter(path)
            relative = path.relative_to(site_dir)
            lang = relative.parts[1] if len(relative.parts) > 2 else ""
            entries.append(Existing(
                path=relative, lang=str(meta.get("lang") or lang), title=str(meta.get("title") or ""),
                posted=_moment(meta.get("posted"), tz), source=str(meta.get("source") or ""),
                story=str(meta.get("story") or ""),
            ))
        return cls(entries)

    def add(self, entry: Existing) -> None:
        self.entries.append(entry)

    def same_article(self, lang: str, title: str, posted: dt.datetime, source: str) -> Existing | None:
        for entry in self.entries:
            if source and entry.source == source:
                return entry
            if entry.lang == lang and entry.title == title and entry.posted == posted:
                return entry
        return None

    def with_source(self, url: str) -> Existing | None:
        return next((e for e in self.entries if url and e.source == url), None)

    def at(self, path: Path) -> Existing | None:
        return next((e for e in self.entries if e.path == path), None)
