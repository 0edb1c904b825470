"""The site's content files as last read: re-read only the files that changed.

A file is re-read when the watcher names it or, on a rescan, when its stat signature moved.
An article whose file bytes are unchanged keeps its Article object, so later stages can tell
"unchanged" by identity.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from dateline.config import Config
from dateline.content import Article, content_files, is_article_name, load_article, relative_source
from dateline.errors import ContentError


@dataclass(frozen=True)
class SourceFile:
    article: Article | None
    errors: tuple[ContentError, ...]
    signature: tuple[int, ...] | None


def signature(path: Path) -> tuple[int, ...] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)


class SourceFiles:
    """Every article file below content/ (content.is_article_name): its Article (or its errors), kept up to date."""

    def __init__(self, config: Config):
        self.config = config
        self.files: dict[Path, SourceFile] = {}
        self.articles: dict[str, Article] = {}  # source -> article, for files that loaded
        self.dirty: set[str] = set()  # sources changed since `clean` was last called

    def seed(self, articles: list[Article], errors: list[ContentError]) -> None:
        """Take over what a full load read (build.load_and_convert), without reading again."""
        by_source = {a.source: a for a in articles}
        errors_by_source = defaultdict(list)
        for error in errors:
            errors_by_source[error.path].append(error)
        self.files.clear()
        self.articles = dict(by_source)
        for path in content_files(self.config):
            source = relative_source(self.config, path)
            if source in by_source or source in errors_by_source:
                file = SourceFile(by_source.get(source), tuple(errors_by_source[source]), signature(path))
                self.files[path] = file
            else:  # appeared after the load: read it now
                self._reload(path)
        self.dirty.clear()

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
        # The rule of content.content_files: article files anywhere below content/.
        return is_article_name(path.name) and path.is_relative_to(self.config.content_dir) and path.is_file()

    def _is_folder(self, path: Path) -> bool:
        """A folder event (created, moved, deleted): its files are found by a rescan."""
        if path.is_dir():
            return True
        return not path.exists() and path not in self.files and any(p.is_relative_to(path) for p in self.files)

    def _rescan(self) -> set[str]:
        present = {path: signature(path) for path in content_files(self.config)}
        changed = set()
        for path in [p for p in self.files if p not in present]:
            changed |= self._forget(path)
        for path, sig in present.items():
            known = self.files.get(path)
            if known is None or known.signature != sig:
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
            article = old.article  # same bytes: keep the object, so identity means "unchanged"
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
