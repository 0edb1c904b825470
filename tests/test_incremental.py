"""Incremental rebuilds re-render what an edit touches, and only that (exactness in general is
tests/test_incremental_property.py's job)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from dateline.config import load_config
from dateline.content import Article, Person, Place
from dateline.errors import BuildFailed, ContentError
from dateline.incremental import Change, IncrementalSite
from dateline.incremental.site import INDEX_FIELDS
from dateline.index import build_index
from dateline.scaffold import init_site

EN = "content/en/2024/05/welcome.md"
EN_PAGE = "en/2024/05/03/welcome/index.html"
KO_PAGE = "ko/2024/05/03/welcome/index.html"
OTHER_PAGE = "en/2024/05/02/other/index.html"


@pytest.fixture
def site(tmp_path) -> tuple[IncrementalSite, Path]:
    root = tmp_path / "paper"
    init_site(root)
    (root / "content/en/2024/05/other.md").write_text(
        "---\ntitle: Another story\nposted: 2024-05-02 08:00\nsection: Economy\ntags: [trade]\n---\n\nTrade figures.\n",
        encoding="utf-8")
    incremental = IncrementalSite(load_config(root), jobs=1)
    incremental.build()
    return incremental, root.resolve()


def edit(root: Path, old: str, new: str, path: str = EN) -> Change:
    file = root / path
    file.write_text(file.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    return Change(content=frozenset({file}))


def test_a_body_edit_renders_the_article_its_counterpart_and_its_lists(site):
    incremental, root = site
    outcome = incremental.rebuild(edit(root, "This is the English edition's first article.", "A new first line."))
    rendered = set(outcome.rendered)
    assert {EN_PAGE, "en/index.html", "en/feed.xml", "en/section/news/index.html",
            "en/tag/dateline/index.html", "en/dateline/seoul/index.html", "en/2024/05/index.html"} <= rendered
    assert OTHER_PAGE not in rendered and "en/section/economy/index.html" not in rendered
    assert not any(output.startswith("ko/") for output in rendered)  # the Korean page shows no English body
    assert EN_PAGE in outcome.written
    assert "A new first line." in (root / "site" / EN_PAGE).read_text(encoding="utf-8")


def test_a_headline_edit_rewrites_the_counterpart_too(site):
    incremental, root = site
    outcome = incremental.rebuild(edit(root, "title: Welcome to your new dateline site", "title: Fresh headline"))
    assert {EN_PAGE, KO_PAGE} <= set(outcome.written)
    assert "Fresh headline" in (root / "site" / KO_PAGE).read_text(encoding="utf-8")


def test_a_template_edit_renders_the_pages_that_use_it(site):
    incremental, root = site
    (root / "templates" / "robots.txt").write_text("User-agent: *\nDisallow: /drafts/\n", encoding="utf-8")
    outcome = incremental.rebuild(Change(templates=True))
    assert set(outcome.rendered) == {"robots.txt", "index.html"}  # and the root page, which is always rendered
    assert outcome.written == ("robots.txt",)
    (root / "templates" / "article.html").write_text(
        '{% extends "base.html" %}{% block main %}<h1>{{ article.title }}</h1>{% endblock %}\n', encoding="utf-8")
    outcome = incremental.rebuild(Change(templates=True))
    assert set(outcome.rendered) - {"index.html"} == {EN_PAGE, KO_PAGE, OTHER_PAGE}


def test_a_broken_edit_changes_nothing_and_the_fix_builds(site):
    incremental, root = site
    before = {p: p.read_bytes() for p in (root / "site").rglob("*") if p.is_file()}
    with pytest.raises(BuildFailed) as failed:
        incremental.rebuild(edit(root, "posted: 2024-05-03 09:00", "posted: someday"))
    assert [str(e) for e in failed.value.errors] == [
        "content/en/2024/05/welcome.md:3: 'posted' is not a date and time: 'someday' "
        "(write e.g. 2024-05-03T07:55:00+09:00 or 2024-05-03 07:55)"]
    assert {p: p.read_bytes() for p in (root / "site").rglob("*") if p.is_file()} == before
    outcome = incremental.rebuild(edit(root, "posted: someday", "posted: 2024-05-04 09:00"))
    assert "en/2024/05/04/welcome/index.html" in outcome.written and EN_PAGE in outcome.removed
    assert not (root / "site" / "en/2024/05/03/welcome").exists()


def test_static_files_are_copied_and_removed(site):
    incremental, root = site
    logo = root / "static" / "img" / "logo.svg"
    logo.parent.mkdir(parents=True)
    logo.write_text("<svg/>", encoding="utf-8")
    assert incremental.rebuild(Change(static=frozenset({logo}))).written == ("img/logo.svg",)
    logo.unlink()
    assert incremental.rebuild(Change(static=frozenset({logo}))).removed == ("img/logo.svg",)
    assert not (root / "site" / "img").exists()


def test_build_index_reads_only_the_index_fields(tmp_path):
    """The fast path keeps the index when no INDEX_FIELDS changed: no other field may matter."""
    init_site(tmp_path / "s")
    config = load_config(tmp_path / "s")
    tz = config.tz
    articles = [
        Article(source=f"content/{lang}/a{n}.md", lang=lang, title=f"T{n}", posted=dt.datetime(2024, 5, n, tzinfo=tz),
                updated=None, slug=f"a{n}", body="Body.", body_line=5, digest=f"d{n}", section="World",
                tags=("x", "y"), dateline=Place("Cairo", "카이로"), correspondents=(Person("Kim", "김", "k@x.org"),),
                story=f"s{n}", summary="", source_url="")
        for n in (1, 2, 3) for lang in ("en", "ko")
    ]
    others = [f.name for f in dataclasses.fields(Article) if f.name not in INDEX_FIELDS]
    changes = {"title": "Other", "updated": dt.datetime(2024, 6, 1, tzinfo=tz), "body": "Else.", "body_line": 9,
               "digest": "zz", "translations": (("fr", "https://fr.example/"),), "summary": "S",
               "source_url": "https://example.org/", "extra": {"k": 1}, "key_lines": {"title": 7},
               "warnings": (ContentError("content/en/a1.md", 2, "warning: dropped"),)}
    assert sorted(changes) == sorted(others), "a new Article field: decide whether build_index reads it"
    index, _ = build_index(config, articles)
    changed, _ = build_index(config, [dataclasses.replace(a, **changes) for a in articles])
    for field in dataclasses.fields(index):
        if field.name not in ("articles", "config"):
            assert getattr(index, field.name) == getattr(changed, field.name), field.name

