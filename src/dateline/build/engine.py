"""The one build engine, for `dateline build` and `dateline serve`.

A build reads the content files that changed since the last build of the same output folder,
indexes the site, works out which pages' inputs changed (their fingerprints, from what
render.page_reads declares each context reads) and renders only those, copies changed static
files, and commits everything in one output transaction (write.py). `serve` keeps the State in
memory between rebuilds; `build` saves it beside the output, so the next process starts where
this one stopped. With no usable state every page is rendered, and still only files whose bytes
changed are written: the result is byte for byte what a cold build into a fresh folder writes.

Nothing is written until every page has rendered; a failed build leaves the output folder and
the saved state as they were.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields, replace
from functools import cached_property
from pathlib import Path

import jinja2

from dateline import images, search
from dateline.build import workers
from dateline.build.bodystore import Bodies, BodyStore, Summaries, body_key, cache_dir, convert
from dateline.build.cluster import check_cluster, render_on_cluster
from dateline.build.sources import SourceFiles, signature
from dateline.build.state import (
    CODE,
    State,
    forget_state,
    load_state,
    outputs_changed_on_disk,
    remove_unused_parts,
    save_state,
    settings_key,
    stamp,
)
from dateline.build.templates import known_references, remember_references, template_keys
from dateline.clock import clock_moves, current_time
from dateline.config import Config
from dateline.content import Article, load_article, load_articles
from dateline.errors import BuildFailed, ContentError
from dateline.index import IndexUpdate, Page, PageKind, SiteIndex, build_index, page_path, pages_listing, update_index
from dateline.render import (
    THEME_DIR,
    VIEWS_BEYOND_SOURCES,
    WHOLE_INDEX_KINDS,
    Renderer,
    list_name,
    make_environment,
    page_reads,
    pages_showing_beyond_sources,
    render_order,
    term_key,
    view_key,
    whole_index_pages,
)
from dateline.views import ArticleView
from dateline.write import Changes, OutputError, OutputTransaction, file_signature, locked, recover, static_files

# The Article fields build_index reads; an edit to any other field keeps the index's shape.
INDEX_FIELDS = ("source", "lang", "posted", "slug", "draft", "story", "section", "tags", "dateline", "correspondents",
                "corrections", "aliases", "expires", "withdrawn")

Progress = workers.Progress


@dataclass(frozen=True)
class Change:
    """What a watcher saw change (the dev server); a build without one looks at every file."""

    content: frozenset = frozenset()  # content files (or folders) named by events
    static: frozenset = frozenset()
    rescan: bool = False  # re-stat every content file: folder moves, lost events
    templates: bool = False

    def __or__(self, other: Change) -> Change:
        return Change(self.content | other.content, self.static | other.static,
                      self.rescan or other.rescan, self.templates or other.templates)


@dataclass(frozen=True)
class BuildResult:
    out_dir: Path
    articles: int
    static_files: int
    seconds: float
    index: SiteIndex = field(repr=False)
    changes: Changes = field(default_factory=Changes)
    rendered: tuple[str, ...] = ()  # outputs of the pages rendered (a page may render to the bytes it had)
    full: bool = False  # every page was rendered
    notes: tuple[str, ...] = ()  # what the user should know: saved state ignored, a commit completed
    warnings: tuple[ContentError, ...] = ()  # problems fixed on load (content.Article.warnings), not fatal

    @cached_property  # counted when asked (the build command's summary), not on every rebuild
    def pages_by_kind(self) -> dict[str, int]:
        return dict(Counter(str(p.kind) for p in self.index.pages))

    @property
    def pages(self) -> int:
        return len(self.index.pages)

    def summary(self) -> str:
        kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(self.pages_by_kind.items(), key=lambda kv: (-kv[1], kv[0])))
        changed = self.changes
        what = (f"{len(changed.created)} created, {len(changed.updated)} updated, {len(changed.deleted)} deleted"
                if changed else "nothing changed")
        clock = clock_summary(self.index)
        return (f"Built {self.pages} pages from {self.articles} articles ({kinds}) and {self.static_files} static files "
                f"in {self.seconds:.2f} s -> {self.out_dir} ({what}; {len(self.rendered)} pages rendered){clock}")


def clock_summary(index: SiteIndex) -> str:
    """"; left out: 1 draft, 2 scheduled; next change: 2024-05-04 09:00 KST", or "" when there is nothing to say."""
    left_out = [f"{n} {what}" for n, what in ((index.drafts_left_out, "draft" if index.drafts_left_out == 1 else "drafts"),
                                             (index.scheduled_left_out, "scheduled")) if n]
    parts = [f"left out: {', '.join(left_out)}"] if left_out else []
    if index.next_change:
        parts.append(f"next change: {format_clock_time(index.next_change)}")
    return "".join(f"; {part}" for part in parts)


def format_clock_time(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M %Z")


@dataclass(frozen=True)
class SearchJob:
    """A search index to bring up to date after the pages (SiteBuilder(search_later=True)): what
    the build it follows indexed and where each article's body is stored."""

    index: SiteIndex
    body_keys: dict[str, str]


