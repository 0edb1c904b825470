"""Imported articles go through `dateline build` as they are and show what the raw article said."""

from __future__ import annotations

from conftest import page
from test_import_support import import_site, raw


def imported_and_built(make_site, run_cli, build_site, *args):
    site = import_site(make_site)
    result = run_cli("import", "--site", site, *args)
    assert result.exit_code == 0, result
    return build_site(site)


def test_sample_article_page(make_site, run_cli, build_site):
    out = imported_and_built(make_site, run_cli, build_site, raw("israel-hamas-ceasefire-stalemate.en.txt"))
    soup = page(out, "/en/2024/05/03/israel-hamas-ceasefire-negotiations-hit-stalemate/")
    text = soup.get_text(" ")
    assert "Israel-Hamas ceasefire negotiations hit stalemate" in soup.find("h1").get_text()
    for shown in ("Cairo", "Kim Ki-yun", "pep@donga.com", "Tony Blinken"):
        assert shown in text, shown
    times = [t["datetime"] for t in soup.find_all("time")]
    assert "2024-05-03T07:55:00+09:00" in times
    assert "Go to contents" not in text and "카이로=김기윤" not in text


def test_wire_copy_shows_as_text_and_never_runs(make_site, run_cli, build_site):
    out = imported_and_built(make_site, run_cli, build_site, raw("body-posted.en.txt"))
    soup = page(out, "/en/2024/06/03/markets-what-the-numbers-say/")
    paragraphs = [p.get_text() for p in soup.find_all("p")]
    assert 'A <script>alert("owned")</script> tag in wire copy & the AT&T logo &amp; an entity.' in [
        p.replace("“", '"').replace("”", '"') for p in paragraphs]
    assert not any("owned" in (s.string or "") for s in soup.find_all("script"))
    for literal in ("# not a heading", "1. not a list item", "- not a bullet either", "> not a quote",
                    "Posted May. 04, 2024 10:00"):
        assert literal in paragraphs, literal
    assert any("Use `code`, [brackets](http://example.com), snake_case_names, a \\ backslash, {curly} and 5 * 3 = 15."
               == p for p in paragraphs)
    assert not soup.find_all(["h1", "ol", "blockquote", "code"], string=lambda s: s and "not a" in s)


def test_paired_editions_link_to_each_other(make_site, run_cli, build_site):
    out = imported_and_built(make_site, run_cli, build_site, "--pair", raw("israel-hamas-ceasefire-stalemate.en.txt"),
                             raw("ceasefire.ko.txt"), "--story", "israel-hamas-ceasefire")
    english = page(out, "/en/2024/05/03/israel-hamas-ceasefire-negotiations-hit-stalemate/")
    korean = page(out, "/ko/2024/05/03/israel-hamas-ceasefire-negotiations-hit-stalemate/")
    assert english.find("link", rel="alternate", hreflang="ko")["href"].endswith(
        "/ko/2024/05/03/israel-hamas-ceasefire-negotiations-hit-stalemate/")
    assert korean.find("a", hreflang="en") is not None
    assert "이-하마스 휴전 협상 교착" in korean.find("h1").get_text()


def test_saved_page_keeps_its_translation_link(make_site, run_cli, build_site):
    out = imported_and_built(make_site, run_cli, build_site, raw("seoul-stocks.en.html"))
    soup = page(out, "/en/2024/06/10/seoul-stocks-rally-on-chip-exports/")
    assert soup.find("a", hreflang="ko")["href"] == "https://www.example-herald.co.kr/news/2024/06/seoul-stocks-rally-ko"
    assert "<script>alert(1)</script>" in soup.get_text()


def test_the_sample_sites_article_is_what_import_makes(run_cli, tmp_path):
    """The repository's copy of the Israel-Hamas article is the importer's output, byte for byte."""
    from conftest import REPO

    site = tmp_path / "sample"
    (site / "data").mkdir(parents=True)
    (site / "dateline.toml").write_bytes((REPO / "dateline.toml").read_bytes())
    (site / "data" / "staff.toml").write_bytes((REPO / "data" / "staff.toml").read_bytes())
    result = run_cli("import", "--site", site, raw("israel-hamas-ceasefire-stalemate.en.txt"),
                     "--story", "israel-hamas-ceasefire", "--slug", "israel-hamas-ceasefire-stalemate",
                     "--section", "World", "--tags", "Middle East, Gaza, diplomacy")
    assert result.exit_code == 0, result
    relative = "content/en/2024/05/israel-hamas-ceasefire-stalemate.md"
    assert (site / relative).read_text(encoding="utf-8") == (REPO / relative).read_text(encoding="utf-8")
