"""The dev server against other sites' pages and many clients (issue 17, items 5 and 7), over real
HTTP: only its own host names are answered (DNS rebinding gets nothing), the live-reload stream
only to its own pages, bursts of clients are all served, idle connections are closed, and files
are served in byte ranges."""

from __future__ import annotations

import http.client
import socket
import threading
import time

import pytest
from serve_support import WAIT, LiveServer, make_site

from dateline.serve import http as serve_http


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    site = make_site(tmp_path_factory.mktemp("hostile") / "site")
    with LiveServer(site, watch=False) as live:
        yield live


def request(server, path: str, headers: dict[str, str], method: str = "GET") -> tuple[int, dict, bytes]:
    """A request with exactly these headers (http.client adds no Host of its own)."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=WAIT)
    conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
    for name, value in headers.items():
        conn.putheader(name, value)
    conn.endheaders()
    response = conn.getresponse()
    body = response.read() if path != "/__dateline/events" or response.status != 200 else b""
    conn.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, body


@pytest.mark.parametrize("host", ["evil.example:{port}", "evil.example", "127.0.0.1.evil.example:{port}",
                                  "localhost:1", "127.0.0.1", ""])
@pytest.mark.parametrize("path", ["/", "/en/", "/sitemap.xml", "/__dateline/events"])
def test_a_request_for_another_host_gets_no_content(server, host, path):
    """DNS rebinding: a page of evil.example whose name now resolves to 127.0.0.1 asks for drafts."""
    status, headers, body = request(server, path, {"Host": host.format(port=server.port)})
    assert status == 421
    assert headers["content-type"].startswith("text/plain")
    assert b"<html" not in body.lower() and b"event:" not in body


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "LOCALHOST", "[::1]"])
def test_its_own_host_names_are_answered(server, host):
    status, _, body = request(server, "/en/", {"Host": f"{host}:{server.port}"})
    assert status == 200 and b"<html" in body.lower()


def test_the_event_stream_refuses_other_origins(server):
    own = {"Host": f"127.0.0.1:{server.port}"}
    status, _, _ = request(server, "/__dateline/events", {**own, "Origin": "http://evil.example"})
    assert status == 403
    status, _, _ = request(server, "/__dateline/events", {**own, "Origin": "null"})
    assert status == 403
    status, headers, _ = request(server, "/__dateline/events", {**own, "Origin": f"http://127.0.0.1:{server.port}"},
                                 method="HEAD")
    assert status == 200 and headers["content-type"].startswith("text/event-stream")


def test_fifty_concurrent_clients_are_all_answered(server):
    statuses: list[int] = []
    lock, start = threading.Lock(), threading.Barrier(50)

    def client() -> None:
        start.wait(timeout=WAIT)
        try:
            status = server.get("/en/").status
        except OSError:
            status = 0
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=client) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=WAIT * 2)
    assert statuses == [200] * 50


def test_the_listen_backlog_takes_a_burst(server):
    assert server.server.http.request_queue_size >= 128


def test_an_idle_connection_is_closed(server, monkeypatch):
    assert 0 < serve_http.Handler.timeout <= 60, "idle connections are never closed"
    monkeypatch.setattr(serve_http.Handler, "timeout", 0.3)
    with socket.create_connection(("127.0.0.1", server.port), timeout=WAIT) as sock:
        started = time.monotonic()
        assert sock.recv(1) == b""  # the server hung up on a client that said nothing
        assert time.monotonic() - started < WAIT


# ---- Range requests -------------------------------------------------------------------------


def test_a_range_request_gets_those_bytes(server):
    whole = (server.out_dir / "robots.txt").read_bytes()
    own = {"Host": f"127.0.0.1:{server.port}"}
    status, headers, body = request(server, "/robots.txt", {**own, "Range": "bytes=0-9"})
    assert (status, body) == (206, whole[:10])
    assert headers["content-range"] == f"bytes 0-9/{len(whole)}"
    assert headers["content-length"] == "10"
    status, headers, body = request(server, "/robots.txt", {**own, "Range": "bytes=-5"})
    assert (status, body) == (206, whole[-5:])
    status, headers, body = request(server, "/robots.txt", {**own, "Range": "bytes=3-"})
    assert (status, body) == (206, whole[3:])
    status, headers, body = request(server, "/robots.txt", {**own, "Range": f"bytes=5-{len(whole) + 100}"})
    assert (status, body) == (206, whole[5:])


def test_an_unsatisfiable_range_gets_416(server):
    size = len((server.out_dir / "robots.txt").read_bytes())
    status, headers, _ = request(server, "/robots.txt", {"Host": f"127.0.0.1:{server.port}",
                                                         "Range": f"bytes={size}-"})
    assert status == 416 and headers["content-range"] == f"bytes */{size}"


@pytest.mark.parametrize("header", ["bytes=0-1,5-6", "lines=1-2", "bytes=abc", "bytes=9-3"])
def test_a_range_we_do_not_take_gets_the_whole_file(server, header):
    whole = (server.out_dir / "robots.txt").read_bytes()
    status, _, body = request(server, "/robots.txt", {"Host": f"127.0.0.1:{server.port}", "Range": header})
    assert (status, body) == (200, whole)


def test_if_range_for_another_version_gets_the_whole_file(server):
    own = {"Host": f"127.0.0.1:{server.port}"}
    status, headers, whole = request(server, "/robots.txt", own)
    assert headers["accept-ranges"] == "bytes"
    status, _, body = request(server, "/robots.txt", {**own, "Range": "bytes=0-1", "If-Range": '"older"'})
    assert (status, body) == (200, whole)
    status, _, body = request(server, "/robots.txt", {**own, "Range": "bytes=0-1", "If-Range": headers["etag"]})
    assert (status, body) == (206, whole[:2])
