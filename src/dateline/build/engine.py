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

import hashlib
import os
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from dateline.build import workers
from dateline.build.bodystore import Bodies, BodyStore, Summaries, cache_dir, convert
from dateline.build.cluster import check_cluster, render_on_cluster
from dateline.build.sources import SourceFiles, signature
from dateline.build.state import (
    State,
    forget_state,
    load_state,
    outputs_changed_on_disk,
    settings_key,
    stamp,
    temporary_state_file,
)
from dateline.build.templates import template_keys
from dateline.config import Config
from dateline.content import Article, content_files
from dateline.errors import BuildFailed, ContentError
from dateline.index import Page, SiteIndex, build_index
from dateline.render import THEME_DIR, Renderer, make_environment, page_reads, view_key
from dateline.write import Changes, OutputTransaction, file_signature, locked, recover, static_files

# The Article fields build_index reads; an edit to any other field keeps the index's shape.
INDEX_FIELDS = ("source", "lang", "posted", "slug", "draft", "story", "section", "tags", "dateline", "correspondents")

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
    pages_by_kind: dict[str, int]
    static_files: int
    seconds: float
    changes: Changes = field(default_factory=Changes)
    rendered: tuple[str, ...] = ()  # outputs of the pages rendered (a page may render to the bytes it had)
    full: bool = False  # every page was rendered
    notes: tuple[str, ...] = ()  # what the user should know: saved state ignored, a commit completed
    index: SiteIndex | None = field(default=None, repr=False)

    @property
    def pages(self) -> int:
        return sum(self.pages_by_kind.values())

    def summary(self) -> str:
        kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(self.pages_by_kind.items(), key=lambda kv: (-kv[1], kv[0])))
        changed = self.changes
        what = (f"{len(changed.created)} created, {len(changed.updated)} updated, {len(changed.deleted)} deleted"
                if changed else "nothing changed")
        return (f"Built {self.pages} pages from {self.articles} articles ({kinds}) and {self.static_files} static files "
                f"in {self.seconds:.2f} s -> {self.out_dir} ({what}; {len(self.rendered)} pages rendered)")


@dataclass
class _Plan:
    """One build worked out, before anything is written."""

    index: SiteIndex
    views: dict[str, bytes]
    fingerprints: dict[str, bytes | None]
    render: list[Page]
    sections: dict[str, tuple]
    templates: dict[str, tuple]


def digest(value: object) -> bytes:
    """A short stable digest of plain data (tuples, strings, numbers, datetimes): repr is stable
    across processes, unlike hash()."""
    return hashlib.blake2b(repr(value).encode("utf-8", "surrogatepass"), digest_size=16).digest()


