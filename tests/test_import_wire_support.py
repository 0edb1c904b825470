"""Helpers for the wire import tests (no tests here): small valid ninjs and NewsML-G2 items.

`ninjs3(**fields)` is a ninjs 3.x text item that passes the 3.1 JSON Schema; keyword arguments
replace or add top-level keys (None removes one). `newsml_item(...)` is a NewsML-G2 newsItem
that passes the 2.35 XSD; its parts are keyword arguments holding XML text.
"""

from __future__ import annotations

import json
from pathlib import Path
from xml.sax.saxutils import escape

WIRE = Path(__file__).parent / "data" / "wire"


def ninjs3(**fields) -> dict:
    item = {
        "uri": "urn:example:wire:item-1",
        "type": "text",
        "version": "1",
        "firstCreated": "2024-05-02T22:55:00Z",
        "versionCreated": "2024-05-02T22:55:00Z",
        "pubStatus": "usable",
        "language": "en",
        "headlines": [{"role": "main", "value": "Ceasefire talks resume in Cairo"}],
        "by": "By Jane Roe",
        "located": "Cairo, Egypt",
        "bodies": [{"role": "main", "contentType": "text/html",
                    "value": "<p>CAIRO (AP) _ Negotiators met again on Friday.</p><p>A second paragraph.</p>"}],
    }
    for key, value in fields.items():
        if value is None:
            item.pop(key, None)
        else:
            item[key] = value
    return item


def write_json(folder: Path, name: str, value) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def paragraphs_xml(*paragraphs: str) -> str:
    return "".join(f"<p>{escape(p)}</p>" for p in paragraphs)


def newsml_item(*, guid: str = "urn:newsml:example.com:20240503:talks", version: str = "1", lang: str = "en",
                item_class: str = "ninat:text", version_created: str = "2024-05-02T22:55:00Z",
                first_created: str = "2024-05-02T22:55:00Z", item_meta_extra: str = "",
                located: str = '<located type="cptype:city" qcode="geo:1"><name>Cairo</name></located>',
                creator: str = "<creator><name>Jane Roe</name></creator>",
                headline: str = "Ceasefire talks resume in Cairo", content_meta_extra: str = "",
                body: str | None = None, content_set: str | None = None, root: bool = True) -> str:
    """A newsItem (with the XML declaration when root) that validates against NewsML-G2 2.35."""
    if body is None:
        body = paragraphs_xml("CAIRO (Reuters) - Negotiators met again on Friday.", "A second paragraph.")
    if content_set is None:
        content_set = (f'<inlineXML contenttype="application/nitf+xml"><nitf xmlns="http://iptc.org/std/NITF/2006-10-18/">'
                       f"<body><body.content>{body}</body.content></body></nitf></inlineXML>")
    declaration = '<?xml version="1.0" encoding="UTF-8"?>\n' if root else ""
    namespace = ' xmlns="http://iptc.org/std/nar/2006-10-01/"' if root else ""
    first = f"<firstCreated>{first_created}</firstCreated>" if first_created else ""
    headline_xml = f"<headline>{escape(headline)}</headline>" if headline else ""
    return (
        f'{declaration}<newsItem{namespace} guid="{guid}" version="{version}" standard="NewsML-G2" '
        f'standardversion="2.35" conformance="power" xml:lang="{lang}">\n'
        f'<catalogRef href="http://www.iptc.org/std/catalog/catalog.IPTC-G2-Standards_32.xml"/>\n'
        f'<itemMeta><itemClass qcode="{item_class}"/><provider qcode="nprov:EXAMPLE"/>'
        f"<versionCreated>{version_created}</versionCreated>{first}{item_meta_extra}</itemMeta>\n"
        f"<contentMeta>{located}{creator}<language tag=\"{lang}\"/>{headline_xml}{content_meta_extra}</contentMeta>\n"
        f"<contentSet>{content_set}</contentSet>\n</newsItem>\n"
    )


def news_message(*items: str) -> str:
    """A newsMessage carrying the items (written with root=False)."""
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<newsMessage xmlns="http://iptc.org/std/nar/2006-10-01/">'
            "<header><sent>2024-05-03T00:00:00Z</sent></header><itemSet>" + "".join(items) + "</itemSet></newsMessage>\n")


def write_text(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path
