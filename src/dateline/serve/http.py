"""The development HTTP server: the output folder under the base URL's path, plus the
live-reload event stream. Threaded; HEAD and conditional GET; HTML gets the live script."""

from __future__ import annotations

import ipaddress
import os
import select
import socket
import sys
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Protocol

from dateline.serve.client import inject
from dateline.serve.gate import Gate
from dateline.serve.hub import Hub
from dateline.serve.paths import Target, locate, redirect_location, resolve

KEEPALIVE_SECONDS = 15.0
IDLE_SECONDS = 30.0  # a connection that sends nothing for this long is closed
BACKLOG = 128  # connections waiting to be accepted (socketserver's default of 5 dropped bursts)
CHECK_SECONDS = 0.5  # how soon a stream notices its tab has gone
TEXT = "; charset=utf-8"
CONTENT_TYPES = {
    ".html": "text/html" + TEXT, ".htm": "text/html" + TEXT, ".xml": "application/xml" + TEXT,
    ".json": "application/json" + TEXT, ".jsonld": "application/ld+json" + TEXT,
    ".webmanifest": "application/manifest+json" + TEXT, ".css": "text/css" + TEXT,
    ".js": "text/javascript" + TEXT, ".mjs": "text/javascript" + TEXT, ".txt": "text/plain" + TEXT,
    ".md": "text/markdown" + TEXT, ".csv": "text/csv" + TEXT, ".svg": "image/svg+xml" + TEXT,
    ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
    ".webp": "image/webp", ".avif": "image/avif", ".ico": "image/x-icon", ".pdf": "application/pdf",
    ".woff": "font/woff", ".woff2": "font/woff2", ".ttf": "font/ttf", ".otf": "font/otf",
    ".mp4": "video/mp4", ".webm": "video/webm", ".mp3": "audio/mpeg", ".wasm": "application/wasm",
}


def content_type(path: Path) -> str:
    return CONTENT_TYPES.get(path.suffix.lower(), "application/octet-stream")


@dataclass(frozen=True)
class Served:
    """What is being served; a config change may move it."""

    out_dir: Path
    base_path: str  # "/" or "/news/"


class App(Protocol):
    gate: Gate
    hub: Hub

    def served(self) -> Served: ...


@dataclass(frozen=True)
class Response:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes = b""


class DevHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = BACKLOG

    def __init__(self, host: str, port: int, app: App):
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.app = app
        super().__init__((host, port), Handler)
        self.hosts = HostCheck(host, self.port)

    @property
    def port(self) -> int:
        return self.server_address[1]

    def handle_error(self, request, client_address) -> None:
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return  # a browser that gave up on a request: nothing to report
        super().handle_error(request, client_address)


