"""`dateline init` (a new site from the packaged scaffold), `dateline new` (an article skeleton, or
the other edition's counterpart of one) and `dateline theme export` (the default theme, to edit)."""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from dateline.config import Config
from dateline.content import Article, Person, Place, content_sources, is_content_file, is_valid_slug, load_article, slugify
from dateline.errors import BuildFailed, DatelineError, UsageError
from dateline.frontmatter_yaml import add_front_matter_key
from dateline.places import dateline_place
from dateline.render import THEME_DIR
from dateline.write import write_file

SCAFFOLD_DIR = Path(__file__).parent / "scaffold"

# What a build makes again, kept out of version control: the output, the cache (converted bodies,
# the saved build state, the dev server's site) and the files beside the output (.site.lock, the
# journal, the staging and old trees of a build in progress).
GITIGNORE = ("# Made again by every `dateline build`: never commit them.", "/site/", "/.dateline-cache/", "/.site.*")


def init_site(target: Path, *, force: bool = False) -> list[Path]:
    """Copy the scaffold into TARGET, which must be new or empty unless forced; add a .gitignore.

    Hidden entries (.git, .gitignore) do not count: `git init && dateline init .` works."""
    if target.exists() and not target.is_dir():
        raise DatelineError(f"{target} is a file, not a folder")
    if target.is_dir() and not force:
        present = sorted(p.name for p in target.iterdir() if not p.name.startswith("."))
        if present:
            names = ", ".join(present[:3]) + (" ..." if len(present) > 3 else "")
            raise DatelineError(f"{target} is not empty ({names}); choose a new folder or use --force")
    written = copy_tree(SCAFFOLD_DIR, target, force=force)
    (target / "static").mkdir(exist_ok=True)  # copied into site/ as it is; starts empty
    return [*written, _write_gitignore(target)]


def copy_tree(source: Path, target: Path, *, force: bool) -> list[Path]:
    """Every file below SOURCE to the same place below TARGET; refuses to overwrite unless FORCE."""
    files = sorted(p for p in source.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    destinations = [target / p.relative_to(source) for p in files]
    existing = [d for d in destinations if d.exists()]
    if existing and not force:
        names = ", ".join(str(d) for d in existing[:3])
        raise DatelineError(f"{target} already has {names}{' ...' if len(existing) > 3 else ''}; use --force to overwrite")
    for file, destination in zip(files, destinations, strict=True):
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(file, destination)
    return destinations


def _write_gitignore(target: Path) -> Path:
    """A .gitignore for the output and the cache; one already there keeps its lines and gets ours added."""
    path = target / ".gitignore"
    present = path.read_text(encoding="utf-8") if path.is_file() else ""
    missing = [line for line in GITIGNORE if line not in present.splitlines()]
    if missing:
        separator = "\n" if present and not present.endswith("\n") else ""
        write_file(path, (present + separator + ("\n" if present else "") + "\n".join(missing) + "\n").encode())
    return path


def export_theme(target: Path, *, force: bool = False) -> list[Path]:
    """The default theme's templates into TARGET/templates/ and its static files into TARGET/static/,
    where a site's own files override the theme's: `dateline theme export .` in a site starts its own theme."""
    if target.exists() and not target.is_dir():
        raise UsageError(f"{target} is a file, not a folder")
    planned = [target / "templates" / p.relative_to(THEME_DIR / "templates") for p in (THEME_DIR / "templates").rglob("*")]
    planned += [target / "static" / p.relative_to(THEME_DIR / "static") for p in (THEME_DIR / "static").rglob("*")]
    existing = [p for p in planned if p.is_file()]
    if existing and not force:
        names = ", ".join(str(p) for p in existing[:3]) + (" ..." if len(existing) > 3 else "")
        raise DatelineError(f"{names} already exist{'s' if len(existing) == 1 else ''}; use --force to overwrite")
    return (copy_tree(THEME_DIR / "templates", target / "templates", force=True)
            + copy_tree(THEME_DIR / "static", target / "static", force=True))


# ---- dateline new ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Skeleton:
    """What `dateline new` writes: the front matter beyond title, posted and draft."""

    lang: str = ""
    slug: str = ""
    section: str = ""
    tags: tuple[str, ...] = ()
    dateline: str = ""  # as typed: Cairo, 카이로
    correspondents: tuple[str, ...] = ()  # byline names as typed
    story: str = ""
    draft: bool = True


@dataclass(frozen=True)
class Written:
    path: Path  # the new article
    notes: tuple[str, ...] = ()  # what else was done or should be: a story key added, an unknown place


def new_article(config: Config, title: str, skeleton: Skeleton, *, counterpart: Path | None = None,
                now: dt.datetime | None = None) -> Written:
    """Write a new article dated NOW; with COUNTERPART (an article file), the other edition's article
    of its story: its story key (added to COUNTERPART when it had none), section, dateline and bylines."""
    if not title.strip():
        raise UsageError("the title is empty")
    original = _original(config, counterpart) if counterpart is not None else None
    lang = skeleton.lang or (_other_edition(config, original) if original else config.default_language.code)
    if config.language(lang) is None:
        codes = ", ".join(x.code for x in config.languages)
        raise UsageError(f"--lang {lang!r} is not one of this site's languages ({codes})")
    slug = skeleton.slug or slugify(title)
    if skeleton.slug and not is_valid_slug(slug):
        raise UsageError(f"--slug {slug!r} may hold only letters, digits and '-'")
    if not is_valid_slug(slug):
        raise UsageError(f"cannot make a slug from {title!r}; pass --slug with letters, digits and '-'")
    now = (now or dt.datetime.now(config.tz)).astimezone(config.tz).replace(second=0, microsecond=0)
    path = config.content_dir / lang / f"{now:%Y}" / f"{now:%m}" / f"{slug}.md"
    if path.exists():
        raise DatelineError(f"{_shown(config, path)} already exists")
    notes = []
    place, warning = dateline_place(skeleton.dateline, config.places) if skeleton.dateline.strip() else (None, "")
    notes += [warning] if warning else []
    people = tuple(Person(name.strip()) for name in skeleton.correspondents if name.strip())
    story, story_note = skeleton.story, ""
    if original is not None:
        story, story_note = _counterpart_story(config, original, lang, skeleton.story)
        if place is None and original.dateline:
            # An English original's "Seoul" finds its Korean name in [places] (and keeps one dateline page).
            place = original.dateline if original.dateline.local else dateline_place(original.dateline.city, config.places)[0]
        people = people or original.correspondents
        skeleton = replace(skeleton, section=skeleton.section or original.section)
    text = _skeleton_text(title.strip(), now, slug, skeleton, place, people, story)
    write_file(path, text.encode("utf-8"))
    if story_note:
        # The new file first: were this to fail, the original is as it was and the new one names its story.
        source = config.site_dir / original.source
        write_file(source, add_front_matter_key(source.read_text(encoding="utf-8"), "story", story).encode("utf-8"))
        notes.append(story_note)
    return Written(path, tuple(notes))


def _skeleton_text(title: str, now: dt.datetime, slug: str, skeleton: Skeleton, place: Place | None,
                   people: tuple[Person, ...], story: str) -> str:
    meta = {"title": title, "posted": now.isoformat(), "slug": slug}
    dateline = ({"city": place.city, "local": place.local} if place.local else place.city) if place else ""
    bylines = [_byline(person) for person in people]
    optional = {"section": skeleton.section, "tags": list(skeleton.tags), "dateline": dateline,
                "correspondents": bylines, "story": story}
    meta.update({k: v for k, v in optional.items() if v})
    meta["draft"] = skeleton.draft
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=10_000)
    return "---\n" + front + "---\n\nWrite the story here.\n"


