"""Stage 2: read content/<lang>/**/*.md into validated, frozen Article records.

Bad input is reported, never raised: every problem becomes a `ContentError` at its file and
line. Characters no output can carry are dropped with a warning instead (`Article.warnings`):
one stray control character in wire copy must not take a story down.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from dateline.characters import INVALID_CHARACTERS, describe_characters
from dateline.config import Config
from dateline.errors import ContentError
from dateline.frontmatter_yaml import RawDocument, split_document
from dateline.records import pickled_by_fields

KNOWN_KEYS = (
    "title posted updated lang slug section tags dateline correspondents story "
    "translations summary draft source kind corrections aliases expires withdrawn wire_id image"
).split()

# `kind` values: the label readers see, and the JSON-LD type (render.NEWS_TYPES).
KINDS = ("news", "analysis", "opinion", "editorial", "review", "interview")


# Limits that keep one hostile file from exhausting the build (see docs/robustness.md).
EARLIEST_YEAR, LATEST_YEAR = 1000, 9999  # four-digit years: URL dates, RFC 3339 in feeds and sitemaps
MAX_URL_PART_BYTES = 200  # a slug or a term's slug is a folder name: file systems stop at 255 bytes
MAX_LIST_DEPTH = 50  # Python-Markdown recurses per nested list level and fails near 200
# Python-Markdown's inline stage is slow on two shapes of paragraph: each inline match rebuilds
# the paragraph's text (quadratic in matches), and each '[' is matched by a scan in Python to its
# ']' (to the end of the paragraph when there is none). Both are bounded before conversion.
MAX_INLINE_MARKUP = 2_000  # tags, links, entities, code spans and emphasis in one paragraph
MAX_SCAN = 2_000_000  # characters those scans cover in one file (about two seconds)

@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Place:
    city: str  # English name, the one URLs are made from
    local: str = ""  # the name in the other edition's script: 카이로


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Person:
    name: str
    local: str = ""
    email: str = ""
    role: str = ""


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Correction:
    at: dt.datetime  # aware, in the site's timezone
    text: str  # Markdown


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Withdrawal:
    reason: str
    at: dt.datetime | None = None  # from this time on; None: at once


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class ImageRef:
    """A photo as the article names it; images.py finds the file and makes its renditions."""

    src: str  # as written: relative to the article's file, or to static/ when it starts with "/"
    alt: str
    line: int  # where the article names it, for errors
    caption: str = ""
    credit: str = ""
    focus: tuple[float, float] | None = None  # the point crops centre on, as fractions of width and height


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Article:
    source: str  # path relative to the site folder, with "/": the index key
    lang: str
    title: str
    posted: dt.datetime  # aware, in the site's timezone
    updated: dt.datetime | None
    slug: str
    body: str
    body_line: int
    digest: str  # of the file's bytes: what incremental rebuilds compare
    section: str = ""
    tags: tuple[str, ...] = ()
    dateline: Place | None = None
    correspondents: tuple[Person, ...] = ()
    story: str = ""
    translations: tuple[tuple[str, str], ...] = ()  # (lang, absolute URL) on other sites
    summary: str = ""
    draft: bool = False
    source_url: str = ""
    kind: str = "news"  # one of KINDS
    corrections: tuple[Correction, ...] = ()  # oldest first
    aliases: tuple[str, ...] = ()  # earlier site paths ("/en/2024/05/02/old-slug/"), without the base path
    expires: dt.datetime | None = None
    withdrawn: Withdrawal | None = None
    wire_id: str = ""
    image: ImageRef | None = None  # the lead photo
    extra: dict = field(default_factory=dict, compare=False, hash=False)
    key_lines: dict = field(default_factory=dict, compare=False, hash=False)  # front matter key -> line
    # Problems fixed on load (characters dropped): printed by the build, not fatal.
    warnings: tuple[ContentError, ...] = field(default=(), compare=False, hash=False)

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, 1)

    @property
    def modified(self) -> dt.datetime:
        """The latest of posted, updated and the corrections' times."""
        return max([self.posted] + ([self.updated] if self.updated else []) + [c.at for c in self.corrections])


