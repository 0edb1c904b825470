"""IPTC ninjs (News in JSON) items -> WireFields, for the three series the IPTC has published.

The series is read from the item, not from the file's name:

- 3.x: camelCase keys (versionCreated, firstCreated, pubStatus, embargoedUntil, contentType ...);
- 2.x: lowercase keys with arrays of headlines and bodies (headlines[], bodies[], by);
- 1.x: flat lowercase keys (headline, byline, body_html, body_xhtml, body_text).

An item may come wrapped the way APIs deliver it: `{"data": {"item": {...}}}`, `{"item": {...}}`,
`{"items": [...]}`, `{"data": {"items": [...]}}` or a bare list of items; every item inside
is read. Keys are read without regard to letter case, so a 2.x item that slips a camelCase key
in is still understood (validation against the series' schema says what is wrong with it).
"""

from __future__ import annotations

from pathlib import Path

from dateline.importer.records import WireImage
from dateline.importer.wire import WireFields, local_rendition
from dateline.importer.wire_text import Block, html_to_blocks, text_to_blocks

CAMEL_KEYS = {
    "versionCreated", "firstCreated", "pubStatus", "contentCreated", "embargoedUntil", "altIds", "copyrightHolder",
    "copyrightNotice", "usageTerms", "edNote", "infoSources", "representationType", "trustIndicators",
    "digitalSourceType", "rightsInfo", "eventDetails", "plannedCoverage", "contentType", "charCount",
}
SERIES_2_KEYS = {"headlines", "bodies", "descriptions", "by", "subjects", "people", "places", "organisations", "genres",
                 "infosources", "events", "objects"}
ENVELOPE_KEYS = ("data", "item", "items")
MAX_DEPTH = 4


def is_ninjs_item(value: object) -> bool:
    if not isinstance(value, dict):
        return False
    keys = {str(k).lower() for k in value}
    return "uri" in keys and bool(keys & {"headline", "headlines", "type", "versioncreated", "body_html", "body_text",
                                          "body_xhtml", "bodies", "renditions", "language"})


def items_in(document: object, depth: int = 0) -> list[dict]:
    """The ninjs items of a JSON document: the document itself, or those inside an envelope."""
    if depth > MAX_DEPTH:
        return []
    if is_ninjs_item(document):
        return [document]
    if isinstance(document, list):
        return [item for entry in document for item in items_in(entry, depth + 1)]
    if isinstance(document, dict):
        for key in ENVELOPE_KEYS:
            if key in document:
                return items_in(document[key], depth + 1)
    return []


def series(item: dict) -> str:
    """'1', '2' or '3': the ninjs series the item is written in."""
    standard = item.get("standard") or item.get("$standard")
    if isinstance(standard, dict) and "ninjs" in str(standard.get("name", "")).lower():
        major = str(standard.get("version", ""))[:1]
        if major in "123" and major:
            return major
    if _has_camel_keys(item):
        return "3"
    if {str(k).lower() for k in item} & SERIES_2_KEYS:
        return "2"
    return "1"


def _has_camel_keys(value: object, depth: int = 0) -> bool:
    if depth > 3:
        return False
    if isinstance(value, dict):
        return bool(set(value) & CAMEL_KEYS) or any(_has_camel_keys(v, depth + 1) for k, v in value.items()
                                                     if k not in ("associations",))
    if isinstance(value, list):
        return any(_has_camel_keys(v, depth + 1) for v in value[:20])
    return False


def lowered(value: object) -> object:
    """The item with every key in lower case (2.x and 3.x then read alike)."""
    if isinstance(value, dict):
        return {str(k).lower(): lowered(v) for k, v in value.items()}
    if isinstance(value, list):
        return [lowered(v) for v in value]
    return value


def text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def listed(value: object) -> list:
    """A value the schema says is a list; anything else (in an item that breaks the schema) is none."""
    return value if isinstance(value, list) else []


def role_value(entries: object, roles: tuple[str, ...] = ("",)) -> str:
    """The value of the entry with one of `roles` (in that order); the role "" stands for any entry."""
    entries = [e for e in entries if isinstance(e, dict) and text(e.get("value"))] if isinstance(entries, list) else []
    for role in roles:
        for entry in entries:
            if role == "" or text(entry.get("role")).lower() == role:
                return text(entry.get("value"))
    return ""


def headline(item: dict) -> str:
    return text(item.get("headline")) or role_value(item.get("headlines"), ("main", "")) or text(item.get("title"))


def body(item: dict) -> list[Block]:
    for key in ("body_html", "body_xhtml"):
        if text(item.get(key)):
            return html_to_blocks(item[key])
    if text(item.get("body_text")):
        return text_to_blocks(item["body_text"])
    bodies = [b for b in listed(item.get("bodies")) if isinstance(b, dict) and text(b.get("value"))]
    html = [b for b in bodies if "html" in text(b.get("contenttype")).lower() or "html" in text(b.get("role")).lower()]
    if html:
        return html_to_blocks(html[0]["value"])
    return text_to_blocks(bodies[0]["value"]) if bodies else []


