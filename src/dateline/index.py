"""Stage 4: one site index over all articles: URLs, stories, taxonomies and the list of pages.

Everything here is computed from the loaded articles, the config and the build's clock (`now`)
alone, so the same sources at the same time always give the same index; ties are broken by
source path. The clock decides which articles are live (clock.py): a scheduled one is left out
entirely, a withdrawn or expired one keeps only its URL, which serves a notice.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import cached_property
from itertools import groupby
from operator import attrgetter

from dateline import clock
from dateline.clock import Takedown
from dateline.config import Config, StaffMember
from dateline.content import Article, Person, Place, slugify
from dateline.errors import ContentError
from dateline.records import pickled_by_fields
from dateline.staff import StaffRegistry


class PageKind(StrEnum):
    """What a page is; the value is the name templates and CSS see (`page.kind`)."""

    ARTICLE = "article"
    HOME = "home"  # an edition's front page and its later pages
    SECTION = "section"
    TAG = "tag"
    DATELINE = "dateline"
    CORRESPONDENT = "correspondent"
    MONTH = "month"  # monthly archive
    ARCHIVE = "archive"  # an edition's years and months, linking the monthly archives
    FEED = "feed"
    ROOT = "root"  # the edition chooser at /
    NOTFOUND = "notfound"
    ROBOTS = "robots"
    SITEMAP = "sitemap"  # one part of the sitemap: an edition's month, or its list pages
    SITEMAP_INDEX = "sitemap-index"  # /sitemap.xml, naming the parts
    NOTICE = "notice"  # a withdrawn or expired article's URL
    REDIRECT = "redirect"  # an alias of an article
    REDIRECTS = "redirects"  # /_redirects
    CORRECTIONS = "corrections"  # an edition's corrections page
    NEWS_SITEMAP = "newssitemap"  # /sitemap-news.xml
    SEARCH = "search"  # an edition's search page (its index is dateline.search's)


TERM_KINDS = (PageKind.SECTION, PageKind.TAG, PageKind.DATELINE, PageKind.CORRESPONDENT)
# Pages that show the articles in their `sources` as a list.
LISTING_KINDS = (PageKind.HOME, PageKind.MONTH, PageKind.FEED, *TERM_KINDS)
# Page kinds of the clock's features (render.TEMPLATE_FOR has their templates).
CLOCK_KINDS = (PageKind.NOTICE, PageKind.REDIRECT, PageKind.REDIRECTS, PageKind.CORRECTIONS, PageKind.NEWS_SITEMAP)
# Pages the sitemap leaves out: what is not a page, and what asks not to be indexed.
UNLISTED_KINDS = (PageKind.FEED, PageKind.SITEMAP, PageKind.SITEMAP_INDEX, PageKind.ROBOTS, PageKind.NOTFOUND,
                  PageKind.NOTICE, PageKind.REDIRECT, PageKind.REDIRECTS, PageKind.NEWS_SITEMAP,
                  PageKind.SEARCH)  # search pages are noindex
SITEMAP_INDEX_PATH = "/sitemap.xml"


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Correspondent(StaffMember):
    """One person, the same identity in both editions: a staff record with its page's slug."""

    key: str = ""  # email, or the slug of the name when there is no email
    slug: str = ""


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Term:
    kind: str  # one of TERM_KINDS
    lang: str
    slug: str
    name: str  # as shown in this edition
    sources: tuple[str, ...]  # articles, newest first
    other_name: str = ""  # the name in the other script: 카이로 on the English page, Cairo on the Korean
    place: Place | None = None
    person: Correspondent | None = None


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Page:
    """One output file. Rendering it needs only this record and the index."""

    path: str  # site path without the base path: "/en/", "/en/feed.xml", "/404.html"
    kind: PageKind
    lang: str = ""
    key: str = ""  # article source, term slug, "yyyy/mm", or a sitemap part's name
    sources: tuple[str, ...] = ()  # the articles it lists
    number: int = 1
    count: int = 1  # pages in this paginated list

    output: str = field(init=False, repr=False, compare=False)  # file path below the output folder

    def __post_init__(self) -> None:
        # Kept, not a property: a build looks it up for every page several times over.
        rel = self.path.lstrip("/")
        object.__setattr__(self, "output", rel + "index.html" if rel.endswith("/") or not rel else rel)


@dataclass(frozen=True)
class Notice:
    """A withdrawn or expired article: its URL keeps a notice, nothing else of it is published."""

    article: Article
    path: str
    takedown: Takedown


