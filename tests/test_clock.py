"""The news desk's clock (issue 9): scheduled, withdrawn, expired, corrected and moved articles,
kinds, and the Google News sitemap, checked on the whole output tree of small built sites."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from urllib.parse import unquote

import feedparser
import pytest
from conftest import build, cli, html_pages, json_ld, page, parse_errors, parse_html, sitemap_urls
from lxml import etree

from dateline.clock import NEWS_LIMIT, coming_changes, parse_now
from dateline.config import load_config
from dateline.content import Article
from dateline.index import build_index

KST = dt.timezone(dt.timedelta(hours=9))
NOW = "2024-05-04T08:00:00+09:00"
BASE = "https://example.com/news/"
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "n": "http://www.google.com/schemas/sitemap-news/0.9"}

# Words that occur in exactly one source file each, so that a search of the whole output tree
# finds them only where that article may appear.
SCHEDULED = ("zephyrine-summit", "Zephyrine summit opens", "Quokkaberry", "Ottoline Quist", "Brumalweather", "zephyrtag")
WITHDRAWN = ("Secretword", "Gonesummary", "uniquegonetag", "Gonewriter Byline")
EXPIRED = ("Wirebodytext", "Wireonlytag")

ARTICLES = {
    "en/2024/05/live.md": ({
        "title": "Talks resume in Cairo", "posted": "2024-05-03T07:55:00+09:00", "story": "talks", "section": "World",
        "tags": ["diplomacy"], "dateline": {"city": "Cairo", "local": "카이로"}, "kind": "analysis",
        "correspondents": [{"name": "Kim Ki-yun", "email": "pep@donga.com"}],
        "corrections": [{"at": "2024-05-03T12:00:00+09:00", "text": "An earlier version misspelt the *minister's* name."},
                        {"at": "2024-05-03T10:00:00+09:00", "text": "An earlier version gave the wrong day."}],
        "aliases": ["/en/2024/05/02/talks-old/"],
    }, "Negotiators met again on Friday.\n"),
    "ko/2024/05/live.md": {"title": "카이로 협상 재개", "posted": "2024-05-03T07:55:00+09:00", "story": "talks",
                           "section": "국제", "kind": "analysis"},
    "en/2024/05/zephyrine-summit.md": ({
        "title": "Zephyrine summit opens", "posted": "2024-05-04T09:00:00+09:00", "story": "summit",
        "section": "Brumalweather", "tags": ["zephyrtag"], "correspondents": ["Ottoline Quist"],
        "summary": "Leaders gather.", "aliases": ["/en/2024/05/01/zephyrine-early/"],
    }, "Quokkaberry delegates arrived.\n"),
    "ko/2024/05/summit.md": {"title": "정상회담 개막", "posted": "2024-05-03T08:00:00+09:00", "story": "summit"},
    "en/2024/05/gone.md": ({
        "title": "Legal row story", "posted": "2024-05-02T09:00:00+09:00", "story": "gone", "tags": ["uniquegonetag"],
        "summary": "Gonesummary", "correspondents": ["Gonewriter Byline"],
        "withdrawn": {"at": "2024-05-03T18:00:00+09:00", "reason": "Withdrawn at the request of the court."},
    }, "Secretword in the body.\n"),
    "ko/2024/05/gone.md": {"title": "법정 공방 기사", "posted": "2024-05-02T09:00:00+09:00", "story": "gone"},
    "en/2024/05/wire.md": ({
        "title": "Licensed wire copy", "posted": "2024-05-03T06:00:00+09:00", "expires": "2024-05-03T20:00:00+09:00",
        "tags": ["Wireonlytag"], "kind": "review",
    }, "Wirebodytext from the agency.\n"),
    "en/2024/05/view.md": {"title": "Our view", "posted": "2024-05-01T06:00:00+09:00", "kind": "editorial"},
    "ko/2024/05/talk.md": {"title": "인터뷰 기사", "posted": "2024-05-01T06:00:00+09:00", "kind": "interview"},
    "en/2024/05/draft.md": {"title": "A draft", "posted": "2024-05-01T06:00:00+09:00", "draft": True},
}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path, str]:
    """(site, output, summary line) of a build at NOW."""
    from conftest import write_site

    site = write_site(tmp_path_factory.mktemp("clock") / "paper", ARTICLES, base_url=BASE)
    result = cli("build", "--site", site, "--now", NOW)
    assert result.exit_code == 0, str(result)
    return site, site / "site", result.stdout


def whole_tree_text(out: Path) -> dict[str, str]:
    """Every output file as text, URL-decoded too (Hangul and other paths are percent-encoded in links)."""
    texts = {}
    for file in sorted(out.rglob("*")):
        if file.is_file():
            text = file.read_bytes().decode("utf-8", errors="replace")
            texts[file.relative_to(out).as_posix()] = text + "\n" + unquote(text)
    return texts


def found_in_tree(out: Path, word: str) -> list[str]:
    hits = [name for name, text in whole_tree_text(out).items() if word.lower() in text.lower()]
    return hits + [p.relative_to(out).as_posix() for p in out.rglob("*") if word.lower() in p.name.lower()]


# ---- scheduled ----------------------------------------------------------------------------


def test_a_scheduled_article_leaves_no_trace_anywhere(built):
    _, out, _ = built
    for word in SCHEDULED:
        assert found_in_tree(out, word) == [], f"{word!r} leaked before its minute"
    korean = page(out, "/ko/2024/05/03/summit/")
    assert not korean.find(class_="translations") and not korean.find("link", rel="alternate", hreflang="en")
    data = json_ld(korean)[0]
    assert "workTranslation" not in data and "translationOfWork" not in data


def test_at_its_minute_the_scheduled_article_is_everywhere(built, tmp_path):
    site, _, _ = built
    out = build(site, "--now", "2024-05-04T09:00", "--out", tmp_path / "later")
    article = page(out, "/en/2024/05/04/zephyrine-summit/")
    assert article.find("h1").get_text(strip=True) == "Zephyrine summit opens"
    assert page(out, "/ko/2024/05/03/summit/").find(class_="translations").find("a", hreflang="en")
    assert page(out, "/en/section/brumalweather/")
    feed = feedparser.parse((out / "en/feed.xml").read_bytes())
    assert feed.entries[0].title == "Zephyrine summit opens"
    locs = sitemap_urls(out).xpath("//s:loc/text()", namespaces=NS)
    assert f"{BASE}en/2024/05/04/zephyrine-summit/" in locs
    assert "/news/en/2024/05/01/zephyrine-early/ /news/en/2024/05/04/zephyrine-summit/ 301" in (
        out / "_redirects").read_text(encoding="utf-8")


def test_summary_line_names_the_next_change_and_what_was_left_out(built):
    _, _, stdout = built
    assert "left out: 1 draft, 1 scheduled" in stdout
    assert "next change: 2024-05-04 09:00 KST" in stdout


# ---- withdrawn and expired ----------------------------------------------------------------


def test_a_withdrawn_article_keeps_only_a_notice_at_its_url(built):
    _, out, _ = built
    notice = page(out, "/en/2024/05/02/gone/")
    assert notice.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    assert notice.find("h1").get_text(strip=True) == "Legal row story"
    assert "Withdrawn at the request of the court." in notice.get_text()
    assert notice.html["lang"] == "en"
    assert not json_ld(notice)
    for word in WITHDRAWN:
        assert found_in_tree(out, word) == [], f"{word!r} of the withdrawn article is still published"
    assert [name for name, text in whole_tree_text(out).items() if "Legal row story" in text] == [
        "en/2024/05/02/gone/index.html"]
    assert not (out / "en/tag/uniquegonetag").exists()
    korean = page(out, "/ko/2024/05/02/gone/")
    assert not korean.find(class_="translations") and not korean.find("link", rel="alternate", hreflang="en")


def test_an_expired_article_gets_a_notice_in_its_editions_language(built):
    _, out, _ = built
    notice = page(out, "/en/2024/05/03/wire/")
    assert notice.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    assert "expired" in notice.find(class_="reason").get_text()
    for word in EXPIRED:
        assert found_in_tree(out, word) == [], word


def test_a_korean_notice_is_in_korean(make_site):
    site = make_site({"ko/2024/05/gone.md": {"title": "삭제 기사", "posted": "2024-05-02T09:00:00+09:00",
                                             "withdrawn": "법원 요청으로 삭제"}})
    out = build(site, "--now", NOW)
    notice = page(out, "/ko/2024/05/02/gone/")
    assert notice.html["lang"] == "ko"
    assert "삭제된 기사입니다" in notice.get_text() and "법원 요청으로 삭제" in notice.get_text()


def test_a_withdrawal_dated_later_waits_for_its_time(built, tmp_path):
    site, _, _ = built
    out = build(site, "--now", "2024-05-03T17:59", "--out", tmp_path / "before")
    assert page(out, "/en/2024/05/02/gone/").find(class_="story-body").get_text(strip=True) == "Secretword in the body."


def test_a_withdrawn_url_stays_reserved(make_site, run_cli):
    site = make_site({
        "en/2024/05/gone.md": {"title": "Gone", "posted": "2024-05-02T09:00:00+09:00", "withdrawn": "Legal"},
        "en/2024/05/again.md": {"title": "Again", "posted": "2024-05-02T10:00:00+09:00", "slug": "gone"},
    })
    result = run_cli("build", "--site", site)
    assert result.exit_code == 1
    [(path, line, message)] = parse_errors(result.stderr)
    assert (path, line) == ("content/en/2024/05/gone.md", 2)  # one line of flow-style YAML
    assert message == "two articles on one URL /en/2024/05/02/gone/: this one and content/en/2024/05/again.md"


# ---- corrections ----------------------------------------------------------------------------


def test_corrections_on_the_page_in_json_ld_and_the_feed(built):
    _, out, _ = built
    article = page(out, "/en/2024/05/03/live/")
    shown = article.find("section", class_="corrections")
    times = [t["datetime"] for t in shown.find_all("time")]
    assert times == ["2024-05-03T12:00:00+09:00", "2024-05-03T10:00:00+09:00"]
    assert shown.find("em").get_text() == "minister’s"  # smart quotes, as in bodies
    data = json_ld(article)[0]
    assert data["dateModified"] == "2024-05-03T12:00:00+09:00"
    assert data["correction"][0] == {"@type": "CorrectionComment", "datePublished": "2024-05-03T12:00:00+09:00",
                                     "text": "An earlier version misspelt the minister’s name."}
    feed = feedparser.parse((out / "en/feed.xml").read_bytes())
    entry = next(e for e in feed.entries if e.title == "Talks resume in Cairo")
    assert entry.updated == "2024-05-03T12:00:00+09:00"
    lastmod = sitemap_urls(out).xpath(
        "//s:url[s:loc='https://example.com/news/en/2024/05/03/live/']/s:lastmod/text()", namespaces=NS)
    assert lastmod == ["2024-05-03T12:00:00+09:00"]


def test_the_corrections_page_lists_them_newest_first(built):
    _, out, _ = built
    listing = page(out, "/en/corrections/")
    entries = listing.find_all("li", class_="correction")
    assert [e.find("time")["datetime"] for e in entries] == ["2024-05-03T12:00:00+09:00", "2024-05-03T10:00:00+09:00"]
    assert entries[0].find("a")["href"] == "/news/en/2024/05/03/live/"
    assert "No corrections" not in listing.get_text()
    assert "정정 보도가 없습니다" in page(out, "/ko/corrections/").get_text()
    assert page(out, "/en/2024/05/01/view/").find("a", href="/news/en/corrections/")  # every page's footer links it


# ---- aliases -------------------------------------------------------------------------------


def test_an_alias_redirects_to_the_new_url(built):
    _, out, _ = built
    redirect = page(out, "/en/2024/05/02/talks-old/")
    refresh = redirect.find("meta", attrs={"http-equiv": "refresh"})["content"]
    assert refresh == "0; url=/news/en/2024/05/03/live/"
    assert redirect.find("link", rel="canonical")["href"] == f"{BASE}en/2024/05/03/live/"
    assert redirect.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    assert (out / "_redirects").read_text(encoding="utf-8") == "/news/en/2024/05/02/talks-old/ /news/en/2024/05/03/live/ 301\n"
    locs = sitemap_urls(out).xpath("//s:loc/text()", namespaces=NS)
    assert not any("talks-old" in loc or "en/2024/05/02/gone" in loc for loc in locs)


def test_check_reports_a_published_url_that_would_vanish(make_site, run_cli):
    story = "---\ntitle: {}\nposted: 2024-05-03T07:55:00+09:00\nstory: t\n---\n\nBody.\n"
    site = make_site({"en/2024/05/talks.md": story.format("Talks"), "ko/2024/05/talks.md": story.format("협상")})
    build(site)
    moved = site / "content/en/2024/05/talks.md"
    moved.rename(moved.with_name("talks-resume.md"))
    result = run_cli("check", "--site", site)
    assert result.exit_code == 1, str(result)
    assert "site/en/2024/05/03/talks/index.html:1: /en/2024/05/03/talks/ is published but the sources no longer " \
           "produce it" in result.stderr
    text = moved.with_name("talks-resume.md").read_text(encoding="utf-8")
    moved.with_name("talks-resume.md").write_text(text.replace("story: t", "story: t\naliases: [/en/2024/05/03/talks/]"),
                                                  encoding="utf-8")
    assert run_cli("check", "--site", site).exit_code == 0
    withdrawn = site / "content/ko/2024/05/talks.md"
    withdrawn.write_text(withdrawn.read_text(encoding="utf-8").replace("story: t", "story: t\nwithdrawn: Legal"),
                         encoding="utf-8")
    assert run_cli("check", "--site", site).exit_code == 0


def test_check_warns_about_gaps_between_the_editions_without_failing(make_site, run_cli):
    site = make_site({
        "en/2024/05/a.md": {"title": "A", "posted": "2024-05-03T07:55:00+09:00", "story": "a", "dateline": "Cairo",
                            "correspondents": ["Kim Ki-yun"], "section": "World"},
        "ko/2024/05/a.md": {"title": "가", "posted": "2024-05-03T07:55:00+09:00", "story": "a", "dateline": "Busan",
                            "correspondents": ["Lee Mi-ran"]},
        "en/2024/05/alone.md": {"title": "Alone", "posted": "2024-05-03T08:00:00+09:00"},
    })
    build(site)
    result = run_cli("check", "--site", site)
    assert result.exit_code == 0, str(result)
    assert "content/en/2024/05/alone.md:1: warning: no counterpart in another edition" in result.stderr
    assert "content/en/2024/05/a.md:5: warning: dateline 'Cairo' disagrees with its ko counterpart's 'Busan'" in result.stderr
    assert "content/en/2024/05/a.md:7: warning: section 'World' disagrees" in result.stderr
    assert "content/en/2024/05/a.md:6: warning: correspondents kim-ki-yun disagree" in result.stderr


# ---- kinds ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "label", "ld_type"), [
    ("/en/2024/05/03/live/", "Analysis", "AnalysisNewsArticle"),
    ("/ko/2024/05/03/live/", "분석", "AnalysisNewsArticle"),
    ("/en/2024/05/01/view/", "Editorial", "OpinionNewsArticle"),
    ("/ko/2024/05/01/talk/", "인터뷰", "NewsArticle"),
    ("/ko/2024/05/03/summit/", None, "NewsArticle"),
])
def test_kinds_are_labelled_and_typed(built, path, label, ld_type):
    _, out, _ = built
    article = page(out, path)
    kind = article.find("h1").find_previous("p", class_="kicker")
    assert (kind.find(class_="kind").get_text() if kind and kind.find(class_="kind") else None) == label
    assert json_ld(article)[0]["@type"] == ld_type


def test_kind_labels_show_in_lists(built):
    _, out, _ = built
    cards = page(out, "/en/").find_all("article", class_="card")
    labels = {c.find(class_="card-title").get_text(strip=True): c.find(class_="kind") for c in cards}
    assert labels["Talks resume in Cairo"].get_text() == "Analysis"
    assert labels["Our view"].get_text() == "Editorial"


# ---- Google News sitemap --------------------------------------------------------------------


def test_the_news_sitemap_holds_the_last_48_hours(built):
    _, out, _ = built
    tree = etree.parse(str(out / "sitemap-news.xml"))
    urls = tree.xpath("//s:url", namespaces=NS)
    locs = [u.findtext("s:loc", namespaces=NS) for u in urls]
    # Posted within 48 hours of 2024-05-04 08:00 and live: not the withdrawn, expired or scheduled ones.
    assert locs == [f"{BASE}ko/2024/05/03/summit/", f"{BASE}en/2024/05/03/live/", f"{BASE}ko/2024/05/03/live/",
                    f"{BASE}ko/2024/05/02/gone/"]
    first = urls[1]
    assert first.findtext("n:news/n:publication/n:name", namespaces=NS) == "The Test Times"
    assert first.findtext("n:news/n:publication/n:language", namespaces=NS) == "en"
    assert first.findtext("n:news/n:publication_date", namespaces=NS) == "2024-05-03T07:55:00+09:00"
    assert first.findtext("n:news/n:title", namespaces=NS) == "Talks resume in Cairo"
    assert urls[0].findtext("n:news/n:publication/n:name", namespaces=NS) == "테스트 타임스"
    robots = (out / "robots.txt").read_text(encoding="utf-8")
    assert f"Sitemap: {BASE}sitemap-news.xml" in robots


def test_the_news_window_and_cap(tmp_path):
    from conftest import write_site

    config = load_config(write_site(tmp_path / "s"))
    now = dt.datetime(2024, 5, 10, 12, 0, tzinfo=KST)

    def article(n: int, posted: dt.datetime) -> Article:
        return Article(source=f"content/en/a{n:04d}.md", lang="en", title=f"T{n}", posted=posted, updated=None,
                       slug=f"a{n:04d}", body="", body_line=5, digest=str(n))

    inside = [article(n, now - dt.timedelta(minutes=n + 1)) for n in range(NEWS_LIMIT + 5)]
    edge = [article(9000, now - dt.timedelta(hours=48)), article(9001, now - dt.timedelta(hours=47, minutes=59)),
            article(9002, now + dt.timedelta(minutes=1))]
    index, errors = build_index(config, inside + edge, now)
    assert not errors
    news = next(p for p in index.pages if p.kind == "newssitemap")
    assert len(news.sources) == NEWS_LIMIT
    assert news.sources[:2] == ("content/en/a0000.md", "content/en/a0001.md")  # newest first
    index, _ = build_index(config, edge, now)
    assert next(p for p in index.pages if p.kind == "newssitemap").sources == ("content/en/a9001.md",)


# ---- the clock's commands -------------------------------------------------------------------


def test_schedule_json_lists_coming_changes_soonest_first(built):
    site, _, _ = built
    result = cli("schedule", "--site", site, "--now", "2024-05-03T09:00", "--json")
    assert result.exit_code == 0, str(result)
    data = json.loads(result.stdout)
    assert data["now"] == "2024-05-03T09:00:00+09:00"
    assert [(c["at"], c["change"], c["source"]) for c in data["changes"]] == [
        ("2024-05-03T18:00:00+09:00", "withdraw", "content/en/2024/05/gone.md"),
        ("2024-05-03T20:00:00+09:00", "expire", "content/en/2024/05/wire.md"),
        ("2024-05-04T09:00:00+09:00", "publish", "content/en/2024/05/zephyrine-summit.md"),
    ]
    assert data["changes"][2]["url"] == f"{BASE}en/2024/05/04/zephyrine-summit/"
    assert data["changes"][2]["title"] == "Zephyrine summit opens"


def test_schedule_as_text(built):
    site, _, _ = built
    result = cli("schedule", "--site", site, "--now", NOW)
    assert result.exit_code == 0, str(result)
    assert result.stdout.splitlines() == [
        "2024-05-04 09:00 KST  publish   en  Zephyrine summit opens  (content/en/2024/05/zephyrine-summit.md)"]
    later = cli("schedule", "--site", site, "--now", "2024-05-05T00:00+09:00")
    assert later.stdout.strip() == "Nothing scheduled after 2024-05-05 00:00 KST."


@pytest.mark.parametrize("command", ["build", "schedule", "check", "serve"])
def test_a_malformed_now_is_a_usage_error(make_site, run_cli, command):
    site = make_site()
    result = run_cli(command, "--site", site, "--now", "tomorrow morning")
    assert result.exit_code == 2, str(result)
    assert result.stderr.startswith("error: --now must be a date and time in ISO 8601")
    assert not (site / "site").exists()


def test_now_without_offset_is_in_the_site_timezone(tmp_path):
    from conftest import write_site

    config = load_config(write_site(tmp_path / "s", timezone="Europe/London"))
    assert parse_now("2024-05-04T09:00", config).isoformat() == "2024-05-04T09:00:00+01:00"
    assert parse_now("2024-05-04T09:00Z", config).isoformat() == "2024-05-04T10:00:00+01:00"


def test_coming_changes_skip_what_is_already_taken_down():
    posted = dt.datetime(2024, 5, 1, tzinfo=KST)
    from dateline.content import Withdrawal

    gone = Article(source="a", lang="en", title="A", posted=posted, updated=None, slug="a", body="", body_line=1,
                   digest="a", withdrawn=Withdrawal("x"), expires=posted + dt.timedelta(days=9))
    assert coming_changes([gone], posted + dt.timedelta(days=1)) == []


def test_every_page_of_the_built_site_links_only_to_existing_pages(built, run_cli):
    site, out, _ = built
    result = run_cli("check", "--site", site, "--now", NOW)
    assert "broken internal link" not in result.stderr, result.stderr
    assert result.exit_code == 0, str(result)
    assert "/en/2024/05/02/talks-old/" in html_pages(out)
    assert parse_html(out / "en/2024/05/02/talks-old/index.html").find("a")["href"] == "/news/en/2024/05/03/live/"


def test_every_clock_page_kind_has_a_template():
    from dateline.index import CLOCK_KINDS
    from dateline.render import TEMPLATE_FOR

    assert set(CLOCK_KINDS) <= set(TEMPLATE_FOR)


def test_a_new_user_schedules_a_story_for_tomorrow_morning(make_site, run_cli):
    site = make_site()
    made = run_cli("new", "Morning briefing", "--site", site, "--posted", "2024-05-04 07:00", "--publish")
    assert made.exit_code == 0, str(made)
    before = run_cli("build", "--site", site, "--now", "2024-05-03T22:00")
    assert "left out: 1 scheduled; next change: 2024-05-04 07:00 KST" in before.stdout
    assert found_in_tree(site / "site", "Morning briefing") == []
    after = run_cli("build", "--site", site, "--now", "2024-05-04T07:00")
    assert "next change" not in after.stdout and "scheduled" not in after.stdout
    assert page(site / "site", "/en/2024/05/04/morning-briefing/").find("h1").get_text(strip=True) == "Morning briefing"
    bad = run_cli("new", "Other", "--site", site, "--posted", "tomorrow")
    assert bad.exit_code == 2 and bad.stderr.startswith("error: --posted must be a date and time in ISO 8601")


def test_a_hangul_alias_written_either_way_redirects(make_site):
    site = make_site({"ko/2024/05/new.md": {"title": "새 기사", "posted": "2024-05-03T07:55:00+09:00",
                                            "aliases": ["/ko/2024/05/02/옛-기사/", "/ko/2024/05/02/%EC%98%9B/"]}})
    out = build(site)
    assert page(out, "/ko/2024/05/02/옛-기사/").find("link", rel="canonical")["href"] == "https://example.com/ko/2024/05/03/new/"
    assert page(out, "/ko/2024/05/02/옛/").find("meta", attrs={"http-equiv": "refresh"})
    lines = (out / "_redirects").read_text(encoding="utf-8").splitlines()
    assert lines == ["/ko/2024/05/02/%EC%98%9B-%EA%B8%B0%EC%82%AC/ /ko/2024/05/03/new/ 301",
                     "/ko/2024/05/02/%EC%98%9B/ /ko/2024/05/03/new/ 301"]
