"""Live reload in a real browser: Chromium opens an article served by `serve --watch`, the
article's file is edited, and the open page reloads by itself and shows the edit; a broken edit
shows the error overlay, which goes away when the file is fixed; a hidden tab lets go of its
connection and picks up what changed when shown again.

Needs Debian's chromium (as .ci/run installs it) and the playwright package; never
`playwright install`. DATELINE_CHROMIUM names another Chromium binary.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from serve_support import LiveServer, make_site, wait_until

pytestmark = pytest.mark.browser

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTICLE = "/en/2024/05/03/welcome/"
SOURCE = Path("content/en/2024/05/welcome.md")
TITLE = "title: Welcome to your new dateline site"
WAIT_MS = 15_000


def chromium_path() -> str:
    for candidate in (os.environ.get("DATELINE_CHROMIUM"), shutil.which("chromium"), "/usr/bin/chromium"):
        if candidate and Path(candidate).is_file():
            return candidate
    pytest.fail("Chromium not found: apt-get install -y chromium (as .ci/run does), or set DATELINE_CHROMIUM.",
                pytrace=False)


@pytest.fixture
def page(tmp_path):
    from playwright.sync_api import sync_playwright

    site = make_site(tmp_path / "paper")
    with LiveServer(site) as live, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            tab = browser.new_page()
            tab.set_default_timeout(WAIT_MS)
            tab.live, tab.site = live, site
            yield tab
        finally:
            browser.close()


def edit(site: Path, old: str, new: str) -> None:
    file = site / SOURCE
    file.write_text(file.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")


def connected(tab) -> None:
    """Wait until the page's script holds its event stream open."""
    assert wait_until(lambda: tab.live.server.app.hub.listeners == 1)


def test_an_open_article_reloads_itself_and_shows_the_edit(page):
    page.goto(f"http://127.0.0.1:{page.live.port}{ARTICLE}")
    assert page.locator("h1").first.inner_text() == "Welcome to your new dateline site"
    page.evaluate("window.__notReloaded = true")
    connected(page)
    edit(page.site, TITLE, "title: Ceasefire talks resume in Cairo")
    page.wait_for_function("() => document.querySelector('h1').textContent.includes('Ceasefire talks resume')")
    assert page.evaluate("window.__notReloaded") is None  # a real reload, not a patched DOM


def test_a_broken_edit_shows_an_overlay_until_fixed(page):
    page.goto(f"http://127.0.0.1:{page.live.port}{ARTICLE}")
    connected(page)
    edit(page.site, "posted: 2024-05-03 09:00", "posted: soon")
    overlay = page.locator("[data-dateline-errors]")
    error = page.locator("[data-dateline-error]")  # inside the overlay's shadow root
    error.wait_for(state="visible")
    text = error.inner_text()
    assert "content/en/2024/05/welcome.md:3:" in text and "'posted' is not a date and time" in text
    assert page.locator("h1").first.inner_text() == "Welcome to your new dateline site"  # last good page
    edit(page.site, "posted: soon", "posted: 2024-05-03 09:00")
    overlay.wait_for(state="detached")


def test_a_hidden_tab_lets_go_and_catches_up_when_shown(page):
    page.goto(f"http://127.0.0.1:{page.live.port}{ARTICLE}")
    connected(page)
    hub = page.live.server.app.hub
    visibility = "() => { Object.defineProperty(document, 'visibilityState', {value: '%s', configurable: true});" \
                 " document.dispatchEvent(new Event('visibilitychange')); }"
    page.evaluate(visibility % "hidden")
    assert wait_until(lambda: hub.listeners == 0)  # no connection held by a hidden tab
    before = hub.token
    edit(page.site, TITLE, "title: Edited while the tab was hidden")
    assert wait_until(lambda: hub.token != before)  # built while nobody listened
    assert page.locator("h1").first.inner_text() == "Welcome to your new dateline site"
    page.evaluate(visibility % "visible")  # reconnects, sees a newer build, reloads
    page.wait_for_function("() => document.querySelector('h1').textContent.includes('Edited while the tab was hidden')")
