"""Helpers for the `dateline import` tests (no tests here): a small site and reading its output."""

from __future__ import annotations

from pathlib import Path

import frontmatter

RAW = Path(__file__).parent / "data" / "raw"

SITE_CONFIG = """\
base_url = "https://news.example.com/"
timezone = "Asia/Seoul"

[languages.en]
name = "English"
title = "The Test Times"
locale = "en_US"

[languages.ko]
name = "한국어"
title = "테스트 타임스"
locale = "ko_KR"

[places]
"실리콘밸리" = "Silicon Valley"
"워싱턴" = "Washington"
"뉴욕" = "New York"
"""

STAFF = """\
[[person]]
name = "Kim Ki-yun"
local = "김기윤"
email = "pep@donga.com"
role = "correspondent"
bio = "Cairo correspondent."

[[person]]
name = "Lee Ji-hyun"
local = "이지현"
email = "jhlee@example.com"
role = "correspondent"

[[person]]
name = "Park Min-su"
local = "박민수"
email = "minsu@example.com"
role = "reporter"
"""


def import_site(make_site, articles: dict | None = None) -> Path:
    """A bilingual site with [places] and a staff registry."""
    return make_site(articles, config=SITE_CONFIG, data={"staff.toml": STAFF})


def raw(name: str) -> Path:
    return RAW / name


def content_files(site: Path) -> dict[str, str]:
    """Every file under content/, by its path relative to the site, with its text."""
    return {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted((site / "content").rglob("*")) if p.is_file()}


def article(site: Path, relative: str) -> frontmatter.Post:
    path = site / relative
    assert path.is_file(), f"{relative} was not written; content has {sorted(content_files(site))}"
    return frontmatter.loads(path.read_text(encoding="utf-8"))


def keys_in_file_order(site: Path, relative: str) -> list[str]:
    text = (site / relative).read_text(encoding="utf-8")
    head = text.split("---\n")[1]
    return [line.split(":")[0] for line in head.splitlines() if line and not line.startswith((" ", "-"))]


def iso(value) -> str:
    """A front matter time as written (YAML reads it as a datetime)."""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)