# Above this many pages to render, a build with defer_pages renders the later pages of paginated
# lists after the rest. Adding or removing an article shifts every page of the lists it is in
# that come after it, and changes every page's "of N": a thousand pages on a large archive with
# five to a page, seconds of rendering that an edit in the dev server should not wait for.
FIRST_PAGES = 60
# What is left for later then, besides the later pages of lists: the sitemaps, which crawlers read
# and no reader looks at (at 10,000 stories a part lists a thousand pages).
LATER_KINDS = frozenset({PageKind.SITEMAP, PageKind.SITEMAP_INDEX, PageKind.NEWS_SITEMAP})
# Pages rendered later between two chances to let a rebuild go first (about 12 ms): a rebuild that
# starts meanwhile shares the interpreter with the rest of the slice, which it waits for in part.
LATER_SLICE = 5


@dataclass(frozen=True)
class PagesJob:
    """Pages a build left to render after its commit (SiteBuilder(defer_pages=True)), with what
    their fingerprints are made from: render_later makes them, and they go into the state once
    the pages are written; until then the state has None for them, so that the next build looks
    at them again whatever it changes."""

    index: SiteIndex
    body_keys: dict[str, str]
    pages: tuple[Page, ...]
    views: dict[str, bytes]
    sections: dict[str, tuple]
    templates: dict[str, tuple]

    @cached_property  # asked once a page when the build sorts its pages
    def outputs(self) -> frozenset[str]:
        return frozenset(page.output for page in self.pages)


@dataclass(frozen=True)
class StagedPages:
    """What render_later made of a PagesJob, for commit_pages: the transaction, the outputs whose
    bytes changed, and every page's fingerprint."""

    txn: OutputTransaction
    staged: list[str]
    fingerprints: dict[str, bytes | None]


@dataclass
class _Plan:
    """One build worked out, before anything is written."""

    index: SiteIndex
    views: dict[str, bytes]
    fingerprints: dict[str, bytes | None]
    render: list[Page]
    sections: dict[str, tuple]
    templates: dict[str, tuple]
    body_keys: dict[str, str]  # source -> what its body is stored under (bodystore.body_key)
    photos: dict[str, images.ArticleImages]  # of the articles that show photos


def digest(value: object) -> bytes:
    """A short stable digest of plain data (tuples, strings, numbers, datetimes): repr is stable
    across processes, unlike hash()."""
    return hashlib.blake2b(repr(value).encode("utf-8", "surrogatepass"), digest_size=16).digest()


