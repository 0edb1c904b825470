"""The records passed between the importer's stages: frozen, so no stage edits another's."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

# The importer writes the same places and people that content.py reads back.
from dateline.content import Person, Place  # noqa: F401  (re-exported to the importer's stages)
from dateline.errors import DatelineError


class RawFileError(DatelineError):
    """A raw file that cannot be read or understood; reported by name, the others still import."""

    def __init__(self, path: Path | str, reason: str, line: int | None = None):
        self.path = str(path)
        self.reason = reason
        self.line = line  # for errors at a line of the raw file (invalid XML or JSON)
        super().__init__(f"{path}:{line}: {reason}" if line else f"{path}: {reason}")




@dataclass(frozen=True)
class SignoffEntry:
    """One person in a sign-off line, as written: 카이로=김기윤 특파원 pep@donga.com."""

    local: str  # 김기윤
    title: str = ""  # 특파원, 선임기자, 논설위원 ...
    post: str = ""  # a place in the title: 워싱턴 in "워싱턴 특파원"
    place: str = ""  # the city before "=": 카이로
    email: str = ""


@dataclass(frozen=True)
class RawArticle:
    """What one raw file says, before any site rule (slug, story, paths) is applied."""

    path: Path
    kind: str  # "page text" or "html"
    lang: str  # "" when the file does not tell
    title: str
    posted: dt.datetime  # aware
    updated: dt.datetime | None
    paragraphs: tuple[str, ...]  # plain text, one paragraph each
    signoff: tuple[SignoffEntry, ...] = ()
    authors: tuple[str, ...] = ()  # bylines from page metadata, used when there is no sign-off
    counterparts: tuple[str, ...] = ()  # languages of other editions the page points to
    source: str = ""  # the page's canonical URL
    translations: tuple[tuple[str, str], ...] = ()  # (language, URL) of the page's alternates
    summary: str = ""
    warnings: tuple[str, ...] = ()
    place: str = ""  # where the item was filed (wire `located`), when no sign-off names it
    markdown: str = ""  # the body already as Markdown (wire copy); paragraphs are then unused
    wire: WireMeta | None = None


@dataclass(frozen=True)
class WireImage:
    """The lead photo a wire item carries: a local rendition to copy, or a remote one to record."""

    alt: str
    caption: str = ""
    credit: str = ""
    local_file: Path | None = None  # a rendition beside the raw file: copied next to the article
    remote: str = ""  # a rendition's URL: recorded, never downloaded
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True)
class WireMeta:
    """What a wire item says about itself beyond the article: identity, version and status."""

    wire_id: str
    version: str = ""  # the item's version number, as the wire writes it
    created: dt.datetime | None = None  # versionCreated, aware
    status: str = "usable"  # usable, canceled or withheld
    correction: str | None = None  # the correction's text when the wire marks this version as one
    note: str = ""  # the editorial note (edNote)
    image: WireImage | None = None


@dataclass(frozen=True)
class ImportOptions:
    lang: str = ""  # --lang: the edition, when the file cannot tell
    section: str = ""
    tags: tuple[str, ...] = ()
    story: str = ""
    slug: str = ""
    draft: bool = False
    validate: bool = True  # wire files against the IPTC schemas; False makes problems warnings


@dataclass(frozen=True)
class ImportedArticle:
    """One article ready to be written: front matter values and the Markdown body."""

    raw_path: Path
    lang: str
    title: str
    slug: str
    posted: dt.datetime
    updated: dt.datetime | None = None
    section: str = ""
    tags: tuple[str, ...] = ()
    dateline: Place | None = None
    correspondents: tuple[Person, ...] = ()
    story: str = ""
    translations: tuple[tuple[str, str], ...] = ()
    source: str = ""
    summary: str = ""
    draft: bool = False
    body: str = ""  # Markdown
    warnings: tuple[str, ...] = ()
    wire: WireMeta | None = None

    def relative_path(self) -> Path:
        """content/<lang>/<yyyy>/<mm>/<slug>.md, relative to the site folder."""
        return Path("content", self.lang, f"{self.posted:%Y}", f"{self.posted:%m}", f"{self.slug}.md")
