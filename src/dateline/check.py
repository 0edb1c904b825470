"""`dateline check`: whether the built site is fit to deploy, without writing anything.

It reads how the site was built (the state the build saved beside it) and refuses a build made
for something else than production (with drafts, for another base URL than the configured one,
by another version of dateline, or from sources that have changed since), then checks the
content and every internal link against the base URL the site was built with."""

from __future__ import annotations

from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from lxml import etree

from dateline.build import load_site
from dateline.build.sources import signature
from dateline.build.state import load_state
from dateline.config import CONFIG_NAME, Config
from dateline.content import content_sources
from dateline.errors import BuildFailed, ContentError

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


def check_site(config: Config, base_url_given: bool = False) -> list[ContentError]:
    """Every problem found: how the site was built, content, then links in the built output.

    base_url_given: the user named the base URL the site was built for (`check --base-url`)."""
    try:
        load_site(config)
    except BuildFailed as failed:
        content_errors = failed.errors
    else:
        content_errors = []
    if not config.out_dir.is_dir():
        missing = ContentError(_shown(config, config.out_dir), 1, "no built site here: run `dateline build` first")
        return content_errors + [missing]
    build_errors, built = check_build(config, base_url_given)
    return content_errors + build_errors + check_links(built) + check_xml(config)


def check_build(config: Config, base_url_given: bool) -> tuple[list[ContentError], Config]:
    """Problems with how the output was built, and the config it was built with."""
    where = _shown(config, config.out_dir)
    state, why = load_state(config)
    if state is None:
        reason = why or "there is no record of how it was built"
        return [ContentError(where, 1, f"{reason}; build it again with `dateline build` before deploying")], config
    built = state.index.config
    errors = []
    if built.drafts:
        errors.append(ContentError(where, 1, "built with --drafts: drafts would be published; build without --drafts"))
    if built.base_url != config.base_url:
        hint = "" if base_url_given else f" (if that is where it will be served, say so: --base-url {built.base_url})"
        errors.append(ContentError(where, 1, f"built for {built.base_url}, but {CONFIG_NAME} says {config.base_url}; "
                                             f"build it again for production{hint}"))
    changed = _changed_sources(config, state)
    if changed:
        more = f" and {len(changed) - 3} more" if len(changed) > 3 else ""
        errors.append(ContentError(where, 1, f"out of date: {', '.join(changed[:3])}{more} changed since it was built; "
                                             "run `dateline build`"))
    return errors, replace(config, base_url=built.base_url)


def _changed_sources(config: Config, state) -> list[str]:
    present = {source: signature(config.site_dir / source) for source in content_sources(config)}
    recorded = {source: file.signature for source, file in state.files.items()}
    return sorted(s for s in set(present) | set(recorded) if present.get(s) != recorded.get(s))


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
