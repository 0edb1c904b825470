"""What the rendering shortcuts must not change: `{% cache %}` fragments follow their keys and never
outlive a build, a site's own base.html without them still works, and the faster character scan,
output call and JSON-LD writer give what the plain ones give."""

from __future__ import annotations

import json
import pickle

import jinja2
import pytest
from conftest import cli, parse_errors, tree_digest
from markupsafe import Markup, escape

from dateline.build import Change, SiteBuilder, load_site
from dateline.characters import INVALID_CHARACTERS, has_invalid_characters
from dateline.config import load_config
from dateline.index import PageKind
from dateline.render import Renderer, json_for_script, make_environment, print_html, printable, render_order
from dateline.views import Record

STORIES = {
    "en/2024/05/talks.md": {"title": "Talks resume", "posted": "2024-05-03 09:00", "section": "World",
                            "tags": ["diplomacy"], "summary": "Envoys meet again."},
    "en/2024/05/budget.md": {"title": "Budget passes", "posted": "2024-05-02 09:00", "section": "Economy",
                             "tags": ["diplomacy"], "summary": "The vote was close."},
}


def cards(soup) -> list[str]:
    return [a.get_text() for a in soup.select("article.card .card-title a")]


def current_sections(soup) -> list[str]:
    return [a.get_text() for a in soup.select("nav.sections a[aria-current]")]


def test_each_page_marks_its_own_section_and_lists_share_cards(make_site, build_site, html):
    out = build_site(make_site(STORIES))
    world, economy = html(out / "en/section/world/index.html"), html(out / "en/section/economy/index.html")
    assert current_sections(world) == ["World"] and current_sections(economy) == ["Economy"]
    home = html(out / "en/index.html")
    assert current_sections(home) == ["Home"]
    # The same card on the tag page as on the section pages, in the tag page's order.
    assert cards(html(out / "en/tag/diplomacy/index.html")) == ["Talks resume", "Budget passes"]
    assert cards(world) == ["Talks resume"] and cards(economy) == ["Budget passes"]
    article = html(out / "en/2024/05/03/talks/index.html")
    assert current_sections(article) == ["World"]
    assert article.select_one("footer.site-footer .footer-title").get_text() == "The Test Times"
    korean = html(out / "ko/index.html")
    assert korean.select_one("footer.site-footer .footer-title").get_text() == "테스트 타임스"


def test_a_rebuild_in_the_same_process_shows_the_edit_on_every_card_and_masthead(make_site, html):
    """The dev server keeps its template environment between builds: no fragment may survive."""
    site = make_site(STORIES)
    builder = SiteBuilder(load_config(site), jobs=1, persist=False)
    builder.build()
    out = site / "site"
    assert cards(html(out / "en/tag/diplomacy/index.html")) == ["Talks resume", "Budget passes"]
    story = site / "content/en/2024/05/talks.md"
    story.write_text(story.read_text(encoding="utf-8").replace("Talks resume", "Talks break down")
                     .replace("section: World", "section: Asia"), encoding="utf-8")
    builder.build(Change(content=frozenset({story})))
    assert cards(html(out / "en/tag/diplomacy/index.html")) == ["Talks break down", "Budget passes"]
    article = html(out / "en/2024/05/03/talks/index.html")
    assert [a.get_text() for a in article.select("nav.sections a")] == ["Home", "Asia", "Economy"]
    assert current_sections(article) == ["Asia"]
    assert [a.get_text() for a in html(out / "en/index.html").select("footer.site-footer .footer-links a")][:2] \
        == ["Asia", "Economy"]


def test_a_site_template_cache_tag_reuses_output_per_key(make_site, build_site):
    base = ("<!doctype html><html><body>{% cache page.kind %}<p id='kind'>{{ page.path }}</p>{% endcache %}"
            "{% cache page.path %}<p id='path'>{{ page.path }}</p>{% endcache %}{% block main %}{% endblock %}</body></html>")
    out = build_site(make_site(STORIES, templates={"base.html": base}))
    tag = (out / "en/tag/diplomacy/index.html").read_text(encoding="utf-8")
    world = (out / "en/section/world/index.html").read_text(encoding="utf-8")
    economy = (out / "en/section/economy/index.html").read_text(encoding="utf-8")
    assert "<p id='path'>/en/tag/diplomacy/</p>" in tag and "<p id='path'>/en/section/economy/</p>" in economy
    # Keyed on the kind alone: the two section pages print the first one's fragment.
    kind_world = world.split("<p id='kind'>")[1].split("</p>")[0]
    assert kind_world == economy.split("<p id='kind'>")[1].split("</p>")[0]
    assert kind_world in ("/en/section/world/", "/en/section/economy/")


