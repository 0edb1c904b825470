"""Errors that name the file (and line) they come from, and the one place that prints them."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class ContentError:
    """One problem in one input file, reported as ``path:line: message``."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class DatelineError(Exception):
    """A failure that is reported to the user without a traceback."""


class UsageError(DatelineError):
    """The command cannot run as asked (a bad option, a missing folder or package): exits 2."""


class ConfigError(DatelineError):
    """The site's dateline.toml (or a data file it names) is unusable: one problem, or ERRORS (all of them)."""

    def __init__(self, path: str, message: str = "", line: int = 1, *, errors: Iterable[ContentError] = ()):
        self.errors = tuple(errors) or (ContentError(path, line, message),)
        self.error = self.errors[0]
        super().__init__("\n".join(str(error) for error in self.errors))


class BuildFailed(DatelineError):
    """The build found content errors; nothing was written."""

    def __init__(self, errors: list[ContentError]):
        self.errors = sorted(set(errors))
        super().__init__("\n".join(str(e) for e in self.errors))


def print_errors(errors: Iterable[ContentError], *, footer: bool = True, file=None) -> None:
    """Every error as `path:line: message` on stderr, then a count (`N errors; nothing was written.`)."""
    stream = file or sys.stderr
    errors = list(errors)
    for error in errors:
        print(error, file=stream)
    if footer:
        noun = "error" if len(errors) == 1 else "errors"
        print(f"{len(errors)} {noun}; nothing was written.", file=stream)
    stream.flush()
