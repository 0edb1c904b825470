"""Shared fixtures and helpers for dateline's tests.

Fixtures (request them by name in any test under tests/):

``make_site(articles=None, **options) -> Path``
    Writes a small bilingual site into a fresh folder below ``tmp_path`` and returns it.
    ``articles`` maps a path relative to ``content/`` (``"en/2024/05/talks.md"``) to one of

    * a dict: the front matter; the body is ``BODY``;
    * a ``(front matter dict, body)`` pair;
    * a ``str`` or ``bytes``: the whole file, written as it is (for broken files).

    Front matter values may be dates or strings; they are written with ``yaml.safe_dump`` in
    the order given, so the n-th key stands on line n + 1 of the file when every value fits
    on one line (see ``key_line``). Options: ``base_url``, ``timezone``, ``per_page``,
    ``feed_limit``, ``extra_config`` (TOML text appended to dateline.toml), ``config`` (the
    whole dateline.toml text instead of the default), ``templates`` / ``static`` / ``data``
    (dicts of relative path -> text or bytes), ``name`` (the folder's name).

``run_cli(*args, input=None) -> CliResult``
    Runs ``dateline ARGS`` in-process through click's CliRunner. Returns
    ``CliResult(exit_code, stdout, stderr)``; stderr is kept apart from stdout. An exception
    that escapes the command (a traceback, never acceptable for dateline) is re-raised, so
    it cannot pass for an exit status of 1. Path arguments may be ``Path`` objects.

``build_site(site, *args) -> Path``
    ``dateline build --site SITE --quiet ARGS`` that must succeed; returns the output folder
    (``SITE/site`` unless ``--out`` is among ARGS).

``html``
    ``html(path_or_text) -> BeautifulSoup`` parsed with lxml.

Plain helpers (``from conftest import ...``): ``write_site``, ``cli``, ``parse_html``,
``page``, ``json_ld``, ``tree_digest``, ``html_pages``, ``internal_links``, ``parse_errors``,
``key_line``, ``REPO``, ``BODY``.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import signal
import traceback
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup
from click.testing import CliRunner

from dateline.cli import main

# The tests that press Ctrl-C send SIGINT to a server they started. A test run started in the
# background (`pytest &` from a script) inherits SIGINT ignored, and so would every server it
# starts, which would then never stop: an ignored signal stays ignored across exec, a caught one
# goes back to the default, which Python turns into KeyboardInterrupt.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

REPO = Path(__file__).resolve().parents[1]

# Fixtures of the deploy tests (a moto_server, buckets, a built site) live beside their helpers.
pytest_plugins = ["deploy_support"]

BODY = "The first paragraph of the story.\n\nA second paragraph with more detail.\n"

DEFAULT_CONFIG = """\
base_url = "{base_url}"
timezone = "{timezone}"
publisher = "The Test Times"
per_page = {per_page}
feed_limit = {feed_limit}

[languages.en]
name = "English"
title = "The Test Times"
description = "News in English."
locale = "en_US"

[languages.ko]
name = "한국어"
title = "테스트 타임스"
description = "한국어 뉴스."
locale = "ko_KR"

# Search has tests of its own (test_search.py); indexing costs seconds a build everywhere else.
[search]
enabled = false
"""

_counter = itertools.count(1)


# ---- writing sites ---------------------------------------------------------------------


def front_matter_text(meta: dict, body: str = BODY) -> str:
    """A Markdown file: the front matter as YAML (keys in the given order) and the body."""
    dumped = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, default_flow_style=None, width=10_000)
    return f"---\n{dumped}---\n\n{body}"


def key_line(text: str, key: str) -> int:
    """The 1-based line of a top-level front matter key in a file's text."""
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith(f"{key}:"):
            return number
    raise AssertionError(f"no top-level key {key!r} in:\n{text}")


def _write(path: Path, data: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8")


def write_article(site: Path, relative: str, spec) -> Path:
    """Write one article below SITE/content/ (see make_site for what SPEC may be)."""
    path = site / "content" / relative
    if isinstance(spec, (str, bytes)):
        data = spec
    elif isinstance(spec, tuple):
        meta, body = spec
        data = front_matter_text(meta, body)
    elif isinstance(spec, dict):
        data = front_matter_text(spec)
    else:
        raise TypeError(f"cannot write an article from {spec!r}")
    _write(path, data)
    return path


def write_site(root: Path, articles: dict | None = None, *, base_url: str = "https://example.com/",
               timezone: str = "Asia/Seoul", per_page: int = 10, feed_limit: int = 20,
               extra_config: str = "", config: str | None = None, templates: dict | None = None,
               static: dict | None = None, data: dict | None = None) -> Path:
    """Write a site into ROOT (created) and return ROOT. See make_site."""
    root.mkdir(parents=True, exist_ok=True)
    if config is None:
        config = DEFAULT_CONFIG.format(base_url=base_url, timezone=timezone, per_page=per_page,
                                       feed_limit=feed_limit)
        if extra_config:
            # Top-level keys must come before the first [table].
            head, sep, tables = config.partition("[languages.en]")
            config = f"{extra_config.strip()}\n{head}{sep}{tables}"
    _write(root / "dateline.toml", config)
    (root / "content").mkdir(exist_ok=True)
    for relative, spec in (articles or {}).items():
        write_article(root, relative, spec)
    for folder, files in (("templates", templates), ("static", static), ("data", data)):
        for relative, content in (files or {}).items():
            _write(root / folder / relative, content)
    return root


@pytest.fixture
def make_site(tmp_path):
    """Factory: make_site(articles=None, **options) -> the site folder (see module docstring)."""

    def make(articles: dict | None = None, *, name: str | None = None, **options) -> Path:
        folder = tmp_path / (name or f"site{next(_counter)}")
        return write_site(folder, articles, **options)

    return make


# ---- running the command line ----------------------------------------------------------


@dataclass(frozen=True)
class CliResult:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.strip()]

    def __str__(self) -> str:  # what an assertion message shows
        return f"exit {self.exit_code}\n--- stdout ---\n{self.stdout}--- stderr ---\n{self.stderr}"


