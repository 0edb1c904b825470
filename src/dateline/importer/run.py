"""One import run: read every raw file, assemble, and place the results; one Outcome per input.

A file that cannot be read or understood fails alone: the others still import.
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
from dateline.importer.writer import Outcome, place


def read_raw(path: Path, tz: ZoneInfo) -> RawArticle:
    data = read_bytes(path)
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
    return Outcome(path, "failed", error.reason)


def run_import(paths: list[Path], options: ImportOptions, config: Config, *, pair: bool = False,
               force: bool = False, dry_run: bool = False) -> list[Outcome]:
    site = SiteContent.scan(config.site_dir, config.tz)
    raws, outcomes = [], []
    for path in paths:
        try:
            raws.append(read_raw(path, config.tz))
        except RawFileError as error:
            outcomes.append(failed(path, error))
    articles = _assemble_all(raws, options, config, site, pair, outcomes)
    planned: set[Path] = set()
    for article in articles:
        outcomes.append(place(article, config.site_dir, site, planned, force=force, dry_run=dry_run))
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
