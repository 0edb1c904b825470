"""`dateline check`: content errors and broken internal links, reported without writing anything."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from lxml import etree

from dateline.build import load_site
from dateline.config import Config
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


def check_site(config: Config) -> list[ContentError]:
    """Every problem found: content first, then links in the built output."""
    try:
        load_site(config)
    except BuildFailed as failed:
        content_errors = failed.errors
    else:
        content_errors = []
    return content_errors + check_links(config) + check_xml(config)


def check_links(config: Config) -> list[ContentError]:
    out = config.out_dir
    if not out.is_dir():
        return [ContentError(_shown(config, out), 1, "no built site here: run `dateline build` first")]
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
