"""Atom feeds (read with feedparser), sitemap.xml (read with lxml) and robots.txt."""

from __future__ import annotations

from pathlib import Path

import feedparser
import pytest
from conftest import build, html_pages, write_site
from lxml import etree

BASE = "https://example.com/"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"

KIM = {"name": "Kim Ki-yun", "local": "김기윤", "email": "pep@donga.com"}

ARTICLES = {
    "en/2024/05/talks.md": ({
        "title": "Talks stall", "posted": "2024-05-03T07:55:00+09:00", "updated": "2024-05-03T10:00:00+09:00",
        "section": "World", "tags": ["Gaza"], "correspondents": [KIM, "Lee Ji-hyun"], "story": "talks",
    }, "Negotiators met in Cairo.\n\nSee [the archive](/en/2024/05/) for more.\n"),
    "ko/2024/05/talks.md": ({
        "title": "협상 교착", "posted": "2024-05-03T07:55:00+09:00", "correspondents": [KIM], "story": "talks",
    }, "협상단이 만났다.\n"),
    "en/2024/05/rates.md": ({"title": "Rates held", "posted": "2024-05-02T09:00:00+09:00"}, "Rates.\n"),
    "en/2024/04/budget.md": ({"title": "Budget passes", "posted": "2024-04-22T09:00:00+09:00"}, "Budget.\n"),
}


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    return build(write_site(tmp_path_factory.mktemp("feeds") / "paper", ARTICLES))


