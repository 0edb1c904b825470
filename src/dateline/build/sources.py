"""The site's content files as last read: re-read only the files that changed.

A file is re-read when the watcher names it or, on a rescan, when its stat signature moved; a
build in a new process starts from the table the last build saved, so it re-reads only what
changed since. An article whose file bytes are unchanged keeps its Article object, so later
stages can tell "unchanged" by identity. Articles are kept without their Markdown body once it
is converted (the body store has the HTML).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from dateline.config import Config
from dateline.content import Article, content_files, is_content_file, load_article, relative_source
from dateline.errors import ContentError


@dataclass(frozen=True)
class SourceFile:
    article: Article | None
    errors: tuple[ContentError, ...]
    signature: tuple[int, ...] | None


def signature(path: Path) -> tuple[int, ...] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)


class SourceFiles:
    """Every content/<lang>/**/*.md file: its Article (or its errors), kept up to date."""

    def __init__(self, config: Config):
        self.config = config
        self.files: dict[Path, SourceFile] = {}
        self.articles: dict[str, Article] = {}  # source -> article, for files that loaded
        self.dirty: set[str] = set()  # sources changed since `clean` was last called

    def take(self, path: Path, article: Article | None, errors: list[ContentError], sig: tuple | None) -> None:
        """Record a file read elsewhere (a worker process of a cold build)."""
        self.files[path] = SourceFile(article, tuple(errors), sig)
        source = relative_source(self.config, path)
        if article is None:
            self.articles.pop(source, None)
        else:
            self.articles[source] = article
        self.dirty.add(source)

    def keep_without_body(self, source: str) -> None:
        """The body is converted and stored: keep the article without its Markdown."""
        article = self.articles.get(source)
        if article is None or not article.body:
            return
        lean = replace(article, body="")
        self.articles[source] = lean
        path = self.config.site_dir / source
        file = self.files[path]
        self.files[path] = SourceFile(lean, file.errors, file.signature)

    def changed_paths(self) -> tuple[list[Path], list[Path]]:
        """(new or changed files, files gone) since the table was made, by stat signature."""
        present = {path: signature(path) for path in content_files(self.config)}
        gone = [p for p in self.files if p not in present]
        changed = [p for p, sig in present.items() if (known := self.files.get(p)) is None or known.signature != sig]
        return changed, gone

    def errors(self) -> list[ContentError]:
        return [e for file in self.files.values() for e in file.errors]

    def refresh(self, paths: Iterable[Path] = (), rescan: bool = False) -> set[str]:
        """Re-read the named paths (and, with rescan, every file whose signature moved)."""
        changed: set[str] = set()
        paths = list(paths)
        if rescan or any(self._is_folder(p) for p in paths):
            changed |= self._rescan()
        for path in paths:
            if self._is_content_file(path):
                changed |= self._reload(path)
            elif path in self.files:
                changed |= self._forget(path)
        self.dirty |= changed
        return changed

    def clean(self) -> None:
        self.dirty.clear()

    def _is_content_file(self, path: Path) -> bool:
        return is_content_file(self.config, path) and path.is_file()

    def _is_folder(self, path: Path) -> bool:
        """A folder event (created, moved, deleted): its files are found by a rescan."""
        if path.is_dir():
            return True
        return not path.exists() and path not in self.files and any(p.is_relative_to(path) for p in self.files)

    def _rescan(self) -> set[str]:
        changed_files, gone = self.changed_paths()
        changed = set()
        for path in gone:
            changed |= self._forget(path)
        for path in changed_files:
            changed |= self._reload(path)
        return changed

    def _reload(self, path: Path) -> set[str]:
        sig = signature(path)
        try:
            article, errors = load_article(self.config, path)
        except OSError:  # deleted (or replaced by a folder) between the event and the read
            return self._forget(path)
        source = relative_source(self.config, path)
        old = self.files.get(path)
        if old and old.article and article and old.article.digest == article.digest:
            article = old.article  # same bytes: keep the object (without its body), so identity means "unchanged"
        self.files[path] = SourceFile(article, tuple(errors), sig)
        if old and old.article is article and old.errors == tuple(errors):
            return set()
        if article is None:
            self.articles.pop(source, None)
        else:
            self.articles[source] = article
        return {source}

    def _forget(self, path: Path) -> set[str]:
        if self.files.pop(path, None) is None:
            return set()
        source = relative_source(self.config, path)
        self.articles.pop(source, None)
        return {source}
