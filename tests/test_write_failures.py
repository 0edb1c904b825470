"""Output that cannot be written (issue 17, items 6 and 7): a full disk, an unreadable static
file, a symbolic link out of the site. Each names the file and the reason, exits 1 and leaves
the previous site/ exactly as it was."""

from __future__ import annotations

import errno
import os
from pathlib import Path

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


def disk_full_for(monkeypatch, suffix: str = "") -> None:
    """Make every file the build stages (whose name ends in SUFFIX) fail as on a full disk. A
    rebuild stages files flat, under a name made from the output path (write.staged_name)."""
    real_open, real_put = open, dateline.write.put_file

    def fails(file) -> bool:
        return str(file).endswith(suffix) or Path(file).name == dateline.write.staged_name(suffix)

    def fake_open(file, mode="r", *args, **kwargs):
        if "w" in str(mode) and fails(file):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(file))
        return real_open(file, mode, *args, **kwargs)

    def fake_put(file, data):  # how the transaction writes a staged file
        if fails(file):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(file))
        return real_put(file, data)

    monkeypatch.setattr(dateline.write, "open", fake_open, raising=False)
    monkeypatch.setattr(dateline.write, "put_file", fake_put)


def failed_build(site, *args) -> list[tuple[str, int, str]]:
    before = tree_digest(site / "site")
    result = cli("build", "--site", site, *args)
    assert result.exit_code == 1, str(result)
    assert "Traceback" not in result.stderr
    assert tree_digest(site / "site") == before, "the previous site/ changed"
    assert not [p for p in site.iterdir() if p.name.startswith(".site.") and p.name != ".site.lock"], "left behind"
    return parse_errors(result.stderr)


def test_a_static_file_that_does_not_fit_is_named(site, monkeypatch):
    (site / "static" / "logo.svg").write_text("<svg>changed</svg>\n", encoding="utf-8")
    disk_full_for(monkeypatch, "logo.svg")
    errors = failed_build(site)
    assert [e for e in errors if e[:2] == ("static/logo.svg", 1) and e[2].startswith("could not copy: no space left")], errors


def test_an_unreadable_static_file_is_named(site, monkeypatch):
    (site / "static" / "logo.svg").write_text("<svg>changed</svg>\n", encoding="utf-8")
    real_read = Path.read_bytes

    def read_bytes(path):
        if path.name == "logo.svg" and path.parent.name == "static":
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real_read(path)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    errors = failed_build(site)
    assert ("static/logo.svg", 1, "could not copy: Permission denied") in errors, errors


def test_a_page_that_does_not_fit_is_named_not_a_template_error(site, monkeypatch):
    (site / "content" / "en" / "2024" / "05" / "good.md").write_text(
        "---\ntitle: Changed story\nposted: 2024-05-03T07:55:00+09:00\n---\n\nNew text.\n", encoding="utf-8")
    disk_full_for(monkeypatch)
    before = tree_digest(site / "site")
    result = cli("build", "--site", site)
    assert result.exit_code == 1, str(result)
    assert "index.html" in result.stderr and "no space left" in result.stderr.lower(), result.stderr
    assert "template" not in result.stderr and "Traceback" not in result.stderr
    assert tree_digest(site / "site") == before


def test_a_first_build_on_a_full_disk_writes_nothing(make_site, monkeypatch):
    folder = make_site(GOOD)
    disk_full_for(monkeypatch)
    result = cli("build", "--site", folder)
    assert result.exit_code == 1, str(result)
    assert "no space left" in result.stderr.lower() and "Traceback" not in result.stderr
    assert not (folder / "site" / "404.html").exists()


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
