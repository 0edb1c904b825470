"""`dateline import RAW...` on real raw files into small sites: what lands in content/ and what is said."""

from __future__ import annotations

import re
import shutil

from test_import_support import (
    article,
    content_files,
    import_site,
    iso,
    keys_in_file_order,
    raw,
)

from dateline.config import load_config
from dateline.content import load_article

SAMPLE = "content/en/2024/05/israel-hamas-ceasefire-negotiations-hit-stalemate.md"
KEY_ORDER = ["title", "slug", "posted", "updated", "section", "tags", "dateline", "correspondents",
             "story", "translations", "source", "summary", "draft"]



def shown(markdown_text: str) -> str:
    """The text a reader sees: Markdown backslash escapes removed."""
    return re.sub(r"\\(.)", r"\1", markdown_text)

def loads_cleanly(site, relative):
    """The build's own loader accepts the file."""
    found, errors = load_article(load_config(site), site / relative)
    assert not errors, errors
    return found


def run_import(run_cli, site, *args):
    return run_cli("import", "--site", site, *args)


# ---- the English edition's page text -------------------------------------------------------


def test_sample_article(make_site, run_cli):
    site = import_site(make_site)
    result = run_import(run_cli, site, raw("israel-hamas-ceasefire-stalemate.en.txt"))
    assert result.exit_code == 0, result
    post = article(site, SAMPLE)
    assert post["title"] == "Israel-Hamas ceasefire negotiations hit stalemate"
    assert post["slug"] == "israel-hamas-ceasefire-negotiations-hit-stalemate"
    assert iso(post["posted"]) == "2024-05-03T07:55:00+09:00"
    assert iso(post["updated"]) == "2024-05-03T07:55:00+09:00"
    assert post["dateline"] == {"city": "Cairo", "local": "카이로"}
    assert post["correspondents"] == [
        {"name": "Kim Ki-yun", "local": "김기윤", "email": "pep@donga.com", "role": "correspondent"}]
    # The switch line says a Korean original exists: a story key for it to join later.
    assert post["story"] == post["slug"]
    paragraphs = shown(post.content).split("\n\n")
    assert len(paragraphs) == 6
    assert paragraphs[0].startswith("U.S. Secretary of State Tony Blinken met")
    assert paragraphs[-1].endswith('"Hostage exchanges and ceasefire negotiations without guarantees '
                                   'of terminating war are traps targeting us."')
    assert "calling “an insecure ceasefire a dangerous trap.”" in paragraphs[0]
    for chrome in ("Go to contents", "Posted", "Updated", "한국어", "pep@donga.com", "카이로"):
        assert chrome not in post.content
    assert keys_in_file_order(site, SAMPLE) == [k for k in KEY_ORDER if k in post.metadata]
    text = (site / SAMPLE).read_text(encoding="utf-8")
    assert "posted: 2024-05-03T07:55:00+09:00\n" in text and "local: 카이로\n" in text
    assert text.endswith("us.\"\n") and "\r" not in text
    assert loads_cleanly(site, SAMPLE).dateline.city == "Cairo"
    assert "1 imported, 0 skipped, 0 failed, 0 warnings" in result.stdout
    assert list(content_files(site)) == [SAMPLE]


def test_several_people_in_one_signoff(make_site, run_cli):
    site = import_site(make_site)
    result = run_import(run_cli, site, raw("multi-signoff.en.txt"))
    assert result.exit_code == 0, result
    post = article(site, "content/en/2024/09/us-and-japan-tighten-chip-export-curbs.md")
    assert iso(post["posted"]) == "2024-09-12T06:30:00+09:00"  # "Sept."
    assert post["dateline"] == {"city": "Washington", "local": "워싱턴"}  # the first city, from [places]
    assert post["correspondents"] == [
        {"name": "Moon Byeong-gi", "local": "문병기", "email": "weappon@donga.com", "role": "correspondent"},
        {"name": "Lee Sang-hun", "local": "이상훈", "email": "sanghun@donga.com", "role": "correspondent"},
    ]
    assert "문병기 (weappon@donga.com) is not in the staff registry" in result.stdout
    assert "이상훈 (sanghun@donga.com) is not in the staff registry" in result.stdout
    assert "2 warnings" in result.stdout
    assert "워싱턴" not in post.content


