"""Characters no output of dateline may carry, found and dropped in one place.

XML 1.0 cannot carry C0 controls other than tab, newline and carriage return, U+FFFE and U+FFFF,
or surrogates: one of them makes a feed or a sitemap not XML at all. HTML parses those, DEL, the
C1 controls and the other noncharacters as errors. Content loading drops them all with a warning
(content.py, frontmatter_yaml.py), and the templates' output filter drops them again
(render.make_environment), so neither a page nor a feed ever holds one.
"""

from __future__ import annotations

import re

_IN_BMP = "\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f\\ud800-\\udfff\\ufdd0-\\ufdef\\ufffe\\uffff"
_ASTRAL_NONCHARACTERS = "".join(f"{chr(plane + 0xFFFE)}{chr(plane + 0xFFFF)}" for plane in range(0x10000, 0x110000, 0x10000))
# One character of the set. A class holding the 32 astral noncharacters one by one is tested
# entry by entry at every position (a third of a millisecond per 3.5 KB article); a class of ranges is a
# bitmap lookup, so every astral character is let in by one range and the lookbehind, run only
# after one, keeps the noncharacters among them. Same matches, a tenth of the time.
INVALID_CHARACTERS = re.compile(f"[{_IN_BMP}\\U00010000-\\U0010ffff](?<=[{_IN_BMP}{_ASTRAL_NONCHARACTERS}])")


def has_invalid_characters(text: str) -> bool:
    """Whether `text` holds a character of the set (the templates' finalize asks of every value)."""
    return INVALID_CHARACTERS.search(text) is not None


def strip_invalid_characters(text: str) -> str:
    """`text` without the characters no XML or HTML output may carry."""
    return INVALID_CHARACTERS.sub("", text) if has_invalid_characters(text) else text


def describe_characters(found: list[str]) -> str:
    """"2 control characters (U+000B, U+0008) that XML and HTML cannot carry"."""
    codes = ", ".join(dict.fromkeys(f"U+{ord(ch):04X}" for ch in found))
    noun = "character" if len(found) == 1 else "characters"
    return f"{len(found)} control {noun} ({codes}) that XML and HTML cannot carry"
