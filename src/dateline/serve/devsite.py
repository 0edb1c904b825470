"""The site being served: built once at start, then rebuilt for each batch of changes.

It builds with the same engine as `dateline build` (dateline.build.SiteBuilder), keeping the
engine's state in memory, into a folder of its own under .dateline-cache/ (never the output
folder that gets deployed: its pages carry this server's local URLs and, with --drafts, drafts).
A rebuild holds the gate, so requests wait for it; a broken one changes nothing on disk, prints
its errors exactly as `build` does and shows them in open tabs; a good one tells the tabs to
reload (or only to swap stylesheets) and prints one line: what changed, pages written, time.
"""

from __future__ import annotations

import datetime as dt
import time
import traceback
from dataclasses import dataclass, replace
from pathlib import Path

import click

from dateline.build import BuildResult, Change, SiteBuilder, clock_summary
from dateline.build.bodystore import cache_dir
from dateline.config import CACHE_DIR, Config, check_output_folder, load_config, normalize_base_url
from dateline.errors import BuildFailed, ConfigError, ContentError, DatelineError, UsageError, print_errors
from dateline.serve.follow import Follower
from dateline.serve.gate import Gate
from dateline.serve.http import Served
from dateline.serve.hub import Hub
from dateline.serve.watch import Batch

SERVE_FOLDER = "serve"  # below .dateline-cache/: where the dev server builds


@dataclass(frozen=True)
class Settings:
    site_dir: Path
    out_dir: Path | None  # None: a folder of the server's own below .dateline-cache/
    drafts: bool
    base_url: str | None  # --base-url, or None: http://HOST:PORT plus the config's path
    origin: str  # http://127.0.0.1:8000
    jobs: int | None
    now: dt.datetime | None = None  # --now: the clock frozen at that time; None: the server's clock
    search: bool | None = None  # False: --no-search; None: as dateline.toml says


def serving_config(settings: Settings) -> Config:
    config = load_config(settings.site_dir, base_url=settings.base_url, drafts=settings.drafts, search=settings.search)
    out_dir = settings.out_dir or cache_dir(config) / SERVE_FOLDER
    if out_dir == config.out_dir:
        raise UsageError(f"serve builds into a folder of its own, never the deployable output folder {out_dir}")
    config = replace(config, out_dir=out_dir)
    check_output_folder(config)  # an --out that would swallow the sources is refused as build refuses it
    if settings.base_url:
        return config
    return replace(config, base_url=normalize_base_url(settings.origin + config.base_path, "serve"))


