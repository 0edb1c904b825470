"""render.page_reads declares what each page's context reads; the engine's fingerprints trust it.
Here every page of a small but varied site is given a renderer that records what it reads while
its context is built, and what it read must be what page_reads declared."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from dateline.config import load_config
from dateline.content import load_articles
from dateline.index import PageKind, SiteIndex, build_index
from dateline.render import (
    VIEWS_BEYOND_SOURCES,
    Renderer,
    page_context,
    page_reads,
    pages_showing_beyond_sources,
    term_key,
    view_key,
)
from dateline.scaffold import init_site

NOW = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)
ARTICLES = {
    "en/2024/05/talks.md": "title: Talks resume\nposted: 2024-05-03 07:55\nsection: World\ntags: [diplomacy]\n"
                           "dateline: {city: Cairo, local: 카이로}\ncorrespondents: [{name: Kim Ki-yun, local: 김기윤, "
                           "email: pep@donga.com}]\nstory: talks\ncorrections: [{at: 2024-05-03 12:00, text: Fixed.}]\n",
    "ko/2024/05/talks.md": "title: 회담 재개\nposted: 2024-05-03 07:55\nsection: 국제\nstory: talks\n"
                           "correspondents: [김기윤]\n",
    "en/2024/05/rates.md": "title: Rates hold\nposted: 2024-05-02 08:00\nsection: Economy\ntags: [rates, diplomacy]\n"
                           "kind: analysis\n",
    "en/2024/04/old.md": "title: Old story\nposted: 2024-04-20 08:00\naliases: [/en/2024/04/19/older/]\n",
    "en/2024/05/gone.md": "title: Gone\nposted: 2024-05-01 08:00\nwithdrawn: legal request\n",
}


class RecordingRenderer(Renderer):
    """Remembers every article view and term that a context asks for."""

    def __init__(self, index: SiteIndex):
        super().__init__(index, {}, summaries={s: "" for s in index.articles})
        self.views: set[str] = set()

    def article(self, source: str):
        self.views.add(source)
        return super().article(source)

    # what a sitemap part reads of an article without making its view
    def modified(self, source: str):
        self.views.add(source)
        return super().modified(source)

    def other_versions(self, source: str):
        self.views.add(source)
        return super().other_versions(source)


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> SiteIndex:
    root = tmp_path_factory.mktemp("reads") / "site"
    init_site(root)
    for relative, front in ARTICLES.items():
        path = root / "content" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"---\n{front}---\n\nFirst paragraph.\n", encoding="utf-8")
    config = load_config(root)
    articles, errors = load_articles(config)
    assert not errors
    built, errors = build_index(config, articles, NOW)
    assert not errors, errors
    return built


def test_every_view_a_context_reads_is_declared(index):
    declared_kinds = set()
    for page in index.pages:
        reads = page_reads(index, page)
        if reads is None:
            continue  # rendered on every build: nothing to declare
        declared_kinds.add(page.kind)
        renderer = RecordingRenderer(index)
        page_context(renderer, page)
        assert renderer.views <= set(reads.views), f"{page.path} ({page.kind}) reads undeclared views"
    # The kinds that fingerprints skip are few; everything else is declared.
    assert {PageKind.ARTICLE, PageKind.HOME, PageKind.SECTION, PageKind.TAG, PageKind.DATELINE,
            PageKind.CORRESPONDENT, PageKind.MONTH, PageKind.FEED, PageKind.SITEMAP, PageKind.ROOT,
            PageKind.CORRECTIONS, PageKind.NEWS_SITEMAP} <= declared_kinds


def test_the_pages_rendered_every_time_are_only_the_clock_s_few(index):
    always = {page.kind for page in index.pages if page_reads(index, page) is None}
    assert always == {PageKind.NOTICE, PageKind.REDIRECT, PageKind.REDIRECTS}


def test_a_view_key_changes_with_what_the_view_shows(index):
    """A counterpart's headline shows on the article's page: its view key must move with it."""
    en = "content/en/2024/05/talks.md"
    ko = "content/ko/2024/05/talks.md"
    before = view_key(index, en)
    retitled = dataclasses.replace(index.articles[ko], title="다른 제목")
    changed = dataclasses.replace(index, articles={**index.articles, ko: retitled})
    assert view_key(changed, en) != before
    assert view_key(changed, "content/en/2024/05/rates.md") == view_key(index, "content/en/2024/05/rates.md")


def test_a_term_key_leaves_out_its_article_list(index):
    term = next(t for (kind, _, _), t in index.terms.items() if kind == "tag")
    assert term_key(dataclasses.replace(term, sources=())) == term_key(term)
    assert term_key(dataclasses.replace(term, name="Other")) != term_key(term)


def test_views_beyond_a_page_s_sources_are_declared(index):
    """The engine skips a page whose `sources` miss every changed article unless its kind is in
    VIEWS_BEYOND_SOURCES: for every other kind, the views read must be within `sources`."""
    for page in index.pages:
        reads = page_reads(index, page)
        if reads is not None and page.kind not in VIEWS_BEYOND_SOURCES:
            assert set(reads.views) <= set(page.sources), f"{page.path} ({page.kind}) reads beyond its sources"
        elif reads is not None:
            for source in index.articles:
                shown = page.path in pages_showing_beyond_sources(index, {source})
                assert shown == (source in reads.views), f"{page.path} ({page.kind}) and {source}"
