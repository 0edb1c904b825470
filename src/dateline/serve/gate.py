"""Requests wait here while a rebuild writes the site, so nobody sees half of one.

A rebuild takes the gate for writing: new requests wait, and the rebuild waits for the
requests already opening files.
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

    @contextmanager
    def reading(self):
        """Hold while resolving and opening a file of the output folder."""
        with self._cond:
            self._cond.wait_for(lambda: not self._writing, timeout=MAX_WAIT)
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