@dataclass(frozen=True)
class SiteIndex:
    config: Config
    articles: dict[str, Article]  # published (live) articles by source path
    urls: dict[str, str]  # source -> site path
    counterparts: dict[str, tuple[str, ...]]  # source -> other-language sources of its story
    editions: dict[str, tuple[str, ...]]  # lang -> sources, newest first
    terms: dict[tuple[str, str, str], Term]  # (kind, lang, slug) -> term
    correspondent_keys: dict[Person, str]  # byline as written -> correspondent slug
    pages: tuple[Page, ...]
    now: dt.datetime  # the build's clock
    notices: dict[str, Notice]  # source -> withdrawn or expired article
    redirects: dict[str, str]  # alias path -> the site path it redirects to
    drafts_left_out: int
    scheduled_left_out: int
    next_change: dt.datetime | None  # when the clock next changes what is published
    clock_instants: tuple[float, ...]  # when the index changes by the clock alone (clock.clock_instants)

    # Made once an index, from every page, and carried over by update_index from what moved: a
    # rebuild after an edit reads them and should not pay a pass over every page for them.
    @cached_property
    def pages_by_path(self) -> dict[str, Page]:
        return {p.path: p for p in self.pages}

    @cached_property
    def page_outputs(self) -> frozenset[str]:
        """Every page's output file."""
        return frozenset(p.output for p in self.pages)

    @cached_property
    def months(self) -> dict[str, tuple[tuple[str, int], ...]]:
        """lang -> ("yyyy/mm", number of articles) of each of the edition's monthly archives, newest first."""
        return {lang.code: _months(self.pages, lang.code) for lang in self.config.languages}

    def article_terms(self, source: str, kind: str) -> list[Term]:
        article = self.articles[source]
        if kind == "section":
            names = (article.section,) if article.section else ()
        elif kind == "tag":
            names = article.tags
        else:  # "dateline"
            names = (article.dateline.city,) if article.dateline else ()
        return [self.terms[(kind, article.lang, slugify(name))] for name in names]

    def correspondent_terms(self, source: str) -> list[Term]:
        article = self.articles[source]
        return [
            self.terms[("correspondent", article.lang, self.correspondent_keys[p])]
            for p in article.correspondents
        ]


@dataclass(frozen=True)
class IndexUpdate:
    """update_index's answer: the new index, and what it made again (everything else keeps its object)."""

    index: SiteIndex
    moved: frozenset[str]  # the paths of the pages it took out or put in
    changed: frozenset[str]  # the articles it took as changed: those edited, and those the clock passed
    terms: frozenset[tuple[str, str, str]]  # the terms it made again, put in or took out


def newest_first(article: Article) -> tuple:
    return (-article.posted.timestamp(), article.source)


def article_path(article: Article) -> str:
    return f"/{article.lang}/{article.posted:%Y/%m/%d}/{article.slug}/"


def build_index(config: Config, loaded: list[Article], now: dt.datetime) -> tuple[SiteIndex | None, list[ContentError]]:
    """The index of what is published at `now` (aware): scheduled articles are left out, withdrawn
    and expired ones keep a notice. URLs, stories and aliases are checked over every article that
    is not a draft, so a clash is reported before, not at, the minute a story goes live."""
    candidates = sorted((a for a in loaded if config.drafts or not a.draft), key=lambda a: a.source)
    errors: list[ContentError] = []
    all_urls = _assign_urls(candidates, errors)
    all_counterparts = _stories(candidates, errors)
    aliases = _aliases(candidates, all_urls, errors)
    if errors:
        return None, errors
    out = [a for a in candidates if not clock.is_scheduled(a, now)]
    taken_down = {a.source: clock.takedown(a, now) for a in out}
    published = [a for a in out if taken_down[a.source] is None]
    notices = {a.source: Notice(a, all_urls[a.source], taken_down[a.source]) for a in out if taken_down[a.source]}
    articles = {a.source: a for a in published}
    urls = {s: all_urls[s] for s in articles}
    counterparts = {s: tuple(c for c in all_counterparts[s] if c in articles) for s in articles}
    redirects = {alias: all_urls[source] for alias, source in aliases.items() if source in articles or source in notices}
    editions = {
        lang.code: tuple(a.source for a in sorted((a for a in published if a.lang == lang.code), key=newest_first))
        for lang in config.languages
    }
    correspondents, byline_keys = _correspondents(config, published)
    terms = _terms(config, articles, editions, correspondents, byline_keys)
    pages = _pages(config, articles, urls, editions, terms) + _clock_pages(config, articles, editions, notices, aliases,
                                                                            redirects, now)
    pages = tuple(sorted(pages + _sitemaps(pages), key=lambda p: p.path))
    index = SiteIndex(
        config, articles, urls, counterparts, editions, terms, byline_keys, pages, now=now, notices=notices,
        redirects=redirects, drafts_left_out=sum(1 for a in loaded if a.draft and not config.drafts),
        scheduled_left_out=len(candidates) - len(out), next_change=clock.next_change(candidates, now),
        clock_instants=clock.clock_instants(candidates),
    )
    return index, _url_clashes(pages, {**articles, **{s: n.article for s, n in notices.items()}})


def update_index(old: SiteIndex, loaded: Mapping[str, Article], before: Mapping[str, Article | None],
                 now: dt.datetime) -> IndexUpdate | None:
    """The index after an edit, made from `old` in place of a new one: `before` holds each changed
    source's article as `old` was made from it (None: it had none), `loaded` every article now.
    Whatever the edit leaves alone keeps its object (pages, terms), so a caller tells what moved by
    identity. The clock is followed too: an article it publishes, withdraws or expires between
    `old.now` and `now` counts as changed. None when the edit is one this does not follow (an
    article with aliases, a clash or a renamed person): build_index then makes the index anew,
    and reports any error."""
    config = old.config

    def candidate(article: Article | None) -> Article | None:
        return article if article is not None and (config.drafts or not article.draft) else None

    changed = {s: (candidate(a), candidate(loaded.get(s))) for s, a in before.items()}
    clock_passed = now != old.now and clock.clock_moves(old.clock_instants, old.now, now)
    if clock_passed:
        for source in _clocked(config, loaded, old.now, now):
            changed.setdefault(source, (loaded[source], loaded[source]))
    if any(article is not None and article.aliases for pair in changed.values() for article in pair):
        return None
    return _IndexPatch(old, loaded, changed, now, clock_passed).apply()


