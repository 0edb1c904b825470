"""`dateline new --counterpart`: the other edition's article of a story, linked; and datelines typed
in Korean go through [places], so one city keeps one dateline page."""

from __future__ import annotations

import pytest
import yaml
from conftest import cli, page, tree_digest

ORIGINAL = {
    "title": "Ceasefire talks resume in Cairo",
    "posted": "2024-05-03T07:55:00+09:00",
    "section": "World",
    "dateline": {"city": "Cairo", "local": "카이로"},
    "correspondents": [{"name": "Kim Ki-yun", "local": "김기윤", "email": "pep@donga.com", "role": "correspondent"}],
    "tags": ["diplomacy"],
}
PLACES = '[places]\n"서울" = "Seoul"\n"실리콘밸리" = "Silicon Valley"\n'


def front_matter(path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])


def written(result, site):
    assert result.exit_code == 0, str(result)
    [line] = [line for line in result.stdout.splitlines() if line.startswith("Wrote ")]
    path = site / line.removeprefix("Wrote ").strip()
    assert path.is_file()
    return path


@pytest.fixture
def site(make_site):
    return make_site({"en/2024/05/talks.md": ORIGINAL})


def test_a_counterpart_takes_the_story_section_dateline_and_bylines(site, build_site):
    original = site / "content/en/2024/05/talks.md"
    before = original.read_text(encoding="utf-8")
    result = cli("new", "--site", site, "--counterpart", original, "카이로 휴전 협상 재개", "--publish")
    path = written(result, site)
    assert path.relative_to(site / "content").parts[0] == "ko"
    meta = front_matter(path)
    assert meta["title"] == "카이로 휴전 협상 재개" and meta["section"] == "World"
    assert meta["dateline"] == {"city": "Cairo", "local": "카이로"}
    assert meta["correspondents"] == ORIGINAL["correspondents"]
    # The original had no story: both files now carry its slug as the key, and nothing else in it changed.
    assert meta["story"] == "talks"
    after = original.read_text(encoding="utf-8")
    assert front_matter(original)["story"] == "talks"
    assert after.replace("story: talks\n", "") == before
    assert "added story 'talks' to content/en/2024/05/talks.md" in result.stderr
    # The two editions link each other.
    out = build_site(site)
    english = page(out, "/en/2024/05/03/talks/")
    [link] = english.select('link[rel="alternate"][hreflang="ko"]')
    korean = page(out, link["href"].replace("https://example.com", ""))
    assert korean.find("h1").get_text(strip=True) == "카이로 휴전 협상 재개"
    assert korean.select_one('link[rel="alternate"][hreflang="en"]')["href"] == "https://example.com/en/2024/05/03/talks/"


def test_the_story_key_of_an_original_that_has_one_is_kept(make_site):
    site = make_site({"en/2024/05/talks.md": {**ORIGINAL, "story": "cairo-talks"}})
    original = site / "content/en/2024/05/talks.md"
    before = original.read_bytes()
    path = written(cli("new", "--site", site, "--counterpart", original, "--lang", "ko", "휴전 협상"), site)
    assert front_matter(path)["story"] == "cairo-talks"
    assert original.read_bytes() == before


def test_a_second_counterpart_in_the_same_edition_is_refused(site):
    original = site / "content/en/2024/05/talks.md"
    first = written(cli("new", "--site", site, "--counterpart", original, "휴전 협상"), site)
    before = tree_digest(site / "content")
    result = cli("new", "--site", site, "--counterpart", original, "휴전 협상 다시")
    assert result.exit_code == 1, str(result)
    shown = first.relative_to(site).as_posix()
    assert result.stderr == (f"error: the ko edition already has story 'talks': {shown}; "
                             "edit that article instead of writing another\n")
    assert tree_digest(site / "content") == before