def test_reporter_at_home_signs_without_a_city(make_site, run_cli):
    site = import_site(make_site)
    assert run_import(run_cli, site, raw("home-reporter.en.txt"), raw("unregistered-reporter.en.txt")).exit_code == 0
    post = article(site, "content/en/2024/04/won-slides-to-a-17-month-low-against-the-dollar.md")
    assert "dateline" not in post.metadata
    assert post["correspondents"] == [
        {"name": "Park Min-su", "local": "박민수", "email": "minsu@example.com", "role": "reporter"}]
    post = article(site, "content/en/2024/04/assembly-passes-supplementary-budget.md")
    assert post["correspondents"][0]["name"] == "Jung Seo-yeon"
    assert "story" not in post.metadata  # no switch line: no Korean original to link


def test_editorial_without_signoff_and_other_titles(make_site, run_cli):
    site = import_site(make_site)
    result = run_import(run_cli, site, raw("editorial.en.txt"), raw("editorial-writer.en.txt"),
                        raw("post-in-title.en.txt"), raw("year-boundary.en.txt"))
    assert result.exit_code == 0, result
    editorial = article(site, "content/en/2024/05/editorial-aid-must-reach-gaza-now.md")
    assert "correspondents" not in editorial.metadata and "dateline" not in editorial.metadata
    assert editorial["title"] == "[Editorial] Aid must reach Gaza now"
    assert editorial.content.startswith("The world has watched")
    column = article(site, "content/en/2024/05/column-the-quiet-cost-of-a-weak-won.md")
    assert column["correspondents"][0]["role"] == "editorial writer"
    fed = article(site, "content/en/2024/05/fed-holds-rates-steady-for-a-sixth-meeting.md")
    assert fed["correspondents"][0]["role"] == "Washington correspondent"
    assert fed["dateline"] == {"city": "Washington", "local": "워싱턴"}
    new_year = article(site, "content/en/2023/12/fireworks-and-protests-mark-the-new-year-in-seoul.md")
    assert new_year["correspondents"][0] == {
        "name": "Namgung Min", "local": "남궁민", "email": "ngmin@example.com", "role": "senior reporter"}


def test_year_boundary_between_posted_and_updated(make_site, run_cli):
    site = import_site(make_site)
    assert run_import(run_cli, site, raw("year-boundary.en.txt")).exit_code == 0
    relative = "content/en/2023/12/fireworks-and-protests-mark-the-new-year-in-seoul.md"
    post = article(site, relative)
    assert iso(post["posted"]) == "2023-12-31T23:48:00+09:00"
    assert iso(post["updated"]) == "2024-01-01T09:15:00+09:00"
    loads_cleanly(site, relative)


def test_crlf_and_byte_order_mark(make_site, run_cli):
    assert raw("crlf-bom.en.txt").read_bytes().startswith(b"\xef\xbb\xbfGo to contents\r\n")
    site = import_site(make_site)
    assert run_import(run_cli, site, raw("crlf-bom.en.txt")).exit_code == 0
    relative = "content/en/2024/04/tokyo-steps-in-to-prop-up-the-yen.md"
    data = (site / relative).read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf") and b"\r" not in data
    post = article(site, relative)
    assert post["title"] == "Tokyo steps in to prop up the yen"
    assert iso(post["posted"]) == "2024-04-29T18:20:00+09:00"
    assert post["dateline"] == {"city": "Tokyo", "local": "도쿄"}  # from the gazetteer
    assert shown(post.content) == ("Japan's finance ministry sold dollars on Monday after the yen fell past 160.\n\n"
                            "It was the first intervention since 2022.")


