"""IPTC NewsML-G2 -> WireFields: a newsItem, or a newsMessage that carries several items.

One article per text item (itemClass ninat:text). Pictures, graphics, video, packages and
concept items are not articles: a file holding nothing else is refused, saying what it holds.
In a newsMessage, a picture item with renditions becomes the lead photo of the text items that
link to it (itemMeta/link residref) or, when the message holds one text item, of that item.

The body is the NITF (body.content) or XHTML (body) inside inlineXML, or plain text in
inlineData. The dateline is the city of `located`: the located concept itself when it is a
city (or does not say), else a broader concept typed as a city; its name, or the code of a
qcode such as city:Moscow. The free-text <dateline> element is used only when located is
missing, and only when it starts with a place (never a timestamp or digits).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

import lxml.etree

from dateline.importer.records import WireImage
from dateline.importer.wire import WireFields, local_rendition
from dateline.importer.wire_text import element_blocks, text_to_blocks

NAR = "http://iptc.org/std/nar/2006-10-01/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ITEM_KINDS = {"newsItem", "packageItem", "conceptItem", "knowledgeItem", "planningItem", "catalogItem"}


def local(element) -> str:
    return lxml.etree.QName(element).localname if isinstance(element.tag, str) else ""


def children(element, name: str) -> list:
    return [child for child in element if local(child) == name] if element is not None else []


def child(element, *path: str):
    for name in path:
        found = children(element, name)
        if not found:
            return None
        element = found[0]
    return element


def text_of(element) -> str:
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def items_of(root) -> list:
    """The items of a document: the root item, or every item in a newsMessage's itemSet."""
    if local(root) == "newsMessage":
        return [item for item_set in children(root, "itemSet") for item in item_set if local(item) in ITEM_KINDS]
    return [root] if local(root) in ITEM_KINDS else []


def item_class(item) -> str:
    if local(item) != "newsItem":
        return local(item)  # packageItem, conceptItem ...: never an article
    found = child(item, "itemMeta", "itemClass")
    return (found.get("qcode") or found.get("uri") or "") if found is not None else ""


def qcode_name(qcode: str) -> str:
    return unquote(qcode.split(":", 1)[-1]).replace("_", " ") if ":" in qcode else ""


def concept_name(element, lang: str) -> str:
    """A concept's name (in the item's language when it has several), else the code of its qcode."""
    found = children(element, "name")
    preferred = [n for n in found if (n.get(XML_LANG) or "").split("-")[0] == lang.split("-")[0]] or found
    name = text_of(preferred[0]) if preferred else ""
    return name or qcode_name(element.get("qcode") or "") or element.get("literal") or ""


def located_city(item, lang: str) -> str:
    located = child(item, "contentMeta", "located")
    if located is None:
        return ""
    kind = (located.get("type") or "").lower()
    if kind and not kind.endswith("city"):
        cities = [b for b in children(located, "broader") if (b.get("type") or "").lower().endswith("city")]
        if cities:
            return concept_name(cities[0], lang)
    return concept_name(located, lang)


def bylines(item, nitf_byline: str) -> tuple[str, ...]:
    meta = child(item, "contentMeta")
    by = [text_of(b) for b in children(meta, "by")]
    creators = [concept_name(c, "") for c in children(meta, "creator")]
    found = [b for b in by if b] or [c for c in creators if c]
    return tuple(found or ([nitf_byline] if nitf_byline else []))


def nitf_byline(nitf_body) -> str:
    """NITF's byline without its title (<byttl>): "By Meredith Jameson, <byttl>Staff Reporter</byttl>"."""
    byline = child(nitf_body, "body.head", "byline") if nitf_body is not None else None
    if byline is None:
        return ""
    parts = [byline.text or ""] + [(c.tail or "") if local(c) == "byttl" else "".join(c.itertext()) + (c.tail or "")
                                   for c in byline]
    return " ".join("".join(parts).split()).strip(" ,")


def body_of(item) -> tuple[list, str, str]:
    """(Markdown blocks, the NITF byline, the NITF headline) of the item's content."""
    content = child(item, "contentSet")
    for inline in children(content, "inlineXML"):
        for root in inline:
            name = local(root)
            if name == "nitf":
                nitf_body = child(root, "body")
                blocks = element_blocks(child(nitf_body, "body.content")) if child(nitf_body, "body.content") is not None else []
                hl1 = text_of(child(nitf_body, "body.head", "hedline", "hl1"))
                return blocks, nitf_byline(nitf_body), hl1
            if name in ("html", "body", "div", "article", "section"):
                body = child(root, "body") if name == "html" else root
                return element_blocks(body) if body is not None else [], "", ""
    for inline in children(content, "inlineData"):
        if (inline.text or "").strip():
            return text_to_blocks(inline.text), "", ""
    return [], "", ""


