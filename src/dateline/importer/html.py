"""Saved HTML article pages from any news site.

trafilatura finds the article text (and headline, byline and date as a fallback); the page's
own metadata gives what trafilatura does not keep: the canonical URL (-> source), the hreflang
alternates (-> translations) and publication times to the minute with their offset
(article:published_time, itemprop=datePublished, JSON-LD). Nothing is fetched.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo

import lxml.etree
import lxml.html

from dateline.importer.pagetext import SKIP_LINKS, SWITCHES, clean_line
from dateline.importer.records import RawArticle, RawFileError
from dateline.importer.signoff import split_signoff
from dateline.importer.stamps import parse_iso, parse_time_line, resolve

PUBLISHED = ("article:published_time", "og:published_time", "datepublished", "pubdate", "publishdate",
             "dc.date.issued", "dc.date", "date", "sailthru.date")
NO_TEXT = "no article text found in the page (is it an article page?)"
MODIFIED = ("article:modified_time", "og:updated_time", "datemodified", "lastmod", "dc.date.modified")


def parse_html_page(path: Path, text: str, tz: ZoneInfo) -> RawArticle:
    try:
        tree = lxml.html.document_fromstring(text.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8"))
    except (lxml.etree.ParserError, ValueError) as exc:
        raise RawFileError(path, f"not an HTML page ({exc})") from None
    meta, ld = page_meta(tree), json_ld_article(tree)
    trafilatura = _trafilatura(path)
    extracted = trafilatura.bare_extraction(
        text, with_metadata=True, include_comments=False, include_tables=False,
        include_images=False, favor_precision=True,
    )
    found = extracted.as_dict() if extracted is not None and hasattr(extracted, "as_dict") else (extracted or {})
    lines = [line for line in (clean_line(raw) for raw in (found.get("text") or "").split("\n")) if line]
    if not lines:
        raise RawFileError(path, NO_TEXT)
    title = _first(ld.get("headline"), found.get("title"), meta.get("og:title"), _h1(tree))
    if not title:
        raise RawFileError(path, "no headline found in the page")
    paragraphs, stamps = _body_lines(lines, title)
    source = canonical_url(tree, meta)
    lang = page_language(tree, meta, ld) or guess_language(paragraphs)
    posted, updated, warnings = _times(path, meta, ld, stamps, found.get("date") or "", tz)
    body, signoff = split_signoff(paragraphs)
    if not body:
        raise RawFileError(path, NO_TEXT)
    translations = alternates(tree, source, lang)
    return RawArticle(
        path=path, kind="html", lang=lang, title=" ".join(title.split()), posted=posted, updated=updated,
        paragraphs=tuple(body), signoff=signoff, authors=_authors(meta, ld, found),
        counterparts=tuple(code for code, _ in translations), source=source,
        translations=translations, summary=_summary(meta, body), warnings=tuple(warnings),
    )


def _trafilatura(path: Path):
    """Imported here, so that a broken extractor install costs HTML pages only, not page text."""
    try:
        import trafilatura
    except ImportError as exc:
        raise RawFileError(path, f"saved HTML pages need trafilatura, which cannot be loaded here ({exc})") from None
    return trafilatura


def page_meta(tree) -> dict[str, str]:
    """<meta property|name|itemprop=... content=...> and <time itemprop datetime>: first of each, by lowercased key."""
    meta: dict[str, str] = {}
    for element in tree.iter("meta", "time"):
        key = element.get("property") or element.get("name") or element.get("itemprop") or ""
        value = element.get("content") or element.get("datetime") or ""
        if key and value.strip():
            meta.setdefault(key.strip().lower(), value.strip())
    return meta


def json_ld_article(tree) -> dict:
    """The first JSON-LD object that has a headline (NewsArticle, Article, ...)."""
    for script in tree.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except ValueError:
            continue
        for item in _ld_items(data):
            if isinstance(item, dict) and item.get("headline"):
                return item
    return {}


def _ld_items(data):
    if isinstance(data, list):
        for item in data:
            yield from _ld_items(item)
    elif isinstance(data, dict):
        yield data
        yield from _ld_items(data.get("@graph", []))


def canonical_url(tree, meta: dict[str, str]) -> str:
    base = meta.get("og:url", "")
    for link in tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            url = urljoin(base, link.get("href").strip())
            return url if _absolute(url) else ""
    return base if _absolute(base) else ""


def alternates(tree, source: str, lang: str) -> tuple[tuple[str, str], ...]:
    """(hreflang, absolute URL) of the page's other-language versions, first of each language."""
    found: dict[str, str] = {}
    for link in tree.iter("link"):
        rels = (link.get("rel") or "").lower().split()
        code = (link.get("hreflang") or "").strip().lower()
        href = urljoin(source, (link.get("href") or "").strip())
        if "alternate" not in rels or not code or code == "x-default" or not _absolute(href):
            continue
        if href == source or code == lang or code.split("-")[0] == lang.split("-")[0]:
            continue
        found.setdefault(code, href)
    return tuple(found.items())


