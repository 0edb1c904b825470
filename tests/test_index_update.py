"""index.update_index against build_index: after any edit the patched index is the index a cold
build makes of the same articles, field by field, and whatever the edit left alone keeps its
object (the engine finds what moved by identity)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import fields

import pytest
from test_incremental_property import START, make_site

from dateline.config import load_config
from dateline.content import load_articles
from dateline.index import build_index, pages_listing, update_index

STEPS = 120


def loaded_articles(config) -> dict:
    """Every article that loads (one an edit broke is left out, as the engine leaves it out)."""
    articles, _ = load_articles(config)
    return {a.source: a for a in articles}


def assert_same_index(patched, cold, step: str) -> None:
    for field in fields(cold):
        if field.name == "config":
            continue
        assert getattr(patched, field.name) == getattr(cold, field.name), f"{step}: {field.name} differs"
    for table in ("articles", "urls", "counterparts", "terms", "notices", "editions"):
        assert list(getattr(patched, table)) == list(getattr(cold, table)), f"{step}: {table} in another order"


@pytest.mark.parametrize("seed", [3, 4, 5])
def test_update_index_equals_build_index(tmp_path, seed):
    rng = random.Random(seed)
    site, model = make_site(tmp_path, rng)
    config = load_config(site)
    now = START

    def tick() -> None:  # the clock moves on: stories go live, are withdrawn or expire, leave the news sitemap
        nonlocal now
        now += dt.timedelta(hours=rng.choice([1, 6, 20, 49]), minutes=rng.choice([0, 30]))

    # edit_field's `posted` may lie past the clock (scheduled); withdraw, expire and correct are the
    # desk's daily edits, alias the rare one the patch leaves to build_index.
    operations = [model.edit_body, model.add, model.respell, model.delete, model.rename, *[model.edit_field] * 6,
                  model.withdraw, model.withdraw, model.expire, model.correct, model.alias, tick, tick]
    before_articles = loaded_articles(config)
    index, errors = build_index(config, list(before_articles.values()), now)
    assert not errors
    patched = set()  # the operations the patch followed at least once
    patched_steps = 0
    for number in range(STEPS):
        operation = rng.choice(operations) if len(model.files) > 3 else model.add
        operation()
        step = f"step {number} ({operation.__name__}; seed {seed})"
        now_articles = loaded_articles(config)
        changed = {s: before_articles.get(s) for s in before_articles.keys() | now_articles.keys()
                   if before_articles.get(s) != now_articles.get(s)}
        cold, errors = build_index(config, list(now_articles.values()), now)
        update = update_index(index, now_articles, changed, now)
        if errors:
            assert update is None, f"{step}: the patch missed {errors}"
            continue
        if update is not None:
            patched_steps += 1
            patched.add(operation.__name__)
            assert_same_index(update.index, cold, step)
            for cached in ("pages_by_path", "page_outputs", "months"):  # carried over from the old index's
                assert getattr(update.index, cached) == getattr(cold, cached), f"{step}: {cached} differs"
            old_pages = index.pages_by_path
            for page in update.index.pages:  # an unchanged page keeps its object; the others are named
                if old_pages.get(page.path) == page:
                    assert old_pages[page.path] is page or page.path in update.moved, f"{step}: {page.path} made again"
                else:
                    assert page.path in update.moved, f"{step}: {page.path} moved unnamed"
            assert old_pages.keys() - update.index.pages_by_path.keys() <= update.moved, f"{step}: a page went unnamed"
            for key in index.terms.keys() | update.index.terms.keys():  # a term made again is named too
                assert update.index.terms.get(key) is index.terms.get(key) or key in update.terms, f"{step}: {key}"
        for source in cold.articles:
            listing = sorted(pages_listing(cold, source), key=lambda p: p.path)
            assert listing == [p for p in cold.pages if source in p.sources], f"{step}: {source}"
        index, before_articles = cold if update is None else update.index, now_articles
    assert patched_steps > STEPS // 2  # the patch, not the fallback, is what was tested
    assert {"withdraw", "expire", "correct", "tick", "add", "delete"} <= patched, patched
