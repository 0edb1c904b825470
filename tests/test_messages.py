"""Messages a person can act on: YAML mistakes in plain words at their own line, template errors
that name the article, the template variables documented, `dateline theme export`, and every
usage error as `error: ...` with exit status 2."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from conftest import REPO, build, cli, parse_errors, tree_digest

from dateline.build import load_site
from dateline.config import load_config
from dateline.render import Renderer, page_context
from dateline.views import ArticleView, Counterpart, Moment, TermLink

POSTED = "2024-05-03T07:55:00+09:00"
GOOD = {
    "en/2024/05/talks.md": {"title": "Talks resume", "posted": POSTED, "section": "World", "tags": ["Gaza"],
                            "dateline": {"city": "Cairo", "local": "카이로"}, "correspondents": ["Kim Ki-yun"],
                            "story": "talks"},
    "ko/2024/05/talks.md": {"title": "협상 재개", "posted": POSTED, "story": "talks"},
}


@pytest.fixture
def site(make_site) -> Path:
    folder = make_site(GOOD)
    build(folder)
    return folder


def build_fails_with(site: Path, relative: str, text: str) -> tuple[int, str]:
    """Write content/RELATIVE, build, expect exit 1 naming only that file; the previous site/ stays."""
    (site / "content" / relative).write_text(text, encoding="utf-8")
    before = tree_digest(site / "site")
    result = cli("build", "--site", site)
    assert result.exit_code == 1, str(result)
    assert "Traceback" not in result.stderr
    [(path, line, message)] = parse_errors(result.stderr)
    assert path == f"content/{relative}"
    assert tree_digest(site / "site") == before
    return line, message


# ---- YAML ---------------------------------------------------------------------------------


@pytest.mark.parametrize("front, line, message", [
    (f"title: Talks\ncorrespondents:\n\t- Kim Ki-yun\nposted: {POSTED}\n", 4,
     "a tab in the indentation; YAML indents with spaces only: replace the tab with spaces"),
    (f"title: Talks\ndateline:\n  city: Cairo\n\tlocal: 카이로\nposted: {POSTED}\n", 5, "a tab in the indentation"),
    (f"posted: {POSTED}\ntitle: Breaking: talks resume\nsection: World\n", 3,
     """the value of 'title' holds a colon followed by a space: put it in quotes: title: "Breaking: talks resume\""""),
    (f"title: \"Talks resume\nposted: {POSTED}\nsection: World\ntags: [gaza]\n", 2,
     'the " quote opened on this line is never closed: end the value with "'),
    (f"posted: {POSTED}\nsummary: 'Talks resume\nsection: World\n", 3, "the ' quote opened on this line is never closed"),
    (f"title: \"Kim says \"no\" to talks\"\nposted: {POSTED}\n", 2,
     "the value of 'title' goes on after its closing quote: quote the whole value with the other quote mark: "
     "title: 'Kim says \"no\" to talks'"),
    (f"title: Talks\ntags: [gaza, diplomacy\nposted: {POSTED}\nsection: World\n", 3,
     "the [ opened on this line is never closed with ]"),
    (f"title: '@home' talks\nposted: {POSTED}\n", 2, "the value of 'title' goes on after its closing quote"),
    (f"title: @home\nposted: {POSTED}\n", 2, """a value cannot start with '@': put it in quotes: title: "@home\""""),
    (f"title: - talks\nposted: {POSTED}\n", 2, "a value that starts with '- ' is read as a list: put it in quotes"),
    (f"title: Talks\n  posted: {POSTED}\n", 3, "this line is indented, but the key above it already has its value"),
], ids=["tab-list", "tab-mapping", "colon", "unclosed-double", "unclosed-single", "inner-quotes", "unclosed-list",
        "after-quote", "at-sign", "dash", "indent"])
def test_a_yaml_mistake_is_named_in_plain_words_at_its_line(site, front, line, message):
    found_line, found = build_fails_with(site, "en/2024/05/bad.md", f"---\n{front}---\n\nBody.\n")
    assert (found_line, found) == (line, f"invalid YAML in front matter: {message}") or \
        (found_line == line and found.startswith(f"invalid YAML in front matter: {message}")), found


def test_the_quoted_fix_is_valid_yaml(site, build_site):
    line, message = build_fails_with(site, "en/2024/05/bad.md", f"---\ntitle: Breaking: talks\nposted: {POSTED}\n---\n\nBody.\n")
    fixed = message.rsplit("put it in quotes: ", 1)[1]
    (site / "content/en/2024/05/bad.md").write_text(f"---\n{fixed}\nposted: {POSTED}\n---\n\nBody.\n", encoding="utf-8")
    build_site(site)


# ---- templates ----------------------------------------------------------------------------


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_template_error_names_the_template_its_line_and_the_article(site, jobs):
    (site / "templates").mkdir(exist_ok=True)
    (site / "templates/article.html").write_text(
        '{% extends "base.html" %}\n{% block main %}\n<h1>{{ article.title }}</h1>\n'
        '{% if article.lang == "ko" %}{{ article.extra.photo_credit }}{% endif %}\n{% endblock %}\n', encoding="utf-8")
    before = tree_digest(site / "site")
    result = cli("build", "--site", site, "--jobs", jobs)
    assert result.exit_code == 1, str(result)
    [(path, line, message)] = parse_errors(result.stderr)
    assert (path, line) == ("templates/article.html", 4)
    assert message.startswith("template error: UndefinedError: ") and "'photo_credit'" in message
    assert message.endswith("(rendering content/ko/2024/05/talks.md)")
    assert tree_digest(site / "site") == before


