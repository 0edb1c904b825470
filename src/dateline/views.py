"""What templates see: small frozen views of articles and terms, with links already made."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote

from markupsafe import Markup

from dateline.config import Config
from dateline.i18n import format_moment


def site_link(config: Config, path: str) -> str:
    """A site path ("/en/...") as the href every internal link uses: base path included, encoded."""
    return _quoted_link(config.base_path, path)


@lru_cache(maxsize=8192)  # every page links its edition's sections, feed, archive...: quote each once
def _quoted_link(base_path: str, path: str) -> str:
    return quote(base_path.rstrip("/") + path, safe="/#?=&%")


class Record(dict):
    """A mapping that templates read by attribute (`page.kind`, `t.posted`) as fast as a field.

    Jinja tries an attribute before a key, and on a plain dict every `.name` costs an exception
    first; here the keys are attributes too. A key named like a dict method (`items`) stays a key
    only, so `.items` is still the method, as on a dict. Built whole: changing it afterwards
    changes the mapping, not the attributes."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.__dict__.update((k, v) for k, v in self.items() if isinstance(k, str) and k not in _DICT_NAMES)

    def __reduce__(self):
        return type(self), (dict(self),)

    @classmethod
    def deep(cls, table: dict) -> Record:
        """The table as a Record, and every table in it."""
        return cls((k, cls.deep(v) if isinstance(v, dict) else v) for k, v in table.items())


_DICT_NAMES = frozenset(dir(dict))


def absolute_link(config: Config, path: str) -> str:
    origin = config.base_url[: len(config.base_url) - len(config.base_path)]
    return origin + site_link(config, path)


@dataclass(frozen=True)
class Moment:
    value: dt.datetime
    text: str  # in the edition's style

    @property
    def iso(self) -> str:
        return self.value.isoformat()

    @classmethod
    def of(cls, value: dt.datetime | None, lang: str, locale: str, style: str = "") -> Moment | None:
        return cls(value, format_moment(value, lang, locale, style)) if value else None


@dataclass(frozen=True)
class TermLink:
    kind: str
    slug: str
    name: str
    url: str
    permalink: str
    local: str = ""  # the other script's name, for datelines and people
    email: str = ""
    role: str = ""


@dataclass(frozen=True)
class Counterpart:
    lang: str
    language: str  # the language's own name: 한국어
    url: str  # absolute for external ones, site link for ours
    absolute: str
    title: str = ""
    external: bool = False


@dataclass(frozen=True)
class CorrectionView:
    at: Moment
    html: Markup  # the correction's Markdown, rendered
    text: str  # the same as plain text (JSON-LD)


@dataclass(frozen=True)
class ImageLink:
    """One published image file as metadata names it: og:image, a JSON-LD ImageObject."""

    url: str  # absolute
    width: int
    height: int


@dataclass(frozen=True)
class LeadPhoto:
    figure: Markup  # the <figure> at the top of the article (bodies.figure_html)
    alt: str
    caption: str
    credit: str
    og: ImageLink  # at least 1,200 px wide when the original is
    crops: tuple[ImageLink, ...]  # 16:9, 4:3, 1:1


@dataclass(frozen=True)
class ArticleView:
    source: str
    lang: str
    title: str
    url: str
    permalink: str
    posted: Moment
    updated: Moment | None
    summary: str
    body: object  # render.LazyHTML: prints as the body's HTML
    section: TermLink | None
    tags: tuple[TermLink, ...]
    dateline: TermLink | None
    correspondents: tuple[TermLink, ...]
    counterparts: tuple[Counterpart, ...]
    source_url: str
    draft: bool
    extra: dict
    kind: str = "news"
    kind_label: str = ""  # "Analysis", "분석"; "" for plain news
    corrections: tuple[CorrectionView, ...] = ()  # newest first
    modified: Moment | None = None  # the latest of posted, updated and corrections
    image: LeadPhoto | None = None
