"""One import run: read every raw file, assemble, and place the results; one Outcome per article.

A file that cannot be read or understood fails alone: the others still import. A wire file
may hold several articles (a NewsML-G2 newsMessage, a ninjs envelope with a list of items):
each gets its own Outcome, and an item that fails does not keep the others out.
"""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from dateline.config import Config
from dateline.importer.assemble import import_one, import_pair
from dateline.importer.existing import SiteContent
from dateline.importer.html import parse_html_page
from dateline.importer.pagetext import parse_page_text
from dateline.importer.reading import decode, is_html, read_bytes
from dateline.importer.records import ImportedArticle, ImportOptions, RawArticle, RawFileError
from dateline.importer.wire_place import place_wire
from dateline.importer.wire_read import read_wire, sniff
from dateline.importer.writer import Outcome, place


def read_raws(path: Path, tz: ZoneInfo, *, validate: bool = True) -> list[RawArticle | RawFileError]:
    """The articles of one raw file (a wire file may hold several), or the error for each that failed."""
    data = read_bytes(path)
    kind = sniff(data)
    try:
        if kind:
            return read_wire(path, data, kind, tz, validate=validate)
        return [read_raw(path, data, tz)]
    except RawFileError:
        raise
    except RecursionError:
        raise RawFileError(path, "nested too deep to be an article") from None
    except Exception as exc:  # an extractor's crash on one odd file must not stop the others
        what = {"ninjs": "IPTC ninjs", "newsml": "IPTC NewsML-G2"}.get(kind, "an article")
        raise RawFileError(path, f"could not be read as {what} ({type(exc).__name__}: {exc})") from None


def read_raw(path: Path, data: bytes, tz: ZoneInfo) -> RawArticle:
    html = is_html(path, data)
    text = decode(path, data, html=html)
    try:
        return parse_html_page(path, text, tz) if html else parse_page_text(path, text, tz)
    except RawFileError:
        raise
    except Exception as exc:  # an extractor's crash on one odd page must not stop the others
        kind = "an HTML page" if html else "page text"
        raise RawFileError(path, f"could not be read as {kind} ({type(exc).__name__}: {exc})") from None


def failed(path: Path, error: RawFileError) -> Outcome:
    return Outcome(path, "failed", error.reason, line=error.line)


def run_import(paths: list[Path], options: ImportOptions, config: Config, *, pair: bool = False,
               force: bool = False, dry_run: bool = False, site: SiteContent | None = None) -> list[Outcome]:
    """Import the files; `site` (what content/ holds) is scanned unless a caller that keeps one passes it."""
    site = site if site is not None else SiteContent.scan(config)
    raws, outcomes = [], []
    for path in paths:
        try:
            results = read_raws(path, config.tz, validate=options.validate)
        except RawFileError as error:
            results = [error]
        raws += [r for r in results if isinstance(r, RawArticle)]
        outcomes += [failed(path, r) for r in results if isinstance(r, RawFileError)]
    articles = _assemble_all(raws, options, config, site, pair, outcomes)
    planned: set[Path] = set()
    for article in articles:
        if article.wire is not None:
            outcomes.append(place_wire(article, config.site_dir, site, planned, force=force, dry_run=dry_run))
        else:
            outcomes.append(place(article, config.site_dir, site, planned, force=force, dry_run=dry_run, restory=pair))
    order = {path: number for number, path in enumerate(paths)}
    return sorted(outcomes, key=lambda outcome: order.get(outcome.raw_path, len(order)))


def _assemble_all(raws: list[RawArticle], options: ImportOptions, config: Config, site: SiteContent,
                  pair: bool, outcomes: list[Outcome]) -> list[ImportedArticle]:
    try:
        if pair and len(raws) == 2:
            return list(import_pair(raws[0], raws[1], options, config, site))
    except RawFileError as error:
        outcomes += [failed(raw.path, error) for raw in raws]
        return []
    if pair:  # one of the two could not be read: importing the other alone would not link them
        outcomes += [Outcome(raw.path, "failed", "its --pair partner could not be read") for raw in raws]
        return []
    articles = []
    for raw in raws:
        try:
            articles.append(import_one(raw, options, config, site))
        except RawFileError as error:
            outcomes.append(failed(raw.path, error))
    return articles