def _clocked(config: Config, loaded: Mapping[str, Article], before: dt.datetime, now: dt.datetime) -> list[str]:
    """The articles with one of their clock's instants (clock.clock_instants: posted, expires,
    withdrawn at) between `before` and `now`: those the clock may have published or taken down."""
    low, high = sorted((before.timestamp(), now.timestamp()))

    def passes(moment: dt.datetime | None) -> bool:
        return moment is not None and low < moment.timestamp() <= high

    return [s for s, a in loaded.items() if (config.drafts or not a.draft)
            and (passes(a.posted) or passes(a.expires) or (a.withdrawn is not None and passes(a.withdrawn.at)))]


def _live(article: Article | None, now: dt.datetime) -> Article | None:
    """The article if it is published at `now` (neither scheduled nor taken down)."""
    if article is None or clock.is_scheduled(article, now) or clock.takedown(article, now) is not None:
        return None
    return article


class _IndexPatch:
    """One update_index: each part of the index made again only where the changed articles are.

    `changed` holds each changed source's candidate (not a draft) before and now, whatever the
    clock makes of it; `live` the same pairs as published (in `articles`), before and now."""

    def __init__(self, old: SiteIndex, loaded: Mapping[str, Article], changed: dict, now: dt.datetime,
                 clock_passed: bool):
        self.old, self.loaded, self.changed, self.now, self.clock_passed = old, loaded, changed, now, clock_passed
        self.config = old.config
        self.live = {s: (old.articles.get(s), _live(new, now)) for s, (_, new) in changed.items()}
        self.articles = dict(old.articles)
        for source, (_, new) in self.live.items():
            if new is None:
                self.articles.pop(source, None)
            else:
                self.articles[source] = new
        # Tables by source keep their order (a cold build's: by source) unless an article came.
        self.added = any(s not in old.articles for s, (_, new) in self.live.items() if new is not None)
        if self.added:
            self.articles = dict(sorted(self.articles.items()))
        self.notices = self._notices()
        # Whether the clock's view moved: a changed article's times (or it came or went), or the
        # clock itself passing an instant; the news sitemap and the next change read it.
        self.clock_moved = clock_passed or any(_clock_fields(was) != _clock_fields(new) for was, new in changed.values())

    def _notices(self) -> dict[str, Notice]:
        old, now = self.old, self.now
        notices = dict(old.notices)
        for source, (_, new) in self.changed.items():
            takedown = None if new is None or clock.is_scheduled(new, now) else clock.takedown(new, now)
            if takedown is None:
                notices.pop(source, None)
                continue
            was, notice = notices.get(source), Notice(new, article_path(new), takedown)
            notices[source] = was if was == notice else notice  # in its place: the order is kept
        if notices.keys() != old.notices.keys():
            notices = dict(sorted(notices.items()))  # a cold build's order: by source
        return notices

    def _scheduled_count(self) -> int:
        old = self.old
        count = old.scheduled_left_out
        for source, (was, new) in self.changed.items():
            count -= was is not None and source not in old.articles and source not in old.notices
            count += new is not None and clock.is_scheduled(new, self.now)
        return count

    def apply(self) -> IndexUpdate | None:
        old, articles = self.old, self.articles
        urls = self._urls()
        counterparts = self._counterparts()
        if urls is None or counterparts is None:
            return None
        editions = self._editions()
        people = self._people()
        if people is None:
            return None
        correspondent_keys, by_slug, moved_people = people
        terms = self._terms(correspondent_keys, by_slug, moved_people)
        pages = self._pages(urls, editions, terms)
        if pages is None:
            return None
        clock_fields = {}
        if self.clock_moved:
            instants = clock.patched_instants(old.clock_instants, [was for was, _ in self.changed.values() if was],
                                              [new for _, new in self.changed.values() if new])
            clock_fields = {"next_change": self._next_change(), "clock_instants": instants}
        drafts = sum(1 for a in self.loaded.values() if a.draft) if not self.config.drafts else 0
        index = replace(old, articles=articles, urls=urls, counterparts=counterparts, editions=editions, terms=terms,
                        correspondent_keys=correspondent_keys, pages=pages, now=self.now, notices=self.notices,
                        drafts_left_out=drafts, scheduled_left_out=self._scheduled_count(), **clock_fields)
        self._carry_over(index)
        return IndexUpdate(index, frozenset(self.moved), frozenset(self.changed), frozenset(self.terms_moved))

    def _carry_over(self, index: SiteIndex) -> None:
        """The new index's cached properties made from the old one's and what moved, not from every page."""
        old = self.old
        index.__dict__["pages_by_path"] = self.by_path
        # a page put on the path of one that went has its output file (Page.output)
        index.__dict__["page_outputs"] = (old.page_outputs - {p.output for p in self.went}) | {p.output for p in self.put}
        index.__dict__["months"] = {**old.months, **self.months}

    def _urls(self) -> dict[str, str] | None:
        """Article URLs; None if a changed article's URL is taken (build_index names the clash). A
        scheduled or taken-down article keeps its URL reserved, as build_index's check does."""
        old = self.old
        urls = dict(old.urls)
        taken = set(urls.values()) | {n.path for n in old.notices.values()} | set(old.redirects)
        for source, (was, _) in self.changed.items():
            if source not in self.articles:
                urls.pop(source, None)
            if was is not None:
                taken.discard(article_path(was))
        taken |= {article_path(a) for a in self._scheduled()}
        for source, (_, new) in self.changed.items():
            if new is not None:
                path = article_path(new)
                if path in taken:
                    return None
                taken.add(path)
                if source in self.articles:
                    urls[source] = path
        return self._in_order(urls)

    def _in_order(self, table: dict[str, object]) -> dict[str, object]:
        """A table by source of every article, made from the old one's, in the articles' order."""
        return {s: table[s] for s in self.articles} if self.added else table

    def _scheduled(self) -> list[Article]:
        """Articles the old index left out as scheduled (neither published nor a notice), unchanged."""
        old = self.old
        if not old.scheduled_left_out:
            return []
        return [a for s, a in self.loaded.items() if (self.config.drafts or not a.draft) and s not in old.articles
                and s not in old.notices and s not in self.changed]

    def _counterparts(self) -> dict[str, tuple[str, ...]] | None:
        if all(was is not None and new is not None and (was.story, was.lang) == (new.story, new.lang)
               for was, new in self.changed.values()) and all((was is None) == (new is None)
                                                               for was, new in self.live.values()):
            return self.old.counterparts  # the same stories over the same published articles
        counterparts = dict(self.old.counterparts)
        for source in self.changed:
            if source in self.articles:
                counterparts.setdefault(source, ())
            else:
                counterparts.pop(source, None)
        stories = {a.story for pair in self.changed.values() for a in pair if a is not None and a.story}
        moved = {s for s, (was, new) in self.changed.items() if (was and was.story) != (new and new.story)}
        if not stories and not moved:
            return self._in_order(counterparts)
        members = [a for a in self.loaded.values() if a.story in stories and (self.config.drafts or not a.draft)]
        errors: list[ContentError] = []
        story_counterparts = _stories(sorted(members, key=lambda a: a.source), errors)
        if errors:
            return None
        for source, others in story_counterparts.items():
            if source in self.articles:
                counterparts[source] = tuple(c for c in others if c in self.articles)
        for source in moved:
            if source in self.articles and not self.articles[source].story:
                counterparts[source] = ()
        return self._in_order(counterparts)

    def _editions(self) -> dict[str, tuple[str, ...]]:
        editions = dict(self.old.editions)
        for lang in {a.lang for pair in self.live.values() for a in pair if a is not None}:
            kept = [s for s in editions[lang] if s not in self.live]
            for source, (_, new) in self.live.items():
                if new is not None and new.lang == lang:
                    bisect.insort(kept, source, key=lambda s: newest_first(self.articles[s]))
            if tuple(kept) != editions[lang]:
                editions[lang] = tuple(kept)
        return editions

    def _people(self) -> tuple[dict[Person, str], dict[str, Correspondent], set[str]] | None:
        """(byline -> correspondent slug, slug -> person, slugs whose person record moved); None
        when a person the edit did not name would change slug (pages would move: build_index
        redoes them all)."""
        old = self.old
        known = {t.slug: t.person for (kind, _, _), t in old.terms.items() if kind == "correspondent"}
        if all((was.correspondents if was else ()) == (new.correspondents if new else ())
               for was, new in self.live.values()) or self._bylines_kept():
            return old.correspondent_keys, known, set()
        people, keys = _correspondents(self.config, list(self.articles.values()))
        if any(keys.get(person, slug) != slug for person, slug in old.correspondent_keys.items()):
            return None
        by_slug = {p.slug: p for p in people.values()}
        return keys, by_slug, {slug for slug, person in by_slug.items() if slug in known and known[slug] != person}

    def _next_change(self) -> dt.datetime | None:
        """clock.next_change over every candidate: unless the clock passed an article's instant
        (then every article's coming changes are as they were at old.now), the old index's unless a
        changed article made it, or a changed article's if sooner; else over them all."""
        old, now = self.old, self.now
        if not self.clock_passed:
            was = clock.coming_changes((was for was, _ in self.changed.values() if was is not None), now)
            ours = clock.next_change((new for _, new in self.changed.values() if new is not None), now)
            if all(change.at != old.next_change for change in was) and (ours is None or ours != old.next_change):
                return min((at for at in (old.next_change, ours) if at is not None), default=None)
        return clock.next_change((a for a in self.loaded.values() if self.config.drafts or not a.draft), now)

    def _bylines_kept(self) -> bool:
        """Whether the bylines _correspondents merges into people, in its order, stay as they were:
        each byline of a changed article was written before it (in that order) in an article the
        edit left alone. The people are made of those bylines alone, so they stay too."""
        old, default = self.old, self.config.default_language.code

        def order(article: Article) -> tuple:  # _correspondents' order
            return article.lang != default, article.source

        def written_before(person: Person, article: Article) -> bool:
            slug = old.correspondent_keys.get(person)
            terms = (old.terms.get(("correspondent", lang.code, slug)) for lang in self.config.languages)
            return slug is not None and any(
                s not in self.live and person in old.articles[s].correspondents
                and order(old.articles[s]) < order(article) for term in terms if term is not None for s in term.sources)

        return all(written_before(person, article) for pair in self.live.values() for article in pair
                   if article is not None for person in article.correspondents)

    def _terms(self, correspondent_keys: dict[Person, str], by_slug: dict[str, Correspondent],
               moved_people: set[str]) -> dict[tuple[str, str, str], Term]:
        old = self.old
        listed_under = {s: set(_term_keys(new, correspondent_keys)) for s, (_, new) in self.live.items() if new}
        touched = {key for key in old.terms if key[0] == "correspondent" and key[2] in moved_people} \
            if moved_people else set()
        for source, (was, _) in self.live.items():
            if was is not None:
                touched.update(_term_keys(was, old.correspondent_keys))
            touched.update(listed_under.get(source, ()))
        terms = dict(old.terms) if touched else old.terms
        for key in touched:
            # the old list (newest first) without the changed articles, which are put in their places
            members = [s for s in (old.terms[key].sources if key in old.terms else ()) if s not in self.live]
            for source in (s for s, keys in listed_under.items() if key in keys):
                bisect.insort(members, source, key=lambda s: newest_first(self.articles[s]))
            if not members:
                terms.pop(key, None)
                continue
            term = _term(self.config, key, tuple(members), self.articles, by_slug)
            terms[key] = old.terms[key] if old.terms.get(key) == term else term
        self.terms_moved = {key for key in touched if terms.get(key) is not old.terms.get(key)}
        return dict(sorted(terms.items())) if terms.keys() != old.terms.keys() else terms

    def _pages(self, urls, editions, terms) -> tuple[Page, ...] | None:
        """The old pages with those the edit moved taken out and made again: found by what they
        list, not by a pass over every page, and put in place in the path order kept."""
        old, config, articles = self.old, self.config, self.articles
        known = old.pages_by_path
        langs = {lang for lang in editions if editions[lang] != old.editions[lang]}
        moved_terms = self.terms_moved
        gone = [known[old.urls[s]] for s in self.changed if s in old.urls]
        gone += [known[old.notices[s].path] for s in self.changed if s in old.notices]
        for lang in langs:  # _edition_lists' pages, by their paths
            gone += _list_pages(known, f"/{lang}/") + [known[f"/{lang}/feed.xml"]]
            gone += [known[f"/{lang}/{month}/"] for month, _ in old.months[lang]]
        for kind, lang, slug in moved_terms & old.terms.keys():
            gone += _list_pages(known, f"/{lang}/{kind}/{slug}/")
        # Notices and redirects of unchanged articles stay; the news sitemap stays unless the
        # clock's view moved (a changed article's time, or the clock itself).
        desk = [f"/{lang}/corrections/" for lang in editions] + (["/sitemap-news.xml"] if self.clock_moved else [])
        gone += [known[path] for path in desk if path in known]

        fresh = [Page(urls[s], PageKind.ARTICLE, articles[s].lang, s, (s,)) for s in self.changed if s in articles]
        fresh += [Page(self.notices[s].path, PageKind.NOTICE, self.notices[s].article.lang, s)
                  for s in self.changed if s in self.notices]
        for lang in langs:
            fresh += _edition_lists(config, lang, editions[lang], articles)
        for key in moved_terms:
            if key in terms:
                kind, lang, slug = key
                fresh += _paginated(config, f"/{lang}/{kind}/{slug}/", PageKind(kind), lang, slug, terms[key].sources)
        fresh += [_corrections_page(lang, self._corrected(lang), articles) for lang in editions]
        if self.clock_moved:
            fresh.append(_news_sitemap(articles, editions, self.now))
        fresh = [known[p.path] if known.get(p.path) == p else p for p in fresh]
        gone_paths = {p.path for p in gone}
        fresh_paths = {p.path for p in fresh}
        if len(fresh_paths) < len(fresh) or any(p in known and p not in gone_paths for p in fresh_paths):
            return None  # two pages on one path: build_index names them
        self.months = {lang: _months(fresh, lang) for lang in langs}  # _edition_lists made all of them
        return self._put_in_place(gone, fresh)

    def _put_in_place(self, gone: list[Page], fresh: list[Page]) -> tuple[Page, ...]:
        """The old pages with `gone` taken out and `fresh` put in, and the sitemap parts they move;
        what moved is kept for IndexUpdate and _carry_over. A page made again as it was keeps its
        object: it is neither taken out nor put in."""
        known = self.old.pages_by_path
        same = {p.path for p in fresh if known.get(p.path) is p}
        gone, fresh = [p for p in gone if p.path not in same], [p for p in fresh if p.path not in same]
        gone_paths = {p.path for p in gone}
        dropped, sitemaps = self._sitemaps(gone, fresh)
        self.put = fresh + sitemaps
        put_paths = {p.path for p in self.put}
        self.moved = gone_paths | dropped | put_paths
        self.went = [known[path] for path in (gone_paths | dropped) - put_paths]  # no page is on their paths now
        self.by_path = dict(known)
        for page in self.went:
            del self.by_path[page.path]
        self.by_path.update((p.path, p) for p in self.put)
        return _replaced(self.old.pages, self.by_path, self.went, self.put)

    def _corrected(self, lang: str) -> list[str]:
        """The edition's articles with corrections: the old corrections page's, the changed ones put right."""
        listed = self.old.pages_by_path[f"/{lang}/corrections/"].sources
        return [s for s in listed if s not in self.live] + [s for s, (_, new) in self.live.items()
                                                             if new is not None and new.lang == lang and new.corrections]

    def _sitemaps(self, gone: list[Page], fresh: list[Page]) -> tuple[set[str], list[Page]]:
        """(paths of the old sitemap pages to take out, the sitemap pages to put in): the parts a
        page went from or came to, made again by _sitemaps' rules (one left empty is dropped), and
        the sitemap index."""
        known = self.old.pages_by_path
        before = {p.path: p for p in gone}
        after = {p.path: p for p in fresh}
        touched: dict[str, set[str]] = {}

        def part(name: str) -> set[str]:
            if name not in touched:
                page = known.get(sitemap_path(name))
                touched[name] = set(page.sources) if page else set()
            return touched[name]

        for path in before.keys() | after.keys():
            was, now = before.get(path), after.get(path)
            if was is not None and now is not None and (was.kind, was.lang) == (now.kind, now.lang):
                continue  # the same part: sitemap_part reads a page's kind, edition and path
            was_part = sitemap_part(was) if was is not None and was.kind not in UNLISTED_KINDS else None
            now_part = sitemap_part(now) if now is not None and now.kind not in UNLISTED_KINDS else None
            if was_part != now_part:
                if was_part is not None:
                    part(was_part).discard(path)
                if now_part is not None:
                    part(now_part).add(path)
        index = known[SITEMAP_INDEX_PATH]
        names = {path.removeprefix("/sitemaps/").removesuffix(".xml") for path in index.sources}
        pages = []
        for name, paths in touched.items():
            if paths:
                names.add(name)
                page = Page(sitemap_path(name), PageKind.SITEMAP, "", name, tuple(sorted(paths)))
                pages.append(known[page.path] if known.get(page.path) == page else page)
            else:
                names.discard(name)
        dropped = {sitemap_path(name) for name in touched if sitemap_path(name) in known} | {SITEMAP_INDEX_PATH}
        listed = Page(SITEMAP_INDEX_PATH, PageKind.SITEMAP_INDEX, "", "", tuple(sitemap_path(n) for n in sorted(names)))
        return dropped, pages + [index if index == listed else listed]


