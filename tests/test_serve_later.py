"""The dev server's rebuild renders first what an edit shows on; the later pages of long lists,
which an added or removed article only shifts, follow (SiteBuilder(defer_pages=True),
serve/follow.py). Nobody is served a page the edit made stale, and the output ends as a cold
build's."""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import tree_digest, write_article, write_site
from serve_support import HeldGate, LiveServer, wait_until

from dateline.build import Change, SiteBuilder
from dateline.build import engine as engine_module
from dateline.config import load_config

STORIES = 24  # two to a page: every edition list is twelve pages long


def long_lists_site(root: Path) -> Path:
    articles = {f"en/2024/05/story-{n:02d}.md": {"title": f"Story {n:02d}", "posted": f"2024-05-{n:02d}T09:00:00",
                                                  "section": "World", "tags": ["economy"]}
                for n in range(1, STORIES + 1)}
    return write_site(root, articles, per_page=2)


def add_newest(site: Path, marker: str = "Newest") -> Path:
    return write_article(site, "en/2024/05/newest.md", {"title": marker, "posted": "2024-05-30T09:00:00",
                                                         "section": "World", "tags": ["economy"]})


def engine_after_an_addition(root: Path) -> tuple[SiteBuilder, Path]:
    """(an engine with the dev server's settings that has built a long-lists site and then the
    addition of its newest story, the site): the later pages are its pages_job."""
    site = long_lists_site(root)
    engine = SiteBuilder(load_config(site), jobs=1, persist=False)
    engine.build()
    engine.defer_pages = True  # as the dev server's rebuilds after its first
    engine.build(Change(content=frozenset({add_newest(site)})))
    return engine, site


def cold_digest(site: Path, out: Path) -> str:
    SiteBuilder(load_config(site, out_dir=out), jobs=1, persist=False).build()
    return tree_digest(out)


@pytest.fixture
def few_first(monkeypatch):
    monkeypatch.setattr(engine_module, "FIRST_PAGES", 3)


def test_an_added_article_shifts_the_later_pages_which_follow(tmp_path, few_first):
    site = long_lists_site(tmp_path / "site")
    engine = SiteBuilder(load_config(site), jobs=1, persist=False)
    engine.build()
    engine.defer_pages = True  # as the dev server's rebuilds after its first
    out = site / "site"
    deep = out / "en" / "page" / "12" / "index.html"
    deep_before = deep.read_bytes()
    added = add_newest(site)
    result = engine.build(Change(content=frozenset({added})))
    job = engine.pages_job
    assert job is not None and "en/page/12/index.html" in job.outputs
    assert all(page.number > 1 or page.kind in engine_module.LATER_KINDS for page in job.pages)
    assert any(output.startswith("sitemaps/") for output in job.outputs), "the sitemaps follow too"
    assert "en/2024/05/30/newest/index.html" in result.rendered and "en/index.html" in result.rendered
    assert not set(result.rendered) & job.outputs
    assert deep.read_bytes() == deep_before, "left for later: not yet written"
    changes = engine.commit_pages(job, engine.render_later(job))
    assert "en/page/12/index.html" in changes.updated
    assert engine.pages_job is None
    assert tree_digest(out) == cold_digest(site, tmp_path / "cold")
    # The fingerprints render_later made are those a build that renders everything at once keeps.
    at_once = SiteBuilder(load_config(site, out_dir=tmp_path / "at-once"), jobs=1, persist=False)
    added.rename(added.with_suffix(".held"))
    at_once.build()
    added.with_suffix(".held").rename(added)
    at_once.build(Change(content=frozenset({added})))
    assert engine.state.fingerprints == at_once.state.fingerprints


def test_pages_left_for_later_are_looked_at_again_by_the_next_build(tmp_path, few_first):
    """A second edit before the later pages were written: the work for the replaced index is
    dropped, the next build renders (or leaves again) every page still owed, whatever it edits."""
    engine, site = engine_after_an_addition(tmp_path / "site")
    replaced = engine.pages_job
    staged = engine.render_later(replaced)
    story = site / "content" / "en" / "2024" / "05" / "story-01.md"
    story.write_text(story.read_text(encoding="utf-8").replace("A second paragraph", "One more paragraph"),
                     encoding="utf-8")
    result = engine.build(Change(content=frozenset({story})))
    assert engine.commit_pages(replaced, staged) is None, "rendered from a replaced index: dropped"
    owed = set(result.rendered) | (engine.pages_job.outputs if engine.pages_job else set())
    assert replaced.outputs <= owed
    if engine.pages_job:
        engine.commit_pages(engine.pages_job, engine.render_later(engine.pages_job))
    assert tree_digest(site / "site") == cold_digest(site, tmp_path / "cold")
    # Nothing owed any more: a build with no change writes nothing.
    assert not engine.build(Change()).changes


