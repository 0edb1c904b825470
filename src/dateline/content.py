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
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

from dateline.characters import INVALID_CHARACTERS, describe_characters
from dateline.config import Config
from dateline.errors import ContentError
from dateline.frontmatter_yaml import RawDocument, split_document

KNOWN_KEYS = (
    "title posted updated lang slug section tags dateline correspondents story "
    "translations summary draft source"
).split()


# Limits that keep one hostile file from exhausting the build (see docs/robustness.md).
EARLIEST_YEAR, LATEST_YEAR = 1000, 9999  # four-digit years: URL dates, RFC 3339 in feeds and sitemaps
MAX_URL_PART_BYTES = 200  # a slug or a term's slug is a folder name: file systems stop at 255 bytes
MAX_LIST_DEPTH = 50  # Python-Markdown recurses per nested list level and fails near 200
# Python-Markdown's inline stage is slow on two shapes of paragraph: each inline match rebuilds
# the paragraph's text (quadratic in matches), and each '[' is matched by a scan in Python to its
# ']' (to the end of the paragraph when there is none). Both are bounded before conversion.
MAX_INLINE_MARKUP = 2_000  # tags, links, entities, code spans and emphasis in one paragraph
MAX_SCAN = 2_000_000  # characters those scans cover in one file (about two seconds)

@dataclass(frozen=True)
class Place:
    city: str  # English name, the one URLs are made from
    local: str = ""  # the name in the other edition's script: 카이로


@dataclass(frozen=True)
class Person:
    name: str
    local: str = ""
    email: str = ""
    role: str = ""


@dataclass(frozen=True)
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
    extra: dict = field(default_factory=dict, compare=False, hash=False)
    key_lines: dict = field(default_factory=dict, compare=False, hash=False)  # front matter key -> line
    # Problems fixed on load (characters dropped): printed by the build, not fatal.
    warnings: tuple[ContentError, ...] = field(default=(), compare=False, hash=False)

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, 1)


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
    article, errors = _article(config, source, folder_lang, path.stem, document, digest)
    errors += body_errors(source, document.body, document.body_line)
    if errors:
        return None, errors
    meta_warnings = [ContentError(source, document.key_lines.get(key, 1), message) for key, message in document.dropped]
    return replace(article, warnings=tuple(warnings + meta_warnings)), []


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


def _article(config, source, folder_lang, stem, document, digest):
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
    article = Article(
        source=source, lang=lang, title=title, posted=posted, updated=updated, slug=slug,
        body=document.body, body_line=document.body_line, digest=digest,
        section=f.text("section"), tags=_tags(f), dateline=_dateline(f),
        correspondents=_correspondents(f), story=f.text("story"),
        translations=_translations(f, config, lang), summary=f.text("summary"),
        draft=draft is True, source_url=source_url,
        extra={k: v for k, v in f.meta.items() if k not in KNOWN_KEYS},
        key_lines=dict(document.key_lines),
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
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime.combine(value, dt.time())
    elif isinstance(value, str):
        try:
            moment = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            f.error(key, f"'{key}' is not a date and time: {value!r} (write e.g. 2024-05-03T07:55:00+09:00 or 2024-05-03 07:55)")
            return None
    else:
        f.error(key, f"'{key}' must be a date and time, not {_kind(value)}")
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


# ---- bodies that would take Python-Markdown too long, or too deep -----------------------

FENCE = re.compile(r"[ \t]*(```|~~~)")
LIST_ITEM = re.compile(r"(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")
QUOTES = re.compile(r"(?:>[ \t]?)+")
INLINE_MARKUP = re.compile(r"[<\[&`*_\\]")
BRACKETS = re.compile(r"[\[\]]")
# An HTML tag's regular expression runs in C: its scans cost a tenth of a '['.
TAG_SCAN_WEIGHT = 0.1


def body_errors(source: str, body: str, first_line: int) -> list[ContentError]:
    """Lists or quotes nested deeper than Python-Markdown can recurse, and inline markup it would
    take minutes to convert: each an error at its line, before conversion."""
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
