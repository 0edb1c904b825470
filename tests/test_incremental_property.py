"""Incremental builds equal cold builds: random sequences of edits, additions, renames,
deletions, template and static changes, and the clock's edits (scheduling, withdrawing, expiring,
correcting, aliasing, and rebuilding at a later `now`) on a small site; after every step two
incrementally kept output folders must be byte for byte the folder a cold build writes into a
fresh folder from the same sources at the same time: one rebuilt in this process from the
watcher's hints (as `serve` does), one by a new builder starting from the state the last build
saved (as the next `dateline build` does). Real processes, and builds killed with SIGKILL at any
moment, are tests/test_build_engine.py's.

DATELINE_PROPERTY_SEEDS=1,2,3 and DATELINE_PROPERTY_STEPS=200 widen the search.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image

from dateline import render
from dateline.build import Change, SiteBuilder, engine
from dateline.config import load_config
from dateline.errors import BuildFailed
from dateline.scaffold import init_site

SEEDS = [int(s) for s in os.environ.get("DATELINE_PROPERTY_SEEDS", "1,2").split(",")]
STEPS = int(os.environ.get("DATELINE_PROPERTY_STEPS", "40"))

SECTIONS = ["World", "Politics", "Economy", ""]
TAGS = ["climate", "trade", "elections", "gaza", "semiconductors"]
CITIES = [{"city": "Cairo", "local": "카이로"}, "Busan", "Jeju", None]
PEOPLE = [
    {"name": "Kim Ki-yun", "local": "김기윤", "email": "pep@donga.com", "role": "correspondent"},
    "Lee Mi-ran",
    "Park Jun",
]
# Only `respell` writes these fuller forms of "Busan" and "Lee Mi-ran": the names shown for a place
# or person then depend on whether some other article spells them out, so an edit to one article
# changes the links on others.
BUSAN = {"city": "Busan", "local": "부산"}
LEE = {"name": "Lee Mi-ran", "local": "이미란", "role": "editor"}
# The clock starts inside the range of `posted` times (May 1-4, 2024), so some articles start
# out scheduled; `tick` moves it forward.
START = dt.datetime(2024, 5, 3, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=9)))
WORDS = "the minister said talks would resume after a pause of several weeks in the capital".split()


class Model:
    """The site's articles as data; every change is written to disk and named in a Change."""

    def __init__(self, site: Path, rng: random.Random):
        self.site, self.rng = site, rng
        self.files: dict[Path, dict] = {}
        self.stories = 0

    def meta(self, lang: str, story: str = "") -> dict:
        rng = self.rng
        day = rng.randint(1, 4)
        meta = {
            "title": " ".join(rng.sample(WORDS, 4)).capitalize(),
            "posted": f"2024-05-0{day}T{rng.randint(6, 9):02d}:{rng.choice([0, 30]):02d}:00+09:00",
            "section": rng.choice(SECTIONS),
            "tags": rng.sample(TAGS, rng.randint(0, 3)),
            "correspondents": rng.sample(PEOPLE, rng.randint(0, 2)),
        }
        if rng.random() < 0.3:
            meta["updated"] = f"2024-05-0{day}T{rng.randint(10, 12)}:00:00+09:00"
        city = rng.choice(CITIES)
        if city:
            meta["dateline"] = city
        if story:
            meta["story"] = story
        return meta

    def write(self, path: Path) -> Path:
        meta = self.files[path]
        body = meta.get("_body") or " ".join(self.rng.choices(WORDS, k=20)).capitalize() + "."
        meta["_body"] = body
        lines = ["---"] + [f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in meta.items() if not k.startswith("_")]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n---\n\n" + body + "\n\nSecond paragraph.\n", encoding="utf-8")
        return path

    def new_path(self, lang: str) -> Path:
        while True:
            path = self.site / "content" / lang / "2024" / "05" / f"story-{self.rng.randint(0, 10_000)}.md"
            if not path.exists():
                return path

    def pick(self) -> Path:
        return self.rng.choice(sorted(self.files))

    # ---- operations: each returns the Change a watcher would report ---------------------

    def add(self) -> Change:
        lang = self.rng.choice(["en", "ko"])
        path = self.new_path(lang)
        story = ""
        if self.rng.random() < 0.5:
            self.stories += 1
            story = f"story-{self.stories}"
            other = self.new_path("ko" if lang == "en" else "en")
            self.files[other] = self.meta(other.parts[-4], story)
            self.write(other)
            self.files[path] = self.meta(lang, story)
            return Change(content=frozenset({self.write(path), other}))
        self.files[path] = self.meta(lang, story)
        return Change(content=frozenset({self.write(path)}))

    def edit_body(self) -> Change:
        path = self.pick()
        self.files[path]["_body"] = " ".join(self.rng.choices(WORDS, k=12)).capitalize() + "."
        return Change(content=frozenset({self.write(path)}))

    def edit_field(self) -> Change:
        path = self.pick()
        meta = self.files[path]
        fresh = self.meta(path.parts[-4], meta.get("story", ""))
        keys = ["title", "title", "updated", "posted", "section", "tags", "dateline", "correspondents", "draft", "summary"]
        key = self.rng.choice(keys)
        if key == "draft":
            meta["draft"] = not meta.get("draft", False)
        elif key == "summary":
            meta["summary"] = " ".join(self.rng.sample(WORDS, 5))
        elif key == "updated":
            meta["updated"] = meta["posted"].replace("T0", "T1")
        elif key in fresh:
            meta[key] = fresh[key]
        else:
            meta.pop(key, None)
        return Change(content=frozenset({self.write(path)}))

    def respell(self) -> Change:
        """Write a place or a person fully or briefly: the names shown on other articles' links change."""
        path = self.pick()
        meta = self.files[path]
        if self.rng.random() < 0.5:
            meta["dateline"] = "Busan" if meta.get("dateline") == BUSAN else BUSAN
        else:
            people = [p for p in meta.get("correspondents", []) if p not in (LEE, "Lee Mi-ran")]
            meta["correspondents"] = people + ["Lee Mi-ran" if LEE in meta.get("correspondents", []) else LEE]
        return Change(content=frozenset({self.write(path)}))

    # ---- the clock's edits ------------------------------------------------------------------

    def correct(self) -> Change:
        path = self.pick()
        meta = self.files[path]
        corrections = meta.setdefault("corrections", [])
        if corrections and self.rng.random() < 0.3:
            corrections.pop()
        else:
            at = f"{meta['posted'][:10]}T{self.rng.randint(10, 23)}:00:00+09:00"
            corrections.append({"at": at, "text": " ".join(self.rng.sample(WORDS, 6))})
        return Change(content=frozenset({self.write(path)}))

    def withdraw(self) -> Change:
        path = self.pick()
        meta = self.files[path]
        if "withdrawn" in meta:
            del meta["withdrawn"]
        else:
            later = f"2024-05-0{self.rng.randint(3, 5)}T{self.rng.randint(10, 23)}:00:00+09:00"
            meta["withdrawn"] = self.rng.choice(["At a court's request", {"at": later, "reason": "Licence ended"}])
        return Change(content=frozenset({self.write(path)}))

    def expire(self) -> Change:
        path = self.pick()
        meta = self.files[path]
        if "expires" in meta:
            del meta["expires"]
        else:
            meta["expires"] = f"2024-05-0{int(meta['posted'][9]) + 1}T{self.rng.randint(6, 23):02d}:00:00+09:00"
        return Change(content=frozenset({self.write(path)}))

    def alias(self) -> Change:
        """An earlier path for the article: a redirect page and a line of /_redirects (two articles
        claiming one alias is an error, which both builds must report alike)."""
        path = self.pick()
        meta = self.files[path]
        aliases = meta.setdefault("aliases", [])
        if aliases and self.rng.random() < 0.3:
            aliases.pop()
        else:
            aliases.append(f"/{path.parts[-4]}/2024/04/30/old-{self.rng.randint(0, 5)}/")
        return Change(content=frozenset({self.write(path)}))

    def delete(self) -> Change:
        path = self.pick()
        del self.files[path]
        path.unlink()
        return Change(content=frozenset({path}))

    def rename(self) -> Change:
        """A new name, at times in the other edition: the article changes language and keeps its
        bylines, which moves it between the editions' correspondent pages."""
        path = self.pick()
        lang = path.parts[-4]
        if self.rng.random() < 0.3:
            lang = "ko" if lang == "en" else "en"
        target = self.new_path(lang)
        target.parent.mkdir(parents=True, exist_ok=True)
        path.rename(target)
        self.files[target] = self.files.pop(path)
        return Change(content=frozenset({path, target}))

    def move_folder(self) -> Change:
        """A folder renamed (like a git checkout): only a rescan finds the files."""
        path = self.pick()
        folder = path.parent
        target = folder.parent / f"{folder.name}x"
        if target.exists():
            return Change()
        folder.rename(target)
        self.files = {(target / p.relative_to(folder) if p.is_relative_to(folder) else p): m for p, m in self.files.items()}
        return Change(content=frozenset({folder, target}))

    def template(self) -> Change:
        templates = self.site / "templates"
        choice = self.rng.randrange(3)
        if choice == 0:  # override the tag page (list.html renders it by default), or stop overriding
            target = templates / "tag.html"
            if target.exists():
                target.unlink()
            else:
                target.write_text('{% extends "list.html" %}{% block title %}Tag: {{ title }}{% endblock %}\n', encoding="utf-8")
        elif choice == 1:
            target = templates / "_macros.html"
            theme = render.THEME_DIR / "templates" / "_macros.html"
            text = target.read_text(encoding="utf-8") if target.exists() else theme.read_text(encoding="utf-8")
            target.write_text(text + f"\n{{# edit {self.rng.random()} #}}\n", encoding="utf-8")
        else:
            target = templates / "robots.txt"
            robots = f"User-agent: *\nAllow: /\n# {self.rng.randint(0, 99)}\nSitemap: {{{{ sitemap_url }}}}\n"
            target.write_text(robots, encoding="utf-8")
        return Change(templates=True)

    def photo(self) -> Change:
        """Give an article a lead photo, repaint its photo (only the image file changes), or drop it."""
        path = self.pick()
        meta = self.files[path]
        photo = self.site / "static" / "photos" / f"{path.stem}.jpg"
        if "image" in meta and self.rng.random() < 0.6:
            self.paint(photo)
            return Change(static=frozenset({photo}))
        if "image" in meta:
            del meta["image"]
            return Change(content=frozenset({self.write(path)}))
        self.paint(photo)
        meta["image"] = {"src": f"/photos/{photo.name}", "alt": "A photo", "caption": "Caption.", "credit": "AP Photo"}
        return Change(content=frozenset({self.write(path)}), static=frozenset({photo}))

    def paint(self, photo: Path) -> None:
        photo.parent.mkdir(parents=True, exist_ok=True)
        colour = tuple(self.rng.randrange(256) for _ in range(3))
        Image.new("RGB", (self.rng.choice([160, 240]), 120), colour).save(photo, "JPEG", quality=80)

    def static(self) -> Change:
        folder = self.site / "static" / "img"
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"file-{self.rng.randrange(3)}.txt"
        if target.exists() and self.rng.random() < 0.4:
            target.unlink()
        else:
            target.write_text(f"asset {self.rng.random()}\n", encoding="utf-8")
        return Change(static=frozenset({target}))


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def folders(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_dir()}