@lru_cache(maxsize=65536)  # the same sections, tags, places and names come back on every article
def slugify(text: str) -> str:
    """Lowercase letters of any script and digits, joined by '-': "Kim Ki-yun" -> "kim-ki-yun"."""
    text = unicodedata.normalize("NFKC", text).lower()
    words, current = [], []
    for ch in text:
        if ch.isalnum():
            current.append(ch)
        elif current:
            words.append("".join(current))
            current = []
    if current:
        words.append("".join(current))
    return "-".join(words)


def is_valid_slug(slug: str) -> bool:
    """Letters of any script, digits and '-' only: nothing that could leave a folder."""
    return bool(slug) and all(ch.isalnum() or ch == "-" for ch in slug)


ARTICLE_SUFFIXES = (".md", ".markdown")


def is_article_name(name: str) -> bool:
    """Which file names are articles: *.md and *.markdown, in any case (story.MD too)."""
    return name.lower().endswith(ARTICLE_SUFFIXES)


def is_content_file(config: Config, path: Path) -> bool:
    """The one rule for what is an article file: a Markdown file anywhere below content/."""
    return is_article_name(path.name) and path.is_relative_to(config.content_dir)


def content_sources(config: Config) -> list[str]:
    """Every article file under content/ as a source (relative to the site), in a stable order:
    the rule of is_content_file, on strings rather than Paths (an archive has 100,000s)."""
    found = []
    site = len(str(config.site_dir)) + 1
    for folder, _, names in os.walk(config.content_dir):
        found.extend(f"{folder}/{name}"[site:] for name in names if is_article_name(name))
    return sorted(found)


def content_files(config: Config) -> list[Path]:
    """Every article file under content/, in a stable order."""
    return [config.site_dir / source for source in content_sources(config)]


def load_articles(config: Config) -> tuple[list[Article], list[ContentError]]:
    articles, errors = [], []
    for path in content_files(config):
        article, file_errors = load_article(config, path)
        errors.extend(file_errors)
        if article is not None:
            articles.append(article)
    return articles, errors


def relative_source(config: Config, path: Path) -> str:
    return path.relative_to(config.site_dir).as_posix()


def load_article(config: Config, path: Path) -> tuple[Article | None, list[ContentError]]:
    source = relative_source(config, path)
    try:
        data = path.read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        raise  # gone between listing and reading: the caller forgets it
    except OSError as exc:
        return None, [ContentError(source, 1, f"could not read the file: {exc.strerror or exc}")]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        message = f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); save the file as UTF-8"
        return None, [ContentError(source, line, message)]
    folder_lang = path.relative_to(config.content_dir).parts[0] if path.parent != config.content_dir else ""
    if config.language(folder_lang) is None:
        codes = ", ".join(lang.code for lang in config.languages)
        where = f"the folder content/{folder_lang}/" if folder_lang else "content/ itself"
        message = f"{where} is not a configured language; articles go in content/<lang>/ for one of: {codes}"
        return None, [ContentError(source, 1, message)]
    text, warnings = _drop_invalid_characters(source, text)
    document, errors = split_document(source, text)
    if document is None:
        return None, errors
    digest = hashlib.blake2b(data, digest_size=16).hexdigest()
    warnings += [ContentError(source, document.key_lines.get(key, 1), message) for key, message in document.dropped]
    article, errors = _article(config, source, folder_lang, path.stem, document, digest, tuple(warnings))
    errors += body_errors(source, document.body, document.body_line)
    if errors:
        return None, errors
    return article, []


def _drop_invalid_characters(source: str, text: str) -> tuple[str, list[ContentError]]:
    """The text without characters no output can carry, and a warning for each line that had some."""
    if not INVALID_CHARACTERS.search(text):
        return text, []
    warnings = []
    lines = text.split("\n")
    for number, line in enumerate(lines, 1):
        found = INVALID_CHARACTERS.findall(line)
        if found:
            warnings.append(ContentError(source, number, f"warning: dropped {describe_characters(found)}"))
            lines[number - 1] = INVALID_CHARACTERS.sub("", line)
    return "\n".join(lines), warnings