def page_language(tree, meta: dict[str, str], ld: dict) -> str:
    lang = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang") or ""
    in_language = ld.get("inLanguage")
    lang = lang or meta.get("content-language", "") or (in_language if isinstance(in_language, str) else "")
    lang = lang or meta.get("og:locale", "").replace("_", "-")
    return lang.strip().lower()


def guess_language(paragraphs: list[str]) -> str:
    """"ko" or "en" when the letters leave no doubt, else "" (then --lang decides)."""
    letters = [ch for line in paragraphs for ch in line if ch.isalpha()]
    if not letters:
        return ""
    hangul = sum("가" <= ch <= "힣" for ch in letters) / len(letters)
    latin = sum(ch.isascii() for ch in letters) / len(letters)
    return "ko" if hangul >= 0.5 else "en" if latin >= 0.9 else ""


def _absolute(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _first(*values) -> str:
    return next((str(v).strip() for v in values if isinstance(v, str) and v.strip()), "")


def _h1(tree) -> str:
    heading = next(tree.iter("h1"), None)
    return heading.text_content().strip() if heading is not None else ""


def _body_lines(lines: list[str], title: str):
    """Drop the repeated headline, skip links, switch lines and time lines (kept aside as stamps)."""
    if lines and " ".join(lines[0].split()) == " ".join(title.split()):
        lines = lines[1:]
    body, stamps = [], []
    for line in lines:
        found = parse_time_line(line)
        if found:
            stamps += found
        elif line.casefold() not in SKIP_LINKS and line.casefold() not in SWITCHES:
            body.append(line)
    return body, stamps


def _times(path, meta, ld, stamps, day, tz):
    warnings = []
    published = [meta.get(k, "") for k in PUBLISHED] + [str(ld.get("datePublished") or "")]
    modified = [meta.get(k, "") for k in MODIFIED] + [str(ld.get("dateModified") or "")]
    posted = next((t for t in (parse_iso(v, tz) for v in published if len(v) > 10) if t), None)
    updated = next((t for t in (parse_iso(v, tz) for v in modified if len(v) > 10) if t), None)
    visible = {s.label: s for s in reversed(stamps)}
    try:
        posted = posted or (resolve(visible["posted"], tz) if "posted" in visible else None)
        updated = updated or (resolve(visible["updated"], tz, after=posted) if "updated" in visible and posted else None)
    except ValueError:
        pass
    if posted is None and parse_iso(day, tz):
        posted = parse_iso(day, tz)
        warnings.append(f"the page gives only the day of publication ({day}): 'posted' set to midnight")
    if posted is None:
        raise RawFileError(path, "no publication date found in the page")
    if updated and updated < posted:
        warnings.append(f"'updated' {updated.isoformat()} is before 'posted' {posted.isoformat()}: left out")
        updated = None
    return posted, updated, warnings


def _authors(meta: dict[str, str], ld: dict, found: dict) -> tuple[str, ...]:
    ld_authors = ld.get("author") or []
    ld_authors = ld_authors if isinstance(ld_authors, list) else [ld_authors]
    names = [a.get("name", "") if isinstance(a, dict) else str(a) for a in ld_authors]
    names = [n.strip() for n in names if isinstance(n, str) and n.strip()]
    if names:
        return tuple(names)
    author = meta.get("author") or meta.get("article:author") or found.get("author") or ""
    if author.startswith(("http://", "https://")):
        author = found.get("author") or ""
    return tuple(a.strip() for a in author.split(";") if a.strip())


def _summary(meta: dict[str, str], body: list[str]) -> str:
    """The page's description, unless it is only the start of the first paragraph."""
    description = " ".join((meta.get("og:description") or meta.get("description") or "").split())
    stem = description.rstrip(".…").rstrip()
    if not description or (body and body[0].startswith(stem)):
        return ""
    return description
