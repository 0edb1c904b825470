"""`dateline check` refuses a build that is not fit to deploy, and checks links against the base
URL the site was built for."""

from __future__ import annotations

import shutil
import threading

from test_cli import GOOD, cli


def check_errors(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if ":1: " in line]


def test_a_drafts_build_is_refused(make_site, build_site):
    site = make_site(GOOD)
    build_site(site, "--drafts")
    result = cli("check", "--site", site)
    assert result.exit_code == 1
    assert any(line.startswith("site:1: built with --drafts") for line in result.stderr.splitlines()), result.stderr
    build_site(site)
    assert cli("check", "--site", site).exit_code == 0


def test_a_build_for_another_base_url_is_refused_unless_named(make_site, build_site, tmp_path):
    site = make_site(GOOD)
    dist = tmp_path / "dist"
    build_site(site, "--base-url", "https://example.com/news/", "--out", dist)
    refused = cli("check", "--site", site, "--out", dist)
    assert refused.exit_code == 1
    assert "built for https://example.com/news/" in refused.stderr
    assert "--base-url https://example.com/news/" in refused.stderr  # says what to do
    assert "broken internal link" not in refused.stderr  # links are checked against the build's own base URL
    accepted = cli("check", "--site", site, "--out", dist, "--base-url", "https://example.com/news/")
    assert accepted.exit_code == 0, accepted.stderr


def test_sources_changed_since_the_build(make_site, build_site):
    site = make_site(GOOD)
    build_site(site)
    article = next((site / "content/en").rglob("*.md"))
    article.write_text(article.read_text(encoding="utf-8").replace("title:", "title: Edited", 1), encoding="utf-8")
    result = cli("check", "--site", site)
    assert "warning: out of date" in result.stderr and article.name in result.stderr


def test_an_output_folder_without_a_build_record(make_site, build_site):
    site = make_site(GOOD)
    build_site(site)
    for state in (site / ".dateline-cache").glob("state-*"):
        shutil.rmtree(state)
    result = cli("check", "--site", site)
    assert result.exit_code == 1
    assert "no record of how it was built" in result.stderr


def test_serve_never_touches_the_output_folder(make_site, build_site):
    """The dev server builds into a folder of its own: site/ stays as `build` left it."""
    from serve_support import LiveServer

    site = make_site(GOOD)
    out = build_site(site)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    with LiveServer(site.resolve()) as server:
        assert server.out_dir != out.resolve() and not server.out_dir.is_relative_to(out.resolve())
        assert (server.out_dir / "index.html").is_file()
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert cli("check", "--site", site).exit_code == 0


def test_a_running_build_is_waited_for(make_site, build_site):
    """The saved state's parts and the output change while a build runs: check reads them after it."""
    from dateline.check import check_site
    from dateline.config import load_config
    from dateline.write import locked

    site = make_site(GOOD)
    build_site(site)
    config = load_config(site)
    said, answers = [], []
    with locked(config.out_dir):  # as a running build holds it
        checking = threading.Thread(target=lambda: answers.append(check_site(config, on_wait=said.append)))
        checking.start()
        checking.join(timeout=2)
        assert checking.is_alive() and not answers
        assert said and "another build of" in said[0] and "waiting for it to finish" in said[0]
    checking.join(timeout=60)
    errors, _ = answers[0]
    assert errors == []