class SiteBuilder:
    """Builds one site into one output folder, again and again."""

    def __init__(self, config: Config, *, jobs: int | None = None, persist: bool = True,
                 now: dt.datetime | None = None, cluster: str | None = None, search_later: bool = False,
                 defer_pages: bool = False):
        self.config = config
        # The dev server publishes pages first: Pagefind indexes a whole edition again after any
        # text edit (many seconds on a large archive), so the search bundle follows in a commit
        # of its own (search_job, search_files, commit_search).
        self.search_later = search_later and config.search
        self.search_job: SearchJob | None = None  # the last build's, until its index is committed
        # ... and it renders first the pages an edit shows on, then the later pages of long lists
        # that it only shifted (FIRST_PAGES; pages_job, render_later, commit_pages).
        self.defer_pages = defer_pages
        self.pages_job: PagesJob | None = None
        self.now = now  # the build's clock; None: the current time at each build
        self.cluster = cluster  # a Dask scheduler's address: render there (cluster.py) instead of in forked workers
        if cluster:
            check_cluster(cluster)  # before a long read, not after it
        self.jobs = max(1, jobs or os.cpu_count() or 1)
        self.persist = persist  # save the state for the next process (build) or keep it in memory only (serve)
        self.store = BodyStore.for_site(config)
        self.env = self._environment()
        self.state: State | None = None
        self.sources = SourceFiles(config)
        self._loaded = False  # self.state/self.sources hold what the last build left
        self._photos: dict[str, images.ArticleImages] | None = None  # the last _bodies' (None: plan every article)
        self._summary_cache: dict[str, str] = {}  # body key -> summary, for the next build in this process
        # source -> (view digest, the view rendered from it), for the next build in this process:
        # a month's list shows about 250 articles at 10,000 stories, each view made anew before
        self._views: dict[str, tuple[bytes, ArticleView]] = {}

    def _environment(self) -> jinja2.Environment:
        """The templates' environment, its compiled templates kept in the cache folder: a build in a
        new process loads them instead of compiling every template again. The folder is this
        version's (CODE): the environment's settings, which Jinja's keys leave out, are code."""
        env = make_environment(self.config)
        folder = cache_dir(self.config) / "templates"
        try:
            for other in folder.glob("*") if folder.is_dir() else ():
                if other.name != CODE:
                    shutil.rmtree(other, ignore_errors=True)
            (folder / CODE).mkdir(parents=True, exist_ok=True)
        except OSError:
            return env  # a read-only cache folder: compile in memory
        env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(folder / CODE))
        return env

    def clock(self) -> dt.datetime:
        return self.now or current_time(self.config)

    # ---- one build ---------------------------------------------------------------------------

    def build(self, change: Change | None = None, progress: Progress | None = None,
              on_wait=None) -> BuildResult:
        """Bring the output folder up to date; raise BuildFailed (changing nothing) on bad sources."""
        started = time.perf_counter()
        notes: list[str] = []
        with locked(self.config.out_dir, on_wait=on_wait):
            if recover(self.config.out_dir):
                notes.append("completed the commit of an interrupted build")
            state = self._starting_state(notes)
            self._read_sources(state, change, progress)
            errors = self.sources.errors()
            if errors:
                raise BuildFailed(errors)
            body_keys, photos, photo_moved = self._bodies(state)
            plan = self._plan(state, change, body_keys, photos, photo_moved)
            return self._write(state, plan, progress, notes, started)

    def _starting_state(self, notes: list[str]) -> State | None:
        """The state of the last build, if it can be trusted for this one."""
        from_disk = not self._loaded
        if from_disk:
            state, why = load_state(self.config) if self.persist else (None, "")
            if why:
                notes.append(f"{why}: building everything")
            self.state = state
            self.sources = SourceFiles(self.config)
            self._photos = None
            if state is not None:
                remember_references(state.template_references)
                self.sources.files = dict(state.files)
                self.sources.articles = {s: f.article for s, f in state.files.items() if f.article is not None}
            self._loaded = True
        state = self.state
        if state is None:
            return None
        if state.stamp != stamp(self.config) or state.settings != settings_key(self.config):
            notes.append("the settings changed: rendering every page")
            return None
        if not self.config.out_dir.is_dir():
            return None
        # Saved by another process: check that the output is as it says (a state kept in memory, as
        # the dev server keeps it, describes what this process wrote itself).
        stale = outputs_changed_on_disk(self.config, state) if from_disk else set()
        if stale:  # edited or deleted by hand: render and copy those again
            fingerprints = {o: (None if o in stale else fp) for o, fp in state.fingerprints.items()}
            assets = {o: (None if o in stale else a) for o, a in state.assets.items()}
            state = replace(state, fingerprints=fingerprints, assets=assets)
        return state

    # ---- reading -----------------------------------------------------------------------------

    def _read_sources(self, state: State | None, change: Change | None, progress: Progress | None) -> None:
        sources = self.sources  # its `dirty` holds what changed since the last build that succeeded
        images.load_probes(self.config)  # before the workers fork: they inherit what earlier builds probed
        self.store.open()  # before the workers fork, so that they never race to create the file
        if change is not None and state is not None:
            sources.refresh(change.content, change.rescan)
            return
        changed, gone = sources.changed_sources()
        for source in gone:
            sources.forget(source)
            sources.dirty.add(source)
        rows = []
        for source, article, errors, sig, converted, photos in workers.read_articles(self.config, changed, self.store,
                                                                                       self.jobs, progress):
            images.remember(photos)
            known = sources.files.get(source)
            if known and known.article and article and known.article.digest == article.digest:
                article = known.article  # the same bytes as before: keep the object
            sources.take(source, article, errors, sig)
            if converted is not None:
                rows.append(converted)
                if len(rows) >= 500:
                    self.store.add(rows)
                    rows = []
        self.store.add(rows)

    def _bodies(self, state: State | None) -> tuple[dict[str, str], dict[str, images.ArticleImages], set[str]]:
        """(source -> body key of every article, source -> photos of the articles that show any,
        the sources whose body key moved since `state`), the bodies the store lacks converted
        (re-reading the file when the article is kept lean). The photos of every article read again
        and of every article that shows any are planned again (a stat each, so a repainted photo is
        noticed whatever the watcher saw); an article that shows none keeps its key: whether it
        does is read from the article alone (images.plan_article_images)."""
        config, articles, dirty = self.config, self.sources.articles, self.sources.dirty
        known = state.body_keys if state else {}
        if state is None or self._photos is None:
            again, keys = list(articles), {}
        else:
            again = [s for s in dirty | self._photos.keys() if s in articles]
            keys = dict(known)
            for source in dirty - articles.keys():
                keys.pop(source, None)
        plans = {s: images.plan_article_images(config, articles[s]) for s in again}
        errors = [e for plan in plans.values() for e in plan.errors]
        if errors:
            raise BuildFailed(errors)
        keys.update((s, body_key(articles[s], plans[s])) for s in again)
        self._photos = photos = {s: plan for s, plan in plans.items() if plan is not images.NO_IMAGES}
        moved = {s for s in again if known.get(s) != keys[s]}
        wanted = [s for s in again if s in dirty or s in moved]
        stored = self.store.present(keys[s] for s in wanted)
        missing = [s for s in wanted if keys[s] not in stored]
        rows = []
        for source in missing:
            article = articles[source]
            if not article.body:  # kept lean: the file has the body
                article, _ = load_article(config, self.sources.path(source))
            rows.append((keys[source], *convert(article.body, plans[source])))
        self.store.add(rows)
        for source in self.sources.dirty:
            if source in articles:
                self.sources.keep_lean(source, workers.lean(articles[source]))
        return keys, photos, moved

    # ---- planning ----------------------------------------------------------------------------

    def _plan(self, state: State | None, change: Change | None, body_keys: dict[str, str],
              photos: dict[str, images.ArticleImages], photo_moved: set[str]) -> _Plan:
        config = self.config
        if (change is not None and change.templates) or state is None:
            self.env = self._environment()
        templates = template_keys(self.env)
        now = self.clock()
        if state is not None:
            before = {s: _last_read(state, s) for s in self.sources.dirty}
            if not any(_index_fields(a) != _index_fields(self.sources.articles.get(s)) for s, a in before.items()) \
                    and not clock_moves(state.index.clock_instants, state.index.now, now):
                return self._plan_same_shape(state, templates, now, body_keys, photos, photo_moved)
            update = update_index(state.index, self.sources.articles, before, now)
            if update is not None:
                # the clock's articles too: those it published or took down count as changed
                return self._plan_patched(state, update, set(update.changed), photo_moved, templates, body_keys, photos)
        index, errors = build_index(config, list(self.sources.articles.values()), now)
        if errors:
            raise BuildFailed(errors)
        sections = self._sections(index)
        views = {source: digest(view_key(index, source)) for source in index.articles}
        fingerprints = {p.output: self._fingerprint(index, p, views, sections, templates) for p in index.pages}
        old = state.fingerprints if state else {}
        render = [p for p in index.pages if fingerprints[p.output] is None or old.get(p.output) != fingerprints[p.output]]
        return _Plan(index, views, fingerprints, render, sections, templates, body_keys, photos)

    def _plan_patched(self, state: State, update: IndexUpdate, dirty: set[str], photo_moved: set[str],
                      templates: dict[str, tuple], body_keys: dict[str, str],
                      photos: dict[str, images.ArticleImages]) -> _Plan:
        """A structural edit followed in the index (index.update_index): look again at the pages
        the patch made or replaced, at those that show an article whose view moved, and at the
        lists whose other-edition links may have moved; at every page only when a template or an
        edition's section list (every page's masthead) moved."""
        old, index = state.index, update.index
        views, moved_views = self._patched_views(state, update, dirty, photo_moved)
        sections = self._sections(index)
        moved_langs = {lang for lang, links in sections.items() if state.sections.get(lang) != links}
        moved_kinds = _moved_kinds(state, templates)
        # counterpart_paths: a list page that appeared or went changes the language links of its
        # namesakes in the other editions
        appeared = {path for path in update.moved if (path in index.pages_by_path) != (path in old.pages_by_path)}
        moved_lists = {list_name(index.pages_by_path.get(path) or old.pages_by_path[path]) for path in appeared}
        known = old.pages_by_path
        beyond = pages_showing_beyond_sources(index, moved_views)
        default = self.config.default_language.code  # a page of no edition shows the default's masthead
        fingerprints = dict(state.fingerprints)
        for path in update.moved:
            if path not in index.pages_by_path:
                fingerprints.pop(known[path].output, None)
        look = index.pages if moved_langs or moved_kinds else _pages_to_look_at(state, update, moved_views, moved_lists,
                                                                               beyond)
        again = [page for page in look
                 if (state.fingerprints.get(page.output) is None or known.get(page.path) is not page
                     or page.kind in moved_kinds or (page.lang or default) in moved_langs
                     or page.kind in WHOLE_INDEX_KINDS or (moved_lists and list_name(page) in moved_lists)
                     or _shows(page, moved_views, beyond))]
        # Pages the build will leave for later (_later) are fingerprinted by render_later, not here.
        later = self._defers(again)
        render = []
        for page in again:
            if later and _left_for_later(page):
                fingerprint = None
                render.append(page)
            else:
                fingerprint = self._fingerprint(index, page, views, sections, templates)
                if fingerprint is None or fingerprint != state.fingerprints.get(page.output):
                    render.append(page)
            fingerprints[page.output] = fingerprint
        return _Plan(index, views, fingerprints, render, sections, templates, body_keys, photos)

    def _patched_views(self, state: State, update: IndexUpdate, dirty: set[str],
                       photo_moved: set[str]) -> tuple[dict[str, bytes], set[str]]:
        """(every article's view digest, the articles whose view moved): looked at again for the
        changed articles, their counterparts before and after, and the articles of every term
        whose name, place or person moved (view_key shows those)."""
        old, index = state.index, update.index
        affected = {s for s in dirty | photo_moved if s in index.articles}
        for source in dirty:
            affected.update(c for c in old.counterparts.get(source, ()) + index.counterparts.get(source, ())
                            if c in index.articles)
        for key in update.terms:
            term, was = index.terms.get(key), old.terms.get(key)
            if term is not None and was is not None and term_key(was) != term_key(term):
                affected.update(term.sources)
        views = dict(state.views)
        for source in dirty - index.articles.keys():
            views.pop(source, None)
        moved = set()
        for source in affected:
            view = digest(view_key(index, source))
            if views.get(source) != view:
                views[source] = view
                moved.add(source)
        return views, moved

    def _plan_same_shape(self, state: State, templates: dict[str, tuple], now: dt.datetime, body_keys: dict[str, str],
                         photos: dict[str, images.ArticleImages], photo_moved: set[str]) -> _Plan:
        """No edit touched what the index is made of (a headline, a body, a summary), and the clock
        passed no scheduled minute: the same pages exist; look again only at those that show a
        changed article or use a changed template."""
        old = state.index
        notices = {s: replace(n, article=self.sources.articles[s]) if s in self.sources.dirty else n
                   for s, n in old.notices.items()}
        index = replace(old, articles={s: self.sources.articles[s] for s in old.articles}, notices=notices, now=now)
        affected = {s for s in self.sources.dirty | photo_moved if s in index.articles}
        for source in list(affected):
            affected.update(index.counterparts[source])
        views = dict(state.views)
        for source in affected:
            views[source] = digest(view_key(index, source))
        moved_kinds = _moved_kinds(state, templates)
        fingerprints = dict(state.fingerprints)
        render = []
        beyond = pages_showing_beyond_sources(index, affected)
        for page in index.pages:
            old = fingerprints.get(page.output)
            if old is not None and page.kind not in moved_kinds and not _shows(page, affected, beyond):
                continue
            fingerprints[page.output] = fp = self._fingerprint(index, page, views, state.sections, templates)
            if fp is None or fp != old:
                render.append(page)
        return _Plan(index, views, fingerprints, render, state.sections, templates, body_keys, photos)

    def _sections(self, index: SiteIndex) -> dict[str, tuple]:
        renderer = Renderer(index, {})
        return {lang.code: tuple(_plain(t) for t in renderer.sections(lang.code)) for lang in self.config.languages}

    def _fingerprint(self, index: SiteIndex, page: Page, views: dict[str, bytes], sections: dict[str, tuple],
                     templates: dict[str, tuple]) -> bytes | None:
        reads = page_reads(index, page)
        if reads is None:
            return None
        lang = page.lang or self.config.default_language.code
        record = (page.path, page.kind, page.lang, page.key, page.sources, page.number, page.count)
        return digest((record, sections[lang], templates.get(page.kind), tuple(views[s] for s in reads.views), reads.direct))

    # ---- writing -----------------------------------------------------------------------------

    def _write(self, state: State | None, plan: _Plan, progress: Progress | None, notes: list[str],
               started: float) -> BuildResult:
        config, index = self.config, plan.index
        assets = collect_static(config, index) + self._photo_files(state, plan, progress)
        asset_table, copies = self._plan_assets(state, assets)
        pages_and_assets = index.page_outputs | set(asset_table)
        gone = self._not_made(state, pages_and_assets)
        if self.search_later:  # the bundle stays as it is until commit_search
            kept_search = _search_outputs(gone) if state else search.bundle_outputs(config)
        else:
            kept_search = search.bundle_outputs(config) if config.search else set()
        if state is not None and not (plan.render or copies or self.sources.dirty or gone - kept_search):
            return self._result(index, len(assets), started, Changes(), plan, notes, full=False)  # nothing to do
        digests = {s: plan.body_keys[s] for s in index.articles}
        renderer = Renderer(index, Bodies(self.store, digests),
                            summaries=Summaries(self.store, digests, self._summaries(digests)),
                            earlier_views=_StandingViews(self._views, plan.views))
        renderer.env = self.env
        later = self._later(plan.render)
        if later:
            job = PagesJob(index, digests, tuple(later), plan.views, plan.sections, plan.templates)
            plan = replace(plan, render=[p for p in plan.render if p.output not in job.outputs],
                           fingerprints={**plan.fingerprints, **dict.fromkeys(job.outputs)})
        txn = OutputTransaction(config.out_dir)
        pages = render_order(index, plan.render)
        try:
            if self.cluster:
                staged = render_on_cluster(self.cluster, renderer, pages, txn, progress)
            else:
                staged = workers.render_pages(renderer, pages, txn, self.jobs, progress)
            staged += copy_static(config, txn, copies)
            # Each edition's search index (Pagefind), written like the pages it indexes; Pagefind runs
            # only for an edition whose records changed (dateline.search keeps the last bundle).
            bundle = {} if self.search_later else search.search_files(config, index, renderer.bodies).files
            staged += [relative for relative, data in bundle.items() if txn.write(relative, data)]
            kept = set(bundle) | (kept_search if self.search_later else set())
            outputs, deleted = pages_and_assets | kept, gone - kept
            new_state = State(stamp=stamp(config), settings=settings_key(config), files=dict(self.sources.files),
                              index=index, views=plan.views, fingerprints=plan.fingerprints, templates=plan.templates,
                              sections=plan.sections, assets=asset_table, body_keys=plan.body_keys,
                              outputs=self._signatures(state, outputs, deleted, staged, txn),
                              template_references=known_references())
            extra = save_state(config, new_state, self.state) if self.persist else {}
            changes = txn.commit(staged, deleted, extra=extra)
        except BaseException:
            txn.discard()
            raise
        self.state = new_state
        if self.persist:
            remove_unused_parts(config, new_state)
        self.sources.clean()
        self._keep_views(renderer, plan)
        images.save_probes(config)
        if self.search_later:
            self.search_job = SearchJob(index, digests)
        self.pages_job = job if later else None
        return self._result(index, len(assets), started, changes, plan, notes, full=state is None)

    def _summaries(self, digests: dict[str, str]) -> dict[str, str]:
        """The summaries kept from earlier builds in this process, without those of bodies no
        article has any more once they outnumber the articles."""
        if len(self._summary_cache) > 2 * len(digests) + 1000:
            live = set(digests.values())
            self._summary_cache = {key: summary for key, summary in self._summary_cache.items() if key in live}
        return self._summary_cache

    def _keep_views(self, renderer: Renderer, plan: _Plan) -> None:
        """Keep the views `renderer` showed with their digests, without those of articles no more
        (or of views since moved) once they outnumber the articles."""
        self._views.update((source, (plan.views[source], view)) for source, view in renderer.views().items())
        if len(self._views) > 2 * len(plan.views) + 1000:
            self._views = {s: kept for s, kept in self._views.items() if plan.views.get(s) == kept[0]}

    def _defers(self, pages: list[Page]) -> bool:
        """Whether a build that renders `pages` leaves some for render_later: with defer_pages,
        when more than FIRST_PAGES of them are later pages of long lists."""
        return self.defer_pages and sum(page.number != 1 for page in pages) > FIRST_PAGES

    def _later(self, pages: list[Page]) -> list[Page]:
        """The pages to leave to render_later (_defers): the later pages of long lists, and the
        sitemaps."""
        return [page for page in pages if _left_for_later(page)] if self._defers(pages) else []

    # ---- what a build left to do after its commit (defer_pages, search_later) ----------------

    def render_later(self, job: PagesJob, pause: Callable[[], None] | None = None) -> StagedPages:
        """The pages of `job` staged (not committed), and their fingerprints. Safe on another
        thread than the builds': it reads the job's frozen index and opens the body store for
        itself. `pause` is called before each LATER_SLICE pages: the dev server waits there
        while a rebuild runs, which would otherwise share the interpreter with this."""
        store = BodyStore(self.store.path)
        renderer = Renderer(job.index, Bodies(store, job.body_keys),
                            summaries=Summaries(store, job.body_keys, self._summary_cache))
        renderer.env = self.env
        txn = OutputTransaction(self.config.out_dir)
        staged, fingerprints = [], {}
        try:
            for start in range(0, len(job.pages), LATER_SLICE):
                if pause is not None:
                    pause()
                pages = list(job.pages[start:start + LATER_SLICE])
                staged += workers.render_pages(renderer, pages, txn, 1, None)
                fingerprints.update((page.output, self._fingerprint(job.index, page, job.views, job.sections,
                                                                    job.templates)) for page in pages)
        except BaseException:
            txn.discard()
            raise
        return StagedPages(txn, staged, fingerprints)

    def commit_pages(self, job: PagesJob, later: StagedPages) -> Changes | None:
        """Put the pages render_later staged for `job` in place; None (nothing written) when a
        later build has replaced the index they were rendered from: that build looked at them
        again."""
        changes = self._commit_after(job.index, later.txn, later.staged, fingerprints=later.fingerprints)
        if changes is not None and self.pages_job is job:
            self.pages_job = None
        return changes

    def search_files(self, job: SearchJob) -> dict[str, bytes]:
        """Every edition's search bundle for `job` (runs Pagefind where records changed, at the
        lowest CPU priority: the dev server's next rebuild goes first). Safe on another thread
        than the builds': it reads the job's frozen index and opens the body store for itself."""
        bodies = Bodies(BodyStore(self.store.path), job.body_keys)
        return search.search_files(self.config, job.index, bodies, yielding=True).files

    def commit_search(self, job: SearchJob, files: dict[str, bytes]) -> Changes | None:
        """Write the bundle made for `job` into the output, removing the last bundle's files it
        has not; None (nothing written) when a later build has replaced the index it indexes:
        that build's job follows."""
        txn = OutputTransaction(self.config.out_dir)
        try:
            staged = [relative for relative, data in files.items() if txn.write(relative, data)]
        except BaseException:
            txn.discard()
            raise
        changes = self._commit_after(job.index, txn, staged, kept=files.keys(),
                                     deleted=lambda state: _search_outputs(state.outputs) - files.keys())
        if changes is not None and self.search_job is job:
            self.search_job = None
        return changes

    def _commit_after(self, index: SiteIndex, txn: OutputTransaction, staged: list[str], *,
                      fingerprints: dict[str, bytes | None] | None = None, kept: Iterable[str] = (),
                      deleted: Callable[[State], set[str]] | None = None) -> Changes | None:
        """Commit what was staged after the build that made `index` (its later pages, its search
        bundle), unless a build has replaced that index since: then discard it and return None.
        The state learns the staged files' signatures (and those of `kept`, unchanged files it
        did not list yet), forgets `deleted(state)` and takes `fingerprints`."""
        with locked(self.config.out_dir):
            state = self.state
            if state is None or state.index is not index:
                txn.discard()
                return None
            try:
                gone = deleted(state) if deleted else set()
                outputs = {relative: sig for relative, sig in state.outputs.items() if relative not in gone}
                outputs.update((relative, file_signature(txn.staged_file(relative))) for relative in staged)
                outputs.update((relative, outputs.get(relative) or file_signature(self.config.out_dir / relative))
                               for relative in kept)
                changes = txn.commit(staged, gone)
            except BaseException:
                txn.discard()
                raise
            self.state = replace(state, outputs=outputs, fingerprints={**state.fingerprints, **fingerprints}) \
                if fingerprints else replace(state, outputs=outputs)
            return changes

    def _result(self, index: SiteIndex, assets: int, started: float, changes: Changes, plan: _Plan, notes: list[str],
                full: bool) -> BuildResult:
        return BuildResult(
            out_dir=self.config.out_dir, articles=len(index.articles), static_files=assets,
            seconds=time.perf_counter() - started, changes=changes, rendered=tuple(p.output for p in plan.render),
            full=full, notes=tuple(notes), index=index,
            warnings=tuple(sorted(w for a in index.articles.values() for w in a.warnings)),
        )

    def _signatures(self, state: State | None, outputs: frozenset[str], deleted: set[str], staged: list[str],
                    txn: OutputTransaction) -> dict[str, tuple | None]:
        """What each output file (`outputs`; `deleted`: the state's others) will look like on disk
        after the commit: a rename keeps a file's size and modification time, so staged files are
        measured in staging. Made from the state's table with what changed put right, not by a
        lookup for each of tens of thousands of files."""
        known = state.outputs if state else {}
        table = dict(known)  # in the state's order, new files last: state._moved_keys compares it in C
        for relative in deleted:
            table.pop(relative, None)
        measured = {relative: file_signature(txn.staged_file(relative)) for relative in staged if relative in outputs}
        unknown = outputs.difference(known).difference(measured)  # new, and not staged
        if None in table.values():  # not there when measured
            unknown |= {relative for relative, sig in table.items() if sig is None}.difference(measured)
        table.update((relative, file_signature(self.config.out_dir / relative)) for relative in unknown)
        table.update(measured)
        return table

    def _photo_files(self, state: State | None, plan: _Plan, progress: Progress | None) -> list[tuple[str, Path]]:
        """Photo renditions as static files (media/<digest>/... -> the cached file): made (in
        parallel) for photos that are new since the last build, listed for all."""
        known = state.body_keys if state else {}
        new = [photos for s, photos in plan.photos.items() if photos.key and known.get(s) != plan.body_keys[s]]
        images.make_renditions(self.config, new, self.jobs, progress)
        return images.output_files(self.config, [p for p in plan.photos.values() if p.key])

    def _plan_assets(self, state: State | None, assets: list[tuple[str, Path]]) -> tuple[dict, list[tuple[str, Path]]]:
        """The new asset table, and the files to copy: new ones, and those whose source or output moved."""
        known = state.assets if state else {}
        table, copies = {}, []
        renditions = images.cache_dir(self.config)
        for relative, source in assets:
            # A rendition's name holds the digest of what it was made from: it never changes in place.
            entry = (str(source), None if source.is_relative_to(renditions) else signature(source))
            if known.get(relative) != entry:
                copies.append((relative, source))
            table[relative] = entry
        return table, copies

    def _not_made(self, state: State | None, outputs: frozenset[str]) -> set[str]:
        """The output files (the state's, or without one those in the folder) not among `outputs`."""
        if state is not None:
            return state.outputs.keys() - outputs
        out = self.config.out_dir
        if not out.is_dir():
            return set()
        present = {p.relative_to(out).as_posix() for p in out.rglob("*") if not p.is_dir()}
        return present - outputs

    def forget(self) -> None:
        """Drop the saved and kept state: the next build starts from scratch (`--clean`)."""
        forget_state(self.config)
        self.state = None
        self._loaded = False


