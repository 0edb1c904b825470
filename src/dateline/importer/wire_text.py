"""Wire copy -> clean Markdown: bodies in HTML, XHTML, NITF or plain text, and text XML cannot carry.

Kept: paragraphs, headings (h1-h6; NITF hl1/hl2), lists (ul/ol; NITF ul/ol/dl as items), links
(http, https and mailto only), block quotes (blockquote; NITF bq/block), emphasis. Dropped:
scripts, styles, media, tables' layout (cells become paragraphs), and any other markup (its text
is kept). All text goes through markdown_escape, so a wire's punctuation shows as written.

The agency's dateline lead-in ("SPRINGFIELD, Ill. (AP) _ ", "GROSSETO, Italy (AP) -- ", and
Korean agencies' "(서울=연합뉴스) 김기윤 기자 = ") is taken off the first paragraph once the
place is the article's dateline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import lxml.etree
import lxml.html

from dateline.importer.markdown_escape import escape_inline, escape_line_start, escape_paragraph

# XML 1.0's Char production: anything else (C0 controls but tab and newlines, lone surrogates,
# U+FFFE, U+FFFF) cannot reach a feed or a sitemap, so wire text loses it here.
NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6, "hl1": 2, "hl2": 3}
SKIPPED = {"script", "style", "head", "title", "media", "figure", "img", "video", "audio", "iframe", "object",
           "noscript", "template", "svg", "math", "body.head", "body.end", "hedline", "byline", "dateline",
           "distributor", "docdata", "tagline", "bibliography"}
LISTS = {"ul": "-", "ol": "1."}
QUOTES = {"blockquote", "bq"}
BLOCKS = {"p", "pre", "li", "dt", "dd", "td", "th", "caption", "address", "nitf-table", "note", "fn"}
EMPHASIS = {"em": "*", "i": "*", "strong": "**", "b": "**"}
# Inline elements of HTML and NITF: their text joins the line they stand in.
INLINE = {"a", "span", "font", "u", "s", "sub", "sup", "abbr", "cite", "q", "code", "small", "big", "mark", "time",
          "person", "org", "location", "money", "num", "chron", "classifier", "event", "function",
          "object.title", "virtloc", "alt-code", "pronounce", "copyrite", "lang", *EMPHASIS}
# Block elements found inside a paragraph or list item by sloppy markup: keep a space around them.
BLOCK_LIKE = {"p", "div", "li", "ul", "ol", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "section"}
LINK_SCHEMES = ("http://", "https://", "mailto:")
LEAD_IN = re.compile(
    r"^\s*(?P<place>[A-Z][A-Z.'’\- ]*[A-Z.])"  # GROSSETO, SPRINGFIELD, NEW YORK
    r"(?:\s*,\s*[^()\n]{1,40}?)?"  # , Ill.  , Italy
    r"\s*\((?P<agency>[^()\n]{1,40})\)"  # (AP)
    r"\s*(?:--|_|—|–|-|:)\s*"
    # Korean agencies: "(서울=연합뉴스) 김기윤 기자 = " or "서울=뉴스1) ".
    r"|^\s*\(?(?P<ko_place>[가-힣]{1,12})\s*=\s*[가-힣A-Za-z0-9]{2,12}\)\s*(?:[가-힣]{2,5}\s*(?:기자|특파원)\s*=\s*)?"
)


def xml_safe(text: str) -> tuple[str, int]:
    """The text without characters XML cannot carry, and how many were dropped."""
    cleaned, count = NOT_XML.subn("", text)
    return cleaned, count


@dataclass(frozen=True)
class Block:
    kind: str  # "p", "h", "li", "quote"
    text: str  # already Markdown (escaped text, emphasis, links)
    level: int = 0  # heading level, list depth
    marker: str = ""  # "-" or "1." for list items
    group: int = 0  # list items of one outermost list share it


def html_to_blocks(markup: str) -> list[Block]:
    """An HTML or XHTML fragment (or a whole page) as Markdown blocks."""
    if not markup.strip():
        return []
    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return text_to_blocks(markup)
    return element_blocks(root)


def element_blocks(root) -> list[Block]:
    """Markdown blocks of an element tree (lxml, HTML or namespaced XML such as NITF)."""
    blocks: list[Block] = []
    _walk(root, blocks, depth=0, quote=False)
    return [b for b in blocks if b.text.strip()]


def _name(element) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return ""  # comments, processing instructions
    return lxml.etree.QName(tag).localname.lower()


def _walk(element, blocks: list[Block], depth: int, quote: bool, group: int = 0) -> None:
    name = _name(element)
    if name in SKIPPED:
        return
    if name in HEADINGS:
        blocks.append(Block("h", _line(_inline(element)), HEADINGS[name]))
    elif name in LISTS:
        for number, item in enumerate(e for e in element if _name(e) == "li"):
            marker = f"{number + 1}." if name == "ol" else "-"
            blocks.append(Block("li", _line(_inline(item, skip_lists=True)), depth, marker, group or id(element)))
            for child in item:
                if _name(child) in LISTS:
                    _walk(child, blocks, depth + 1, quote, group or id(element))
    elif name in QUOTES:
        inner: list[Block] = []
        _container(element, inner, depth, quote=True)
        blocks += [Block("quote", b.text) for b in inner]
    elif name in BLOCKS:
        blocks.append(Block("quote" if quote else "p", _line(_inline(element))))
    elif name != "br":
        _container(element, blocks, depth, quote)


def _container(element, blocks: list[Block], depth: int, quote: bool) -> None:
    """A div, section, body or unknown element: loose text and inline children become paragraphs."""
    kind = "quote" if quote else "p"
    loose = [escape_inline(element.text or "")]
    for child in element:
        name = _name(child)
        if name == "br" or (name not in INLINE and name):
            _flush(loose, blocks, kind)
            loose = []
            if name != "br":
                _walk(child, blocks, depth, quote)
        elif name:
            loose.append(_inline_child(child, name))
        loose.append(escape_inline(child.tail or ""))
    _flush(loose, blocks, kind)


def _flush(parts: list[str], blocks: list[Block], kind: str) -> None:
    text = _line("".join(parts))
    if text:
        blocks.append(Block(kind, text))


def _line(markdown: str) -> str:
    """Inline Markdown as one line: spaces collapsed, and what a line's start needs escaped."""
    line = " ".join(markdown.split())
    return escape_line_start(line) if line else ""