def _months(pages, lang: str) -> tuple[tuple[str, int], ...]:
    """SiteIndex.months of one edition, from its monthly archives among `pages`."""
    return tuple(sorted(((p.key, len(p.sources)) for p in pages if p.kind == PageKind.MONTH and p.lang == lang),
                        reverse=True))


def _list_pages(known: Mapping[str, Page], base: str) -> list[Page]:
    """A paginated list's pages, by their paths (_paginated's)."""
    return [known[page_path(base, n)] for n in range(1, known[base].count + 1)]


_path = attrgetter("path")


def _replaced(pages: tuple[Page, ...], by_path: dict[str, Page], went: list[Page], put: list[Page]) -> tuple[Page, ...]:
    """`pages` (in path order) without those that `went` and with those `put` in place (on their
    paths, or new ones): a few by bisection, many by sorting by_path's pages (`pages` so changed,
    in their order but for new paths at its end: nearly sorted already)."""
    if len(went) + len(put) > 64:
        return tuple(sorted(by_path.values(), key=_path))
    out = list(pages)
    for page in went:
        del out[bisect.bisect_left(out, page.path, key=_path)]
    for page in put:
        at = bisect.bisect_left(out, page.path, key=_path)
        if at < len(out) and out[at].path == page.path:
            out[at] = page
        else:
            out.insert(at, page)
    return tuple(out)


