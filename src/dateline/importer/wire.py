"""Wire items (IPTC ninjs and NewsML-G2) -> RawArticle: the rules both formats share.

A parser (ninjs.py, newsml.py) reports what an item says as text in a WireFields record; this
module turns it into the importer's RawArticle:

- times: ISO 8601 with `Z`, `+00:00` or `+0000`; a time without an offset is UTC (wire
  services send UTC); moved into the site's timezone.
- posted is firstCreated (else contentCreated, else versionCreated); an embargo later than that
  becomes posted, so the article is scheduled. updated is versionCreated when it is later than
  posted, and is left out otherwise (it may never precede posted).
- the dateline is the city of `located` (the first part of "Grossetto, Italy"; parsers pass
  the city of a NewsML-G2 hierarchy), else the place of the agency lead-in of the first
  paragraph ("GROSSETO, Italy (AP) --"), else the place a free-text <dateline> starts with,
  and never a timestamp or a string with digits in it.
- bylines: "By " (and "Von", "Par", "Por", "Door", "Av", "Af") dropped, people split on
  "and", "&" and ";", an affiliation after a comma or a slash dropped ("Jane Roe, University of
  Somewhere", "Karl Melander/TT"), and a byline that is only the agency's name is no person.
- characters XML cannot carry are dropped from every text, with a warning.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

from dateline.importer.records import RawArticle, RawFileError, WireImage, WireMeta
from dateline.importer.wire_text import Block, blocks_to_markdown, drop_lead_in, lead_in_place, xml_safe

UTC = dt.UTC
OFFSET_WITHOUT_COLON = re.compile(r"([+-]\d{2})(\d{2})$")
BY_WORDS = re.compile(r"^\s*(?:by|written by|von|par|por|door|av|af)\s+", re.I)
PEOPLE_SPLIT = re.compile(r"\s*(?:;|&|\band\b|\bund\b|\bog\b|\boch\b|\bet\b)\s*", re.I)
CORRECTION_NOTE = re.compile(r"^\s*(?:correct|berichtig|rättel|retting|rectif)", re.I)


@dataclass(frozen=True)
class WireFields:
    """One item as its file writes it (text, before any rule), with where to report problems."""

    path: Path
    where: str  # "" for a file of one item, else "item 2 (urn:...)": added to error messages
    wire_id: str
    item_class: str  # "text", "picture", "composite", ... (ninjs type, NewsML-G2 itemClass)
    headline: str
    body: list[Block]
    language: str = ""
    version: str = ""
    first_created: str = ""
    version_created: str = ""
    embargo: str = ""
    located: str = ""
    dateline_text: str = ""  # a free-text dateline element: a place only when it reads as one
    bylines: tuple[str, ...] = ()
    agencies: tuple[str, ...] = ()  # names of the provider and copyright holder: not people
    pub_status: str = "usable"
    signals: tuple[str, ...] = ()
    ednote: str = ""
    summary: str = ""
    image: WireImage | None = None
    warnings: list[str] = field(default_factory=list)

    def error(self, reason: str) -> RawFileError:
        return RawFileError(self.path, f"{self.where}: {reason}" if self.where else reason)


IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".tif", ".tiff"}


def local_rendition(href: str, folder: Path) -> Path | None:
    """The image file a rendition's href names beside the raw file (a relative path or a file: URL).

    Only an image inside the raw file's folder counts: a wire file must not be able to copy
    /etc/passwd or a key file into the site by naming it as a photo."""
    parts = urlsplit(href.strip()) if isinstance(href, str) else None
    if parts is None or parts.scheme not in ("", "file") or not parts.path:
        return None
    candidate = Path(unquote(parts.path))
    candidate = (candidate if candidate.is_absolute() else folder / candidate).resolve()
    if not candidate.is_relative_to(folder.resolve()) or candidate.suffix.lower() not in IMAGE_SUFFIXES:
        return None
    return candidate if candidate.is_file() else None


def is_article(item_class: str, has_body: bool = True) -> bool:
    """Text items are articles, and composites that carry a text body (ninjs "composite" with
    associated pictures); pictures, graphics, video, audio, packages and concepts are not."""
    kind = item_class.lower().rsplit(":", 1)[-1]
    return kind in ("text", "") or (kind == "composite" and has_body)


def wire_time(text: str, what: str, fields: WireFields, tz: ZoneInfo) -> dt.datetime | None:
    """An ISO 8601 wire time in the site's timezone; a time without an offset is UTC."""
    text = " ".join(text.split())
    if not text:
        return None
    cleaned = OFFSET_WITHOUT_COLON.sub(r"\1:\2", text.replace("Z", "+00:00").replace("z", "+00:00"))
    try:
        moment = dt.datetime.fromisoformat(cleaned)
    except ValueError:
        raise fields.error(f"{what} is not an ISO 8601 time: {text!r}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(tz)
    except (OverflowError, ValueError):
        raise fields.error(f"{what} is out of range: {text!r}") from None


def city_of(located: str) -> str:
    """The city of a located string: its first comma part ("Grossetto, Italy" -> "Grossetto")."""
    city = " ".join(located.split(",")[0].split())
    return city if is_place_name(city) else ""


def is_place_name(text: str) -> bool:
    """A place name has letters and no digits (so a timestamp never becomes a dateline)."""
    return bool(text) and any(ch.isalpha() for ch in text) and not any(ch.isdigit() for ch in text)


def dateline_place(text: str) -> str:
    """The place a free-text dateline starts with ("MOSCOW, Monday (Reuters)" -> "Moscow"), or ""."""
    head = re.split(r"[,(\-–—_]", text.strip(), maxsplit=1)[0].strip()
    if not is_place_name(head) or len(head) > 40:
        return ""
    return head.title() if head.isupper() else head


def people(bylines: tuple[str, ...], agencies: tuple[str, ...]) -> tuple[str, ...]:
    """Names of the people in the bylines (see the module's rules)."""
    agency_names = {" ".join(a.split()).casefold() for a in agencies if a.strip()}
    names: list[str] = []
    for byline in bylines:
        byline = BY_WORDS.sub("", " ".join(byline.split()))
        for part in PEOPLE_SPLIT.split(byline):
            name = BY_WORDS.sub("", re.split(r"\s*[,/|(]\s*", part, maxsplit=1)[0]).strip(" .-–—")
            if name and any(ch.isalpha() for ch in name) and name.casefold() not in agency_names:
                names.append(name)
    return tuple(dict.fromkeys(names))


def is_correction(fields: WireFields) -> bool:
    codes = (signal.rsplit(":", 1)[-1].rsplit("/", 1)[-1].lower() for signal in fields.signals)
    return any(code.startswith("correct") for code in codes) or bool(CORRECTION_NOTE.match(fields.ednote))


def to_raw(fields: WireFields, tz: ZoneInfo) -> RawArticle:
    """The item as a RawArticle, or a RawFileError that names the file (and the item)."""
    fields = _xml_safe(fields)
    status = fields.pub_status.lower().rsplit(":", 1)[-1] or "usable"
    headline = " ".join(fields.headline.split())
    if not headline:
        raise fields.error("the item has no headline")
    if not fields.body and status != "canceled":
        raise fields.error("the item has no body text")
    created = wire_time(fields.version_created, "versionCreated", fields, tz)
    first = wire_time(fields.first_created, "firstCreated", fields, tz) or created
    if first is None:
        raise fields.error("the item has no time (firstCreated or versionCreated)")
    posted = first
    embargo = wire_time(fields.embargo, "the embargo", fields, tz)
    if embargo and embargo > posted:
        posted = embargo
    updated = created if created and created > posted else None
    place = city_of(fields.located) or lead_in_place(fields.body) or dateline_place(fields.dateline_text)
    body = drop_lead_in(fields.body) if place else fields.body
    correction = None
    if is_correction(fields):
        correction = " ".join(fields.ednote.split()) or "The wire service corrected this article."
    meta = WireMeta(
        wire_id=fields.wire_id, version=fields.version, created=created or first, status=status,
        correction=correction, note=" ".join(fields.ednote.split()), image=fields.image,
    )
    return RawArticle(
        path=fields.path, kind="wire", lang=fields.language.strip(), title=headline, posted=posted, updated=updated,
        paragraphs=(), authors=people(fields.bylines, fields.agencies), summary=" ".join(fields.summary.split()),
        warnings=tuple(fields.warnings), place=place, markdown=blocks_to_markdown(body), wire=meta,
    )


def _xml_safe(fields: WireFields) -> WireFields:
    """Every text of the item without characters XML cannot carry; one warning says how many."""
    dropped = 0

    def clean(text: str) -> str:
        nonlocal dropped
        text, count = xml_safe(text)
        dropped += count
        return text

    body = [replace(block, text=clean(block.text)) for block in fields.body]
    texts = {name: clean(getattr(fields, name)) for name in ("headline", "located", "dateline_text", "summary", "ednote")}
    bylines = tuple(clean(b) for b in fields.bylines)
    if not dropped:
        return fields
    warnings = [*fields.warnings, f"dropped {dropped} character{'s' if dropped != 1 else ''} that XML cannot carry "
                                  f"(control characters, U+FFFE, U+FFFF)"]
    return replace(fields, body=[b for b in body if b.text.strip()], bylines=bylines, warnings=warnings, **texts)
