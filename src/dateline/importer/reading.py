"""Raw files -> text: UTF-8 (with or without a byte-order mark) or UTF-16 with one; saved HTML
pages may also declare another charset (EUC-KR pages are still common); text saved in the
legacy Korean encodings (CP949, EUC-KR) without saying so is recognised by charset-normalizer.
Line ends become \\n."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from dateline.importer.records import RawFileError

HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml"}
HTML_START = re.compile(rb"\A\s*(?:<!doctype\s+html|<html[\s>]|<!--|<head[\s>]|<meta\s)", re.I)
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)
MAX_BYTES = 20 * 1024 * 1024


def read_bytes(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_BYTES:
            raise RawFileError(path, f"larger than {MAX_BYTES // (1024 * 1024)} MB: not an article")
        return path.read_bytes()
    except OSError as exc:
        raise RawFileError(path, f"cannot be read: {exc.strerror or exc}") from None


def is_html(path: Path, data: bytes) -> bool:
    return path.suffix.lower() in HTML_SUFFIXES or bool(HTML_START.match(data.lstrip(codecs.BOM_UTF8)))


def decode(path: Path, data: bytes, *, html: bool) -> str:
    if not data.strip():
        raise RawFileError(path, "the file is empty")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = _decode_utf16(path, data)
    else:
        text = _decode_8bit(path, data, html=html)
    if "\x00" in text:
        raise RawFileError(path, "holds NUL bytes: a binary file, not an article")
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _decode_8bit(path: Path, data: bytes, *, html: bool) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problem = exc
    declared = META_CHARSET.search(data[:4096]) if html else None
    if declared:
        try:
            return data.decode(declared.group(1).decode("ascii"))
        except (LookupError, UnicodeDecodeError):
            pass
    legacy = _legacy_korean(data)
    if legacy is not None:
        return legacy
    line = data[: problem.start].count(b"\n") + 1
    raise RawFileError(
        path, f"not UTF-8 text (byte 0x{data[problem.start]:02x} on line {line}); save it as UTF-8"
    )


def _decode_utf16(path: Path, data: bytes) -> str:
    try:
        return data.decode("utf-16")
    except UnicodeDecodeError as exc:
        what = "an odd number of bytes" if len(data) % 2 else f"a broken character at byte {exc.start}"
        raise RawFileError(path, f"starts as UTF-16 text but has {what}: the file is cut short or not UTF-16; "
                                 f"save it again as UTF-8") from None


# The legacy encodings Korean newsrooms still save in. Detection is statistical, so only these
# are trusted: any other guess on bytes that are not UTF-8 is more likely wrong than right.
KOREAN_ENCODINGS = {"cp949", "euc_kr", "johab", "iso2022_kr"}


def _legacy_korean(data: bytes) -> str | None:
    """The text of a file saved as CP949 or EUC-KR (detected by charset-normalizer), else None."""
    from charset_normalizer import from_bytes  # imported on first use: most files are UTF-8

    best = from_bytes(data[:MAX_BYTES], cp_isolation=sorted(KOREAN_ENCODINGS)).best()
    if best is None or best.encoding not in KOREAN_ENCODINGS:
        return None
    text = str(best)
    return text if any("\uac00" <= ch <= "\ud7a3" for ch in text) else None