def assert_same_tree(incremental: Path, full: Path, step: str) -> None:
    a, b = tree(incremental), tree(full)
    only_a, only_b = sorted(set(a) - set(b))[:5], sorted(set(b) - set(a))[:5]
    assert sorted(a) == sorted(b), f"after {step}: files differ: only incremental {only_a}, only full {only_b}"
    differing = [name for name in a if a[name] != b[name]]
    assert not differing, f"after {step}: contents differ in {differing[:5]}"
    assert folders(incremental) == folders(full), f"after {step}: empty folders left behind"


def make_site(tmp_path: Path, rng: random.Random) -> tuple[Path, Model]:
    site = tmp_path / "site-src"
    init_site(site)
    toml = site / "dateline.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("per_page = 10", "per_page = 2"), encoding="utf-8")
    model = Model(site, rng)
    for _ in range(6):
        model.add()
    return site, model


@pytest.fixture
def frozen_theme(tmp_path, monkeypatch):
    """A copy of the default theme, so that edits to the package's theme during a run don't count."""
    theme = tmp_path / "theme"
    shutil.copytree(render.THEME_DIR, theme)
    monkeypatch.setattr(render, "THEME_DIR", theme)
    monkeypatch.setattr(engine, "THEME_DIR", theme)
    return theme


