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
    assert months == [("May 2024", "/en/2024/05/", "3 stories"), ("April 2024", "/en/2024/04/", "7 stories")]
    assert page(out, "/ko/archive/").select_one(".archive-months .count").get_text() == "기사 3건"
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


@pytest.mark.parametrize(("markdown", "kept"), [
    ("그는 *“함정”*이라고 말했다.", '<span class="nobreak"><em>“함정”</em>이라고</span>'),
    ("그는 “**함정**”이라고 말했다.", '<span class="nobreak">“<strong>함정</strong>”이라고</span>'),
    ("그는 *“긴 인용 문장”*이라고 말했다.", '<span class="nobreak"><em>“긴 인용 문장”</em>이라고</span>'),
    ("그는 *“함정”이라고 말했다*.", '<em><span class="nobreak">“함정”이라고</span> 말했다</em>'),
    ("[“함정”](https://example.com/)이라고", '<span class="nobreak"><a href="https://example.com/">“함정”</a>이라고</span>'),
    ("**앞 *“함정”*이라고** 말했다", '<strong>앞 <span class="nobreak"><em>“함정”</em>이라고</span></strong>'),
])
def test_a_quote_closing_inside_an_element_keeps_its_particle(markdown, kept):
    assert kept in render_markdown(markdown)


def test_a_long_quoted_element_keeps_only_its_last_word_with_the_particle():
    html = render_markdown("그는 *“이것은 아주 긴 인용 문장입니다”*이라고 말했다.")  # unbroken, it would run off a phone
    assert '<em>“이것은 아주 긴 인용 </em><span class="nobreak"><em>문장입니다”</em>이라고</span>' in html
    quote = "“이것은 아주 긴 인용 문장입니다”"
    for whole in (f"[{quote}](https://example.com/)이라고", f"<span id='q'>{quote}</span>이라고"):
        assert "nobreak" not in render_markdown(whole)  # a link or an id is not doubled


def test_quotes_in_attributes_and_code_are_left_alone():
    html = render_markdown('![“함정”이라고](a.png) `“코드”이라`\n\n```\n“코드”이라\n```')
    assert 'alt="“함정”이라고"' in html and "nobreak" not in html


# ---- share cards ----------------------------------------------------------------------------


def share_card(soup) -> dict[str, str]:
    meta = {m.get("property") or m.get("name"): m["content"] for m in soup.head.find_all("meta", content=True)}
    return {key: value for key, value in meta.items() if key.startswith(("og:image", "twitter:"))}


def test_every_html_page_shares_with_a_raster_image_of_the_declared_size(out):
    from PIL import Image

    checked = set()
    for path in html_pages(out):
        soup = page(out, path)
        if soup.find("meta", attrs={"http-equiv": "refresh"}):
            continue
        card = share_card(soup)
        assert card["twitter:card"] == "summary_large_image", path
        assert card["og:image"] == card["twitter:image"] and card["og:image:alt"] == card["twitter:image:alt"], path
        assert card["og:image"].startswith(BASE) and card["og:image:alt"], path
        image = card["og:image"].removeprefix(BASE)
        if image not in checked:
            with Image.open(out / image) as picture:
                assert picture.format in ("PNG", "JPEG")
                assert picture.size == (int(card["og:image:width"]), int(card["og:image:height"])), path
            checked.add(image)
    assert "assets/share.png" in checked and len(checked) > 1  # the default and the stories' photos


def test_stories_share_their_photo_and_others_the_editions_image(out):
    photo = share_card(page(out, "/en/2024/05/02/blinken-visits-israel/"))
    assert "/media/" in photo["og:image"] and photo["og:image:alt"].startswith("The Tel Aviv skyline")
    plain = page(out, "/en/2024/05/03/israel-hamas-ceasefire-stalemate/")
    card = share_card(plain)
    assert card["og:image"] == BASE + "assets/share.png" and card["og:image:alt"] == "The Dateline Daily"
    assert (card["og:image:width"], card["og:image:height"]) == ("1200", "630")
    assert json_ld(plain)[0]["image"]["url"] == BASE + "assets/share.png"
    assert share_card(page(out, "/ko/section/국제/"))["og:image:alt"] == "데이트라인 일보"


def test_share_image_per_site_and_per_edition(make_site, build_site, tmp_path):
    from PIL import Image

    pictures = {}
    for name, size in (("card.jpg", (1200, 628)), ("ko-card.png", (800, 420))):
        Image.new("RGB", size, "navy").save(tmp_path / name)
        pictures[f"brand/{name}"] = (tmp_path / name).read_bytes()
    config = ('share_image = "/brand/card.jpg"\nshare_image_alt = "The Paper"\n'
              '[languages.en]\ntitle = "The Paper"\n'
              '[languages.ko]\ntitle = "신문"\nshare_image = "brand/ko-card.png"\nshare_image_alt = "신문 로고"\n')
    articles = {f"{lang}/2024/05/t.md": {"title": "T", "posted": "2024-05-03T07:55:00+09:00"} for lang in ("en", "ko")}
    out = build_site(make_site(articles, config=config, static=pictures))
    en, ko = share_card(page(out, "/en/2024/05/03/t/")), share_card(page(out, "/ko/"))
    assert (en["og:image"], en["og:image:type"], en["og:image:width"], en["og:image:height"], en["og:image:alt"]) == (
        "http://localhost:8000/brand/card.jpg", "image/jpeg", "1200", "628", "The Paper")
    assert (ko["og:image"], ko["og:image:width"], ko["og:image:height"], ko["og:image:alt"]) == (
        "http://localhost:8000/brand/ko-card.png", "800", "420", "신문 로고")