class _Fields:
    """Reads front matter keys one by one, collecting every problem with its line."""

    def __init__(self, source: str, document: RawDocument):
        self.source = source
        self.meta = document.meta
        self.lines = document.key_lines
        self.errors: list[ContentError] = []

    def error(self, key: str, message: str) -> None:
        self.errors.append(ContentError(self.source, self.lines.get(key, 1), message))

    def text(self, key: str, *, required: bool = False, default: str = "") -> str:
        value = self.meta.get(key)
        if value is None:
            if required:
                self.error(key, f"missing required key '{key}'")
            return default
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.error(key, f"'{key}' must be text, not {_kind(value)}")
            return default
        value = str(value).strip()
        if required and not value:
            self.error(key, f"'{key}' is empty")
        return value


def _kind(value: object) -> str:
    names = {dict: "a mapping", list: "a list", bool: "true/false", int: "a number", float: "a number"}
    return names.get(type(value), f"a {type(value).__name__}")


def _article(config, source, folder_lang, stem, document, digest, warnings):
    f = _Fields(source, document)
    title = f.text("title", required=True)
    if "\n" in title:
        f.error("title", "'title' must be one line")
    posted = _when(f, "posted", config, required=True)
    updated = _when(f, "updated", config)
    if posted and updated and updated < posted:
        f.error("updated", f"'updated' ({updated.isoformat()}) is earlier than 'posted' ({posted.isoformat()})")
    lang = f.text("lang") or folder_lang
    if lang != folder_lang:
        f.error("lang", f"'lang: {lang}' disagrees with the folder content/{folder_lang}/")
    slug = f.text("slug") or stem
    if not is_valid_slug(slug):
        origin = "'slug'" if "slug" in f.meta else f"the file name {stem!r} (used as slug)"
        f.error("slug", f"{origin} may hold only letters, digits and '-', got {slug!r}")
    elif _too_long(slug):
        f.error("slug", f"the slug is too long to make a URL from (at most {MAX_URL_PART_BYTES} bytes)")
    draft = f.meta.get("draft", False)
    if not isinstance(draft, bool):
        f.error("draft", "'draft' must be true or false")
    source_url = _url(f, "source")
    _check_url_names(f)
    expires = _when(f, "expires", config)
    if posted and expires and expires <= posted:
        f.error("expires", f"'expires' ({expires.isoformat()}) is not later than 'posted' ({posted.isoformat()})")
    kind = f.text("kind") or "news"
    if kind not in KINDS:
        f.error("kind", f"unknown 'kind: {kind}'; use one of: {', '.join(KINDS)}")
    article = Article(
        source=source, lang=lang, title=title, posted=posted, updated=updated, slug=slug,
        body=document.body, body_line=document.body_line, digest=digest,
        section=f.text("section"), tags=_tags(f), dateline=_dateline(f),
        correspondents=_correspondents(f), story=f.text("story"),
        translations=_translations(f, config, lang), summary=f.text("summary"),
        draft=draft is True, source_url=source_url, kind=kind,
        corrections=_corrections(f, config, posted), aliases=_aliases(f), expires=expires,
        withdrawn=_withdrawal(f, config, posted), wire_id=f.text("wire_id"), image=_image(f),
        extra={k: v for k, v in f.meta.items() if k not in KNOWN_KEYS},
        key_lines=dict(document.key_lines), warnings=warnings,
    )
    return article, f.errors


def _check_url_names(f: _Fields) -> None:
    """Sections, tags and dateline cities become URL parts: each needs a letter or digit."""
    meta = f.meta
    named = [("section", meta.get("section")), ("dateline", meta.get("dateline"))]
    tags = meta.get("tags")
    if isinstance(tags, list):  # anything else is reported by _tags
        named += [("tags", tag) for tag in tags]
    for key, value in named:
        if isinstance(value, dict):
            value = value.get("city")
        if isinstance(value, str) and value.strip() and not slugify(value):
            f.error(key, f"'{key}' value {value!r} has no letter or digit to make a URL from")
        elif isinstance(value, str) and _too_long(slugify(value)):
            f.error(key, f"'{key}' value is too long to make a URL from (at most {MAX_URL_PART_BYTES} bytes)")


