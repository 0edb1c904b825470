"""A reader in a real browser: the sample site served over local HTTP, driven in Chromium.

Home -> the English edition -> the Israel-Hamas story -> its Korean counterpart -> the
correspondent's page, clicking links as a reader would, at desktop and phone widths.
Screenshots land in tests/artifacts/ (git-ignored) for a human to look at.

Needs Debian's chromium (`apt-get install chromium fonts-noto-cjk`, as .ci/run does) and the
playwright Python package; `playwright install` is never needed. DATELINE_CHROMIUM names
another Chromium binary. A missing browser fails the test: it must not pass unseen.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from dateline.cli import main

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
HEADLINE_EN = "Israel-Hamas ceasefire negotiations hit stalemate"
HEADLINE_KO = "이-하마스 휴전 협상 교착"
ARTICLE_PATH = "2024/05/03/israel-hamas-ceasefire-stalemate/"
VIEWPORTS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}


def chromium_path() -> str:
    candidates = [os.environ.get("DATELINE_CHROMIUM"), shutil.which("chromium"), "/usr/bin/chromium",
                  shutil.which("chromium-browser")]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return candidate
    pytest.fail("Chromium not found: install Debian's chromium (apt-get install -y chromium fonts-noto-cjk, "
                "as .ci/run does) or set DATELINE_CHROMIUM to a Chromium binary.", pytrace=False)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the signature is http.server's
        pass


@pytest.fixture
def base_url(tmp_path_factory):
    """The sample site, built for and served at http://127.0.0.1:<port>/."""
    root = tmp_path_factory.mktemp("browser") / "site"
    root.mkdir()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(root)))
    url = f"http://127.0.0.1:{server.server_port}/"
    result = CliRunner().invoke(main, ["build", "--site", str(REPO), "--out", str(root), "--base-url", url,
                                       "--quiet", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield url
    server.shutdown()
    server.server_close()


@pytest.fixture
def browser():
    executable = chromium_path()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("the playwright Python package is missing: pip install -e '.[test]'", pytrace=False)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def assert_no_sideways_scroll(page, where: str) -> None:
    widths = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{where}: the page scrolls sideways ({widths[0]}px wide in a {widths[1]}px window)"


def visible_text(locator) -> str:
    """What the reader sees (text-transform applied), as one line."""
    return " ".join(locator.inner_text().split())


def test_reader_in_chromium(browser, base_url):
    """One browser for everything (it is the slow part): the journey at both widths, then the keyboard."""
    for width in VIEWPORTS:
        try:
            reader_goes_from_home_to_the_correspondent(browser, base_url, width)
        except AssertionError as exc:
            raise AssertionError(f"at {width} width: {exc}") from exc
    skip_link_appears_on_first_tab_and_dark_mode_applies(browser, base_url)


def reader_goes_from_home_to_the_correspondent(browser, base_url, width):
    context = browser.new_context(**VIEWPORTS[width])
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        # 1. Home: the edition chooser, in both languages.
        page.goto(base_url)
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.get_by_role("heading", level=1).inner_text() == "The Dateline Daily"
        assert page.get_by_text("에디션을 선택하세요").is_visible()
        shot(page, f"1-root-{width}")
        if width == "phone":
            assert_no_sideways_scroll(page, "root")

        # 2. The English edition's front page.
        page.get_by_role("link", name="Read the English edition").click()
        page.wait_for_url(base_url + "en/")
        assert page.get_by_role("heading", level=1).is_visible()
        lead = page.locator("article.card--lead")
        assert visible_text(lead.get_by_role("heading")) == HEADLINE_EN
        shot(page, f"2-edition-en-{width}")
        if width == "phone":
            assert_no_sideways_scroll(page, "English front page")

        # 3. The story.
        page.get_by_role("link", name=HEADLINE_EN, exact=True).click()
        page.wait_for_url(base_url + "en/" + ARTICLE_PATH)
        story = page.locator("main article")
        assert page.locator("html").get_attribute("lang") == "en"
        assert visible_text(page.get_by_role("heading", level=1)) == HEADLINE_EN
        assert page.title().startswith(HEADLINE_EN)
        dateline = visible_text(story.locator(".story-meta .dateline"))
        assert dateline.lower().startswith("cairo") and "카이로" in dateline
        byline = visible_text(story.locator(".byline"))
        assert "Kim Ki-yun" in byline and "김기윤" in byline and "Correspondent" in byline
        assert "May 3, 2024, 7:55 a.m. KST" in visible_text(story.locator(".story-meta"))
        assert story.locator(".story-body p").first.is_visible()
        shot(page, f"3-article-en-{width}")
        if width == "phone":
            assert_no_sideways_scroll(page, "English article")

        # 4. Its Korean counterpart, by the 한국어 link in the story.
        story.get_by_role("link", name="한국어", exact=True).click()
        page.wait_for_url(base_url + "ko/" + ARTICLE_PATH)
        story = page.locator("main article")
        assert page.locator("html").get_attribute("lang") == "ko"
        assert visible_text(page.get_by_role("heading", level=1)) == HEADLINE_KO
        dateline = visible_text(story.locator(".story-meta .dateline"))
        assert dateline.startswith("카이로") and "cairo" in dateline.lower()
        byline = visible_text(story.locator(".byline"))
        assert byline.startswith("김기윤") and "Kim Ki-yun" in byline and "특파원" in byline
        assert "입력 2024-05-03 07:55" in visible_text(story.locator(".story-meta"))
        assert story.get_by_role("link", name="English", exact=True).get_attribute("hreflang") == "en"
        shot(page, f"4-article-ko-{width}")
        if width == "phone":
            assert_no_sideways_scroll(page, "Korean article")

        # 5. The correspondent, by the byline.
        story.locator(".byline").get_by_role("link", name="김기윤", exact=True).click()
        page.wait_for_url(base_url + "ko/correspondent/kim-ki-yun/")
        assert page.locator("html").get_attribute("lang") == "ko"
        name = visible_text(page.get_by_role("heading", level=1))
        assert "김기윤" in name and "Kim Ki-yun" in name
        email = page.get_by_role("link", name="pep@donga.com")
        assert email.is_visible() and email.get_attribute("href") == "mailto:pep@donga.com"
        assert page.locator("main").get_by_role("link", name=HEADLINE_KO, exact=True).is_visible()
        shot(page, f"5-correspondent-ko-{width}")
        if width == "phone":
            assert_no_sideways_scroll(page, "correspondent page")
    finally:
        context.close()
    assert errors == [], f"{width}: script errors: {errors}"


def skip_link_appears_on_first_tab_and_dark_mode_applies(browser, base_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="dark")
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        page.goto(base_url + "en/" + ARTICLE_PATH)
        skip = page.locator("a.skip-link")

        def on_screen() -> bool:
            box = skip.bounding_box()
            return box is not None and box["y"] + box["height"] > 0 and box["y"] < 900 and box["x"] >= 0

        assert not on_screen(), "the skip link shows before it has focus"
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.classList.contains('skip-link')"), "Tab did not reach the skip link first"
        page.wait_for_function("(() => { const r = document.querySelector('a.skip-link').getBoundingClientRect();"
                               " return r.top >= 0 && r.bottom > 0; })()")
        assert on_screen() and skip.is_visible()
        assert visible_text(skip) == "Skip to content"
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline != "none", "the focused skip link has no focus outline"
        shot(page, "skip-link-focused-dark-desktop")
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "content"

        # prefers-color-scheme: dark gives light text on a dark page.
        colours = page.evaluate("[getComputedStyle(document.body).backgroundColor, getComputedStyle(document.body).color]")
        (bg, fg) = ([int(n) for n in re.findall(r"\d+", c)[:3]] for c in colours)
        assert sum(bg) < 150 < sum(fg), f"dark mode not applied: background {colours[0]}, text {colours[1]}"
    finally:
        context.close()