def _aliases(articles: list[Article], urls: dict[str, str], errors: list[ContentError]) -> dict[str, str]:
    """alias path -> the source of the article it now belongs to; an alias may not be an article's URL."""
    url_owner = {path: source for source, path in urls.items()}
    owner: dict[str, str] = {}
    for article in articles:
        for alias in article.aliases:
            line = article.line_of("aliases")
            if alias in url_owner:
                other = url_owner[alias]
                whose = "this article's own URL" if other == article.source else f"the URL of another article: {other}"
                errors.append(ContentError(article.source, line, f"alias {alias} is {whose}"))
            elif alias in owner:
                errors.append(ContentError(article.source, line, f"alias {alias} is also an alias of {owner[alias]}"))
            else:
                owner[alias] = article.source
    return dict(sorted(owner.items()))


def _assign_urls(articles: list[Article], errors: list[ContentError]) -> dict[str, str]:
    urls, owner = {}, {}
    for article in articles:
        path = article_path(article)
        if path in owner:
            line = article.line_of("slug") if "slug" in article.key_lines else article.line_of("posted")
            errors.append(ContentError(article.source, line, f"two articles on one URL {path}: this one and {owner[path]}"))
            continue
        owner[path] = article.source
        urls[article.source] = path
    return urls


def _stories(articles: list[Article], errors: list[ContentError]) -> dict[str, tuple[str, ...]]:
    by_story: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        if article.story:
            by_story[article.story].append(article)
    counterparts = {a.source: () for a in articles}
    for story, members in by_story.items():
        seen: dict[str, str] = {}
        for article in members:
            if article.lang in seen:
                errors.append(ContentError(
                    article.source, article.line_of("story"),
                    f"story {story!r} already has a '{article.lang}' article: {seen[article.lang]}",
                ))
            else:
                seen[article.lang] = article.source
        for article in members:
            counterparts[article.source] = tuple(s for lang, s in sorted(seen.items()) if lang != article.lang)
    return counterparts