def test_a_site_base_html_without_cache_tags_renders_as_before(make_site, build_site, html):
    base = ("<!doctype html><html lang='{{ lang.code }}'><head><title>{{ title }}</title></head><body>"
            "<nav>{% for section in sections %}<a href='{{ section.url }}'>{{ section.name }}</a>{% endfor %}</nav>"
            "<main>{% block main %}{% endblock %}</main>"
            "<footer>{{ site.title }} {{ t.copyright.format(publisher=site.publisher) }}</footer></body></html>")
    out = build_site(make_site(STORIES, templates={"base.html": base}))
    page = html(out / "en/section/world/index.html")
    assert [a.get_text() for a in page.select("nav a")] == ["Economy", "World"]
    assert cards(page) == ["Talks resume"]
    assert page.select_one("footer").get_text() == "The Test Times © The Test Times. All rights reserved."


def test_a_cache_tag_outside_a_build_just_renders(tmp_path):
    (tmp_path / "dateline.toml").write_text('base_url = "https://example.com/"\n', encoding="utf-8")
    env = make_environment(load_config(tmp_path))
    template = env.from_string("{% for n in [1, 2] %}{% cache 'same' %}{{ n }}{% endcache %}{% endfor %}")
    assert template.render() == "12"


@pytest.mark.parametrize("code", [0x00, 0x08, 0x09, 0x0A, 0x0B, 0x0D, 0x1F, 0x20, 0x7E, 0x7F, 0x9F, 0xA0, 0xD7FF, 0xD800,
                                  0xDFFF, 0xE000, 0xFDCF, 0xFDD0, 0xFDEF, 0xFDF0, 0xFFFD, 0xFFFE, 0xFFFF, 0x10000,
                                  0x1FFFD, 0x1FFFE, 0x1FFFF, 0x10FFFD, 0x10FFFE, 0x10FFFF])
def test_the_fast_scan_finds_what_the_pattern_finds(code):
    for text in (chr(code), f"Seoul 한국 “{chr(code)}” end\n", "\U0001F600 " + chr(code)):
        assert has_invalid_characters(text) == bool(INVALID_CHARACTERS.search(text))


def test_json_ld_is_written_as_json_dumps_writes_it():
    value = {"@context": "https://schema.org", "headline": "“Talks” & </script> 한국\n\u2028", "n": 3, "draft": False,
             "none": None, "author": [{"name": "Kim"}, {}], "keywords": (), "nested": {"deep": [[1, True]]}}
    expected = json.dumps(value, ensure_ascii=False, indent=2)
    for ch, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028")):
        expected = expected.replace(ch, escaped)
    assert str(json_for_script(value)) == expected
    assert json.loads(str(json_for_script(value))) == json.loads(json.dumps(value))
    # What the fast writer leaves to json.dumps: floats, keys that are not strings.
    assert str(json_for_script({1: 2.5})) == json.dumps({1: 2.5}, indent=2)


def test_record_reads_as_a_mapping_and_by_attribute():
    record = Record(kind="tag", items="shadowed?", number=2)
    assert record["items"] == "shadowed?" and callable(record.items)  # a dict's method wins, as in Jinja
    assert record.kind == "tag" and record == {"kind": "tag", "items": "shadowed?", "number": 2}
    again = pickle.loads(pickle.dumps(record))
    assert again.number == 2 and again == record


@pytest.mark.parametrize(("inside", "line", "message"), [
    ("{% cache page.kind %}\n<p>{{ page.path }}</p>\n{{ article.missing }}\n{% endcache %}", 5, "UndefinedError"),
    ("{% cache %}\n<p>{{ page.path }}</p>\n{% endcache %}", 3, "TemplateSyntaxError"),
])
def test_a_mistake_in_a_cached_fragment_names_its_template_and_line(make_site, build_site, inside, line, message):
    site = make_site(STORIES)
    build_site(site)
    before = tree_digest(site / "site")
    (site / "templates").mkdir(exist_ok=True)
    (site / "templates/article.html").write_text(
        '{% extends "base.html" %}\n{% block main %}\n' + inside + "\n{% endblock %}\n", encoding="utf-8")
    result = cli("build", "--site", site)
    assert result.exit_code == 1, str(result)
    [(path, found_line, text)] = parse_errors(result.stderr)[:1]
    assert (path, found_line) == ("templates/article.html", line)
    assert text.startswith(f"template error: {message}")
    assert tree_digest(site / "site") == before


def test_views_and_fragments_started_over_mid_build_change_no_byte(make_site, build_site, tmp_path, monkeypatch):
    """A renderer drops its article views and fragments every KEPT_VIEWS views (render.py): pages
    rendered after the drop are the same bytes."""
    site = make_site({**STORIES, **{f"en/2024/04/brief-{n}.md": {
        "title": f"Brief {n}", "posted": f"2024-04-{n + 1:02d} 09:00", "section": "World", "tags": ["diplomacy"]}
        for n in range(6)}})
    whole = tree_digest(build_site(site, "--out", tmp_path / "whole", "--jobs", "1"))
    monkeypatch.setattr("dateline.render.KEPT_VIEWS", 1)
    SiteBuilder(load_config(site, out_dir=tmp_path / "dropped"), jobs=1, persist=False).build()
    assert tree_digest(tmp_path / "dropped") == whole


