"""Raw bytes -> wire items: which wire format a file is (by its content), parsed and validated.

`sniff` says "ninjs" for JSON, "newsml" for XML whose root is an IPTC NAR item or message (or
NewsML 1.x, refused with a message), and "" for anything else (page text and HTML pages take
their own path). A file yields one result per article it holds: a RawArticle, or the
RawFileError that keeps that item out (the file's other items still import).
"""

from __future__ import annotations

import codecs
import json
import re
from dataclasses import replace
from pathlib import Path
from zoneinfo import ZoneInfo

import lxml.etree

from dateline.importer import newsml, ninjs
from dateline.importer.reading import decode
from dateline.importer.records import RawArticle, RawFileError
from dateline.importer.wire import is_article, to_raw
from dateline.importer.wire_schemas import newsml_problems, ninjs_problems
from dateline.importer.wire_text import NOT_XML

XML_START = re.compile(r"\A\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*|<!DOCTYPE[^>]*>\s*)*<(?P<root>[\w:.-]+)", re.S)
NAR_ROOTS = {"newsItem", "newsMessage", "NewsML", *newsml.ITEM_KINDS}
G2_PARTS = {"contentSet", "contentMeta", "itemMeta", "inlineXML", "nitf"}  # fragments people save by mistake
HTML_ROOTS = {"html", "head", "body", "meta", "title", "div", "p", "article", "section", "main", "table", "span"}
Result = RawArticle | RawFileError
EXTENSIONS = {"signals", "signal"}


