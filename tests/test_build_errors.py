"""Bad input (issue 2, section 6): one test per kind of bad file.

Each failing build must exit 1, report `path:line: message` with the right path and the line
of the offending key, and leave the previously built site/ byte-for-byte as it was. Markup in
metadata must come out as text everywhere, including inside the JSON-LD <script>. Usage
errors exit 2.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import build, cli, html_pages, json_ld, page, parse_errors, parse_html, tree_digest
from lxml import etree

from dateline.typography import smarten

GOOD = {
    "en/2024/05/good.md": {"title": "Good story", "posted": "2024-05-03T07:55:00+09:00", "section": "World",
                           "tags": ["Gaza"], "correspondents": ["Kim Ki-yun"], "story": "good"},
    "ko/2024/05/good.md": {"title": "좋은 기사", "posted": "2024-05-03T07:55:00+09:00", "story": "good"},
}
POSTED = "2024-05-03T07:55:00+09:00"


@pytest.fixture
def site(make_site) -> Path:
    """A site that has been built once: its site/ must survive every failed build untouched."""
    folder = make_site(GOOD)
    build(folder)
    return folder


def fails(site: Path, *expected: tuple[str, int | set[int], tuple[str, ...]], args: tuple = ()) -> list:
    """Build SITE, expect exit 1 with each (path, line(s), words in the message) reported, and
    an untouched site/. Returns every reported (path, line, message)."""
    before = tree_digest(site / "site")
    result = cli("build", "--site", site, *args)
    assert result.exit_code == 1, str(result)
    errors = parse_errors(result.stderr)
    assert errors, f"no `path:line: message` line in:\n{result.stderr}"
    for path, lines, words in expected:
        lines = {lines} if isinstance(lines, int) else lines
        mine = [e for e in errors if e[0] == path]
        assert mine, f"no error names {path}:\n{result.stderr}"
        assert any(line in lines for _, line, _ in mine), f"{path}: expected line {lines}:\n{result.stderr}"
        for word in words:
            assert any(word.lower() in message.lower() for _, _, message in mine), \
                f"{path}: message should mention {word!r}:\n{result.stderr}"
    assert "Traceback" not in result.stderr
    assert tree_digest(site / "site") == before, "the previous site/ changed"
    # Nothing beside the output but its lock file (an flock that outlives no process).
    leftovers = [p.name for p in site.iterdir() if p.name.startswith((".site.", "site.")) and p.name != ".site.lock"]
    assert leftovers == [], leftovers
    return errors


def article(*lines: str, body: str = "Body.\n") -> str:
    """A file whose front matter is LINES: the first stands on line 2."""
    return "---\n" + "".join(f"{line}\n" for line in lines) + "---\n\n" + body


def add(site: Path, relative: str, data: str | bytes) -> str:
    path = site / "content" / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8")
    return f"content/{relative}"


# ---- the file's shape -------------------------------------------------------------------


def test_no_closing_dashes(site):
    path = add(site, "en/bad.md", "---\ntitle: Broken\nposted: 2024-05-03T07:55:00+09:00\n\nBody.\n")
    fails(site, (path, 1, ("---",)))


def test_no_front_matter_at_all(site):
    path = add(site, "en/bad.md", "Just a body, no front matter.\n")
    fails(site, (path, 1, ("front matter",)))


def test_invalid_yaml(site):
    path = add(site, "en/bad.md", article("title: Broken", f"posted: {POSTED}", "section: World: Politics"))
    fails(site, (path, 4, ("YAML",)))


def test_invalid_yaml_unclosed_flow_list(site):
    path = add(site, "en/bad.md", article("title: Broken", "tags: [gaza, diplomacy", f"posted: {POSTED}"))
    fails(site, (path, {3, 4, 5}, ("YAML",)))


def test_duplicate_key(site):
    path = add(site, "en/bad.md", article("title: One", f"posted: {POSTED}", "title: Two"))
    fails(site, (path, 4, ("title",)))


@pytest.mark.parametrize("front", [["- a list", "- of things"], ["just a sentence"], ["42"]],
                         ids=["list", "string", "number"])
def test_front_matter_not_a_mapping(site, front):
    path = add(site, "en/bad.md", article(*front))
    fails(site, (path, {1, 2}, ("mapping",)))


def test_empty_front_matter(site):
    path = add(site, "en/bad.md", "---\n---\n\nBody.\n")
    fails(site, (path, {1, 2}, ()))


@pytest.mark.parametrize("text", ["", "\n\n   \n"], ids=["zero-bytes", "blank-lines"])
def test_empty_file(site, text):
    path = add(site, "en/bad.md", text)
    fails(site, (path, 1, ("empty",)))


def test_not_utf8(site):
    path = add(site, "en/bad.md", b"---\ntitle: caf\xe9 society\nposted: 2024-05-03T07:55:00+09:00\n---\n\nBody.\n")
    fails(site, (path, 2, ("UTF-8",)))


def test_utf8_with_byte_order_mark_is_fine(site):
    add(site, "en/bom.md", "\ufeff" + article("title: BOM", f"posted: {POSTED}"))
    out = build(site)
    assert (out / "en/2024/05/03/bom/index.html").is_file()


# ---- title and posted -------------------------------------------------------------------


def test_missing_title(site):
    path = add(site, "en/bad.md", article(f"posted: {POSTED}", "section: World"))
    fails(site, (path, 1, ("title",)))


@pytest.mark.parametrize("value", ['""', "{text: Headline}", "[One, Two]", "2024-05-03"],
                         ids=["empty", "mapping", "list", "date"])
def test_impossible_title(site, value):
    path = add(site, "en/bad.md", article(f"posted: {POSTED}", f"title: {value}"))
    fails(site, (path, 3, ("title",)))


def test_missing_posted(site):
    path = add(site, "en/bad.md", article("title: Undated", "section: World"))
    fails(site, (path, 1, ("posted",)))


@pytest.mark.parametrize("value", ["2024-13-45", "2024-02-30T10:00:00+09:00", "yesterday", "2024-05-03T25:00",
                                   "12", "true", "[2024-05-03]"])
def test_impossible_posted(site, value):
    path = add(site, "en/bad.md", article("title: Time travel", "section: World", f"posted: {value}"))
    fails(site, (path, 4, ("posted",)))


def test_updated_before_posted(site):
    path = add(site, "en/bad.md", article("title: Backwards", f"posted: {POSTED}", "section: World",
                                          "updated: 2024-05-02T07:55:00+09:00"))
    fails(site, (path, 5, ("updated",)))


def test_impossible_updated(site):
    path = add(site, "en/bad.md", article("title: Odd", f"posted: {POSTED}", "updated: 2024-05-32"))
    fails(site, (path, 4, ("updated",)))


# ---- fields of the wrong type -----------------------------------------------------------

WRONG_TYPES = {
    "tags-number": ("tags: 5", "tags"),
    "tags-mapping": ("tags: {a: b}", "tags"),
    "tags-nested-list": ("tags: [gaza, [diplomacy]]", "tags"),
    "draft-string": ('draft: "yes"', "draft"),
    "draft-number": ("draft: 1", "draft"),
    "correspondents-number": ("correspondents: 3", "correspondents"),
    "correspondent-without-name": ("correspondents: [{email: pep@donga.com}]", "correspondent"),
    "correspondent-email-without-at": ("correspondents: [{name: Kim, email: pep.donga.com}]", "correspondent"),
    "correspondent-name-list": ("correspondents: [{name: [Kim]}]", "correspondent"),
    "section-list": ("section: [World, Politics]", "section"),
    "section-no-letters": ('section: "!!!"', "letter"),
    "dateline-number": ("dateline: 5", "dateline"),
    "dateline-without-city": ("dateline: {local: 카이로}", "dateline"),
    "dateline-list": ("dateline: [Cairo]", "dateline"),
    "translations-list": ("translations: [https://example.org/]", "translations"),
    "translations-not-a-url": ("translations: {ko: not a url}", "translation"),
    "translations-own-language": ("translations: {en: https://example.org/x}", "translation"),
    "story-mapping": ("story: {key: value}", "story"),
    "summary-list": ("summary: [one, two]", "summary"),
    "source-not-a-url": ("source: ftp://example.org/x", "source"),
    "slug-list": ("slug: [a, b]", "slug"),
    "lang-list": ("lang: [en]", "lang"),
}


@pytest.mark.parametrize("line, key", WRONG_TYPES.values(), ids=WRONG_TYPES.keys())
def test_field_of_the_wrong_type(site, line, key):
    path = add(site, "en/bad.md", article("title: Typed", f"posted: {POSTED}", line))
    fails(site, (path, 4, (key,)))


# ---- slugs, languages, URLs and stories -------------------------------------------------


@pytest.mark.parametrize("slug", ["../../etc", "a/b", "..", "with space", "/etc/passwd", "a\\\\b", "dot.dot"])
def test_slug_that_could_escape_the_output_folder(site, slug):
    path = add(site, "en/bad.md", article("title: Escape", f"posted: {POSTED}", f'slug: "{slug}"'))
    fails(site, (path, 4, ("slug",)))
    assert not (site / "etc").exists() and not (site.parent / "etc").exists()


def test_file_name_that_is_not_a_slug(site):
    path = add(site, "en/bad name.md", article("title: Spaced", f"posted: {POSTED}"))
    fails(site, (path, 1, ("slug",)))


def test_url_parts_from_terms_stay_inside_the_output(make_site, build_site):
    site = make_site({"en/x.md": {"title": "X", "posted": POSTED, "section": "../../up",
                                  "tags": ["../../../escape", "a/b"], "dateline": "../Cairo",
                                  "correspondents": ["../../Kim"]}})
    out = build_site(site)
    assert sorted(p.name for p in site.iterdir() if not p.name.startswith(".")) == ["content", "dateline.toml", "site"]
    assert sorted(p.name for p in site.parent.iterdir()) == [site.name]
    assert (out / "en/tag/escape/index.html").is_file() and (out / "en/tag/a-b/index.html").is_file()


def test_lang_disagrees_with_folder(site):
    path = add(site, "en/bad.md", article("title: Wrong shelf", f"posted: {POSTED}", "lang: ko"))
    fails(site, (path, 4, ("lang",)))


def test_language_folder_not_in_config(site):
    path = add(site, "fr/2024/histoire.md", article("title: Histoire", f"posted: {POSTED}"))
    fails(site, (path, 1, ("fr",)))


def test_article_outside_any_language_folder(site):
    path = add(site, "stray.md", article("title: Stray", f"posted: {POSTED}"))
    fails(site, (path, 1, ()))


def test_two_articles_on_one_url(site):
    one = add(site, "en/2024/05/first.md", article("title: First", f"posted: {POSTED}", "slug: same"))
    two = add(site, "en/2024/05/second.md", article("title: Second", "posted: 2024-05-03T21:00:00+09:00", "slug: same"))
    errors = fails(site)
    clashes = [e for e in errors if e[0] in (one, two)]
    assert len(clashes) == 1, errors
    path, line, message = clashes[0]
    assert line == 4
    other = two if path == one else one
    assert other in message and "/en/2024/05/03/same/" in message


def test_two_articles_on_one_url_from_file_names(site):
    one = add(site, "en/2024/a/twin.md", article("title: First", f"posted: {POSTED}"))
    two = add(site, "en/2024/b/twin.md", article("title: Second", f"posted: {POSTED}"))
    errors = [e for e in fails(site) if e[0] in (one, two)]
    assert len(errors) == 1 and errors[0][1] == 3, errors  # the posted line fixes the URL's date


def test_static_file_that_would_replace_a_page(site):
    """A file in static/ on a page's output, a folder's index.html or a file page (robots.txt) or
    an alias's own file name, is refused, naming it; other static files are fine."""
    add(site, "en/2024/05/moved.md", article("title: Moved", f"posted: {POSTED}", "aliases: [/old/index.html]"))
    for relative in ("en/index.html", "robots.txt", "old/index.html", "en/page.html"):
        (site / "static" / relative).parent.mkdir(parents=True, exist_ok=True)
        (site / "static" / relative).write_text("static", encoding="utf-8")
    errors = fails(site, ("static/en/index.html", 1, ("replace the page /en/index.html",)),
                   ("static/robots.txt", 1, ("replace",)), ("static/old/index.html", 1, ("replace",)))
    assert not [e for e in errors if e[0] == "static/en/page.html"], errors


