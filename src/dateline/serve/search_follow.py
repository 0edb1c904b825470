"""The served site's search index, brought up to date after its pages, on a thread of its own.

Pagefind has no incremental mode: after a text edit it indexes the whole edition again, which
takes many seconds on a large archive. The dev server does not make an edit wait for that: the
rebuild publishes the pages (SiteBuilder(search_later=True)), and this thread then makes the
bundle of the newest build and commits it under the gate, as a rebuild commits its pages. A
bundle made for an index that a later rebuild has replaced is dropped, and the later one is made.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable

from dateline.build import SiteBuilder
from dateline.errors import DatelineError
from dateline.search import PagefindError
from dateline.serve.gate import Gate


class SearchFollower:
    def __init__(self, gate: Gate, say: Callable[[str], None]):
        self.gate, self.say = gate, say
        self._cond = threading.Condition()
        self._site: SiteBuilder | None = None  # the builder whose search_job is due
        self._busy = False
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="dateline-search", daemon=True)
        self._thread.start()

    def submit(self, site: SiteBuilder) -> None:
        """The site was rebuilt: index its newest build (the job it holds when the thread gets to it)."""
        with self._cond:
            self._site = site
            self._cond.notify_all()

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Wait until every submitted build is indexed; False on timeout."""
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
                self._follow(site)
            finally:
                with self._cond:
                    self._busy = False
                    self._cond.notify_all()

    def _follow(self, site: SiteBuilder) -> None:
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
        except Exception:  # a bug of ours: keep serving
            traceback.print_exc()
            return
        if changes:
            written = len(changes.created) + len(changes.updated)
            self.say(f"{time.strftime('%H:%M:%S')} search index updated: {written:,} files written"
                     f"{f', {len(changes.deleted):,} removed' if changes.deleted else ''} "
                     f"in {time.perf_counter() - started:.1f} s")