def test_later_pages_give_way_to_a_rebuild_every_slice(tmp_path, few_first, monkeypatch):
    """render_later asks `pause` before each LATER_SLICE pages (the dev server waits there while
    a rebuild runs) and renders every page all the same."""
    monkeypatch.setattr(engine_module, "LATER_SLICE", 5)
    engine, site = engine_after_an_addition(tmp_path / "site")
    job = engine.pages_job
    pauses = []
    later = engine.render_later(job, pause=lambda: pauses.append(len(pauses)))
    assert len(pauses) == -(-len(job.pages) // 5) > 1
    engine.commit_pages(job, later)
    assert tree_digest(site / "site") == cold_digest(site, tmp_path / "cold")


def test_builds_render_every_page_at_once_unless_told(tmp_path, few_first):
    site = long_lists_site(tmp_path / "site")
    engine = SiteBuilder(load_config(site), jobs=1, persist=False)
    engine.build()
    added = add_newest(site)
    result = engine.build(Change(content=frozenset({added})))
    assert engine.pages_job is None and "en/page/12/index.html" in result.rendered


def test_the_dev_server_holds_a_request_for_a_later_page_until_it_is_written(tmp_path, few_first):
    site = long_lists_site(tmp_path / "site")
    with LiveServer(site) as live:
        follower = live.server.app.follower
        assert follower.wait_idle(60)
        before = live.get("/en/page/12/").body
        follower.gate = HeldGate(follower.gate)  # the later pages' commit waits for `release`
        add_newest(site, "Freshly added")
        wait_until(lambda: b"Freshly added" in live.get("/en/").body, timeout=30)
        answers = []
        reader = threading.Thread(target=lambda: answers.append(live.get("/en/page/12/").body), daemon=True)
        reader.start()
        reader.join(timeout=1.0)
        assert reader.is_alive() and not answers, "a page still owed is not served stale"
        assert live.get("/en/2024/05/30/newest/").status == 200, "other pages are served meanwhile"
        follower.gate.release.set()
        reader.join(timeout=30)
        assert answers and answers[0] != before
        assert follower.wait_idle(60)
        out = live.out_dir
        served = live.server.app.config
    SiteBuilder(replace(served, out_dir=tmp_path / "cold"), jobs=1, persist=False).build()
    assert tree_digest(out) == tree_digest(tmp_path / "cold")


def test_later_pages_render_on_a_thread_while_the_next_build_renders(tmp_path, few_first, monkeypatch):
    """The follower renders the later pages while the watcher's thread builds the next edit: the
    two renders share nothing (each its renderer and transaction), the stale one is dropped."""
    engine, site = engine_after_an_addition(tmp_path / "site")
    job = engine.pages_job
    midway, resume = threading.Event(), threading.Event()
    render = engine_module.Renderer.render

    def slow_on_the_follower(self, page):
        if threading.current_thread().name == "follower" and not midway.is_set():
            midway.set()
            resume.wait(30)
        return render(self, page)

    monkeypatch.setattr(engine_module.Renderer, "render", slow_on_the_follower)
    outcome = []
    follower = threading.Thread(target=lambda: outcome.append(engine.render_later(job)), name="follower")
    follower.start()
    assert midway.wait(30)
    story = site / "content" / "en" / "2024" / "05" / "story-02.md"
    story.write_text(story.read_text(encoding="utf-8").replace("A second paragraph", "Another paragraph"),
                     encoding="utf-8")
    engine.build(Change(content=frozenset({story})))
    resume.set()
    follower.join(30)
    assert outcome, "the follower's render finished"
    assert engine.commit_pages(job, outcome[0]) is None
    if engine.pages_job:
        engine.commit_pages(engine.pages_job, engine.render_later(engine.pages_job))
    assert tree_digest(site / "site") == cold_digest(site, tmp_path / "cold")


def test_later_pages_that_fail_are_owed_no_more():
    """A later page that cannot be written (a full disk) is reported, and a request for it is
    served what is there instead of waiting: the next rebuild looks at it again."""
    from dateline.serve.follow import Follower
    from dateline.serve.gate import Gate

    class FailingSite:
        pages_job, search_job = object(), None

        def render_later(self, job, pause):
            raise OSError("No space left on device")

    gate, said = Gate(), []
    gate.owe(frozenset({"en/page/2/index.html"}))
    follower = Follower(gate, said.append, failed=lambda failed: said.append(failed))
    try:
        follower.submit(FailingSite())
        assert follower.wait_idle(10)
    finally:
        follower.stop()
    assert said == ["error: the later pages of the lists were not written: No space left on device"]
    assert not gate._is_owed("en/page/2/")