class _Html:
    def __html__(self):
        return "<b>\x01 as is</b>"

    def __repr__(self):  # a test id: the same in every xdist worker
        return "_Html()"


class _Text(str):
    pass


PRINTED = ["plain", "“quoted” & <b>'s\" 한국", "bad \x01\x7f\ufffe\n end", Markup("<i>ok</i>\n"),
           Markup("<i>bad \x08</i>"), 7, -3, True, None, 2.5, _Html(), _Text("sub <\x01>"), ("a", "<")]


@pytest.mark.parametrize("value", PRINTED, ids=repr)
def test_print_html_prints_what_escape_of_printable_prints(value):
    assert print_html(value) == str(escape(printable(value)))


def test_templates_print_as_jinja_prints_them(tmp_path):
    """The environment's own code generator against Jinja's, on a template using most ways to print."""
    (tmp_path / "dateline.toml").write_text('base_url = "https://example.com/"\n', encoding="utf-8")
    ours = make_environment(load_config(tmp_path))
    plain = jinja2.Environment(autoescape=True, finalize=printable, trim_blocks=True, lstrip_blocks=True,
                               undefined=jinja2.StrictUndefined)
    source = """{% macro m(x) %}<i>{{ x }}</i>{% if caller is defined %}{{ caller() }}{% endif %}{% endmacro %}
{% set block %}<s>{{ values[1] }}</s>{% endset %}
{% for v in values %}[{{ v }}|{{ v | string }}|{{ loop.index }}]{% endfor %}
{{ m(values[2]) }}{% call m(values[0]) %}{{ values[3] }}\x02{% endcall %}{{ block }}
{% filter upper %}{{ values[1] }}{% endfilter %}{% autoescape false %}{{ values[1] }}{% endautoescape %}
{{ values | length }}{{ values[0] ~ values[1] }}"""
    assert ours.from_string(source).render(values=PRINTED) == plain.from_string(source).render(values=PRINTED)


def _months_of_stories() -> dict:
    """Four articles a month over three months, in two sections and a tag running through them."""
    return {f"en/2024/{month:02d}/story-{n}.md": {
        "title": f"Story {month} {n}", "posted": f"2024-{month:02d}-{n + 1:02d} 09:00",
        "section": ["World", "Economy"][n % 2], "tags": ["diplomacy"] if n < 2 else []}
        for month in (1, 3, 5) for n in range(4)}


def test_render_order_puts_pages_showing_the_same_days_together(make_site):
    index = load_site(load_config(make_site(_months_of_stories(), per_page=2)))
    ordered = render_order(index, index.pages)
    assert sorted(p.output for p in ordered) == sorted(p.output for p in index.pages)

    def oldest(page):  # over every article shown, where render_order looks at a list's ends
        shown = (page.key,) if page.kind == PageKind.ARTICLE else page.sources
        return min((index.articles[s].posted for s in shown if s in index.articles), default=None)

    times = [oldest(p) for p in ordered if p.kind != PageKind.SITEMAP]
    showing = [t for t in times if t is not None]
    assert times == [None] * (len(times) - len(showing)) + showing  # pages showing no article first
    assert showing == sorted(showing) and len(set(showing)) > 3
    # a month's sitemap part goes with the month's pages, not with the pages that show no article
    month_parts = [n for n, p in enumerate(ordered) if p.kind == PageKind.SITEMAP and p.key.startswith("en-2024-")]
    months = [n for n, p in enumerate(ordered) if p.kind == PageKind.MONTH and p.number == 1]
    assert len(month_parts) == len(months) == 3
    assert [ordered[n].key for n in month_parts] == ["en-2024-01", "en-2024-03", "en-2024-05"]
    assert months[0] < month_parts[0] < months[1] < month_parts[1] < months[2] < month_parts[2]


def test_render_order_makes_fewer_views_than_path_order(make_site, monkeypatch):
    """What render_order is for: a renderer that keeps few views makes fewer of them."""
    index = load_site(load_config(make_site(_months_of_stories(), per_page=2)))
    monkeypatch.setattr("dateline.render.KEPT_VIEWS", 4)
    made = {}
    for name, pages in (("path", sorted(index.pages, key=lambda p: p.path)), ("render", render_order(index, index.pages))):
        renderer = Renderer(index, bodies={s: "<p>Text.</p>" for s in index.articles})
        make_view = renderer.make_view
        made[name] = 0

        def counted(source, make_view=make_view, name=name):
            made[name] += 1
            return make_view(source)

        renderer.make_view = counted
        for page in pages:
            renderer.render(page)
    assert made["render"] < made["path"], made
