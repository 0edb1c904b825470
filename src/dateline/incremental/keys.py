"""What each page's rendering reads, as comparable keys ("fingerprints").

`page_context` (render.py) builds a page's template context from the page record, article
views, terms, the edition's section list and the templates. Each key below holds exactly the
inputs of one of those, so two equal fingerprints render to the same bytes:

- an article's *view key*: its file digest (the Article and its body are functions of the
  file's bytes under one config), its URL, every field but `sources` of the terms it links, and
  the language, URL, headline and date of each counterpart (what the view shows of them);
- a page's *fingerprint*: the page record, the view keys of the articles it shows, the term it
  lists, the edition's sections and the templates its kind renders with.

The root page (few articles, cheap) and kinds this module does not know are always rendered.
Keys are plain tuples (records become the tuple of their fields), so comparing the keys of a
whole site is a C-level loop.
"""

from __future__ import annotations

from collections import defaultdict

from dateline.index import TERM_KINDS, Page, SiteIndex, Term

LIST_KINDS = ("home", "month", "feed", *TERM_KINDS)
ALWAYS_RENDERED = "root"


def plain(record) -> tuple | None:
    """A frozen record as the tuple of all its fields."""
    return None if record is None else tuple(record.__dict__.values())


def page_key(page: Page) -> tuple:
    return plain(page)


def term_key(term: Term) -> tuple:
    """Everything about a term that views and list pages show: all but its article list."""
    return (term.kind, term.lang, term.slug, term.name, term.other_name, plain(term.place), plain(term.person))


def term_refs(index: SiteIndex) -> dict[str, tuple]:
    """source -> the keys of the terms (section, tags, dateline, correspondents) it links."""
    refs: dict[str, list] = defaultdict(list)
    for term in index.terms.values():
        key = term_key(term)
        for source in term.sources:
            refs[source].append(key)
    return {source: tuple(keys) for source, keys in refs.items()}


def view_key(index: SiteIndex, refs: dict[str, tuple], source: str) -> tuple:
    article = index.articles[source]
    return (article.digest, index.urls[source], refs.get(source, ()), counterpart_keys(index, source))


def counterpart_keys(index: SiteIndex, source: str) -> tuple:
    """What a view shows of its counterparts (render.Renderer.counterparts, _translation_roles):
    language, link, headline and publication time."""
    keys = []
    for other in index.counterparts[source]:
        o = index.articles[other]
        keys.append((other, index.urls[other], o.lang, o.title, o.posted))
    return tuple(keys)


def sitemap_key(index: SiteIndex, source: str) -> tuple:
    """What the sitemap shows of an article: URL, dates, language and counterparts' URLs."""
    a = index.articles[source]
    ours = tuple((c, index.urls[c]) for c in index.counterparts[source])
    return (index.urls[source], a.posted, a.updated, a.lang, a.translations, ours)


def affected_views(index: SiteIndex, changed: set[str]) -> set[str]:
    """Published articles whose view key may differ: the changed ones and their counterparts."""
    views = {s for s in changed if s in index.articles}
    for source in list(views):
        views.update(index.counterparts[source])
    return views


class Fingerprints:
    """Page fingerprints of one index, from view keys, section lists and template keys."""

    def __init__(self, index: SiteIndex, views: dict[str, tuple], sections: dict[str, tuple],
                 templates: dict[str, tuple], sitemap: dict[str, tuple]):
        self.index, self.views, self.sections, self.templates, self.sitemap = index, views, sections, templates, sitemap
        self.default_lang = index.config.default_language.code
        self._all_pages: tuple | None = None

    def all_pages(self) -> tuple:
        """What the sitemap reads of the list of pages (render._sitemap_context)."""
        if self._all_pages is None:
            self._all_pages = tuple((p.path, p.kind, p.key, p.number) for p in self.index.pages)
        return self._all_pages

    def of(self, page: Page) -> tuple | None:
        """None for pages rendered every time."""
        base = (page_key(page), self.sections[page.lang or self.default_lang], self.templates.get(page.kind))
        if page.kind == "article":
            return base + (self.views[page.key],)
        if page.kind in LIST_KINDS:
            term = self.index.terms.get((page.kind, page.lang, page.key)) if page.kind in TERM_KINDS else None
            return base + (term and term_key(term), tuple(self.views[s] for s in page.sources))
        if page.kind in ("notfound", "robots", "search"):  # search: its page reads no article (dateline.search indexes them)
            return base
        if page.kind == "sitemap":
            return base + (self.all_pages(), tuple(self.sitemap.values()))
        return None


def readers(pages: dict[str, Page]) -> dict[str, list[str]]:
    """source -> outputs of the pages whose fingerprint holds that article's view key."""
    read: dict[str, list[str]] = defaultdict(list)
    for output, page in pages.items():
        if page.kind == "article":
            read[page.key].append(output)
        elif page.kind in LIST_KINDS:
            for source in page.sources:
                read[source].append(output)
    return dict(read)


def always_candidates(index: SiteIndex) -> list[Page]:
    """Pages to look at on every rebuild: the sitemap (reads every article) and those with no fingerprint."""
    known = {"article", "notfound", "robots", "search", *LIST_KINDS}
    return [p for p in index.pages if p.kind not in known]
