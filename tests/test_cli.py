"""The command line: --version, --help, new, init, check, --quiet, the summary, python -m."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from conftest import cli, page, tree_digest

from dateline import __version__
from dateline.cli import main

GOOD = {
    "en/2024/05/talks.md": {"title": "Talks stall", "posted": "2024-05-03T07:55:00+09:00", "story": "talks",
                            "section": "World", "correspondents": ["Kim Ki-yun"]},
    "ko/2024/05/talks.md": {"title": "협상 교착", "posted": "2024-05-03T07:55:00+09:00", "story": "talks"},
}


def test_version():
    result = cli("--version")
    assert result.exit_code == 0
    assert __version__ in result.stdout and "dateline" in result.stdout


def test_python_dash_m_is_the_same_program():
    done = subprocess.run([sys.executable, "-m", "dateline", "--version"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert __version__ in done.stdout


def test_python_dash_m_usage_error_exits_2():
    done = subprocess.run([sys.executable, "-m", "dateline", "build", "--bogus"], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2


@pytest.mark.parametrize("command", [None, *sorted(main.list_commands(None))])
def test_help_on_every_command(command):
    for flag in ("--help", "-h"):
        result = cli(*([command] if command else []), flag)
        assert result.exit_code == 0, str(result)
        assert result.stdout.startswith("Usage: ")
        assert (command or "COMMAND") in result.stdout.splitlines()[0]


def test_the_spec_commands_are_there():
    assert {"build", "serve", "import", "new", "check", "init"} <= set(main.list_commands(None))


def test_build_documents_the_spec_options():
    help_text = cli("build", "--help").stdout
    for option in ("--site", "--out", "--base-url", "--drafts", "--jobs", "--clean", "--quiet"):
        assert option in help_text


# ---- build's output on the terminal -----------------------------------------------------


def test_quiet_prints_nothing(make_site):
    result = cli("build", "--site", make_site(GOOD), "--quiet")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


def test_summary_line(make_site):
    site = make_site(GOOD)
    result = cli("build", "--site", site)
    assert result.exit_code == 0, str(result)
    lines = result.stdout.splitlines()
    assert len(lines) == 1, result.stdout
    assert result.stderr == ""
    line = lines[0]
    pages = int(re.search(r"(\d+) pages", line).group(1))
    static = int(re.search(r"(\d+) static", line).group(1))
    files = [p for p in (site / "site").rglob("*") if p.is_file()]
    assert pages + static == len(files)
    assert "2 articles" in line
    assert re.search(r"\b2 article\b", line), "pages by kind"
    assert re.search(r"\d+(\.\d+)? ?s\b", line), "the time taken"


# ---- dateline new -----------------------------------------------------------------------


def read_front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    return yaml.safe_load(text.split("---\n")[1])


def written_path(result, site: Path) -> Path:
    created = [p for p in (site / "content").rglob("*.md") if p.name not in ("talks.md",)]
    assert len(created) == 1, created
    return created[0]


def seoul_today() -> set[dt.date]:
    now = dt.datetime.now(ZoneInfo("Asia/Seoul"))
    return {now.date(), (now - dt.timedelta(minutes=5)).date()}


def test_new_writes_a_draft_skeleton_that_builds(make_site, build_site):
    site = make_site(GOOD)
    result = cli("new", "Budget talks resume", "--site", site)
    assert result.exit_code == 0, str(result)
    path = written_path(result, site)
    assert path.relative_to(site / "content").parts[0] == "en"
    meta = read_front_matter(path)
    assert meta["title"] == "Budget talks resume"
    assert meta["draft"] is True
    posted = meta["posted"] if isinstance(meta["posted"], dt.datetime) else dt.datetime.fromisoformat(meta["posted"])
    assert posted.date() in seoul_today()
    slug = meta.get("slug", path.stem)
    out = build_site(site)
    assert not [p for p in out.rglob("*") if slug in p.as_posix()], "a draft stays out without --drafts"
    out = build_site(site, "--drafts")
    url = f"/en/{posted:%Y/%m/%d}/{slug}/"
    assert page(out, url).body.find("h1").get_text(strip=True) == "Budget talks resume"


def test_new_refuses_to_overwrite(make_site):
    site = make_site(GOOD)
    assert cli("new", "Same headline", "--site", site).exit_code == 0
    path = written_path(None, site)
    path.write_text(path.read_text(encoding="utf-8") + "\nMy reporting so far.\n", encoding="utf-8")
    before = path.read_bytes()
    result = cli("new", "Same headline", "--site", site)
    assert result.exit_code == 1, str(result)
    assert "exists" in result.stderr
    assert path.read_bytes() == before


def test_new_korean_title_with_options_publishes(make_site, build_site):
    site = make_site(GOOD)
    result = cli("new", "휴전 협상 재개", "--site", site, "--lang", "ko", "--section", "국제", "--tag", "외교",
                 "--tag", "중동", "--dateline", "Cairo", "--correspondent", "김기윤", "--story", "resume",
                 "--publish")
    assert result.exit_code == 0, str(result)
    path = written_path(result, site)
    assert path.relative_to(site / "content").parts[0] == "ko"
    meta = read_front_matter(path)
    assert meta["draft"] is False and meta["tags"] == ["외교", "중동"]
    out = build_site(site)
    posted = meta["posted"] if isinstance(meta["posted"], dt.datetime) else dt.datetime.fromisoformat(meta["posted"])
    soup = page(out, f"/ko/{posted:%Y/%m/%d}/{meta.get('slug', path.stem)}/")
    assert soup.body.find("h1").get_text(strip=True) == "휴전 협상 재개"
    assert (out / "ko/tag/외교/index.html").is_file()


def test_new_rejects_an_unconfigured_language(make_site):
    site = make_site(GOOD)
    before = tree_digest(site)
    result = cli("new", "Bonjour", "--site", site, "--lang", "fr")
    assert result.exit_code in (1, 2), str(result)
    assert "fr" in result.stderr
    assert tree_digest(site) == before


# ---- dateline init ----------------------------------------------------------------------


def test_init_then_build_then_check(tmp_path):
    target = tmp_path / "paper"
    result = cli("init", target)
    assert result.exit_code == 0, str(result)
    assert (target / "dateline.toml").is_file()
    assert any((target / "content" / "en").rglob("*.md")) and any((target / "content" / "ko").rglob("*.md"))
    built = cli("build", "--site", target)
    assert built.exit_code == 0, str(built)
    checked = cli("check", "--site", target)
    assert checked.exit_code == 0, str(checked)
    out = target / "site"
    assert (out / "en/index.html").is_file() and (out / "ko/index.html").is_file()
    articles = [p for p in out.glob("en/20*/*/*/*/index.html")]
    assert articles, "the scaffold comes with an article"


def test_init_into_an_existing_empty_folder(tmp_path):
    target = tmp_path / "empty"
    target.mkdir()
    assert cli("init", target).exit_code == 0
    assert (target / "dateline.toml").is_file()


def test_init_refuses_a_site_that_is_already_there(tmp_path):
    target = tmp_path / "paper"
    target.mkdir()
    (target / "dateline.toml").write_text("# mine\n", encoding="utf-8")
    result = cli("init", target)
    assert result.exit_code == 1, str(result)
    assert (target / "dateline.toml").read_text(encoding="utf-8") == "# mine\n"
    assert sorted(p.name for p in target.iterdir()) == ["dateline.toml"]


def test_init_refuses_a_non_empty_target(tmp_path):
    target = tmp_path / "paper"
    target.mkdir()
    (target / "notes.txt").write_text("my notes\n", encoding="utf-8")
    result = cli("init", target)
    assert result.exit_code == 1, str(result)
    assert str(target) in result.stderr or "notes.txt" in result.stderr
    assert sorted(p.name for p in target.iterdir()) == ["notes.txt"]


# ---- dateline check ---------------------------------------------------------------------


def test_check_passes_on_a_good_site_and_changes_nothing(make_site, build_site):
    site = make_site(GOOD)
    build_site(site)
    before = tree_digest(site)
    result = cli("check", "--site", site)
    assert result.exit_code == 0, str(result)
    assert result.stdout.strip()
    assert tree_digest(site) == before


def test_check_finds_a_broken_link_in_an_article(make_site, build_site):
    body = "Intro.\n\nSee [the old story](/en/2023/01/01/gone/) and [home](/en/).\n"
    site = make_site({**GOOD, "en/2024/05/links.md": ({"title": "Links", "posted": "2024-05-04T07:55:00+09:00"},
                                                      body)})
    out = build_site(site)
    before = tree_digest(site)
    result = cli("check", "--site", site)
    assert result.exit_code == 1, str(result)
    page_file = out / "en/2024/05/04/links/index.html"
    lines = page_file.read_text(encoding="utf-8").splitlines()
    reported = [line for line in result.error_lines if "/en/2023/01/01/gone/" in line]
    assert len(reported) == 1, result.stderr
    where, number, message = reported[0].split(":", 2)
    assert where == "site/en/2024/05/04/links/index.html"
    assert "/en/2023/01/01/gone/" in lines[int(number) - 1]
    assert "broken" in message
    assert not [line for line in result.error_lines if line.endswith(" /en/")]
    assert tree_digest(site) == before


def test_check_finds_a_broken_link_in_a_template(make_site, build_site):
    template = ('{% extends "base.html" %}\n{% block main %}\n'
                '<p><a href="{{ url(\'/en/no-such-page/\') }}">lost</a></p>\n{% endblock %}\n')
    site = make_site(GOOD, templates={"404.html": template})
    out = build_site(site)
    result = cli("check", "--site", site)
    assert result.exit_code == 1, str(result)
    lines = (out / "404.html").read_text(encoding="utf-8").splitlines()
    number = next(n for n, line in enumerate(lines, 1) if "/en/no-such-page/" in line)
    assert any(line.startswith(f"site/404.html:{number}: ") and line.endswith("/en/no-such-page/")
               for line in result.error_lines), result.stderr


def test_a_missing_image_fails_the_build_and_check(make_site, build_site):
    """Photos are checked when the site is built (docs/photos.md): a missing one is an error at its line."""
    import io

    from PIL import Image

    site = make_site({**GOOD, "en/2024/05/pic.md": ({"title": "Pic", "posted": "2024-05-04T07:55:00+09:00"},
                                                    "![chart](/img/chart.png)\n")})
    result = cli("build", "--site", site)
    assert result.exit_code == 1
    assert "content/en/2024/05/pic.md:5: image file not found: '/img/chart.png'" in result.stderr
    assert cli("check", "--site", site).exit_code == 1
    (site / "static/img").mkdir(parents=True)
    png = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 0, 0)).save(png, "PNG")
    (site / "static/img/chart.png").write_bytes(png.getvalue())
    build_site(site)
    assert cli("check", "--site", site).exit_code == 0


def test_check_without_a_built_site(make_site):
    site = make_site(GOOD)
    result = cli("check", "--site", site)
    assert result.exit_code == 1, str(result)
    assert "build" in result.stderr
    assert not (site / "site").exists()


def test_check_reports_content_errors(make_site, build_site):
    site = make_site(GOOD)
    build_site(site)
    bad = site / "content/en/bad.md"
    bad.write_text("---\ntitle: Bad\nposted: 2024-13-45\n---\n\nBody.\n", encoding="utf-8")
    result = cli("check", "--site", site)
    assert result.exit_code == 1, str(result)
    assert any(line.startswith("content/en/bad.md:3:") for line in result.error_lines), result.stderr


def test_site_defaults_to_the_current_folder(make_site, monkeypatch):
    site = make_site(GOOD)
    monkeypatch.chdir(site)
    result = cli("build", "--quiet")
    assert result.exit_code == 0, str(result)
    assert (site / "site/en/2024/05/03/talks/index.html").is_file()
    assert cli("check").exit_code == 0


def test_build_reports_progress_to_the_end(make_site):
    from dateline.build import build_site
    from dateline.config import load_config

    seen = []
    result = build_site(load_config(make_site(GOOD)), jobs=1, progress=lambda *event: seen.append(event))
    assert seen and seen[-1] == ("rendering", result.pages, result.pages)
    assert seen[0][0] == "reading"
