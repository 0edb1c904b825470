"""Stage 5: turn one Page of the index into bytes, through the Jinja templates.

The template context is built by `page_context` alone; rendering is a pure function of the
page, the index and the rendered article bodies, so pages can be rendered in any order or
process, and skipped when their inputs have not changed.
"""

from __future__ import annotations

import json
from functools import cached_property
from pathlib import Path

import jinja2
from markupsafe import Markup

from dateline.bodies import first_paragraph_text
from dateline.config import Config
from dateline.errors import ContentError
from dateline.i18n import format_month, strings
from dateline.index import Page, SiteIndex, Term
from dateline.views import ArticleView, Counterpart, Moment, TermLink, absolute_link, site_link

THEME_DIR = Path(__file__).parent / "theme"
LIST_KINDS = ("home", "section", "tag", "dateline", "month")
TEMPLATE_FOR = {
    "article": ["article.html"],
    "correspondent": ["correspondent.html", "list.html"],
    "root": ["root.html"],
    "notfound": ["404.html"],
    "feed": ["feed.xml"],
    "sitemap": ["sitemap.xml"],
    "robots": ["robots.txt"],
    "search": ["search.html"],
    **{kind: [f"{kind}.html", "list.html"] for kind in LIST_KINDS},
}


def make_environment(config: Config) -> jinja2.Environment:
    """Site templates first, the default theme behind them."""
    loader = jinja2.ChoiceLoader([
        jinja2.FileSystemLoader(str(config.templates_dir)),
        jinja2.FileSystemLoader(str(THEME_DIR / "templates")),
    ])
    env = jinja2.Environment(
        loader=loader,
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["json_script"] = json_for_script
    # Atom's type="html" content is HTML carried as escaped text.
    env.filters["as_text"] = lambda markup: str.__str__(markup)
    env.globals["strings"] = strings
    env.globals["url"] = lambda path: site_link(config, path)
    env.globals["absolute_url"] = lambda path: absolute_link(config, path)
    return env


def json_for_script(value: object) -> Markup:
    """JSON safe inside <script>: no '<', '>' or '&' survives, so '</script>' cannot end it."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=False, indent=2)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def template_error(config: Config, exc: BaseException) -> ContentError:
    """Name the template file and line of a Jinja error, wherever in the chain it happened."""
    name, line = getattr(exc, "filename", None), getattr(exc, "lineno", None)
    if not name:
        tb = exc.__traceback__
        while tb is not None:
            filename = tb.tb_frame.f_code.co_filename
            if filename.endswith((".html", ".xml", ".txt")):
                name, line = filename, tb.tb_lineno
            tb = tb.tb_next
    path = Path(name) if name else None
    if path and path.is_relative_to(config.site_dir):
        shown = path.relative_to(config.site_dir).as_posix()
    elif path:
        shown = f"(default theme) {path.name}"
    else:
        shown = "templates"
    message = getattr(exc, "message", None) or str(exc)
    return ContentError(shown, line or 1, f"template error: {type(exc).__name__}: {message}")


class Renderer:
    def __init__(self, index: SiteIndex, bodies: dict[str, str]):
        self.index = index
        self.config = index.config
        self.bodies = bodies  # source -> body HTML
        self.env = make_environment(self.config)
        self._views: dict[str, ArticleView] = {}
        self._sections: dict[str, tuple[TermLink, ...]] = {}

    def render(self, page: Page) -> bytes:
        template = self.env.select_template(TEMPLATE_FOR[page.kind])
        return template.render(page_context(self, page)).encode("utf-8")

    # ---- views, cached per renderer: the index does not change under it ----

    def link(self, path: str) -> str:
        return site_link(self.config, path)

    def absolute(self, path: str) -> str:
        return absolute_link(self.config, path)

    def term_link(self, term: Term) -> TermLink:
        person = term.person
        path = f"/{term.lang}/{term.kind}/{term.slug}/"
        return TermLink(
            kind=term.kind, slug=term.slug, name=term.name, url=self.link(path), permalink=self.absolute(path),
            local=term.other_name,
            email=person.email if person else "",
            role=person.role if person else "",
        )

    def article(self, source: str) -> ArticleView:
        view = self._views.get(source)
        if view is None:
            view = self._views[source] = self.make_view(source)
        return view

    def make_view(self, source: str) -> ArticleView:
        index, config = self.index, self.config
        a = index.articles[source]
        locale = config.language(a.lang).locale
        body = self.bodies.get(source, "")
        sections = index.article_terms(source, "section")
        datelines = index.article_terms(source, "dateline")
        return ArticleView(
            source=source, lang=a.lang, title=a.title,
            url=self.link(index.urls[source]), permalink=self.absolute(index.urls[source]),
            posted=Moment.of(a.posted, a.lang, locale), updated=Moment.of(a.updated, a.lang, locale),
            summary=a.summary or first_paragraph_text(body), body=Markup(body),
            section=self.term_link(sections[0]) if sections else None,
            tags=tuple(self.term_link(t) for t in index.article_terms(source, "tag")),
            dateline=self.term_link(datelines[0]) if datelines else None,
            correspondents=tuple(self.term_link(t) for t in index.correspondent_terms(source)),
            counterparts=self.counterparts(source), source_url=a.source_url, draft=a.draft,
            extra=a.extra,
        )

    def counterparts(self, source: str) -> tuple[Counterpart, ...]:
        index, config = self.index, self.config
        ours = []
        for other in index.counterparts[source]:
            o = index.articles[other]
            ours.append(Counterpart(o.lang, _language_name(config, o.lang), self.link(index.urls[other]),
                                    self.absolute(index.urls[other]), o.title))
        have = {c.lang for c in ours}
        external = [
            Counterpart(lang, _language_name(config, lang), url, url, external=True)
            for lang, url in index.articles[source].translations if lang not in have
        ]
        return tuple(sorted(ours + external, key=lambda c: c.lang))

    @cached_property
    def editions(self) -> list[dict]:
        return [
            {"code": lang.code, "name": lang.name, "title": lang.title, "description": lang.description,
             "locale": lang.locale, "url": self.link(f"/{lang.code}/"), "absolute": self.absolute(f"/{lang.code}/"),
             "feed": self.link(f"/{lang.code}/feed.xml")}
            for lang in self.config.languages
        ]

    def sections(self, lang: str) -> tuple[TermLink, ...]:
        """The edition's sections for the masthead, in name order.

        Not by size: a fixed order is what readers expect of a masthead, and it keeps one
        article's edit from changing the navigation on every page of the site."""
        if lang not in self._sections:
            self._sections[lang] = self._edition_sections(lang)
        return self._sections[lang]

    def _edition_sections(self, lang: str) -> tuple[TermLink, ...]:
        terms = [t for (kind, code, _), t in self.index.terms.items() if kind == "section" and code == lang]
        terms.sort(key=lambda t: (t.name.casefold(), t.slug))
        return tuple(self.term_link(t) for t in terms)


def _language_name(config: Config, code: str) -> str:
    lang = config.language(code)
    if lang:
        return lang.name
    from babel import Locale

    try:
        name = Locale.parse(code).get_display_name(code)
        return name[:1].upper() + name[1:]
    except Exception:  # an unknown code on an external link still gets a readable label
        return code


# ---- the template context ---------------------------------------------------------------


def page_context(r: Renderer, page: Page) -> dict:
    config = r.config
    lang = config.language(page.lang) or config.default_language
    context = {
        "site": {"publisher": config.publisher, "base_url": config.base_url, "editions": r.editions,
                 "title": lang.title, "description": lang.description,
                 "search": r.link(f"/{lang.code}/search/") if config.search else ""},
        "lang": lang,
        "t": strings(lang.code),
        "page": {"kind": page.kind, "path": page.path, "url": r.link(page.path), "number": page.number,
                 "count": page.count, "prev": None, "next": None},
        "canonical": r.absolute(page.path),
        "alternates": [],
        "sections": r.sections(lang.code),
    }
    if page.count > 1:
        context["page"].update(_pagination(r, page))
    builder = _CONTEXT_BUILDERS.get(page.kind, _list_context)
    context.update(builder(r, page))
    return context


def _pagination(r: Renderer, page: Page) -> dict:
    base = page.path if page.number == 1 else page.path.rsplit("page/", 1)[0]

    def number_path(n: int) -> str:
        return base if n == 1 else f"{base}page/{n}/"

    return {
        "prev": r.link(number_path(page.number - 1)) if page.number > 1 else None,
        "next": r.link(number_path(page.number + 1)) if page.number < page.count else None,
    }


def _article_context(r: Renderer, page: Page) -> dict:
    article = r.article(page.key)
    alternates = [{"hreflang": article.lang, "href": article.permalink}] + [
        {"hreflang": c.lang, "href": c.absolute} for c in article.counterparts
    ]
    return {
        "article": article,
        "title": article.title,
        "alternates": alternates,
        "json_ld": news_article_json(r, article),
        "og": open_graph(r, article),
    }


def news_article_json(r: Renderer, article: ArticleView) -> dict:
    config = r.config
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "@id": article.permalink,
        "url": article.permalink,
        "mainEntityOfPage": article.permalink,
        "headline": article.title,
        "description": article.summary,
        "inLanguage": article.lang,
        "datePublished": article.posted.iso,
        "dateModified": article.modified.iso,
        "author": [
            {"@type": "Person", "name": p.name, **({"alternateName": p.local} if p.local else {}),
             **({"email": p.email} if p.email else {}), "url": p.permalink}
            for p in article.correspondents
        ],
        "publisher": {"@type": "NewsMediaOrganization", "name": config.publisher, "url": config.base_url},
    }
    if article.dateline:
        data["locationCreated"] = {"@type": "Place", "name": article.dateline.name,
                                   **({"alternateName": article.dateline.local} if article.dateline.local else {})}
    if article.section:
        data["articleSection"] = article.section.name
    if article.tags:
        data["keywords"] = [t.name for t in article.tags]
    originals, translations = _translation_roles(r, article)
    if originals:
        data["translationOfWork"] = originals
    if translations:
        data["workTranslation"] = translations
    return data


