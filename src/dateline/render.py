"""Stage 5: turn one Page of the index into bytes, through the Jinja templates.

The template context is built by `page_context` alone; rendering is a pure function of the
page, the index and the rendered article bodies, so pages can be rendered in any order or
process, and skipped when their inputs have not changed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import json
from collections.abc import Callable, Hashable, Iterable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

import jinja2
import jinja2.compiler
import jinja2.ext
from jinja2 import nodes
from markupsafe import Markup, escape

from dateline import images
from dateline.bodies import HANGUL, figure_html, first_paragraph_text, render_markdown
from dateline.characters import INVALID_CHARACTERS, has_invalid_characters
from dateline.config import THEME_DIR, Config, Language, ShareImage
from dateline.content import Article, Correction
from dateline.errors import BuildFailed, ContentError
from dateline.i18n import format_month, strings
from dateline.index import Page, PageKind, SiteIndex, Term, sitemap_part, sitemap_path
from dateline.typography import smarten
from dateline.views import (
    ArticleView,
    CorrectionView,
    Counterpart,
    ImageLink,
    LeadPhoto,
    Moment,
    Record,
    TermLink,
    absolute_link,
    site_link,
)

ROOT_LATEST = 5  # the latest articles of each edition on the edition chooser at /
# JSON-LD type per article kind; the rest are NewsArticle.
NEWS_TYPES = {"analysis": "AnalysisNewsArticle", "opinion": "OpinionNewsArticle", "editorial": "OpinionNewsArticle",
              "review": "ReviewNewsArticle"}
# The templates each kind of page tries, in order: a site's templates/ may override any of them.
TEMPLATE_FOR: dict[PageKind, list[str]] = {
    PageKind.ARTICLE: ["article.html"],
    PageKind.CORRESPONDENT: ["correspondent.html", "list.html"],
    PageKind.ROOT: ["root.html"],
    PageKind.NOTFOUND: ["404.html"],
    PageKind.FEED: ["feed.xml"],
    PageKind.SITEMAP: ["sitemap.xml"],
    PageKind.SITEMAP_INDEX: ["sitemap-index.xml"],
    PageKind.ROBOTS: ["robots.txt"],
    PageKind.NOTICE: ["notice.html"],
    PageKind.REDIRECT: ["redirect.html"],
    PageKind.REDIRECTS: ["_redirects.txt"],
    PageKind.CORRECTIONS: ["corrections.html"],
    PageKind.NEWS_SITEMAP: ["sitemap-news.xml"],
    PageKind.SEARCH: ["search.html"],
    PageKind.ARCHIVE: ["archive.html"],
    **{kind: [f"{kind}.html", "list.html"]
       for kind in (PageKind.HOME, PageKind.SECTION, PageKind.TAG, PageKind.DATELINE, PageKind.MONTH)},
}


def make_environment(config: Config, sources: Mapping[str, tuple[str, str | None]] | None = None) -> jinja2.Environment:
    """Site templates first, the default theme behind them; or, on another machine, the templates
    as `template_sources` read them here (name -> (text, file name))."""
    loader = SourcesLoader(sources) if sources is not None else jinja2.ChoiceLoader([
        jinja2.FileSystemLoader(str(config.templates_dir)),
        jinja2.FileSystemLoader(str(THEME_DIR / "templates")),
    ])
    env = TemplateEnvironment(
        loader=loader,
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # The last line of defence for feeds and sitemaps (loading already dropped them).
        finalize=printable,
        extensions=[FragmentCache],
    )
    env.filters["json_script"] = json_for_script
    # Atom's type="html" content is HTML carried as escaped text.
    env.filters["as_text"] = lambda markup: str.__str__(str(markup))
    env.globals["strings"] = template_strings
    env.globals["url"] = lambda path: site_link(config, path)
    env.globals["absolute_url"] = lambda path: absolute_link(config, path)
    return env


@cache
def template_strings(lang: str) -> Record:
    """i18n.strings(lang) as templates see it (`t`, `strings("ko")`): read by attribute (views.Record)."""
    return Record.deep(strings(lang))


def printable(value: object) -> object:
    """What a template prints, without characters XML or HTML cannot carry (characters.py).

    Called for every value a template prints: str.isprintable() (in C) clears almost all of them
    at once, and every character characters.py drops is one it calls unprintable."""
    if isinstance(value, str) and not value.isprintable() and has_invalid_characters(value):
        cleaned = INVALID_CHARACTERS.sub("", value)
        return Markup(cleaned) if isinstance(value, Markup) else cleaned
    return value


try:  # markupsafe 3: escape() is this, its result made a Markup
    from markupsafe import _escape_inner as _escaped_text
except ImportError:  # markupsafe 2
    def _escaped_text(text: str) -> str:
        return str.__str__(escape(text))


def print_html(value: object) -> str:
    """`{{ value }}` in an HTML or XML template: escape(printable(value)), as the page's text.

    Jinja prints a value as escape(finalize(value)): two calls and a Markup made of every value
    (a hundred and more on a page), only for the page to join them into one str. Plain strings,
    Markup and integers take a shorter road to the same text; anything else (an object with
    __html__, an undefined name) the road Jinja takes."""
    kind = type(value)
    if kind is str:
        if not value.isprintable() and has_invalid_characters(value):
            value = INVALID_CHARACTERS.sub("", value)
        return _escaped_text(value)
    if kind is Markup:
        if not value.isprintable() and has_invalid_characters(value):
            return INVALID_CHARACTERS.sub("", value)
        return value
    if kind is int:
        return int.__repr__(value)
    return escape(printable(value))


class _TemplateCode(jinja2.compiler.CodeGenerator):
    """Jinja's code generator, with every `{{ value }}` of an autoescaped template compiled to
    `environment.print_html(value)` instead of `escape(environment.finalize(value))`."""

    def _prints_html(self, frame: jinja2.compiler.Frame, finalize) -> bool:
        return (frame.eval_ctx.autoescape is True and not frame.eval_ctx.volatile
                and self.environment.finalize is printable and finalize.src == "environment.finalize(")

    def _output_child_pre(self, node: nodes.Expr, frame: jinja2.compiler.Frame, finalize) -> None:
        if self._prints_html(frame, finalize):
            self.write("environment.print_html(")
        else:
            super()._output_child_pre(node, frame, finalize)

    def _output_child_post(self, node: nodes.Expr, frame: jinja2.compiler.Frame, finalize) -> None:
        if self._prints_html(frame, finalize):
            self.write(")")
        else:
            super()._output_child_post(node, frame, finalize)


class TemplateEnvironment(jinja2.Environment):
    """The templates' environment: Jinja's, printing values through `print_html`."""

    code_generator_class = _TemplateCode

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.print_html = print_html  # an instance attribute: the compiled code finds it first


_compiled_tags = itertools.count()
# The fragments of the build being rendered (Renderer.render sets it): one store per Renderer, so
# no fragment outlives the build (and the index) it was rendered from, whatever env renders it.
_FRAGMENTS: ContextVar[dict | None] = ContextVar("dateline_fragments", default=None)


class FragmentCache(jinja2.ext.Extension):
    """`{% cache a, b, ... %}...{% endcache %}`: the enclosed output is rendered once per build for
    each distinct key and reused, for what many pages print the same (the masthead's sections, the
    footer, an article's card on every list that shows it).

    The key must name everything the fragment prints. Strings and numbers count by value; anything
    else (an article, the sections, a strings table) by identity, which a build's Renderer keeps
    stable (one view per article, one sections tuple per edition), and the store keeps each alive
    so that no identity is reused while it names a fragment. Each tag, each time its template is
    compiled, has keys of its own: a template reloaded mid-build does not reuse the old one's output.
    Outside a Renderer's render (no store), the fragment is simply rendered."""

    tags = {"cache"}

    def parse(self, parser: jinja2.parser.Parser) -> nodes.Node:
        lineno = next(parser.stream).lineno
        key = parser.parse_tuple()
        parts = key.items if isinstance(key, nodes.Tuple) else [key]
        body = parser.parse_statements(("name:endcache",), drop_needle=True)
        where = nodes.Const(f"{parser.name}:{lineno}:{next(_compiled_tags)}")
        call = self.call_method("_fragment", [where, nodes.Tuple(parts, "load")])
        return nodes.CallBlock(call, [], [], body).set_lineno(lineno)

    @staticmethod
    def _fragment(where: str, parts: tuple, caller: Callable[[], str]) -> str:
        store = _FRAGMENTS.get()
        if store is None:
            return caller()
        key = (where, *map(_key_part, parts))
        found = store.get(key)
        if found is None:
            found = store[key] = (caller(), parts)  # parts: alive as long as their ids are in a key
        return found[0]


_BY_VALUE = (str, int, float, type(None))


def _key_part(value: object) -> Hashable:
    # Anything but a plain value counts by identity: hashing a tuple of terms on every page would
    # cost much of what the fragment saves, and an article view cannot be hashed at all.
    return value if isinstance(value, _BY_VALUE) else ("id", id(value))


class SourcesLoader(jinja2.BaseLoader):
    """Templates read on another machine. Each keeps its file name, so an error names the same
    template file and line as it would here."""

    def __init__(self, sources: Mapping[str, tuple[str, str | None]]):
        self.sources = sources

    def get_source(self, environment: jinja2.Environment, name: str) -> tuple[str, str | None, Callable[[], bool]]:
        if name not in self.sources:
            raise jinja2.TemplateNotFound(name)
        text, filename = self.sources[name]
        return text, filename, lambda: True

    def list_templates(self) -> list[str]:
        return sorted(self.sources)


def template_sources(env: jinja2.Environment) -> dict[str, tuple[str, str | None]]:
    """Every template `env` can load, by name, as it would load it (a site's template over the
    theme's): what a build on other machines renders with."""
    sources = {}
    for name in env.list_templates():
        try:
            text, filename, _ = env.loader.get_source(env, name)
        except (UnicodeDecodeError, jinja2.TemplateNotFound):  # not a template (an image beside them)
            continue
        sources[name] = (text, filename)
    return sources


def json_for_script(value: object) -> Markup:
    """JSON safe inside <script>: no '<', '>' or '&' survives, so '</script>' cannot end it."""
    try:
        text = _indented_json(value, "\n")
    except _NotPlain:
        text = json.dumps(value, ensure_ascii=False, sort_keys=False, indent=2)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


class _NotPlain(Exception):
    """A value _indented_json leaves to json.dumps (a float, a key that is not a string, ...)."""


_json_string = json.encoder.encode_basestring  # the C encoder's, as json.dumps(ensure_ascii=False) uses


def _indented_json(value: object, newline: str) -> str:
    """json.dumps(value, ensure_ascii=False, indent=2), byte for byte, for strings, integers, booleans,
    None, lists, tuples and dicts with string keys (all JSON-LD holds): several times faster, since
    json.dumps cannot use its C encoder when it indents."""
    if isinstance(value, str):
        return _json_string(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    inner = newline + "  "
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        return "[" + inner + ("," + inner).join([_indented_json(v, inner) for v in value]) + newline + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        if not all(type(k) is str for k in value):
            raise _NotPlain
        return ("{" + inner + ("," + inner).join([_json_string(k) + ": " + _indented_json(v, inner) for k, v in value.items()])
                + newline + "}")
    raise _NotPlain


def template_error(config: Config, exc: BaseException, page: Page | None = None) -> ContentError:
    """Name the template file and line of a Jinja error, wherever in the chain it happened, and
    the page (and article) being rendered."""
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
    rendering = ""
    if page is not None:
        rendering = f" (rendering {page.key})" if page.kind == PageKind.ARTICLE else f" (rendering {page.path})"
    return ContentError(shown, line or 1, f"template error: {type(exc).__name__}: {message}{rendering}")


class LazyHTML:
    """An article body, read from the body store only when a template prints it."""

    __slots__ = ("bodies", "source")

    def __init__(self, bodies: Mapping[str, str], source: str):
        self.bodies, self.source = bodies, source

    def __html__(self) -> str:
        return self.bodies.get(self.source, "")

    def __str__(self) -> str:
        return self.__html__()


# Article views (and the fragments that name them) a Renderer keeps before it starts over. Pages
# render in render_order, so a view is used again by pages near the one that made it. Counted over
# the shared corpora's render order (each worker's chunks, lives of PAGES_PER_WORKER_LIFE pages),
# views made an article: at 10,000 stories (14,923 articles) 2.2 whatever the bound; at 100,000
# 3.5 keeping 2,000, 3.1 keeping 4,000 and 2.3 keeping 10,000 or more, where a worker's life ends
# before it makes this many. A renderer that lives longer (one process, the dev server) keeps this
# many views and their cards at most.
KEPT_VIEWS = 20_000
NOTHING_SHOWN = dt.datetime.min.replace(tzinfo=dt.UTC)  # before any article (posted is aware)


def render_order(index: SiteIndex, pages: Iterable[Page]) -> list[Page]:
    """`pages` in the order that makes the fewest article views: by the oldest article each shows
    (by its month, for a sitemap part; pages that show none first), so a worker's run of pages
    shows articles of a few weeks whatever list they are in. Path order put an article's month, its
    terms' pages and the home pages far apart: counted as under KEPT_VIEWS, it made 3.7 views an
    article at 10,000 stories and 8.5 at 100,000 (4,000 kept), where this order makes 2.2 and 2.3.
    Lists are newest first (months oldest first): their first and last articles bound the rest."""
    articles, by_path = index.articles, index.pages_by_path

    def oldest_shown(page: Page) -> dt.datetime:
        shown = page.sources
        if page.kind == PageKind.SITEMAP:  # a month's part lists the month's page, then its articles
            listed = (by_path.get(path) for path in shown[:2])
            shown = tuple(p.key for p in listed if p is not None and p.kind == PageKind.ARTICLE)[:1]
        elif page.kind == PageKind.ARTICLE:
            shown = (page.key,)
        times = [articles[s].posted for s in (shown[:1] + shown[-1:]) if s in articles]
        return min(times) if times else NOTHING_SHOWN

    return sorted(pages, key=oldest_shown)


class Renderer:
    def __init__(self, index: SiteIndex, bodies: Mapping[str, str], summaries: Mapping[str, str] | None = None,
                 earlier_views: Mapping[str, ArticleView] | None = None):
        self.index = index
        self.config = index.config
        self.bodies = bodies  # source -> body HTML
        self.summaries = summaries  # source -> first-paragraph summary, when known without the body
        # source -> the view an earlier Renderer made of an article whose view_key has not moved since
        self.earlier_views = earlier_views or {}
        self.env = make_environment(self.config)
        self._views: dict[str, ArticleView] = {}
        self._sections: dict[str, tuple[TermLink, ...]] = {}
        self._site: dict[str, Record] = {}
        self._term_links: dict[tuple[str, str, str], TermLink] = {}
        self._fragments: dict = {}  # FragmentCache's store: this build's {% cache %} output
        # Each kind's template, chosen once per build: select_template asks the loader whether each
        # candidate changed on disk (a stat per file) every time, and the build's template keys were
        # computed from the files as they were before it started.
        self._templates: dict[str, jinja2.Template] = {}

    def render(self, page: Page) -> bytes:
        """The page's bytes; whatever a template raises ({{ 1 / 0 }} too) becomes BuildFailed
        naming the template and line, and the page."""
        if len(self._views) > KEPT_VIEWS:
            # A 100,000-story archive would otherwise keep a view and a card of every article in
            # every worker: start over between pages (the fragments name views by identity).
            self._views.clear()
            self._fragments.clear()
        fragments = _FRAGMENTS.set(self._fragments)
        try:
            template = self._templates.get(page.kind)
            if template is None:
                template = self._templates[page.kind] = self.env.select_template(TEMPLATE_FOR[page.kind])
            return template.render(page_context(self, page)).encode("utf-8")
        except Exception as exc:  # noqa: BLE001 - every template failure is the user's to read, not a traceback
            raise BuildFailed([template_error(self.config, exc, page)]) from None
        finally:
            _FRAGMENTS.reset(fragments)

    def page_at(self, path: str) -> Page:
        return self.index.pages_by_path[path]

    # ---- views, cached per renderer: the index does not change under it ----

    def link(self, path: str) -> str:
        return site_link(self.config, path)

    def absolute(self, path: str) -> str:
        return absolute_link(self.config, path)

    def term_link(self, term: Term) -> TermLink:
        """One TermLink per term and build: every article and list showing the term shares it."""
        key = (term.kind, term.lang, term.slug)  # as index.terms knows it
        link = self._term_links.get(key)
        if link is None:
            link = self._term_links[key] = self._make_term_link(term)
        return link

    def _make_term_link(self, term: Term) -> TermLink:
        person = term.person
        path = f"/{term.lang}/{term.kind}/{term.slug}/"
        return TermLink(
            kind=term.kind, slug=term.slug, name=term.name, url=self.link(path), permalink=self.absolute(path),
            local=term.other_name,
            email=person.email if person else "",
            role=person.role if person else "",
        )

    def article_views(self, sources: Iterable[str]) -> list[ArticleView]:
        """The views of a list's articles. The summaries of those not made yet are asked for
        together where the summaries can be (from the body store: a query for the list, not one
        an article)."""
        sources = list(sources)
        read_ahead = getattr(self.summaries, "read_ahead", None)
        if read_ahead is not None:
            missing = [s for s in sources if s not in self._views and s not in self.earlier_views]
            if len(missing) > 1:
                read_ahead(missing)
        return [self.article(s) for s in sources]

    def article(self, source: str) -> ArticleView:
        view = self._views.get(source)
        if view is None:
            view = self._views[source] = self.earlier_views.get(source) or self.make_view(source)
        return view

    def views(self) -> dict[str, ArticleView]:
        """The views this Renderer has made or taken from earlier_views (the latest, when it has
        made more than it keeps: KEPT_VIEWS), by source."""
        return self._views

    def make_view(self, source: str) -> ArticleView:
        index, config = self.index, self.config
        a = index.articles[source]
        sections = index.article_terms(source, "section")
        datelines = index.article_terms(source, "dateline")
        posted, updated, corrected, modified = article_moments(a, config.language(a.lang))
        corrections = tuple(_correction_view(c, at) for c, at in reversed(tuple(zip(a.corrections, corrected, strict=True))))
        return ArticleView(
            source=source, lang=a.lang, title=smarten(a.title, ""),
            url=self.link(index.urls[source]), permalink=self.absolute(index.urls[source]),
            posted=posted, updated=updated,
            summary=a.summary or self._summary(source), body=LazyHTML(self.bodies, source),
            section=self.term_link(sections[0]) if sections else None,
            tags=tuple(self.term_link(t) for t in index.article_terms(source, "tag")),
            dateline=self.term_link(datelines[0]) if datelines else None,
            correspondents=tuple(self.term_link(t) for t in index.correspondent_terms(source)),
            counterparts=self.counterparts(source), source_url=a.source_url, draft=a.draft,
            extra=a.extra, kind=a.kind, kind_label=strings(a.lang)["kinds"].get(a.kind, ""),
            corrections=corrections, modified=modified, image=self.lead_photo(source),
        )

    def _summary(self, source: str) -> str:
        if self.summaries is not None and source in self.summaries:
            return self.summaries[source]
        return first_paragraph_text(self.bodies.get(source, ""))

    def lead_photo(self, source: str) -> LeadPhoto | None:
        # Planned (and checked) when the body was converted; here the plan comes from the probe memo.
        photo = images.plan_article_images(self.config, self.index.articles[source]).lead
        if photo is None:
            return None

        def link(rendition: images.Rendition) -> ImageLink:
            return ImageLink(self.absolute("/" + rendition.path), rendition.width, rendition.height)

        return LeadPhoto(figure=figure_html(photo, photo.caption, photo.credit, lead=True), alt=photo.alt,
                         caption=photo.caption, credit=photo.credit, og=link(photo.default()),
                         crops=tuple(link(c) for c in photo.crops))

    def counterparts(self, source: str) -> tuple[Counterpart, ...]:
        index, config = self.index, self.config
        return tuple(
            Counterpart(lang, _language_name(config, lang), self.link(index.urls[other]), url,
                        smarten(index.articles[other].title, ""))
            if other else Counterpart(lang, _language_name(config, lang), url, url, external=True)
            for lang, other, url in self.other_versions(source))

    def other_versions(self, source: str) -> list[tuple[str, str | None, str]]:
        """(language, the version's source or None when it is outside the site, absolute URL) of
        each other-language version of an article, in language order: the other articles of its
        story, and the translations it names that the site does not have."""
        index = self.index
        ours = [(index.articles[other].lang, other, self.absolute(index.urls[other])) for other in index.counterparts[source]]
        have = {lang for lang, _, _ in ours}
        external = [(lang, None, url) for lang, url in index.articles[source].translations if lang not in have]
        return sorted(ours + external, key=lambda version: version[0])

    def modified(self, source: str) -> Moment:
        """The article's latest time, as its view has it, without making the whole view."""
        view = self._views.get(source) or self.earlier_views.get(source)
        if view is not None:
            return view.modified
        article = self.index.articles[source]
        return article_moments(article, self.config.language(article.lang))[3]

    def share_image(self, lang: str) -> dict:
        """The edition's share image (else the site's), as og:image and twitter:image print it."""
        language = self.config.language(lang) or self.config.default_language
        image: ShareImage = language.share_image or self.config.share_image
        return {"url": self.absolute(image.path), "width": image.width, "height": image.height,
                "type": image.media_type, "alt": image.alt or language.title}

    @cached_property
    def editions(self) -> list[dict]:
        return [
            Record(code=lang.code, name=lang.name, title=lang.title, description=lang.description, locale=lang.locale,
                   url=self.link(f"/{lang.code}/"), absolute=self.absolute(f"/{lang.code}/"),
                   feed=self.link(f"/{lang.code}/feed.xml"))
            for lang in self.config.languages
        ]

    def site(self, lang: Language) -> Record:
        """`site` of the edition's pages: one per edition, so fragments keyed on it match."""
        if lang.code not in self._site:
            config = self.config
            self._site[lang.code] = Record(
                publisher=config.publisher, base_url=config.base_url, editions=self.editions, title=lang.title,
                description=lang.description, search=self.link(f"/{lang.code}/search/") if config.search else "")
        return self._site[lang.code]

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


def article_moments(a: Article, language: Language) -> tuple[Moment, Moment | None, tuple[Moment, ...], Moment]:
    """(posted, updated, each correction's time, the latest of them) as the article's edition
    prints them: babel's formatting is a good part of an article view's cost, so each is made once."""
    locale, style = language.locale, language.date_style
    posted, updated = Moment.of(a.posted, a.lang, locale, style), Moment.of(a.updated, a.lang, locale, style)
    if updated and updated.text == posted.text:
        updated = None  # "Updated" the same minute as "Posted" tells a reader nothing
    corrected = tuple(Moment.of(c.at, a.lang, locale, style) for c in a.corrections)
    modified = max([posted] + ([updated] if updated else []) + list(corrected), key=lambda m: m.value)
    return posted, updated, corrected, modified


def _correction_view(correction: Correction, at: Moment) -> CorrectionView:
    html = Markup(render_markdown(correction.text))
    return CorrectionView(at, html, " ".join(html.striptags().split()))


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
    pagination = _pagination(r, page) if page.count > 1 else {"prev": None, "next": None}
    context = {
        "site": r.site(lang),
        "lang": lang,
        "t": template_strings(lang.code),
        "page": Record(kind=page.kind, path=page.path, url=r.link(page.path), number=page.number, count=page.count,
                       **pagination),
        "canonical": r.absolute(page.path),
        "alternates": [],
        "sections": r.sections(lang.code),
        "edition_links": {},  # edition code -> the same page there, where it has one (else its home)
        "logo": r.link(config.logo),
        "share_image": r.share_image(lang.code),  # what a share card shows when the page has no photo
        "description": lang.description,  # meta description and og:description; lists say what they list
        "page_json_ld": None,  # a non-article page's JSON-LD
    }
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
    alternates = [Record(hreflang=article.lang, href=article.permalink)] + [
        Record(hreflang=c.lang, href=c.absolute) for c in article.counterparts
    ]
    json_ld = news_article_json(r, article)
    context = {
        "article": article,
        "title": article.title,
        "description": article.summary,
        "alternates": alternates,
        "json_ld": json_ld,
        "og": open_graph(r, article),
        "provenance": _provenance(r, article, json_ld),
    }
    if article.image:  # the card shows the story's photo, at the size og:image declares
        og = article.image.og
        context["share_image"] = {"url": og.url, "width": og.width, "height": og.height, "type": "", "alt": article.image.alt}
    return context


def _provenance(r: Renderer, article: ArticleView, json_ld: dict) -> str:
    """"Translated from the Korean original", or on an original "translated into English":
    the same roles as the JSON-LD's translationOfWork and workTranslation."""
    t = strings(article.lang)
    names = {c.lang: _language_name_in(c.lang, article.lang) for c in article.counterparts}
    if json_ld.get("translationOfWork"):
        return t["translated_from"].format(language=names[json_ld["translationOfWork"][0]["inLanguage"]])
    if json_ld.get("workTranslation"):
        return t["translated_into"].format(language=", ".join(names[w["inLanguage"]] for w in json_ld["workTranslation"]))
    return ""


@cache  # babel parses the locale every time
def _language_name_in(code: str, reader: str) -> str:
    """A language's name in the reader's language: "Korean" on an English page, "영어" on a Korean one."""
    from babel import Locale

    try:
        return Locale.parse(code).get_display_name(reader) or code
    except Exception:  # an unknown code still reads as itself
        return code


def news_article_json(r: Renderer, article: ArticleView) -> dict:
    config = r.config
    data = {
        "@context": "https://schema.org",
        "@type": NEWS_TYPES.get(article.kind, "NewsArticle"),
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
        "publisher": _organization_json(r),
    }
    if article.image:
        # Google's article guidance: several aspect ratios (16:9, 4:3, 1:1), each of at least 50,000 pixels.
        data["image"] = [{"@type": "ImageObject", "url": c.url, "width": c.width, "height": c.height,
                          **({"caption": article.image.caption} if article.image.caption else {}),
                          **({"creditText": article.image.credit} if article.image.credit else {})}
                         for c in article.image.crops]
    else:
        share = r.share_image(article.lang)
        data["image"] = {"@type": "ImageObject", "url": share["url"], "width": share["width"], "height": share["height"]}
    if not article.correspondents and article.kind == "editorial":
        board = strings(article.lang)["editorial_board"]
        data["author"] = {"@type": "Organization", "name": board,
                          "parentOrganization": {"@type": "NewsMediaOrganization", "name": config.publisher}}
    if article.dateline:
        data["locationCreated"] = {"@type": "Place", "name": article.dateline.name,
                                   **({"alternateName": article.dateline.local} if article.dateline.local else {})}
    if article.section:
        data["articleSection"] = article.section.name
    if article.tags:
        data["keywords"] = [t.name for t in article.tags]
    if article.corrections:
        data["correction"] = [{"@type": "CorrectionComment", "datePublished": c.at.iso, "text": c.text}
                              for c in article.corrections]
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
    if article.image:
        og = article.image.og
        tags += [("og:image", og.url), ("og:image:width", str(og.width)), ("og:image:height", str(og.height)),
                 ("og:image:alt", article.image.alt)]
    else:  # a story without a photo still shares with a picture: the edition's
        share = r.share_image(article.lang)
        tags += [("og:image", share["url"]), ("og:image:type", share["type"]), ("og:image:width", str(share["width"])),
                 ("og:image:height", str(share["height"])), ("og:image:alt", share["alt"])]
    tags.append(("article:published_time", article.posted.iso))
    tags.append(("article:modified_time", article.modified.iso))
    if article.section:
        tags.append(("article:section", article.section.name))
    tags.extend(("article:tag", t.name) for t in article.tags)
    return tags


def _edition_alternates(r: Renderer, suffix: str = "") -> list[dict]:
    alternates = [Record(hreflang=e["code"], href=r.absolute(f"/{e['code']}/{suffix}")) for e in r.editions]
    return alternates + [Record(hreflang="x-default", href=r.absolute("/"))]


def list_name(page: Page) -> str:
    """A page's path without its edition and page number ("/en/tag/ai/page/2/" -> "tag/ai/"): the
    same list in every edition has the same name."""
    rest = page.path.split("/", 2)[2] if page.path.count("/") > 1 else page.path
    return rest.rsplit("page/", 1)[0] if page.number > 1 else rest


def counterpart_paths(index: SiteIndex, page: Page) -> dict[str, str]:
    """Edition code -> the first page of this list in that edition (this page's own edition
    included), for the lists that exist there: the same person, place, section, tag or month."""
    pages = index.pages_by_path
    rest = list_name(page)
    found = {}
    for lang in index.config.languages:
        path = f"/{lang.code}/{rest}"
        if path in pages:
            found[lang.code] = path
    return found


def _list_context(r: Renderer, page: Page) -> dict:
    t = strings(page.lang)
    context = {"articles": r.article_views(page.sources), "term": None}
    if page.kind == "home":
        context["title"] = r.config.language(page.lang).title
        context["heading"] = t["latest"]
        context["alternates"] = _edition_alternates(r) if page.number == 1 else []
        context["page_json_ld"] = _home_json(r, page)
    else:
        edition = r.config.language(page.lang).title
        if page.kind == "month":
            year, month = (int(x) for x in page.key.split("/"))
            context["title"] = context["heading"] = format_month(year, month, page.lang, r.config.language(page.lang).locale)
            context["description"] = t["describe"]["month"].format(month=context["title"], title=edition)
        else:
            term = r.index.terms[(page.kind, page.lang, page.key)]
            context["term"] = r.term_link(term)
            context["person"] = term.person
            context["title"] = context["heading"] = term.name
            context["description"] = _term_description(context["term"], term.person, page.lang, edition)
        paths = counterpart_paths(r.index, page)
        context["edition_links"] = {code: r.link(path) for code, path in paths.items()}
        if len(paths) > 1 and page.number == 1:
            context["alternates"] = [Record(hreflang=code, href=r.absolute(path)) for code, path in paths.items()]
        context["page_json_ld"] = _collection_json(r, page, context)
    if page.number > 1:
        context["title"] = f"{context['title']} ({t['page_of'].format(number=page.number, count=page.count)})"
    return context


def role_title(term: TermLink, lang: str) -> str:
    """A correspondent's role in the page's language ("Correspondent", "특파원"), else the edition's default."""
    t = strings(lang)
    return t["roles"].get(term.role, term.role) if term.role else t["default_role"]


def _term_description(term: TermLink, person, lang: str, edition: str) -> str:
    """What a section, tag, dateline or correspondent page lists, in the page's language: its meta
    description, og:description and JSON-LD description."""
    describe = strings(lang)["describe"]
    text = describe[term.kind].format(name=term.name, title=edition, role=role_title(term, lang))
    bio = person.bio if person is not None else ""
    # staff.toml has one bio, in whichever language the desk wrote it: shown where it reads.
    if bio and (HANGUL.search(bio) is not None) == (lang == "ko"):
        text = f"{text} {bio}"
    return text


def _organization_json(r: Renderer) -> dict:
    config = r.config
    return {"@type": "NewsMediaOrganization", "@id": config.base_url + "#publisher", "name": config.publisher,
            "url": config.base_url, "logo": {"@type": "ImageObject", "url": r.absolute(config.logo)}}


def _website_ref(r: Renderer, lang: str) -> dict:
    return {"@type": "WebSite", "@id": r.absolute(f"/{lang}/") + "#website", "url": r.absolute(f"/{lang}/"),
            "name": r.config.language(lang).title, "inLanguage": lang}


def _home_json(r: Renderer, page: Page) -> dict:
    website = {**_website_ref(r, page.lang), "description": r.config.language(page.lang).description,
               "publisher": {"@id": r.config.base_url + "#publisher"}}
    return {"@context": "https://schema.org", "@graph": [website, _organization_json(r)]}


def _collection_json(r: Renderer, page: Page, context: dict) -> dict:
    url = r.absolute(page.path)
    data = {"@context": "https://schema.org", "@type": "CollectionPage", "@id": url, "url": url,
            "name": context["heading"], "description": context["description"], "inLanguage": page.lang,
            "isPartOf": _website_ref(r, page.lang), "publisher": _organization_json(r)}
    if page.kind == PageKind.CORRESPONDENT:
        term, person = context["term"], context["person"]
        entity = {"@type": "Person", "@id": term.permalink + "#person", "name": term.name, "url": term.permalink,
                  "jobTitle": role_title(term, page.lang),
                  "worksFor": {"@id": r.config.base_url + "#publisher"}}
        if term.local and term.local != term.name:
            entity["alternateName"] = term.local
        if term.email:
            entity["email"] = term.email
        if person is not None and person.bio:
            entity["description"] = person.bio
        data.update({"@type": "ProfilePage", "mainEntity": entity})
    return data


def _root_context(r: Renderer, page: Page) -> dict:
    latest = {code: r.article_views(sources[:ROOT_LATEST]) for code, sources in r.index.editions.items()}
    organization = _organization_json(r)
    return {"title": r.config.publisher, "latest": latest, "alternates": _edition_alternates(r),
            "page_json_ld": {"@context": "https://schema.org",
                             "@graph": [{"@type": "WebSite", "@id": r.config.base_url + "#website", "url": r.config.base_url,
                                         "name": r.config.publisher, "publisher": {"@id": organization["@id"]}},
                                        organization]}}


def _notfound_context(r: Renderer, page: Page) -> dict:
    return {"title": strings(r.config.default_language.code)["not_found_title"], "canonical": None}


def _feed_context(r: Renderer, page: Page) -> dict:
    articles = r.article_views(page.sources)
    updated = max((a.modified.value for a in articles), default=None)
    return {
        "title": r.config.language(page.lang).title,
        "articles": articles,
        "updated": updated.isoformat() if updated else "1970-01-01T00:00:00+00:00",
        "feed_url": r.absolute(page.path),
        "home_url": r.absolute(f"/{page.lang}/"),
    }


def _sitemap_context(r: Renderer, page: Page) -> dict:
    """One part of the sitemap: the pages named in page.sources, with alternates for story pairs.
    No article view is made for it (one made already is used: Renderer.modified): a part lists a
    month of articles, and a view costs many times what an entry needs."""
    entries = []
    for p in (r.page_at(path) for path in page.sources):
        lastmod, alternates = None, []
        if p.kind == PageKind.ARTICLE:
            lastmod = r.modified(p.key).iso
            versions = r.other_versions(p.key)
            if versions:
                alternates = [Record(hreflang=p.lang, href=r.absolute(p.path))] + [
                    Record(hreflang=lang, href=url) for lang, _, url in versions]
        elif p.kind in (PageKind.HOME, PageKind.ROOT) and p.number == 1:
            alternates = _edition_alternates(r)
        entries.append(Record(loc=r.absolute(p.path), lastmod=lastmod, alternates=alternates))
    return {"entries": entries}


def _sitemap_index_context(r: Renderer, page: Page) -> dict:
    return {"sitemaps": [r.absolute(path) for path in page.sources]}


def _robots_context(r: Renderer, page: Page) -> dict:
    return {"sitemap_url": r.absolute("/sitemap.xml"), "news_sitemap_url": r.absolute("/sitemap-news.xml")}


# ---- the clock's pages: notices, redirects, corrections, the news sitemap ---------------


def _notice_context(r: Renderer, page: Page) -> dict:
    """A withdrawn or expired article's URL: its headline and why, in the edition's language."""
    notice = r.index.notices[page.key]
    t = strings(page.lang)
    takedown = notice.takedown
    reason = takedown.reason or (t["expired_reason"] if takedown.expired else t["withdrawn_reason"])
    language = r.config.language(page.lang)
    return {"title": notice.article.title, "headline": notice.article.title, "reason": reason,
            "expired": takedown.expired, "when": Moment.of(takedown.at, page.lang, language.locale, language.date_style),
            "robots": "noindex"}


def _redirect_context(r: Renderer, page: Page) -> dict:
    target = r.index.redirects[page.path]
    return {"title": r.absolute(target), "canonical": r.absolute(target), "target": r.link(target),
            "target_absolute": r.absolute(target), "robots": "noindex"}


def _redirects_context(r: Renderer, page: Page) -> dict:
    """Lines of /_redirects: `/old/path/ /new/path/ 301`, both with the base URL's path."""
    return {"redirects": [(r.link(alias), r.link(target)) for alias, target in r.index.redirects.items()]}


def _corrections_context(r: Renderer, page: Page) -> dict:
    entries = [(correction, r.article(source)) for source in page.sources for correction in r.article(source).corrections]
    entries.sort(key=lambda e: (-e[0].at.value.timestamp(), e[1].source))
    t = strings(page.lang)
    return {"title": t["corrections"], "heading": t["corrections"], "entries": entries, "description": t["corrections_intro"],
            "alternates": _edition_alternates(r, "corrections/")}


def _news_sitemap_context(r: Renderer, page: Page) -> dict:
    entries = []
    for source in page.sources:
        article = r.article(source)
        lang = r.config.language(article.lang)
        entries.append(Record(loc=article.permalink, name=lang.title, language=article.lang, date=article.posted.iso,
                              title=article.title))
    return {"entries": entries}


def _search_context(r: Renderer, page: Page) -> dict:
    """The search page: the edition's Pagefind bundle (dateline.search writes it) and the UI's strings."""
    t = strings(page.lang)
    return {
        "title": t["search"],
        "description": t["describe"]["search"].format(title=r.config.language(page.lang).title),
        "search": {"lang": page.lang, "bundle": r.link(f"/{page.lang}/pagefind/pagefind.js"), "strings": t["search_ui"]},
    }


def _story_count(count: int, t: dict) -> str:
    """"3 stories", "1 story", "기사 3건": a count a reader can read without the column's heading."""
    return t["story_count"][count != 1].format(count=count)


def _archive_context(r: Renderer, page: Page) -> dict:
    """The edition's years, newest first, each with its months and how many articles each holds."""
    t = strings(page.lang)
    locale = r.config.language(page.lang).locale
    years: dict[str, list[dict]] = {}
    for key, count in r.index.months[page.lang]:
        year, month = key.split("/")
        years.setdefault(year, []).append({"name": format_month(int(year), int(month), page.lang, locale),
                                           "url": r.link(f"/{page.lang}/{key}/"), "count": count,
                                           "count_text": _story_count(count, t)})
    archive = []
    for year, months in years.items():
        total = sum(m["count"] for m in months)
        archive.append({"year": year, "months": months, "count": total, "count_text": _story_count(total, t)})
    url = r.absolute(page.path)
    description = t["describe"]["archive"].format(title=r.config.language(page.lang).title)
    return {"title": t["archive"], "heading": t["archive"], "years": archive, "description": description,
            "alternates": _edition_alternates(r, "archive/"),
            "edition_links": {e["code"]: r.link(f"/{e['code']}/archive/") for e in r.editions},
            "page_json_ld": {"@context": "https://schema.org", "@type": "CollectionPage", "@id": url, "url": url,
                             "name": t["archive"], "description": description, "inLanguage": page.lang,
                             "isPartOf": _website_ref(r, page.lang),
                             "publisher": _organization_json(r)}}


def _correspondent_context(r: Renderer, page: Page) -> dict:
    return _list_context(r, page)


_CONTEXT_BUILDERS = {
    "article": _article_context,
    "root": _root_context,
    "notfound": _notfound_context,
    "feed": _feed_context,
    "sitemap": _sitemap_context,
    "sitemap-index": _sitemap_index_context,
    "robots": _robots_context,
    "correspondent": _correspondent_context,
    "notice": _notice_context,
    "redirect": _redirect_context,
    "redirects": _redirects_context,
    "corrections": _corrections_context,
    "newssitemap": _news_sitemap_context,
    "search": _search_context,
    "archive": _archive_context,
}


# ---- what each page's context reads ------------------------------------------------------------
# The build engine renders a page again only when something its context reads has changed. That
# is declared here, beside the builders above, and nowhere else: a builder that starts reading
# something new must say so below (tests/test_incremental_property.py compares incremental builds
# with cold ones after random edits, and fails when the two disagree).


@dataclass(frozen=True)
class Reads:
    """What one page's context reads besides its Page record, its templates, the config and the
    edition's section list (every page's masthead)."""

    views: tuple[str, ...] = ()  # articles whose ArticleView it shows
    direct: tuple = ()  # anything it reads from the index itself, as plain values


def term_key(term: Term) -> tuple:
    """Everything term_link and the list pages show of a term: all but its article list."""
    return (term.kind, term.lang, term.slug, term.name, term.other_name, _plain(term.place), _plain(term.person))


def view_key(index: SiteIndex, source: str) -> tuple:
    """Everything Renderer.make_view reads: the article (its file's digest stands for every field
    and the body), its URL, the terms it links and what it shows of its counterparts (language,
    link, headline, and the publication time that decides which is the original)."""
    article = index.articles[source]
    terms = [index.article_terms(source, kind) for kind in ("section", "tag", "dateline")]
    terms.append(index.correspondent_terms(source))
    counterparts = tuple((other, index.urls[other], index.articles[other].lang, index.articles[other].title,
                          index.articles[other].posted) for other in index.counterparts[source])
    photos = images.plan_article_images(index.config, article).key  # the lead photo and body figures show them
    return (article.digest, photos, index.urls[source], tuple(term_key(t) for group in terms for t in group),
            counterparts)


# Kinds whose reads come from the whole index, not from their Page record and the articles it
# lists: the root shows each edition's latest, the archive counts every month. (The list pages'
# language links, counterpart_paths, move when a namesake list appears or goes: list_name.)
WHOLE_INDEX_KINDS = (PageKind.ROOT, PageKind.ARCHIVE)


def whole_index_pages(index: SiteIndex) -> list[Page]:
    """The pages of WHOLE_INDEX_KINDS, found by their paths: the root, each edition's archive."""
    paths = ["/"] + [f"/{lang.code}/archive/" for lang in index.config.languages]
    return [p for p in map(index.pages_by_path.get, paths) if p is not None and p.kind in WHOLE_INDEX_KINDS]
# Kinds whose views are not among the articles their Page record lists (`sources`): the root
# shows each edition's latest; a sitemap part lists pages by path. For every other kind, a page
# whose sources miss an article does not show it.
VIEWS_BEYOND_SOURCES = (PageKind.ROOT, PageKind.SITEMAP)


def pages_showing_beyond_sources(index: SiteIndex, sources: set[str]) -> set[str]:
    """Paths of the pages of VIEWS_BEYOND_SOURCES kinds that show one of `sources`: the root when
    one is among an edition's latest, and the sitemap parts that list their article pages."""
    pages = index.pages_by_path
    paths = {sitemap_path(sitemap_part(pages[index.urls[s]])) for s in sources if s in index.urls}
    if any(s in sources for edition in index.editions.values() for s in edition[:ROOT_LATEST]):
        paths.add("/")
    return paths


def page_reads(index: SiteIndex, page: Page) -> Reads | None:
    """None for a kind this does not know: such pages are rendered on every build."""
    kind = page.kind
    if kind == PageKind.ARTICLE:
        return Reads(views=(page.key,))
    if kind in (PageKind.HOME, PageKind.FEED, PageKind.CORRECTIONS, PageKind.NEWS_SITEMAP):
        return Reads(views=page.sources)
    if kind == PageKind.MONTH:
        return Reads(views=page.sources, direct=tuple(counterpart_paths(index, page).items()))
    if kind in (PageKind.SECTION, PageKind.TAG, PageKind.DATELINE, PageKind.CORRESPONDENT):
        return Reads(views=page.sources, direct=(term_key(index.terms[(kind, page.lang, page.key)]),
                                                 tuple(counterpart_paths(index, page).items())))
    if kind == PageKind.ARCHIVE:
        return Reads(direct=index.months[page.lang])
    if kind == PageKind.ROOT:
        return Reads(views=tuple(s for sources in index.editions.values() for s in sources[:ROOT_LATEST]))
    if kind == PageKind.SITEMAP:
        pages = index.pages_by_path
        listed = [pages[path] for path in page.sources]
        return Reads(views=tuple(p.key for p in listed if p.kind == PageKind.ARTICLE),
                     direct=tuple((p.kind, p.number) for p in listed))
    if kind in (PageKind.NOTFOUND, PageKind.ROBOTS, PageKind.SITEMAP_INDEX, PageKind.SEARCH):
        return Reads()  # search: its page shows no article (dateline.search indexes them)
    return None  # notices, redirect pages and /_redirects: few, and rendered every time


def _plain(record) -> tuple | None:
    return None if record is None else tuple(getattr(record, f.name) for f in dataclasses.fields(record))
