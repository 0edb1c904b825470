"""The build: load everything, index it, render every page, write the site, swap it in."""

from __future__ import annotations

import multiprocessing
import os
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from dateline.bodies import render_markdown
from dateline.cache import clear_cache, load_body_cache, save_body_cache
from dateline.config import Config
from dateline.content import Article, content_files, load_article, load_articles
from dateline.errors import BuildFailed, ContentError
from dateline.index import SiteIndex, build_index
from dateline.render import THEME_DIR, Renderer, template_error
from dateline.search import search_files
from dateline.write import StagedOutput, open_output, static_files

# Below this many pages a process pool costs more than it saves.
PARALLEL_THRESHOLD = 400

Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass(frozen=True)
class BuildResult:
    out_dir: Path
    articles: int
    pages_by_kind: dict[str, int]
    static_files: int
    seconds: float
    index: SiteIndex = field(repr=False)

    @property
    def pages(self) -> int:
        return sum(self.pages_by_kind.values())

    def summary(self) -> str:
        kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(self.pages_by_kind.items(), key=lambda kv: (-kv[1], kv[0])))
        return (f"Built {self.pages} pages from {self.articles} articles ({kinds}) "
                f"and {self.static_files} static files in {self.seconds:.2f} s -> {self.out_dir}")


def load_site(config: Config) -> SiteIndex:
    """Read and index all content; every problem in every file is reported at once."""
    articles, errors = load_articles(config)
    return _index_or_fail(config, articles, errors)


def _index_or_fail(config: Config, articles: list[Article], errors: list[ContentError]) -> SiteIndex:
    index, index_errors = build_index(config, articles)
    errors = errors + index_errors
    if errors:
        raise BuildFailed(errors)
    return index


def build_site(config: Config, *, jobs: int | None = None, progress: Progress | None = None,
               body_cache: dict[str, str] | None = None) -> BuildResult:
    """Build the whole site into a staging folder and swap it in; on any error nothing changes.

    body_cache maps an article file's digest to its rendered body, so a process that builds
    again (the dev server) converts only what changed; without one, the cache kept on disk
    between builds is used."""
    started = time.perf_counter()
    jobs = max(1, jobs or os.cpu_count() or 1)
    on_disk = body_cache is None
    cache = load_body_cache(config) if on_disk else body_cache
    articles, bodies, errors = load_and_convert(config, jobs, cache)
    if on_disk:
        save_body_cache(config, cache)
    return build_loaded(config, articles, bodies, errors, jobs=jobs, progress=progress, started=started)


def build_loaded(config: Config, articles: list[Article], bodies: dict[str, str], errors: list[ContentError], *,
                 jobs: int = 1, progress: Progress | None = None, started: float | None = None) -> BuildResult:
    """The rest of build_site once the articles are loaded: index, render, copy, swap in.

    For callers that keep the loaded articles themselves (the dev server's incremental rebuilds)."""
    started = time.perf_counter() if started is None else started
    index = _index_or_fail(config, articles, errors)
    assets = collect_static(config, index)
    staged = open_output(config.out_dir)
    try:
        render_pages(index, bodies, staged, jobs, progress)
        for relative, source in assets:
            staged.copy(relative, source)
        # Search (dateline.search): each edition's Pagefind bundle, written like the pages it indexes.
        search = search_files(config, index, bodies).files
        for relative, data in search.items():
            staged.write(relative, data)
        staged.commit(expected={p.output for p in index.pages} | {relative for relative, _ in assets} | set(search))
    except BaseException:
        staged.discard()
        raise
    return BuildResult(
        out_dir=config.out_dir,
        articles=len(index.articles),
        pages_by_kind=dict(Counter(p.kind for p in index.pages)),
        static_files=len(assets),
        seconds=time.perf_counter() - started,
        index=index,
    )


def collect_static(config: Config, index: SiteIndex) -> list[tuple[str, Path]]:
    """Theme assets, then the site's static/ over them; a static file may not replace a page."""
    files = dict(static_files(THEME_DIR / "static"))
    files.update(static_files(config.static_dir))
    pages = {p.output for p in index.pages}
    clashes = sorted(set(files) & pages)
    if clashes:
        raise BuildFailed([ContentError(f"static/{rel}", 1, f"this file would replace the page /{rel}") for rel in clashes])
    return sorted(files.items())