class _StandingViews(Mapping):
    """source -> the view an earlier build made of an article, while its view digest stands."""

    def __init__(self, kept: dict[str, tuple[bytes, ArticleView]], digests: dict[str, bytes]):
        self.kept, self.digests = kept, digests

    def __getitem__(self, source: str) -> ArticleView:
        digest, view = self.kept[source]
        if self.digests.get(source) != digest:
            raise KeyError(source)
        return view

    def __iter__(self) -> Iterator[str]:
        return (source for source in self.kept if source in self)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def _search_outputs(outputs) -> set[str]:
    """The search bundle's files among output paths (/<lang>/pagefind/...)."""
    return {relative for relative in outputs if relative.split("/", 2)[1:2] == [search.BUNDLE_FOLDER]}


def _index_fields(article: Article | None) -> tuple | None:
    if article is None:
        return None
    return tuple(getattr(article, name) for name in INDEX_FIELDS) + (article.posted.utcoffset(),)


def _last_read(state: State, source: str) -> Article | None:
    """An article as the last build read it, published or not (drafts are in no index)."""
    file = state.files.get(source)
    return file.article if file else None


def _plain(record) -> tuple:
    return tuple(getattr(record, f.name) for f in fields(record))


def _moved_kinds(state: State, templates: dict[str, tuple]) -> set[str]:
    """The page kinds whose templates changed since the state was saved."""
    return {kind for kind, key in templates.items() if state.templates.get(kind) != key}


