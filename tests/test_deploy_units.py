"""The deploy package's pure parts: glob rules, headers, invalidation paths, _redirects, targets."""

from __future__ import annotations

import pytest

from dateline.config import DeployRule
from dateline.deploy.cloudfront import invalidation_paths
from dateline.deploy.redirects import read_redirects
from dateline.deploy.rules import headers_for, matches
from dateline.deploy.targets import parse_target
from dateline.errors import DatelineError


@pytest.mark.parametrize(("pattern", "path", "expected"), [
    ("*.html", "en/2024/05/03/talks/index.html", True),
    ("*.html", "index.html", True),
    ("/*.html", "en/index.html", False),
    ("assets/*", "assets/app.css", True),
    ("assets/*", "assets/fonts/serif.woff2", False),
    ("assets/**", "assets/fonts/serif.woff2", True),
    ("photos/", "photos/2024/a.jpg", True),
    ("**/feed.xml", "feed.xml", True),
    ("**/feed.xml", "en/feed.xml", True),
    ("en/*/index.html", "en/search/index.html", True),
    ("en/*/index.html", "ko/search/index.html", False),
    ("sitemap?.xml", "sitemap1.xml", True),
    ("[!a]*.txt", "robots.txt", True),
    ("[!r]*.txt", "robots.txt", False),
    ("ko/tag/서울/*", "ko/tag/서울/index.html", True),
])
def test_glob_patterns(pattern, path, expected):
    assert matches(pattern, path) is expected


def test_each_setting_comes_from_the_first_rule_that_sets_it():
    rules = (DeployRule("en/**", cache_control="no-store"), DeployRule("*.html", cache_control="ignored", gzip=True),
             DeployRule("**", content_type="text/x-custom", gzip=False))
    headers = headers_for("en/index.html", rules)
    assert (headers.cache_control, headers.gzip, headers.content_type) == ("no-store", True, "text/x-custom; charset=utf-8")
    assert headers_for("ko/feed.xml", rules).cache_control == "public, max-age=300"
    assert headers_for("en/photo.jpg", (DeployRule("**", gzip=True),)).gzip is False


def test_invalidation_paths_name_folders_and_encode_hangul():
    paths = invalidation_paths(["ko/2024/05/03/서울-집회/index.html", "assets/app.css", "index.html"], "/news/")
    assert paths == sorted(["/news/", "/news/index.html", "/news/assets/app.css",
                            "/news/ko/2024/05/03/%EC%84%9C%EC%9A%B8-%EC%A7%91%ED%9A%8C/",
                            "/news/ko/2024/05/03/%EC%84%9C%EC%9A%B8-%EC%A7%91%ED%9A%8C/index.html"])
    many = invalidation_paths([f"en/{n}/index.html" for n in range(40)], "/news/")
    assert many == ["/news/*"]


def test_redirect_lines_map_to_the_alias_pages(tmp_path):
    (tmp_path / "en/old").mkdir(parents=True)
    (tmp_path / "en/old/index.html").write_text("redirect page")
    (tmp_path / "_redirects").write_text("# aliases\n/news/en/old/ /news/en/new/ 301\n\n/news/ko/gone/ /news/ko/new/\n")
    assert read_redirects(tmp_path, "/news/") == {"en/old/index.html": "/news/en/new/", "ko/gone/index.html": "/news/ko/new/"}


@pytest.mark.parametrize("line", ["/en/old/", "/en/../../x/ /en/new/ 301", "en/old/ /en/new/ 301 extra"])
def test_a_broken_redirects_file_names_its_line(tmp_path, line):
    (tmp_path / "_redirects").write_text(f"/a/ /b/ 301\n{line}\n")
    with pytest.raises(DatelineError, match=r"_redirects:2: "):
        read_redirects(tmp_path, "/")


def test_targets_parse():
    assert parse_target("s3://bucket").prefix == ""
    assert parse_target("s3://bucket/news/").prefix == "news/"
    assert parse_target("s3://my.bucket-1/a/b").prefix == "a/b/"
    assert str(parse_target("file:///srv/www/paper").folder) == "/srv/www/paper"
    assert str(parse_target("file://localhost/srv/%EC%84%9C").folder) == "/srv/서"
