"""Converted article bodies, kept between builds in one SQLite file under .dateline-cache/.

Converting Markdown is the largest part of a cold build; a rebuild converts only the articles
whose files changed. Bodies are looked up when a page needs them, so a build never holds every
body in memory; the summaries list pages show are small and are kept in memory.

The store is an optimisation only: a missing or damaged file is replaced and everything is
converted again. Each row is keyed by the article file's digest and the converter's own
fingerprint, so a new version of Python-Markdown or of our extensions starts afresh.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import markdown as python_markdown

from dateline import bodies, images, triggers, typography
from dateline.config import Config
from dateline.content import Article

STORE_NAME = "bodies.sqlite"
# A connection a forked process inherited: never used and never closed there. Closing it in the
# child would release the POSIX locks SQLite holds on the file for the child's own connection.
_INHERITED: list[sqlite3.Connection] = []


def _converter_fingerprint() -> str:
    """Changes whenever Python-Markdown or our conversion code does."""
    digest = hashlib.blake2b(python_markdown.__version__.encode(), digest_size=8)
    for module in (bodies, typography, triggers, images):  # images: figure markup and rendition names
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()


CONVERTER = _converter_fingerprint()


def cache_dir(config: Config) -> Path:
    return config.cache_dir


class BodyStore:
    """body key (body_key) -> (body HTML, first-paragraph summary). Opened lazily, once per process, so forked
    workers each get a connection of their own. The process that opens it first creates the file:
    the build opens it before forking workers (`open`), so that workers never race to create it."""

    timeout = 30.0  # seconds to wait for another process's write

    def __init__(self, path: Path):
        self.path = path
        self._connection: sqlite3.Connection | None = None
        self._pid = 0

    @classmethod
    def for_site(cls, config: Config) -> BodyStore:
        return cls(cache_dir(config) / STORE_NAME)

    @property
    def db(self) -> sqlite3.Connection:
        if self._connection is None or self._pid != os.getpid():
            if self._connection is not None:
                _INHERITED.append(self._connection)
            self._connection = self._open()
            self._pid = os.getpid()
        return self._connection

    def open(self) -> None:
        """Open (and create or replace) the file now, in this process."""
        self.db  # noqa: B018

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            return self._connect()
        except sqlite3.OperationalError:  # busy or locked by another process: not damage
            raise
        except sqlite3.DatabaseError:  # damaged: start afresh, without the old file's write-ahead log
            for path in (self.path, self.path.with_name(self.path.name + "-wal"), self.path.with_name(self.path.name + "-shm")):
                path.unlink(missing_ok=True)
            return self._connect()

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None, check_same_thread=False)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("CREATE TABLE IF NOT EXISTS bodies (key TEXT PRIMARY KEY, html TEXT NOT NULL, summary TEXT NOT NULL)")
        db.execute("SELECT count(*) FROM bodies WHERE key = ''").fetchone()  # raises now if the file is damaged
        return db

    @staticmethod
    def key(digest: str) -> str:
        return f"{CONVERTER}:{digest}"

    def html(self, digest: str) -> str | None:
        row = self.db.execute("SELECT html FROM bodies WHERE key = ?", (self.key(digest),)).fetchone()
        return row[0] if row else None

    def has(self, digest: str) -> bool:
        return self.db.execute("SELECT 1 FROM bodies WHERE key = ?", (self.key(digest),)).fetchone() is not None

    def summaries(self, digests: Iterable[str]) -> dict[str, str]:
        """digest -> summary for those of `digests` the store has."""
        return dict(self._rows("summary", digests))

    def present(self, digests: Iterable[str]) -> set[str]:
        """Those of `digests` the store has (one query for 500, where `has` makes one each)."""
        return {digest for digest, _ in self._rows("1", digests)}

    def _rows(self, column: str, digests: Iterable[str]) -> Iterator[tuple[str, object]]:
        """(digest, column) for those of `digests` the store has."""
        wanted = list(dict.fromkeys(digests))
        prefix = len(CONVERTER) + 1
        for start in range(0, len(wanted), 500):
            chunk = [self.key(d) for d in wanted[start:start + 500]]
            marks = ",".join("?" * len(chunk))
            for key, value in self.db.execute(f"SELECT key, {column} FROM bodies WHERE key IN ({marks})", chunk):
                yield key[prefix:], value

    def add(self, rows: Iterable[tuple[str, str, str]]) -> None:
        """(digest, html, summary) rows, in one transaction."""
        db = self.db
        db.execute("BEGIN")
        try:
            db.executemany("INSERT OR REPLACE INTO bodies VALUES (?, ?, ?)",
                           ((self.key(d), html, summary) for d, html, summary in rows))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def keep_only(self, digests: Iterable[str]) -> None:
        """Forget bodies of deleted and replaced versions (and of other converters)."""
        db = self.db
        live = {self.key(d) for d in digests}
        stale = [key for (key,) in db.execute("SELECT key FROM bodies") if key not in live]
        if len(stale) > max(100, len(live) // 10):  # now and then, not on every build
            db.execute("BEGIN")
            db.executemany("DELETE FROM bodies WHERE key = ?", ((k,) for k in stale))
            db.execute("COMMIT")

    def close(self) -> None:
        if self._connection is not None and self._pid == os.getpid():
            self._connection.close()
        self._connection = None


class Bodies(Mapping):
    """source -> body HTML for the articles of one index, read from the store when a page needs it."""

    def __init__(self, store: BodyStore, digests: Mapping[str, str]):
        self.store = store
        self.digests = digests  # source -> body key

    def __getitem__(self, source: str) -> str:
        html = self.store.html(self.digests[source])
        if html is None:
            raise KeyError(source)
        return html

    def __iter__(self) -> Iterator[str]:
        return iter(self.digests)

    def __len__(self) -> int:
        return len(self.digests)


class Summaries(Mapping):
    """source -> first-paragraph summary, read from the store the first time a list shows it.

    `known` (body key -> summary) may outlive one build: a body key names the text it was made
    from, so its summary never changes, and the dev server's next rebuild reads none again (a
    month's list shows about 250 at 10,000 stories, a query each)."""

    def __init__(self, store: BodyStore, digests: Mapping[str, str], known: dict[str, str] | None = None):
        self.store = store
        self.digests = digests
        self._known = {} if known is None else known

    def __getitem__(self, source: str) -> str:
        digest = self.digests[source]
        summary = self._known.get(digest)
        if summary is None:
            summary = self._known[digest] = self.store.summaries([digest]).get(digest, "")
        return summary

    def read_ahead(self, sources: Iterable[str]) -> None:
        """Read the summaries of `sources` not known yet, in one query (Renderer.article_views)."""
        digests = [digest for digest in (self.digests[s] for s in sources) if digest not in self._known]
        found = self.store.summaries(digests)
        for digest in digests:
            self._known[digest] = found.get(digest, "")

    def __iter__(self) -> Iterator[str]:
        return iter(self.digests)

    def __len__(self) -> int:
        return len(self.digests)


def convert(text: str, photos: images.ArticleImages = images.NO_IMAGES) -> tuple[str, str]:
    """(body HTML, summary) of one article's Markdown body, its photos as figures."""
    html = bodies.render_markdown(text, photos)
    return html, bodies.first_paragraph_text(html)


def body_key(article: Article, photos: images.ArticleImages) -> str:
    """What a converted body is stored under: the article file's digest, and the photos it shows
    (their renditions' names and sizes are in the HTML)."""
    return f"{article.digest}:{photos.key}" if photos.key else article.digest
