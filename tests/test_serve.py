"""`dateline serve`: the server on a free port in a temporary site, talked to over HTTP."""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
from email.utils import formatdate
from pathlib import Path

import pytest
from serve_support import WAIT, LiveServer, make_site, wait_until

from dateline.serve.paths import resolve
from dateline.serve.server import exposure_warning
from dateline.serve.watch import Sorter

ARTICLE = "/en/2024/05/03/welcome/"
SOURCE = Path("content/en/2024/05/welcome.md")
SECRET = "top secret: not part of the site"


def sample_site(root: Path) -> Path:
    site = make_site(root / "paper")
    static = site / "static"
    (static / "data.json").write_text('{"ok": true}\n', encoding="utf-8")
    (static / "app.js").write_text("console.log('hi');\n", encoding="utf-8")
    (static / "pixel.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 16)
    (root / "secret.txt").write_text(SECRET, encoding="utf-8")
    return site


@pytest.fixture
def site(tmp_path) -> Path:
    return sample_site(tmp_path)


@pytest.fixture
def live(site):
    """A server of one's own, for tests that change the site."""
    with LiveServer(site) as server:
        assert server.built
        yield server


@pytest.fixture(scope="module")
def reader(tmp_path_factory):
    """One server for the tests that only read, with symlinks out of the output folder planted."""
    with LiveServer(sample_site(tmp_path_factory.mktemp("read")), watch=False) as server:
        assert server.built
        (server.out_dir / "leak.txt").symlink_to(server.site.parent / "secret.txt")
        (server.out_dir / "leak-folder").symlink_to(server.site.parent)
        yield server


def edit(site: Path, old: str, new: str, path: Path = SOURCE) -> None:
    file = site / path
    file.write_text(file.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")


# ---- pages, types, redirects, 404 ---------------------------------------------------------


@pytest.mark.parametrize("path, content_type", [
    ("/", "text/html; charset=utf-8"),
    (ARTICLE, "text/html; charset=utf-8"),
    ("/en/feed.xml", "application/xml; charset=utf-8"),
    ("/sitemap.xml", "application/xml; charset=utf-8"),
    ("/robots.txt", "text/plain; charset=utf-8"),
    ("/assets/dateline.css", "text/css; charset=utf-8"),
    ("/data.json", "application/json; charset=utf-8"),
    ("/app.js", "text/javascript; charset=utf-8"),
    ("/pixel.png", "image/png"),
])
def test_serves_files_with_their_content_types(reader, path, content_type):
    response = reader.get(path)
    assert response.status == 200
    assert response.getheader("Content-Type") == content_type
    assert int(response.getheader("Content-Length")) == len(response.body)


def test_html_gets_the_live_script_but_files_on_disk_never_do(reader):
    page = reader.get(ARTICLE).body.decode("utf-8")
    assert "Welcome to your new dateline site" in page
    assert page.count("data-dateline-live") == 1 and page.index("data-dateline-live") < page.rindex("</body>")
    assert "data-dateline-live" not in reader.get("/en/feed.xml").body.decode("utf-8")
    on_disk = [p for p in reader.out_dir.rglob("*") if p.is_file() and b"data-dateline-live" in p.read_bytes()]
    assert on_disk == []


def test_folder_without_slash_redirects(reader):
    response = reader.get("/en/2024/05/03/welcome?x=1")
    assert response.status in (301, 308)
    assert response.getheader("Location") == "/en/2024/05/03/welcome/?x=1"


def test_a_miss_gets_the_404_page(reader):
    response = reader.get("/en/no-such-story/")
    assert response.status == 404
    assert response.getheader("Content-Type") == "text/html; charset=utf-8"
    assert response.body.decode("utf-8") .count("data-dateline-live") == 1
    assert (reader.out_dir / "404.html").read_bytes().split(b"</body>")[0] in response.body


def test_head_sends_headers_only(reader):
    get, head = reader.get(ARTICLE), reader.get(ARTICLE, method="HEAD")
    assert head.status == 200 and head.body == b""
    assert head.getheader("Content-Length") == get.getheader("Content-Length")
    assert head.getheader("ETag") == get.getheader("ETag")


def test_conditional_get(reader):
    first = reader.get(ARTICLE)
    again = reader.get(ARTICLE, headers={"If-None-Match": first.getheader("ETag")})
    assert again.status == 304 and again.body == b""
    css = reader.get("/assets/dateline.css")
    since = reader.get("/assets/dateline.css", headers={"If-Modified-Since": css.getheader("Last-Modified")})
    assert since.status == 304
    old = formatdate(0, usegmt=True)
    assert reader.get("/assets/dateline.css", headers={"If-Modified-Since": old}).status == 200
    assert reader.get(ARTICLE, headers={"If-None-Match": '"something-else"'}).status == 200


def test_many_requests_at_once(reader):
    statuses: list[int] = []

    def fetch():
        for _ in range(5):
            statuses.append(reader.get(ARTICLE).status)

    threads = [threading.Thread(target=fetch) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT)
    assert statuses == [200] * 40


# ---- nothing outside the output folder ---------------------------------------------------


@pytest.mark.parametrize("request_line", [
    "GET /../secret.txt HTTP/1.1",
    "GET /../../secret.txt HTTP/1.1",
    "GET /%2e%2e/secret.txt HTTP/1.1",
    "GET /%2E%2E/%2e%2E/secret.txt HTTP/1.1",
    "GET /en/..%2f..%2fsecret.txt HTTP/1.1",
    "GET /.%2e/secret.txt HTTP/1.1",
    "GET //etc/passwd HTTP/1.1",
    "GET /..\\secret.txt HTTP/1.1",
    "GET /%5c..%5csecret.txt HTTP/1.1",
    "GET /en/%00/../secret.txt HTTP/1.1",
    "GET http://127.0.0.1/../secret.txt HTTP/1.1",
    "GET /leak.txt HTTP/1.1",
    "GET /leak-folder/secret.txt HTTP/1.1",
    "GET /leak-folder/ HTTP/1.1",
])
def test_nothing_outside_the_output_folder_is_served(reader, request_line):
    status, data = reader.raw(request_line)
    assert status in (400, 403, 404), data[:200]
    assert SECRET.encode() not in data and b"root:" not in data


def test_resolve_refuses_traversal_in_every_spelling():
    for target in ["/../x", "/a/%2e%2e/x", "/a/%2E./x", "/a\\b", "/a%5Cb", "/a/%00", "//etc/passwd", "/%ff"]:
        assert resolve(target, "/").kind in ("forbidden", "bad"), target
    assert resolve("/%252e%252e/x", "/").kind == "file"  # decoded once: a folder literally named %2e%2e
    assert resolve("/news/en/", "/news/").output == "en/"
    assert resolve("/news", "/news/").kind == "redirect"
    assert resolve("/other/", "/news/").kind == "outside"


# ---- base_url with a path ----------------------------------------------------------------


def test_a_base_url_path_is_served_under_that_path(tmp_path):
    site = make_site(tmp_path / "paper", base_url="https://example.com/news/")
    with LiveServer(site, watch=False) as live:
        root = f"http://127.0.0.1:{live.port}/news/"
        page = live.get("/news" + ARTICLE)
        assert page.status == 200
        html = page.body.decode("utf-8")
        assert f'<link rel="canonical" href="{root}en/2024/05/03/welcome/">' in html
        assert 'href="/news/assets/dateline.css"' in html
        assert live.get("/news/assets/dateline.css").status == 200
        assert live.get("/").getheader("Location") == "/news/"
        assert live.get("/news").getheader("Location") == "/news/"
        assert live.get(ARTICLE).status == 404


# ---- watching and rebuilding -------------------------------------------------------------


def test_an_edit_is_announced_and_served(live, site):
    stream = live.events()
    hello = stream.next("hello")
    edit(site, "title: Welcome to your new dateline site", "title: Edited from the desk")
    reload = stream.next("reload")
    assert reload.data["token"] != hello.data["token"]
    assert "Edited from the desk" in live.get(ARTICLE).body.decode("utf-8")
    assert "Edited from the desk" in (live.out_dir / ARTICLE.strip("/") / "index.html").read_text(encoding="utf-8")
    stream.close()


def test_a_broken_edit_keeps_the_last_good_site_and_reports(capfd, live, site):
    before = live.get(ARTICLE).body
    stream = live.events()
    stream.next("hello")
    edit(site, "posted: 2024-05-03 09:00", "posted: yesterday-ish")
    errors = stream.next("errors").data["errors"]
    assert errors == [{
        "path": "content/en/2024/05/welcome.md", "line": 3,
        "message": "'posted' is not a date and time: 'yesterday-ish' (write e.g. 2024-05-03T07:55:00+09:00 or 2024-05-03 07:55)",
        "text": "content/en/2024/05/welcome.md:3: 'posted' is not a date and time: 'yesterday-ish' "
                "(write e.g. 2024-05-03T07:55:00+09:00 or 2024-05-03 07:55)",
    }]
    assert live.get(ARTICLE).body == before  # the last good page, same token: no reload loop
    late = live.events()  # a tab opened now gets the errors straight away
    assert late.next("hello").data["errors"] == errors
    late.close()
    printed = capfd.readouterr().err
    assert errors[0]["text"] + "\n1 error; nothing was written.\n" in printed
    edit(site, "posted: yesterday-ish", "posted: 2024-05-03 09:00")
    assert stream.next("clear", "reload").name == "clear"  # same sources as the last good build
    assert live.events().next("hello").data["errors"] == []
    stream.close()


def test_a_stylesheet_change_swaps_stylesheets_only(live, site):
    stream = live.events()
    stream.next("hello")
    (site / "static" / "assets").mkdir()
    (site / "static" / "assets" / "dateline.css").write_text("body { color: teal }\n", encoding="utf-8")
    event = stream.next("css", "reload")
    assert (event.name, event.data["paths"]) == ("css", ["/assets/dateline.css"])
    assert live.get("/assets/dateline.css").body == b"body { color: teal }\n"
    stream.close()


def test_requests_wait_for_a_rebuild(live):
    done = threading.Event()
    with live.server.app.gate.writing():
        threading.Thread(target=lambda: (live.get(ARTICLE), done.set()), daemon=True).start()
        assert not done.wait(0.3)
    assert done.wait(WAIT)


def test_terminal_line_per_rebuild(capfd, live, site):
    edit(site, "title: Welcome to your new dateline site", "title: One line please")
    line = wait_until(lambda: next((ln for ln in capfd.readouterr().out.splitlines() if "welcome.md changed:" in ln), None))
    assert re.fullmatch(r"\d\d:\d\d:\d\d content/en/2024/05/welcome\.md changed: \d+ files written in \d+\.\d{3} s", line)


def test_sorter_ignores_editor_files_and_the_output(tmp_path):
    site = tmp_path
    sorter = Sorter(site, lambda: site / "site")
    content = site / "content" / "en"
    for name in [".welcome.md.swp", ".welcome.md.swx", "welcome.md~", ".#welcome.md", "#welcome.md#", "4913",
                 "welcome.md.tmp", ".welcome.md.3f9a.tmp"]:
        assert sorter.kind(content / name) is None, name
    assert sorter.kind(site / "site" / "en" / "index.html") is None
    assert sorter.kind(content / "welcome.md") == "content"
    assert sorter.kind(site / "templates" / "base.html") == "templates"
    assert sorter.kind(site / "static" / "a.css") == "static"
    assert sorter.kind(site / "data" / "staff.toml") == "data"
    assert sorter.kind(site / "dateline.toml") == "config"
    assert sorter.kind(site / ".dateline-cache" / "x") is None


def test_a_burst_of_saves_is_one_batch(tmp_path):
    from dateline.serve.watch import Watcher

    site = make_site(tmp_path / "paper")
    watcher = Watcher(site, lambda: site / "site")
    watcher.start()
    try:
        folder = site / "content" / "en" / "2024" / "05"
        for n in range(20):  # a checkout of many files
            (folder / f"story-{n}.md").write_text("x", encoding="utf-8")
        temp = folder / ".welcome.md.swp"  # an editor saving through a temporary file and a rename
        temp.write_text("y", encoding="utf-8")
        os.replace(temp, folder / "welcome.md")
        batches = [watcher.next_batch(timeout=WAIT)]
        while batches[-1] is not None:
            batches.append(watcher.next_batch(timeout=0.5))
        saved = {folder / f"story-{n}.md" for n in range(20)} | {folder / "welcome.md"}
        assert saved <= set().union(*(b.change.content for b in batches[:-1]))
        # One batch; two at most when a loaded machine starves the watcher's thread mid-burst.
        assert len(batches[:-1]) <= 2
    finally:
        watcher.stop()


def test_exposure_warning():
    assert exposure_warning("127.0.0.1", False) is None
    assert exposure_warning("::1", False) is None
    assert "anyone" in exposure_warning("0.0.0.0", False)
    assert "drafts" in exposure_warning("192.0.2.1", True)


# ---- the command itself ------------------------------------------------------------------


def start_serve(site: Path, *options: str) -> tuple[subprocess.Popen, int]:
    """`dateline serve OPTIONS --port 0` in a process of its own, once it says it serves: (process, port)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "dateline", "serve", *options, "--port", "0", "--site", str(site)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    lines = []
    while not any("Serving" in line for line in lines):
        line = process.stdout.readline()
        if not line:
            process.kill()
            raise AssertionError(f"server ended early: {process.stderr.read()}")
        lines.append(line)
    return process, int(re.search(r"127\.0\.0\.1:(\d+)/", lines[-1]).group(1))


def test_ctrl_c_stops_cleanly_and_frees_the_port(site):
    process, port = start_serve(site, "--watch")
    try:
        socket.create_connection(("127.0.0.1", port), timeout=WAIT).close()  # it listens
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 0
    assert "Traceback" not in err and "Traceback" not in out
    with socket.socket() as probe:  # the port is free again
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(("127.0.0.1", port))


def test_no_search_serves_the_site_without_its_search_pages(site):
    """`serve --no-search`, as `build --no-search`: what a machine without the search extra runs."""
    process, port = start_serve(site, "--no-search")
    try:
        statuses = {}
        for path in ("/en/", "/en/search/"):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=WAIT)
            connection.request("GET", path)
            statuses[path] = connection.getresponse().status
            connection.close()
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=60)
    finally:
        process.kill()
    assert statuses == {"/en/": 200, "/en/search/": 404}
