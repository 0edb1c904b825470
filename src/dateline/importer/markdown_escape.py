r"""Plain text -> Markdown that shows exactly that text (Python-Markdown with the build's extensions).

Each paragraph is one line. Escaped everywhere: backslash, backtick, * _ [ ] { } (emphasis,
links, footnotes, attribute lists), `<` before anything that could start a tag, autolink or
comment, and `&` that would start an entity. At the start of a line also: headings (#),
block quotes (>), list markers (- + * and "1."), rules, fenced code (~~~) and definitions (:).
Quotes, "--" and "..." are left alone: Markdown reads nothing into them, and the build's smart
typography sets them as the rest of the site (curly quotes, dashes, ellipses), so imported wire
copy reads like the desk's own and an editor never meets a backslash before a quote.
"""

from __future__ import annotations

import re

EVERYWHERE = re.compile(r"[\\`*_\[\]{}]")
TAG_START = re.compile(r"<(?=\S)")
ENTITY = re.compile(r"&(?=#[0-9]+;|#[xX][0-9a-fA-F]+;|[A-Za-z0-9]+;)")
ORDERED = re.compile(r"^(\d+)\.")
SPACES = re.compile(r"[ \t]+")


def escape_paragraph(text: str) -> str:
    """One paragraph of plain text as one Markdown line (runs of spaces and tabs collapsed)."""
    return escape_line_start(escape_inline(SPACES.sub(" ", text).strip()))


def escape_inline(text: str) -> str:
    """Text inside a line of Markdown (spaces kept as they are): everything but the line-start rules."""
    text = EVERYWHERE.sub(lambda m: "\\" + m.group(), text)
    text = ENTITY.sub("&amp;", text)
    return TAG_START.sub("&lt;", text)


def escape_line_start(text: str) -> str:
    """What a Markdown line needs escaped at its start only (headings, quotes, list markers)."""
    ordered = ORDERED.match(text)
    if ordered:
        return f"{ordered.group(1)}\\.{text[ordered.end():]}"
    if text.startswith("~"):
        return "&#126;" + text[1:]
    if text.startswith(":"):
        return "&#58;" + text[1:]
    if text[:1] in "#>+-":
        return "\\" + text
    return text


def paragraphs_to_markdown(paragraphs: list[str] | tuple[str, ...]) -> str:
    return "\n\n".join(escape_paragraph(p) for p in paragraphs if p.strip()) + "\n"
