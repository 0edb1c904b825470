"""Characters no output of dateline may carry, found and dropped in one place.

XML 1.0 cannot carry C0 controls other than tab, newline and carriage return, U+FFFE and U+FFFF,
or surrogates: one of them makes a feed or a sitemap not XML at all. HTML parses those, DEL, the
C1 controls and the other noncharacters as errors. Content loading drops them all with a warning
(content.py, frontmatter_yaml.py), and the templates' output filter drops them again
(render.make_environment), so neither a page nor a feed ever holds one.
"""

from __future__ import annotations

import re

INVALID_CHARACTERS = re.compile(
    "[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f\\ud800-\\udfff\\ufdd0-\\ufdef"
    + "".join(f"{chr(plane + 0xFFFE)}{chr(plane + 0xFFFF)}" for plane in range(0, 0x110000, 0x10000))
    + "]"
)
# The same set in two patterns a scan runs faster: re tests a character against a small class
# (a bitmap) in one step, but against the 32 scattered astral noncharacters one by one.
_INVALID_BMP_CHARACTERS = re.compile("[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f\\ud800-\\udfff\\ufdd0-\\ufdef\\ufffe\\uffff]")
_ASTRAL = re.compile("[\\U00010000-\\U0010ffff]")


def has_invalid_characters(text: str) -> bool:
    """Whether INVALID_CHARACTERS would find anything in `text`, several times faster on long text."""
    if _INVALID_BMP_CHARACTERS.search(text):
        return True
    return not text.isascii() and _ASTRAL.search(text) is not None and INVALID_CHARACTERS.search(text) is not None


def strip_invalid_characters(text: str) -> str:
    """`text` without the characters no XML or HTML output may carry."""
    return INVALID_CHARACTERS.sub("", text) if has_invalid_characters(text) else text


def describe_characters(found: list[str]) -> str:
    """"2 control characters (U+000B, U+0008) that XML and HTML cannot carry"."""
    codes = ", ".join(dict.fromkeys(f"U+{ord(ch):04X}" for ch in found))
    noun = "character" if len(found) == 1 else "characters"
    return f"{len(found)} control {noun} ({codes}) that XML and HTML cannot carry"
