"""The JSON that `dateline build --changes FILE` writes: {"created": [...], "updated": [...], "deleted": [...]},
site-relative paths of output files."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from dateline.errors import UsageError

KEYS = ("created", "updated", "deleted")


@dataclass(frozen=True)
class Changes:
    written: tuple[str, ...]  # created or updated
    created: frozenset[str]
    deleted: tuple[str, ...]


def read_changes(file: Path) -> Changes:
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"--changes {file}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"--changes {file}: cannot read it: {exc}") from None
    except json.JSONDecodeError as exc:
        raise UsageError(f"--changes {file}:{exc.lineno}: not JSON: {exc.msg}") from None
    if not isinstance(data, dict):
        raise UsageError(f'--changes {file}: expected {{"created": [...], "updated": [...], "deleted": [...]}}')
    unknown = sorted(set(data) - set(KEYS))
    if unknown:
        raise UsageError(f"--changes {file}: unknown key {unknown[0]!r} (expected created, updated, deleted)")
    lists = {key: _paths(file, key, data.get(key, [])) for key in KEYS}
    written = sorted(set(lists["created"]) | set(lists["updated"]))
    return Changes(written=tuple(written), created=frozenset(lists["created"]), deleted=tuple(sorted(set(lists["deleted"]))))


def _paths(file: Path, key: str, value: object) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(path, str) for path in value):
        raise UsageError(f"--changes {file}: {key!r} must be a list of paths")
    paths = []
    for path in value:
        relative = path.lstrip("/")
        if not relative or any(part in ("", ".", "..") for part in relative.split("/")) or "\\" in relative:
            raise UsageError(f"--changes {file}: {path!r} in {key!r} is not a path inside the site")
        paths.append(relative)
    return paths