def _head(data: bytes) -> str:
    head = data[:4096]
    for bom, codec in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if head.startswith(bom):
            return head[len(bom):len(bom) + (len(head) - len(bom)) // 2 * 2].decode(codec, "replace")
    return head.decode("utf-8", "replace").lstrip("\ufeff")


def sniff(data: bytes) -> str:
    head = _head(data).lstrip()
    if head.startswith(("{", "[")):
        return "ninjs"
    match = XML_START.match(head)
    if match:  # declared XML, or a NewsML-G2 element, is read as NewsML-G2, which says what else it is
        root = match.group("root").rsplit(":", 1)[-1]
        if root.lower() in HTML_ROOTS:
            return ""
        if head.startswith("<?xml") or root in NAR_ROOTS or root in G2_PARTS or newsml.NAR in head:
            return "newsml"
    return ""


def read_wire(path: Path, data: bytes, kind: str, tz: ZoneInfo, *, validate: bool = True) -> list[Result]:
    return read_ninjs(path, data, tz, validate) if kind == "ninjs" else read_newsml(path, data, tz, validate)


# ---- ninjs ---------------------------------------------------------------------------------


def read_ninjs(path: Path, data: bytes, tz: ZoneInfo, validate: bool) -> list[Result]:
    text = decode(path, data, html=False)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RawFileError(path, f"invalid JSON: {exc.msg} (column {exc.colno})", exc.lineno) from None
    except RecursionError:
        raise RawFileError(path, "invalid JSON: nested too deep") from None
    items = ninjs.items_in(document)
    if not items:
        raise RawFileError(path, "JSON, but not an IPTC ninjs item (no object with a 'uri' and a headline, "
                                 "type or body; nor an envelope such as data.item or items holding one)")
    results: list[Result] = []
    for number, item in enumerate(items, 1):
        where = f"item {number} ({item.get('uri')})" if len(items) > 1 else ""
        try:
            results.append(_ninjs_item(path, item, where, tz, validate))
        except RawFileError as error:
            results.append(error)
        except RecursionError:
            results.append(RawFileError(path, f"{where + ': ' if where else ''}nested too deep"))
    articles = [r for r in results if not isinstance(r, _NotArticle)]
    if not articles:
        raise RawFileError(path, _no_article_message(results))
    return articles


class _NotArticle(RawFileError):
    def __init__(self, path: Path, item_class: str):
        self.item_class = item_class.rsplit(":", 1)[-1] or "unknown"
        super().__init__(path, f"a {self.item_class} item")


def _no_article_message(results: list[Result]) -> str:
    return no_article(sorted({r.item_class for r in results if isinstance(r, _NotArticle)}), len(results) > 1)


def no_article(kinds: list[str], several: bool) -> str:
    return (f"holds no article, only {' and '.join(kinds)} item{'s' if several else ''} "
            f"(pictures, graphics, video, audio, packages and concepts are not articles)")


def _ninjs_item(path: Path, item: dict, where: str, tz: ZoneInfo, validate: bool) -> RawArticle:
    series = ninjs.series(item)
    fields = ninjs.fields_of(item, path, where)
    if not is_article(fields.item_class, bool(fields.body)):
        raise _NotArticle(path, fields.item_class)
    # `signals` (corrections, updates) is an extension agencies add to ninjs; the IPTC schemas do
    # not list it, so it is set aside for validation rather than failing every such item.
    problems = ninjs_problems({k: v for k, v in item.items() if str(k).lower() not in EXTENSIONS}, series)
    if problems and validate:
        raise fields.error(f"not valid ninjs {series}.x (its JSON Schema): " + "; ".join(problems)
                           + " (--no-validate imports it anyway)")
    if problems:
        fields.warnings.append(f"not valid ninjs {series}.x: " + "; ".join(problems))
    return to_raw(fields, tz)


# ---- NewsML-G2 -----------------------------------------------------------------------------


def _parser() -> lxml.etree.XMLParser:
    # No entities, no network, no DTD loading: a wire file is data, not a program.
    return lxml.etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def parse_xml(path: Path, data: bytes) -> tuple[lxml.etree._Element, list[str]]:
    """The document's root; characters XML cannot carry are dropped (with a warning) before parsing."""
    warnings = []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = None
    if text is not None:
        cleaned, count = NOT_XML.subn("", text)
        if count:
            warnings.append(f"dropped {count} character{'s' if count != 1 else ''} that XML cannot carry")
            data = re.sub(r"\A(\s*<\?xml[^>]*?)encoding=[\"'][^\"']*[\"']", r"\1", cleaned).encode("utf-8")
    try:
        return lxml.etree.fromstring(data, _parser()), warnings
    except lxml.etree.XMLSyntaxError as exc:
        line = exc.lineno or 1
        message = re.sub(r", line \d+, column \d+$", "", exc.msg or str(exc))
        raise RawFileError(path, f"invalid XML: {message}", line) from None


def read_newsml(path: Path, data: bytes, tz: ZoneInfo, validate: bool) -> list[Result]:
    root, warnings = parse_xml(path, data)
    name = newsml.local(root)
    if name == "NewsML":
        raise RawFileError(path, "NewsML 1.x is not supported: ask the agency for NewsML-G2 or ninjs", root.sourceline)
    items = newsml.items_of(root)
    if not items:
        raise RawFileError(path, f"XML, but not a NewsML-G2 item or message (root element <{name}>)", root.sourceline)
    problems = newsml_problems(lxml.etree.ElementTree(root))
    if problems and validate:
        line, _ = problems[0]
        listed = "; ".join(f"line {n}: {m}" for n, m in problems)
        raise RawFileError(path, f"not valid NewsML-G2 2.35 (its XML Schema): {listed} (--no-validate imports it anyway)",
                           line)
    if problems:
        warnings.append("not valid NewsML-G2 2.35: " + "; ".join(f"line {n}: {m}" for n, m in problems))
    texts = [item for item in items if newsml.local(item) == "newsItem"
             and is_article(newsml.item_class(item), bool(newsml.body_of(item)[0]))]
    if not texts:
        kinds = sorted({newsml.item_class(item).rsplit(":", 1)[-1] or newsml.local(item) for item in items})
        raise RawFileError(path, no_article(kinds, len(items) > 1))
    return _newsml_articles(path, items, texts, warnings, tz)


def _newsml_articles(path: Path, items: list, texts: list, warnings: list[str], tz: ZoneInfo) -> list[Result]:
    """One result per text item; a picture item gives the lead photo of the text items that link to it."""
    pictures = {item.get("guid"): newsml.picture_of(item, path.parent) for item in items
                if item not in texts and newsml.local(item) == "newsItem"}
    pictures = {guid: image for guid, image in pictures.items() if image is not None}
    results: list[Result] = []
    for number, item in enumerate(texts, 1):
        where = f"item {number} ({item.get('guid')}, line {item.sourceline})" if len(items) > 1 else ""
        image = next((pictures[g] for g in newsml.linked_guids(item) if g in pictures), None)
        if image is None and len(texts) == 1 and pictures:
            image = next(iter(pictures.values()))
        try:
            fields = newsml.fields_of(item, path, where, image)
            results.append(to_raw(replace(fields, warnings=[*warnings, *fields.warnings]), tz))
        except RawFileError as error:
            results.append(error)
    return results