def test_body_with_posted_markdown_characters_and_script(make_site, run_cli):
    site = import_site(make_site)
    assert run_import(run_cli, site, raw("body-posted.en.txt")).exit_code == 0
    relative = "content/en/2024/06/markets-what-the-numbers-say.md"
    post = article(site, relative)
    assert post["title"] == "Markets: what the *numbers* say"  # YAML quotes it; no escaping needed
    assert iso(post["updated"]) == "2024-06-03T09:30:00+09:00"  # not the body's "Posted May. 04"
    paragraphs = post.content.split("\n\n")
    assert paragraphs[:3] == ["Posted prices at gas stations rose for a third week, the ministry said.",
                              "Updated figures are due on Friday.", "Posted May. 04, 2024 10:00"]
    assert paragraphs[3:6] == ["\\# not a heading", "1\\. not a list item", "\\- not a bullet either"]
    assert paragraphs[6] == ('A &lt;script>alert("owned")&lt;/script> tag in wire copy & the AT&T logo '
                             '&amp;amp; an entity.')
    assert "<script" not in post.content
    # Quotes and "--" are written as they came, without backslashes; the build typesets them.
    assert paragraphs[-1] == "\"Straight quotes\" and “curly ones” stay as written -- and so do dashes."
    assert post["dateline"] == {"city": "Seoul", "local": "서울"}


def test_places_from_the_site_table_and_unknown_places(make_site, run_cli):
    site = import_site(make_site)
    result = run_import(run_cli, site, raw("silicon-valley.en.txt"), raw("unknown-place.en.txt"))
    assert result.exit_code == 0, result
    valley = article(site, "content/en/2024/03/chip-start-ups-flock-to-silicon-valley-again.md")
    assert valley["dateline"] == {"city": "Silicon Valley", "local": "실리콘밸리"}
    flood = article(site, "content/en/2024/07/floods-hit-a-small-town.md")
    assert flood["dateline"] == {"city": "Ganadasi", "local": "가나다시"}
    assert flood["correspondents"][0]["name"] == "Lee Ji-hyun"  # from the registry, by email
    assert "warning: unknown place '가나다시'" in result.stdout
    assert '"가나다시" = "English name"' in result.stdout


# ---- the Korean edition -------------------------------------------------------------------


def test_korean_edition_alone(make_site, run_cli):
    site = import_site(make_site)
    result = run_import(run_cli, site, raw("ceasefire.ko.txt"))
    assert result.exit_code == 0, result
    relative = "content/ko/2024/05/i-hamaseu-hyujeon-hyeopsang-gyochak.md"
    post = article(site, relative)
    assert post["title"] == "이-하마스 휴전 협상 교착"
    assert iso(post["posted"]) == "2024-05-03T07:55:00+09:00"
    assert iso(post["updated"]) == "2024-05-03T09:10:00+09:00"
    assert post["dateline"] == {"city": "Cairo", "local": "카이로"}
    assert post["correspondents"][0]["name"] == "Kim Ki-yun"
    assert shown(post.content).split("\n\n")[1] == '하지만 네타냐후 총리는 "마이웨이"를 고수해 양측은 이견만 확인했다.'
    for chrome in ("본문 바로가기", "입력", "업데이트", "English", "무단 전재", "pep@donga.com"):
        assert chrome not in post.content
    assert "title: 이-하마스 휴전 협상 교착\n" in (site / relative).read_text(encoding="utf-8")
    loads_cleanly(site, relative)


def test_korean_edition_joins_an_english_story_later(make_site, run_cli):
    site = import_site(make_site)
    assert run_import(run_cli, site, raw("israel-hamas-ceasefire-stalemate.en.txt")).exit_code == 0
    english = article(site, SAMPLE)
    result = run_import(run_cli, site, raw("ceasefire.ko.txt"), "--story", english["story"])
    assert result.exit_code == 0, result
    korean = article(site, f"content/ko/2024/05/{english['story']}.md")
    assert korean["story"] == english["story"] and korean["slug"] == english["story"]


def test_pair_links_both_editions(make_site, run_cli):
    site = import_site(make_site)
    result = run_import(run_cli, site, "--pair", raw("ceasefire.ko.txt"),
                        raw("israel-hamas-ceasefire-stalemate.en.txt"), "--story", "israel-hamas-ceasefire")
    assert result.exit_code == 0, result
    english = article(site, SAMPLE)
    korean = article(site, "content/ko/2024/05/israel-hamas-ceasefire-negotiations-hit-stalemate.md")
    assert english["story"] == korean["story"] == "israel-hamas-ceasefire"
    assert "translations" not in english.metadata and "translations" not in korean.metadata