def test_a_counterpart_on_another_site_is_refused(make_site):
    site = make_site({"en/2024/05/talks.md": {**ORIGINAL, "translations": {"ko": "https://ko.example.org/talks"}}})
    before = tree_digest(site / "content")
    result = cli("new", "--site", site, "--counterpart", site / "content/en/2024/05/talks.md", "휴전 협상")
    assert result.exit_code == 1, str(result)
    assert "already has a ko counterpart on another site (https://ko.example.org/talks" in result.stderr
    assert tree_digest(site / "content") == before


@pytest.mark.parametrize("args, message", [
    (["--counterpart", "content/en/2024/05/nothing.md"], "error: --counterpart content/en/2024/05/nothing.md: no such file"),
    (["--counterpart", "dateline.toml"], "is not an article of this site"),
    (["--counterpart", "content/en/2024/05/talks.md", "--lang", "en"], "is itself in the en edition"),
    (["--counterpart", "content/en/2024/05/talks.md", "--lang", "fr"],
     "--lang 'fr' is not one of this site's languages (en, ko)"),
], ids=["missing", "not-an-article", "same-edition", "unknown-lang"])
def test_a_bad_counterpart_option_is_a_usage_error(site, monkeypatch, args, message):
    monkeypatch.chdir(site)
    before = tree_digest(site / "content")
    result = cli("new", *args, "휴전 협상")
    assert result.exit_code == 2, str(result)
    assert result.stderr.startswith("error: ") and message in result.stderr
    assert tree_digest(site / "content") == before


def test_a_broken_original_is_named_at_its_line(make_site):
    site = make_site({"en/2024/05/talks.md": "---\ntitle: Talks\nposted: [\n---\n\nBody.\n"})
    result = cli("new", "--site", site, "--counterpart", site / "content/en/2024/05/talks.md", "휴전 협상")
    assert result.exit_code == 1, str(result)
    assert result.stderr.startswith("content/en/2024/05/talks.md:")
    assert not (site / "content/ko").exists()


def test_the_slug_key_of_another_story_is_not_reused(make_site):
    site = make_site({"en/2024/05/talks.md": ORIGINAL,
                      "ko/2024/04/other.md": {"title": "다른 기사", "posted": "2024-04-01T09:00:00+09:00", "story": "talks"}})
    original = site / "content/en/2024/05/talks.md"
    result = cli("new", "--site", site, "--counterpart", original, "휴전 협상")
    assert result.exit_code == 1, str(result)
    assert "the ko edition already has story 'talks': content/ko/2024/04/other.md" in result.stderr


# ---- datelines through [places] -----------------------------------------------------------


def test_a_korean_dateline_goes_through_places(make_site, build_site):
    site = make_site()
    (site / "dateline.toml").write_text((site / "dateline.toml").read_text(encoding="utf-8") + PLACES, encoding="utf-8")
    korean = written(cli("new", "--site", site, "--lang", "ko", "--dateline", "서울", "서울 증시 반등", "--publish"), site)
    english = written(cli("new", "--site", site, "--dateline", "Seoul", "Seoul markets rally", "--publish"), site)
    assert front_matter(korean)["dateline"] == {"city": "Seoul", "local": "서울"}
    assert front_matter(english)["dateline"] == {"city": "Seoul", "local": "서울"}
    out = build_site(site)
    assert (out / "ko/dateline/seoul/index.html").is_file() and (out / "en/dateline/seoul/index.html").is_file()
    assert not [p for p in (out / "ko/dateline").iterdir() if p.name != "seoul"]


def test_a_korean_dateline_not_in_places_comes_from_the_gazetteer(make_site):
    site = make_site()
    path = written(cli("new", "--site", site, "--lang", "ko", "--dateline", "부산", "부산 소식"), site)
    assert front_matter(path)["dateline"] == {"city": "Busan", "local": "부산"}


def test_an_unknown_korean_place_is_romanized_with_a_note(make_site):
    site = make_site()
    result = cli("new", "--site", site, "--lang", "ko", "--dateline", "강남역", "강남역 소식")
    path = written(result, site)
    assert front_matter(path)["dateline"] == {"city": "Gangnamyeok", "local": "강남역"}
    assert "note: unknown place '강남역'" in result.stderr and '"강남역" = "English name"' in result.stderr
