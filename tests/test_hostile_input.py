"""Hostile and broken input (issue 17, items 1, 3 and 7): never a traceback, never invalid XML.

Characters XML cannot carry are dropped on load with a warning at their line; every other bad
value is an error at its line, the previous site/ untouched; `dateline check` parses every feed
and sitemap. See docs/robustness.md.
"""

from __future__ import annotations

import pytest
from conftest import build, cli, page, parse_errors
from lxml import etree
from test_build_errors import GOOD, add, article, fails

from dateline.build import Change, SiteBuilder
from dateline.config import load_config

POSTED = "2024-05-03T07:55:00+09:00"
# Each is invalid in XML 1.0 (and an HTML parse error): vertical tab, backspace, NUL, U+FFFE.
CONTROLS = "\x0b\x08\x00\ufffe"


@pytest.fixture
def site(make_site):
    folder = make_site(GOOD)
    build(folder)
    return folder


def strict_xml(path):
    return etree.parse(str(path), etree.XMLParser(resolve_entities=False, recover=False))


# ---- item 1: characters XML cannot carry --------------------------------------------------


def test_control_characters_are_dropped_with_a_warning_and_never_reach_xml(site):
    text = ("---\n"
            f"title: Wire\x0b copy\x08 with controls\n"              # line 2: raw characters
            f"posted: {POSTED}\n"
            'summary: "Escaped \\v and \\x00 in YAML"\n'              # line 4: made by YAML escapes
            "tags: [wire]\n"
            "---\n"
            "\n"
            f"First paragraph{CONTROLS} of the story.\n"           # line 8
            "\n"
            "Second\x1f paragraph.\n")                             # line 10
    path = add(site, "en/2024/05/wire.md", text.encode("utf-8"))
    result = cli("build", "--site", site, "--quiet")
    assert result.exit_code == 0, str(result)
    warnings = {(p, line) for p, line, message in parse_errors(result.stderr) if message.startswith("warning:")}
    assert {(path, 2), (path, 4), (path, 8), (path, 10)} <= warnings, result.stderr
    assert "U+000B" in result.stderr and "U+FFFE" in result.stderr
    out = site / "site"
    for xml in (out / "en" / "feed.xml", out / "sitemap.xml"):
        strict_xml(xml)  # raises on any character XML cannot carry
    feed = (out / "en" / "feed.xml").read_text(encoding="utf-8")
    assert "Wire copy with controls" in feed and "First paragraph of the story." in feed
    story = page(out, "/en/2024/05/03/wire/")
    assert story.h1.get_text(strip=True) == "Wire copy with controls"
    for html in out.rglob("*.html"):
        assert not any(ch in html.read_text(encoding="utf-8") for ch in CONTROLS + "\x1f"), html
    assert cli("check", "--site", site).exit_code == 0


def test_the_templates_drop_what_loading_did_not_see(make_site):
    """The last line of defence: a value that reaches a template with a control character in it
    (here the config's description, a TOML escape) is printed without it."""
    folder = make_site(GOOD, config=_config_with_description("News\\u000b in English\\u0008."))
    out = build(folder)
    feed = strict_xml(out / "en" / "feed.xml")
    subtitle = feed.find("{http://www.w3.org/2005/Atom}subtitle")
    assert subtitle.text == "News in English."


def _config_with_description(description: str) -> str:
    return ('base_url = "https://example.com/"\n\n[languages.en]\nname = "English"\ntitle = "The Test Times"\n'
            f'description = "{description}"\nlocale = "en_US"\n\n'
            '[languages.ko]\nname = "한국어"\ntitle = "테스트 타임스"\nlocale = "ko_KR"\n')


def test_check_reports_a_feed_that_is_not_xml(site):
    feed = site / "site" / "en" / "feed.xml"
    lines = feed.read_text(encoding="utf-8").split("\n")
    lines[2] = lines[2].replace("<title>", "<title>\x0b")  # what a build without the filter wrote
    feed.write_text("\n".join(lines), encoding="utf-8")
    sitemap = site / "site" / "sitemap.xml"
    sitemap.write_text(sitemap.read_text(encoding="utf-8")[:-12], encoding="utf-8")  # cut off its closing tag
    result = cli("check", "--site", site)
    assert result.exit_code == 1, str(result)
    errors = {(path, line): message for path, line, message in parse_errors(result.stderr)}
    assert "not well-formed XML" in errors.get(("site/en/feed.xml", 3), ""), result.stderr
    assert any(path == "site/sitemap.xml" for path, _ in errors), result.stderr


# ---- item 3: bad values are errors at their line --------------------------------------------


