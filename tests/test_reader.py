"""What readers and share cards see (issue 15): summaries, house styles for times and bylines,
provenance, listing pages' context and metadata, the archive, the logo, typesetting."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import REPO, cli, html_pages, json_ld, page, parse_errors

from dateline.bodies import render_markdown, summarize
from dateline.i18n import format_moment

BASE = "https://news.example.com/"
SEOUL = ZoneInfo("Asia/Seoul")


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("reader") / "site"
    result = cli("build", "--site", REPO, "--out", folder, "--quiet")
    assert result.exit_code == 0, str(result)
    return folder


# ---- summaries ----------------------------------------------------------------------------


def test_summary_keeps_whole_sentences_within_the_budget():
    first = "Negotiators met in Cairo on Thursday."
    text = f"{first} {'They talked for a long time about many things that did not matter in the end.' * 3}"
    assert summarize(text) == first


def test_summary_cuts_a_long_sentence_at_a_word_without_doubled_punctuation():
    text = "Opinions differ, " + "and the parties argued about every single clause of the draft, " * 5 + "opinions."
    summary = summarize(text)
    assert len(summary) <= 160 and summary.endswith("…")
    assert summary[-2] not in ".,;: " and text.startswith(summary[:-1])


def test_korean_summary_has_a_comparable_budget():
    sentence = "미국 연방준비제도가 기준금리를 동결하고 인플레이션 둔화에 대한 확신이 필요하다고 밝혔다."
    summary = summarize(" ".join([sentence] * 4))
    assert summary == " ".join([sentence] * 2) and len(summary) <= 100


def test_short_text_is_its_own_summary():
    assert summarize("The won fell.") == "The won fell."


def test_sample_front_page_decks_are_short(out):
    decks = [p.get_text() for p in page(out, "/en/").select(".card-summary")]
    assert decks and all(len(d) <= 160 for d in decks)
    assert not any(d.endswith((".…", ",…")) for d in decks)


# ---- times and bylines --------------------------------------------------------------------


@pytest.mark.parametrize(("hour", "minute", "english"), [
    (7, 55, "Sept. 3, 2024, 7:55 a.m. KST"), (0, 0, "Sept. 3, 2024, midnight KST"),
    (12, 0, "Sept. 3, 2024, noon KST"), (19, 0, "Sept. 3, 2024, 7 p.m. KST"),
])
def test_times_in_house_styles(hour, minute, english):
    moment = dt.datetime(2024, 9, 3, hour, minute, tzinfo=SEOUL)
    assert format_moment(moment, "en", "en_US") == english
    assert format_moment(moment, "ko", "ko_KR") == f"2024-09-03 {hour:02d}:{minute:02d}"
    assert format_moment(moment, "en", "en_US", "long") == f"September 3, 2024, {hour:02d}:{minute:02d} KST"


def test_date_style_per_edition_and_a_wrong_one_is_an_error(make_site, build_site, run_cli):
    article = {"title": "T", "posted": "2024-05-03T07:55:00+09:00"}
    site = make_site({"en/2024/05/t.md": article}, name="styled")
    config = site / "dateline.toml"
    config.write_text(config.read_text().replace("[languages.en]", '[languages.en]\ndate_style = "numeric"'))
    out = build_site(site)
    assert page(out, "/en/2024/05/03/t/").find("time").get_text() == "2024-05-03 07:55"
    config.write_text(config.read_text().replace('"numeric"', '"fancy"'))
    result = run_cli("build", "--site", site)
    assert result.exit_code == 1
    assert "date_style must be one of ap, numeric, long, got 'fancy'" in result.stderr
    assert page(out, "/en/2024/05/03/t/")  # the previous site is still there


def test_byline_without_a_role_gets_the_editions_default(make_site, build_site):
    article = {"title": "T", "posted": "2024-05-03T07:55:00+09:00", "correspondents": ["Jane Roe"]}
    out = build_site(make_site({"en/2024/05/t.md": article}))
    assert page(out, "/en/2024/05/03/t/").select_one(".byline .role").get_text() == "Staff Writer"


def test_unsigned_editorial_is_the_editorial_board(out):
    soup = page(out, "/en/2024/04/18/editorial-aid-access/")
    assert soup.select_one(".byline").get_text(strip=True) == "The Editorial Board"
    (data,) = json_ld(soup)
    assert data["author"]["@type"] == "Organization" and data["author"]["name"] == "The Editorial Board"


def test_updated_only_when_it_differs(out):
    soup = page(out, "/en/2024/05/03/israel-hamas-ceasefire-stalemate/")
    assert soup.select(".times .updated") == []


def test_correspondent_page_names_the_role_once(out):
    soup = page(out, "/en/correspondent/kim-ki-yun/")
    header = soup.select_one(".profile-header")
    assert header.select_one(".kicker").get_text() == "Correspondent"
    assert header.get_text().count("Correspondent") == 1


# ---- provenance ---------------------------------------------------------------------------


def test_translation_and_original_say_so(out):
    en = page(out, "/en/2024/05/03/israel-hamas-ceasefire-stalemate/")
    ko = page(out, "/ko/2024/05/03/israel-hamas-ceasefire-stalemate/")
    assert en.select_one(".provenance").get_text() == "Translated from the Korean original"
    assert "영어" in ko.select_one(".provenance").get_text()


def test_external_counterpart_is_marked(make_site, build_site):
    article = {"title": "T", "posted": "2024-05-03T07:55:00+09:00", "translations": {"fr": "https://fr.example/t/"}}
    out = build_site(make_site({"en/2024/05/t.md": article}))
    item = page(out, "/en/2024/05/03/t/").select_one(".translations li")
    assert item.select_one(".external").get_text() == "(on another site)"


# ---- listing pages: context and metadata ----------------------------------------------------


@pytest.mark.parametrize(("path", "other"), [
    ("/en/correspondent/kim-ki-yun/", "/ko/correspondent/kim-ki-yun/"),
    ("/en/dateline/cairo/", "/ko/dateline/cairo/"),
    ("/en/2024/05/", "/ko/2024/05/"),
    ("/en/dateline/tokyo/", None),
])
def test_language_switch_and_hreflang_keep_the_lists_context(out, path, other):
    soup = page(out, path)
    switch = soup.select_one('.edition-switch a[hreflang="ko"]')["href"]
    alternates = {link["hreflang"]: link["href"] for link in soup.head.find_all("link", rel="alternate", hreflang=True)}
    if other:
        assert switch == other
        assert alternates == {"en": BASE.rstrip("/") + path, "ko": BASE.rstrip("/") + other}
    else:
        assert switch == "/ko/"
        assert alternates == {}


def test_every_html_page_has_open_graph(out):
    for path in html_pages(out):
        soup = page(out, path)
        if soup.find("meta", attrs={"http-equiv": "refresh"}) or path.endswith("404.html"):
            continue
        props = {m["property"]: m["content"] for m in soup.head.find_all("meta", property=True)}
        for key in ("og:title", "og:url", "og:description", "og:site_name", "og:locale"):
            assert props.get(key), f"{path}: no {key}"


def test_home_is_a_website_of_a_news_organization_with_a_logo(out):
    (data,) = json_ld(page(out, "/en/"))
    types = {node["@type"]: node for node in data["@graph"]}
    assert types["WebSite"]["url"] == BASE + "en/"
    assert types["NewsMediaOrganization"]["logo"]["url"] == BASE + "assets/logo.svg"


def test_profile_and_collection_pages(out):
    (profile,) = json_ld(page(out, "/en/correspondent/kim-ki-yun/"))
    assert profile["@type"] == "ProfilePage"
    assert profile["mainEntity"]["@type"] == "Person" and profile["mainEntity"]["name"] == "Kim Ki-yun"
    (section,) = json_ld(page(out, "/en/section/world/"))
    assert section["@type"] == "CollectionPage" and section["name"] == "World"


def test_articles_publisher_has_the_logo(out):
    (data,) = json_ld(page(out, "/en/2024/05/03/israel-hamas-ceasefire-stalemate/"))
    assert data["publisher"]["logo"]["url"] == BASE + "assets/logo.svg"


# ---- archive, logo, footer ----------------------------------------------------------------


def test_archive_lists_years_and_months_with_counts_and_the_footer_links_it(out):
    soup = page(out, "/en/archive/")
    months = [(a.get_text(), a["href"], a.find_next_sibling(class_="count").get_text())
              for a in soup.select(".archive-months a")]
    assert months == [("May 2024", "/en/2024/05/", "3"), ("April 2024", "/en/2024/04/", "7")]
    for path, count in (("/en/2024/05/", 3), ("/en/2024/04/", 7)):
        assert len(page(out, path).select(".river .card")) == count
    assert page(out, "/ko/").select_one('.site-footer a[href="/ko/archive/"]').get_text() == "지난 기사"


def test_logo_in_masthead_and_favicon_and_copyright_in_the_pages_language(out):
    ko = page(out, "/ko/")
    assert ko.select_one(".site-title img.logo")["src"] == "/assets/logo.svg"
    assert ko.head.find("link", rel="icon")["href"] == "/assets/logo.svg"
    assert (out / "assets" / "logo.svg").is_file()
    assert "무단 전재" in ko.select_one(".copyright").get_text()
    assert "All rights reserved" in page(out, "/en/").select_one(".copyright").get_text()


def test_a_site_logo_from_the_config(make_site, build_site, run_cli):
    article = {"title": "T", "posted": "2024-05-03T07:55:00+09:00"}
    site = make_site({"en/2024/05/t.md": article}, extra_config='logo = "brand/mark.png"',
                     static={"brand/mark.png": b"\x89PNG"})
    out = build_site(site)
    soup = page(out, "/en/")
    assert soup.head.find("link", rel="icon")["href"] == "/brand/mark.png"
    assert json_ld(soup)[0]["@graph"][1]["logo"]["url"] == "https://example.com/brand/mark.png"
    bad = make_site({"en/2024/05/t.md": article}, extra_config='logo = "https://cdn.example/x.png"')
    result = run_cli("build", "--site", bad)
    assert result.exit_code == 1 and parse_errors(result.stderr)[0][2].startswith("logo must be a path in static/")


# ---- typesetting ----------------------------------------------------------------------------


def test_headlines_are_typeset(make_site, build_site):
    article = {"title": 'Minister says "no deal" -- for now...', "posted": "2024-05-03T07:55:00+09:00"}
    out = build_site(make_site({"en/2024/05/t.md": article}))
    assert page(out, "/en/2024/05/03/t/").find("h1").get_text() == "Minister says “no deal” – for now…"


def test_a_closing_quote_keeps_its_particle():
    html = render_markdown('하마스는 "위험한 함정"이라고 말했다. `"코드"이라`')
    assert '<span class="nobreak">함정”이라고</span>' in html
    assert '<code>"코드"이라</code>' in html


def test_abbreviations_do_not_end_a_summary():
    text = ("U.S. Secretary of State Tony Blinken met with Israeli Prime Minister Benjamin Netanyahu on Wednesday. "
            "However, Netanyahu insisted on his approach, and the talks stalled for the rest of the week and beyond.")
    assert summarize(text) == text.split(" However")[0]