def test_every_template_variable_is_documented(site):
    """docs/templates.md names every variable of every page's context and every field of the views."""
    docs = (REPO / "docs/templates.md").read_text(encoding="utf-8")
    config = load_config(site)
    index = load_site(config)
    renderer = Renderer(index, {})
    missing = set()
    for page in index.pages:
        context = page_context(renderer, page)
        missing |= {key for key in context if f"`{key}" not in docs}
        for nested in ("site", "page"):
            missing |= {f"{nested}.{key}" for key in context[nested] if f"`{nested}.{key}`" not in docs}
        missing |= {f"editions.{key}" for edition in context["site"]["editions"] for key in edition if f"`{key}`" not in docs}
    for view in (ArticleView, TermLink, Counterpart, Moment):
        names = [field.name for field in dataclasses.fields(view)] + [name for name, value in vars(view).items()
                                                                       if isinstance(value, property)]
        missing |= {f"{view.__name__}.{name}" for name in names if f"`{name}`" not in docs}
    assert not missing, f"not in docs/templates.md: {sorted(missing)}"


# ---- dateline theme export ----------------------------------------------------------------


def test_theme_export_copies_the_theme_and_the_site_builds_the_same(site, tmp_path):
    plain = build(site, "--out", tmp_path / "plain")
    result = cli("theme", "export", site)
    assert result.exit_code == 0, str(result)
    theme = REPO / "src/dateline/theme"
    for folder in ("templates", "static"):
        expected = sorted(p.relative_to(theme / folder) for p in (theme / folder).rglob("*") if p.is_file())
        assert sorted(p.relative_to(site / folder) for p in (site / folder).rglob("*") if p.is_file()) == expected
    themed = build(site, "--out", tmp_path / "themed")
    assert tree_digest(themed) == tree_digest(plain)


def test_theme_export_refuses_to_overwrite_without_force(site):
    mine = site / "templates/article.html"
    mine.parent.mkdir(exist_ok=True)
    mine.write_text("<p>{{ article.title }}</p>\n", encoding="utf-8")
    result = cli("theme", "export", site)
    assert result.exit_code == 1, str(result)
    assert result.stderr == f"error: {mine} already exists; use --force to overwrite\n"
    assert mine.read_text(encoding="utf-8") == "<p>{{ article.title }}</p>\n"
    assert not (site / "templates/base.html").exists(), "nothing is written when anything would be overwritten"
    assert cli("theme", "export", site, "--force").exit_code == 0
    assert mine.read_bytes() == (REPO / "src/dateline/theme/templates/article.html").read_bytes()


# ---- exit statuses --------------------------------------------------------------------------


@pytest.mark.parametrize("args, message", [
    (["build", "--base-url", "example.com/news/"], "--base-url must be an absolute http(s) URL, got 'example.com/news/'"),
    (["build", "--out", "content"], "is inside the site's sources"),
    (["build", "--out", "."], "holds the site itself"),
    (["build", "--jobs", "0"], "Invalid value for '--jobs'"),
    (["build", "--bogus"], "No such option '--bogus'"),
    (["bogus"], "No such command 'bogus'"),
    (["check", "--base-url", "nope"], "--base-url must be an absolute http(s) URL"),
    (["check", "--out", "templates"], "is inside the site's sources"),
    (["new"], "Missing argument 'TITLE'"),
    (["new", "Bonjour", "--lang", "fr"], "--lang 'fr' is not one of this site's languages (en, ko)"),
    (["new", "!!!"], "cannot make a slug from '!!!'"),
    (["new", "Talks", "--slug", "a/b"], "--slug 'a/b' may hold only letters, digits and '-'"),
    (["build", "--base-url", "https://exa mple.com/"], "--base-url must be an absolute http(s) URL"),
    (["build", "--base-url", "https://example.com:99999/"], "--base-url must be an absolute http(s) URL"),
    (["import", "--lang", "fr", "raw.txt"], "'fr' is not one of this site's languages (en, ko)"),
    (["serve", "--out", "content"], "is inside the site's sources"),
    (["serve", "--out", "site"], "serve builds into a folder of its own"),
    (["serve", "--base-url", "localhost"], "--base-url must be an absolute http(s) URL"),
    (["serve", "--port", "99999"], "Invalid value for '--port'"),
    (["deploy"], "say where to deploy"),
    (["theme", "export", "dateline.toml"], "is a file"),
    (["init"], "Missing argument 'DIRECTORY'"),
], ids=lambda value: "-".join(value) if isinstance(value, list) else None)
def test_a_usage_error_exits_2_with_error_and_changes_nothing(site, monkeypatch, args, message):
    monkeypatch.chdir(site)
    before = {name: tree_digest(site / name) for name in ("content", "templates", "site")}
    result = cli(*args)
    assert result.exit_code == 2, str(result)
    assert result.stderr.startswith("error: ") and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and "Usage:" not in result.stderr and not parse_errors(result.stderr)
    assert {name: tree_digest(site / name) for name in before} == before


def test_no_site_here_is_a_usage_error_for_every_command(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for args in (["build"], ["check"], ["new", "Talks"], ["serve"], ["deploy", "file:///tmp/x"], ["import", "raw.txt"]):
        result = cli(*args)
        assert result.exit_code == 2, f"{args}: {result}"
        assert re.match(r"error: no dateline\.toml in .*\(is --site pointing at a dateline site\?\)", result.stderr), \
            result.stderr


def test_a_folder_that_cannot_be_written_is_an_error_not_a_traceback(site):
    for args in (["theme", "export", site / "dateline.toml" / "theme"], ["init", site / "dateline.toml" / "paper"]):
        result = cli(*args)
        assert result.exit_code == 1, str(result)
        assert result.stderr.startswith("error: ") and "Not a directory" in result.stderr, result.stderr