@pytest.mark.parametrize("line, words", [
    ('correspondents: ["$$"]', ("no letter or digit",)),
    ("correspondents: [{name: '---', email: x@example.com}]", ("no letter or digit",)),
    ("posted: 0001-01-01T00:00:00+14:00", ("outside the dates",)),
    ('posted: "0001-01-01T00:00:00+14:00"', ("outside the dates",)),
    ("posted: 9999-12-31T23:00:00-12:00", ("outside the dates",)),
    ("posted: 0999-05-03", ("outside the dates",)),
    ('source: "http://[::1"', ("source",)),
    ('source: "https://example.com:99999/"', ("source",)),
    ('source: "http:///no-host"', ("source",)),
    ('translations: {ko: "http://[::1"}', ("translation",)),
    ("extra: !!int not-a-number", ("invalid value",)),
    ("extra: !!float [1]", ("invalid",)),
    ("slug: " + "a" * 201, ("too long",)),
    ("tags: [" + "b" * 300 + "]", ("too long",)),
    ("section: " + "가" * 100, ("too long",)),
], ids=lambda value: value if isinstance(value, str) and len(value) < 40 else None)
def test_bad_value_is_an_error_at_its_line(site, line, words):
    lines = [line] if line.startswith("posted:") else [f"posted: {POSTED}", line]
    path = add(site, "en/2024/05/bad.md", article("title: A story", *lines))
    fails(site, (path, 2 + len(lines) - 1 + 1, words))


@pytest.mark.parametrize("depth", [40, 250, 5000])
def test_front_matter_nested_too_deep(site, depth):
    path = add(site, "en/2024/05/deep.md", article("title: Deep", f"posted: {POSTED}",
                                                 "extra: " + "[" * depth + "]" * depth))
    fails(site, (path, 4, ("nest",)))


def test_front_matter_alias_bomb(site):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 10) + "]" for n in range(1, 9)]
    path = add(site, "en/2024/05/bomb.md", article("title: Bomb", f"posted: {POSTED}", *lines))
    fails(site, (path, set(range(1, 14)), ("values",)))


def test_markdown_list_nested_300_deep(site):
    body = "Intro.\n\n" + "".join("    " * level + "- item\n" for level in range(300))
    path = add(site, "en/2024/05/lists.md", article("title: Lists", f"posted: {POSTED}", body=body))
    # The body starts on line 6 (after "---" and a blank line); the 51st level is 50 lines on.
    fails(site, (path, 8 + 50, ("nested",)))


def test_lists_nested_a_few_levels_are_fine(site):
    body = "".join("    " * level + f"- level {level}\n" for level in range(8))
    add(site, "en/2024/05/lists.md", article("title: Lists", f"posted: {POSTED}", body=body))
    out = build(site)
    assert len(page(out, "/en/2024/05/03/lists/").select("article ul ul ul ul ul ul ul ul li")) == 1


@pytest.mark.parametrize("unit", ["<span>x</span>", "[", "[a](", "![", "<a "])
def test_paragraph_with_quadratic_inline_markup_is_refused(site, unit):
    """40,000 tags in one paragraph took Python-Markdown 36 s (20,000 '[' more than 3 minutes):
    refused at the paragraph's line before conversion, with the other paragraphs untouched."""
    body = "A first paragraph.\n\n" + unit * 20_000 + "\n\nA last paragraph.\n"
    path = add(site, "en/2024/05/tags.md", article("title: Tags", f"posted: {POSTED}", body=body))
    fails(site, (path, 8, ("inline markup",)))


def test_many_links_in_many_paragraphs_are_fine(site):
    paragraph = " ".join(f"[link {n}](https://example.com/{n}) <b>bold</b> *em*" for n in range(40))
    body = "\n\n".join([paragraph] * 30)
    add(site, "en/2024/05/links.md", article("title: Links", f"posted: {POSTED}", body=body))
    out = build(site)
    assert len(page(out, "/en/2024/05/03/links/").select("article a[href^='https://example.com/']")) == 1200


def test_one_bad_article_does_not_hide_the_others_errors(site):
    first = add(site, "en/2024/05/a.md", article("title: A", f"posted: {POSTED}", 'correspondents: ["$$"]'))
    second = add(site, "en/2024/05/b.md", article("title: B", 'posted: "0001-01-01T00:00:00+14:00"'))
    fails(site, (first, 4, ("letter",)), (second, 3, ("dates",)))


# ---- item 7: every Markdown file is published ---------------------------------------------


def test_upper_case_and_long_markdown_suffixes_are_published(make_site):
    folder = make_site({
        "en/2024/05/upper.MD": {"title": "Upper", "posted": POSTED},
        "en/2024/05/long.markdown": {"title": "Long", "posted": POSTED},
        "en/2024/05/notes.txt": "not an article",
    })
    out = build(folder)
    assert page(out, "/en/2024/05/03/upper/").h1.get_text(strip=True) == "Upper"
    assert page(out, "/en/2024/05/03/long/").h1.get_text(strip=True) == "Long"
    assert not (out / "en" / "2024" / "05" / "03" / "notes").exists()


def test_the_dev_servers_rebuild_picks_up_a_new_markdown_file(make_site):
    folder = make_site(GOOD)
    builder = SiteBuilder(load_config(folder), jobs=1)
    builder.build()
    late = folder / "content" / "en" / "2024" / "05" / "late.Markdown"
    late.write_text(f"---\ntitle: Late\nposted: {POSTED}\n---\n\nBody.\n", encoding="utf-8")
    result = builder.build(Change(content=frozenset({late})))
    assert "en/2024/05/03/late/index.html" in result.changes.created