def _correspondents(config: Config, articles: list[Article]) -> tuple[dict[str, Correspondent], dict[Person, str]]:
    """Merge bylines into people: by email, else by name; the staff registry fills gaps."""
    registry = StaffRegistry(config.staff)
    merged: dict[str, dict] = {}
    key_of: dict[Person, str] = {}
    # English bylines first, so the English spelling of a name wins over a Korean-only one.
    ordered = sorted(articles, key=lambda a: (a.lang != config.default_language.code, a.source))
    # Each byline as first written: a repeat of the same byline adds nothing to the merge.
    bylines = list(dict.fromkeys(p for a in ordered for p in a.correspondents))
    emails_of_name = _emails_by_name(bylines)
    for person in bylines:
        staff = registry.find(email=person.email, name=person.name, local=person.local)
        email = person.email or (staff.email if staff else "") or _only_email(emails_of_name, person)
        key = email.lower() or slugify(staff.name if staff else person.name)
        record = merged.setdefault(key, {"name": "", "local": "", "email": "", "role": "", "bio": ""})
        for attribute in ("name", "local", "email", "role"):
            record[attribute] = record[attribute] or getattr(person, attribute)
        if staff:
            record.update({k: getattr(staff, k) or record[k] for k in record})
        key_of[person] = key
    people, slugs = {}, set()
    for key in sorted(merged):
        record = merged[key]
        slug = base = slugify(record["name"]) or slugify(key)
        n = 2
        while slug in slugs:  # two people of one name: the later key (by sort) gets a number
            slug, n = f"{base}-{n}", n + 1
        slugs.add(slug)
        people[key] = Correspondent(key=key, slug=slug, **record)
    return people, {person: people[key].slug for person, key in key_of.items()}


