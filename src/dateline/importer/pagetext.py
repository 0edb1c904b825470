"""The two editions' article pages as copied text.

English edition::

    Go to contents
    Israel-Hamas ceasefire negotiations hit stalemate
    Posted May. 03, 2024 07:55,
    Updated May. 03, 2024 07:55
    한국어
    <paragraphs>
    카이로=김기윤 특파원 pep@donga.com

Korean edition: 본문 바로가기, headline, 입력 2024-05-03 07:55, 업데이트 ..., English, paragraphs,
sign-off. The header is read strictly from the top (skip link, headline, a deck of at most
two lines, then only time lines and language-switch lines), so body text that mentions
"Posted" or "Updated" stays body text. A deck becomes the summary.
"""

from __future__ import annotations

import re
from pathlib import Path
from zoneinfo import ZoneInfo

from dateline.importer.records import RawArticle, RawFileError
from dateline.importer.signoff import split_signoff
from dateline.importer.stamps import Stamp, parse_time_line, resolve

SKIP_LINKS = {"go to contents": "en", "skip to content": "en", "skip to main content": "en",
              "본문 바로가기": "ko", "본문으로 바로가기": "ko"}
SWITCHES = {"한국어": "ko", "korean": "ko", "english": "en", "영문": "en", "영문판": "en",
            "中文": "zh", "日本語": "ja"}
INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff]")
MAX_DECK = 2
EXPECTED = "expected 'Posted May. 03, 2024 07:55' or '입력 2024-05-03 07:55' under the headline"


def clean_line(line: str) -> str:
    """Non-breaking and other odd spaces become plain ones; invisible characters go."""
    return " ".join(INVISIBLE.sub("", line).split())


def parse_page_text(path: Path, text: str, tz: ZoneInfo) -> RawArticle:
    lines = [line for line in (clean_line(raw) for raw in text.split("\n")) if line]
    hint, lines = _skip_link(lines)
    if not lines:
        raise RawFileError(path, "no headline: the file holds nothing but a skip link")
    title, rest = lines[0], lines[1:]
    if parse_time_line(title):
        raise RawFileError(path, "no headline: the first line is a time line")
    deck, rest = _deck(rest)
    stamps, counterparts, body = _header(rest)
    posted_stamps = [s for s in stamps if s.label == "posted"]
    if not posted_stamps:
        raise RawFileError(path, f"not an edition page: {EXPECTED}")
    posted, updated, warnings = _times(path, posted_stamps[0], [s for s in stamps if s.label == "updated"], tz)
    lang = posted_stamps[0].edition or hint
    body, signoff = split_signoff(body)
    if not body:
        raise RawFileError(path, "no body text under the headline and time lines")
    return RawArticle(
        path=path, kind="page text", lang=lang, title=title, posted=posted, updated=updated,
        paragraphs=tuple(body), signoff=signoff,
        counterparts=tuple(c for c in dict.fromkeys(counterparts) if c != lang),
        summary=" ".join(deck), warnings=tuple(warnings),
    )


def _skip_link(lines: list[str]) -> tuple[str, list[str]]:
    if lines and lines[0].casefold() in SKIP_LINKS:
        return SKIP_LINKS[lines[0].casefold()], lines[1:]
    return "", lines


def _deck(lines: list[str]) -> tuple[list[str], list[str]]:
    """A subheadline of up to MAX_DECK lines between the headline and the time lines (-> summary)."""
    for number, line in enumerate(lines[: MAX_DECK + 1]):
        if parse_time_line(line):
            switches = [s for s in lines[:number] if s.casefold() in SWITCHES]
            deck = [s for s in lines[:number] if s.casefold() not in SWITCHES]
            return deck, switches + lines[number:]
    return [], lines


def _header(lines: list[str]) -> tuple[list[Stamp], list[str], list[str]]:
    """Time lines and switch lines right under the headline; the rest is body."""
    stamps, counterparts = [], []
    for number, line in enumerate(lines):
        found = parse_time_line(line)
        if found:
            stamps += found
        elif line.casefold() in SWITCHES:
            counterparts.append(SWITCHES[line.casefold()])
        else:
            return stamps, counterparts, lines[number:]
    return stamps, counterparts, []


def _times(path: Path, posted_stamp: Stamp, updated_stamps: list[Stamp], tz: ZoneInfo):
    warnings = []
    try:
        posted = resolve(posted_stamp, tz)
        updated = resolve(updated_stamps[0], tz, after=posted) if updated_stamps else None
    except ValueError as exc:
        raise RawFileError(path, f"impossible date or time in the time lines ({exc})") from None
    if updated and updated < posted:
        warnings.append(f"'updated' {updated.isoformat()} is before 'posted' {posted.isoformat()}: left out")
        updated = None
    return posted, updated, warnings
