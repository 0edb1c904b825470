"""Stage 3: article bodies from Markdown to HTML, with the extensions a news desk needs."""

from __future__ import annotations

import re
from functools import lru_cache

import markdown as python_markdown
from markdown.extensions.toc import slugify_unicode
from markupsafe import Markup

from dateline.typography import SmartTypographyExtension

# abbr is left out: it costs a fifth of the conversion time and wire copy has no use for it.
EXTENSIONS = [
    "tables",
    "footnotes",
    "attr_list",
    "def_list",
    "fenced_code",
    "sane_lists",
    "toc",
    SmartTypographyExtension(),
]
EXTENSION_CONFIGS = {
    # Hangul headings keep their letters in the id instead of collapsing to "_1".
    "toc": {"slugify": slugify_unicode, "permalink": False},
}

FIRST_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)
FOOTNOTE_REF = re.compile(r'<sup id="fnref[^"]*">.*?</sup>', re.S)


@lru_cache(maxsize=1)
def _converter() -> python_markdown.Markdown:
    # Building the converter costs more than converting an article: keep one per process.
    return python_markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)


def render_markdown(text: str) -> str:
    converter = _converter()
    try:
        return converter.convert(text)
    finally:
        converter.reset()


def first_paragraph_text(html: str) -> str:
    """Plain text of the first paragraph: the default summary."""
    match = FIRST_PARAGRAPH.search(html)
    if not match:
        return ""
    text = FOOTNOTE_REF.sub("", match.group(1))  # "servers.1" is not how a summary reads
    return " ".join(Markup(text).striptags().split())