def _emails_by_name(people) -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for person in people:
        if person.email:
            for name in (person.name, person.local):
                if name:
                    found[name].add(person.email.lower())
    return found


def _only_email(emails_of_name: dict[str, set[str]], person: Person) -> str:
    """A byline without email is the person with that name who has one, if there is exactly one."""
    candidates = emails_of_name.get(person.name, set()) | emails_of_name.get(person.local, set())
    return next(iter(candidates)) if len(candidates) == 1 else ""


def _terms(config, articles, editions, correspondents, byline_keys) -> dict[tuple[str, str, str], Term]:
    by_slug = {c.slug: c for c in correspondents.values()}
    # Per term, its articles in edition order, each once: a dict keeps the order and answers
    # "already listed?" at once (a list made this quadratic in a section's size).
    collected: dict[tuple[str, str, str], dict[str, None]] = defaultdict(dict)
    for sources in editions.values():
        for source in sources:
            for key in _term_keys(articles[source], byline_keys):
                collected[key][source] = None
    terms = {key: _term(config, key, tuple(sources), articles, by_slug) for key, sources in collected.items()}
    return dict(sorted(terms.items()))


def _term_keys(article: Article, byline_keys: Mapping[Person, str]) -> list[tuple[str, str, str]]:
    """The (kind, lang, slug) of every term an article is listed under."""
    keys = [(kind, article.lang, slugify(name)) for kind, name in _term_names(article)]
    keys += [("correspondent", article.lang, byline_keys[person]) for person in article.correspondents]
    return keys


def _term(config: Config, key: tuple[str, str, str], sources: tuple[str, ...], articles: Mapping[str, Article],
          by_slug: Mapping[str, Correspondent]) -> Term:
    """A term from its articles in edition order: named as its newest article names it; a place
    spelt as the oldest spells its city, with the first local name given."""
    kind, lang, slug = key
    name, place, person = slug, None, None
    if kind == "correspondent":
        person = by_slug.get(slug)
    else:
        name = next((n for s in sources for k, n in _term_names(articles[s]) if k == kind and slugify(n) == slug), "") or slug
    if kind == "dateline":
        city, local = slug, ""
        for source in sources:
            dateline = articles[source].dateline
            city, local = dateline.city, local or dateline.local
        place = Place(city, local)
    shown, other = _names_in_edition(config, lang, name, place, person)
    return Term(kind, lang, slug, shown, tuple(sources), other, place=place, person=person)


def _names_in_edition(config, lang, name, place, person) -> tuple[str, str]:
    """(name shown in this edition, the other script's name): the default edition shows the
    English name, the others the local one (카이로, 김기윤) where it is known."""
    english, local = name, ""
    if place:
        english, local = place.city, place.local
    elif person:
        english, local = person.name, person.local
    if local and lang != config.default_language.code:
        english, local = local, english
    return english, (local if local != english else "")


def _term_names(article: Article):
    if article.section:
        yield "section", article.section
    for tag in article.tags:
        yield "tag", tag
    if article.dateline:
        yield "dateline", article.dateline.city