class SiteBuilder:
    """Builds one site into one output folder, again and again."""

    def __init__(self, config: Config, *, jobs: int | None = None, persist: bool = True, cluster: str | None = None):
        self.config = config
        self.cluster = cluster  # a Dask scheduler's address: render there (cluster.py) instead of in forked workers
        if cluster:
            check_cluster(cluster)  # before a long read, not after it
        self.jobs = max(1, jobs or os.cpu_count() or 1)
        self.persist = persist  # save the state for the next process (build) or keep it in memory only (serve)
        self.store = BodyStore.for_site(config)
        self.env = make_environment(config)
        self.state: State | None = None
        self.sources = SourceFiles(config)
        self._loaded = False  # self.state/self.sources hold what the last build left

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
            plan = self._plan(state, change)
            return self._write(state, plan, change, progress, notes, started)

    def _starting_state(self, notes: list[str]) -> State | None:
        """The state of the last build, if it can be trusted for this one."""
        if not self._loaded:
            state, why = load_state(self.config) if self.persist else (None, "")
            if why:
                notes.append(f"{why}: building everything")
            self.state = state
            self.sources = SourceFiles(self.config)
            if state is not None:
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
        stale = outputs_changed_on_disk(self.config, state)
        if stale:  # edited or deleted by hand: render and copy those again
            fingerprints = {o: (None if o in stale else fp) for o, fp in state.fingerprints.items()}
            assets = {o: (None if o in stale else a) for o, a in state.assets.items()}
            state = replace(state, fingerprints=fingerprints, assets=assets)
        return state

    # ---- reading -----------------------------------------------------------------------------

    def _read_sources(self, state: State | None, change: Change | None, progress: Progress | None) -> None:
        sources = self.sources
        sources.clean()
        if change is not None and state is not None:
            sources.refresh(change.content, change.rescan)
            self._convert_dirty()
            return
        changed, gone = sources.changed_sources()
        for source in gone:
            sources.forget(source)
            sources.dirty.add(source)
        rows = []
        for source, article, errors, sig, converted in workers.read_articles(self.config, changed, self.store,
                                                                               self.jobs, progress):
            known = sources.files.get(source)
            if known and known.article and article and known.article.digest == article.digest:
                article = known.article  # the same bytes as before: keep the object
            sources.take(source, article, errors, sig)
            if converted is not None:
                rows.append((article.digest, *converted))
                if len(rows) >= 500:
                    self.store.add(rows)
                    rows = []
        self.store.add(rows)
        self._convert_dirty()

    def _convert_dirty(self) -> None:
        """Convert the bodies of changed articles the store does not have; keep articles lean."""
        dirty = [s for s in self.sources.dirty if s in self.sources.articles]
        have = self.store.summaries(self.sources.articles[s].digest for s in dirty)
        rows = []
        for source in dirty:
            article = self.sources.articles[source]
            if article.digest not in have and article.body:
                rows.append((article.digest, *convert(article.body)))
        self.store.add(rows)
        for source in dirty:
            self.sources.keep_without_body(source)

    # ---- planning ----------------------------------------------------------------------------

    def _plan(self, state: State | None, change: Change | None) -> _Plan:
        config = self.config
        if (change is not None and change.templates) or state is None:
            self.env = make_environment(config)
        templates = template_keys(self.env)
        dirty = self.sources.dirty
        if state is not None and not any(_index_fields(_last_read(state, s)) != _index_fields(self.sources.articles.get(s))
                                         for s in dirty):
            return self._plan_same_shape(state, templates)
        index, errors = build_index(config, list(self.sources.articles.values()))
        if errors:
            raise BuildFailed(errors)
        sections = self._sections(index)
        views = {source: digest(view_key(index, source)) for source in index.articles}
        fingerprints = {p.output: self._fingerprint(index, p, views, sections, templates) for p in index.pages}
        old = state.fingerprints if state else {}
        render = [p for p in index.pages if fingerprints[p.output] is None or old.get(p.output) != fingerprints[p.output]]
        return _Plan(index, views, fingerprints, render, sections, templates)

    def _plan_same_shape(self, state: State, templates: dict[str, tuple]) -> _Plan:
        """No edit touched what the index is made of (a headline, a body, a summary): the same pages
        exist; look again only at those that show a changed article or use a changed template."""
        index = replace(state.index, articles={s: self.sources.articles[s] for s in state.index.articles})
        affected = {s for s in self.sources.dirty if s in index.articles}
        for source in list(affected):
            affected.update(index.counterparts[source])
        views = dict(state.views)
        for source in affected:
            views[source] = digest(view_key(index, source))
        moved_kinds = {kind for kind, key in templates.items() if state.templates.get(kind) != key}
        fingerprints = dict(state.fingerprints)
        render = []
        for page in index.pages:
            old = fingerprints.get(page.output)
            if old is not None and page.kind not in moved_kinds:
                reads = page_reads(index, page)
                if reads is None or not affected.intersection(reads.views):
                    continue
            fingerprints[page.output] = fp = self._fingerprint(index, page, views, state.sections, templates)
            if fp is None or fp != old:
                render.append(page)
        return _Plan(index, views, fingerprints, render, state.sections, templates)

    def _sections(self, index: SiteIndex) -> dict[str, tuple]:
        renderer = Renderer(index, {})
        return {lang.code: tuple(_plain(t) for t in renderer.sections(lang.code)) for lang in self.config.languages}

    def _fingerprint(self, index: SiteIndex, page: Page, views: dict[str, bytes], sections: dict[str, tuple],
                     templates: dict[str, tuple]) -> bytes | None:
        reads = page_reads(index, page)
        if reads is None:
            return None
        lang = page.lang or self.config.default_language.code
        return digest((tuple(page.__dict__.values()), sections[lang], templates.get(page.kind),
                       tuple(views[s] for s in reads.views), reads.direct))

    # ---- writing -----------------------------------------------------------------------------

    def _write(self, state: State | None, plan: _Plan, change: Change | None, progress: Progress | None,
               notes: list[str], started: float) -> BuildResult:
        config, index = self.config, plan.index
        assets = collect_static(config, index)
        asset_table, copies = self._plan_assets(state, assets)
        outputs = {p.output for p in index.pages} | set(asset_table)
        deleted = self._deleted(state, outputs)
        if state is not None and not (plan.render or copies or deleted or self.sources.dirty):
            return self._result(index, len(assets), started, Changes(), plan, notes, full=False)  # nothing to do
        digests = {s: a.digest for s, a in index.articles.items()}
        renderer = Renderer(index, Bodies(self.store, digests), summaries=Summaries(self.store, digests))
        renderer.env = self.env
        txn = OutputTransaction(config.out_dir)
        try:
            if self.cluster:
                render_on_cluster(self.cluster, renderer, plan.render, txn, progress)
            else:
                workers.render_pages(renderer, plan.render, txn, self.jobs, progress)
            for relative, source in copies:
                txn.copy(relative, source)
            new_state = State(stamp=stamp(config), settings=settings_key(config), files=dict(self.sources.files),
                              index=index, views=plan.views, fingerprints=plan.fingerprints, templates=plan.templates,
                              sections=plan.sections, assets=asset_table,
                              outputs=self._signatures(state, outputs, txn))
            extra = {}
            if self.persist:
                tmp = temporary_state_file(config, new_state)
                extra = {str(tmp): str(tmp.with_suffix(""))}
            changes = txn.commit(deleted, extra=extra)
        except BaseException:
            txn.discard()
            raise
        self.state = new_state
        self.sources.clean()
        return self._result(index, len(assets), started, changes, plan, notes, full=state is None)

    def _result(self, index: SiteIndex, assets: int, started: float, changes: Changes, plan: _Plan, notes: list[str],
                full: bool) -> BuildResult:
        return BuildResult(
            out_dir=self.config.out_dir, articles=len(index.articles),
            pages_by_kind=dict(Counter(str(p.kind) for p in index.pages)), static_files=assets,
            seconds=time.perf_counter() - started, changes=changes, rendered=tuple(p.output for p in plan.render),
            full=full, notes=tuple(notes), index=index,
        )

    def _signatures(self, state: State | None, outputs: set[str], txn: OutputTransaction) -> dict[str, tuple | None]:
        """What each output file will look like on disk after the commit: a rename keeps a file's
        size and modification time, so staged files are measured in staging."""
        staged = set(txn.staged())
        known = state.outputs if state else {}
        table = {}
        for relative in outputs:
            if relative in staged:
                table[relative] = file_signature(txn.staging / relative)
            else:
                table[relative] = known.get(relative) or file_signature(self.config.out_dir / relative)
        return table

    def _plan_assets(self, state: State | None, assets: list[tuple[str, Path]]) -> tuple[dict, list[tuple[str, Path]]]:
        """The new asset table, and the files to copy: new ones, and those whose source or output moved."""
        known = state.assets if state else {}
        table, copies = {}, []
        for relative, source in assets:
            entry = (str(source), signature(source))
            if known.get(relative) != entry:
                copies.append((relative, source))
            table[relative] = entry
        return table, copies

    def _deleted(self, state: State | None, outputs: set[str]) -> set[str]:
        if state is not None:
            return set(state.outputs) - outputs
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


