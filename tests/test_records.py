"""The slotted records a build saves with its state pickle as their fields' values (records.py),
and come back equal."""

from __future__ import annotations

import dataclasses
import datetime as dt
import inspect
import pickle

import pytest

from dateline import config, content, index
from dateline.build import sources
from dateline.content import Article, Person, Place
from dateline.index import Page, PageKind

SLOTTED = [cls for module in (config, content, index, sources) for _, cls in inspect.getmembers(module, inspect.isclass)
           if cls.__module__ == module.__name__ and dataclasses.is_dataclass(cls) and "__slots__" in vars(cls)]


def test_there_are_slotted_records():
    assert {Page, Person, Place} <= set(SLOTTED)


@pytest.mark.parametrize("cls", SLOTTED, ids=lambda cls: cls.__qualname__)
def test_every_slotted_record_pickles_by_its_fields(cls):
    assert "pickled_by_fields" in cls.__getstate__.__qualname__, f"{cls.__qualname__} needs @pickled_by_fields"


def test_records_come_back_equal_with_fields_made_after_init():
    page = Page("/en/2024/05/02/rates/", PageKind.ARTICLE, "en", "en/rates.md", ("en/rates.md",))
    again = pickle.loads(pickle.dumps(page))
    assert again == page and again.output == page.output == "en/2024/05/02/rates/index.html"
    person = Person("Kim Ki-yun", "김기윤", "pep@donga.com", "correspondent")
    assert pickle.loads(pickle.dumps(person)) == person
    place = Place("Cairo")
    assert pickle.loads(pickle.dumps([place, place]))[1] == place


def test_an_article_comes_back_equal(tmp_path):
    (tmp_path / "dateline.toml").write_text('base_url = "https://example.com/"\n', encoding="utf-8")
    path = tmp_path / "content" / "en" / "a.md"
    path.parent.mkdir(parents=True)
    path.write_text("---\ntitle: A\nposted: 2024-05-02T09:00:00+09:00\ntags: [x]\ndateline: Cairo\n---\n\nText.\n",
                    encoding="utf-8")
    article, errors = content.load_article(config.load_config(tmp_path), path)
    assert not errors and isinstance(article, Article)
    again = pickle.loads(pickle.dumps(article))
    assert again == article and again.posted == dt.datetime(2024, 5, 2, 9, tzinfo=article.posted.tzinfo)
