"""URL slugs: lowercase ASCII words of the English headline joined by '-'.

"Israel-Hamas ceasefire negotiations hit stalemate" -> "israel-hamas-ceasefire-negotiations-hit-stalemate";
"U.S. won't budge on Rafah" -> "us-wont-budge-on-rafah". A Korean headline is romanized first.
"""

from __future__ import annotations

import re
import unicodedata

from korean_romanizer.romanizer import Romanizer

MAX_LENGTH = 80
JOINED = re.compile(r"(?<=\w)['’.](?=\w)")  # U.S., won't: one word

def ascii_slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = JOINED.sub("", text).lower()
    words = re.findall(r"[a-z0-9]+", text)
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > MAX_LENGTH and slug:
            break
        slug = candidate
    return slug

def romanized_slug(text: str) -> str:
    """A Korean headline as an ASCII slug: "이-하마스 휴전 협상 교착" -> "i-hamaseu-hyujeon-hyeopsang-gyochak"."""
    return ascii_slug(Romanizer(text).romanize())

def headline_slug(title: str) -> str:
    return ascii_slug(title) if not _mostly_hangul(title) else romanized_slug(title)

def _mostly_hangul(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    hangul = [ch for ch in letters if "가" <= ch <= "힣"]
    return bool(letters) and len(hangul) * 2 >= len(letters)