def _translation_roles(r: Renderer, article: ArticleView) -> tuple[list, list]:
    """Which counterparts are this article's original and which its translations.

    The earlier-posted article of a story is the original; on a tie (the two editions often
    post at the same minute) the site's original_language decides. External counterparts
    count as originals when they are in that language."""
    originals, translations = [], []
    original_lang = r.config.original_language
    for c in article.counterparts:
        ref = {"@type": "NewsArticle", "@id": c.absolute, "url": c.absolute, "inLanguage": c.lang}
        if c.external:
            is_original = c.lang == original_lang
        else:
            other = r.index.articles[next(s for s in r.index.counterparts[article.source]
                                          if r.index.articles[s].lang == c.lang)]
            mine = r.index.articles[article.source]
            is_original = (other.posted, other.lang != original_lang) < (mine.posted, mine.lang != original_lang)
        (originals if is_original else translations).append(ref)
    return originals, translations


def open_graph(r: Renderer, article: ArticleView) -> list[tuple[str, str]]:
    lang = r.config.language(article.lang)
    tags = [
        ("og:type", "article"), ("og:title", article.title), ("og:url", article.permalink),
        ("og:site_name", lang.title), ("og:description", article.summary), ("og:locale", lang.locale),
    ]
    for c in article.counterparts:
        other = r.config.language(c.lang)
        tags.append(("og:locale:alternate", other.locale if other else c.lang))
    tags.append(("article:published_time", article.posted.iso))
    tags.append(("article:modified_time", article.modified.iso))
    if article.section:
        tags.append(("article:section", article.section.name))
    tags.extend(("article:tag", t.name) for t in article.tags)
    return tags


