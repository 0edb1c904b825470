"""Requests wait here while a rebuild writes the site, so nobody sees half of one.

A rebuild takes the gate for writing: new requests wait, and the rebuild waits for the
requests already opening files. Pages a rebuild leaves for later (the sitemap of a large site)
are *held*: a request for one of those waits for it alone, the rest of the site is served.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager

# A request waits at most this long, then is served what is there.
MAX_WAIT = 120.0


class Gate:
    def __init__(self):
        self._cond = threading.Condition()
        self._writing = False
        self._readers = 0
        self._held: set[str] = set()

    @contextmanager
    def reading(self, output: str):
        """Hold while resolving and opening `output` (a path below the output folder)."""
        with self._cond:
            self._cond.wait_for(lambda: not self._writing and output not in self._held, timeout=MAX_WAIT)
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    @contextmanager
    def writing(self):
        with self._cond:
            self._cond.wait_for(lambda: not self._writing)
            self._writing = True
            self._cond.wait_for(lambda: self._readers == 0)
        try:
            yield
        finally:
            with self._cond:
                self._writing = False
                self._cond.notify_all()

    def hold(self, outputs) -> None:
        with self._cond:
            self._held.update(outputs)

    def release(self, outputs) -> None:
        with self._cond:
            self._held.difference_update(outputs)
            self._cond.notify_all()