def without_headline(blocks: list[Block], title: str) -> list[Block]:
    """Bodies that repeat the headline as their first heading or paragraph lose it."""
    plain = " ".join(title.split()).casefold()
    while blocks and blocks[0].text.replace("\\", "").casefold() == plain:
        blocks = blocks[1:]
    return blocks


def names(entries: object) -> tuple[str, ...]:
    entries = entries if isinstance(entries, list) else [entries] if isinstance(entries, (dict, str)) else []
    return tuple(text(e.get("name")) if isinstance(e, dict) else text(e) for e in entries if e)


def signals(item: dict) -> tuple[str, ...]:
    found = []
    for entry in listed(item.get("signals") or item.get("signal")):
        if isinstance(entry, dict):
            found.append(text(entry.get("uri")) or text(entry.get("qcode")) or text(entry.get("code"))
                         or text(entry.get("literal")) or text(entry.get("name")))
        else:
            found.append(text(entry))
    return tuple(s for s in found if s)


def fields_of(item: dict, path: Path, where: str) -> WireFields:
    """One ninjs item (as the file has it) as WireFields."""
    lower = lowered(item)
    title = headline(lower)
    return WireFields(
        path=path, where=where, wire_id=text(lower.get("uri")), item_class=text(lower.get("type")) or "text",
        headline=title, body=without_headline(body(lower), title), language=text(lower.get("language")),
        version=str(lower.get("version") or "").strip(), first_created=text(lower.get("firstcreated")),
        version_created=text(lower.get("versioncreated")),
        embargo=text(lower.get("embargoeduntil")) or text(lower.get("embargoed")),
        located=text(lower.get("located")), bylines=tuple(b for b in (text(lower.get("by")), text(lower.get("byline"))) if b),
        agencies=(text(lower.get("copyrightholder")), *names(lower.get("infosource") or lower.get("infosources") or [])),
        pub_status=text(lower.get("pubstatus")) or "usable", signals=signals(lower), ednote=text(lower.get("ednote")),
        summary=role_value(lower.get("descriptions"), ("summary", "abstract")) if lower.get("descriptions") else "",
        image=lead_photo(lower, path.parent),
    )


def lead_photo(item: dict, folder: Path) -> WireImage | None:
    """The first picture association with a rendition: a local file if one exists, else a remote URL."""
    associations = item.get("associations")
    if isinstance(associations, dict):  # 1.x: name -> item
        associations = [associations[k] for k in sorted(associations, key=lambda k: k != "mainpic")]
    for association in associations if isinstance(associations, list) else []:
        if not isinstance(association, dict) or text(association.get("type")) not in ("picture", "graphic", ""):
            continue
        renditions = renditions_of(association)
        if not renditions:
            continue
        local = [(r, local_rendition(text(r.get("href")), folder)) for r in renditions]
        local = [(r, p) for r, p in local if p is not None]
        chosen, local_file = max(local, key=lambda rp: _width(rp[0])) if local else (_best_remote(renditions), None)
        remote = "" if local_file else text(chosen.get("href"))
        if not local_file and not remote.lower().startswith(("http://", "https://")):
            continue
        descriptions = association.get("descriptions")
        caption = (role_value(descriptions, ("caption", "text", "")) if descriptions else "") \
            or text(association.get("description_text")) or text(association.get("body_text"))
        alt = (role_value(descriptions, ("alt", "alternativetext")) if descriptions else "") \
            or caption or headline(association) or "Photo"
        credit = text(association.get("by")) or text(association.get("byline")) \
            or (role_value(descriptions, ("creditline",)) if descriptions else "") or text(association.get("copyrightholder"))
        return WireImage(alt=" ".join(alt.split()), caption=" ".join(caption.split()), credit=credit,
                         local_file=local_file, remote=remote, width=_width(chosen) or None,
                         height=_int(chosen.get("height")))
    return None


def renditions_of(association: dict) -> list[dict]:
    renditions = association.get("renditions")
    if isinstance(renditions, dict):  # 1.x: name -> rendition
        return [{"name": k, **v} for k, v in renditions.items() if isinstance(v, dict)]
    return [r for r in listed(renditions) if isinstance(r, dict) and text(r.get("href"))]


def _best_remote(renditions: list[dict]) -> dict:
    preferred = ("main", "original", "baseimage", "highres", "web", "preview")
    for name in preferred:
        for rendition in renditions:
            if text(rendition.get("name")).lower() == name:
                return rendition
    return max(renditions, key=_width)


def _width(rendition: dict) -> int:
    return _int(rendition.get("width")) or 0


def _int(value: object) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None