def _edition_alternates(r: Renderer, suffix: str = "") -> list[dict]:
    alternates = [{"hreflang": e["code"], "href": r.absolute(f"/{e['code']}/{suffix}")} for e in r.editions]
    return alternates + [{"hreflang": "x-default", "href": r.absolute("/")}]


def _list_context(r: Renderer, page: Page) -> dict:
    t = strings(page.lang)
    context = {"articles": [r.article(s) for s in page.sources], "term": None}
    if page.kind == "home":
        context["title"] = r.config.language(page.lang).title
        context["heading"] = t["latest"]
        context["alternates"] = _edition_alternates(r) if page.number == 1 else []
    elif page.kind == "month":
        year, month = (int(x) for x in page.key.split("/"))
        context["title"] = context["heading"] = format_month(year, month, page.lang, r.config.language(page.lang).locale)
    else:
        term = r.index.terms[(page.kind, page.lang, page.key)]
        context["term"] = r.term_link(term)
        context["person"] = term.person
        context["title"] = context["heading"] = term.name
    if page.number > 1:
        context["title"] = f"{context['title']} ({t['page_of'].format(number=page.number, count=page.count)})"
    return context


def _root_context(r: Renderer, page: Page) -> dict:
    latest = {code: [r.article(s) for s in sources[:5]] for code, sources in r.index.editions.items()}
    return {"title": r.config.publisher, "latest": latest, "alternates": _edition_alternates(r)}


