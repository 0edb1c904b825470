"""Same input, same bytes; deleted articles leave no files; static/ copied; site templates win."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from conftest import page, write_site

from dateline.build import workers
from dateline.build.bodystore import BodyStore, Summaries

ARTICLES = {
    "en/2024/05/talks.md": ({
        "title": "Talks stall", "posted": "2024-05-03T07:55:00+09:00", "section": "World",
        "tags": ["Gaza", "diplomacy"], "dateline": {"city": "Cairo", "local": "카이로"},
        "correspondents": [{"name": "Kim Ki-yun", "local": "김기윤", "email": "pep@donga.com"}],
        "story": "talks",
    }, "Negotiators met.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"),
    "ko/2024/05/talks.md": {"title": "협상 교착", "posted": "2024-05-03T07:55:00+09:00", "story": "talks",
                            "tags": ["외교"], "correspondents": [{"name": "Kim Ki-yun", "local": "김기윤"}]},
    "en/2024/05/rates.md": {"title": "Rates held", "posted": "2024-05-02T09:00:00+09:00", "tags": ["markets"],
                            "section": "Economy"},
    "en/2024/04/budget.md": {"title": "Budget passes", "posted": "2024-04-22T09:00:00+09:00",
                             "section": "Politics", "tags": ["budget"]},
}


def files_of(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_two_builds_are_byte_identical(make_site, build_site, tmp_path):
    site = make_site(ARTICLES)
    first = files_of(build_site(site, "--out", tmp_path / "one"))
    second = files_of(build_site(site, "--out", tmp_path / "two", "--clean"))
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []
    again = files_of(build_site(site, "--out", tmp_path / "one"))
    assert again == first


def test_output_does_not_depend_on_where_the_site_lives(make_site, build_site, tmp_path):
    """No absolute paths of the machine in the output."""
    one = make_site(ARTICLES, name="here")
    two = write_site(tmp_path / "elsewhere" / "deeper", ARTICLES)
    assert files_of(build_site(one)) == files_of(build_site(two))


def test_no_build_time_in_the_output(make_site, build_site):
    out = build_site(make_site(ARTICLES))
    today = dt.date.today()
    stamps = {today.isoformat(), f"{today:%Y/%m/%d}", str(today.year)}
    stamps.discard("2024")
    for name, data in files_of(out).items():
        if name.startswith("assets/"):
            continue
        text = data.decode("utf-8")
        for stamp in stamps:
            assert stamp not in text, f"{name} contains {stamp}"


def test_a_deleted_article_disappears(make_site, build_site):
    site = make_site(ARTICLES)
    out = build_site(site)
    gone = ["en/2024/04/22/budget/index.html", "en/tag/budget/index.html", "en/section/politics/index.html",
            "en/2024/04/index.html"]
    assert all((out / f).is_file() for f in gone)
    (site / "content/en/2024/04/budget.md").unlink()
    out = build_site(site)
    assert [f for f in gone if (out / f).exists()] == []
    for name in ("sitemap.xml", "en/feed.xml", "en/index.html"):
        assert "budget" not in (out / name).read_text(encoding="utf-8").lower(), name
    # No staging or old output folders are left beside the site.
    assert sorted(p.name for p in site.iterdir() if p.name.startswith(".site")) == [".site.lock"]


def test_an_edited_article_is_rebuilt(make_site, build_site):
    """The body cache is keyed by content: an edit always shows."""
    site = make_site(ARTICLES)
    build_site(site)
    path = site / "content/en/2024/05/rates.md"
    path.write_text(path.read_text(encoding="utf-8").replace("The first paragraph", "A rewritten paragraph"),
                    encoding="utf-8")
    out = build_site(site)
    assert "A rewritten paragraph of the story." in page(out, "/en/2024/05/02/rates/").body.get_text()


def test_static_files_are_copied_as_they_are(make_site, build_site):
    png = bytes(range(256)) * 4
    site = make_site(ARTICLES, static={"img/logo.png": png, "humans.txt": "Made in Seoul.\n",
                                       "CNAME": "news.example.com\n"})
    out = build_site(site)
    assert (out / "img/logo.png").read_bytes() == png
    assert (out / "humans.txt").read_text(encoding="utf-8") == "Made in Seoul.\n"
    assert (out / "CNAME").is_file()
    (site / "static/humans.txt").unlink()
    out = build_site(site)
    assert not (out / "humans.txt").exists()
    assert (out / "img/logo.png").read_bytes() == png


def test_a_static_file_may_not_replace_a_page(make_site, run_cli):
    site = make_site(ARTICLES, static={"robots.txt": "User-agent: *\n"})
    result = run_cli("build", "--site", site)
    assert result.exit_code == 1, str(result)
    assert any(line.startswith("static/robots.txt:") for line in result.error_lines), result.stderr


def test_site_templates_override_theme_templates_by_name(make_site, build_site):
    templates = {
        # A whole replacement...
        "404.html": "<!doctype html><html lang=\"en\"><title>Lost</title><p id=\"custom-404\">Gone.</p></html>\n",
        # ...and one that extends the theme's base and overrides a block.
        "article.html": ('{% extends "base.html" %}\n{% block main %}<h1 id="custom-article">'
                         '{{ article.title }}</h1>{% endblock %}\n'),
    }
    out = build_site(make_site(ARTICLES, templates=templates))
    lost = page(out, "/404.html")
    assert lost.find(id="custom-404") is not None
    article = page(out, "/en/2024/05/03/talks/")
    assert article.find(id="custom-article").get_text() == "Talks stall"
    assert article.head.find("link", rel="canonical") is not None  # the theme's base still applies
    home = page(out, "/en/")
    assert home.find(id="custom-article") is None and home.find(id="custom-404") is None


def test_templates_folder_change_is_picked_up(make_site, build_site):
    site = make_site(ARTICLES, templates={"robots.txt": "User-agent: *\nDisallow: /drafts/\n"})
    out = build_site(site)
    assert "Disallow: /drafts/" in (out / "robots.txt").read_text(encoding="utf-8").splitlines()
    shutil.rmtree(site / "templates")
    out = build_site(site)
    assert "Disallow: /drafts/" not in (out / "robots.txt").read_text(encoding="utf-8").splitlines()


def many_articles() -> dict:
    articles = {f"en/2024/05/s{n:03}.md": {"title": f"Story {n}", "posted": f"2024-05-{n % 28 + 1:02}T09:{n % 60:02}:00+09:00",
                                           "tags": [f"tag {n}"], "story": f"s{n}" if n % 2 else ""}
                for n in range(210)}
    articles.update({f"ko/2024/05/s{n:03}.md": {"title": f"기사 {n}", "posted": "2024-05-02T09:00:00+09:00",
                                                "story": f"s{n}"} for n in range(1, 40, 2)})
    return articles


def test_parallel_build_matches_a_serial_one(make_site, build_site, tmp_path):
    """Past 400 pages the render is spread over worker processes: same bytes as one process."""
    site = make_site(many_articles())
    serial = build_site(site, "--jobs", "1", "--out", tmp_path / "serial")
    parallel = build_site(site, "--jobs", "2", "--out", tmp_path / "parallel")
    assert sum(1 for _ in parallel.rglob("index.html")) > 400
    assert files_of(serial) == files_of(parallel)


def test_render_workers_replaced_every_few_pages_write_the_same_bytes(make_site, build_site, tmp_path, monkeypatch):
    """Render workers end after a bounded number of pages and fresh ones are forked (their memory
    stays bounded): a worker forked mid-build renders as the first ones did."""
    site = make_site(many_articles())
    serial = build_site(site, "--jobs", "1", "--out", tmp_path / "serial")
    monkeypatch.setattr(workers, "PAGES_PER_WORKER_LIFE", 45)  # lives of 45 pages: about ten of them
    lives = []
    monkeypatch.setattr(workers, "_pool", counting_lives(workers._pool, lives))
    recycled = build_site(site, "--jobs", "2", "--out", tmp_path / "recycled")
    assert lives == [(2, 2)]  # the render's pool (the reading stage has too few files for one)
    assert files_of(serial) == files_of(recycled)


def counting_lives(pool, lives):
    """workers._pool, noting (jobs, chunks each worker life renders) of each pool it starts."""
    def wrapped(jobs, chunks_per_life=None):
        lives.append((jobs, chunks_per_life))
        return pool(jobs, chunks_per_life)
    return wrapped


def test_clean_drops_the_cache_and_leftovers_of_interrupted_builds(make_site, build_site):
    site = make_site(ARTICLES)
    first = files_of(build_site(site))
    assert (site / ".dateline-cache").is_dir()
    leftovers = [site / ".site.staging-x1", site / ".site.old-x2"]
    for folder in leftovers:
        (folder / "en").mkdir(parents=True)
    stale = site / ".dateline-cache" / "bodies-stale.pickle"
    stale.write_bytes(b"not a pickle")
    assert files_of(build_site(site, "--clean")) == first
    assert not any(folder.exists() for folder in leftovers)
    assert not stale.exists()


def test_a_damaged_cache_is_ignored(make_site, build_site):
    site = make_site(ARTICLES)
    first = files_of(build_site(site))
    damaged = [cached for cached in (site / ".dateline-cache").rglob("*") if cached.is_file()]
    assert any(p.parent.parent.name == "templates" for p in damaged)  # compiled templates too
    for cached in damaged:
        cached.write_bytes(b"\x80garbage")
    assert files_of(build_site(site)) == first


def test_rebuild_rewrites_only_what_changed_and_equals_a_fresh_build(make_site, build_site, tmp_path):
    """A rebuild into an existing site/ leaves unchanged files untouched (rsync-friendly mtimes),
    rewrites the changed ones, drops what is gone, and ends byte-identical to a fresh build."""
    extra = {"en/2024/03/brief.md": {"title": "A brief", "posted": "2024-03-01T09:00:00+09:00", "section": "World"}}
    site = make_site({**ARTICLES, **extra})
    out = build_site(site)
    before = {p.relative_to(out).as_posix(): p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    budget = site / "content/en/2024/04/budget.md"
    budget.write_text(budget.read_text(encoding="utf-8").replace("Budget passes", "Budget finally passes"),
                      encoding="utf-8")
    (site / "content/en/2024/03/brief.md").unlink()
    build_site(site)
    after = {p.relative_to(out).as_posix(): p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    changed = {name for name in after if before.get(name) != after[name]}
    assert "en/2024/04/22/budget/index.html" in changed
    assert "en/2024/05/03/talks/index.html" not in changed  # its page does not show the budget story
    assert "ko/2024/05/03/talks/index.html" not in changed
    assert "en/2024/03/01/brief/index.html" not in after and not (out / "en/2024/03").exists()
    assert files_of(out) == files_of(build_site(site, "--out", tmp_path / "fresh"))


def test_a_busy_body_store_is_waited_for_never_replaced(tmp_path):
    """Another process holding the store's write lock is not damage: opening it waits and then
    fails as busy; the store and what it holds are left alone (replacing the file under other
    processes' connections is what damages it)."""
    import sqlite3


    path = tmp_path / "bodies.sqlite"
    holder = sqlite3.connect(path, isolation_level=None)  # a store not yet in WAL mode: switching needs the lock
    holder.execute("CREATE TABLE bodies (key TEXT PRIMARY KEY, html TEXT NOT NULL, summary TEXT NOT NULL)")
    holder.execute("INSERT INTO bodies VALUES (?, ?, ?)", (BodyStore.key("kept"), "<p>Kept.</p>", "Kept."))
    holder.execute("BEGIN EXCLUSIVE")
    store = BodyStore(path)
    store.timeout = 0.2
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        store.open()
    holder.execute("ROLLBACK")
    holder.close()
    assert BodyStore(path).html("kept") == "<p>Kept.</p>"


def test_a_damaged_body_store_is_replaced_with_its_write_ahead_log(tmp_path):

    path = tmp_path / "bodies.sqlite"
    path.write_bytes(b"\x80garbage" * 1000)
    wal = tmp_path / "bodies.sqlite-wal"
    wal.write_bytes(b"\x80a log of another file" * 100)
    store = BodyStore(path)
    store.add([("new", "<p>New.</p>", "New.")])
    assert store.html("new") == "<p>New.</p>"
    assert not wal.exists() or b"another file" not in wal.read_bytes()


def test_summaries_kept_by_body_key_are_not_read_again(tmp_path):
    """A Summaries given the summaries of earlier builds (the dev server's) reads the store only
    for body keys it has not seen; a body key names its text, so a kept summary is never stale."""
    store = BodyStore(tmp_path / "bodies.sqlite")
    store.add([("k1", "<p>One.</p>", "One."), ("k2", "<p>Two.</p>", "Two.")])
    asked = []
    summaries = store.summaries

    def counting(digests):
        digests = list(digests)
        asked.extend(digests)
        return summaries(digests)

    store.summaries = counting
    kept: dict[str, str] = {}
    first = Summaries(store, {"a.md": "k1", "b.md": "k2"}, kept)
    assert (first["a.md"], first["b.md"]) == ("One.", "Two.") and asked == ["k1", "k2"]
    again = Summaries(store, {"a.md": "k1", "b.md": "k2", "c.md": "k3"}, kept)
    assert (again["a.md"], again["b.md"], again["c.md"]) == ("One.", "Two.", "")
    assert asked == ["k1", "k2", "k3"], "only the new body key was read"
