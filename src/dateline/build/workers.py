"""Spreading a build's two heavy steps, reading+converting articles and rendering pages, over
forked worker processes. Workers inherit what they need (the config, the index, the output
transaction) through the fork instead of unpickling it, and write rendered pages straight into
the transaction's staging folder."""

from __future__ import annotations

import gc
import multiprocessing
import signal
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import replace

from dateline import images
from dateline.build.bodystore import BodyStore, body_key, convert
from dateline.build.sources import signature
from dateline.config import Config
from dateline.content import Article, load_article
from dateline.errors import BuildFailed, ContentError
from dateline.index import Page
from dateline.render import Renderer
from dateline.write import OutputTransaction

# Below this many items a process pool costs more than it saves.
PARALLEL_THRESHOLD = 400

# A render worker's life: it ends after this many pages and a fresh one is forked. A worker copies
# every page of the parent's heap it touches (CPython writes reference counts into what it reads)
# and keeps the article views it made; a life over a bounded run of pages (in render.render_order,
# so one life shows articles of a few weeks) keeps each worker's copy bounded, whatever the size
# of the archive. A fork and a new set of views cost far less than 5,000 pages take to render.
PAGES_PER_WORKER_LIFE = 5_000

Progress = Callable[[str, int, int], None]  # (stage, done, total)

_SHARED: dict = {}  # what forked workers inherit: set before the pool starts


def _quiet_worker() -> None:
    # Ctrl-C reaches the whole process group: the parent reports it; a worker just ends.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@contextmanager
def _pool(jobs: int, chunks_per_life: int | None = None):
    # Forked workers share the parent's pages until they write to them, and the garbage collector
    # writes to every object it walks: frozen, the objects made so far (the index, the articles)
    # are never walked, so their pages stay shared (a 100,000-story index is hundreds of MiB).
    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(jobs, initializer=_quiet_worker,
                                                      maxtasksperchild=chunks_per_life) as pool:
            yield pool
    finally:
        gc.unfreeze()  # the dev server lives on: what it drops later may be collected again


# (source, article without its body, errors, stat signature, (body key, html, summary) if the store
# lacked it and the caller is to add it (a worker process adds its own: None), the article's photos
# as planned here: the parent keeps their probes)
ReadResult = tuple[str, Article | None, list[ContentError], tuple | None, tuple[str, str, str] | None,
                   images.ArticleImages]


def read_one(config: Config, source: str, store: BodyStore) -> ReadResult:
    path = config.site_dir / source
    sig = signature(path)
    try:
        article, errors = load_article(config, path)
    except OSError as exc:
        error = ContentError(source, 1, f"could not read: {exc.strerror or exc}")
        return source, None, [error], sig, None, images.NO_IMAGES
    if article is None:
        return source, None, errors, sig, None, images.NO_IMAGES
    photos = images.plan_article_images(config, article)
    key = body_key(article, photos)
    converted = None if photos.errors or store.has(key) else (key, *convert(article.body, photos))
    return source, lean(article), errors, sig, converted, photos


def lean(article: Article) -> Article:
    """The article as kept between builds: without its Markdown (the store has the HTML), unless
    the body names photos (which photos an article shows is read from its body)."""
    if not article.body or images.body_image_refs(article):
        return article
    return replace(article, body="")


def _read_chunk(sources: list[str]) -> list[ReadResult]:
    """Read a chunk in a worker, which stores the bodies it converted itself: the parent, which
    takes every result in turn, is sent no HTML (most of a result's bytes) and writes none."""
    config, store = _SHARED["config"], _SHARED["store"]
    results = [read_one(config, source, store) for source in sources]
    store.add(result[4] for result in results if result[4] is not None)
    return [(*result[:4], None, result[5]) if result[4] is not None else result for result in results]


def read_articles(config: Config, paths: list[str], store: BodyStore, jobs: int,
                  progress: Progress | None) -> Iterable[ReadResult]:
    """Read the files and convert the bodies the store lacks, in order of completion."""
    total = len(paths)
    if jobs == 1 or total < PARALLEL_THRESHOLD:
        for done, path in enumerate(paths, 1):
            yield read_one(config, path, store)
            if progress and (done % 100 == 0 or done == total):
                progress("reading", done, total)
        return
    size = max(10, min(200, total // (jobs * 8)))
    chunks = [paths[i:i + size] for i in range(0, total, size)]
    _SHARED.update(config=config, store=store)
    try:
        with _pool(jobs) as pool:
            done = 0
            for results in pool.imap_unordered(_read_chunk, chunks):
                done += len(results)
                if progress:
                    progress("reading", done, total)
                yield from results
    finally:
        _SHARED.clear()


def _render_chunk(renderer: Renderer, txn: OutputTransaction, pages: list[Page]) -> tuple[list[str], list[ContentError]]:
    staged = []
    for page in pages:
        try:
            if txn.write(page.output, renderer.render(page)):
                staged.append(page.output)
        except BuildFailed as failed:
            return staged, failed.errors
    return staged, []


def _render_inherited_chunk(pages: list[Page]) -> tuple[list[str], list[ContentError]]:
    """_render_chunk in a forked worker, with the renderer and transaction it inherited."""
    return _render_chunk(_SHARED["renderer"], _SHARED["txn"], pages)


def render_pages(renderer: Renderer, pages: list[Page], txn: OutputTransaction, jobs: int,
                 progress: Progress | None) -> list[str]:
    """Render pages into the transaction; returns the outputs staged (whose bytes changed).
    Raises BuildFailed with every template error found. In this process (jobs=1) it is safe on
    any thread: the dev server renders the later pages of a build on one while it rebuilds."""
    total = len(pages)
    errors: list[ContentError] = []
    staged: list[str] = []
    if jobs == 1 or total < PARALLEL_THRESHOLD:
        for start in range(0, total, 200):
            chunk_staged, chunk_errors = _render_chunk(renderer, txn, pages[start:start + 200])
            staged += chunk_staged
            errors += chunk_errors
            if progress:
                progress("rendering", min(start + 200, total), total)
    else:
        size = max(20, min(total // (jobs * 16), PAGES_PER_WORKER_LIFE // 4))
        chunks = [pages[i:i + size] for i in range(0, total, size)]
        _SHARED.update(renderer=renderer, txn=txn)
        try:
            with _pool(jobs, chunks_per_life=max(1, PAGES_PER_WORKER_LIFE // size)) as pool:
                done = 0
                for (chunk_staged, chunk_errors), chunk in zip(pool.imap(_render_inherited_chunk, chunks), chunks,
                                                               strict=True):
                    staged += chunk_staged
                    errors += chunk_errors
                    done += len(chunk)
                    if progress:
                        progress("rendering", done, total)
        finally:
            _SHARED.clear()
    if errors:
        raise BuildFailed(errors)
    return staged