class Handler(BaseHTTPRequestHandler):
    server: DevHTTPServer
    server_version = "dateline-serve"
    protocol_version = "HTTP/1.1"
    timeout = IDLE_SECONDS  # socketserver sets it on the connection: idle keep-alives end

    def do_GET(self) -> None:
        self._handle(head=False)

    def do_HEAD(self) -> None:
        self._handle(head=True)

    def log_message(self, format: str, *args) -> None:  # one line per rebuild is enough
        pass

    def _handle(self, head: bool) -> None:
        served = self.server.app.served()
        target = resolve(self.path, served.base_path)
        refusal = self._refusal(target)
        if refusal is not None:
            self.close_connection = True
            return self._send(refusal, head)
        if target.kind == "events":
            return self._events(head)
        self._send(self._respond(served, target), head)

    def _refusal(self, target: Target) -> Response | None:
        """A request for another host name (DNS rebinding: a page of evil.example whose name now
        points here) gets nothing; the event stream is for this server's own pages only."""
        host = self.headers.get("Host")
        if not self.server.hosts.allows(host):
            return plain(HTTPStatus.MISDIRECTED_REQUEST, "421 Misdirected Request: this server answers only for "
                                                         f"{self.server.hosts.example}.\n")
        origin = self.headers.get("Origin")
        if target.kind == "events" and origin is not None and origin.lower() != f"http://{host.lower()}":
            return plain(HTTPStatus.FORBIDDEN, "403 Forbidden: the live-reload stream is for this site's own pages.\n")
        return None

    def _send(self, response: Response, head: bool) -> None:
        self.send_response(response.status)
        for name, value in response.headers:
            self.send_header(name, value)
        self.end_headers()
        if not head and response.body:
            self.wfile.write(response.body)

    def _respond(self, served: Served, target: Target) -> Response:
        if target.kind == "redirect":
            return redirect(redirect_location(target))
        if target.kind in ("forbidden", "bad"):
            status = HTTPStatus.FORBIDDEN if target.kind == "forbidden" else HTTPStatus.BAD_REQUEST
            return plain(status, f"{status.value} {status.phrase}: this path is refused.\n")
        with self.server.app.gate.reading(target.output if target.kind == "file" else None):
            found = locate(served.out_dir, target) if target.kind == "file" else None
            if found and found.kind == "redirect":
                return redirect(redirect_location(target))
            if found and found.kind == "forbidden":
                return plain(HTTPStatus.FORBIDDEN, "403 Forbidden: this path is refused.\n")
            if found and found.kind == "file":
                return self._file(found.path, HTTPStatus.OK)
            return self._not_found(served)

    def _file(self, path: Path, status: int) -> Response:
        try:
            with open(path, "rb") as handle:  # renames replace files whole: this one stays as it is
                st = os.fstat(handle.fileno())
                data = handle.read()
        except OSError:
            return plain(HTTPStatus.NOT_FOUND, "404 Not Found\n")
        kind = content_type(path)
        etag = f'"{st.st_ino:x}-{st.st_size:x}-{st.st_mtime_ns:x}'
        headers = [("Content-Type", kind), ("Cache-Control", "no-cache")]
        if kind.startswith("text/html"):
            token = self.server.app.hub.token
            data = inject(data, token)
            headers.append(("ETag", f'{etag}-{token}"'))
        else:
            headers += [("ETag", etag + '"'), ("Last-Modified", formatdate(st.st_mtime, usegmt=True))]
        if status == HTTPStatus.OK and self._not_modified(dict(headers), st.st_mtime):
            return Response(HTTPStatus.NOT_MODIFIED, tuple(h for h in headers if h[0] != "Content-Type"))
        if status == HTTPStatus.OK:
            headers.append(("Accept-Ranges", "bytes"))
            wanted = self._range(dict(headers)["ETag"], len(data))
            if wanted == "unsatisfiable":
                response = plain(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE, "416 Range Not Satisfiable\n")
                return Response(response.status, response.headers + (("Content-Range", f"bytes */{len(data)}"),),
                                response.body)
            if wanted is not None:
                first, last = wanted
                headers.append(("Content-Range", f"bytes {first}-{last}/{len(data)}"))
                status, data = HTTPStatus.PARTIAL_CONTENT, data[first:last + 1]
        return Response(status, tuple(headers) + (("Content-Length", str(len(data))),), data)

    def _range(self, etag: str, size: int) -> tuple[int, int] | str | None:
        """(first, last) byte of a single `Range: bytes=...`, "unsatisfiable", or None to send it all
        (no Range, several ranges, a syntax we do not take, or an If-Range for another version)."""
        header = self.headers.get("Range")
        if_range = self.headers.get("If-Range")
        if header is None or (if_range is not None and if_range.strip() != etag):
            return None
        return parse_range(header, size)

    def _not_modified(self, headers: dict, mtime: float) -> bool:
        etag = headers["ETag"]
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
            return "*" in tags or etag in tags
        since = self.headers.get("If-Modified-Since")
        if since and "Last-Modified" in headers:
            try:
                return int(mtime) <= parsedate_to_datetime(since).timestamp()
            except (TypeError, ValueError):
                return False
        return False

    def _not_found(self, served: Served) -> Response:
        page = served.out_dir / "404.html"
        if page.is_file():
            return self._file(page, HTTPStatus.NOT_FOUND)
        return plain(HTTPStatus.NOT_FOUND, "404 Not Found\n")

    def _events(self, head: bool) -> None:
        """Server-Sent Events: hello with the token and errors, then whatever the hub publishes."""
        self.close_connection = True
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")
        self.end_headers()
        if head:
            return
        hub = self.server.app.hub
        after, hello = hub.hello()
        hub.listening(+1)
        try:
            self.wfile.write(b"retry: 1000\n\n" + hello.encode())
            self.wfile.flush()
            quiet = 0.0
            while not hub.closed and not self._client_gone():
                events = hub.wait(after, CHECK_SECONDS)
                for event in events:
                    self.wfile.write(event.encode())
                    after = event.number
                quiet = 0.0 if events else quiet + CHECK_SECONDS
                if quiet >= KEEPALIVE_SECONDS:
                    self.wfile.write(b": keep-alive\n\n")
                    quiet = 0.0
                self.wfile.flush()
        except OSError:  # the tab went away
            pass
        finally:
            hub.listening(-1)


    def _client_gone(self) -> bool:
        """The tab closed its end (hidden, navigated away, closed): stop holding the stream."""
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            return bool(readable) and self.connection.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True