def test_pair_story_defaults_to_the_english_slug(make_site, run_cli):
    site = import_site(make_site)
    assert run_import(run_cli, site, "--pair", raw("israel-hamas-ceasefire-stalemate.en.txt"),
                      raw("ceasefire.ko.txt")).exit_code == 0
    korean = article(site, "content/ko/2024/05/israel-hamas-ceasefire-negotiations-hit-stalemate.md")
    assert korean["story"] == "israel-hamas-ceasefire-negotiations-hit-stalemate"


def test_pair_needs_two_editions_and_two_files(make_site, run_cli):
    site = import_site(make_site)
    result = run_import(run_cli, site, "--pair", raw("editorial.en.txt"), raw("home-reporter.en.txt"))
    assert result.exit_code == 1
    assert "--pair needs two editions" in result.stderr
    assert content_files(site) == {}
    result = run_import(run_cli, site, "--pair", raw("editorial.en.txt"))
    assert result.exit_code == 2 and "--pair takes exactly two raw files" in result.stderr


# ---- saved HTML pages ---------------------------------------------------------------------


def test_html_page_with_canonical_and_hreflang_alternates(make_site, run_cli):
    site = import_site(make_site)
    result = run_import(run_cli, site, raw("seoul-stocks.en.html"))
    assert result.exit_code == 0, result
    relative = "content/en/2024/06/seoul-stocks-rally-on-chip-exports.md"
    post = article(site, relative)
    assert post["title"] == "Seoul stocks rally on chip exports"
    assert post["source"] == "https://www.example-herald.com/news/2024/06/seoul-stocks-rally"
    assert post["translations"] == {"ko": "https://www.example-herald.co.kr/news/2024/06/seoul-stocks-rally-ko"}
    assert iso(post["posted"]) == "2024-06-10T14:05:00+09:00"  # 05:05Z in Seoul
    assert iso(post["updated"]) == "2024-06-10T16:30:00+09:00"
    assert post["correspondents"] == [
        {"name": "Park Min-su", "local": "박민수", "email": "minsu@example.com", "role": "reporter"}]
    assert post["story"] == post["slug"]
    paragraphs = post.content.split("\n\n")
    assert len(paragraphs) == 3 and paragraphs[0].startswith("The KOSPI rose 2 percent on Monday")
    assert "Home" not in post.content and "Copyright" not in post.content and "By Park" not in post.content
    assert "&lt;script>alert(1)&lt;/script>" in paragraphs[2] and "\\*memory\\*" in paragraphs[2]
    assert "summary" not in post.metadata  # the description only repeats the first paragraph
    assert keys_in_file_order(site, relative) == [k for k in KEY_ORDER if k in post.metadata]
    loads_cleanly(site, relative)


def test_html_pair_drops_translations_for_counterparts_in_the_site(make_site, run_cli):
    site = import_site(make_site)
    result = run_import(run_cli, site, "--pair", raw("seoul-stocks.en.html"), raw("seoul-stocks.ko.html"))
    assert result.exit_code == 0, result
    english = article(site, "content/en/2024/06/seoul-stocks-rally-on-chip-exports.md")
    korean = article(site, "content/ko/2024/06/seoul-stocks-rally-on-chip-exports.md")
    assert english["story"] == korean["story"] == "seoul-stocks-rally-on-chip-exports"
    assert "translations" not in english.metadata and "translations" not in korean.metadata
    assert korean["source"] == "https://www.example-herald.co.kr/news/2024/06/seoul-stocks-rally-ko"
    assert korean["title"] == "반도체 수출 회복에 코스피 2% 상승"


def test_html_counterpart_already_in_the_site_is_linked_by_story(make_site, run_cli):
    site = import_site(make_site)
    assert run_import(run_cli, site, raw("seoul-stocks.en.html")).exit_code == 0
    assert run_import(run_cli, site, raw("seoul-stocks.ko.html")).exit_code == 0
    korean = article(site, "content/ko/2024/06/seoul-stocks-rally-on-chip-exports.md")
    assert korean["story"] == "seoul-stocks-rally-on-chip-exports"
    assert "translations" not in korean.metadata