class DevSite:
    def __init__(self, settings: Settings, gate: Gate, hub: Hub):
        self.settings, self.gate, self.hub = settings, gate, hub
        self.site: SiteBuilder | None = None
        self.config: Config | None = None
        self.broken_config = False
        self.needs_full = False
        self.clock_tried: dt.datetime | None = None
        self.follower: Follower | None = None  # from the first rebuild on: the later pages and the search index

    def served(self) -> Served:
        if self.config is None:  # the config never loaded: serve what an earlier build left
            return Served(self.settings.out_dir or self.settings.site_dir / CACHE_DIR / SERVE_FOLDER, "/")
        return Served(self.config.out_dir, self.config.base_path)

    def start(self) -> bool:
        """The first build; False (errors printed) if the sources are broken."""
        started = time.perf_counter()
        ok = self._guarded(self._full_build, "start")
        if ok:
            index = self.site.state.index
            click.echo(f"Built {len(index.pages):,} pages from {len(index.articles):,} articles "
                       f"in {time.perf_counter() - started:.2f} s -> {self.config.out_dir}{clock_summary(index)}")
            print_errors(sorted(w for a in index.articles.values() for w in a.warnings), footer=False)
        return ok

    def single_process(self) -> None:
        """From now on build without worker processes (threads are about to start), and let the
        later pages of long lists and the search index follow each rebuild on a thread of its own."""
        self.settings = replace(self.settings, jobs=1)
        if self.site is not None:
            self.site.jobs = 1
            self.site.search_later = self.site.config.search
            self.site.defer_pages = True
        self.follower = Follower(self.gate, say, self._later_failed)

    def stop(self) -> None:
        if self.follower is not None:
            self.follower.stop()

    def _full_build(self) -> BuildResult:
        self.config = serving_config(self.settings)
        self.site = SiteBuilder(self.config, jobs=self.settings.jobs, persist=False, now=self.settings.now,
                                search_later=self.follower is not None, defer_pages=self.follower is not None)
        self.broken_config = self.needs_full = False
        return self.site.build()

    def clock_due(self) -> Batch | None:
        """A batch of no changes once the server's clock reaches the site's next scheduled change
        (a story going live, expiring or being withdrawn): rebuilding then publishes it."""
        if self.settings.now is not None or self.site is None or self.site.state is None:
            return None
        due = self.site.state.index.next_change
        if due is None or self.site.clock() < due or due == self.clock_tried:
            return None
        self.clock_tried = due  # a broken site fails once for this change, not on every tick
        return Batch(Change(), config=False, names=(f"the clock ({due:%H:%M})",))

    def apply(self, batch: Batch) -> None:
        started = time.perf_counter()
        result = None

        def rebuild() -> BuildResult:
            nonlocal result
            if batch.config or self.broken_config or self.needs_full or self.site is None \
                    or changes_a_share_image(self.config, batch.change):
                result = self._full_build()
            else:
                result = self.site.build(batch.change)
            job = self.site.pages_job
            self.gate.owe(job.outputs if job else frozenset())  # still under the gate: no request sees them stale
            return result

        if not self._guarded(rebuild, "rebuild"):
            return
        if self.follower is not None and (self.site.search_job is not None or self.site.pages_job is not None):
            self.follower.submit(self.site)
        self.hub.built(_stylesheets(self.config, result), changed=bool(result.changes) or result.full)
        say(summary_line(batch, result, time.perf_counter() - started))
        # Characters dropped on load, as `build` prints them: for the files just saved, not every time.
        print_errors([w for w in result.warnings if w.path in batch.names], footer=False)

    def _later_failed(self, failed: BuildFailed) -> None:
        print_errors(failed.errors)
        self.hub.failed(failed.errors)

    def _guarded(self, work, stage: str) -> bool:
        """Run a build under the gate; report broken sources (and our own bugs) without dying."""
        try:
            with self.gate.writing():
                work()
            return True
        except BuildFailed as failed:
            print_errors(failed.errors)
            self.hub.failed(failed.errors)
        except ConfigError as exc:
            print_errors(exc.errors, footer=False)
            self.broken_config = True
            self.hub.failed(list(exc.errors))
        except DatelineError as exc:  # a usage problem in the config (an output folder it may not use)
            click.echo(f"error: {exc}", err=True)
            self.broken_config = True
            self.hub.failed([ContentError("dateline.toml", 1, str(exc))])
        except Exception as exc:  # a bug of ours: say so, keep serving, start afresh next time
            traceback.print_exc()
            self.needs_full = True
            self.hub.failed([ContentError("dateline", 1, f"internal error during {stage}: {exc!r}")])
        return False


def changes_a_share_image(config: Config, change: Change) -> bool:
    """Whether CHANGE saves a share image: the config reads its size (and refuses a bad one), so
    the config is read again, as a build would."""
    images = {config.share_image.path} | {lang.share_image.path for lang in config.languages if lang.share_image}
    static = config.static_dir
    return any("/" + path.relative_to(static).as_posix() in images for path in change.static if path.is_relative_to(static))


def say(line: str) -> None:
    """A terminal line; a terminal that went away does not stop the server."""
    try:
        click.echo(line)
    except (OSError, ValueError):
        pass


def _stylesheets(config: Config, result: BuildResult) -> list[str] | None:
    """URL paths of the changed stylesheets, when nothing but stylesheets changed."""
    changes = result.changes
    written = changes.written
    if result.full or changes.deleted or not written or not all(name.endswith(".css") for name in written):
        return None
    return [config.base_path + name for name in written]


def summary_line(batch: Batch, result: BuildResult, seconds: float) -> str:
    names = ", ".join(batch.names[:3]) + (f" and {len(batch.names) - 3} more" if len(batch.names) > 3 else "")
    changes = result.changes
    written = len(changes.written)
    what = "full rebuild" if result.full else f"{written:,} file{'s' if written != 1 else ''} written"
    if result.full:
        what += f", {written:,} files"
    if changes.deleted:
        what += f", {len(changes.deleted):,} removed"
    return f"{time.strftime('%H:%M:%S')} {names or 'sources'} changed: {what} in {seconds:.3f} s"