def cli(*args, input: str | None = None) -> CliResult:
    """Run `dateline ARGS` in this process; re-raise anything but a normal exit."""
    result = CliRunner().invoke(main, [str(a) for a in args], input=input, catch_exceptions=True)
    exc = result.exception
    if exc is not None and not isinstance(exc, SystemExit):
        trace = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        raise AssertionError(f"dateline {' '.join(map(str, args))} raised instead of reporting:\n{trace}"
                             f"\n--- stderr ---\n{result.stderr}")
    return CliResult(result.exit_code, result.stdout, result.stderr)


@pytest.fixture
def run_cli():
    """run_cli(*args, input=None) -> CliResult(exit_code, stdout, stderr)."""
    return cli


def build(site: Path, *args) -> Path:
    """`dateline build --site SITE --quiet ARGS`, which must succeed; returns the output folder."""
    result = cli("build", "--site", site, "--quiet", *args)
    assert result.exit_code == 0, str(result)
    args = [str(a) for a in args]
    if "--out" in args:
        out = Path(args[args.index("--out") + 1])
        return out if out.is_absolute() else site / out
    return site / "site"


@pytest.fixture
def build_site():
    """build_site(site, *args) -> output folder; the build must succeed."""
    return build


# ---- reading output --------------------------------------------------------------------


def parse_html(source: Path | str) -> BeautifulSoup:
    text = source.read_text(encoding="utf-8") if isinstance(source, Path) else source
    return BeautifulSoup(text, "lxml")


@pytest.fixture
def html():
    """html(path_or_text) -> BeautifulSoup (lxml parser)."""
    return parse_html


def page(out: Path, url_path: str) -> BeautifulSoup:
    """The parsed page at a site path: page(out, "/en/2024/05/03/talks/")."""
    relative = unquote(url_path).lstrip("/")
    file = out / relative / "index.html" if relative.endswith("/") or not relative else out / relative
    assert file.is_file(), f"no page at {url_path} ({file})"
    return parse_html(file)


def json_ld(soup: BeautifulSoup) -> list[dict]:
    """Every JSON-LD object on the page, parsed."""
    return [json.loads(s.string or "") for s in soup.find_all("script", type="application/ld+json")]


def html_pages(out: Path) -> dict[str, Path]:
    """Every built HTML file by its URL path ("/en/", "/404.html")."""
    pages = {}
    for file in sorted(out.rglob("*.html")):
        rel = file.relative_to(out).as_posix()
        pages["/" + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)] = file
    return pages


LINK_ATTRS = {"a": "href", "link": "href", "script": "src", "img": "src", "source": "src", "iframe": "src"}


def internal_links(soup: BeautifulSoup, host: str) -> list[str]:
    """Paths of every a/link/script/img/... reference that stays on HOST ("example.com")."""
    links = []
    for tag, attr in LINK_ATTRS.items():
        for element in soup.find_all(tag):
            value = element.get(attr)
            if not value or value.startswith("#"):
                continue
            parts = urlsplit(value)
            if parts.scheme in ("mailto", "tel", "javascript", "data"):
                continue
            if parts.netloc and parts.netloc != host:
                continue
            links.append(unquote(parts.path))
    return links


def tree_digest(root: Path) -> str:
    """A digest of every file's relative path and bytes below ROOT ('' if ROOT is missing)."""
    if not root.exists():
        return ""
    digest = hashlib.sha256()
    for file in sorted(p for p in root.rglob("*")):
        rel = file.relative_to(root).as_posix()
        if file.is_dir():
            digest.update(f"D {rel}\n".encode())
        else:
            digest.update(f"F {rel} {file.stat().st_size}\n".encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()


ERROR_LINE = re.compile(r"^(?P<path>[^\s:][^:]*):(?P<line>\d+): (?P<message>.+)$")


def parse_errors(stderr: str) -> list[tuple[str, int, str]]:
    """(path, line, message) for every `path:line: message` line of a command's stderr."""
    found = []
    for line in stderr.splitlines():
        match = ERROR_LINE.match(line)
        if match:
            found.append((match["path"], int(match["line"]), match["message"]))
    return found


def sitemap_urls(out: Path):
    """Every <url> of every sitemap that /sitemap.xml (a sitemap index) names, in one <urlset>
    element, so that tests can query the site's whole sitemap at once."""
    from lxml import etree

    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    index = etree.parse(str(out / "sitemap.xml")).getroot()
    assert index.tag == f"{ns}sitemapindex"
    merged = etree.Element(f"{ns}urlset")
    for loc in index.iter(f"{ns}loc"):
        part = loc.text.split("/sitemaps/", 1)[1]
        merged.extend(etree.parse(str(out / "sitemaps" / part)).getroot().findall(f"{ns}url"))
    return merged