def headline_of(item, lang: str) -> str:
    headlines = children(child(item, "contentMeta"), "headline")
    main = [h for h in headlines if (h.get("role") or "").endswith("main")] or headlines
    preferred = [h for h in main if (h.get(XML_LANG) or "").split("-")[0] == lang.split("-")[0]] or main
    return text_of(preferred[0]) if preferred else ""


def language_of(item) -> str:
    tag = child(item, "contentMeta", "language")
    return (tag.get("tag") if tag is not None else "") or item.get(XML_LANG) or ""


def agencies(item) -> tuple[str, ...]:
    holders = [text_of(child(h, "name")) for h in children(child(item, "rightsInfo"), "copyrightHolder")]
    provider = child(item, "itemMeta", "provider")
    names = [*holders, concept_name(provider, "") if provider is not None else ""]
    names += [concept_name(i, "") for i in children(child(item, "contentMeta"), "infoSource")]
    return tuple(n for n in names if n)


def summary_of(item) -> str:
    for description in children(child(item, "contentMeta"), "description"):
        if (description.get("role") or "").rsplit(":", 1)[-1] in ("summary", "abstract", ""):
            return text_of(description)
    return ""


def fields_of(item, path: Path, where: str, image: WireImage | None) -> WireFields:
    meta = child(item, "itemMeta")
    lang = language_of(item)
    blocks, byline_in_body, hl1 = body_of(item)
    status = child(meta, "pubStatus")
    dateline = child(item, "contentMeta", "dateline")
    return WireFields(
        path=path, where=where, wire_id=item.get("guid") or "", item_class=item_class(item),
        headline=headline_of(item, lang) or hl1, body=blocks, language=lang, version=item.get("version") or "",
        first_created=text_of(child(meta, "firstCreated")) or text_of(child(item, "contentMeta", "contentCreated")),
        version_created=text_of(child(meta, "versionCreated")), embargo=text_of(child(meta, "embargoed")),
        located=located_city(item, lang), dateline_text=text_of(dateline),
        bylines=bylines(item, byline_in_body), agencies=agencies(item),
        pub_status=(status.get("qcode") or status.get("uri") or "usable") if status is not None else "usable",
        signals=tuple(s.get("qcode") or s.get("uri") or "" for s in children(meta, "signal")),
        ednote=" ".join(text_of(n) for n in children(meta, "edNote")), summary=summary_of(item), image=image,
    )


def picture_of(item, folder: Path) -> WireImage | None:
    """A picture item's photo: its largest local rendition, else its largest remote one."""
    renditions = [r for r in children(child(item, "contentSet"), "remoteContent") if r.get("href")]
    if not renditions:
        return None
    local_files = [(r, local_rendition(r.get("href"), folder)) for r in renditions]
    local_files = [(r, p) for r, p in local_files if p is not None]
    chosen, file = max(local_files, key=lambda rp: _int(rp[0].get("width"))) if local_files else \
        (max(renditions, key=lambda r: _int(r.get("width"))), None)
    remote = "" if file else chosen.get("href")
    if not file and not remote.lower().startswith(("http://", "https://")):
        return None
    lang = language_of(item)
    caption = next((text_of(d) for d in children(child(item, "contentMeta"), "description")
                    if (d.get("role") or "").rsplit(":", 1)[-1] in ("caption", "summary", "")), "")
    headline = headline_of(item, lang)
    credit = text_of(child(item, "contentMeta", "creditline")) or " ".join(bylines(item, ""))
    return WireImage(alt=caption or headline or "Photo", caption=caption, credit=credit, local_file=file,
                     remote=remote or "", width=_int(chosen.get("width")) or None,
                     height=_int(chosen.get("height")) or None)


def linked_guids(item) -> set[str]:
    return {link.get("residref") for link in children(child(item, "itemMeta"), "link") if link.get("residref")}


def _int(value: str | None) -> int:
    try:
        return int(value or 0)
    except ValueError:
        return 0
