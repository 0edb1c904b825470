"""Output that cannot be written (issue 17, items 6 and 7): a full disk, an unreadable static
file, a symbolic link out of the site. Each names the file and the reason, exits 1 and leaves
the previous site/ exactly as it was."""

from __future__ import annotations

import errno
import os
import shutil

import pytest
from conftest import build, cli, parse_errors, tree_digest
from test_build_errors import GOOD

import dateline.write


@pytest.fixture
def site(make_site):
    folder = make_site(GOOD, static={"css/extra.css": "body { color: black }\n", "logo.svg": "<svg/>\n"})
    build(folder)
    return folder


def full_disk(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def failed_build(site, *args) -> list[tuple[str, int, str]]:
    before = tree_digest(site / "site")
    result = cli("build", "--site", site, *args)
    assert result.exit_code == 1, str(result)
    assert "Traceback" not in result.stderr
    assert tree_digest(site / "site") == before, "the previous site/ changed"
    assert not [p for p in site.iterdir() if p.name.startswith(".site.")], "staging left behind"
    return parse_errors(result.stderr)


def test_a_static_file_that_does_not_fit_is_named(site, monkeypatch):
    (site / "static" / "logo.svg").write_text("<svg>changed</svg>\n", encoding="utf-8")
    monkeypatch.setattr(dateline.write.shutil, "copyfile", full_disk)
    errors = failed_build(site)
    assert ("static/logo.svg", 1, "could not copy: No space left on device") in errors, errors


def test_an_unreadable_static_file_is_named(site, monkeypatch):
    (site / "static" / "logo.svg").write_text("<svg>changed</svg>\n", encoding="utf-8")
    real_copy = shutil.copyfile

    def copy(source, target, *args, **kwargs):
        if str(source).endswith("logo.svg"):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(source))
        return real_copy(source, target, *args, **kwargs)

    monkeypatch.setattr(dateline.write.shutil, "copyfile", copy)
    errors = failed_build(site)
    assert ("static/logo.svg", 1, "could not copy: Permission denied") in errors, errors


def test_a_page_that_does_not_fit_is_named_not_a_template_error(site, monkeypatch):
    (site / "content" / "en" / "2024" / "05" / "good.md").write_text(
        "---\ntitle: Changed story\nposted: 2024-05-03T07:55:00+09:00\n---\n\nNew text.\n", encoding="utf-8")
    monkeypatch.setattr(dateline.write.StagedOutput, "write", full_disk)
    errors = failed_build(site)
    assert errors, "no error reported"
    for path, _, message in errors:
        assert path.startswith("site/") and path.endswith((".html", ".xml", ".txt")), errors
        assert message == "could not write: No space left on device", errors
        assert "template" not in message


def test_a_first_build_on_a_full_disk_writes_nothing(make_site, monkeypatch):
    folder = make_site(GOOD)
    monkeypatch.setattr(dateline.write.StagedOutput, "write", full_disk)
    result = cli("build", "--site", folder)
    assert result.exit_code == 1, str(result)
    assert "No space left on device" in result.stderr and "Traceback" not in result.stderr
    assert not (folder / "site").exists()
    assert not [p for p in folder.iterdir() if p.name.startswith(".site.")]


@pytest.mark.parametrize("kind", ["file", "folder"])
def test_a_symlink_out_of_the_site_is_refused(site, tmp_path, kind):
    secret = tmp_path / "outside" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("private key\n", encoding="utf-8")
    link = site / "static" / "leak"
    link.symlink_to(secret if kind == "file" else secret.parent)
    errors = failed_build(site)
    assert [e for e in errors if e[0] == "static/leak" and "outside the site" in e[2]], errors
    assert not any("private key" in p.read_text(errors="replace") for p in (site / "site").rglob("*") if p.is_file())


def test_a_symlink_inside_the_site_is_followed(site):
    shared = site / "shared" / "banner.txt"
    shared.parent.mkdir()
    shared.write_text("banner\n", encoding="utf-8")
    (site / "static" / "banner.txt").symlink_to(shared)
    out = build(site)
    assert (out / "banner.txt").read_text(encoding="utf-8") == "banner\n"