def _pages_to_look_at(state: State, update: IndexUpdate, moved_views: set[str], moved_lists: set[str],
                      beyond: set[str]) -> list[Page]:
    """Every page _plan_patched may need to look at again when no template and no section list
    moved, found where it must be instead of by a pass over every page: those the patch made or
    replaced, those of WHOLE_INDEX_KINDS, those listing (or showing beyond their sources) an
    article whose view moved, the namesakes of a list that came or went, and those that had no
    fingerprint (rendered every time, or found changed on disk)."""
    index = update.index
    pages = index.pages_by_path
    paths = [path for path in update.moved if path in pages]
    paths += [p.path for p in whole_index_pages(index)]
    paths += [p.path for source in moved_views for p in pages_listing(index, source)]
    paths += beyond
    for name in moved_lists:
        for lang in index.config.languages:
            first = pages.get(f"/{lang.code}/{name}")
            if first is not None:
                paths += [page_path(first.path, n) for n in range(1, first.count + 1)]
    found = [pages.get(path) for path in dict.fromkeys(paths)]
    if None in state.fingerprints.values():  # a scan of every page's only when there are some
        found += [_page_at(pages, output) for output, fingerprint in state.fingerprints.items() if fingerprint is None]
    return [page for page in dict.fromkeys(found) if page is not None]


