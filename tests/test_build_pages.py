"""What an article page must carry (SPEC "What an article page must carry"), on a tiny site.

A story told in both editions (plus an external French translation), an English-only story
and a story whose English version came first; every assertion reads the parsed HTML.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

import pytest
from conftest import build, json_ld, page, write_site

BASE = "https://example.com"
EN_URL = "/en/2024/05/03/cairo-talks/"
KO_URL = "/ko/2024/05/03/cairo-talks/"
FR_URL = "https://fr.example.org/2024/05/03/negociations/"
ONLY_URL = "/en/2024/05/01/won-slides/"

KIM = {"name": "Kim Ki-yun", "local": "김기윤", "email": "pep@donga.com", "role": "correspondent"}

ARTICLES = {
    "en/2024/05/cairo-talks.md": ({
        "title": "Ceasefire talks stall in Cairo",
        "posted": "2024-05-03T07:55:00+09:00",
        "updated": "2024-05-03T10:20:00+09:00",
        "section": "World",
        "tags": ["Gaza", "diplomacy"],
        "dateline": {"city": "Cairo", "local": "카이로"},
        "correspondents": [KIM, "Lee Ji-hyun"],
        "story": "cairo-talks",
        "translations": {"fr": FR_URL},
    }, "Negotiators met in *Cairo* on Thursday.\n\nNo agreement was reached.\n"),
    "ko/2024/05/cairo-talks.md": ({
        "title": "카이로 휴전 협상 교착",
        "posted": "2024-05-03T07:55:00+09:00",
        "updated": "2024-05-03T10:20:00+09:00",
        "section": "국제",
        "tags": ["가자지구", "외교"],
        "dateline": {"city": "Cairo", "local": "카이로"},
        "correspondents": [KIM],
        "story": "cairo-talks",
    }, "협상단이 카이로에서 만났다.\n\n합의는 없었다.\n"),
    "en/2024/05/won-slides.md": ({
        "title": "Won slides against the dollar",
        "posted": "2024-05-01 09:00",  # no offset: the site's timezone
        "section": "Economy",
        "correspondents": ["Park Min-su"],
        "summary": "The won fell for a third day.",
    }, "Currency traders sold the won.\n"),
    # The English version came out an hour before the Korean one: it is the original.
    "en/2024/05/chip-exports.md": ({
        "title": "Chip exports rebound",
        "posted": "2024-05-02T08:00:00+09:00",
        "section": "Economy",
        "story": "chips",
    }, "Exports rose.\n"),
    "ko/2024/05/chip-exports.md": ({
        "title": "반도체 수출 반등",
        "posted": "2024-05-02T09:00:00+09:00",
        "section": "경제",
        "story": "chips",
    }, "수출이 늘었다.\n"),
}


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    site = write_site(tmp_path_factory.mktemp("pages") / "paper", ARTICLES)
    return build(site)


@pytest.fixture(scope="module")
def en(out):
    return page(out, EN_URL)


@pytest.fixture(scope="module")
def ko(out):
    return page(out, KO_URL)


def meta_property(soup, prop: str) -> list[str]:
    return [m["content"] for m in soup.find_all("meta", attrs={"property": prop})]


def head_alternates(soup) -> dict[str, str]:
    links = soup.head.find_all("link", rel="alternate", hreflang=True)
    found = {}
    for link in links:
        assert link["hreflang"] not in found, f"two alternates for {link['hreflang']}"
        found[link["hreflang"]] = link["href"]
    return found


def visible_links(soup, href: str) -> list:
    return [a for a in soup.body.find_all("a", href=True) if a["href"] == href]


def news_article(soup) -> dict:
    objects = [o for o in json_ld(soup) if o.get("@type") == "NewsArticle"]
    assert len(objects) == 1, json_ld(soup)
    return objects[0]


def as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def ids(refs) -> set[str]:
    return {r.get("@id") or r.get("url") if isinstance(r, dict) else r for r in as_list(refs)}


# ---- head -----------------------------------------------------------------------------


def test_html_lang_is_the_edition(en, ko):
    assert en.html["lang"] == "en"
    assert ko.html["lang"] == "ko"


def test_title_names_the_headline(en, ko):
    assert "Ceasefire talks stall in Cairo" in en.title.get_text()
    assert "카이로 휴전 협상 교착" in ko.title.get_text()


def test_canonical_is_absolute_from_base_url(en, ko, out):
    canonicals = en.head.find_all("link", rel="canonical")
    assert [c["href"] for c in canonicals] == [BASE + EN_URL]
    assert [c["href"] for c in ko.head.find_all("link", rel="canonical")] == [BASE + KO_URL]
    only = page(out, ONLY_URL)
    assert [c["href"] for c in only.head.find_all("link", rel="canonical")] == [BASE + ONLY_URL]


def test_head_alternates_for_self_counterpart_and_external_translation(en, ko):
    assert head_alternates(en) == {"en": BASE + EN_URL, "ko": BASE + KO_URL, "fr": FR_URL}
    assert head_alternates(ko) == {"ko": BASE + KO_URL, "en": BASE + EN_URL}


def test_open_graph(en, ko):
    assert meta_property(en, "og:title") == ["Ceasefire talks stall in Cairo"]
    assert meta_property(en, "og:type") == ["article"]
    assert meta_property(en, "og:url") == [BASE + EN_URL]
    assert meta_property(en, "og:locale") == ["en_US"]
    assert "ko_KR" in meta_property(en, "og:locale:alternate")
    assert meta_property(ko, "og:locale") == ["ko_KR"]
    assert meta_property(ko, "og:locale:alternate") == ["en_US"]
    assert meta_property(ko, "og:url") == [BASE + KO_URL]


# ---- JSON-LD ----------------------------------------------------------------------------


def test_json_ld_news_article_fields(en):
    data = news_article(en)
    assert data["@context"] in ("https://schema.org", "http://schema.org", "https://schema.org/")
    assert data["headline"] == "Ceasefire talks stall in Cairo"
    assert data["datePublished"] == "2024-05-03T07:55:00+09:00"
    assert data["dateModified"] == "2024-05-03T10:20:00+09:00"
    assert data["inLanguage"] == "en"
    authors = as_list(data["author"])
    assert all(a["@type"] == "Person" for a in authors)
    assert [a["name"] for a in authors] == ["Kim Ki-yun", "Lee Ji-hyun"]
    assert authors[0]["email"] == "pep@donga.com"
    location = data["locationCreated"]
    assert (location["name"] if isinstance(location, dict) else location) == "Cairo"


def test_json_ld_translation_roles(en, ko):
    """Both editions posted at the same minute: the site's original language (ko) is the original;
    the external French translation is a translation of the English article."""
    data = news_article(en)
    assert ids(data.get("translationOfWork")) == {BASE + KO_URL}
    assert ids(data.get("workTranslation")) == {FR_URL}
    back = news_article(ko)
    assert ids(back.get("workTranslation")) == {BASE + EN_URL}
    assert "translationOfWork" not in back
    assert back["inLanguage"] == "ko"


def test_json_ld_earlier_version_is_the_original(out):
    en_data = news_article(page(out, "/en/2024/05/02/chip-exports/"))
    ko_data = news_article(page(out, "/ko/2024/05/02/chip-exports/"))
    assert ids(en_data.get("workTranslation")) == {BASE + "/ko/2024/05/02/chip-exports/"}
    assert ids(ko_data.get("translationOfWork")) == {BASE + "/en/2024/05/02/chip-exports/"}


def test_json_ld_without_updated_modified_is_posted(out):
    data = news_article(page(out, ONLY_URL))
    assert data["datePublished"] == data["dateModified"] == "2024-05-01T09:00:00+09:00"
    assert "workTranslation" not in data and "translationOfWork" not in data


# ---- visible content --------------------------------------------------------------------


def test_headline_visible(en, ko):
    assert [h.get_text(strip=True) for h in en.body.find_all("h1")] == ["Ceasefire talks stall in Cairo"]
    assert [h.get_text(strip=True) for h in ko.body.find_all("h1")] == ["카이로 휴전 협상 교착"]


def test_dateline_visible_and_linked(en, ko, out):
    assert [a.get_text(strip=True) for a in visible_links(en, "/en/dateline/cairo/")][:1] == ["Cairo"]
    assert "카이로" in en.body.get_text()  # the local name beside it
    assert [a.get_text(strip=True) for a in visible_links(ko, "/ko/dateline/cairo/")][:1] == ["카이로"]
    assert (out / "en/dateline/cairo/index.html").is_file()
    assert (out / "ko/dateline/cairo/index.html").is_file()


def test_correspondents_link_to_their_pages(en, ko, out):
    for href, name in (("/en/correspondent/kim-ki-yun/", "Kim Ki-yun"),
                       ("/en/correspondent/lee-ji-hyun/", "Lee Ji-hyun")):
        links = visible_links(en, href)
        assert links and links[0].get_text(strip=True) == name
        assert (out / href.strip("/") / "index.html").is_file()
    assert visible_links(en, "mailto:pep@donga.com")
    links = visible_links(ko, "/ko/correspondent/kim-ki-yun/")
    assert links and links[0].get_text(strip=True) == "김기윤"


def test_posted_and_updated_times_in_the_edition_style(en, ko):
    en_times = {t["datetime"]: t.get_text(strip=True) for t in en.body.find_all("time")}
    assert en_times == {
        "2024-05-03T07:55:00+09:00": "May 3, 2024, 7:55 a.m. KST",
        "2024-05-03T10:20:00+09:00": "May 3, 2024, 10:20 a.m. KST",
    }
    ko_times = {t["datetime"]: t.get_text(strip=True) for t in ko.body.find_all("time")}
    assert ko_times == {
        "2024-05-03T07:55:00+09:00": "2024-05-03 07:55",
        "2024-05-03T10:20:00+09:00": "2024-05-03 10:20",
    }


def test_no_updated_time_when_not_updated(out):
    times = [t["datetime"] for t in page(out, ONLY_URL).body.find_all("time")]
    assert times == ["2024-05-01T09:00:00+09:00"]


def test_section_and_tags_visible_and_linked(en, ko):
    assert [a.get_text(strip=True) for a in visible_links(en, "/en/section/world/")][:1] == ["World"]
    assert [a.get_text(strip=True) for a in visible_links(en, "/en/tag/gaza/")] == ["Gaza"]
    assert [a.get_text(strip=True) for a in visible_links(en, "/en/tag/diplomacy/")] == ["diplomacy"]
    assert [a.get_text(strip=True) for a in visible_links(ko, "/ko/section/%EA%B5%AD%EC%A0%9C/")][:1] == ["국제"]
    assert [a.get_text(strip=True) for a in visible_links(ko, "/ko/tag/%EC%99%B8%EA%B5%90/")] == ["외교"]


def test_visible_counterpart_links_in_their_own_language(en, ko):
    to_ko = [a for a in en.body.find_all("a", hreflang="ko", lang="ko") if a["href"] == KO_URL]
    assert to_ko and all(a.get_text(strip=True) == "한국어" for a in to_ko)
    to_fr = [a for a in en.body.find_all("a", hreflang="fr", lang="fr") if a["href"] == FR_URL]
    assert to_fr and to_fr[0].get_text(strip=True) == "Français"
    to_en = [a for a in ko.body.find_all("a", hreflang="en", lang="en") if a["href"] == EN_URL]
    assert to_en and all(a.get_text(strip=True) == "English" for a in to_en)


def test_english_only_story_has_no_counterpart(out):
    soup = page(out, ONLY_URL)
    assert head_alternates(soup) == {"en": BASE + ONLY_URL}
    ko_articles = [a["href"] for a in soup.body.find_all("a", href=True)
                   if a["href"].startswith("/ko/20")]
    assert ko_articles == []
    assert meta_property(soup, "og:locale:alternate") == []


def test_summary_defaults_to_first_paragraph(en, out):
    assert news_article(en)["description"] == "Negotiators met in Cairo on Thursday."
    assert [m["content"] for m in en.head.find_all("meta", attrs={"name": "description"})] == [
        "Negotiators met in Cairo on Thursday."]
    only = page(out, ONLY_URL)
    assert news_article(only)["description"] == "The won fell for a third day."


def test_body_is_rendered(en):
    assert en.body.find("em", string="Cairo") is not None
    assert "No agreement was reached." in en.body.get_text()


# ---- other page kinds -------------------------------------------------------------------


def test_correspondent_profile_in_both_editions(out):
    for lang in ("en", "ko"):
        soup = page(out, f"/{lang}/correspondent/kim-ki-yun/")
        text = soup.body.get_text(" ")
        assert "Kim Ki-yun" in text and "김기윤" in text
        assert soup.body.find("a", href="mailto:pep@donga.com") is not None
        assert soup.body.find("a", href=f"/{lang}/2024/05/03/cairo-talks/") is not None


def edition_articles_listed(soup, lang: str) -> set[str]:
    """Links to articles of the page's own edition in <main> (cards also link counterparts)."""
    hrefs = {unquote(a["href"]) for a in soup.main.find_all("a", href=True)}
    return {h for h in hrefs if h.startswith(f"/{lang}/20") and h.count("/") == 6}