def test_html_from_another_site_with_json_ld(make_site, run_cli):
    site = import_site(make_site)
    assert run_import(run_cli, site, raw("wire-jsonld.html")).exit_code == 0
    post = article(site, "content/en/2024/08/storm-knocks-out-power-across-the-coast.md")
    assert post["source"] == "https://coastalwire.example.org/2024/08/20/storm-power-outage/"
    assert iso(post["posted"]) == "2024-08-21T11:15:00+09:00"  # 22:15 at -04:00
    assert post["correspondents"] == [
        {"name": "Maria Lopez"},
        {"name": "Kim Ki-yun", "local": "김기윤", "email": "pep@donga.com", "role": "correspondent"},
    ]
    assert "translations" not in post.metadata and "story" not in post.metadata
    assert len(post.content.split("\n\n")) == 3


def test_html_in_a_declared_legacy_charset(make_site, run_cli):
    site = import_site(make_site)
    result = run_import(run_cli, site, raw("busan-port.euc-kr.html"))
    assert result.exit_code == 0, result
    (relative,) = content_files(site)
    assert relative.startswith("content/ko/2024/04/")
    post = article(site, relative)
    assert post["title"] == "부산항 물동량 사상 최대"
    assert post["dateline"] == {"city": "Busan", "local": "부산"}
    assert post["correspondents"][0]["name"] == "Jung Seo-yeon"


def test_lang_option_for_a_page_that_does_not_tell(make_site, run_cli, tmp_path):
    page = tmp_path / "mixed.html"
    page.write_text(
        "<html><head><meta property='article:published_time' content='2024-05-01T10:00:00+09:00'>"
        "<title>K-pop 그룹 world tour 발표</title></head><body><article><h1>K-pop 그룹 world tour 발표</h1>"
        "<p>그룹 Seventeen announced a world tour 내년 봄 starting in Seoul 서울 공연.</p>"
        "<p>Tickets 예매 opens next week 다음 주 on Interpark 인터파크.</p></article></body></html>",
        encoding="utf-8")
    site = import_site(make_site)
    result = run_import(run_cli, site, page)
    assert result.exit_code == 1 and "cannot tell which edition this is; pass --lang" in result.stderr
    result = run_import(run_cli, site, page, "--lang", "ko", "--slug", "kpop-tour")
    assert result.exit_code == 0, result
    assert list(content_files(site)) == ["content/ko/2024/05/kpop-tour.md"]


# ---- many inputs, failures, options -------------------------------------------------------


def test_bad_files_are_reported_by_name_and_the_rest_import(make_site, run_cli):
    site = import_site(make_site)
    result = run_import(run_cli, site, raw("latin1.en.txt"), raw("editorial.en.txt"),
                        raw("not-an-article.txt"), site / "nowhere.txt")
    assert result.exit_code == 1
    errors = result.error_lines
    assert f"error: {raw('latin1.en.txt')}: not UTF-8 text (byte 0xe9 on line 3); save it as UTF-8" in errors
    assert any(line.startswith(f"error: {raw('not-an-article.txt')}: not an edition page") for line in errors)
    assert f"error: {site / 'nowhere.txt'}: no such file or folder" in errors
    assert list(content_files(site)) == ["content/en/2024/05/editorial-aid-must-reach-gaza-now.md"]
    assert "1 imported, 0 skipped, 3 failed" in result.stdout


def test_folders_and_globs(make_site, run_cli, tmp_path):
    folder = tmp_path / "inbox"
    (folder / "nested").mkdir(parents=True)
    shutil.copy(raw("editorial.en.txt"), folder)
    shutil.copy(raw("home-reporter.en.txt"), folder / "nested")
    (folder / "notes.md").write_text("not a raw article", encoding="utf-8")
    site = import_site(make_site)
    result = run_import(run_cli, site, folder)
    assert result.exit_code == 0, result
    assert len(content_files(site)) == 2
    other = import_site(make_site)
    result = run_import(run_cli, other, str(raw("") / "*-reporter.en.txt"))
    assert result.exit_code == 0, result
    assert sorted(content_files(other)) == [
        "content/en/2024/04/assembly-passes-supplementary-budget.md",
        "content/en/2024/04/won-slides-to-a-17-month-low-against-the-dollar.md",
    ]
    result = run_import(run_cli, other, str(tmp_path / "*.nothing"))
    assert result.exit_code == 1 and "no file matches this pattern" in result.stderr


