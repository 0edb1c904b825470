"""`dateline check`: whether the built site is fit to deploy, without writing anything.

It reads how the site was built (the state the build saved beside it) and refuses a build made
for something else than production (with drafts, for another base URL than the configured one,
by another version of dateline, or from sources that have changed since); then reports content
errors, broken internal links (against the base URL the site was built for) and published URLs
that the next build would delete; gaps between the two editions are warnings."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from lxml import etree

from dateline.build import collect_static, load_site
from dateline.build.sources import signature
from dateline.build.state import load_state
from dateline.config import CONFIG_NAME, Config
from dateline.content import content_sources, slugify
from dateline.errors import BuildFailed, ContentError
from dateline.index import SiteIndex
from dateline.write import locked

# Output files that are URLs readers and search engines hold: pages, feeds, sitemaps.
PUBLISHED_SUFFIXES = (".html", ".xml")
# An article's URL (index.article_path); other pages are lists that come and go with their articles.
ARTICLE_URL = re.compile(r"^/[^/]+/\d{4}/\d{2}/\d{2}/[^/]+/$")

LINK_ATTRIBUTES = {"a": "href", "link": "href", "img": "src", "script": "src", "source": "src", "iframe": "src"}


class _LinkCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[int, str]] = []

    def handle_starttag(self, tag, attrs):
        wanted = LINK_ATTRIBUTES.get(tag)
        for name, value in attrs:
            if name == wanted and value:
                self.links.append((self.getpos()[0], value))


def check_site(config: Config, now: dt.datetime | None = None, *, base_url_given: bool = False,
               drafts_given: bool = False, on_wait: Callable[[str], None] | None = None
               ) -> tuple[list[ContentError], list[ContentError]]:
    """(errors, warnings): how the site was built, content errors, broken links in the built
    output, then the URLs it publishes that the sources would no longer produce; warnings are
    cross-edition gaps. base_url_given, drafts_given: the user said the site was built that way.
    A build of the folder that is running is waited for (after saying so through on_wait): its
    saved state's parts and its output change until it ends."""
    if not config.out_dir.is_dir():
        return [ContentError(_shown(config, config.out_dir), 1, "no built site here: run `dateline build` first")], []
    with locked(config.out_dir, on_wait=on_wait):
        return _checked(config, now, base_url_given, drafts_given)


def _checked(config: Config, now: dt.datetime | None, base_url_given: bool,
             drafts_given: bool) -> tuple[list[ContentError], list[ContentError]]:
    build_errors, built, stale = check_build(config, base_url_given, drafts_given)
    xml_errors = check_xml(config)
    try:
        index = load_site(built, now)
    except BuildFailed as failed:
        return failed.errors + build_errors + check_links(built) + xml_errors, stale
    vanishing, warnings = vanishing_urls(built, index)
    return build_errors + check_links(built) + xml_errors + vanishing, stale + warnings + edition_gaps(index)


def check_build(config: Config, base_url_given: bool, drafts_given: bool
                ) -> tuple[list[ContentError], Config, list[ContentError]]:
    """Problems with how the output was built, the config it was built with, and a warning when
    sources changed since (the next build changes the site: vanishing_urls says what it deletes)."""
    where = _shown(config, config.out_dir)
    state, why = load_state(config)
    if state is None:
        reason = why or "there is no record of how it was built"
        return [ContentError(where, 1, f"{reason}; build it again with `dateline build` before deploying")], config, []
    built = state.index.config
    errors = []
    if built.drafts and not drafts_given:
        errors.append(ContentError(where, 1, "built with --drafts: drafts would be published; build without --drafts"))
    if built.base_url != config.base_url:
        hint = "" if base_url_given else f" (if that is where it will be served, say so: --base-url {built.base_url})"
        errors.append(ContentError(where, 1, f"built for {built.base_url}, but {CONFIG_NAME} says {config.base_url}; "
                                             f"build it again for production{hint}"))
    changed = _changed_sources(config, state)
    stale = []
    if changed:
        more = f" and {len(changed) - 3} more" if len(changed) > 3 else ""
        stale.append(ContentError(where, 1, f"warning: out of date: {', '.join(changed[:3])}{more} changed since it "
                                            "was built; run `dateline build` before deploying"))
    return errors, replace(config, base_url=built.base_url, drafts=built.drafts), stale


def _changed_sources(config: Config, state) -> list[str]:
    present = {source: signature(config.site_dir / source) for source in content_sources(config)}
    recorded = {source: file.signature for source, file in state.files.items()}
    return sorted(s for s in set(present) | set(recorded) if present.get(s) != recorded.get(s))


def vanishing_urls(config: Config, index: SiteIndex) -> tuple[list[ContentError], list[ContentError]]:
    """Pages and feeds in the built site that a build from the sources now would delete: errors
    for articles' URLs, warnings for lists (a tag page whose last article went, a month emptied).

    An alias or a withdrawal keeps a URL (as a redirect or a notice), so those are not reported."""
    try:
        produced = {p.output for p in index.pages} | {relative for relative, _ in collect_static(config, index)}
    except BuildFailed as failed:
        return failed.errors, []
    errors, warnings = [], []
    for file in sorted(config.out_dir.rglob("*")):
        relative = file.relative_to(config.out_dir).as_posix()
        if file.suffix not in PUBLISHED_SUFFIXES or relative in produced or not file.is_file():
            continue
        url = "/" + (relative[: -len("index.html")] if file.name == "index.html" else relative)
        if ARTICLE_URL.match(url):
            errors.append(ContentError(_shown(config, file), 1, (
                f"{url} is published but the sources no longer produce it: if its article moved, add {url} to the "
                f"article's aliases; if it was taken down, mark it withdrawn; to delete it on purpose, build again")))
        else:
            warnings.append(ContentError(_shown(config, file), 1, f"warning: {url} is published but the next build "
                                                                  f"deletes it: no article is listed there any more"))
    return errors, warnings