def test_two_articles_of_one_story_in_one_language(site):
    one = add(site, "en/2024/05/first.md", article("title: First", f"posted: {POSTED}", "story: talks"))
    two = add(site, "en/2024/05/second.md", article("title: Second", f"posted: {POSTED}", "story: talks"))
    errors = [e for e in fails(site) if e[0] in (one, two)]
    assert len(errors) == 1, errors
    path, line, message = errors[0]
    assert line == 4 and (two if path == one else one) in message


def test_first_build_that_fails_writes_no_site(make_site):
    site = make_site({"en/bad.md": "no front matter\n"})
    fails(site, ("content/en/bad.md", 1, ()))
    assert not (site / "site").exists()


# ---- several errors, one run ------------------------------------------------------------


def test_every_error_is_reported_in_one_run(site):
    a = add(site, "en/a.md", article(f"posted: {POSTED}"))
    b = add(site, "en/b.md", article("title: B", "posted: 2024-13-45"))
    c = add(site, "ko/c.md", b"---\ntitle: \xff\n---\n")
    d = add(site, "en/d.md", article("title: D", f"posted: {POSTED}", "tags: 5", 'draft: "no"',
                                     "updated: 2020-01-01T00:00:00+09:00"))
    errors = fails(site, (a, 1, ("title",)), (b, 3, ("posted",)), (c, 2, ("UTF-8",)),
                   (d, 4, ("tags",)), (d, 5, ("draft",)), (d, 6, ("updated",)))
    assert len(errors) == 6, errors
    result = cli("build", "--site", site)
    assert "6 errors" in result.stderr


