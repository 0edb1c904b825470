"""RAW arguments -> raw files: files as given, folders searched for raw articles, globs expanded
(for shells that pass them on unexpanded, and for quoted patterns such as 'raw/**/*.txt')."""

from __future__ import annotations

import glob
from dataclasses import dataclass
from pathlib import Path

RAW_SUFFIXES = {".txt", ".text", ".html", ".htm", ".xhtml", ".shtml", ".json", ".xml", ".nitf"}


@dataclass(frozen=True)
class Inputs:
    files: tuple[Path, ...]
    missing: tuple[tuple[str, str], ...]  # (argument, reason)


def expand(arguments: tuple[str, ...] | list[str]) -> Inputs:
    files: dict[Path, Path] = {}  # resolved -> as the user named it
    missing = []
    for argument in arguments:
        found = _expand_one(argument)
        if not found:
            reason = "no file matches this pattern" if glob.has_magic(argument) else "no such file or folder"
            reason = "the folder holds no raw articles (.txt, .html, .json, .xml)" if Path(argument).is_dir() else reason
            missing.append((argument, reason))
        for path in found:
            files.setdefault(path.resolve(), path)
    return Inputs(tuple(files.values()), tuple(missing))


def _expand_one(argument: str) -> list[Path]:
    path = Path(argument)
    if path.is_file():
        return [path]
    if path.is_dir():
        return _raw_files_in(path)
    if glob.has_magic(argument):
        matches = sorted(Path(p) for p in glob.glob(argument, recursive=True))
        return [f for match in matches for f in ([match] if match.is_file() else _raw_files_in(match))]
    return []


def _raw_files_in(folder: Path) -> list[Path]:
    return sorted(
        p for p in folder.rglob("*")
        if p.is_file() and p.suffix.lower() in RAW_SUFFIXES
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )
