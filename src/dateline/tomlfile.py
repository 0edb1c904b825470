"""TOML files read strictly: tomllib for the values, a scanner for the line of every key.

tomllib keeps no line numbers, and an error that says only "dateline.toml: unknown key" sends a
person hunting. KeyLines scans the text once (tables, arrays of tables, dotted and quoted keys,
inline tables, arrays and multi-line strings) and maps every key's path to its line; Problems
collects every error of one file at its line, so a file with three typos shows all three.
This is the one mechanism for dateline.toml and the data files it names.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from dateline.errors import ConfigError, ContentError

# A path names a key from the top of the file: ("languages", "en", "title"), ("person", 2, "email");
# integers index arrays (of tables, or inline ones).
KeyPath = tuple[str | int, ...]

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_SCALAR_END = re.compile(r"[,\]}#\n]")


class KeyLines:
    """The line of every table and key of a TOML text (1-based).

    The text must already have parsed with tomllib: the scanner trusts its structure, and on
    anything it does not understand it stops, leaving later keys at their table's line."""

    def __init__(self, text: str):
        self.text = text
        self.pos = 0
        self.line_number = 1
        self.lines: dict[KeyPath, int] = {}
        self.arrays: dict[KeyPath, int] = {}  # an array of tables -> how many [[...]] so far
        try:
            self._scan()
        except (IndexError, ValueError, tomllib.TOMLDecodeError):
            pass

    def line(self, *path: str | int) -> int:
        """The line of PATH, else of the nearest table or key that holds it, else 1."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return 1

    # ---- scanning --------------------------------------------------------------------------

    def _scan(self) -> None:
        table: KeyPath = ()
        while self._skip_blank(newlines=True):
            if self._peek() == "[":
                table = self._header()
            else:
                self._key_value(table)
            self._skip_blank(newlines=False)
            if self._peek() not in ("\n", ""):
                raise ValueError("expected the end of a line")

    def _peek(self, length: int = 1) -> str:
        return self.text[self.pos:self.pos + length]

    def _advance(self, count: int) -> None:
        self.line_number += self.text.count("\n", self.pos, self.pos + count)
        self.pos += count

    def _skip_blank(self, *, newlines: bool) -> bool:
        """Skip spaces and comments (and line ends if NEWLINES); False at the end of the text."""
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char in " \t\r" or (newlines and char == "\n"):
                self._advance(1)
            elif char == "#":
                end = self.text.find("\n", self.pos)
                self._advance((len(self.text) if end < 0 else end) - self.pos)
            else:
                return True
        return False

    def _header(self) -> KeyPath:
        line = self.line_number
        array = self._peek(2) == "[["
        self._advance(2 if array else 1)
        parts = self._key()
        self._skip_blank(newlines=False)
        closing = "]]" if array else "]"
        if self._peek(len(closing)) != closing:
            raise ValueError("unclosed table header")
        self._advance(len(closing))
        if array:
            name = self._resolve(parts[:-1]) + (parts[-1],)
            index = self.arrays.get(name, 0)
            self.arrays[name] = index + 1
            self._record(name, line)
            table = name + (index,)
        else:
            table = self._resolve(parts)
        self._record(table, line)
        return table

    def _resolve(self, parts: tuple[str, ...]) -> KeyPath:
        """A header's dotted name as a path: through an array of tables, its latest element."""
        path: KeyPath = ()
        for part in parts:
            path += (part,)
            if path in self.arrays:
                path += (self.arrays[path] - 1,)
        return path

    def _record(self, path: KeyPath, line: int) -> None:
        # Tables a dotted name makes on the way (a.b in [a.b.c]) are first seen on this line.
        for end in range(1, len(path) + 1):
            self.lines.setdefault(path[:end], line)

    def _key_value(self, table: KeyPath) -> None:
        line = self.line_number
        path = table + self._key()
        self._record(path, line)
        self._skip_blank(newlines=False)
        if self._peek() != "=":
            raise ValueError("expected '='")
        self._advance(1)
        self._skip_blank(newlines=False)
        self._value(path)

    def _key(self) -> tuple[str, ...]:
        parts = []
        while True:
            self._skip_blank(newlines=False)
            char = self._peek()
            if char in ('"', "'"):
                start = self.pos
                self._single_line_string(char)
                parts.append(tomllib.loads("k = " + self.text[start:self.pos])["k"])
            else:
                match = _BARE_KEY.match(self.text, self.pos)
                if not match:
                    raise ValueError("expected a key")
                parts.append(match.group())
                self._advance(match.end() - self.pos)
            self._skip_blank(newlines=False)
            if self._peek() != ".":
                return tuple(parts)
            self._advance(1)

    def _value(self, path: KeyPath) -> None:
        char = self._peek()
        if self._peek(3) in ('"""', "'''"):
            self._multi_line_string(self._peek(3))
        elif char in ('"', "'"):
            self._single_line_string(char)
        elif char == "[":
            self._array(path)
        elif char == "{":
            self._inline_table(path)
        else:
            match = _SCALAR_END.search(self.text, self.pos)
            self._advance((match.start() if match else len(self.text)) - self.pos)

    def _single_line_string(self, quote: str) -> None:
        end = self.pos + 1
        while self.text[end] != quote:
            end += 2 if quote == '"' and self.text[end] == "\\" else 1
        self._advance(end + 1 - self.pos)

    def _multi_line_string(self, delimiter: str) -> None:
        end = self.pos + 3
        while True:
            end = self.text.index(delimiter, end)
            backslashes = len(self.text[:end]) - len(self.text[:end].rstrip("\\"))
            if delimiter == "'''" or backslashes % 2 == 0:
                break
            end += 1
        end += 3
        for _ in range(2):  # up to two more quotes end the string's content: """a""""" is 'a""'
            if self.text[end:end + 1] == delimiter[0]:
                end += 1
        self._advance(end - self.pos)

    def _array(self, path: KeyPath) -> None:
        self._advance(1)
        index = 0
        while self._skip_blank(newlines=True) and self._peek() != "]":
            self.lines.setdefault(path + (index,), self.line_number)
            self._value(path + (index,))
            index += 1
            self._skip_blank(newlines=True)
            if self._peek() == ",":
                self._advance(1)
        self._advance(1)

    def _inline_table(self, path: KeyPath) -> None:
        self._advance(1)
        while self._skip_blank(newlines=True) and self._peek() != "}":
            self._key_value(path)
            self._skip_blank(newlines=True)
            if self._peek() == ",":
                self._advance(1)
        self._advance(1)


