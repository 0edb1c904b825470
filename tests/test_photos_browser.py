"""The sample site's photos in Chromium: the lead figure shows with its caption and credit, the image
loads, and a body photo below the fold is lazy; at phone and desktop widths, in both editions, light and dark.

Uses test_browser's fixtures (the sample site served on 127.0.0.1, one Chromium); screenshots go to
tests/artifacts/ for a human to look at.
"""

from __future__ import annotations

import pytest
from test_browser import VIEWPORTS, assert_no_sideways_scroll, base_url, browser, shot, visible_text  # noqa: F401

pytestmark = pytest.mark.browser

STORIES = {
    "en/2024/05/02/blinken-visits-israel/": ("Tel Aviv at dusk", "Dateline Daily illustration"),
    "ko/2024/05/02/blinken-visits-israel/": ("텔아비브", "사진=데이트라인 일보"),
}
BODY_PHOTO = "en/2024/04/29/chip-exports-rebound/"


def test_photos_in_chromium(browser, base_url):  # noqa: F811 (fixtures)
    for width in ("phone", "desktop"):
        for scheme in ("light", "dark"):
            context = browser.new_context(**VIEWPORTS[width], color_scheme=scheme)
            context.set_default_timeout(15_000)
            page = context.new_page()
            try:
                for path, (caption, credit) in STORIES.items():
                    lead_photo_shows(page, base_url + path, caption, credit, f"{width} {scheme} {path}")
                    shot(page, f"photo-{path.split('/')[0]}-{width}-{scheme}")
                body_photo_is_lazy_and_loads(page, base_url + BODY_PHOTO, width)
            finally:
                context.close()


def lead_photo_shows(page, url: str, caption: str, credit: str, where: str) -> None:
    page.goto(url)
    figure = page.locator("main article figure.photo-lead")
    assert figure.is_visible(), where
    img = figure.locator("img")
    img.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=img.element_handle())
    assert img.evaluate("img => img.naturalWidth") > 0, where
    assert img.get_attribute("loading") is None, f"{where}: the lead photo is lazy"
    assert img.evaluate("img => img.currentSrc").endswith(".webp"), f"{where}: Chromium takes the WebP"
    box, column = img.bounding_box(), page.locator("main article .story-body").bounding_box()
    assert box["width"] >= column["width"] - 1, f"{where}: the photo does not fill the column"
    ratio = int(img.get_attribute("height")) / int(img.get_attribute("width"))
    assert abs(box["height"] - box["width"] * ratio) < 2, f"{where}: the photo is stretched"
    text = visible_text(figure.locator("figcaption"))
    assert caption in text and credit in text, f"{where}: {text!r}"
    credit_box = figure.locator(".photo-credit").bounding_box()
    assert credit_box and credit_box["height"] > 0, where
    credit_colour, caption_colour = (figure.locator(sel).evaluate("e => getComputedStyle(e).color")
                                     for sel in (".photo-credit", ".photo-caption"))
    assert credit_colour != caption_colour, f"{where}: the credit is not muted"
    if "phone" in where:
        assert_no_sideways_scroll(page, where)


def body_photo_is_lazy_and_loads(page, url: str, width: str) -> None:
    page.goto(url)
    img = page.locator(".story-body figure.photo img")
    assert img.get_attribute("loading") == "lazy"
    img.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=img.element_handle())
    assert "Dateline Daily illustration" in visible_text(page.locator(".story-body figure.photo figcaption"))
    shot(page, f"photo-body-{width}")
