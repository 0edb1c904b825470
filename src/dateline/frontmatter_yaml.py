"""Split a Markdown file into YAML front matter and body, keeping each key's line number."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import frontmatter
import yaml

from dateline.errors import ContentError

# python-frontmatter's own boundary pattern (a multi-line regex), so files split as it splits them.
BOUNDARY = frontmatter.YAMLHandler.FM_BOUNDARY
# The split keeps the newline that ends the opening '---', so YAML's line 0 is file line 1.
FIRST_LINE = 1
OPENING = re.compile(r"\A(?:\ufeff)?---[ \t]*\r?\n")


@dataclass(frozen=True)
class RawDocument:
    meta: dict
    key_lines: dict[str, int]  # front matter key -> 1-based line in the file
    body: str
    body_line: int  # 1-based line where the body starts


# libyaml's parser is several times faster and reports the same marks.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_BaseLoader):
    """SafeLoader that remembers on which line each top-level key stands."""


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
        loader._root = root
        meta = loader.construct_document(root) if root is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = FIRST_LINE + mark.line if mark else 1
        problem = getattr(exc, "problem", None) or str(exc)
        return None, [ContentError(path, line, f"invalid YAML in front matter: {problem}")]
    finally:
        loader.dispose()
    if not isinstance(meta, dict):
        kind = "empty" if meta is None else f"a {type(meta).__name__}"
        return None, [ContentError(path, 1, f"front matter must be a mapping of keys to values, not {kind}")]
    key_lines = {key: line + FIRST_LINE for key, line in loader.key_lines.items()}
    return RawDocument(meta, key_lines, body, body_line), []


def add_front_matter_key(text: str, key: str, value: object) -> str:
    """TEXT with `key: value` added as the front matter's last line; every other byte is kept
    (a person's formatting and comments survive). The key must not be there already."""
    opening = OPENING.match(text)
    closing = BOUNDARY.search(text, opening.end()) if opening else None
    if closing is None:
        raise ValueError("the text has no front matter to add a key to")
    lines = yaml.safe_dump({key: value}, allow_unicode=True, sort_keys=False, width=10_000)
    return text[:closing.start()] + lines + text[closing.start():]