def _left_for_later(page: Page) -> bool:
    return page.number != 1 or page.kind in LATER_KINDS


def _page_at(pages: dict[str, Page], output: str) -> Page | None:
    """The page that writes an output file, if any: at the file's path, or at its folder's when
    the file is an index.html (Page.output's inverse)."""
    paths = ["/" + output]
    if output == "index.html" or output.endswith("/index.html"):
        paths.append("/" + output.removesuffix("index.html"))
    return next((p for p in map(pages.get, paths) if p is not None and p.output == output), None)


def _shows(page: Page, sources: set[str], beyond: set[str]) -> bool:
    """Whether a page shows one of `sources` (`beyond`: render.pages_showing_beyond_sources of them)."""
    return page.path in beyond if page.kind in VIEWS_BEYOND_SOURCES else not sources.isdisjoint(page.sources)


def collect_static(config: Config, index: SiteIndex) -> list[tuple[str, Path]]:
    """Theme assets, then the site's static/ over them; a static file may not replace a page."""
    files = dict(static_files(THEME_DIR / "static"))
    files.update(static_files(config.static_dir))
    pages = index.pages_by_path  # a few static files looked up, not a set of every page's output
    clashes = sorted(rel for rel in files if _page_at(pages, rel) is not None)
    errors = [ContentError(f"static/{rel}", 1, f"this file would replace the page /{rel}") for rel in clashes]
    errors += links_outside_the_site(config)
    if errors:
        raise BuildFailed(errors)
    return sorted(files.items())