def test_errors_in_file_and_line_order(site):
    add(site, "en/b.md", article("title: B", "posted: never"))
    add(site, "en/a.md", article("posted: never"))
    errors = fails(site)
    assert errors == sorted(errors, key=lambda e: (e[0], e[1]))


# ---- templates ----------------------------------------------------------------------------


def add_template(site: Path, name: str, text: str) -> str:
    path = site / "templates" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return f"templates/{name}"


def test_template_syntax_error_names_template_and_line(site):
    path = add_template(site, "article.html",
                        '{% extends "base.html" %}\n{% block main %}\n<h1>{{ article.title }}</h1>\n'
                        '{% if %}oops{% endif %}\n{% endblock %}\n')
    fails(site, (path, 4, ("template",)))


def test_template_runtime_error_names_template_and_line(site):
    path = add_template(site, "article.html",
                        '{% extends "base.html" %}\n{% block main %}\n<h1>{{ article.title }}</h1>\n'
                        '<p>{{ no_such_variable }}</p>\n{% endblock %}\n')
    fails(site, (path, 4, ("no_such_variable",)))


def test_template_error_in_a_base_template(site):
    path = add_template(site, "base.html", '<!doctype html>\n<html lang="{{ lang.code }}">\n'
                        '<title>{{ site.no_such_key }}</title>\n{% block main %}{% endblock %}\n</html>\n')
    fails(site, (path, 3, ("no_such_key",)))


