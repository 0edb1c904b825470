"""The reader's pages in Chromium: both editions, 390 px and 1280 px, light and dark.

Screenshots land in tests/artifacts/reader-*.png for a human to look at; the assertions check
computed styles and positions where they matter (the phone's section bar, Korean emphasis,
bylines that wrap without a lone separator)."""

from __future__ import annotations

import pytest
from test_browser import ARTIFACTS, CHROMIUM_ARGS, base_url, chromium_path  # noqa: F401 - fixtures

from dateline.bodies import render_markdown

pytestmark = pytest.mark.browser
# Quotations that close inside an inline element, or around one, before their particle.
QUOTED = ["그는 *“함정”*이라고 말했다.", "그는 “**함정**”이라고 말했다.", "그는 *“긴 인용 문장”*이라고 말했다.",
          "그는 [“함정”](https://example.com/)이라고 말했다.", "하마스는 “위험한 함정”이라고 말했다.",
          "그는 *“이것은 아주 긴 인용 문장입니다”*이라고 말했다."]
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
                        if lang == "ko" and scheme == "light":
                            check_quotes_keep_their_particles(page)
                        page.goto(f"{base_url}{lang}/section/{'world' if lang == 'en' else '국제'}/")
                        page.screenshot(path=str(ARTIFACTS / f"reader-section-{lang}-{width}-{scheme}.png"))
                        check_card_separators(page, wraps=width == "phone" and lang == "en")
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


# For each paragraph at each width from 60 to 400 px: does a line end between the closing quote and
# the Hangul after it? Returns the widths where it does, per paragraph.
BREAKS_AFTER_QUOTE = """(paragraphs) => paragraphs.map(p => {
    const chars = [];
    const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode())
        for (let i = 0; i < node.data.length; i++) chars.push([node, i, node.data[i]]);
    const at = chars.findIndex((c, i) => c[2] === '\u201d' && /[\uac00-\ud7a3]/.test((chars[i + 1] || [])[2] || ''));
    const top = ([node, i]) => { const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + 1);
                                 return r.getClientRects()[0].top; };
    const widths = [];
    for (let w = 60; w <= 400; w += 2) {
        p.style.width = w + 'px';
        if (top(chars[at + 1]) > top(chars[at]) + 1) widths.push(w);
    }
    return widths;
})"""


def check_quotes_keep_their_particles(page) -> None:
    """No line ends between a closing quote and its particle in the article's typesetting; and the
    same paragraphs without the nobreak spans do break there (so the sweep does reach the place)."""
    bodies = [render_markdown(text) for text in QUOTED]
    assert all("nobreak" in body for body in bodies)
    kept = page.evaluate("""(bodies) => bodies.map(html => { const box = document.createElement('div');
        box.innerHTML = html; const p = box.firstElementChild; p.style.display = 'inline-block';
        document.querySelector('.story-body').append(p); return p; })""", bodies)
    del kept  # element handles are not needed: the paragraphs are found again below
    paragraphs = page.locator(".story-body > p[style]")
    widths = paragraphs.evaluate_all(BREAKS_AFTER_QUOTE)
    assert widths == [[] for _ in QUOTED], dict(zip(QUOTED, widths, strict=True))
    paragraphs.evaluate_all("ps => ps.forEach(p => p.querySelectorAll('.nobreak').forEach(s => s.replaceWith(...s.childNodes)))")
    unkept = paragraphs.evaluate_all(BREAKS_AFTER_QUOTE)
    assert all(unkept), dict(zip(QUOTED, unkept, strict=True))
    paragraphs.evaluate_all("ps => ps.forEach(p => p.remove())")


def check_card_separators(page, wraps: bool) -> None:
    """A card's meta line (byline · dateline · time · other edition) wraps without a lone "·": each
    item's separator comes before it, and the one of an item that starts a line lies past the
    clipping edge."""
    items = page.evaluate("""() => [...document.querySelectorAll('.card-meta')].flatMap(meta => {
        const edge = meta.getBoundingClientRect().left, items = [...meta.children];
        return items.map((item, i) => {
            const box = item.getBoundingClientRect();
            const startsLine = i === 0 || items[i - 1].getBoundingClientRect().top < box.top - 2;
            return [item.textContent.trim(), i, startsLine, box.left < edge,
                    getComputedStyle(item, '::before').content.startsWith('"·"')];
        });
    })""")
    assert items and (not wraps or any(i > 0 and starts for _, i, starts, _, _ in items))  # a meta line wraps here
    for text, _, starts_line, clipped, separated in items:
        assert separated and clipped == starts_line, (text, starts_line, clipped)
