"""Stage 4: one site index over all articles: URLs, stories, taxonomies and the list of pages.

Everything here is computed from the loaded articles and the config alone, so the same sources
always give the same index; ties are broken by source path.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import groupby

from dateline.config import Config, StaffMember
from dateline.content import Article, Person, Place, slugify
from dateline.errors import ContentError

TERM_KINDS = ("section", "tag", "dateline", "correspondent")


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
    kind: str  # article, home, section, tag, dateline, correspondent, month, root, notfound, feed, sitemap, robots, search
    lang: str = ""
    key: str = ""  # article source, term slug or "yyyy/mm"
    sources: tuple[str, ...] = ()  # the articles it lists
    number: int = 1
    count: int = 1  # pages in this paginated list

    @property
    def output(self) -> str:
        """File path below the output folder."""
        rel = self.path.lstrip("/")
        return rel + "index.html" if rel.endswith("/") or not rel else rel


@dataclass(frozen=True)
class SiteIndex:
    config: Config
    articles: dict[str, Article]  # published articles by source path
    urls: dict[str, str]  # source -> site path
    counterparts: dict[str, tuple[str, ...]]  # source -> other-language sources of its story
    editions: dict[str, tuple[str, ...]]  # lang -> sources, newest first
    terms: dict[tuple[str, str, str], Term]  # (kind, lang, slug) -> term
    correspondent_keys: dict[Person, str]  # byline as written -> correspondent slug
    pages: tuple[Page, ...]

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


def build_index(config: Config, loaded: list[Article]) -> tuple[SiteIndex | None, list[ContentError]]:
    published = [a for a in loaded if config.drafts or not a.draft]
    published.sort(key=lambda a: a.source)
    errors: list[ContentError] = []
    urls = _assign_urls(published, errors)
    counterparts = _stories(published, errors)
    if errors:
        return None, errors
    articles = {a.source: a for a in published}
    editions = {
        lang.code: tuple(a.source for a in sorted((a for a in published if a.lang == lang.code), key=newest_first))
        for lang in config.languages
    }
    correspondents, byline_keys = _correspondents(config, published)
    terms = _terms(config, articles, editions, correspondents, byline_keys)
    pages = _pages(config, articles, urls, editions, terms)
    index = SiteIndex(config, articles, urls, counterparts, editions, terms, byline_keys, pages)
    return index, _url_clashes(pages, articles)


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
    staff_by_email = {s.email.lower(): s for s in config.staff if s.email}
    staff_by_name = {n: s for s in config.staff for n in (s.name, s.local) if n}
    merged: dict[str, dict] = {}
    key_of: dict[Person, str] = {}
    # English bylines first, so the English spelling of a name wins over a Korean-only one.
    ordered = sorted(articles, key=lambda a: (a.lang != config.default_language.code, a.source))
    emails_of_name = _emails_by_name(p for a in ordered for p in a.correspondents)
    for person in (p for a in ordered for p in a.correspondents):
        staff = staff_by_email.get(person.email.lower()) or staff_by_name.get(person.name) or staff_by_name.get(person.local)
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
    collected: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    names: dict[tuple[str, str, str], str] = {}
    places: dict[tuple[str, str, str], Place] = {}
    for lang, sources in editions.items():
        for source in sources:
            article = articles[source]
            for kind, name in _term_names(article):
                key = (kind, lang, slugify(name))
                names.setdefault(key, name)
                if source not in collected[key]:
                    collected[key].append(source)
            if article.dateline:
                key = ("dateline", lang, slugify(article.dateline.city))
                known = places.get(key)
                places[key] = Place(article.dateline.city, (known.local if known else "") or article.dateline.local)
            for person in article.correspondents:
                key = ("correspondent", lang, byline_keys[person])
                if source not in collected[key]:
                    collected[key].append(source)
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


def _pages(config, articles, urls, editions, terms) -> tuple[Page, ...]:
    pages = [Page("/", "root"), Page("/404.html", "notfound"), Page("/sitemap.xml", "sitemap"), Page("/robots.txt", "robots")]
    for source, path in urls.items():
        pages.append(Page(path, "article", articles[source].lang, source, (source,)))
    for lang, sources in editions.items():
        pages.extend(_paginated(config, f"/{lang}/", "home", lang, "", sources))
        pages.append(Page(f"/{lang}/feed.xml", "feed", lang, "", sources[: config.feed_limit]))
        if config.search:  # the page; its index is dateline.search's
            pages.append(Page(f"/{lang}/search/", "search", lang))
        by_month = groupby(sources, key=lambda s: f"{articles[s].posted:%Y/%m}")
        for month, members in by_month:
            pages.append(Page(f"/{lang}/{month}/", "month", lang, month, tuple(members)))
    for (kind, lang, slug), term in terms.items():
        pages.extend(_paginated(config, f"/{lang}/{kind}/{slug}/", kind, lang, slug, term.sources))
    return tuple(sorted(pages, key=lambda p: p.path))


def _url_clashes(pages: tuple[Page, ...], articles: dict[str, Article]) -> list[ContentError]:
    errors = []
    for path, same in groupby(pages, key=lambda p: p.path):
        same = list(same)
        if len(same) > 1:
            owner = next((p.key for p in same if p.kind == "article"), same[0].key)
            kinds = " and ".join(p.kind for p in same)
            errors.append(ContentError(owner if owner in articles else "content", 1, f"two pages on one URL {path}: {kinds}"))
    return errors