def test_term_pages_list_their_articles(out):
    cases = {
        "/en/section/world/": {EN_URL},
        "/en/section/economy/": {"/en/2024/05/02/chip-exports/", ONLY_URL},
        "/en/tag/gaza/": {EN_URL},
        "/en/dateline/cairo/": {EN_URL},
        "/en/correspondent/park-min-su/": {ONLY_URL},
        "/en/correspondent/kim-ki-yun/": {EN_URL},
        "/en/2024/05/": {EN_URL, ONLY_URL, "/en/2024/05/02/chip-exports/"},
        "/ko/section/국제/": {KO_URL},
        "/ko/tag/가자지구/": {KO_URL},
        "/ko/dateline/cairo/": {KO_URL},
    }
    for path, expected in cases.items():
        lang = path.split("/")[1]
        assert edition_articles_listed(page(out, path), lang) == expected, path


def test_root_chooses_an_edition(out):
    soup = page(out, "/")
    hrefs = {a["href"] for a in soup.body.find_all("a", href=True)}
    assert {"/en/", "/ko/"} <= hrefs
    assert {ln["hreflang"] for ln in soup.head.find_all("link", rel="alternate", hreflang=True)} >= {"en", "ko"}


def test_not_found_page(out):
    soup = page(out, "/404.html")
    assert soup.html.get("lang")
    hrefs = {a["href"] for a in soup.body.find_all("a", href=True)}
    assert "/en/" in hrefs and "/ko/" in hrefs