def links_outside_the_site(config: Config) -> list[ContentError]:
    """Symbolic links in static/ that lead outside the site folder: deploying their targets would
    publish whatever they point at (a home folder, /etc), so each is refused, naming the link."""
    root = config.site_dir.resolve()
    errors = []
    for folder, folders, files in os.walk(config.static_dir):
        for name in sorted(folders + files):
            path = Path(folder, name)
            if path.is_symlink() and not name.startswith(".") and not path.resolve().is_relative_to(root):
                errors.append(ContentError(_shown(config, path), 1, f"a symbolic link to {os.readlink(path)}, outside "
                                                                    "the site: refused (copy what it points to into static/)"))
    return errors


def copy_static(config: Config, txn: OutputTransaction, copies: list[tuple[str, Path]]) -> list[str]:
    """Stage the static files to copy (photo renditions as hard links to the cache: they never change
    in place); returns those staged. One that cannot be read or written (a full disk) is an error
    naming it (`static/logo.png:1: could not copy: ...`), every one reported at once."""
    errors, staged = [], []
    renditions = images.cache_dir(config)
    for relative, source in copies:
        try:
            if txn.copy(relative, source, link=source.is_relative_to(renditions)):
                staged.append(relative)
        except OutputError as exc:
            errors.append(ContentError(_shown(config, source), 1, f"could not copy: {exc.reason}"))
        except OSError as exc:
            errors.append(ContentError(_shown(config, source), 1, f"could not copy: {exc.strerror or exc}"))
    if errors:
        raise BuildFailed(errors)
    return staged