def _notfound_context(r: Renderer, page: Page) -> dict:
    return {"title": strings(r.config.default_language.code)["not_found_title"], "canonical": None}


def _feed_context(r: Renderer, page: Page) -> dict:
    articles = [r.article(s) for s in page.sources]
    updated = max((a.modified.value for a in articles), default=None)
    return {
        "title": r.config.language(page.lang).title,
        "articles": articles,
        "updated": updated.isoformat() if updated else "1970-01-01T00:00:00+00:00",
        "feed_url": r.absolute(page.path),
        "home_url": r.absolute(f"/{page.lang}/"),
    }


def _sitemap_context(r: Renderer, page: Page) -> dict:
    entries = []
    for p in r.index.pages:
        if p.kind in ("feed", "sitemap", "robots", "notfound", "search"):  # search pages are noindex
            continue
        entry = {"loc": r.absolute(p.path), "lastmod": None, "alternates": []}
        if p.kind == "article":
            a = r.article(p.key)
            entry["lastmod"] = a.modified.iso
            if a.counterparts:
                entry["alternates"] = [{"hreflang": a.lang, "href": a.permalink}] + [
                    {"hreflang": c.lang, "href": c.absolute} for c in a.counterparts]
        elif p.kind in ("home", "root") and p.number == 1:
            entry["alternates"] = _edition_alternates(r)
        entries.append(entry)
    return {"entries": entries}


def _robots_context(r: Renderer, page: Page) -> dict:
    return {"sitemap_url": r.absolute("/sitemap.xml")}


def _search_context(r: Renderer, page: Page) -> dict:
    """The search page: the edition's Pagefind bundle (dateline.search writes it) and the UI's strings."""
    t = strings(page.lang)
    return {
        "title": t["search"],
        "search": {"lang": page.lang, "bundle": r.link(f"/{page.lang}/pagefind/pagefind.js"), "strings": t["search_ui"]},
    }


def _correspondent_context(r: Renderer, page: Page) -> dict:
    return _list_context(r, page)


_CONTEXT_BUILDERS = {
    "article": _article_context,
    "root": _root_context,
    "notfound": _notfound_context,
    "feed": _feed_context,
    "sitemap": _sitemap_context,
    "robots": _robots_context,
    "correspondent": _correspondent_context,
    "search": _search_context,
}