def test_body_markdown_extensions(make_site, build_site, html):
    body = (
        '## Who said what\n\n'
        '"Quoted," she said -- it\'s done...\n\n'
        '| Party | Seats |\n| --- | --- |\n| A | 10 |\n\n'
        'A claim.[^1]\n\n'
        'Styled paragraph.\n{: .note }\n\n'
        '[^1]: The source.\n'
    )
    site = make_site({"en/2024/05/desk.md": ({"title": "Desk", "posted": "2024-05-03T07:55:00+09:00"}, body)})
    soup = html(build_site(site) / "en/2024/05/03/desk/index.html")
    story = soup.body
    heading = story.find("h2", string="Who said what")
    assert heading is not None and heading.get("id") == "who-said-what"
    assert story.find("table") is not None and story.find("td", string="10") is not None
    assert story.find("p", class_="note") is not None
    footnote_refs = [a for a in story.find_all("a", href=True) if a["href"].startswith("#fn")]
    assert footnote_refs, "footnote reference"
    assert "The source." in story.get_text()
    quoted = next(p for p in story.find_all("p") if "she said" in p.get_text())
    assert quoted.get_text() == "\u201cQuoted,\u201d she said \u2013 it\u2019s done\u2026"


# ---- correspondents: one identity across editions -----------------------------------------

