"""Rebuilds re-render what an edit touches, and only that, whether the engine's state is kept in
memory (serve) or saved beside the output (build); exactness in general is
tests/test_incremental_property.py's job."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from dateline.build import Change, SiteBuilder
from dateline.build.engine import INDEX_FIELDS
from dateline.config import load_config
from dateline.content import Article, ImageRef, Person, Place
from dateline.errors import BuildFailed, ContentError
from dateline.index import build_index
from dateline.render import Renderer
from dateline.scaffold import init_site

EN = "content/en/2024/05/welcome.md"
EN_PAGE = "en/2024/05/03/welcome/index.html"
KO_PAGE = "ko/2024/05/03/welcome/index.html"
OTHER_PAGE = "en/2024/05/02/other/index.html"


class Rebuilds:
    """A rebuild after each change: in this process with the watcher's hints (as serve does), or
    by a new builder that starts from the saved state (as a second `dateline build` does)."""

    def __init__(self, config, persisted: bool):
        self.config, self.persisted = config, persisted
        self.builder = SiteBuilder(config, jobs=1, persist=persisted)

    def build(self):
        return self.builder.build()

    def rebuild(self, change: Change):
        if self.persisted:
            self.builder = SiteBuilder(self.config, jobs=1)
            result = self.builder.build()
        else:
            result = self.builder.build(change)
        return Outcome(set(result.rendered), set(result.changes.created) | set(result.changes.updated),
                       set(result.changes.deleted))


@dataclasses.dataclass
class Outcome:
    rendered: set
    written: set
    removed: set


@pytest.fixture(params=["kept", "saved"])
def site(tmp_path, request) -> tuple[Rebuilds, Path]:
    root = tmp_path / "paper"
    init_site(root)
    (root / "content/en/2024/05/other.md").write_text(
        "---\ntitle: Another story\nposted: 2024-05-02 08:00\nsection: Economy\ntags: [trade]\n---\n\nTrade figures.\n",
        encoding="utf-8")
    incremental = Rebuilds(load_config(root), persisted=request.param == "saved")
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


def test_a_rebuild_in_the_same_process_makes_again_only_the_article_views_that_moved(site, monkeypatch):
    """The engine keeps the views a rebuild showed for the next one in its process (serve): after
    a body edit only the edited article's view is made again, though its lists show the other story."""
    incremental, root = site
    if incremental.persisted:
        pytest.skip("views are kept in memory, for the next build of the same engine")
    made = []
    make_view = Renderer.make_view
    monkeypatch.setattr(Renderer, "make_view", lambda renderer, source: made.append(source) or make_view(renderer, source))
    outcome = incremental.rebuild(edit(root, "This is the English edition's first article.", "A new first line."))
    assert {"en/index.html", "en/2024/05/index.html"} <= outcome.rendered  # they list both English stories
    assert made and all(source.endswith("welcome.md") for source in made), made
    assert "Another story" in (root / "site" / "en/index.html").read_text(encoding="utf-8")


def test_a_headline_edit_rewrites_the_counterpart_too(site):
    incremental, root = site
    outcome = incremental.rebuild(edit(root, "title: Welcome to your new dateline site", "title: Fresh headline"))
    assert {EN_PAGE, KO_PAGE} <= set(outcome.written)
    assert "Fresh headline" in (root / "site" / KO_PAGE).read_text(encoding="utf-8")


def test_a_template_edit_renders_the_pages_that_use_it(site):
    incremental, root = site
    (root / "templates" / "robots.txt").write_text("User-agent: *\nDisallow: /drafts/\n", encoding="utf-8")
    outcome = incremental.rebuild(Change(templates=True))
    assert outcome.rendered == {"robots.txt"}
    assert outcome.written == {"robots.txt"}
    (root / "templates" / "article.html").write_text(
        '{% extends "base.html" %}{% block main %}<h1>{{ article.title }}</h1>{% endblock %}\n', encoding="utf-8")
    outcome = incremental.rebuild(Change(templates=True))
    assert outcome.rendered == {EN_PAGE, KO_PAGE, OTHER_PAGE}


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
    assert incremental.rebuild(Change(static=frozenset({logo}))).written == {"img/logo.svg"}
    logo.unlink()
    assert incremental.rebuild(Change(static=frozenset({logo}))).removed == {"img/logo.svg"}
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
               "kind": "analysis", "wire_id": "urn:wire:1", "image": ImageRef("photo.jpg", "A photo", 3),
               "warnings": (ContentError("content/en/a1.md", 2, "warning: dropped"),)}
    assert sorted(changes) == sorted(others), "a new Article field: decide whether build_index reads it"
    now = dt.datetime(2024, 6, 1, tzinfo=tz)
    index, _ = build_index(config, articles, now)
    changed, _ = build_index(config, [dataclasses.replace(a, **changes) for a in articles], now)
    for field in dataclasses.fields(index):
        if field.name not in ("articles", "config"):
            assert getattr(index, field.name) == getattr(changed, field.name), field.name

