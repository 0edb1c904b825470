"""Stage 4: one site index over all articles: URLs, stories, taxonomies and the list of pages.

Everything here is computed from the loaded articles, the config and the build's clock (`now`)
alone, so the same sources at the same time always give the same index; ties are broken by
source path. The clock decides which articles are live (clock.py): a scheduled one is left out
entirely, a withdrawn or expired one keeps only its URL, which serves a notice.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from itertools import groupby

from dateline import clock
from dateline.clock import Takedown
from dateline.config import Config, StaffMember
from dateline.content import Article, Person, Place, slugify
from dateline.errors import ContentError
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


@dataclass(frozen=True)
class Correspondent(StaffMember):
    """One person, the same identity in both editions: a staff record with its page's slug."""

    key: str = ""  # email, or the slug of the name when there is no email
    slug: str = ""


@dataclass(frozen=True)
class Term:
    kind: str  # one of TERM_KINDS
    lang: str
    slug: str
    name: str  # as shown in this edition
    sources: tuple[str, ...]  # articles, newest first
    other_name: str = ""  # the name in the other script: 카이로 on the English page, Cairo on the Korean
    place: Place | None = None
    person: Correspondent | None = None


@dataclass(frozen=True)
class Page:
    """One output file. Rendering it needs only this record and the index."""

    path: str  # site path without the base path: "/en/", "/en/feed.xml", "/404.html"
    kind: PageKind
    lang: str = ""
    key: str = ""  # article source, term slug, "yyyy/mm", or a sitemap part's name
    sources: tuple[str, ...] = ()  # the articles it lists
    number: int = 1
    count: int = 1  # pages in this paginated list

    @property
    def output(self) -> str:
        """File path below the output folder."""
        rel = self.path.lstrip("/")
        return rel + "index.html" if rel.endswith("/") or not rel else rel


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

    @cached_property
    def pages_by_path(self) -> dict[str, Page]:
        return {p.path: p for p in self.pages}

    def article_terms(self, source: str, kind: str) -> list[Term]:
        article = self.articles[source]
        keys = {
            "section": [article.section] if article.section else [],
            "tag": list(article.tags),
            "dateline": [article.dateline.city] if article.dateline else [],
        }[kind]
        return [self.terms[(kind, article.lang, slugify(k))] for k in keys]

    def correspondent_terms(self, source: str) -> list[Term]:
        article = self.articles[source]
        return [
            self.terms[("correspondent", article.lang, self.correspondent_keys[p])]
            for p in article.correspondents
        ]


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
    emails_of_name = _emails_by_name(p for a in ordered for p in a.correspondents)
    for person in (p for a in ordered for p in a.correspondents):
        staff = registry.find(email=person.email, name=person.name, local=person.local)
        email = person.email or (staff.email if staff else "") or _only_email(emails_of_name, person)
        key = email.lower() or slugify(staff.name if staff else person.name)
        record = merged.setdefault(key, {"name": "", "local": "", "email": "", "role": "", "bio": ""})
        for field in ("name", "local", "email", "role"):
            record[field] = record[field] or getattr(person, field)
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
    names: dict[tuple[str, str, str], str] = {}
    places: dict[tuple[str, str, str], Place] = {}
    for lang, sources in editions.items():
        for source in sources:
            article = articles[source]
            for kind, name in _term_names(article):
                key = (kind, lang, slugify(name))
                names.setdefault(key, name)
                collected[key][source] = None
            if article.dateline:
                key = ("dateline", lang, slugify(article.dateline.city))
                known = places.get(key)
                places[key] = Place(article.dateline.city, (known.local if known else "") or article.dateline.local)
            for person in article.correspondents:
                key = ("correspondent", lang, byline_keys[person])
                collected[key][source] = None
    terms = {}
    for key, sources in collected.items():
        kind, lang, slug = key
        person = by_slug.get(slug) if kind == "correspondent" else None
        place = places.get(key)
        name, other = _names_in_edition(config, lang, names.get(key) or slug, place, person)
        terms[key] = Term(kind, lang, slug, name, tuple(sources), other, place=place, person=person)
    return dict(sorted(terms.items()))


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
        path = base if number == 1 else f"{base}page/{number}/"
        yield Page(path, kind, lang, key, sources[(number - 1) * per : number * per], number, count)