@pytest.mark.parametrize(("setting", "files", "message"), [
    ('share_image = "/missing.png"', {}, "share_image '/missing.png': no such file in static/"),
    ('share_image = "/logo.svg"', {"logo.svg": b"<svg xmlns='http://www.w3.org/2000/svg'/>"},
     "share_image '/logo.svg': could not be read as a PNG or JPEG (not an image)"),
    ('share_image = "/card.gif"', {"card.gif": "gif"},
     "share_image '/card.gif': is a GIF image; share cards show only PNG or JPEG"),
    ('share_image = "/card.png"', {"card.png": "truncated"}, "share_image '/card.png': could not be read as a PNG or JPEG"),
    ('share_image = "https://cdn.example/card.png"', {}, "share_image must be a path in static/"),
    ('share_image = "../secret.png"', {}, "share_image '/../secret.png': must name a file in static/, not outside it"),
])
def test_a_bad_share_image_is_an_error_at_its_line(make_site, build_site, run_cli, tmp_path, setting, files, message):
    from PIL import Image

    article = {"en/2024/05/t.md": {"title": "T", "posted": "2024-05-03T07:55:00+09:00"}}
    site = make_site(article)
    out = build_site(site)
    before = (out / "en" / "index.html").read_bytes()
    Image.new("RGB", (60, 30)).save(tmp_path / "card.gif")
    Image.new("RGB", (60, 30)).save(tmp_path / "card.png")
    samples = {"gif": (tmp_path / "card.gif").read_bytes(), "truncated": (tmp_path / "card.png").read_bytes()[:40]}
    for name, data in files.items():
        (site / "static" / name).parent.mkdir(parents=True, exist_ok=True)
        (site / "static" / name).write_bytes(samples.get(data, data) if isinstance(data, str) else data)
    config = site / "dateline.toml"
    config.write_text(f"{setting}\n{config.read_text()}")
    result = run_cli("build", "--site", site)
    assert result.exit_code == 1, str(result)
    (error,) = parse_errors(result.stderr)
    assert error[:2] == ("dateline.toml", 1) and error[2].startswith(message), error
    assert (out / "en" / "index.html").read_bytes() == before  # nothing lost


def test_serve_reads_the_config_again_when_a_share_image_is_saved(make_site, tmp_path):
    from PIL import Image

    from dateline.build import Change
    from dateline.config import load_config
    from dateline.serve.devsite import changes_a_share_image

    Image.new("RGB", (600, 315)).save(tmp_path / "card.png")
    card = (tmp_path / "card.png").read_bytes()
    site = make_site({}, extra_config='share_image = "brand/card.png"', static={"brand/card.png": card})
    config = load_config(site)
    assert (config.share_image.width, config.share_image.height) == (600, 315)
    saved = [config.static_dir / "brand" / "card.png", config.static_dir / "brand" / "other.png"]
    assert changes_a_share_image(config, Change(static=frozenset(saved)))
    assert not changes_a_share_image(config, Change(static=frozenset(saved[1:])))


# ---- listing pages' descriptions ------------------------------------------------------------


@pytest.mark.parametrize(("path", "description"), [
    ("/en/", "World and Korea news in English, with links to the Korean originals."),
    ("/en/section/world/", "World news from The Dateline Daily"),
    ("/ko/section/국제/", "데이트라인 일보 국제 뉴스"),
    ("/en/tag/gaza/", "Stories tagged “Gaza” from The Dateline Daily"),
    ("/en/dateline/cairo/", "Stories filed from Cairo"),
    ("/ko/dateline/cairo/", "카이로발 기사"),
    ("/en/2024/05/", "Stories from May 2024"),
    ("/ko/2024/05/", "데이트라인 일보 2024년 5월 기사"),
    ("/en/correspondent/kim-ki-yun/",
     "Articles by Kim Ki-yun, Correspondent, The Dateline Daily. Cairo correspondent covering the Middle East and Africa."),
    ("/ko/correspondent/kim-ki-yun/", "데이트라인 일보 김기윤 특파원의 기사입니다."),
    ("/en/archive/", "Past stories from The Dateline Daily, by year and month"),
    ("/ko/archive/", "데이트라인 일보의 지난 기사를 연도별, 월별로 모았습니다."),
])
def test_each_list_describes_itself_in_its_language(out, path, description):
    soup = page(out, path)
    assert soup.head.find("meta", attrs={"name": "description"})["content"] == description
    assert soup.head.find("meta", property="og:description")["content"] == description
    (data,) = json_ld(soup)
    described = [node for node in data.get("@graph", [data]) if "description" in node]
    assert [node["description"] for node in described] == [description]
