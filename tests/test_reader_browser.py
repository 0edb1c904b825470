"""The reader's pages in Chromium: both editions, 390 px and 1280 px, light and dark.

Screenshots land in tests/artifacts/reader-*.png for a human to look at; the assertions check
computed styles and positions where they matter (the phone's section bar, Korean emphasis,
bylines that wrap without a lone separator)."""

from __future__ import annotations

import pytest
from test_browser import ARTIFACTS, CHROMIUM_ARGS, base_url, chromium_path  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser
ARTICLE = "2024/05/03/israel-hamas-ceasefire-stalemate/"
WIDTHS = {"phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
          "desktop": {"viewport": {"width": 1280, "height": 900}}}


def test_reader_pages_in_both_editions_widths_and_schemes(base_url):  # noqa: F811 - the fixture
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            for width, options in WIDTHS.items():
                for scheme in ("light", "dark"):
                    context = browser.new_context(**options, color_scheme=scheme)
                    page = context.new_page()
                    for lang in ("en", "ko"):
                        page.goto(f"{base_url}{lang}/{ARTICLE}")
                        page.screenshot(path=str(ARTIFACTS / f"reader-article-{lang}-{width}-{scheme}.png"))
                        check_article(page, lang, width)
                        page.goto(f"{base_url}{lang}/section/{'world' if lang == 'en' else '국제'}/")
                        page.screenshot(path=str(ARTIFACTS / f"reader-section-{lang}-{width}-{scheme}.png"))
                        if width == "phone":
                            check_section_bar(page)
                    context.close()
        finally:
            browser.close()


def check_article(page, lang: str, width: str) -> None:
    assert page.locator(".byline .author").first.evaluate("e => getComputedStyle(e).display") == "inline-block"
    if lang == "ko":
        style = page.evaluate("""() => { const em = document.createElement('em'); em.textContent = '강조';
            document.querySelector('.story-body p').append(em); const s = getComputedStyle(em);
            return [s.fontStyle, s.fontWeight]; }""")
        assert style == ["normal", "700"], style
    assert page.locator(".provenance").is_visible()


def check_section_bar(page) -> None:
    """The current section is wholly inside the bar, and the bar's edge fades."""
    current = page.locator(".sections a[aria-current]")
    assert current.count() == 1
    box, bar = current.bounding_box(), page.locator(".sections ul").bounding_box()
    assert box["x"] >= bar["x"] and box["x"] + box["width"] <= bar["x"] + bar["width"], (box, bar)
    fade = page.evaluate("getComputedStyle(document.querySelector('.sections'), '::after').backgroundImage")
    assert "gradient" in fade
