"""`dateline deploy file:///path`, the site folder checks and the [deploy] table of dateline.toml."""

from __future__ import annotations

import pytest
from conftest import build, cli, parse_errors, tree_digest
from deploy_support import ARTICLES, deploy, local_files


def test_first_deploy_to_a_folder_copies_the_site(built, tmp_path):
    site, out = built
    target = tmp_path / "public"
    result = deploy(site, target.as_uri())
    assert result.exit_code == 0, str(result)
    assert local_files(target) == local_files(out)
    assert f"{len(local_files(out))} files uploaded" in result.stdout


def test_nothing_changed_writes_nothing_and_an_edit_writes_only_its_files(built, tmp_path):
    site, out = built
    target = tmp_path / "public"
    assert deploy(site, target.as_uri()).exit_code == 0
    times = {path: (target / path).stat().st_mtime_ns for path in local_files(target)}
    inodes = {path: (target / path).stat().st_ino for path in local_files(target)}
    result = deploy(site, target.as_uri(), "--quiet")
    assert result.exit_code == 0 and result.stdout == "" and result.stderr == "", str(result)
    assert {path: (target / path).stat().st_mtime_ns for path in local_files(target)} == times

    before = local_files(out)
    article = site / "content/en/2024/05/talks.md"
    article.write_text(article.read_text(encoding="utf-8") + "\nA late paragraph.\n", encoding="utf-8")
    build(site)
    changed = {path for path, data in local_files(out).items() if before.get(path) != data}
    result = deploy(site, target.as_uri())
    assert result.exit_code == 0, str(result)
    rewritten = {path for path in local_files(target) if (target / path).stat().st_ino != inodes.get(path)}
    assert rewritten == changed and f"{len(changed)} files uploaded" in result.stdout
    assert local_files(target) == local_files(out)


def test_a_folder_deploy_deletes_what_the_site_lost_within_the_cap(built, tmp_path):
    site, out = built
    target = tmp_path / "public"
    assert deploy(site, target.as_uri()).exit_code == 0
    (site / "content/en/2024/05/markets.md").unlink()
    build(site)
    gone = set(local_files(target)) - set(local_files(out))
    result = deploy(site, target.as_uri(), "--max-deletes", "0")
    assert result.exit_code == 1 and "nothing was deleted" in result.stderr, str(result)
    assert gone <= set(local_files(target))
    assert deploy(site, target.as_uri()).exit_code == 0
    assert local_files(target) == local_files(out)
    assert not (target / "en/2024/05/04/markets").exists()  # emptied folders go too


def test_redirect_pages_are_copied_to_a_folder(built, tmp_path):
    site, out = built
    page = out / "en/old/index.html"
    page.parent.mkdir(parents=True)
    page.write_text('<meta http-equiv="refresh" content="0; url=/en/2024/05/04/markets/">\n')
    (out / "_redirects").write_text("/en/old/ /en/2024/05/04/markets/ 301\n")
    target = tmp_path / "public"
    assert deploy(site, target.as_uri()).exit_code == 0
    assert (target / "en/old/index.html").read_bytes() == page.read_bytes()
    assert (target / "_redirects").is_file()


def test_an_interrupted_folder_deploy_is_finished_by_a_rerun(built, tmp_path, monkeypatch):
    from dateline.deploy import folder

    site, out = built
    target = tmp_path / "public"
    written = []
    real_write = folder.write_file

    def failing_write(path, data):
        if len(written) == 4:
            raise OSError(28, "No space left on device")
        real_write(path, data)
        written.append(path)

    with monkeypatch.context() as patch:
        patch.setattr(folder, "write_file", failing_write)
        result = deploy(site, target.as_uri(), "--jobs", "1")
    assert result.exit_code == 1, str(result)
    assert "No space left on device" in result.stderr and "4 of" in result.stderr
    assert len(local_files(target)) == 4
    leftover = target / "en/.index.html.x1y2z3.tmp"  # what a deploy killed mid-write leaves
    leftover.parent.mkdir(parents=True, exist_ok=True)
    leftover.write_bytes(b"<!doctype html><p>half a pa")
    assert deploy(site, target.as_uri()).exit_code == 0
    assert local_files(target) == local_files(out)


def test_dry_run_to_a_folder_touches_nothing(built, tmp_path):
    site, _ = built
    target = tmp_path / "public"
    result = deploy(site, target.as_uri(), "--dry-run")
    assert result.exit_code == 0 and "new      404.html" in result.stdout, str(result)
    assert not target.exists()


# ---- what is deployed, and where -----------------------------------------------------------


@pytest.mark.parametrize(("target", "message"), [
    ("ftp://example.com/site", "cannot deploy to 'ftp://example.com/site': the target is file:///path/to/folder or s3://bucket/prefix"),
    ("/var/www/site", "cannot deploy to '/var/www/site'"),
    ("file://relative/folder", "a folder target is an absolute file URL"),
    ("s3://", "'' is not an S3 bucket name"),
    ("s3://Upper_Case/news", "'Upper_Case' is not an S3 bucket name"),
    ("s3://bucket/a/../b", "has an empty, '.' or '..' part"),
], ids=["ftp", "bare-path", "relative-file", "no-bucket", "bad-bucket", "dot-dot"])
def test_a_bad_target_is_a_usage_error(built, target, message):
    site, out = built
    before = tree_digest(out)
    result = deploy(site, target)
    assert result.exit_code == 2, str(result)
    assert result.stderr.startswith("error: ") and message in result.stderr, result.stderr
    assert tree_digest(out) == before


def test_no_target_anywhere_says_how_to_give_one(built):
    site, _ = built
    result = cli("deploy", "--site", site)
    assert result.exit_code == 2 and "say where to deploy" in result.stderr, str(result)