def _shown(config: Config, path: Path) -> str:
    """A path as the user knows it: relative to the site, or the default theme's."""
    if path.is_relative_to(config.site_dir):
        return path.relative_to(config.site_dir).as_posix()
    if path.is_relative_to(THEME_DIR):
        return f"(default theme) {path.relative_to(THEME_DIR).as_posix()}"
    return str(path)


def build_site(config: Config, *, jobs: int | None = None, progress: Progress | None = None,
               on_wait=None, now: dt.datetime | None = None, cluster: str | None = None) -> BuildResult:
    """`dateline build`: one build in this process, as published at `now` (default: the current
    time), starting from the state the last one saved; with `cluster` (a Dask scheduler's
    address) the pages are rendered on that cluster."""
    return SiteBuilder(config, jobs=jobs, now=now, cluster=cluster).build(progress=progress, on_wait=on_wait)


def load_site(config: Config, now: dt.datetime | None = None) -> SiteIndex:
    """Read and index all content as published at `now` without writing anything (`dateline check`)."""
    articles, errors = load_articles(config)
    errors += [e for a in articles for e in images.plan_article_images(config, a).errors]
    index, index_errors = build_index(config, articles, now or current_time(config))
    if errors or index_errors:
        raise BuildFailed(errors + index_errors)
    return index


def remove_leftovers(config: Config) -> None:
    """`--clean`: the body store, the saved state, and what interrupted builds left behind."""
    import shutil

    with locked(config.out_dir):
        recover(config.out_dir)
        shutil.rmtree(cache_dir(config), ignore_errors=True)