def test_missing_included_template(site):
    path = add_template(site, "article.html", '<p>ok</p>\n{% include "nowhere.html" %}\n')
    fails(site, (path, 2, ("nowhere.html",)))


def test_template_arithmetic_error(site):
    path = add_template(site, "article.html", '<p>ok</p>\n<p>{{ 1 / 0 }}</p>\n')
    fails(site, (path, 2, ("template",)))


# ---- the output folder ------------------------------------------------------------------


@pytest.mark.parametrize("out", [".", "content", "templates", "SITE", "PARENT"])
def test_output_folder_that_would_swallow_the_sources_is_refused(site, out):
    add_template(site, "robots.txt", "User-agent: *\n")
    sources = {name: tree_digest(site / name) for name in ("content", "templates")}
    config = (site / "dateline.toml").read_bytes()
    target = {"SITE": str(site), "PARENT": str(site.parent)}.get(out, out)
    result = cli("build", "--site", site, "--out", target)
    assert result.exit_code in (1, 2), str(result)
    assert (site / "dateline.toml").read_bytes() == config
    assert {name: tree_digest(site / name) for name in sources} == sources


def test_output_folder_not_built_by_dateline_is_refused(site, tmp_path):
    foreign = tmp_path / "elsewhere"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me", encoding="utf-8")
    result = cli("build", "--site", site, "--out", foreign)
    assert result.exit_code == 2, str(result)
    assert result.stderr.startswith("error: --out ") and "was not built by dateline" in result.stderr
    assert (foreign / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_relative_out_is_relative_to_the_working_folder(site, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("build", "--site", site, "--out", "public")
    assert result.exit_code == 0, str(result)
    assert (tmp_path / "public" / "404.html").is_file()


# ---- config -------------------------------------------------------------------------------


def test_invalid_config_toml(site):
    text = (site / "dateline.toml").read_text(encoding="utf-8")
    (site / "dateline.toml").write_text(text + "\n[languages.fr\nname = 1\n", encoding="utf-8")
    line = text.count("\n") + 2
    fails(site, ("dateline.toml", line, ("TOML",)))


def test_unknown_timezone(site):
    text = (site / "dateline.toml").read_text(encoding="utf-8")
    (site / "dateline.toml").write_text(text.replace("Asia/Seoul", "Asia/Nowhere"), encoding="utf-8")
    fails(site, ("dateline.toml", {1, 2}, ("timezone",)))


def test_no_config(tmp_path):
    result = cli("build", "--site", tmp_path)
    assert result.exit_code == 2, str(result)
    assert result.stderr.startswith("error: no dateline.toml in ") and "Traceback" not in result.stderr


# ---- usage errors exit 2 ------------------------------------------------------------------


@pytest.mark.parametrize("args", [
    ["build", "--no-such-option"],
    ["no-such-command"],
    ["build", "--jobs", "0"],
    ["build", "--jobs", "many"],
    ["new"],
    ["init"],
    ["check", "--bogus"],
], ids=lambda a: " ".join(a))
def test_usage_error_exits_2(site, args):
    before = tree_digest(site / "site")
    result = cli(*args)
    assert result.exit_code == 2, str(result)
    assert result.stderr.strip(), "a usage error says what is wrong"
    assert tree_digest(site / "site") == before


# ---- markup in metadata is text, everywhere -----------------------------------------------

SCRIPT = "</script><script>alert(1)</script>"
HOSTILE = {
    "title": f'{SCRIPT} & <em class="pwn-title">"quoted"</em>',
    "section": '<em class="pwn-section">World</em>',
    "tags": ['<em class="pwn-tag">Gaza</em>', "a&b"],
    "dateline": {"city": '<em class="pwn-city">Cairo</em>', "local": '<em class="pwn-local">카이로</em>'},
    "correspondents": [{"name": '<em class="pwn-name">Kim</em>', "local": '<em class="pwn-byline-local">김</em>',
                        "email": 'kim@example.com"><em class="pwn-email">x</em>', "role": '<em class="pwn-role">r</em>'}],
    "summary": f'<em class="pwn-summary">Summary</em> {SCRIPT}',
    "story": "hostile",
    "translations": {"fr": 'https://fr.example.org/"><em class="pwn-translation">x</em>'},
}
TYPESET_TITLE = smarten(HOSTILE["title"], "")  # headlines get curly quotes: as text, never markup


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    from conftest import write_site

    articles = {
        "en/2024/05/hostile.md": ({**HOSTILE, "posted": POSTED}, "A plain body.\n"),
        "ko/2024/05/hostile.md": ({"title": f"한국어 {SCRIPT}", "posted": POSTED, "story": "hostile",
                                   "correspondents": HOSTILE["correspondents"]}, "본문.\n"),
    }
    return build(write_site(tmp_path_factory.mktemp("hostile") / "paper", articles))


HOSTILE_URL = "/en/2024/05/03/hostile/"


def test_no_markup_from_metadata_on_any_page(hostile):
    pages = html_pages(hostile)
    assert len(pages) > 10
    for path, file in pages.items():
        soup = parse_html(file)
        injected = [el for el in soup.find_all(True) if any(c.startswith("pwn-") for c in el.get("class", []))]
        assert injected == [], f"{path}: {injected}"
        for script in soup.find_all("script"):
            # the theme's own script is a file of its own; anything else must be JSON-LD data
            if script.get("src", "").endswith("/assets/sections.js"):
                continue
            assert script.get("type") == "application/ld+json", f"{path}: injected {script}"
            assert "alert" not in (script.get("src") or "")
        raw = file.read_text(encoding="utf-8")
        assert "<script>alert" not in raw, path


def test_metadata_shows_as_literal_text(hostile):
    soup = page(hostile, HOSTILE_URL)
    assert soup.body.find("h1").get_text() == TYPESET_TITLE
    assert TYPESET_TITLE in soup.title.get_text()
    text = soup.body.get_text()
    for literal in ('<em class="pwn-section">World</em>', '<em class="pwn-tag">Gaza</em>', "a&b",
                    '<em class="pwn-city">Cairo</em>', '<em class="pwn-name">Kim</em>'):
        assert literal in text, literal
    og_title = soup.find("meta", attrs={"property": "og:title"})["content"]
    assert og_title == TYPESET_TITLE
    mailto = [a["href"] for a in soup.body.find_all("a", href=True) if a["href"].startswith("mailto:")]
    assert mailto and all(h == "mailto:" + HOSTILE["correspondents"][0]["email"] for h in mailto)


def test_json_ld_survives_a_closing_script_tag(hostile):
    soup = page(hostile, HOSTILE_URL)
    raw = (hostile / HOSTILE_URL.strip("/") / "index.html").read_text(encoding="utf-8")
    assert SCRIPT not in raw
    objects = json_ld(soup)
    assert len(objects) == 1
    data = objects[0]
    assert data["headline"] == TYPESET_TITLE
    assert data["description"] == HOSTILE["summary"]
    assert data["articleSection"] == HOSTILE["section"]
    authors = data["author"] if isinstance(data["author"], list) else [data["author"]]
    assert authors[0]["name"] == HOSTILE["correspondents"][0]["name"]
    assert authors[0]["email"] == HOSTILE["correspondents"][0]["email"]
    location = data["locationCreated"]
    assert (location["name"] if isinstance(location, dict) else location) == HOSTILE["dateline"]["city"]
    assert data["keywords"] == HOSTILE["tags"]
    korean = json_ld(page(hostile, "/ko/2024/05/03/hostile/"))
    assert korean[0]["headline"] == f"한국어 {SCRIPT}"


def test_listing_pages_escape_metadata(hostile):
    for path in ("/en/", "/", "/en/2024/05/", "/en/section/em-class-pwn-section-world-em/"):
        soup = page(hostile, path)
        titles = [a.get_text() for a in soup.body.find_all("a", href=True) if a["href"] == HOSTILE_URL]
        assert TYPESET_TITLE in titles, path


def test_feed_and_sitemap_escape_metadata(hostile):
    atom = "{http://www.w3.org/2005/Atom}"
    feed = etree.parse(str(hostile / "en/feed.xml")).getroot()
    entry = feed.find(f"{atom}entry")
    assert entry.findtext(f"{atom}title") == TYPESET_TITLE
    assert entry.find(f"{atom}author").findtext(f"{atom}name") == HOSTILE["correspondents"][0]["name"]
    assert not any(el.tag.endswith("}em") or el.tag == "em" for el in feed.iter())
    sitemap = etree.parse(str(hostile / "sitemap.xml")).getroot()
    assert not any(el.tag.endswith("}em") or el.tag == "em" for el in sitemap.iter())