def test_dry_run_prints_and_writes_nothing(make_site, run_cli):
    site = import_site(make_site)
    result = run_import(run_cli, site, raw("israel-hamas-ceasefire-stalemate.en.txt"), "--dry-run")
    assert result.exit_code == 0, result
    assert content_files(site) == {}
    assert f"would write {SAMPLE}" in result.stdout
    assert "title: Israel-Hamas ceasefire negotiations hit stalemate\n" in result.stdout
    assert "U.S. Secretary of State Tony Blinken" in result.stdout
    assert "1 would import" in result.stdout and "nothing written" in result.stdout


def test_importing_twice_is_recognised_and_force_reimports(make_site, run_cli, tmp_path):
    site = import_site(make_site)
    assert run_import(run_cli, site, raw("home-reporter.en.txt")).exit_code == 0
    relative = "content/en/2024/04/won-slides-to-a-17-month-low-against-the-dollar.md"
    before = (site / relative).read_text(encoding="utf-8")
    copy = tmp_path / "same-article-again.txt"
    shutil.copy(raw("home-reporter.en.txt"), copy)
    result = run_import(run_cli, site, raw("home-reporter.en.txt"), copy)
    assert result.exit_code == 0, result
    assert result.stdout.count(f"already imported as {relative}") == 2
    assert "0 imported, 2 skipped" in result.stdout
    assert content_files(site) == {relative: before}
    result = run_import(run_cli, site, copy, "--force", "--section", "Economy")
    assert result.exit_code == 0, result
    assert list(content_files(site)) == [relative]
    assert article(site, relative)["section"] == "Economy"


def test_same_article_twice_in_one_run_is_written_once(make_site, run_cli, tmp_path):
    site = import_site(make_site)
    copy = tmp_path / "copy.txt"
    shutil.copy(raw("editorial.en.txt"), copy)
    result = run_import(run_cli, site, raw("editorial.en.txt"), copy, "--force")
    assert result.exit_code == 0, result
    assert "the same article as another input of this run" in result.stdout
    assert len(content_files(site)) == 1


def test_an_existing_different_article_is_never_overwritten_without_force(make_site, run_cli):
    relative = "content/en/2024/05/editorial-aid-must-reach-gaza-now.md"
    mine = "---\ntitle: Something else\nposted: 2024-05-02 09:00\n---\n\nMine.\n"
    site = import_site(make_site, {"en/2024/05/editorial-aid-must-reach-gaza-now.md": mine})
    result = run_import(run_cli, site, raw("editorial.en.txt"))
    assert result.exit_code == 0, result
    assert "already exists and holds another article" in result.stdout
    assert (site / relative).read_text(encoding="utf-8") == mine
    assert run_import(run_cli, site, raw("editorial.en.txt"), "--force").exit_code == 0
    assert article(site, relative)["title"] == "[Editorial] Aid must reach Gaza now"


def test_force_with_another_slug_replaces_the_earlier_import(make_site, run_cli):
    site = import_site(make_site)
    assert run_import(run_cli, site, raw("editorial.en.txt")).exit_code == 0
    result = run_import(run_cli, site, raw("editorial.en.txt"), "--force", "--slug", "aid-to-gaza")
    assert result.exit_code == 0, result
    assert "replacing content/en/2024/05/editorial-aid-must-reach-gaza-now.md" in result.stdout
    assert list(content_files(site)) == ["content/en/2024/05/aid-to-gaza.md"]


def test_section_tags_story_slug_and_draft(make_site, run_cli):
    site = import_site(make_site)
    result = run_import(run_cli, site, raw("israel-hamas-ceasefire-stalemate.en.txt"), "--section", "World",
                        "--tags", "Middle East, Gaza,diplomacy", "--story", "israel-hamas-ceasefire",
                        "--slug", "israel-hamas-ceasefire-stalemate", "--draft")
    assert result.exit_code == 0, result
    relative = "content/en/2024/05/israel-hamas-ceasefire-stalemate.md"
    post = article(site, relative)
    assert post["section"] == "World"
    assert post["tags"] == ["Middle East", "Gaza", "diplomacy"]
    assert post["story"] == "israel-hamas-ceasefire" and post["slug"] == "israel-hamas-ceasefire-stalemate"
    assert post["draft"] is True
    assert keys_in_file_order(site, relative) == [
        "title", "slug", "posted", "updated", "section", "tags", "dateline", "correspondents", "story", "draft"]