@pytest.mark.parametrize("seed", SEEDS)
def test_incremental_equals_full_build(tmp_path, seed, frozen_theme):
    rng = random.Random(seed)
    site, model = make_site(tmp_path, rng)
    kept_config = load_config(site, out_dir=tmp_path / "kept")
    saved_config = replace(kept_config, out_dir=tmp_path / "saved")
    full_config = replace(kept_config, out_dir=tmp_path / "full")
    kept = SiteBuilder(kept_config, jobs=1, persist=False, now=START)
    kept.build()
    SiteBuilder(saved_config, jobs=1, now=START).build()

    def tick() -> Change:  # build later: stories go live, expire, leave the news sitemap's window
        kept.now += dt.timedelta(hours=rng.choice([1, 6, 20, 49]))
        return Change()

    operations = [model.edit_body] * 4 + [model.edit_field] * 5 + [model.add] * 2 + [model.respell] * 2 + [
        model.delete, model.rename, model.move_folder, model.template, model.static, model.photo, model.photo,
        model.correct, model.withdraw, model.expire, model.alias, tick, tick]
    history = []
    for number in range(STEPS):
        operation = rng.choice(operations) if len(model.files) > 3 else model.add
        change = operation()
        history.append(operation.__name__)
        step = f"step {number} ({', '.join(history[-3:])}; seed {seed})"
        try:
            kept.build(change)
        except BuildFailed as failed:  # e.g. two articles landed on one URL: the other builds must fail too
            for config in (saved_config, full_config):
                with pytest.raises(BuildFailed) as other:
                    SiteBuilder(config, jobs=1, persist=config is saved_config, now=kept.now).build()
                assert other.value.errors == failed.errors, step
            continue
        SiteBuilder(saved_config, jobs=1, now=kept.now).build()
        shutil.rmtree(full_config.out_dir, ignore_errors=True)
        SiteBuilder(full_config, jobs=1, persist=False, now=kept.now).build()
        assert_same_tree(kept_config.out_dir, full_config.out_dir, step)
        assert_same_tree(saved_config.out_dir, full_config.out_dir, f"{step}, saved state")
