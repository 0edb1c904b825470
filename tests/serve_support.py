"""Helpers for the dev-server tests: a live server in threads, raw HTTP, an SSE reader."""

from __future__ import annotations

import http.client
import json
import queue
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from dateline.scaffold import init_site
from dateline.serve.devsite import Settings
from dateline.serve.server import DevServer

WAIT = 15.0  # the longest any test waits for something to happen


def make_site(root: Path, base_url: str | None = None) -> Path:
    init_site(root)
    # Search is tested in test_search.py (serve's rebuilds too); here it would only slow every start.
    with open(root / "dateline.toml", "a", encoding="utf-8") as toml:
        toml.write("\n[search]\nenabled = false\n")
    if base_url:
        toml = root / "dateline.toml"
        toml.write_text(toml.read_text(encoding="utf-8").replace('base_url = "https://news.example.com/"',
                                                                  f'base_url = "{base_url}"'), encoding="utf-8")
    return root.resolve()


class LiveServer:
    """`dateline serve --watch --port 0` in this process: the HTTP server and a rebuild loop in threads."""

    def __init__(self, site: Path, watch: bool = True):
        self.site = site
        self.server = DevServer(Settings(site, None, False, None, "", 1), "127.0.0.1", 0, watch)
        self._stop = threading.Event()
        self._loop: threading.Thread | None = None

    def __enter__(self) -> LiveServer:
        self.built = self.server.start()
        if self.server.watcher:
            self._loop = threading.Thread(target=self._rebuild_loop, daemon=True)
            self._loop.start()
        return self

    def _rebuild_loop(self) -> None:
        while not self._stop.is_set():
            self.server.step(timeout=0.1)

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._loop:
            self._loop.join(timeout=WAIT)
        self.server.stop()

    @property
    def port(self) -> int:
        return self.server.http.port

    @property
    def out_dir(self) -> Path:
        return self.server.app.served().out_dir

    def get(self, path: str, method: str = "GET", headers: dict | None = None) -> http.client.HTTPResponse:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=WAIT)
        conn.request(method, path, headers=headers or {})
        response = conn.getresponse()
        response.body = response.read()
        conn.close()
        return response

    def raw(self, request_line: str) -> tuple[int, bytes]:
        """Send a request line exactly as written; (status, whole response)."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=WAIT) as sock:
            sock.sendall(f"{request_line}\r\nHost: 127.0.0.1:{self.port}\r\nConnection: close\r\n\r\n".encode("latin-1"))
            data = b""
            while chunk := sock.recv(65536):
                data += chunk
        status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/") else 0
        return status, data

    def events(self) -> EventStream:
        return EventStream(self.port)


@dataclass(frozen=True)
class Event:
    name: str
    data: dict


class EventStream:
    """Reads the live-reload stream in a thread; `next` waits for a named event."""

    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=WAIT)
        self.conn.request("GET", "/__dateline/events")
        self.response = self.conn.getresponse()
        self.queue: queue.Queue[Event] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        name, data = "message", ""
        try:
            for raw in self.response.fp:
                line = raw.decode("utf-8").rstrip("\n")
                if line.startswith("event: "):
                    name = line[7:]
                elif line.startswith("data: "):
                    data = line[6:]
                elif line == "" and data:
                    self.queue.put(Event(name, json.loads(data)))
                    name, data = "message", ""
        except (OSError, ValueError):
            pass

    def next(self, *names: str, timeout: float = WAIT) -> Event:
        deadline = time.monotonic() + timeout
        while True:
            event = self.queue.get(timeout=max(0.01, deadline - time.monotonic()))
            if event.name in names:
                return event

    def close(self) -> None:
        self.conn.close()


def wait_until(check, timeout: float = WAIT, interval: float = 0.02):
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(interval)


class HeldGate:
    """A gate whose writers wait for `release` first: what a long Pagefind run, or a thousand
    later pages to render, look like to a test that checks what is served meanwhile."""

    def __init__(self, gate):
        self.gate = gate
        self.release = threading.Event()

    def __getattr__(self, name):  # everything else as the gate does it
        return getattr(self.gate, name)

    def writing(self):
        self.release.wait(60)
        return self.gate.writing()