def test_usage_errors_exit_2_and_write_nothing(make_site, run_cli):
    site = import_site(make_site)
    for args, message in [
        (["--slug", "a", raw("editorial.en.txt"), raw("home-reporter.en.txt")], "--slug names one article"),
        (["--slug", "a/b", raw("editorial.en.txt")], "a slug holds only letters, digits and '-'"),
        (["--lang", "fr", raw("editorial.en.txt")], "not one of this site's languages"),
        ([], "Missing argument"),
    ]:
        result = run_import(run_cli, site, *args)
        assert result.exit_code == 2, result
        assert message in result.stderr
    assert content_files(site) == {}


def test_a_site_without_config_is_an_error(run_cli, tmp_path):
    result = run_cli("import", "--site", tmp_path, raw("editorial.en.txt"))
    assert result.exit_code == 2 and result.stderr.startswith("error: no dateline.toml in ")


def test_hreflang_region_tags_become_site_language_codes(make_site, run_cli, tmp_path):
    page = tmp_path / "region.html"
    page.write_text(
        "<html lang='en-US'><head><link rel='canonical' href='https://a.example/en/story'>"
        "<link rel='alternate' hreflang='ko-KR' href='https://a.example/ko/story'>"
        "<link rel='alternate' hreflang='en-GB' href='https://a.example/uk/story'>"
        "<link rel='alternate' hreflang='ja' href='/ja/story'>"
        "<meta property='article:published_time' content='2024-05-01T10:00:00+09:00'>"
        "<title>Region tags</title></head><body><article><h1>Region tags</h1>"
        "<p>A paragraph long enough to count as the article's text for the extractor to keep it.</p>"
        "</article></body></html>", encoding="utf-8")
    site = import_site(make_site)
    assert run_import(run_cli, site, page).exit_code == 0
    post = article(site, "content/en/2024/05/region-tags.md")
    assert post["translations"] == {"ko": "https://a.example/ko/story", "ja": "https://a.example/ja/story"}
    loads_cleanly(site, "content/en/2024/05/region-tags.md")


def test_a_page_that_is_not_an_article(make_site, run_cli, tmp_path):
    page = tmp_path / "login.html"
    page.write_text("<html lang='en'><head><title>Log in</title></head><body><form><input name=x></form>"
                    "</body></html>", encoding="utf-8")
    site = import_site(make_site)
    result = run_import(run_cli, site, page)
    assert result.exit_code == 1
    assert f"error: {page}: no article text found in the page (is it an article page?)" in result.error_lines


def test_page_times_are_in_the_sites_own_timezone(make_site, run_cli):
    site = make_site(timezone="America/New_York")
    result = run_import(run_cli, site, raw("israel-hamas-ceasefire-stalemate.en.txt"), raw("seoul-stocks.en.html"))
    assert result.exit_code == 0, result
    assert iso(article(site, SAMPLE)["posted"]) == "2024-05-03T07:55:00-04:00"
    stocks = article(site, "content/en/2024/06/seoul-stocks-rally-on-chip-exports.md")
    assert iso(stocks["posted"]) == "2024-06-10T01:05:00-04:00"  # 05:05Z, written in New York time
    # No registry in this site: the name is romanized, with a warning.
    assert article(site, SAMPLE)["correspondents"][0]["name"] == "Kim Gi-yun"
    assert "김기윤 (pep@donga.com) is not in the staff registry" in result.stdout


def test_without_a_working_extractor_only_html_pages_fail(make_site, run_cli, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "trafilatura", None)  # `import trafilatura` now raises ImportError
    site = import_site(make_site)
    result = run_import(run_cli, site, raw("editorial.en.txt"), raw("seoul-stocks.en.html"))
    assert result.exit_code == 1
    assert any("seoul-stocks.en.html: saved HTML pages need trafilatura" in line for line in result.error_lines)
    assert list(content_files(site)) == ["content/en/2024/05/editorial-aid-must-reach-gaza-now.md"]
