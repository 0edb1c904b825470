"""Time lines of the two editions' pages, read in the publisher's timezone.

English: ``Posted May. 03, 2024 07:55,`` and ``Updated Sept. 1, 2024 9:05 PM`` (the year may be
left out of Updated: it is then the one that does not put Updated before Posted).
Korean: ``입력 2024-05-03 07:55`` and ``업데이트 2024-05-03 09:10`` (also 수정, and 2024.05.03).
Both lines may stand on one line of text; 오전/오후 (a.m./p.m.) and a trailing KST, UTC or GMT
are understood (a named zone is converted into the site's timezone).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
FULL_MONTHS = {name: number for number, name in enumerate(
    "january february march april may june july august september october november december".split(), 1)}

EN_STAMP = (
    r"(?P<mon>[A-Za-z]{3,9})\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?"
    r"(?:\s+(?P<year>\d{4}),?)?\s+(?:at\s+)?(?P<hour>\d{1,2}):(?P<minute>\d{2})"
    r"(?:\s*(?P<ampm>[AaPp]\.?\s?[Mm]\.?))?"
)
ZONE = r"(?:\s*\(?(?P<zone>KST|UTC|GMT)\)?)?"
ISO_STAMP = (
    r"(?P<iy>\d{4})\s*[-./]\s*(?P<im>\d{1,2})\s*[-./]\s*(?P<id>\d{1,2})\.?"
    r"(?:\s+|T)(?:(?P<kampm>오전|오후)\s*)?(?P<ih>\d{1,2}):(?P<imin>\d{2})(?::\d{2})?"
)
EN_LABELS = {"posted": "posted", "updated": "updated"}
KO_LABELS = {"입력": "posted", "업데이트": "updated", "수정": "updated", "최종수정": "updated"}
LABEL = r"(?P<label>Posted|Updated|최종수정|입력|업데이트|수정)"
ONE = re.compile(rf"{LABEL}\s*:?\s*(?:{EN_STAMP}|{ISO_STAMP}){ZONE}", re.I)
ZONES = {"kst": "Asia/Seoul", "utc": "UTC", "gmt": "UTC"}
FILLER = re.compile(r"[\s,|·]*")


@dataclass(frozen=True)
class Stamp:
    label: str  # "posted" or "updated"
    edition: str  # "en" for Posted/Updated, "ko" for 입력/업데이트
    fields: dict  # the regex groups; resolved against Posted by resolve()


def parse_time_line(line: str) -> list[Stamp] | None:
    """The stamps on a line that holds nothing but time stamps; None for any other line."""
    stamps, position = [], 0
    for match in ONE.finditer(line):
        if FILLER.fullmatch(line, position, match.start()) is None:
            return None
        if match.group("mon") and _month(match.group("mon")) is None:
            return None
        label = match.group("label")
        edition = "ko" if label in KO_LABELS else "en"
        name = KO_LABELS.get(label) or EN_LABELS[label.lower()]
        stamps.append(Stamp(name, edition, match.groupdict()))
        position = match.end()
    if not stamps or FILLER.fullmatch(line, position) is None:
        return None
    return stamps


def _month(name: str) -> int | None:
    name = name.lower()
    return MONTHS.get(name) or FULL_MONTHS.get(name)


def resolve(stamp: Stamp, tz: ZoneInfo, after: dt.datetime | None = None) -> dt.datetime:
    """The stamp as an aware time; a stamp without a year takes the one that keeps it after `after`."""
    g = stamp.fields
    if g.get("zone"):  # "07:55 KST": the page names its zone; written in the site's
        return resolve(Stamp(stamp.label, stamp.edition, {**g, "zone": None}),
                       ZoneInfo(ZONES[g["zone"].lower()]), after).astimezone(tz)
    if g.get("iy"):
        hour = int(g["ih"])
        if g.get("kampm"):
            hour = hour % 12 + (12 if g["kampm"] == "오후" else 0)
        return _aware(int(g["iy"]), int(g["im"]), int(g["id"]), hour, int(g["imin"]), tz)
    hour = int(g["hour"])
    if g.get("ampm"):
        pm = g["ampm"].lower().startswith("p")
        hour = hour % 12 + (12 if pm else 0)
    month, day, minute = _month(g["mon"]), int(g["day"]), int(g["minute"])
    if g.get("year"):
        return _aware(int(g["year"]), month, day, hour, minute, tz)
    year = after.year if after else dt.date.today().year
    moment = _aware(year, month, day, hour, minute, tz)
    if after and moment < after:
        moment = _aware(year + 1, month, day, hour, minute, tz)
    return moment


def _aware(year: int, month: int, day: int, hour: int, minute: int, tz: ZoneInfo) -> dt.datetime:
    """Raises ValueError for impossible dates (Feb. 30, 25:00)."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=tz)


def parse_iso(text: str, tz: ZoneInfo) -> dt.datetime | None:
    """An ISO 8601 time from page metadata, moved into the site's timezone; None if unreadable."""
    text = text.strip()
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace(" ", "T", 1))
    except ValueError:
        match = re.fullmatch(ISO_STAMP, text)
        if not match:
            return None
        g = match.groupdict()
        try:
            return _aware(int(g["iy"]), int(g["im"]), int(g["id"]), int(g["ih"]), int(g["imin"]), tz)
        except ValueError:
            return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=tz)
    return moment.astimezone(tz)