def _too_long(url_part: str) -> bool:
    return len(url_part.encode("utf-8")) > MAX_URL_PART_BYTES


def _when(f: _Fields, key: str, config: Config, required: bool = False) -> dt.datetime | None:
    value = f.meta.get(key)
    if value is None:
        if required:
            f.error(key, f"missing required key '{key}'")
        return None
    return _moment(f, key, f"'{key}'", value, config)


def _moment(f: _Fields, key: str, name: str, value: object, config: Config) -> dt.datetime | None:
    """A date and time from YAML (a timestamp or ISO 8601 text); reported at `key`'s line as `name`."""
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime.combine(value, dt.time())
    elif isinstance(value, str):
        try:
            moment = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            f.error(key, f"{name} is not a date and time: {value!r} (write e.g. 2024-05-03T07:55:00+09:00 or 2024-05-03 07:55)")
            return None
    else:
        f.error(key, f"{name} must be a date and time, not {_kind(value)}")
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=config.tz)
    try:
        moment = moment.astimezone(config.tz)
    except OverflowError:  # 0001-01-01T00:00:00+14:00 is before year 1 in UTC
        moment = None
    if moment is None or not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        f.error(key, f"'{key}' is outside the dates the site can show (years {EARLIEST_YEAR} to {LATEST_YEAR} "
                     f"in the site's timezone): {value.isoformat() if isinstance(value, dt.date) else value}")
        return None
    return moment


def _tags(f: _Fields) -> tuple[str, ...]:
    value = f.meta.get("tags")
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(t, (str, int)) and not isinstance(t, bool) for t in value):
        f.error("tags", "'tags' must be a list of words, e.g. [diplomacy, gaza]")
        return ()
    tags = [str(t).strip() for t in value if str(t).strip()]
    return tuple(dict.fromkeys(tags))


def _dateline(f: _Fields) -> Place | None:
    value = f.meta.get("dateline")
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return Place(value.strip())
    if isinstance(value, dict) and isinstance(value.get("city"), str) and value["city"].strip():
        local = value.get("local", "")
        if not isinstance(local, str):
            f.error("dateline", "'dateline.local' must be text")
        return Place(value["city"].strip(), str(local).strip())
    f.error("dateline", "'dateline' must be a city name or {city: Cairo, local: 카이로}")
    return None


def _correspondents(f: _Fields) -> tuple[Person, ...]:
    value = f.meta.get("correspondents")
    if value is None:
        return ()
    if isinstance(value, (str, dict)):
        value = [value]
    if not isinstance(value, list):
        f.error("correspondents", "'correspondents' must be a list of names or {name, local, email, role}")
        return ()
    people = []
    for number, item in enumerate(value, 1):
        person = _person(item)
        if person is None:
            f.error("correspondents",
                    f"correspondent #{number} must be a name or a mapping with 'name' (and local, email, role as text)")
        elif person.email and "@" not in person.email:
            f.error("correspondents", f"correspondent #{number} has an email without '@': {person.email!r}")
        elif not slugify(person.name):
            f.error("correspondents",
                    f"correspondent #{number} {person.name!r} has no letter or digit to make a URL from")
        elif _too_long(slugify(person.name)):
            f.error("correspondents", f"correspondent #{number}'s name is too long to make a URL from")
        else:
            people.append(person)
    return tuple(people)


def _person(item: object) -> Person | None:
    if isinstance(item, str) and item.strip():
        return Person(item.strip())
    if not isinstance(item, dict):
        return None
    fields = {k: item.get(k, "") for k in ("name", "local", "email", "role")}
    if not all(isinstance(v, str) for v in fields.values()):
        return None
    fields = {k: v.strip() for k, v in fields.items()}
    if not fields["name"]:
        if not fields["local"]:
            return None
        fields["name"] = fields["local"]
    return Person(**fields)


