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
from dateline.content import Article, content_sources, is_content_file, load_article, relative_source
from dateline.errors import ContentError
from dateline.records import pickled_by_fields


@pickled_by_fields
@dataclass(frozen=True, slots=True)
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


class SharedValues:
    """One object for each value many articles repeat (a language, a section, a tag, a place, a
    byline, a front matter layout's line table): an archive of 100,000s keeps one, not one per
    article (a third of a kept article's memory)."""

    def __init__(self):
        self.values: dict = {}

    def __call__(self, value):
        return self.values.setdefault(value, value)

    def table(self, table: dict) -> dict:
        """A dict no one changes (key_lines, extra), shared by its items (when they can be hashed)."""
        try:
            return self.values.setdefault(("table", *table.items()), table)
        except TypeError:  # a list in `extra`: kept as it is
            return table

    def article(self, article: Article) -> Article:
        share = self
        return replace(
            article, lang=share(article.lang), section=share(article.section), kind=share(article.kind),
            tags=share(tuple(share(tag) for tag in article.tags)), dateline=share(article.dateline),
            correspondents=share(tuple(share(person) for person in article.correspondents)),
            key_lines=share.table(article.key_lines), extra=share.table(article.extra),
        )


class SourceFiles:
    """Every article file below content/: its Article (or its errors), kept up to date. Files are
    keyed by source (the path relative to the site, as in Article.source): plain strings, cheap
    to compare, save and load for an archive of 100,000s."""

    def __init__(self, config: Config):
        self.config = config
        self.files: dict[str, SourceFile] = {}
        self.articles: dict[str, Article] = {}  # source -> article, for files that loaded
        self.dirty: set[str] = set()  # sources changed since `clean` was last called
        self.shared = SharedValues()

    def path(self, source: str) -> Path:
        return self.config.site_dir / source

    def take(self, source: str, article: Article | None, errors: list[ContentError], sig: tuple | None) -> None:
        """Record a file read elsewhere (a worker process of a cold build)."""
        known = self.files.get(source)
        if article is not None and (known is None or known.article is not article):
            article = self.shared.article(article)
        self.files[source] = SourceFile(article, tuple(errors), sig)
        if article is None:
            self.articles.pop(source, None)
        else:
            self.articles[source] = article
        self.dirty.add(source)

    def keep_lean(self, source: str, lean: Article) -> None:
        """The body is converted and stored: keep the article as `lean` (workers.lean)."""
        if self.articles.get(source) is None:
            return
        self.articles[source] = lean
        file = self.files[source]
        self.files[source] = SourceFile(lean, file.errors, file.signature)

    def changed_sources(self) -> tuple[list[str], list[str]]:
        """(new or changed files, files gone) since the table was made, by stat signature."""
        site = str(self.config.site_dir)
        present = {source: signature(f"{site}/{source}") for source in content_sources(self.config)}
        gone = [s for s in self.files if s not in present]
        changed = [s for s, sig in present.items() if (known := self.files.get(s)) is None or known.signature != sig]
        return changed, gone

    def errors(self) -> list[ContentError]:
        return [e for file in self.files.values() for e in file.errors]

    def refresh(self, paths: Iterable[Path] = (), rescan: bool = False) -> set[str]:
        """Re-read the paths a watcher named (and, with rescan, every file whose signature moved)."""
        changed: set[str] = set()
        paths = list(paths)
        if rescan or any(self._is_folder(p) for p in paths):
            changed |= self._rescan()
        for path in paths:
            if is_content_file(self.config, path) and path.is_file():
                changed |= self.reload(relative_source(self.config, path))
            elif path.is_relative_to(self.config.site_dir) and relative_source(self.config, path) in self.files:
                changed |= self.forget(relative_source(self.config, path))
        self.dirty |= changed
        return changed

    def clean(self) -> None:
        self.dirty.clear()

    def _is_folder(self, path: Path) -> bool:
        """A folder event (created, moved, deleted): its files are found by a rescan."""
        if path.is_dir():
            return True
        if path.exists() or not path.is_relative_to(self.config.site_dir):
            return False
        prefix = relative_source(self.config, path) + "/"
        return any(s.startswith(prefix) for s in self.files)

    def _rescan(self) -> set[str]:
        changed_files, gone = self.changed_sources()
        changed = set()
        for source in gone:
            changed |= self.forget(source)
        for source in changed_files:
            changed |= self.reload(source)
        return changed

    def reload(self, source: str) -> set[str]:
        path = self.path(source)
        sig = signature(path)
        try:
            article, errors = load_article(self.config, path)
        except OSError:  # deleted (or replaced by a folder) between the event and the read
            return self.forget(source)
        old = self.files.get(source)
        if old and old.article and article and old.article.digest == article.digest:
            article = old.article  # same bytes: keep the object (without its body), so identity means "unchanged"
        elif article is not None:
            article = self.shared.article(article)
        self.files[source] = SourceFile(article, tuple(errors), sig)
        if old and old.article is article and old.errors == tuple(errors):
            return set()
        if article is None:
            self.articles.pop(source, None)
        else:
            self.articles[source] = article
        return {source}

    def forget(self, source: str) -> set[str]:
        if self.files.pop(source, None) is None:
            return set()
        self.articles.pop(source, None)
        return {source}
