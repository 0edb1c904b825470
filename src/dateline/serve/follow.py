"""What a rebuild leaves for after its commit, done on a thread of its own: the later pages of
long lists, then the search index.

The dev server publishes the pages an edit shows on first. Adding or removing an article shifts
every later page of the lists it is in (a thousand pages on a large archive), and Pagefind has no
incremental mode: after a text edit it indexes the whole edition again. Both take seconds, so the
rebuild commits what the edit shows on (SiteBuilder(defer_pages=True, search_later=True)), and
this thread then renders the pages it left (SiteBuilder.render_later) and makes the search bundle,
and commits each under the gate as a rebuild commits its pages. Until the pages are in place the
gate holds requests for them, so nobody is served a page the edit made stale. Work done for an
index that a later rebuild has replaced is dropped; that rebuild looked at those pages again.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable

from dateline.build import SiteBuilder
from dateline.errors import BuildFailed, DatelineError
from dateline.search import PagefindError
from dateline.serve.gate import Gate


class Follower:
    def __init__(self, gate: Gate, say: Callable[[str], None], failed: Callable[[BuildFailed], None]):
        self.gate, self.say, self.failed = gate, say, failed
        self._cond = threading.Condition()
        self._site: SiteBuilder | None = None  # the builder whose jobs are due
        self._busy = False
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="dateline-follow", daemon=True)
        self._thread.start()

    def submit(self, site: SiteBuilder) -> None:
        """The site was rebuilt: finish its newest build (the jobs it holds when the thread gets to it)."""
        with self._cond:
            self._site = site
            self._cond.notify_all()

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Wait until every submitted build is finished; False on timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: self._site is None and not self._busy, timeout=timeout)

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify_all()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._site is not None or self._stopped)
                if self._stopped:
                    return
                site, self._site, self._busy = self._site, None, True
            try:
                self._pages(site)
                self._search(site)
            except Exception:  # a bug of ours: keep serving
                traceback.print_exc()
            finally:
                with self._cond:
                    self._busy = False
                    self._cond.notify_all()

    def _pages(self, site: SiteBuilder) -> None:
        job = site.pages_job
        if job is None:
            return
        started, changes = time.perf_counter(), None
        try:
            later = site.render_later(job, pause=self.gate.wait_for_no_writer)
            with self.gate.writing():
                changes = site.commit_pages(job, later)
        except BuildFailed as failed:  # a template failed on a later page: say so, serve what is there
            self.failed(failed)
        except (DatelineError, OSError) as exc:
            self.say(f"error: the later pages of the lists were not written: {exc}")
        finally:
            with self.gate.writing():  # written, or not coming: requests for them wait no more
                if site.pages_job is None or site.pages_job is job:
                    self.gate.owe(frozenset())
        if changes:
            self.say(f"{time.strftime('%H:%M:%S')} later pages of the lists: {len(changes.written):,} files written "
                     f"in {time.perf_counter() - started:.2f} s")

    def _search(self, site: SiteBuilder) -> None:
        job = site.search_job
        if job is None:
            return
        started = time.perf_counter()
        try:
            files = site.search_files(job)
            with self.gate.writing():
                changes = site.commit_search(job, files)
        except (DatelineError, PagefindError, OSError) as exc:  # the pages are served; say why search is behind
            self.say(f"error: the search index was not updated: {exc}")
            return
        if changes:
            self.say(f"{time.strftime('%H:%M:%S')} search index updated: {len(changes.written):,} files written"
                     f"{f', {len(changes.deleted):,} removed' if changes.deleted else ''} "
                     f"in {time.perf_counter() - started:.1f} s")