def _image(f: _Fields) -> ImageRef | None:
    value = f.meta.get("image")
    if value is None:
        return None
    if isinstance(value, str):
        value = {"src": value}
    if not isinstance(value, dict):
        f.error("image", "'image' must be {src: photo.jpg, alt: ..., caption: ..., credit: ...}")
        return None
    unknown = sorted(set(value) - {"src", "alt", "caption", "credit", "focus"}, key=str)
    if unknown:
        f.error("image", f"'image' has an unknown key {unknown[0]!r} (known: src, alt, caption, credit, focus)")
    texts = {}
    for key in ("src", "alt", "caption", "credit"):
        item = value.get(key, "")
        if isinstance(item, bool) or not isinstance(item, (str, int, float)):
            f.error("image", f"'image.{key}' must be text, not {_kind(item)}")
            item = ""
        texts[key] = " ".join(str(item).split())
    if not texts["src"]:
        f.error("image", "'image' needs 'src': the photo's file, relative to the article or to static/")
    if not texts["alt"]:
        f.error("image", "'image' needs 'alt': a description of the photo for readers who cannot see it")
    focus = _focus(f, value.get("focus"))
    if not texts["src"] or not texts["alt"]:
        return None
    return ImageRef(texts["src"], texts["alt"], f.lines.get("image", 1), texts["caption"], texts["credit"], focus)


def _focus(f: _Fields, value: object) -> tuple[float, float] | None:
    if value is None:
        return None
    numbers = value if isinstance(value, list) else None
    if (numbers is None or len(numbers) != 2
            or not all(isinstance(n, (int, float)) and not isinstance(n, bool) and 0 <= n <= 1 for n in numbers)):
        f.error("image", f"'image.focus' must be [x, y], fractions of the width and height from 0 to 1, got {value!r}")
        return None
    return (float(numbers[0]), float(numbers[1]))
