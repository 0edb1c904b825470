"""The live-reload channel's state: the current build token, the current errors, and recent
events, handed to every open tab's Server-Sent Events stream."""

from __future__ import annotations

import json
import os
import threading
import time
from collections import deque
from dataclasses import dataclass

from dateline.errors import ContentError

KEEP_EVENTS = 32


@dataclass(frozen=True)
class Event:
    number: int
    name: str  # hello, reload, css, errors, clear
    data: str  # JSON

    def encode(self) -> bytes:
        return f"id: {self.number}\nevent: {self.name}\ndata: {self.data}\n\n".encode()


def error_records(errors: list[ContentError]) -> list[dict]:
    return [{"path": e.path, "line": e.line, "message": e.message, "text": str(e)} for e in errors]


class Hub:
    def __init__(self):
        self._cond = threading.Condition()
        self._events: deque[Event] = deque(maxlen=KEEP_EVENTS)
        self._number = 0
        self._builds = 0
        self._session = f"{os.getpid():x}{int(time.time() * 1000) % 0xFFFFFF:x}"  # new after a restart
        self.errors: list[dict] = []
        self.closed = False
        self.listeners = 0  # open event streams

    def listening(self, delta: int) -> None:
        with self._cond:
            self.listeners += delta

    @property
    def token(self) -> str:
        """Names the build a page was served from: a tab whose token is not current reloads."""
        return f"{self._session}-{self._builds}"

    def hello(self) -> tuple[int, Event]:
        """The first event of a new stream, and the number after which it continues."""
        with self._cond:
            data = json.dumps({"token": self.token, "errors": self.errors})
            return self._number, Event(self._number, "hello", data)

    def built(self, stylesheets: list[str] | None, changed: bool) -> None:
        """After a good rebuild: reload tabs (or swap stylesheets, or just clear an error)."""
        with self._cond:
            had_errors, self.errors = bool(self.errors), []
            if changed:
                self._builds += 1
            if changed and stylesheets is not None:
                self._publish("css", {"token": self.token, "paths": stylesheets})
            elif changed:
                self._publish("reload", {"token": self.token})
            elif had_errors:
                self._publish("clear", {"token": self.token})

    def failed(self, errors: list[ContentError]) -> None:
        with self._cond:
            self.errors = error_records(errors)
            self._publish("errors", {"errors": self.errors})

    def _publish(self, name: str, data: dict) -> None:
        self._number += 1
        self._events.append(Event(self._number, name, json.dumps(data, ensure_ascii=False)))
        self._cond.notify_all()

    def wait(self, after: int, timeout: float) -> list[Event]:
        """Events numbered after `after`; empty on timeout or when the hub closes."""
        with self._cond:
            self._cond.wait_for(lambda: self._number > after or self.closed, timeout=timeout)
            return [e for e in self._events if e.number > after]

    def close(self) -> None:
        with self._cond:
            self.closed = True
            self._cond.notify_all()
