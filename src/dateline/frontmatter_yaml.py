"""Split a Markdown file into YAML front matter and body, keeping each key's line number."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

import frontmatter
import yaml

from dateline.characters import INVALID_CHARACTERS, describe_characters
from dateline.errors import ContentError

# python-frontmatter's own boundary pattern (a multi-line regex), so files split as it splits them.
BOUNDARY = frontmatter.YAMLHandler.FM_BOUNDARY
# The split keeps the newline that ends the opening '---', so YAML's line 0 is file line 1.
FIRST_LINE = 1
OPENING = re.compile(r"\A(?:\ufeff)?---[ \t]*\r?\n")


# Front matter is a handful of keys a few levels deep; these bound what a hostile file can make
# the loader (and every stage after it) walk: nesting, and nodes with aliases expanded.
MAX_DEPTH = 32
MAX_NODES = 20_000


@dataclass(frozen=True)
class RawDocument:
    meta: dict
    key_lines: dict[str, int]  # front matter key -> 1-based line in the file
    body: str
    body_line: int  # 1-based line where the body starts
    # (top-level key, warning) for characters dropped from values (YAML escapes such as "\v")
    dropped: tuple[tuple[str, str], ...] = ()


STR_TAG = "tag:yaml.org,2002:str"

# libyaml's parser is several times faster and reports the same marks.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_BaseLoader):
    """SafeLoader that remembers on which line each top-level key stands."""

    def construct_object(self, node, deep=False):
        # Most values are text, whose constructor gives the node's value as it is: the base method's
        # bookkeeping around it was a fifth of reading an article's front matter.
        if node.tag == STR_TAG and node.__class__ is yaml.ScalarNode:
            return node.value
        self.current_node = node  # where a constructor's own error (`!!int abc`) is reported
        return super().construct_object(node, deep)


def _oversized_node(root: yaml.Node) -> tuple[yaml.Node, str] | None:
    """The first node nested deeper than MAX_DEPTH or past MAX_NODES (aliases expanded)."""
    stack, seen = [(root, 1)], 0
    while stack:
        node, depth = stack.pop()
        seen += 1
        if depth > MAX_DEPTH:
            return node, f"nested more than {MAX_DEPTH} levels deep"
        if seen > MAX_NODES:
            return node, f"more than {MAX_NODES:,} values (counting what aliases repeat)"
        if isinstance(node, yaml.MappingNode):
            stack.extend((child, depth + 1) for pair in node.value for child in pair)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in node.value)
    return None


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode, deep: bool = False):
    mapping = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool)) and key is not None:
            raise yaml.constructor.ConstructorError(
                None, None, "front matter keys must be plain words", key_node.start_mark
            )
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                None, None, f"the key {key!r} is given twice", key_node.start_mark
            )
        mapping[key] = loader.construct_object(value_node, deep=True)
        if node is getattr(loader, "_root", None):
            loader.key_lines[str(key)] = key_node.start_mark.line
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
# YAML 1.1 reads "2024-05-03" as a date and "yes" as True; keep dates (validated later) and
# make timestamps keep their offset.
_LineLoader.add_constructor(
    "tag:yaml.org,2002:timestamp",
    lambda loader, node: _timestamp(loader.construct_scalar(node)),
)


def _timestamp(text: str) -> dt.date | dt.datetime | str:
    try:
        if len(text) <= 10:
            return dt.date.fromisoformat(text)
        return dt.datetime.fromisoformat(text.replace(" ", "T", 1))
    except ValueError:
        return text


def split_document(path: str, text: str) -> tuple[RawDocument | None, list[ContentError]]:
    """Return the parsed document, or the errors that keep it from being read."""
    if not text.strip():
        return None, [ContentError(path, 1, "the file is empty")]
    if not OPENING.match(text):
        return None, [ContentError(path, 1, "no front matter: the file must start with a '---' line")]
    text = text.lstrip("\ufeff")
    parts = BOUNDARY.split(text, 2)
    if len(parts) < 3:
        return None, [ContentError(path, 1, "front matter is not closed: no second '---' line")]
    _, fm_text, body = parts
    body_line = text[: len(text) - len(body)].count("\n") + 1
    loader = _LineLoader(fm_text)
    loader.key_lines = {}
    try:
        root = loader.get_single_node()
        oversized = _oversized_node(root) if root is not None else None
        if oversized:
            node, problem = oversized
            return None, [ContentError(path, FIRST_LINE + node.start_mark.line, f"front matter {problem}")]
        loader._root = root
        meta = loader.construct_document(root) if root is not None else None
    except yaml.YAMLError as exc:
        line, message = explain_yaml_error(exc, fm_text)
        return None, [ContentError(path, FIRST_LINE + line, f"invalid YAML in front matter: {message}")]
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:  # a constructor's: `!!int abc`
        node = getattr(loader, "current_node", None)
        line = FIRST_LINE + node.start_mark.line if node is not None else 1
        return None, [ContentError(path, line, f"invalid value in front matter: {exc}")]
    finally:
        loader.dispose()
    if not isinstance(meta, dict):
        kind = "empty" if meta is None else f"a {type(meta).__name__}"
        return None, [ContentError(path, 1, f"front matter must be a mapping of keys to values, not {kind}")]
    key_lines = {key: line + FIRST_LINE for key, line in loader.key_lines.items()}
    # A value holds a character no output can carry only from the text itself or from a YAML escape:
    # most front matter has neither, and its values need no walk.
    dropped = _drop_invalid_values(meta) if "\\" in fm_text or INVALID_CHARACTERS.search(fm_text) else ()
    return RawDocument(meta, key_lines, body, body_line, dropped), []


def _drop_invalid_values(meta: dict) -> tuple[tuple[str, str], ...]:
    """Drop the characters no output can carry from META's values, in place; (key, warning) for each key that had some."""
    dropped = []
    for key, value in meta.items():
        found: list[str] = []
        meta[key] = _without_invalid(value, found)
        if found:
            shown = " ".join(INVALID_CHARACTERS.sub("", str(key)).split())  # a message is one line: no CR, LF or U+0085
            dropped.append((str(key), f"warning: '{shown}': dropped {describe_characters(found)}"))
    return tuple(dropped)