def is_web_url(url: str) -> bool:
    """An absolute http(s) URL with a host that urllib can take apart (not `http://[::1`)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a port that is not a number below 65536
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _url(f: _Fields, key: str) -> str:
    url = f.text(key)
    if url and not is_web_url(url):
        f.error(key, f"'{key}' must be an absolute http(s) URL, got {url!r}")
        return ""
    return url


def _translations(f: _Fields, config: Config, lang: str) -> tuple[tuple[str, str], ...]:
    value = f.meta.get("translations")
    if value is None:
        return ()
    if not isinstance(value, dict):
        f.error("translations", "'translations' must map language codes to URLs: {ko: https://...}")
        return ()
    pairs = []
    for code, url in sorted(value.items(), key=lambda kv: str(kv[0])):
        if not isinstance(url, str) or not is_web_url(url):
            f.error("translations", f"translation {code!r} must be an absolute http(s) URL")
        elif code == lang:
            f.error("translations", f"translation {code!r} is this article's own language")
        else:
            pairs.append((str(code), url))
    return tuple(pairs)


def _corrections(f: _Fields, config: Config, posted: dt.datetime | None) -> tuple[Correction, ...]:
    value = f.meta.get("corrections")
    if value is None:
        return ()
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list):
        f.error("corrections", "'corrections' must be a list of {at: time, text: what was corrected}")
        return ()
    found = []
    for number, item in enumerate(value, 1):
        name = f"correction #{number}"
        if not isinstance(item, dict):
            f.error("corrections", f"{name} must be a mapping: {{at: 2024-05-04 10:00, text: What was wrong.}}")
            continue
        text = item.get("text")
        missing = [k for k, empty in (("at", item.get("at") is None), ("text", not isinstance(text, str) or not text.strip()))
                   if empty]
        if missing:
            example = "{at: 2024-05-04 10:00, text: What was wrong.}"
            f.error("corrections", f"{name} has no {' and no '.join(missing)}: write {example}")
            continue
        unknown = sorted(set(map(str, item)) - {"at", "text"})
        if unknown:
            f.error("corrections", f"{name} has unknown keys: {', '.join(unknown)} (only 'at' and 'text')")
        at = _moment(f, "corrections", f"the 'at' of {name}", item["at"], config)
        if at is None:
            continue
        if posted and at < posted:
            f.error("corrections", f"{name} is dated {at.isoformat()}, before 'posted' ({posted.isoformat()})")
        found.append(Correction(at, text.strip()))
    return tuple(sorted(found, key=lambda c: c.at))


def _withdrawal(f: _Fields, config: Config, posted: dt.datetime | None) -> Withdrawal | None:
    value = f.meta.get("withdrawn")
    if value is None or value is False:
        return None
    if isinstance(value, str) and value.strip():
        return Withdrawal(value.strip())
    if not isinstance(value, dict):
        f.error("withdrawn", f"'withdrawn' must be a reason or {{at: time, reason: ...}}, not {_kind(value)}")
        return None
    unknown = sorted(set(map(str, value)) - {"at", "reason"})
    if unknown:
        f.error("withdrawn", f"'withdrawn' has unknown keys: {', '.join(unknown)} (only 'at' and 'reason')")
    reason = value.get("reason", "")
    if not isinstance(reason, str):
        f.error("withdrawn", "'withdrawn.reason' must be text")
        reason = ""
    at = _moment(f, "withdrawn", "'withdrawn.at'", value["at"], config) if value.get("at") is not None else None
    if posted and at and at < posted:
        f.error("withdrawn", f"'withdrawn.at' ({at.isoformat()}) is earlier than 'posted' ({posted.isoformat()})")
    return Withdrawal(reason.strip(), at)


def _aliases(f: _Fields) -> tuple[str, ...]:
    value = f.meta.get("aliases")
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        f.error("aliases", "'aliases' must be a list of site paths, e.g. [/en/2024/05/02/old-slug/]")
        return ()
    paths = []
    for alias in value:
        path = alias_path(alias.strip())
        if path is None:
            f.error("aliases", f"alias {alias!r} is outside the site: write a path on this site such as /en/2024/05/02/old-slug/")
        else:
            paths.append(path)
    return tuple(dict.fromkeys(paths))


def alias_path(alias: str) -> str | None:
    """The site path (without the base URL's path) an alias names, or None when it is not a path
    on this site. A full URL is refused: the site's address differs between builds (--base-url,
    the dev server). Percent-escapes are decoded, as page paths are kept; a folder gets its '/'."""
    parts = urlsplit(alias)
    path = unquote(parts.path)
    segments = path.split("/")
    if parts.scheme or parts.netloc or parts.query or parts.fragment or not path.startswith("/") or path == "/":
        return None
    if any(s in (".", "..") or not s.strip() for s in segments[1:-1]) or segments[-1] in (".", "..") or "\\" in path:
        return None
    if not path.endswith("/") and "." not in segments[-1]:
        path += "/"
    return path
# ---- bodies that would take Python-Markdown too long, or too deep -----------------------

FENCE = re.compile(r"[ \t]*(```|~~~)")
LIST_ITEM = re.compile(r"(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")
QUOTES = re.compile(r"(?:>[ \t]?)+")
INLINE_MARKUP_CHARACTERS = "<[&`*_\\"
INLINE_MARKUP = re.compile(f"[{re.escape(INLINE_MARKUP_CHARACTERS)}]")
BRACKETS = re.compile(r"[\[\]]")
# An HTML tag's regular expression runs in C: its scans cost a tenth of a '['.
TAG_SCAN_WEIGHT = 0.1


def body_errors(source: str, body: str, first_line: int) -> list[ContentError]:
    """Lists or quotes nested deeper than Python-Markdown can recurse, and inline markup it would
    take minutes to convert: each an error at its line, before conversion."""
    return [] if _within_limits(body) else _errors_block_by_block(source, body, first_line)


def _errors_block_by_block(source: str, body: str, first_line: int) -> list[ContentError]:
    errors, scanned = [], 0
    for line, text, depth in _blocks(body, first_line):
        if depth > MAX_LIST_DEPTH and not errors:
            errors.append(ContentError(source, line, f"lists or quotes nested {depth} levels deep; at most {MAX_LIST_DEPTH}"))
        markup = len(INLINE_MARKUP.findall(text))
        scan = _scan_cost(text)
        scanned += scan
        if markup > MAX_INLINE_MARKUP or scan > MAX_SCAN:
            errors.append(ContentError(
                source, line, f"this paragraph holds too much inline markup to convert in reasonable time ({markup:,} "
                              f"tags, brackets and marks in {len(text):,} characters): split it into paragraphs"))
    if scanned > MAX_SCAN and not errors:
        errors.append(ContentError(source, first_line, "the body holds too many unclosed '[' or '<' to convert in "
                                                       "reasonable time: close them, or escape them as \\[ and \\<"))
    return errors


# A line that starts with this many spaces, tabs and '>' (between them) can nest that deep; none can deeper.
# (Not "^" and re.M: tried at every position; a newline is found by a fast scan.)
DEEP_START = re.compile(rf"[ \t>]{{{MAX_LIST_DEPTH}}}")
DEEP_LINE = re.compile(rf"\n[ \t>]{{{MAX_LIST_DEPTH}}}")


def _within_limits(body: str) -> bool:
    """True when no block of the body can reach a limit of body_errors, from bounds on the whole
    body that cost a few scans in C (most bodies: a tenth of the cost of going block by block).
    A line's depth is at most one more than its leading spaces, tabs and '>' (a tab indents at most
    four columns: one level); a block holds at most the body's inline markup; and its scan is at
    most the block's length for each '[', '](' and '<' it holds, so the body's scans add up to at
    most the body's length for each of them."""
    if DEEP_START.match(body) or DEEP_LINE.search(body) or sum(map(body.count, INLINE_MARKUP_CHARACTERS)) > MAX_INLINE_MARKUP:
        return False
    return (body.count("[") + body.count("](") + body.count("<")) * len(body) <= MAX_SCAN


def _scan_cost(text: str) -> int:
    """Characters Python-Markdown scans to match this paragraph's brackets and tags: from each '['
    to its ']' (or the end), from each '](' to the next ')', from each '<' to the next '>'."""
    cost, opened = 0, []
    for match in BRACKETS.finditer(text):
        if match.group() == "[":
            opened.append(match.start())
        elif opened:
            cost += match.start() - opened.pop()
    cost += sum(len(text) - start for start in opened)
    link_scan = _to_next(text, "](", ")")  # a link's target, scanned in Python too
    return cost + link_scan + int(_to_next(text, "<", ">") * TAG_SCAN_WEIGHT)


def _to_next(text: str, opener: str, closer: str) -> int:
    """The characters from each OPENER to the next CLOSER (or the end), summed."""
    closers = [m.start() for m in re.finditer(re.escape(closer), text)]
    total = 0
    for match in re.finditer(re.escape(opener), text):
        after = bisect.bisect_right(closers, match.start())
        total += (closers[after] if after < len(closers) else len(text)) - match.start()
    return total


def _blocks(body: str, first_line: int):
    """(first line, text, nesting depth) of each run of lines Python-Markdown converts as one
    inline unit, or more: paragraphs, list items, headings, table rows. Fenced code is skipped."""
    fence, start, lines, depth = "", first_line, [], 0
    for number, line in enumerate(body.split("\n"), first_line):
        opening = FENCE.match(line)
        if fence:
            if opening and opening.group(1) == fence:
                fence = ""
            continue
        if opening:
            fence = opening.group(1)
        stripped = line.expandtabs(4).lstrip(" ")
        indent = len(line.expandtabs(4)) - len(stripped)
        quotes = QUOTES.match(stripped)
        inner = stripped[quotes.end():] if quotes else stripped
        item = LIST_ITEM.match(inner)
        starts_block = opening or not inner.strip() or item or inner.startswith("#") or "|" in inner
        if starts_block and lines:
            yield start, "\n".join(lines), depth
            lines, depth = [], 0
        if not lines:
            start = number
        if inner.strip() and not opening:
            lines.append(line)
        level = (indent // 4 + 1 if item else 0) + (quotes.group().count(">") if quotes else 0)
        depth = max(depth, level)
    if lines:
        yield start, "\n".join(lines), depth