def _index_fields(article: Article | None) -> tuple | None:
    if article is None:
        return None
    return tuple(getattr(article, name) for name in INDEX_FIELDS) + (article.posted.utcoffset(),)


def _last_read(state: State, source: str) -> Article | None:
    """An article as the last build read it, published or not (drafts are in no index)."""
    file = state.files.get(source)
    return file.article if file else None


def _plain(record) -> tuple:
    return tuple(record.__dict__.values())


def collect_static(config: Config, index: SiteIndex) -> list[tuple[str, Path]]:
    """Theme assets, then the site's static/ over them; a static file may not replace a page."""
    files = dict(static_files(THEME_DIR / "static"))
    files.update(static_files(config.static_dir))
    pages = {p.output for p in index.pages}
    clashes = sorted(set(files) & pages)
    if clashes:
        raise BuildFailed([ContentError(f"static/{rel}", 1, f"this file would replace the page /{rel}") for rel in clashes])
    return sorted(files.items())


def build_site(config: Config, *, jobs: int | None = None, progress: Progress | None = None,
               on_wait=None, cluster: str | None = None) -> BuildResult:
    """`dateline build`: one build in this process, starting from the state the last one saved;
    with `cluster` (a Dask scheduler's address) the pages are rendered on that cluster."""
    return SiteBuilder(config, jobs=jobs, cluster=cluster).build(progress=progress, on_wait=on_wait)


def load_site(config: Config) -> SiteIndex:
    """Read and index all content without writing anything (`dateline check`)."""
    articles, errors = [], []
    for path in content_files(config):
        from dateline.content import load_article

        article, file_errors = load_article(config, path)
        errors += file_errors
        if article is not None:
            articles.append(article)
    index, index_errors = build_index(config, articles)
    if errors or index_errors:
        raise BuildFailed(errors + index_errors)
    return index


def remove_leftovers(config: Config) -> None:
    """`--clean`: the body store, the saved state, and what interrupted builds left behind."""
    import shutil

    with locked(config.out_dir):
        recover(config.out_dir)
        shutil.rmtree(cache_dir(config), ignore_errors=True)