def _pages(config, articles, urls, editions, terms) -> list[Page]:
    pages = [Page("/", PageKind.ROOT), Page("/404.html", PageKind.NOTFOUND), Page("/robots.txt", PageKind.ROBOTS)]
    for source, path in urls.items():
        pages.append(Page(path, PageKind.ARTICLE, articles[source].lang, source, (source,)))
    for lang, sources in editions.items():
        pages.extend(_paginated(config, f"/{lang}/", PageKind.HOME, lang, "", sources))
        pages.append(Page(f"/{lang}/feed.xml", PageKind.FEED, lang, "", sources[: config.feed_limit]))
        if config.search:  # the page; its index is dateline.search's
            pages.append(Page(f"/{lang}/search/", PageKind.SEARCH, lang))
        by_month = groupby(sources, key=lambda s: f"{articles[s].posted:%Y/%m}")
        for month, members in by_month:
            pages.append(Page(f"/{lang}/{month}/", PageKind.MONTH, lang, month, tuple(members)))
        pages.append(Page(f"/{lang}/archive/", PageKind.ARCHIVE, lang))
    for (kind, lang, slug), term in terms.items():
        pages.extend(_paginated(config, f"/{lang}/{kind}/{slug}/", PageKind(kind), lang, slug, term.sources))
    return pages


def _clock_pages(config, articles, editions, notices, aliases, redirects, now) -> list[Page]:
    """Notices at withdrawn URLs, redirect pages and /_redirects, corrections pages, the news sitemap."""
    pages = [Page(n.path, PageKind.NOTICE, n.article.lang, source) for source, n in notices.items()]
    lang_of = {**{s: a.lang for s, a in articles.items()}, **{s: n.article.lang for s, n in notices.items()}}
    pages += [Page(alias, PageKind.REDIRECT, lang_of[aliases[alias]], aliases[alias]) for alias in redirects]
    if redirects:
        pages.append(Page("/_redirects", PageKind.REDIRECTS))
    for lang, sources in editions.items():
        corrected = sorted((s for s in sources if articles[s].corrections),
                           key=lambda s: (-articles[s].corrections[-1].at.timestamp(), s))
        pages.append(Page(f"/{lang}/corrections/", PageKind.CORRECTIONS, lang, "", tuple(corrected)))
    recent = sorted((a for a in articles.values() if clock.in_news_window(a, now)), key=newest_first)
    pages.append(Page("/sitemap-news.xml", PageKind.NEWS_SITEMAP, "", "", tuple(a.source for a in recent[:clock.NEWS_LIMIT])))
    return pages


def sitemap_part(page: Page) -> str:
    """The sitemap part that lists a page: its edition's month for articles and monthly archives
    (so an edit rewrites one small file), the edition's list pages, or the site's own pages."""
    if page.kind in (PageKind.ARTICLE, PageKind.MONTH):
        return f"{page.lang}-{page.path.split('/')[2]}-{page.path.split('/')[3]}"
    return f"{page.lang}-lists" if page.lang else "site"


def _sitemaps(pages: list[Page]) -> list[Page]:
    """One sitemap page per part, listing its pages by path (in `sources`), and the index naming them."""
    parts: dict[str, list[str]] = defaultdict(list)
    for page in pages:
        if page.kind not in UNLISTED_KINDS:
            parts[sitemap_part(page)].append(page.path)
    sitemaps = [Page(f"/sitemaps/{name}.xml", PageKind.SITEMAP, "", name, tuple(sorted(paths)))
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