# ---- rendering, in this process or spread over a pool of forked workers ----------------

_WORKER: dict = {}  # what forked workers inherit: set before the pool starts


def _load_chunk(paths: list[Path]) -> list[tuple[Article | None, list[ContentError], str]]:
    config: Config = _WORKER["config"]
    cache: dict[str, str] = _WORKER["cache"]
    results = []
    for path in paths:
        article, errors = load_article(config, path)
        html = ""
        if article is not None:
            html = cache.get(article.digest)
            if html is None:
                html = render_markdown(article.body)
        results.append((article, errors, html))
    return results


def load_and_convert(config: Config, jobs: int, cache: dict[str, str]
                     ) -> tuple[list[Article], dict[str, str], list[ContentError]]:
    """Read every article and convert its body, spread over the pool for large sites.

    Returns the articles, their bodies by source path, and every error found; the cache
    (digest -> body) is brought up to date with what was converted."""
    paths = content_files(config)
    _WORKER.update(config=config, cache=cache)
    try:
        if jobs == 1 or len(paths) < PARALLEL_THRESHOLD:
            results = _load_chunk(paths)
        else:
            chunks = [paths[i::jobs * 4] for i in range(jobs * 4)]
            with _pool(jobs) as pool:
                results = [r for part in pool.map(_load_chunk, chunks) for r in part]
    finally:
        _WORKER.clear()
    articles, bodies, errors = [], {}, []
    live = set()
    for article, file_errors, html in results:
        errors.extend(file_errors)
        if article is not None:
            articles.append(article)
            bodies[article.source] = html
            cache[article.digest] = html
            live.add(article.digest)
    for digest in set(cache) - live:  # forget deleted and replaced versions
        del cache[digest]
    return articles, bodies, errors


def _render_chunk(page_numbers: list[int]) -> tuple[int, list[ContentError]]:
    renderer: Renderer = _WORKER["renderer"]
    staged: StagedOutput = _WORKER["staged"]
    pages = renderer.index.pages
    done = 0
    for number in page_numbers:
        page = pages[number]
        try:
            staged.write(page.output, renderer.render(page))
        except Exception as exc:  # whatever a template raises ({{ 1 / 0 }} too) is reported, not a traceback
            return done, [template_error(renderer.config, exc)]
        done += 1
    return done, []


def render_pages(index: SiteIndex, bodies: dict[str, str], staged: StagedOutput, jobs: int,
                 progress: Progress | None = None) -> None:
    _WORKER.update(renderer=Renderer(index, bodies), staged=staged)
    total = len(index.pages)
    numbers = list(range(total))
    errors: list[ContentError] = []
    try:
        if jobs == 1 or total < PARALLEL_THRESHOLD:
            results = [_render_chunk(numbers[i:i + 200]) for i in range(0, total, 200)]
        else:
            size = max(20, total // (jobs * 16))
            chunks = [numbers[i::-(-total // size)] for i in range(-(-total // size))]
            with _pool(jobs) as pool:
                results = []
                for result in pool.imap_unordered(_render_chunk, chunks):
                    results.append(result)
                    if progress:
                        progress("render", sum(n for n, _ in results), total)
        for _, chunk_errors in results:
            errors.extend(chunk_errors)
    finally:
        _WORKER.clear()
    if errors:
        raise BuildFailed(errors)
    if progress:
        progress("render", total, total)


def _pool(jobs: int):
    # fork: workers inherit the index and bodies instead of unpickling them.
    return multiprocessing.get_context("fork").Pool(jobs)


def remove_leftovers(config: Config) -> None:
    """The body cache, and staging and old output folders an interrupted build left behind."""
    import shutil

    clear_cache(config)
    parent, name = config.out_dir.parent, config.out_dir.name
    for pattern in (f".{name}.staging-*", f".{name}.old-*"):
        for leftover in parent.glob(pattern):
            shutil.rmtree(leftover, ignore_errors=True)
