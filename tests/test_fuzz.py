"""Property-based fuzzing of what a newsroom feeds dateline (issue 17, item 3).

Front matter, raw front matter text, bodies and raw imports go through the real commands
(`dateline build`, `dateline import`, in this process). Whatever they are, the command ends in
exit 0 (with at most warnings, and feeds and sitemaps that are XML) or exit 1 with every problem
as `path:line: message`: never a traceback (conftest.cli re-raises one) and never a hang (an
alarm stops an input that takes too long). The budget is fixed and derandomized, so CI runs the
same examples every time in a few seconds; raise FUZZ_EXAMPLES locally for a longer run.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml
from conftest import cli, write_site
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from test_build_errors import GOOD

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])
SECONDS_PER_INPUT = 30  # far beyond any input a build takes a second on: only a hang reaches it

ERROR = re.compile(r"^[^\s:][^:]*:\d+: .+$")
FOOTER = re.compile(r"^\d+ errors?; nothing was written\.$")
KEYS = ["title", "posted", "updated", "lang", "slug", "section", "tags", "dateline", "correspondents", "story",
        "translations", "summary", "draft", "source"]

# Characters that mean something to YAML, Markdown, HTML or URLs, controls XML cannot carry,
# and letters of both editions' scripts.
ALPHABET = list("abcXYZ019 -_.,:;/\\\"'`#*[]{}()<>!&|%@?=+~^$\n\t\r") + ["가", "ㄱ", "é", "\u200b", "\u2028",
                                                                      "\x00", "\x0b", "\x1f", "\x7f", "\x85",
                                                                      "\ufffe", "\uffff", "\U0001f600"]
texts = st.text(alphabet=st.sampled_from(ALPHABET), max_size=40)
moments = st.datetimes(min_value=dt.datetime(1, 1, 2), max_value=dt.datetime(9999, 12, 30),
                       timezones=st.sampled_from([None, dt.UTC, dt.timezone(dt.timedelta(hours=14)),
                                                  dt.timezone(dt.timedelta(hours=-12))]))
scalars = st.one_of(texts, st.integers(-10**20, 10**20), st.floats(allow_nan=True), st.booleans(), st.none(),
                    st.dates(), moments, st.sampled_from(["http://[::1", "https://example.com/a", "2024-05-03 07:55",
                                                          "$$", "ko", "en", "-", "0001-01-01T00:00:00+14:00"]))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
                      max_leaves=12)
front_matters = st.dictionaries(st.sampled_from(KEYS) | texts, values, max_size=8)
bodies = st.lists(st.sampled_from(ALPHABET + ["\n\n", "    ", "- ", "> ", "```\n", "<span>", "](", "&amp;", "[^1]",
                                             "| a |", "**", "&#11;", "![a](b.png)"]), max_size=120).map("".join)


@contextmanager
def alarm(seconds: int):
    """Fail, rather than hang, on an input that takes far too long."""
    def expire(signum, frame):
        raise TimeoutError(f"no answer in {seconds} s: a hang")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return write_site(tmp_path_factory.mktemp("fuzz") / "site", GOOD)


def build_ends_cleanly(site: Path, data: bytes) -> None:
    (site / "content" / "en" / "2024" / "05" / "fuzz.md").write_bytes(data)
    with alarm(SECONDS_PER_INPUT):
        result = cli("build", "--site", site, "--quiet")  # re-raises a traceback
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    if result.exit_code == 0:
        assert all(ERROR.match(line) and ": warning: " in line for line in lines), str(result)
        for xml in [site / "site" / "sitemap.xml", *(site / "site").glob("*/feed.xml")]:
            etree.parse(str(xml), etree.XMLParser(recover=False))  # XML, whatever went in
    else:
        assert result.exit_code == 1, str(result)
        assert lines and FOOTER.match(lines[-1]), str(result)
        assert all(ERROR.match(line) for line in lines[:-1]), str(result)


def document(meta: bytes, body: str) -> bytes:
    return b"---\n" + meta + b"\n---\n\n" + body.encode("utf-8", "surrogatepass")


@FUZZ
@given(meta=front_matters, body=bodies)
def test_front_matter_and_body(site, meta, body):
    meta = {"title": "Fuzz", "posted": "2024-05-03T07:55:00+09:00", **meta}
    dumped = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False).encode("utf-8", "surrogatepass")
    build_ends_cleanly(site, document(dumped, body))


words = st.text(alphabet=st.sampled_from(ALPHABET), min_size=1, max_size=30).filter(lambda t: any(c.isalnum() for c in t))


@FUZZ
@given(title=words, section=words, tags=st.lists(words, max_size=3), dateline=words, people=st.lists(words, max_size=2),
       summary=texts, body=bodies)
def test_text_fields_and_body_that_mostly_build(site, title, section, tags, dateline, people, summary, body):
    """Values of the right types, so most inputs get as far as the pages, the feeds and the sitemap."""
    meta = {"title": title, "posted": "2024-05-03T07:55:00+09:00", "section": section, "tags": tags,
            "dateline": dateline, "correspondents": people, "summary": summary}
    dumped = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False).encode("utf-8", "surrogatepass")
    build_ends_cleanly(site, document(dumped, body))


@FUZZ
@given(meta=texts, body=bodies)
def test_raw_front_matter_text(site, meta, body):
    build_ends_cleanly(site, document(f"title: Fuzz\nposted: 2024-05-03 07:55\n{meta}".encode(), body))


@FUZZ
@given(data=st.binary(max_size=200))
def test_raw_bytes(site, data):
    build_ends_cleanly(site, b"---\ntitle: Fuzz\nposted: 2024-05-03 07:55\n" + data)


# ---- dateline import (only tested here: the importer is another helper's) --------------------

page_texts = st.lists(st.sampled_from(["Posted Jun. 03, 2024 09:00,", "Updated Jun. 03, 2024 09:30", "한국어",
                                       "Go to contents", "By Kim Ki-yun", "kky@donga.com", "CAIRO –", "카이로=김기윤 특파원",
                                       "입력 2024-06-03 09:00", ""]) | texts, max_size=12)


def import_ends_cleanly(site: Path, raw: Path, text: str) -> None:
    raw.write_text(text, encoding="utf-8", errors="surrogatepass")
    with alarm(SECONDS_PER_INPUT * 2):
        result = cli("import", "--site", site, "--lang", "en", "--dry-run", raw)  # re-raises a traceback
    assert result.exit_code in (0, 1), str(result)
    assert "Traceback" not in result.stderr


@settings(FUZZ, max_examples=max(4, EXAMPLES // 2))
@given(lines=page_texts)
def test_import_of_raw_page_text(tmp_path_factory, lines):
    site = write_site(tmp_path_factory.mktemp("import") / "site")
    import_ends_cleanly(site, site.parent / "raw.txt", "\n".join(lines))


# The HTML extractor (trafilatura) takes seconds to start in each process: two examples only.
@settings(FUZZ, max_examples=2)
@given(lines=page_texts)
def test_import_of_raw_html(tmp_path_factory, lines):
    site = write_site(tmp_path_factory.mktemp("import") / "site")
    text = "\n".join(lines)
    html = f"<html><head><title>{text[:20]}</title></head><body><article><p>{text}</p></article></body></html>"
    import_ends_cleanly(site, site.parent / "raw.html", html)