def test_target_and_endpoint_from_dateline_toml(built, tmp_path):
    site, out = built
    target = tmp_path / "from-config"
    config = site / "dateline.toml"
    config.write_text(config.read_text(encoding="utf-8") + f'\n[deploy]\ntarget = "{target.as_uri()}"\n', encoding="utf-8")
    result = cli("deploy", "--site", site)
    assert result.exit_code == 0, str(result)
    assert local_files(target) == local_files(out)


def test_deploying_into_the_site_itself_is_refused(built):
    site, out = built
    for target in (out, out / "copy", site):
        result = deploy(site, target.as_uri())
        assert result.exit_code == 2 and "overlaps the built site" in result.stderr, str(result)


def test_a_site_that_was_never_built_is_refused(make_site, tmp_path):
    site = make_site(ARTICLES)
    result = deploy(site, (tmp_path / "public").as_uri())
    assert result.exit_code == 2, str(result)
    assert "site does not exist: run `dateline build` first" in result.stderr


def test_a_folder_not_built_by_dateline_is_refused(built, tmp_path):
    site, _ = built
    stray = tmp_path / "stray"
    stray.mkdir()
    (stray / "index.html").write_text("<p>hand-made</p>")
    result = deploy(site, (tmp_path / "public").as_uri(), "--out", stray)
    assert result.exit_code == 2, str(result)
    assert result.stderr.strip() == f"error: {stray} was not built by dateline (it has no 404.html); refusing to deploy it"
    assert not (tmp_path / "public").exists()


def test_out_picks_another_built_folder(built, tmp_path):
    site, _ = built
    other = build(site, "--out", tmp_path / "dist")
    result = deploy(site, (tmp_path / "public").as_uri(), "--out", other)
    assert result.exit_code == 0, str(result)
    assert local_files(tmp_path / "public") == local_files(other)


def test_a_build_for_the_dev_server_is_not_deployed(make_site, tmp_path):
    site = make_site(ARTICLES, base_url="http://127.0.0.1:8000/")
    build(site)
    result = deploy(site, (tmp_path / "public").as_uri())
    assert result.exit_code == 2, str(result)
    assert "was built for http://127.0.0.1:8000/, a local address" in result.stderr
    assert not (tmp_path / "public").exists()
    assert deploy(site, (tmp_path / "public").as_uri(), "--base-url", "http://127.0.0.1:8000/").exit_code == 0


def test_invalidate_needs_a_bucket(built, tmp_path):
    site, _ = built
    result = deploy(site, (tmp_path / "public").as_uri(), "--invalidate", "E123")
    assert result.exit_code == 2 and "--invalidate purges a CloudFront distribution" in result.stderr, str(result)


# ---- [deploy] in dateline.toml -------------------------------------------------------------


@pytest.mark.parametrize(("table", "line", "message"), [
    ("[deploy]\nmax_delete = 3\n", 2, "unknown key 'max_delete' in [deploy]; did you mean 'max_deletes'?"),
    ("[deploy]\nmax_deletes = -1\n", 2, "[deploy] max_deletes must be a whole number, 0 or more, got -1"),
    ("[deploy]\ntarget = 3\n", 2, "[deploy] target must be text in quotes, got 3"),
    ("[deploy]\n\n[[deploy.rules]]\npattern = '*.html'\ncache = 'no-cache'\n", 5,
     "unknown key 'cache' in [[deploy.rules]]; did you mean 'cache_control'?"),
    ("[deploy]\n\n[[deploy.rules]]\npattern = '*.html'\n\n[[deploy.rules]]\npattern = '*.css'\ngzip = 'yes'\n", 8,
     "[[deploy.rules]] gzip must be true or false, got 'yes'"),
    ("[[deploy.rules]]\ncontent_type = 'text/css'\n", 1, "a deploy rule needs a pattern"),
    ("[[deploy.rules]]\npattern = 'x'\ncontent_type = 'css'\n", 3, "content_type 'css' is not a media type"),
    ("deploy = 3\n", 1, "deploy must be a table"),
], ids=["unknown", "negative", "target-type", "rule-unknown", "rule-gzip", "no-pattern", "media-type", "not-a-table"])
def test_deploy_table_errors_name_dateline_toml_and_line(make_site, tmp_path, table, line, message):
    site = make_site(ARTICLES, config='base_url = "https://example.com/"\n' + table)
    result = deploy(site, (tmp_path / "public").as_uri())
    assert result.exit_code == 1, str(result)
    [(path, found_line, found)] = parse_errors(result.stderr)
    assert (path, found_line) == ("dateline.toml", line + 1) and message in found, result.stderr
    assert not (tmp_path / "public").exists()


def test_the_deploy_table_is_read_into_the_config(make_site):
    from dateline.config import DeployRule, load_config

    site = make_site(ARTICLES, config='base_url = "https://example.com/"\n[deploy]\ntarget = "s3://news/"\n'
                     'max_deletes = 10\n[[deploy.rules]]\npattern = "*.html"\ngzip = true\n')
    settings = load_config(site).deploy
    assert settings.target == "s3://news/" and settings.max_deletes == 10
    assert settings.rules == (DeployRule(pattern="*.html", gzip=True, line=5),)


def test_an_inline_rule_is_named_by_its_rules_line(make_site, tmp_path):
    site = make_site(ARTICLES, config='base_url = "https://example.com/"\n\n[deploy]\nmax_deletes = 5\n'
                     'rules = [{pattern = "*.html", gzip = true}, {pattern = "*.css", gz = true}]\n')
    result = deploy(site, (tmp_path / "public").as_uri())
    assert result.exit_code == 1, str(result)
    assert parse_errors(result.stderr) == [("dateline.toml", 5, "unknown key 'gz' in [[deploy.rules]]; did you mean 'gzip'?")]