def _without_invalid(value, found: list[str]):
    """VALUE with characters no output can carry dropped from every string in it (YAML escapes
    such as "\v" or "\ud800" make them without their raw bytes in the file)."""
    if isinstance(value, str):
        bad = INVALID_CHARACTERS.findall(value)
        if not bad:
            return value
        found.extend(bad)
        return INVALID_CHARACTERS.sub("", value)
    if isinstance(value, list):
        return [_without_invalid(item, found) for item in value]
    if isinstance(value, dict):
        return {_without_invalid(k, found): _without_invalid(v, found) for k, v in value.items()}
    return value


def add_front_matter_key(text: str, key: str, value: object) -> str:
    """TEXT with `key: value` added as the front matter's last line; every other byte is kept
    (a person's formatting and comments survive). The key must not be there already."""
    opening = OPENING.match(text)
    closing = BOUNDARY.search(text, opening.end()) if opening else None
    if closing is None:
        raise ValueError("the text has no front matter to add a key to")
    lines = yaml.safe_dump({key: value}, allow_unicode=True, sort_keys=False, width=10_000)
    return text[:closing.start()] + lines + text[closing.start():]


# ---- YAML errors in words a reporter can act on ----------------------------------------------

# `key: value` on one line, perhaps as a list item: "title: Breaking: news", "  - name: Kim".
_KEY_VALUE = re.compile(r"^(?P<indent>\s*(?:-\s+)?)(?P<key>[^\s:#\"'][^:#]*?):[ \t]+(?P<value>\S.*?)\s*$")


def explain_yaml_error(exc: yaml.YAMLError, text: str) -> tuple[int, str]:
    """The (0-based) line of TEXT a YAML error is really at, and what to do about it.

    libyaml reports where it gave up, which is often lines after the mistake (an unclosed quote
    is reported at the end of the front matter) and in its own terms ("mapping values are not
    allowed in this context"); the usual mistakes are recognised and named at their own line."""
    lines = text.split("\n")
    problem, context = getattr(exc, "problem", None) or str(exc), getattr(exc, "context", None) or ""
    problem_mark, context_mark = getattr(exc, "problem_mark", None), getattr(exc, "context_mark", None)
    at = problem_mark.line if problem_mark else 0
    started = context_mark.line if context_mark else at
    tabbed = next((number for number, line in enumerate(lines[:at + 1]) if re.match(r"^ *\t", line)), None)
    if tabbed is not None:
        return tabbed, "a tab in the indentation; YAML indents with spaces only: replace the tab with spaces"
    if context == "while scanning a quoted scalar" and context_mark:
        quote = lines[started][context_mark.column:context_mark.column + 1] or '"'
        return started, f"the {quote} quote opened on this line is never closed: end the value with {quote}"
    for opening, closing, kind in (("[", "]", "flow sequence"), ("{", "}", "flow mapping")):
        if kind in context:
            return started, f"the {opening} opened on this line is never closed with {closing}"
    line = lines[at] if at < len(lines) else ""
    entry = _KEY_VALUE.match(line)
    if entry:
        advice = _quoting_advice(problem, entry, problem_mark.column if problem_mark else 0)
        if advice:
            return at, advice
    if problem == "mapping values are not allowed in this context" and line[:1].isspace():
        return at, ("this line is indented, but the key above it already has its value: "
                    "start the line at the left margin like the other keys")
    return at, problem + (f" ({context})" if context else "")


def _quoting_advice(problem: str, entry: re.Match, column: int) -> str:
    """When the value on a `key: value` line needs quotes, say so and show the line quoted."""
    key, value = entry["key"].strip(), entry["value"]
    quoted = f"{entry['indent'].strip()}{' ' if entry['indent'].strip() else ''}{key}: {json.dumps(value, ensure_ascii=False)}"
    if problem == "mapping values are not allowed in this context" and column >= entry.start("value"):
        return f"the value of {key!r} holds a colon followed by a space: put it in quotes: {quoted}"
    if problem == "found character that cannot start any token" and column == entry.start("value"):
        return f"a value cannot start with {value[0]!r}: put it in quotes: {quoted}"
    if problem == "block sequence entries are not allowed in this context":
        return f"a value that starts with '- ' is read as a list: put it in quotes: {quoted}"
    if problem == "did not find expected key" and value[:1] in ("'", '"'):
        inner = value[1:-1] if value[-1:] == value[0] else value[1:]
        fixed = "'" + inner.replace("'", "''") + "'" if value[0] == '"' else json.dumps(inner, ensure_ascii=False)
        return (f"the value of {key!r} goes on after its closing quote: quote the whole value with the other quote "
                f"mark: {key}: {fixed}")
    return ""