def _inline(element, *, skip_lists: bool = False) -> str:
    """An element's content as inline Markdown: text, emphasis and links."""
    parts = [escape_inline(element.text or "")]
    for child in element:
        name = _name(child)
        if not (skip_lists and name in LISTS):
            parts.append(_inline_child(child, name))
        parts.append(escape_inline(child.tail or ""))
    return "".join(parts)


def _inline_child(child, name: str) -> str:
    if not name or name in SKIPPED:
        return ""
    if name == "br":
        return " "
    if name == "a":
        return _link(child)
    if name in EMPHASIS:
        inner = " ".join(_inline(child).split())
        return f"{EMPHASIS[name]}{inner}{EMPHASIS[name]}" if inner else ""
    return " " + _inline(child) + " " if name in BLOCK_LIKE else _inline(child)


def _link(element) -> str:
    text = " ".join(_inline(element).split())
    href = (element.get("href") or "").strip()
    if not text:
        return ""
    if not href.lower().startswith(LINK_SCHEMES) or any(ch in href for ch in " <>()"):
        return text
    return f"[{text}]({href})"


def text_to_blocks(text: str) -> list[Block]:
    """Plain wire text: paragraphs separated by blank lines or, when there are none, by line ends."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    chunks = re.split(r"\n\s*\n", text) if re.search(r"\n\s*\n", text) else text.split("\n")
    return [Block("p", escape_paragraph(chunk)) for chunk in chunks if chunk.strip()]


def blocks_to_markdown(blocks: list[Block]) -> str:
    lines: list[str] = []
    for previous, block in zip([None, *blocks], blocks, strict=False):
        tight = previous is not None and previous.kind == block.kind and block.kind in ("li", "quote") \
            and (block.kind == "quote" or _same_list(previous, block))
        if lines and not tight:
            lines.append("")
        if block.kind == "h":
            lines.append(f"{'#' * block.level} {block.text}")
        elif block.kind == "li":
            lines.append(f"{'    ' * block.level}{block.marker} {block.text}")
        elif block.kind == "quote":
            if tight:
                lines.append(">")
            lines.append(f"> {block.text}")
        else:
            lines.append(block.text)
    return "\n".join(lines) + "\n" if lines else ""


def _same_list(previous: Block, block: Block) -> bool:
    return previous.group == block.group


def lead_in_place(blocks: list[Block]) -> str:
    """The place of an agency lead-in ("GROSSETO, Italy (AP) --") on the first paragraph, title-cased."""
    first = next((b for b in blocks if b.kind == "p"), None)
    match = LEAD_IN.match(_plain(first.text)) if first else None
    if not match:
        return ""
    return match.group("ko_place") or _title_case(match.group("place"))


def drop_lead_in(blocks: list[Block]) -> list[Block]:
    """The blocks without the agency lead-in of the first paragraph (when it has one)."""
    index = next((i for i, b in enumerate(blocks) if b.kind == "p"), None)
    if index is None:
        return blocks
    line = blocks[index].text
    match = LEAD_IN.match(_plain(line))
    if not match:
        return blocks
    # The lead-in is plain text; find where it ends in the Markdown line (escapes make it longer).
    cut = next((k for k in range(len(line) + 1) if len(_plain(line[:k])) >= match.end() and not line[:k].endswith("\\")),
               len(line))
    rest = line[cut:].lstrip()
    rest = escape_line_start(rest[:1].upper() + rest[1:]) if rest else ""
    return blocks[:index] + ([Block("p", rest)] if rest else []) + blocks[index + 1:]


def _plain(markdown_line: str) -> str:
    """An escaped Markdown line back to its text (for the lead-in only: it has no links)."""
    return re.sub(r"\\(.)", r"\1", markdown_line)


def _title_case(place: str) -> str:
    words = re.split(r"(\s+|-)", place.strip())
    return "".join(w[:1].upper() + w[1:].lower() if w.strip() and w != "-" else w for w in words)
