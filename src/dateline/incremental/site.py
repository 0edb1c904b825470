"""A site kept built across changes: each rebuild re-renders only the pages whose inputs changed.

Two paths, both exact (tests/test_incremental_property.py compares them with full builds):

- *fast*: the changed files changed nothing the index is computed from (INDEX_FIELDS: an edit
  to a headline, body, summary or update time). The index keeps its shape; the pages that
  read a changed article's view are found through the readers table and re-rendered if their
  fingerprint moved.
- *structural*: an article was added, removed, renamed, or had its date, slug, section, tags,
  dateline, bylines, story or draft flag changed. The index is rebuilt, every page's
  fingerprint recomputed, and the pages whose fingerprint moved are re-rendered; outputs no
  longer produced are removed. When that is most of the site, a full parallel build is faster.

Nothing is written until every page to write has rendered: a failed rebuild leaves the output
folder and the kept state as they were.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, replace

import jinja2

from dateline.bodies import render_markdown
from dateline.build import build_loaded, collect_static, load_and_convert
from dateline.config import Config
from dateline.content import Article
from dateline.errors import BuildFailed
from dateline.incremental.keys import (
    Fingerprints,
    affected_views,
    always_candidates,
    plain,
    readers,
    sitemap_key,
    term_refs,
    view_key,
)
from dateline.incremental.output import Asset, copy_changed, plan_static, remove_outputs, write_changed
from dateline.incremental.renderer import ViewCachingRenderer
from dateline.incremental.sources import SourceFiles
from dateline.incremental.templates import template_keys
from dateline.index import Page, SiteIndex, build_index
from dateline.render import Renderer, make_environment, template_error
from dateline.search import bundle_outputs, search_files

# The Article fields build_index reads; tests/test_incremental.py checks no other field matters.
INDEX_FIELDS = ("source", "lang", "posted", "slug", "draft", "story", "section", "tags", "dateline", "correspondents")
# What build.render_pages catches as a template error.
RENDER_ERRORS = (jinja2.TemplateError, TypeError, ValueError, KeyError, AttributeError)
# Re-render at least this share of the pages and a full (parallel) build is the faster way.
FULL_BUILD_SHARE = 0.5


@dataclass(frozen=True)
class Change:
    """One batch of changed paths, sorted by the watcher."""

    content: frozenset = frozenset()  # content files (or folders) named by events
    static: frozenset = frozenset()
    rescan: bool = False  # re-stat every content file: folder moves, lost events
    templates: bool = False

    def __or__(self, other: Change) -> Change:
        return Change(self.content | other.content, self.static | other.static,
                      self.rescan or other.rescan, self.templates or other.templates)


@dataclass(frozen=True)
class Outcome:
    written: tuple[str, ...]  # outputs whose bytes changed
    removed: tuple[str, ...]
    rendered: tuple[str, ...]  # pages rendered (a page may render to the bytes it had)
    seconds: float
    full: bool = False
    deferred: tuple[tuple[Page, tuple | None], ...] = ()  # rendered later by `finish`


@dataclass(frozen=True)
class _State:
    """One committed build: what it was made from, and the keys to compare the next one with."""

    loaded: dict[str, Article]  # every article file that loaded, drafts too
    index: SiteIndex
    bodies: dict[str, str]
    refs: dict[str, tuple]
    views: dict[str, tuple]
    sitemap: dict[str, tuple]
    sections: dict[str, tuple]
    templates: dict[str, tuple]
    fingerprints: dict[str, tuple | None]  # page output -> fingerprint
    pages: dict[str, Page]  # output -> page
    readers: dict[str, list[str]]
    always: tuple[Page, ...]  # pages looked at on every rebuild (keys.always_candidates)
    assets: dict[str, Asset]


@dataclass(frozen=True)
class _Plan:
    """A rebuild worked out but not yet written."""

    state: _State
    render: tuple[tuple[Page, tuple | None], ...]
    removed: frozenset[str]
    env: jinja2.Environment


def index_fields(article: Article | None) -> tuple | None:
    if article is None:
        return None
    return tuple(getattr(article, name) for name in INDEX_FIELDS) + (article.posted.utcoffset(),)


class IncrementalSite:
    def __init__(self, config: Config, *, jobs: int | None = None, body_cache: dict[str, str] | None = None):
        self.config = config
        self.jobs = max(1, jobs or os.cpu_count() or 1)
        self.sources = SourceFiles(config)
        self.body_cache = body_cache if body_cache is not None else {}  # file digest -> body HTML
        self.view_cache: dict = {}  # source -> (view key, ArticleView)
        self.env = make_environment(config)
        self.state: _State | None = None
        self._unfinished = Change()  # template and static changes a failed rebuild left to do
        self._pending: tuple | None = None  # (state, renderer) for deferred pages

    # ---- full builds ----------------------------------------------------------------------

    def build(self) -> Outcome:
        """Load everything (in parallel) and build the whole site, as `dateline build` does."""
        articles, _, errors = load_and_convert(self.config, self.jobs, self.body_cache)
        self.sources.seed(articles, errors)
        return self._build_everything(time.perf_counter())

    def _build_everything(self, started: float) -> Outcome:
        articles = list(self.sources.articles.values())
        bodies = {a.source: self._body(a) for a in articles}
        result = build_loaded(self.config, articles, bodies, self.sources.errors(), jobs=self.jobs)
        self.env = make_environment(self.config)
        self.view_cache.clear()
        assets, _ = plan_static(collect_static(self.config, result.index), {}, frozenset())
        loaded = dict(self.sources.articles)
        self.state = self._state(loaded, result.index, bodies, template_keys(self.env), assets, self.env)
        self.sources.clean()
        self._unfinished = Change()
        self._warm_up()
        outputs = tuple(sorted(set(self.state.pages) | set(assets)))
        return Outcome(outputs, (), tuple(self.state.pages), time.perf_counter() - started, full=True)

    def _warm_up(self) -> None:
        """Compile the templates now (one page of each kind), not on the first edit."""
        state = self.state
        renderer = self._renderer(state.index, state.bodies, state.views, self.env)
        first = {}
        for page in state.index.pages:
            first.setdefault(page.kind, page)
        for page in first.values():
            if page.kind != "sitemap":
                _render(renderer, page)

    def _state(self, loaded, index, bodies, templates, assets, env) -> _State:
        refs = term_refs(index)
        views = {s: view_key(index, refs, s) for s in index.articles}
        sitemap = {s: sitemap_key(index, s) for s in index.urls}
        renderer = self._renderer(index, bodies, views, env)
        sections = {lang.code: self._same(lang.code, renderer.sections(lang.code)) for lang in self.config.languages}
        fingerprints = Fingerprints(index, views, sections, templates, sitemap)
        pages = {p.output: p for p in index.pages}
        return _State(
            loaded=loaded, index=index, bodies=bodies, refs=refs, views=views, sitemap=sitemap,
            sections=sections, templates=templates,
            fingerprints={output: fingerprints.of(p) for output, p in pages.items()},
            pages=pages, readers=readers(pages), always=tuple(always_candidates(index)), assets=assets,
        )

    def _same(self, lang: str, sections: tuple) -> tuple:
        """The previous build's section list if equal: fingerprints then compare it by identity."""
        new = tuple(plain(link) for link in sections)
        old = self.state.sections.get(lang) if self.state else None
        return old if old == new else new

    def _renderer(self, index, bodies, views, env) -> ViewCachingRenderer:
        return ViewCachingRenderer(index, bodies, env, views, self.view_cache)

    def _body(self, article: Article) -> str:
        html = self.body_cache.get(article.digest)
        if html is None:
            html = self.body_cache[article.digest] = render_markdown(article.body)
        return html

    # ---- rebuilds -------------------------------------------------------------------------

    def rebuild(self, change: Change, defer: frozenset[str] = frozenset()) -> Outcome:
        """Bring the output folder up to date with the sources; raise BuildFailed and change
        nothing if they are broken. Pages of kinds in `defer` (whose templates did not change)
        are left for `finish`, so a slow page does not hold up the rest."""
        started = time.perf_counter()
        self.sources.refresh(change.content, change.rescan)
        if self.state is None:
            return self._build_everything(started)
        change = self._unfinished = self._unfinished | change
        errors = self.sources.errors()
        if errors:
            raise BuildFailed(errors)
        env, templates = self._templates(change)
        state = self.state
        dirty = {s for s in self.sources.dirty if self.sources.articles.get(s) is not state.loaded.get(s)}
        structural = any(index_fields(state.loaded.get(s)) != index_fields(self.sources.articles.get(s)) for s in dirty)
        plan = (self._plan_structural if structural else self._plan_fast)(dirty, templates, env)
        if plan is None:  # most of the site changes: a full, parallel build
            return self._build_everything(started)
        if change.static or structural:
            assets, maybe_copy = plan_static(collect_static(self.config, plan.state.index), state.assets, change.static)
        else:
            assets, maybe_copy = state.assets, []
        return self._commit(plan, assets, maybe_copy, defer, started)

    def _templates(self, change: Change) -> tuple[jinja2.Environment, dict[str, tuple]]:
        if not change.templates:
            return self.env, self.state.templates
        env = make_environment(self.config)
        templates = template_keys(env)
        if templates == self.state.templates:
            return self.env, templates  # nothing a page uses changed: keep the compiled templates
        return env, templates

    def _plan_fast(self, dirty: set[str], templates: dict, env) -> _Plan:
        state = self.state
        loaded, articles, bodies = dict(state.loaded), dict(state.index.articles), dict(state.bodies)
        for source in dirty:
            article = loaded[source] = self.sources.articles[source]
            bodies[source] = self._body(article)
            if source in articles:  # published (draft flags did not change)
                articles[source] = article
        index = replace(state.index, articles=articles)
        views, sitemap = dict(state.views), dict(state.sitemap)
        affected = affected_views(index, dirty)
        for source in affected:
            views[source] = view_key(index, state.refs, source)
            sitemap[source] = sitemap_key(index, source)
        outputs = {o for s in affected for o in state.readers.get(s, ())}
        candidates = [state.pages[o] for o in sorted(outputs)] + list(state.always)
        changed_kinds = {k for k in templates if templates[k] != state.templates.get(k)}
        if changed_kinds:
            candidates += [p for p in index.pages if p.kind in changed_kinds and p.output not in outputs]
        fingerprints = Fingerprints(index, views, state.sections, templates, sitemap)
        render = _moved(candidates, fingerprints, state.fingerprints)
        new = replace(state, loaded=loaded, index=index, bodies=bodies, views=views, sitemap=sitemap,
                      templates=templates, fingerprints=dict(state.fingerprints))
        return _Plan(new, render, frozenset(), env)

    def _plan_structural(self, dirty: set[str], templates: dict, env) -> _Plan | None:
        state = self.state
        loaded = dict(self.sources.articles)
        index, errors = build_index(self.config, list(loaded.values()))
        if errors:
            raise BuildFailed(errors)
        bodies = {s: state.bodies[s] if state.loaded.get(s) is a else self._body(a) for s, a in loaded.items()}
        new = self._state(loaded, index, bodies, templates, state.assets, env)
        self.view_cache = {s: v for s, v in self.view_cache.items() if s in index.articles}
        render = _changed(new.pages, new.fingerprints, state.fingerprints)
        if self.jobs > 1 and len(render) >= FULL_BUILD_SHARE * len(index.pages):
            return None
        return _Plan(new, render, frozenset(set(state.pages) - set(new.pages)), env)

    def _commit(self, plan: _Plan, assets, maybe_copy, defer, started) -> Outcome:
        new = plan.state
        renderer = self._renderer(new.index, new.bodies, new.views, plan.env)
        later = tuple((p, fp) for p, fp in plan.render
                      if p.kind in defer and new.templates.get(p.kind) == self.state.templates.get(p.kind))
        deferred = {p.output for p, _ in later}
        now = [(p, fp) for p, fp in plan.render if p.output not in deferred]
        rendered = {p.output: _render(renderer, p) for p, _ in now}
        out = self.config.out_dir
        # Search (dateline.search): Pagefind runs again only if an article's indexed text or metadata changed.
        search = search_files(self.config, new.index, new.bodies).files
        written = write_changed(out, rendered) + write_changed(out, search) + copy_changed(out, assets, maybe_copy)
        stale = (plan.removed | (set(self.state.assets) - set(assets)) | (bundle_outputs(self.config) - set(search))
                 ) - set(assets) - set(new.pages) - set(search)
        removed = remove_outputs(out, set(stale))
        new.fingerprints.update((p.output, fp) for p, fp in now)
        for output in deferred:  # not written yet: until `finish`, they are as the last build left them
            new.fingerprints[output] = self.state.fingerprints.get(output)
        self.state = replace(new, assets=assets)
        self.env = plan.env
        self.sources.clean()
        self._unfinished = Change()
        self._pending = (self.state, renderer)
        return Outcome(tuple(written), tuple(removed), tuple(rendered), time.perf_counter() - started, deferred=later)

    def finish(self, outcome: Outcome) -> list[str]:
        """Render and write the pages a rebuild deferred; BuildFailed leaves them to the next."""
        state, renderer = self._pending or (None, None)
        if not outcome.deferred or state is not self.state:
            return []
        rendered = {p.output: _render(renderer, p) for p, _ in outcome.deferred}
        written = write_changed(self.config.out_dir, rendered)
        state.fingerprints.update((p.output, fp) for p, fp in outcome.deferred)
        self._pending = None
        return written


def _changed(pages: dict[str, Page], new: dict, old: dict) -> tuple[tuple[Page, tuple | None], ...]:
    """(page, fingerprint) for the pages whose fingerprint is not the committed one."""
    return tuple((pages[o], fp) for o, fp in new.items() if fp is None or old.get(o) != fp)


def _moved(pages, fingerprints, old: dict) -> tuple[tuple[Page, tuple | None], ...]:
    """(page, new fingerprint) for pages whose fingerprint differs from the committed one."""
    moved = []
    for page in pages:
        fp = fingerprints.of(page)
        if fp is None or old.get(page.output) != fp:
            moved.append((page, fp))
    return tuple(moved)


def _render(renderer: Renderer, page: Page) -> bytes:
    try:
        return renderer.render(page)
    except RENDER_ERRORS as exc:
        raise BuildFailed([template_error(renderer.config, exc)]) from None