def edition_gaps(index: SiteIndex) -> list[ContentError]:
    """Warnings: stories with no counterpart in another edition, and counterparts whose section,
    dateline or correspondents disagree."""
    if len(index.config.languages) < 2:
        return []
    warnings = []
    usual = _usual_sections(index)
    for source, article in index.articles.items():
        others = index.counterparts[source]
        if not others and not article.translations:
            warnings.append(_warning(article, "story", "no counterpart in another edition (no article shares its 'story')"))
        for other in others:
            if (index.articles[other].lang, other) < (article.lang, source):
                continue  # each pair once, on the article of the edition whose code sorts first
            warnings += _disagreements(index, source, other, usual)
    return warnings


def _warning(article, key: str, message: str) -> ContentError:
    return ContentError(article.source, article.line_of(key), f"warning: {message}")


def _usual_sections(index: SiteIndex) -> dict[tuple[str, str, str], str]:
    """(lang, section, other lang) -> the section the other edition most often files that section's
    counterparts under: sections are named in each edition's language (World / 국제)."""
    seen: dict[tuple[str, str, str], Counter] = {}
    for source, article in index.articles.items():
        for other in index.counterparts[source]:
            o = index.articles[other]
            if article.section and o.section:
                seen.setdefault((article.lang, article.section, o.lang), Counter())[o.section] += 1
    return {key: max(sorted(counts), key=lambda name: counts[name]) for key, counts in seen.items()}


def _disagreements(index: SiteIndex, source: str, other: str, usual: dict) -> list[ContentError]:
    a, o = index.articles[source], index.articles[other]
    found = []
    expected = usual.get((a.lang, a.section, o.lang))
    if bool(a.section) != bool(o.section) or (expected and o.section != expected):
        found.append(_warning(a, "section", f"section {a.section or '(none)'!r} disagrees with its {o.lang} counterpart's "
                                            f"{o.section or '(none)'!r} ({other})"))
    if not _same_place(a.dateline, o.dateline):
        names = [p.city if p else "(none)" for p in (a.dateline, o.dateline)]
        found.append(_warning(a, "dateline", f"dateline {names[0]!r} disagrees with its {o.lang} counterpart's "
                                              f"{names[1]!r} ({other})"))
    mine = sorted({index.correspondent_keys[p] for p in a.correspondents})
    theirs = sorted({index.correspondent_keys[p] for p in o.correspondents})
    if mine != theirs:
        found.append(_warning(a, "correspondents", f"correspondents {', '.join(mine) or '(none)'} disagree with its "
                                                    f"{o.lang} counterpart's {', '.join(theirs) or '(none)'} ({other})"))
    return found


def _same_place(one, two) -> bool:
    if one is None or two is None:
        return one is two
    names = [{slugify(n) for n in (p.city, p.local) if n} for p in (one, two)]
    return bool(names[0] & names[1])


def check_links(config: Config) -> list[ContentError]:
    out = config.out_dir
    errors = []
    for page in sorted(out.rglob("*.html")):
        errors.extend(_page_link_errors(config, page))
    return errors


def check_xml(config: Config) -> list[ContentError]:
    """Every feed and sitemap (every .xml file) of the built site must be well-formed XML: a
    reader or a crawler drops one that is not, whole."""
    out = config.out_dir
    if not out.is_dir():
        return []
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    errors = []
    for file in sorted(out.rglob("*.xml")):
        try:
            etree.parse(str(file), parser)
        except etree.XMLSyntaxError as exc:
            errors.append(ContentError(_shown(config, file), exc.lineno or 1, f"not well-formed XML: {exc.msg}"))
        except OSError as exc:
            errors.append(ContentError(_shown(config, file), 1, f"could not read: {exc}"))
    return errors


def _page_link_errors(config: Config, page: Path) -> list[ContentError]:
    collector = _LinkCollector()
    collector.feed(page.read_text(encoding="utf-8", errors="replace"))
    relative = page.relative_to(config.out_dir).as_posix()
    page_url = config.base_url + (relative[: -len("index.html")] if relative.endswith("index.html") else relative)
    errors = []
    for line, link in collector.links:
        target = _local_target(config, urljoin(page_url, link))
        if target is not None and not _exists(config.out_dir, target):
            errors.append(ContentError(_shown(config, page), line, f"broken internal link: {link}"))
    return errors


def _local_target(config: Config, absolute: str) -> str | None:
    """The path below the output folder an absolute URL points to, or None if it is not ours."""
    parts, base = urlsplit(absolute), urlsplit(config.base_url)
    if (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
        return None
    path = unquote(parts.path)
    if not path.startswith(base.path):
        return "\0outside"  # on our host but outside the base path: cannot resolve on deploy
    return path[len(base.path):]


def _exists(out: Path, target: str) -> bool:
    if target.startswith("\0"):
        return False
    candidate = (out / target).resolve()
    if not candidate.is_relative_to(out.resolve()):
        return False
    if target == "" or target.endswith("/"):
        return (candidate / "index.html").is_file()
    return candidate.is_file()


def _shown(config: Config, path: Path) -> str:
    try:
        return path.relative_to(config.site_dir).as_posix()
    except ValueError:
        return str(path)