def parse_feed(path: Path):
    feed = feedparser.parse(path.read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


# ---- Atom -------------------------------------------------------------------------------


def test_feed_per_edition_lists_its_articles_newest_first(out):
    en = parse_feed(out / "en/feed.xml")
    assert [e.title for e in en.entries] == ["Talks stall", "Rates held", "Budget passes"]
    ko = parse_feed(out / "ko/feed.xml")
    assert [e.title for e in ko.entries] == ["협상 교착"]
    assert en.feed.title == "The Test Times"
    assert ko.feed.title == "테스트 타임스"


def test_feed_urls_are_absolute(out):
    en = parse_feed(out / "en/feed.xml")
    assert en.feed.id == BASE + "en/feed.xml"
    self_links = [ln.href for ln in en.feed.links if ln.rel == "self"]
    assert self_links == [BASE + "en/feed.xml"]
    assert [ln.href for ln in en.feed.links if ln.rel == "alternate"] == [BASE + "en/"]
    entry = en.entries[0]
    assert entry.id == BASE + "en/2024/05/03/talks/"
    own = [ln.href for ln in entry.links if ln.rel == "alternate" and ln.get("hreflang") == "en"]
    assert own == [BASE + "en/2024/05/03/talks/"]
    for e in en.entries:
        for link in e.links:
            assert link.href.startswith(BASE), link.href


def test_feed_entry_link_is_the_article_itself(out):
    """The entry's own page is its first alternate link, in its own language; the counterpart follows."""
    entry = parse_feed(out / "en/feed.xml").entries[0]
    alternates = [(ln.get("hreflang"), ln.href) for ln in entry.links if ln.rel == "alternate"]
    assert alternates == [("en", BASE + "en/2024/05/03/talks/"), ("ko", BASE + "ko/2024/05/03/talks/")]


def test_feed_entry_links_the_counterpart(out):
    entry = parse_feed(out / "en/feed.xml").entries[0]
    by_lang = {ln.get("hreflang"): ln.href for ln in entry.links if ln.rel == "alternate" and ln.get("hreflang")}
    assert by_lang.get("ko") == BASE + "ko/2024/05/03/talks/"


def test_feed_entry_authors_dates_and_content(out):
    entry = parse_feed(out / "en/feed.xml").entries[0]
    assert [a.get("name") for a in entry.authors] == ["Kim Ki-yun", "Lee Ji-hyun"]
    assert entry.authors[0].get("email") == "pep@donga.com"
    assert entry.published == "2024-05-03T07:55:00+09:00"
    assert entry.updated == "2024-05-03T10:00:00+09:00"
    assert "Negotiators met in Cairo." in entry.content[0].value
    assert {t.term for t in entry.tags} >= {"gaza"} or {t.label for t in entry.tags} >= {"Gaza"}


def test_feed_updated_is_the_newest_change_not_the_build_time(out):
    feed = parse_feed(out / "en/feed.xml")
    assert feed.feed.updated == "2024-05-03T10:00:00+09:00"


def test_feed_content_links_resolve_to_absolute_urls(out):
    """Relative links in a body must not point at the feed reader's host: xml:base or absolute."""
    root = etree.parse(str(out / "en/feed.xml")).getroot()
    atom = "{http://www.w3.org/2005/Atom}"
    content = root.find(f"{atom}entry/{atom}content")
    base = content.get("{http://www.w3.org/XML/1998/namespace}base")
    entry = parse_feed(out / "en/feed.xml").entries[0]
    assert '/en/2024/05/' in entry.content[0].value
    assert base and base.startswith(BASE)


def test_feed_limit(make_site, build_site):
    site = make_site({f"en/s{n}.md": {"title": f"S{n}", "posted": f"2024-05-0{n}T09:00:00+09:00"}
                      for n in range(1, 5)}, feed_limit=2)
    feed = parse_feed(build_site(site) / "en/feed.xml")
    assert [e.title for e in feed.entries] == ["S4", "S3"]


# ---- sitemap ----------------------------------------------------------------------------


def sitemap(out: Path) -> dict[str, etree._Element]:
    """Every <url> of every sitemap that /sitemap.xml (a sitemap index) names, by <loc>."""
    index = etree.parse(str(out / "sitemap.xml")).getroot()
    assert index.tag == f"{SITEMAP}sitemapindex"
    entries = {}
    for part in index.findall(f"{SITEMAP}sitemap"):
        loc = part.findtext(f"{SITEMAP}loc")
        assert loc.startswith(BASE + "sitemaps/") and loc.endswith(".xml"), loc
        root = etree.parse(str(out / loc[len(BASE):])).getroot()
        assert root.tag == f"{SITEMAP}urlset"
        for url in root.findall(f"{SITEMAP}url"):
            loc = url.findtext(f"{SITEMAP}loc")
            assert loc not in entries, f"{loc} listed twice"
            entries[loc] = url
    return entries


def test_sitemap_parts_hold_an_edition_month_or_its_lists_of_a_kind(out):
    names = sorted(p.name for p in (out / "sitemaps").iterdir())
    assert "en-2024-05.xml" in names and "ko-2024-05.xml" in names
    assert {"en-home.xml", "en-section.xml", "en-tag.xml", "ko-correspondent.xml"} <= set(names)
    assert "site.xml" in names  # the edition chooser at /
    month = etree.parse(str(out / "sitemaps/en-2024-05.xml")).getroot()
    locs = [u.findtext(f"{SITEMAP}loc") for u in month.findall(f"{SITEMAP}url")]
    assert locs and all(loc.startswith(BASE + "en/2024/05/") for loc in locs)


def test_sitemap_lists_every_page(out):
    locs = set(sitemap(out))
    pages = {BASE + path.lstrip("/") for path in html_pages(out) if path != "/404.html"}
    assert locs == pages


def test_sitemap_alternates_for_story_pairs(out):
    entries = sitemap(out)
    pair = {"en": BASE + "en/2024/05/03/talks/", "ko": BASE + "ko/2024/05/03/talks/"}
    for loc in pair.values():
        links = entries[loc].findall(f"{XHTML}link")
        assert {ln.get("hreflang"): ln.get("href") for ln in links} == pair
        assert all(ln.get("rel") == "alternate" for ln in links)
    alone = entries[BASE + "en/2024/05/02/rates/"]
    assert alone.findall(f"{XHTML}link") == []


def test_sitemap_lastmod_for_articles(out):
    entries = sitemap(out)
    assert entries[BASE + "en/2024/05/03/talks/"].findtext(f"{SITEMAP}lastmod") == "2024-05-03T10:00:00+09:00"
    assert entries[BASE + "en/2024/05/02/rates/"].findtext(f"{SITEMAP}lastmod") == "2024-05-02T09:00:00+09:00"


def test_robots_names_the_sitemap(out):
    lines = [line.strip() for line in (out / "robots.txt").read_text(encoding="utf-8").splitlines()]
    assert "Sitemap: https://example.com/sitemap.xml" in lines
    assert any(line.lower().startswith("user-agent:") for line in lines)