# ---- reading a file and collecting its problems -------------------------------------------


@dataclass(frozen=True)
class TomlFile:
    shown: str  # the file as errors name it: "dateline.toml", "data/staff.toml"
    data: dict
    lines: KeyLines


def read_toml(path: Path, shown: str) -> TomlFile:
    """The file's values and key lines; invalid TOML is a ConfigError at the line tomllib names."""
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except UnicodeDecodeError:
        raise ConfigError(shown, "the file is not UTF-8 text; save it as UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(shown, *_invalid_toml(str(exc), text)) from None
    return TomlFile(shown, data, KeyLines(text))


def _invalid_toml(message: str, text: str) -> tuple[str, int]:
    """tomllib's message in plain words, and its line: "Invalid value (at line 3, column 12)"."""
    match = re.search(r"\s*\(at line (\d+), column (\d+)\)", message)
    if not match:
        return f"invalid TOML: {message}", 1
    line = int(match.group(1))
    problem = message[:match.start()] + message[match.end():]
    source = text.splitlines()[line - 1] if line <= len(text.splitlines()) else ""
    bare = re.match(r"""^\s*([\w.-]+)\s*=\s*([^"'\[{\s\d+-][^#]*?)\s*(#.*)?$""", source)
    if bare and bare.group(2).lower() in ("true", "false"):
        return f"invalid TOML: true and false are written in lower case: {bare.group(1)} = {bare.group(2).lower()}", line
    if bare and bare.group(2) not in ("inf", "nan"):
        return f'invalid TOML: text values need quotes: {bare.group(1)} = "{bare.group(2)}"', line
    return f"invalid TOML: {problem[:1].lower()}{problem[1:]} (column {match.group(2)})", line


def did_you_mean(key: str, known: Iterable[str], aliases: dict[str, str] | None = None) -> str:
    """'; did you mean 'per_page'?' for a misspelt key, or '' when nothing is close."""
    known = list(known)
    folded = {name.replace("_", "").replace("-", "").casefold(): name for name in known}
    guess = (folded.get(key.replace("_", "").replace("-", "").casefold())
             or (aliases or {}).get(key.casefold())
             or next(iter(difflib.get_close_matches(key, known, n=1, cutoff=0.7)), None)
             or next((name for name in known if len(key) >= 2 and (name.startswith(key) or key.startswith(name))), None))
    return f"; did you mean {guess!r}?" if guess else ""


class Problems:
    """Every problem found in one TOML file, each at the line of the key it is about."""

    def __init__(self, file: TomlFile):
        self.file = file
        self.errors: list[ContentError] = []

    def add(self, path: KeyPath, message: str) -> None:
        self.errors.append(ContentError(self.file.shown, self.file.lines.line(*path), message))

    def unknown_keys(self, table: dict, known: Iterable[str], path: KeyPath, label: str = "",
                     aliases: dict[str, str] | None = None) -> None:
        """An error for each key of TABLE (at PATH; named LABEL in messages) that is not KNOWN."""
        known = tuple(known)
        where = f" in {label}" if label else ""
        for key in table:
            if key not in known:
                hint = did_you_mean(key, known, aliases) or f" (known keys: {', '.join(known)})"
                self.add(path + (key,), f"unknown key {key!r}{where}{hint}")

    def raise_if_any(self) -> None:
        if self.errors:
            raise ConfigError(self.file.shown, errors=sorted(set(self.errors)))
