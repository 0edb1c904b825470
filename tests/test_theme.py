"""The default theme's markup and styles, checked on every page of the built sample site.

No browser here: each built page is parsed and held to what readers with screen readers,
keyboards, phones, dark screens and printers need (see tests/test_browser.py for a real one).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from dateline.cli import main

REPO = Path(__file__).resolve().parents[1]
LANGS = {"en", "ko"}  # the sample site's editions
# Hosts that serve web fonts, scripts and styles; a theme that works offline names none of them.
CDN_HOSTS = ("fonts.googleapis.com", "fonts.gstatic.com", "use.typekit.net", "fonts.bunny.net", "cdn.jsdelivr.net",
             "unpkg.com", "cdnjs.cloudflare.com", "stackpath.bootstrapcdn.com", "cdn.tailwindcss.com", "kit.fontawesome.com")
RESOURCE_RELS = {"stylesheet", "preload", "prefetch", "preconnect", "dns-prefetch", "icon", "modulepreload", "manifest"}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("theme") / "site"
    result = CliRunner().invoke(main, ["build", "--site", str(REPO), "--out", str(out), "--quiet", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def pages(site) -> dict[str, BeautifulSoup]:
    found = {"/" + p.relative_to(site).as_posix(): p for p in sorted(site.rglob("*.html"))}
    assert len(found) > 40, "the sample site should build every page kind"
    return {path: BeautifulSoup(file.read_text(encoding="utf-8"), "lxml") for path, file in found.items()}


@pytest.fixture(scope="module")
def css(site) -> str:
    return (site / "assets" / "dateline.css").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def print_css(site) -> str:
    return (site / "assets" / "print.css").read_text(encoding="utf-8")


def failures_of(pages, check) -> list[str]:
    """Run check(soup) -> problem or None over every page; the list names each failing page."""
    problems = []
    for path, soup in pages.items():
        problem = check(soup)
        if problem:
            problems.append(f"{path}: {problem}")
    return problems


def edition_of(path: str) -> str:
    first = path.strip("/").split("/")[0]
    return first if first in LANGS else "en"  # the root chooser and 404 are in the default language


# ---- every page ---------------------------------------------------------------------------


def test_every_page_kind_was_built(pages):
    kinds = Counter(soup.body["class"][0] for soup in pages.values())
    for kind in ("kind-root", "kind-home", "kind-article", "kind-section", "kind-tag", "kind-dateline",
                 "kind-correspondent", "kind-month", "kind-notfound"):
        assert kinds[kind], f"no page of {kind}"


def test_html_lang_is_the_edition_language(pages):
    def check(soup):
        lang = soup.html.get("lang", "")
        return None if lang in LANGS else f"<html lang={lang!r}>"

    assert failures_of(pages, check) == []
    for path, soup in pages.items():
        assert soup.html["lang"] == edition_of(path), path


def test_exactly_one_h1(pages):
    def check(soup):
        n = len(soup.find_all("h1"))
        return None if n == 1 else f"{n} h1 elements"

    assert failures_of(pages, check) == []


def test_headings_do_not_skip_levels(pages):
    def check(soup):
        previous = 0
        for heading in soup.find_all(re.compile(r"^h[1-6]$")):
            level = int(heading.name[1])
            if previous and level > previous + 1:
                return f"<{heading.name}> {heading.get_text(strip=True)!r} follows an h{previous}"
            previous = level
        return None

    assert failures_of(pages, check) == []


def test_landmarks(pages):
    def check(soup):
        body = soup.body
        mains = body.find_all("main") + body.find_all(attrs={"role": "main"})
        if len(mains) != 1:
            return f"{len(mains)} main landmarks"
        if not body.find("header", recursive=False):
            return "no page header (banner)"
        if not body.find("footer", recursive=False):
            return "no page footer (contentinfo)"
        if mains[0].find_parent(["header", "footer", "nav", "aside"]):
            return "main is nested inside another landmark"
        labels = [nav.get("aria-label") or nav.get("aria-labelledby") for nav in body.find_all("nav")]
        if len(labels) > 1 and (None in labels or len(set(labels)) != len(labels)):
            return f"navigation landmarks need distinct labels: {labels}"
        return None

    assert failures_of(pages, check) == []


def test_skip_link_is_first_and_its_target_exists(pages):
    def check(soup):
        first = soup.body.find(["a", "button", "input", "select", "textarea"])
        if first is None or first.name != "a" or not first.get("href", "").startswith("#"):
            return f"the first focusable element is not a skip link: {first}"
        target = soup.find(id=first["href"][1:])
        if target is None:
            return f"skip link target {first['href']} is missing"
        if target.name != "main" and not target.find_parent("main"):
            return f"skip link target {first['href']} is not the main content"
        if not first.get_text(strip=True):
            return "skip link has no text"
        return None

    assert failures_of(pages, check) == []


def test_viewport_and_charset(pages):
    def check(soup):
        viewport = soup.find("meta", attrs={"name": "viewport"})
        if not viewport or "width=device-width" not in viewport.get("content", ""):
            return "no responsive viewport meta"
        if "user-scalable=no" in viewport["content"] or "maximum-scale=1" in viewport["content"]:
            return "viewport forbids zooming"
        if not soup.find("meta", charset=True):
            return "no charset"
        return None

    assert failures_of(pages, check) == []


def test_images_have_alt_and_links_have_names(pages):
    def check(soup):
        for img in soup.find_all("img"):
            if img.get("alt") is None:
                return f"img without alt: {img.get('src')}"
        for a in soup.find_all("a", href=True):
            if not (a.get_text(strip=True) or a.get("aria-label") or a.find("img", alt=True)):
                return f"link without text: {a['href']}"
        return None

    assert failures_of(pages, check) == []


def test_ids_are_unique(pages):
    def check(soup):
        dupes = [i for i, n in Counter(t["id"] for t in soup.find_all(id=True)).items() if n > 1]
        return f"duplicate ids {dupes}" if dupes else None

    assert failures_of(pages, check) == []


def test_lang_attributes_name_editions(pages):
    """Text in the other script (김기윤 on an English page) carries its own lang, and no lang is empty."""
    def check(soup):
        bad = sorted({t["lang"] for t in soup.find_all(attrs={"lang": True})} - LANGS)
        return f"lang values {bad}" if bad else None

    assert failures_of(pages, check) == []


def test_stylesheets_linked_screen_and_print(pages, site):
    def check(soup):
        sheets = soup.find_all("link", rel="stylesheet")
        screen = [s for s in sheets if s.get("media", "all") in ("all", "screen")]
        printed = [s for s in sheets if s.get("media") == "print"]
        if not screen:
            return "no screen stylesheet"
        if not printed:
            return "no print stylesheet (media=print)"
        for sheet in sheets:
            if not (site / sheet["href"].lstrip("/")).is_file():
                return f"stylesheet {sheet['href']} is not in the built site"
        return None

    assert failures_of(pages, check) == []


def test_no_external_fonts_scripts_or_cdns(pages, css, print_css):
    def external(url: str) -> bool:
        return url.startswith(("http://", "https://", "//"))

    def check(soup):
        for link in soup.find_all("link", href=True):
            if RESOURCE_RELS & set(link.get("rel", [])) and external(link["href"]):
                return f"external {link['rel']}: {link['href']}"
        for tag, attr in (("script", "src"), ("img", "src"), ("iframe", "src"), ("source", "src")):
            for element in soup.find_all(tag, **{attr: True}):
                if external(element[attr]):
                    return f"external <{tag}>: {element[attr]}"
        styles = " ".join(s.get_text() for s in soup.find_all("style")) + " ".join(
            t["style"] for t in soup.find_all(style=True))
        if re.search(r"url\(\s*['\"]?(https?:)?//|@import", styles):
            return "inline style loads an external resource"
        text = str(soup)
        hosts = [h for h in CDN_HOSTS if h in text]
        return f"names CDN hosts {hosts}" if hosts else None

    assert failures_of(pages, check) == []
    for name, sheet in (("dateline.css", css), ("print.css", print_css)):
        assert "@import" not in sheet, name
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", sheet), f"{name} loads an external resource"
        assert not [h for h in CDN_HOSTS if h in sheet], name


def test_aria_current_marks_where_the_reader_is(pages):
    for path, soup in pages.items():
        switch = soup.find("nav", class_="edition-switch")
        if switch:  # every page but the root chooser
            current = switch.find_all(attrs={"aria-current": True})
            assert [c.get("lang") for c in current] == [soup.html["lang"]], path
    for lang in LANGS:
        home = pages[f"/{lang}/index.html"]
        assert home.find("nav", class_="sections").find("a", attrs={"aria-current": "page"})["href"].endswith(f"/{lang}/")
    section = pages["/en/section/world/index.html"]
    current = section.find("nav", class_="sections").find_all(attrs={"aria-current": "page"})
    assert [a["href"] for a in current] == ["/en/section/world/"]
    # An article marks its section as the current one in the section bar, but not as "page".
    article = pages["/en/2024/05/03/israel-hamas-ceasefire-stalemate/index.html"]
    current = article.find("nav", class_="sections").find_all(attrs={"aria-current": True})
    assert [(a["href"], a["aria-current"]) for a in current] == [("/en/section/world/", "true")]


# ---- page kinds ------------------------------------------------------------------------------


def test_article_page_reads_like_a_news_story(pages):
    soup = pages["/en/2024/05/03/israel-hamas-ceasefire-stalemate/index.html"]
    story = soup.find("main").find("article")
    assert story.find("h1").get_text(strip=True) == "Israel-Hamas ceasefire negotiations hit stalemate"
    byline = story.find(class_="byline")
    assert byline.find("a", rel="author").get_text(strip=True) == "Kim Ki-yun"
    assert byline.find(lang="ko").get_text(strip=True) == "김기윤"
    assert story.find(class_="dateline").find(lang="ko").get_text(strip=True) == "카이로"
    times = story.find_all("time")
    # updated is the posting minute: only "Posted" is shown
    assert [t["datetime"] for t in times] == ["2024-05-03T07:55:00+09:00"]
    switch = story.find("a", hreflang="ko", lang="ko")
    assert switch.get_text(strip=True) == "한국어"
    assert switch["href"] == "/ko/2024/05/03/israel-hamas-ceasefire-stalemate/"
    assert story.find("a", rel="tag")


def test_korean_article_byline_in_korean_order(pages):
    soup = pages["/ko/2024/05/03/israel-hamas-ceasefire-stalemate/index.html"]
    byline = soup.find(class_="byline")
    assert byline.get_text(" ", strip=True).startswith("김기윤 Kim Ki-yun 특파원")
    assert byline.find(lang="en").get_text(strip=True) == "Kim Ki-yun"


def test_correspondent_profile(pages):
    for lang, name, other in (("en", "Kim Ki-yun", "김기윤"), ("ko", "김기윤", "Kim Ki-yun")):
        soup = pages[f"/{lang}/correspondent/kim-ki-yun/index.html"]
        h1 = soup.find("h1")
        assert h1.find(class_="name").get_text(strip=True) == name
        assert h1.find(lang=("ko" if lang == "en" else "en")).get_text(strip=True) == other
        assert soup.find("main").find("a", href="mailto:pep@donga.com")
        headlines = [h.get_text(strip=True) for h in soup.find("main").find_all(class_="card-title")]
        assert len(headlines) >= 2
        assert any("하마스" in h or "Hamas" in h for h in headlines)


def test_front_page_has_a_lead_story_and_pagination(pages):
    soup = pages["/en/index.html"]
    cards = soup.find("main").find_all("article", class_="card")
    assert "card--lead" in cards[0]["class"] and len(cards) == 5
    pager = soup.find("nav", class_="pagination")
    assert pager.find("a", rel="next")["href"] == "/en/page/2/"
    second = pages["/en/page/2/index.html"]
    assert second.find("nav", class_="pagination").find("a", rel="prev")["href"] == "/en/"
    assert not second.find(class_="card--lead")


def test_root_chooser_and_404_speak_both_languages(pages):
    root = pages["/index.html"]
    for lang, href in (("en", "/en/"), ("ko", "/ko/")):
        assert root.find("li", class_="edition", lang=lang).find("a", href=href, hreflang=lang)
    notfound = pages["/404.html"]
    h1 = notfound.find("h1")
    assert h1.find(lang="en") and h1.find(lang="ko")
    assert notfound.find("a", href="/en/") and notfound.find("a", href="/ko/")


# ---- stylesheets ------------------------------------------------------------------------------


def custom_properties(block: str) -> dict[str, str]:
    return dict(re.findall(r"(--[\w-]+)\s*:\s*([^;]+);", block))


def block_after(css: str, selector_pattern: str) -> str:
    """The text between the braces that follow the first match (nested one level)."""
    start = re.search(selector_pattern, css).end()
    depth, i = 0, css.index("{", start)
    for j in range(i, len(css)):
        depth += {"{": 1, "}": -1}.get(css[j], 0)
        if depth == 0:
            return css[i + 1 : j]
    raise AssertionError("unbalanced braces")


def luminance(hex_colour: str) -> float:
    value = hex_colour.strip().lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    channels = [int(value[k : k + 2], 16) / 255 for k in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_dark_mode_block_redefines_the_palette(css):
    light = custom_properties(block_after(css, r":root\s*"))
    dark_block = block_after(css, r"@media\s*\(\s*prefers-color-scheme\s*:\s*dark\s*\)\s*")
    dark = custom_properties(dark_block)
    for name in ("--paper", "--ink", "--muted", "--link", "--accent"):
        assert name in dark, f"dark mode leaves {name} as in light mode"
        assert dark[name] != light[name]
    assert luminance(dark["--paper"]) < 0.05 < luminance(light["--paper"])


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_text_colours_meet_wcag_aa(css, scheme):
    palette = custom_properties(block_after(css, r":root\s*"))
    if scheme == "dark":
        palette |= custom_properties(block_after(css, r"@media\s*\(\s*prefers-color-scheme\s*:\s*dark\s*\)\s*"))
    for background in ("--paper", "--paper-2"):
        for text in ("--ink", "--ink-2", "--muted", "--link", "--accent"):
            ratio = contrast(palette[text], palette[background])
            assert ratio >= 4.5, f"{scheme}: {text} on {background} is {ratio:.2f}:1"
    # Focus rings are non-text contrast: 3:1 against the paper.
    assert contrast(palette["--focus"], palette["--paper"]) >= 3


def test_focus_styles_and_skip_link(css):
    focus = block_after(css, r"(?m)^:focus-visible\s*")
    assert "outline" in focus and "none" not in focus
    assert re.search(r"\.skip-link:focus\s*\{[^}]*transform:\s*none", css), "the skip link must appear on focus"


def test_korean_font_stack_and_line_breaking(css):
    ko = block_after(css, r"(?m)^:lang\(ko\)\s*")
    assert "keep-all" in ko, "Korean must not break inside words"
    korean_faces = ("Apple SD Gothic Neo", "Noto Sans KR", "Noto Sans CJK KR", "Malgun Gothic", "Nanum Gothic")
    sans_ko = custom_properties(block_after(css, r":root\s*"))["--sans-ko"]
    assert sum(face in sans_ko for face in korean_faces) >= 4
    assert "@font-face" not in css, "system fonts only"


def test_readable_measure_and_phone_layout(css):
    measure = custom_properties(block_after(css, r":root\s*"))["--measure"]
    assert 30 <= float(measure.removesuffix("rem")) <= 42, "body text line length of about 60-80 characters"
    assert re.search(r"@media\s*\(max-width:\s*40rem\)", css), "a phone layout"


def test_print_stylesheet(print_css):
    assert re.search(r"\.sections[^{]*\{[^}]*display:\s*none", print_css.replace("\n", " ")), "navigation is not printed"
    assert "skip-link" in print_css
    assert "#fff" in print_css and "#000" in print_css
    assert 'attr(href)' in print_css, "printed links spell out where they go"