STAFF = """\
[[person]]
name = "Kim Ki-yun"
local = "김기윤"
email = "pep@donga.com"
role = "correspondent"
bio = "Cairo correspondent."
"""


def test_staff_registry_joins_bylines_written_in_either_script(make_site, build_site):
    out = build_site(make_site({
        "en/a.md": {"title": "A", "posted": "2024-05-03T07:55:00+09:00", "correspondents": ["Kim Ki-yun"]},
        "ko/a.md": {"title": "가", "posted": "2024-05-03T07:55:00+09:00", "correspondents": ["김기윤"]},
    }, data={"staff.toml": STAFF}))
    for lang, own, other in (("en", "Kim Ki-yun", "김기윤"), ("ko", "김기윤", "Kim Ki-yun")):
        profiles = sorted(p.name for p in (out / lang / "correspondent").iterdir())
        assert profiles == ["kim-ki-yun"], (lang, profiles)
        soup = page(out, f"/{lang}/correspondent/kim-ki-yun/")
        text = soup.body.get_text(" ")
        assert own in text and other in text and "Cairo correspondent." in text
        assert soup.body.find("a", href="mailto:pep@donga.com") is not None
        article = page(out, f"/{lang}/2024/05/03/a/")
        byline = article.body.find("a", href=f"/{lang}/correspondent/kim-ki-yun/")
        assert byline is not None and byline.get_text(strip=True) == own


def test_bylines_with_one_email_are_one_person(make_site, build_site):
    out = build_site(make_site({
        "en/a.md": {"title": "A", "posted": "2024-05-03T07:55:00+09:00",
                    "correspondents": [{"name": "Lee Ji-hyun", "email": "jh@example.com"}]},
        "ko/a.md": {"title": "가", "posted": "2024-05-03T07:55:00+09:00",
                    "correspondents": [{"name": "Lee Ji-hyun", "local": "이지현", "email": "JH@example.com"}]},
    }))
    assert sorted(p.name for p in (out / "en/correspondent").iterdir()) == ["lee-ji-hyun"]
    assert sorted(p.name for p in (out / "ko/correspondent").iterdir()) == ["lee-ji-hyun"]
    assert "이지현" in page(out, "/en/correspondent/lee-ji-hyun/").body.get_text(" ")