def parse_range(header: str, size: int) -> tuple[int, int] | str | None:
    """RFC 9110 byte ranges, one range only: "bytes=0-99", "bytes=100-", "bytes=-100"."""
    unit, _, spec = header.partition("=")
    if unit.strip().lower() != "bytes" or "," in spec:
        return None
    first, dash, last = spec.strip().partition("-")
    if not dash or not (first.isdigit() or last.isdigit()) or not all(p.isdigit() for p in (first, last) if p):
        return None
    if not first:  # the last N bytes
        length = int(last)
        return (max(0, size - length), size - 1) if length and size else "unsatisfiable"
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or (last and int(last) < start):
        return "unsatisfiable" if start >= size else None
    return start, end


class HostCheck:
    """The Host header values this server answers: its loopback names and the --host it listens
    on, each with its port. Listening on every address (0.0.0.0, ::), any IP address is taken as
    well: DNS rebinding needs a name, and a machine's own addresses are not known in advance."""

    def __init__(self, host: str, port: int):
        self.port = port
        self.names = {"localhost", "127.0.0.1", "[::1]", _url_name(host)}
        self.any_address = host in ("", "0.0.0.0", "::")
        self.example = f"http://127.0.0.1:{port}/"

    def allows(self, header: str | None) -> bool:
        if not header:
            return False
        name, port = _split_host(header.strip().lower())
        if port != self.port:
            return False
        return name in self.names or (self.any_address and _is_address(name))


def _url_name(host: str) -> str:
    host = host.lower()
    return f"[{host}]" if ":" in host else host


def _split_host(value: str) -> tuple[str, int | None]:
    """("localhost", 8000) from "localhost:8000"; ("[::1]", 80) from "[::1]"; port None if malformed."""
    name, colon, port = value.rpartition(":") if not value.endswith("]") else ("", "", "")
    if not colon:
        return value, 80
    if not port.isdigit() or not name:
        return value, None
    return name, int(port)


def _is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return False
    return True


def plain(status: int, text: str) -> Response:
    body = text.encode("utf-8")
    return Response(status, (("Content-Type", "text/plain" + TEXT), ("Content-Length", str(len(body))),
                             ("Cache-Control", "no-cache")), body)


def redirect(location: str) -> Response:
    body = f"Moved to {location}\n".encode()
    return Response(HTTPStatus.MOVED_PERMANENTLY, (("Location", location), ("Content-Type", "text/plain" + TEXT),
                                                   ("Content-Length", str(len(body)))), body)