def _byline(person: Person) -> str | dict:
    fields = {"name": person.name, "local": person.local, "email": person.email, "role": person.role}
    fields = {k: v for k, v in fields.items() if v}
    return person.name if list(fields) == ["name"] else fields


def _original(config: Config, counterpart: Path) -> Article:
    path = counterpart.resolve()
    if not path.is_file():
        raise UsageError(f"--counterpart {counterpart}: no such file")
    if not is_content_file(config, path):
        raise UsageError(f"--counterpart {counterpart} is not an article of this site (a .md file below {config.content_dir})")
    article, errors = load_article(config, path)
    if article is None or errors:
        raise BuildFailed(errors)
    return article


def _other_edition(config: Config, original: Article) -> str:
    others = [language.code for language in config.languages if language.code != original.lang]
    if len(others) != 1:
        raise UsageError(f"say which edition the counterpart is for: --lang {' or --lang '.join(others) or '...'}")
    return others[0]


def _counterpart_story(config: Config, original: Article, lang: str, wanted: str) -> tuple[str, str]:
    """The story key the new article shares with ORIGINAL, and a note when ORIGINAL gets it now."""
    where = _shown(config, config.site_dir / original.source)
    if lang == original.lang:
        raise UsageError(f"{where} is itself in the {lang} edition; give the counterpart another --lang")
    if wanted and original.story and wanted != original.story:
        raise DatelineError(f"{where} has story {original.story!r}, not {wanted!r}; leave out --story to take its key")
    external = dict(original.translations).get(lang)
    if external:
        raise DatelineError(f"{where} already has a {lang} counterpart on another site ({external}, under 'translations')")
    story = original.story or wanted or original.slug
    holders = [article for article in _story_holders(config, story) if article.source != original.source]
    taken = [article for article in holders if article.lang == lang]
    if taken:
        raise DatelineError(f"the {lang} edition already has story {story!r}: {taken[0].source}; "
                            "edit that article instead of writing another")
    if original.story:
        return story, ""
    if holders and wanted:
        raise DatelineError(f"story {wanted!r} is already {holders[0].source}'s; choose another --story")
    if holders:  # the slug is another story's key already: make this story's own
        story = f"{original.posted:%Y-%m-%d}-{original.slug}"
        if _story_holders(config, story):
            raise DatelineError(f"story keys {original.slug!r} and {story!r} are taken; pass --story with a new key")
    return story, f"added story {story!r} to {where}, so the two editions link"


def _story_holders(config: Config, story: str) -> list[Article]:
    """The articles whose front matter has story: STORY (a cheap text search first: archives are large)."""
    holders = []
    for source in content_sources(config):
        path = config.site_dir / source
        if story not in path.read_text(encoding="utf-8", errors="replace"):
            continue
        article, _errors = load_article(config, path)
        if article is not None and article.story == story:
            holders.append(article)
    return holders


def _shown(config: Config, path: Path) -> str:
    try:
        return path.resolve().relative_to(config.site_dir).as_posix()
    except ValueError:
        return str(path)
