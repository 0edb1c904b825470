"""Every URL of the SPEC's URL table, dates in the site's timezone, Hangul slugs, pagination,
and a base_url with a path prefix (from dateline.toml or --base-url) on every internal link."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from conftest import build, html_pages, internal_links, page, parse_html, write_site
from lxml import etree


def story(title: str, posted: str, **meta) -> dict:
    return {"title": title, "posted": posted, **meta}


def output_files(out: Path) -> set[str]:
    return {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}


def listed_articles(soup, lang: str) -> list[str]:
    """Same-edition article links in <main>, in page order, without repeats."""
    seen = []
    for a in soup.main.find_all("a", href=True):
        href = unquote(a["href"])
        if href.startswith(f"/{lang}/20") and href.count("/") == 6 and href not in seen:
            seen.append(href)
    return seen


# ---- the full URL table -----------------------------------------------------------------

FULL_SITE = {
    "en/2024/05/talks.md": story("Talks", "2024-05-03T07:55:00+09:00", section="World", tags=["Gaza"],
                                 dateline="Cairo", correspondents=["Kim Ki-yun"], story="talks"),
    "ko/2024/05/talks.md": story("협상", "2024-05-03T07:55:00+09:00", section="국제", tags=["가자지구"],
                                 dateline={"city": "Cairo", "local": "카이로"},
                                 correspondents=[{"name": "Kim Ki-yun", "local": "김기윤"}], story="talks"),
    "en/2024/04/budget.md": story("Budget", "2024-04-22T10:00:00+09:00", section="Politics"),
}


@pytest.fixture(scope="module")
def full(tmp_path_factory) -> Path:
    return build(write_site(tmp_path_factory.mktemp("urls") / "paper", FULL_SITE))


def test_every_spec_url_exists(full):
    expected = {
        "en/2024/05/03/talks/index.html", "ko/2024/05/03/talks/index.html", "en/2024/04/22/budget/index.html",
        "en/index.html", "ko/index.html",
        "en/section/world/index.html", "en/section/politics/index.html", "ko/section/국제/index.html",
        "en/correspondent/kim-ki-yun/index.html", "ko/correspondent/kim-ki-yun/index.html",
        "en/dateline/cairo/index.html", "ko/dateline/cairo/index.html",
        "en/tag/gaza/index.html", "ko/tag/가자지구/index.html",
        "en/2024/05/index.html", "en/2024/04/index.html", "ko/2024/05/index.html",
        "en/feed.xml", "ko/feed.xml",
        "index.html", "sitemap.xml", "robots.txt", "404.html",
    }
    files = output_files(full)
    assert expected <= files, sorted(expected - files)
    assert "ko/2024/04/index.html" not in files  # no Korean article in April


def test_every_page_is_a_folder_with_index_html(full):
    for path, file in html_pages(full).items():
        assert file.name == "index.html" or path == "/404.html", path


def test_monthly_archive_lists_only_its_month(full):
    assert listed_articles(page(full, "/en/2024/05/"), "en") == ["/en/2024/05/03/talks/"]
    assert listed_articles(page(full, "/en/2024/04/"), "en") == ["/en/2024/04/22/budget/"]


def test_feed_and_root(full):
    root = page(full, "/")
    assert {"/en/", "/ko/"} <= {a["href"] for a in root.body.find_all("a", href=True)}
    for lang in ("en", "ko"):
        assert etree.parse(str(full / lang / "feed.xml")).getroot().tag == "{http://www.w3.org/2005/Atom}feed"


# ---- dates, slugs, drafts ---------------------------------------------------------------


def test_url_date_is_the_date_in_the_site_timezone(make_site, build_site):
    site = make_site({
        "en/late.md": story("Late", "2024-05-02T23:30:00+00:00"),
        "en/month-end.md": story("Month end", "2024-04-30T20:00:00+00:00"),
    })
    out = build_site(site)
    files = output_files(out)
    assert "en/2024/05/03/late/index.html" in files
    assert "en/2024/05/01/month-end/index.html" in files
    assert not any(f.startswith(("en/2024/05/02/", "en/2024/04/")) for f in files)
    times = [t["datetime"] for t in page(out, "/en/2024/05/03/late/").body.find_all("time")]
    assert times == ["2024-05-03T08:30:00+09:00"]


def test_url_date_follows_a_configured_timezone(make_site, build_site):
    site = make_site({"en/early.md": story("Early", "2024-05-03T07:55:00+09:00")}, timezone="America/New_York")
    out = build_site(site)
    assert (out / "en/2024/05/02/early/index.html").is_file()
    times = [t["datetime"] for t in page(out, "/en/2024/05/02/early/").body.find_all("time")]
    assert times == ["2024-05-02T18:55:00-04:00"]


@pytest.mark.parametrize("posted, url_date, iso", [
    ("2024-05-03 07:55", "2024/05/03", "2024-05-03T07:55:00+09:00"),
    ("2024-05-03T07:55:00", "2024/05/03", "2024-05-03T07:55:00+09:00"),
    ("2024-05-03", "2024/05/03", "2024-05-03T00:00:00+09:00"),
])
def test_posted_without_offset_is_in_the_site_timezone(make_site, build_site, posted, url_date, iso):
    # Written raw so YAML sees exactly what a user types.
    site = make_site({"en/plain.md": f"---\ntitle: Plain\nposted: {posted}\n---\n\nBody.\n"})
    out = build_site(site)
    soup = page(out, f"/en/{url_date}/plain/")
    assert [t["datetime"] for t in soup.body.find_all("time")] == [iso]


def test_slug_defaults_to_file_name_and_key_overrides(make_site, build_site):
    out = build_site(make_site({
        "en/2024/from-file-name.md": story("A", "2024-05-03T07:55:00+09:00"),
        "en/2024/other.md": story("B", "2024-05-03T08:55:00+09:00", slug="given-slug"),
    }))
    files = output_files(out)
    assert {"en/2024/05/03/from-file-name/index.html", "en/2024/05/03/given-slug/index.html"} <= files
    assert not any("/other/" in f for f in files)


def test_hangul_slugs_and_terms(make_site, build_site, run_cli):
    site = make_site({
        "ko/2024/05/휴전-협상.md": story("휴전 협상", "2024-05-03T07:55:00+09:00", section="국제",
                                       tags=["외교"], dateline={"city": "Cairo", "local": "카이로"}),
        "ko/2024/05/summit.md": story("정상회담", "2024-05-04T07:55:00+09:00", slug="정상회담", tags=["외교"]),
    })
    out = build_site(site)
    files = output_files(out)
    assert {"ko/2024/05/03/휴전-협상/index.html", "ko/2024/05/04/정상회담/index.html",
            "ko/section/국제/index.html", "ko/tag/외교/index.html"} <= files
    tag_page = page(out, "/ko/tag/외교/")
    assert set(listed_articles(tag_page, "ko")) == {"/ko/2024/05/03/휴전-협상/", "/ko/2024/05/04/정상회담/"}
    canonical = page(out, "/ko/2024/05/03/휴전-협상/").head.find("link", rel="canonical")["href"]
    assert unquote(canonical) == "https://example.com/ko/2024/05/03/휴전-협상/"
    result = run_cli("check", "--site", site)
    assert result.exit_code == 0, str(result)


def test_drafts_only_with_drafts_flag(make_site, build_site):
    site = make_site({
        "en/2024/ready.md": story("Ready", "2024-05-03T07:55:00+09:00"),
        "en/2024/wip.md": story("Work in progress", "2024-05-04T07:55:00+09:00", draft=True, tags=["secret"]),
    })
    out = build_site(site)
    files = output_files(out)
    assert not any("wip" in f or "secret" in f for f in files)
    assert "Work in progress" not in (out / "en/feed.xml").read_text(encoding="utf-8")
    assert "wip" not in (out / "sitemap.xml").read_text(encoding="utf-8")
    out = build_site(site, "--drafts")
    assert {"en/2024/05/04/wip/index.html", "en/tag/secret/index.html"} <= output_files(out)


def test_an_edition_without_articles_still_has_home_and_feed(make_site, build_site):
    out = build_site(make_site({"en/only.md": story("Only", "2024-05-03T07:55:00+09:00")}))
    assert (out / "ko/index.html").is_file()
    assert etree.parse(str(out / "ko/feed.xml")).getroot().tag == "{http://www.w3.org/2005/Atom}feed"


# ---- pagination -------------------------------------------------------------------------


def five_stories() -> dict:
    return {f"en/2024/05/s{n}.md": story(f"Story {n}", f"2024-05-0{n}T09:00:00+09:00", tags=["all"])
            for n in range(1, 6)}


def test_home_paginates_newest_first(make_site, build_site):
    out = build_site(make_site(five_stories(), per_page=2))
    files = output_files(out)
    assert {"en/index.html", "en/page/2/index.html", "en/page/3/index.html"} <= files
    assert "en/page/4/index.html" not in files and "en/page/1/index.html" not in files
    pages = [page(out, p) for p in ("/en/", "/en/page/2/", "/en/page/3/")]
    listed = [listed_articles(p, "en") for p in pages]
    assert listed == [
        ["/en/2024/05/05/s5/", "/en/2024/05/04/s4/"],
        ["/en/2024/05/03/s3/", "/en/2024/05/02/s2/"],
        ["/en/2024/05/01/s1/"],
    ]
    first_links = {a["href"] for a in pages[0].body.find_all("a", href=True)}
    assert "/en/page/2/" in first_links
    middle_links = {a["href"] for a in pages[1].body.find_all("a", href=True)}
    assert {"/en/", "/en/page/3/"} <= middle_links


def test_term_pages_paginate(make_site, build_site):
    out = build_site(make_site(five_stories(), per_page=2))
    files = output_files(out)
    assert {"en/tag/all/index.html", "en/tag/all/page/2/index.html", "en/tag/all/page/3/index.html"} <= files
    assert listed_articles(page(out, "/en/tag/all/page/3/"), "en") == ["/en/2024/05/01/s1/"]


# ---- base_url with a path prefix --------------------------------------------------------


def assert_every_link_carries(out: Path, base_url: str) -> None:
    """Every internal reference on every page starts with base_url's path and resolves."""
    parts = urlsplit(base_url)
    prefix = parts.path
    pages = html_pages(out)
    assert len(pages) > 10
    checked = 0
    for path, file in pages.items():
        soup = parse_html(file)
        for link in internal_links(soup, parts.netloc):
            assert link.startswith(prefix), f"{path}: {link} lacks {prefix}"
            target = out / link[len(prefix):]
            assert target.is_file() or (target / "index.html").is_file(), f"{path}: {link} does not resolve"
            checked += 1
        for canonical in soup.head.find_all("link", rel="canonical"):
            assert canonical["href"].startswith(base_url), f"{path}: {canonical['href']}"
    assert checked > 100
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = etree.parse(str(out / "sitemap.xml")).xpath("//s:loc/text()", namespaces=ns)
    for part in list(locs):
        locs += etree.parse(str(out / part[len(base_url):])).xpath("//s:loc/text()", namespaces=ns)
    assert len(locs) > 10 and all(loc.startswith(base_url) for loc in locs)
    atom = {"a": "http://www.w3.org/2005/Atom"}
    for lang in ("en", "ko"):
        feed = etree.parse(str(out / lang / "feed.xml"))
        hrefs = feed.xpath("//a:link/@href", namespaces=atom) + feed.xpath("//a:id/text()", namespaces=atom)
        assert hrefs and all(h.startswith(base_url) for h in hrefs), hrefs
    robots = (out / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert f"Sitemap: {base_url}sitemap.xml" in robots


def test_base_url_path_prefix_from_config(make_site, build_site, run_cli):
    site = make_site(FULL_SITE, base_url="https://example.com/news/")
    out = build_site(site)
    assert_every_link_carries(out, "https://example.com/news/")
    assert page(out, "/en/2024/05/03/talks/").head.find("link", rel="canonical")["href"] == \
        "https://example.com/news/en/2024/05/03/talks/"
    result = run_cli("check", "--site", site)
    assert result.exit_code == 0, str(result)


def test_base_url_without_trailing_slash(make_site, build_site):
    out = build_site(make_site(FULL_SITE, base_url="https://example.com/news"))
    assert_every_link_carries(out, "https://example.com/news/")


def test_base_url_override_on_the_command_line(make_site, build_site, run_cli):
    site = make_site(FULL_SITE, base_url="https://example.com/")
    out = build_site(site, "--base-url", "https://cdn.example.org/paper/")
    assert_every_link_carries(out, "https://cdn.example.org/paper/")
    assert run_cli("check", "--site", site, "--base-url", "https://cdn.example.org/paper/").exit_code == 0
    # Checked against the config's base_url instead, every prefixed link is foreign or broken.
    assert run_cli("check", "--site", site).exit_code == 1


def test_invalid_base_url_override_is_refused(make_site, run_cli):
    site = make_site(FULL_SITE)
    result = run_cli("build", "--site", site, "--base-url", "not a url")
    assert result.exit_code in (1, 2), str(result)
    assert "base" in result.stderr.lower()
    assert not (site / "site").exists()
