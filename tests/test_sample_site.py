"""Golden checks on the repository's own sample site, built into a temporary folder."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

import feedparser
import pytest
from conftest import REPO, cli, json_ld, page

BASE = "https://news.example.com"
EN = "/en/2024/05/03/israel-hamas-ceasefire-stalemate/"
KO = "/ko/2024/05/03/israel-hamas-ceasefire-stalemate/"
ENGLISH_ONLY = "/en/2024/04/30/won-slides-against-dollar/"


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("sample") / "site"
    result = cli("build", "--site", REPO, "--out", folder, "--quiet")
    assert result.exit_code == 0, str(result)
    return folder


@pytest.fixture(scope="module")
def en(out):
    return page(out, EN)


@pytest.fixture(scope="module")
def ko(out):
    return page(out, KO)


def test_sample_site_passes_check(out):
    result = cli("check", "--site", REPO, "--out", out)
    assert result.exit_code == 0, str(result)


def test_israel_hamas_article_page(en):
    body = en.body
    assert body.find("h1").get_text(strip=True) == "Israel-Hamas ceasefire negotiations hit stalemate"
    text = body.get_text(" ")
    for expected in ("Cairo", "Kim Ki-yun", "pep@donga.com"):
        assert expected in text, expected
    assert body.find("a", href="/en/dateline/cairo/") is not None
    assert body.find("a", href="/en/correspondent/kim-ki-yun/") is not None
    assert body.find("a", href="mailto:pep@donga.com") is not None
    times = {t["datetime"]: t.get_text(strip=True) for t in body.find_all("time")}
    assert times.get("2024-05-03T07:55:00+09:00") == "May 3, 2024, 7:55 a.m. KST"
    assert en.head.find("link", rel="canonical")["href"] == BASE + EN
    assert en.html["lang"] == "en"


def test_israel_hamas_json_ld(en):
    (data,) = json_ld(en)
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Israel-Hamas ceasefire negotiations hit stalemate"
    assert data["datePublished"] == "2024-05-03T07:55:00+09:00"
    authors = data["author"] if isinstance(data["author"], list) else [data["author"]]
    assert [(a["name"], a["email"]) for a in authors] == [("Kim Ki-yun", "pep@donga.com")]
    assert data["locationCreated"]["name"] == "Cairo"
    related = data.get("translationOfWork", []) + data.get("workTranslation", [])
    assert [r["@id"] for r in related] == [BASE + KO]


def test_counterparts_link_both_ways(en, ko):
    to_ko = [a for a in en.body.find_all("a", hreflang="ko", lang="ko") if a["href"] == KO]
    assert to_ko and to_ko[0].get_text(strip=True) == "한국어"
    to_en = [a for a in ko.body.find_all("a", hreflang="en", lang="en") if a["href"] == EN]
    assert to_en and to_en[0].get_text(strip=True) == "English"
    alternates = {ln["hreflang"]: ln["href"] for ln in en.head.find_all("link", rel="alternate", hreflang=True)}
    assert alternates == {"en": BASE + EN, "ko": BASE + KO}
    back = {ln["hreflang"]: ln["href"] for ln in ko.head.find_all("link", rel="alternate", hreflang=True)}
    assert back == alternates


def test_korean_counterpart_page(ko):
    assert ko.html["lang"] == "ko"
    assert ko.body.find("h1").get_text(strip=True) == "이-하마스 휴전 협상 교착"
    text = ko.body.get_text(" ")
    assert "김기윤" in text and "카이로" in text
    times = {t["datetime"]: t.get_text(strip=True) for t in ko.body.find_all("time")}
    assert times.get("2024-05-03T07:55:00+09:00") == "2024-05-03 07:55"
    assert ko.body.find("a", href="/ko/correspondent/kim-ki-yun/") is not None


def test_correspondent_has_one_identity_across_editions(out):
    for lang in ("en", "ko"):
        soup = page(out, f"/{lang}/correspondent/kim-ki-yun/")
        text = soup.body.get_text(" ")
        assert "Kim Ki-yun" in text and "김기윤" in text, lang
        linked = {unquote(a["href"]) for a in soup.main.find_all("a", href=True)}
        assert (EN if lang == "en" else KO) in linked
    assert not list(out.glob("*/correspondent/김기윤"))


def test_english_only_story_has_no_counterpart(out):
    soup = page(out, ENGLISH_ONLY)
    alternates = {ln["hreflang"] for ln in soup.head.find_all("link", rel="alternate", hreflang=True)}
    assert alternates == {"en"}
    assert not [a for a in soup.body.find_all("a", href=True) if a["href"].startswith("/ko/20")]
    (data,) = json_ld(soup)
    assert "workTranslation" not in data and "translationOfWork" not in data


def test_home_page_paginates(out):
    home = page(out, "/en/")
    assert home.body.find("a", href="/en/page/2/") is not None
    second = page(out, "/en/page/2/")
    assert second.body.find("a", href="/en/") is not None
    assert (out / "ko/index.html").is_file()


def test_every_page_kind_is_built(out):
    for path in ("/", "/404.html", "/en/section/world/", "/en/tag/gaza/", "/en/dateline/cairo/",
                 "/en/2024/05/", "/ko/2024/05/", "/ko/dateline/cairo/"):
        page(out, path)
    for name in ("sitemap.xml", "robots.txt", "en/feed.xml", "ko/feed.xml"):
        assert (out / name).is_file(), name


def test_sample_feeds_parse(out):
    feed = feedparser.parse((out / "en/feed.xml").read_bytes())
    assert not feed.bozo
    ids = [e.id for e in feed.entries]
    assert BASE + EN in ids
    assert all(i.startswith(BASE + "/en/") for i in ids)
