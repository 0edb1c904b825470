"""Requests wait here while a rebuild writes the site, so nobody sees half of one.

A rebuild takes the gate for writing: new requests wait, and the rebuild waits for the
requests already opening files. A rebuild that leaves pages to render after its commit (the
later pages of long lists: serve/follow.py) says which they are owed; a request for one of
them waits until they are in place.
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
        self._owed: frozenset[str] = frozenset()  # output files (below the output folder) to come

    def owe(self, outputs: frozenset[str]) -> None:
        """The output files still to be written (replacing the last set; empty: none)."""
        with self._cond:
            self._owed = outputs
            self._cond.notify_all()

    def _is_owed(self, output: str | None) -> bool:
        if output is None or not self._owed:
            return False
        key = output.strip("/")
        return key in self._owed or f"{key}/index.html".lstrip("/") in self._owed

    @contextmanager
    def reading(self, output: str | None = None):
        """Hold while resolving and opening a file of the output folder (`output`: its path below
        the folder, as requested)."""
        with self._cond:
            self._cond.wait_for(lambda: not self._writing and not self._is_owed(output), timeout=MAX_WAIT)
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    def wait_for_no_writer(self) -> None:
        """Wait while a rebuild holds the gate (the follower's later pages give way to it)."""
        with self._cond:
            self._cond.wait_for(lambda: not self._writing, timeout=MAX_WAIT)

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