def test_a_draft_counterpart_is_not_linked(make_site, build_site):
    site = make_site({
        "en/a.md": {"title": "A", "posted": "2024-05-03T07:55:00+09:00", "story": "s"},
        "ko/a.md": {"title": "가", "posted": "2024-05-03T07:55:00+09:00", "story": "s", "draft": True},
    })
    out = build_site(site)
    soup = page(out, "/en/2024/05/03/a/")
    assert head_alternates(soup) == {"en": BASE + "/en/2024/05/03/a/"}
    assert not [a for a in soup.find_all("a", href=True) if a["href"].startswith("/ko/20")]
    assert "translationOfWork" not in news_article(soup) and "workTranslation" not in news_article(soup)
    out = build_site(site, "--drafts")
    assert head_alternates(page(out, "/en/2024/05/03/a/"))["ko"] == BASE + "/ko/2024/05/03/a/"


# ---- how files are written ------------------------------------------------------------------


def test_windows_line_endings(make_site, build_site):
    text = ("---\r\ntitle: Carriage returns\r\nposted: 2024-05-03T07:55:00+09:00\r\ntags: [a, b]\r\n---\r\n"
            "\r\nFirst paragraph.\r\n\r\nSecond paragraph.\r\n")
    out = build_site(make_site({"en/crlf.md": text}))
    soup = page(out, "/en/2024/05/03/crlf/")
    assert soup.body.find("h1").get_text(strip=True) == "Carriage returns"
    assert news_article(soup)["description"] == "First paragraph."
    assert soup.body.find("a", href="/en/tag/b/") is not None


def test_windows_line_endings_keep_error_lines(make_site, run_cli):
    text = "---\r\ntitle: CRLF\r\nposted: 2024-05-03T07:55:00+09:00\r\nupdated: 2024-05-01\r\n---\r\n\r\nBody.\r\n"
    result = run_cli("build", "--site", make_site({"en/crlf.md": text}))
    assert result.exit_code == 1
    assert any(line.startswith("content/en/crlf.md:4: ") for line in result.error_lines), result.stderr


def test_a_horizontal_rule_in_the_body_is_not_front_matter(make_site, build_site):
    body = "Before the rule.\n\n---\n\nAfter the rule.\n"
    out = build_site(make_site({"en/rule.md": ({"title": "Rule", "posted": "2024-05-03T07:55:00+09:00"}, body)}))
    story = page(out, "/en/2024/05/03/rule/").body
    assert story.find("hr") is not None
    assert "After the rule." in story.get_text()


def test_original_language_decides_a_same_minute_tie(make_site, build_site):
    same = "2024-05-03T07:55:00+09:00"
    out = build_site(make_site({
        "en/a.md": {"title": "A", "posted": same, "story": "s"},
        "ko/a.md": {"title": "가", "posted": same, "story": "s"},
    }, extra_config='original_language = "en"'))
    en_data = news_article(page(out, "/en/2024/05/03/a/"))
    ko_data = news_article(page(out, "/ko/2024/05/03/a/"))
    assert ids(en_data.get("workTranslation")) == {BASE + "/ko/2024/05/03/a/"}
    assert ids(ko_data.get("translationOfWork")) == {BASE + "/en/2024/05/03/a/"}


def test_byline_without_email_is_the_same_person_as_the_one_with_it(make_site, build_site):
    """The Korean desk often leaves the email out: the name still finds the one person who has it."""
    site = make_site({
        "en/2024/05/a.md": {"title": "A", "posted": "2024-05-03T07:55:00+09:00", "story": "a",
                            "correspondents": [{"name": "Kim Ki-yun", "local": "김기윤", "email": "pep@donga.com"}]},
        "ko/2024/05/a.md": {"title": "가", "posted": "2024-05-03T07:55:00+09:00", "story": "a",
                            "correspondents": [{"name": "Kim Ki-yun", "local": "김기윤"}]},
    })
    out = build_site(site)
    people = sorted(p.relative_to(out).as_posix() for p in out.glob("*/correspondent/*"))
    assert people == ["en/correspondent/kim-ki-yun", "ko/correspondent/kim-ki-yun"]
    profile = page(out, "/ko/correspondent/kim-ki-yun/")
    assert profile.find("a", href="mailto:pep@donga.com") is not None