def _paginated(config: Config, base: str, kind: str, lang: str, key: str, sources: tuple[str, ...]):
    per = config.per_page
    count = max(1, -(-len(sources) // per))
    for number in range(1, count + 1):
        yield Page(page_path(base, number), kind, lang, key, sources[(number - 1) * per : number * per], number, count)


def _pages(config, articles, urls, editions, terms) -> list[Page]:
    pages = [Page("/", PageKind.ROOT), Page("/404.html", PageKind.NOTFOUND), Page("/robots.txt", PageKind.ROBOTS)]
    for source, path in urls.items():
        pages.append(Page(path, PageKind.ARTICLE, articles[source].lang, source, (source,)))
    for lang, sources in editions.items():
        pages.extend(_edition_lists(config, lang, sources, articles))
        if config.search:  # the page; its index is dateline.search's
            pages.append(Page(f"/{lang}/search/", PageKind.SEARCH, lang))
        pages.append(Page(f"/{lang}/archive/", PageKind.ARCHIVE, lang))
    for (kind, lang, slug), term in terms.items():
        pages.extend(_paginated(config, f"/{lang}/{kind}/{slug}/", PageKind(kind), lang, slug, term.sources))
    return pages


def _edition_lists(config: Config, lang: str, sources: tuple[str, ...], articles: Mapping[str, Article]) -> list[Page]:
    """The pages that list a whole edition: the front page and its later pages, the feed, the months."""
    pages = list(_paginated(config, f"/{lang}/", PageKind.HOME, lang, "", sources))
    pages.append(Page(f"/{lang}/feed.xml", PageKind.FEED, lang, "", sources[: config.feed_limit]))
    # grouped by (year, month), the groups of each date's "%Y/%m", formatted once a month
    for _, group in groupby(sources, key=lambda s: (articles[s].posted.year, articles[s].posted.month)):
        members = tuple(group)
        month = f"{articles[members[0]].posted:%Y/%m}"
        pages.append(Page(f"/{lang}/{month}/", PageKind.MONTH, lang, month, members))
    return pages


def _clock_pages(config, articles, editions, notices, aliases, redirects, now) -> list[Page]:
    """Notices at withdrawn URLs, redirect pages and /_redirects, corrections pages, the news sitemap."""
    pages = [Page(n.path, PageKind.NOTICE, n.article.lang, source) for source, n in notices.items()]
    lang_of = {**{s: a.lang for s, a in articles.items()}, **{s: n.article.lang for s, n in notices.items()}}
    pages += [Page(alias, PageKind.REDIRECT, lang_of[aliases[alias]], aliases[alias]) for alias in redirects]
    if redirects:
        pages.append(Page("/_redirects", PageKind.REDIRECTS))
    pages += [_corrections_page(lang, [s for s in sources if articles[s].corrections], articles)
              for lang, sources in editions.items()]
    return pages + [_news_sitemap(articles, editions, now)]


def _corrections_page(lang: str, corrected: list[str], articles: Mapping[str, Article]) -> Page:
    """An edition's corrections page: its articles with corrections, the latest corrected first."""
    corrected = sorted(corrected, key=lambda s: (-articles[s].corrections[-1].at.timestamp(), s))
    return Page(f"/{lang}/corrections/", PageKind.CORRECTIONS, lang, "", tuple(corrected))


def _news_sitemap(articles: Mapping[str, Article], editions: dict[str, tuple[str, ...]], now: dt.datetime) -> Page:
    """The news sitemap: the articles of the news window at `now`, newest first (clock.NEWS_LIMIT of them)."""
    low, high = clock.news_window(now)
    recent = []
    for sources in editions.values():
        for source in sources:  # newest first: the window's articles come first
            posted = articles[source].posted.timestamp()
            if posted <= low:
                break
            if posted <= high:
                recent.append(articles[source])
    recent.sort(key=newest_first)
    return Page("/sitemap-news.xml", PageKind.NEWS_SITEMAP, "", "", tuple(a.source for a in recent[:clock.NEWS_LIMIT]))


def pages_listing(index: SiteIndex, source: str) -> list[Page]:
    """The pages whose `sources` hold a published article, found where they must be (its page,
    its edition's and terms' pages at its place in their lists, its month, the desk's pages)
    instead of by a pass over every page."""
    if source not in index.articles:
        return []
    article, config, pages = index.articles[source], index.config, index.pages_by_path
    lang = article.lang
    place = index.editions[lang].index(source)
    paths = [index.urls[source], f"/{lang}/{article.posted:%Y/%m}/", f"/{lang}/corrections/", "/sitemap-news.xml",
             page_path(f"/{lang}/", place // config.per_page + 1)]
    if place < config.feed_limit:
        paths.append(f"/{lang}/feed.xml")
    for key in _term_keys(article, index.correspondent_keys):
        term = index.terms[key]
        paths.append(page_path(f"/{lang}/{key[0]}/{key[2]}/", term.sources.index(source) // config.per_page + 1))
    found = (pages.get(path) for path in dict.fromkeys(paths))
    return [page for page in found if page is not None and source in page.sources]


def page_path(base: str, number: int) -> str:
    """The path of a paginated list's page `number`, its first page at `base`."""
    return base if number == 1 else f"{base}page/{number}/"


def sitemap_part(page: Page) -> str:
    """The sitemap part that lists a page: its edition's month for articles and monthly archives
    (so an edit rewrites one small file), the edition's list pages of its kind ("en-tag": a new
    tag rewrites the tag pages' part only), or the site's own pages."""
    if page.kind in (PageKind.ARTICLE, PageKind.MONTH):
        return f"{page.lang}-{page.path.split('/')[2]}-{page.path.split('/')[3]}"
    return f"{page.lang}-{page.kind}" if page.lang else "site"


def sitemap_path(part: str) -> str:
    return f"/sitemaps/{part}.xml"


def _sitemaps(pages: list[Page]) -> list[Page]:
    """One sitemap page per part, listing its pages by path (in `sources`), and the index naming them."""
    parts: dict[str, list[str]] = defaultdict(list)
    for page in pages:
        if page.kind not in UNLISTED_KINDS:
            parts[sitemap_part(page)].append(page.path)
    sitemaps = [Page(sitemap_path(name), PageKind.SITEMAP, "", name, tuple(sorted(paths)))
                for name, paths in sorted(parts.items())]
    index = Page(SITEMAP_INDEX_PATH, PageKind.SITEMAP_INDEX, "", "", tuple(p.path for p in sitemaps))
    return sitemaps + [index]


def _url_clashes(pages: tuple[Page, ...], articles: dict[str, Article]) -> list[ContentError]:
    """Two pages on one path; named by the article (or alias) that made one of them."""
    errors = []
    for path, same in groupby(pages, key=lambda p: p.path):
        same = list(same)
        if len(same) > 1:
            owner = next((p.key for p in same if p.kind in ("article", "notice", "redirect")), same[0].key)
            kinds = " and ".join(p.kind for p in same)
            if owner in articles:
                line = articles[owner].line_of("aliases") if any(p.kind == "redirect" for p in same) else 1
                errors.append(ContentError(owner, line, f"two pages on one URL {path}: {kinds}"))
            else:
                errors.append(ContentError("content", 1, f"two pages on one URL {path}: {kinds}"))
    return errors




def _clock_fields(article: Article | None) -> tuple | None:
    """What clock.next_change and clock.clock_instants read of an article."""
    return None if article is None else (article.posted, article.expires, article.withdrawn, article.draft)
