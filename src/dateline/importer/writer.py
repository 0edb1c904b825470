"""ImportedArticle -> a Markdown file with YAML front matter, written only when it is safe to.

Front matter keys come in one stable order (title, slug, posted, updated, section, tags,
dateline, correspondents, story, translations, source, summary, draft), keys without a value
are left out, times are ISO 8601 with their offset, and Hangul is written as Hangul.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

import yaml

from dateline.importer.existing import Existing, SiteContent
from dateline.importer.records import ImportedArticle


class _Dumper(yaml.SafeDumper):
    """Block style; times as plain ISO 8601 timestamps (2024-05-03T07:55:00+09:00), not strings."""


_Dumper.add_representer(
    dt.datetime, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:timestamp", value.isoformat())
)


def front_matter(article: ImportedArticle) -> dict:
    dateline = None
    if article.dateline:
        dateline = {"city": article.dateline.city, "local": article.dateline.local}
    people = [{k: v for k, v in vars(p).items() if v} for p in article.correspondents]
    fields = {
        "title": article.title,
        "slug": article.slug,
        "posted": article.posted,
        "updated": article.updated,
        "section": article.section,
        "tags": list(article.tags),
        "dateline": {k: v for k, v in (dateline or {}).items() if v},
        "correspondents": people,
        "story": article.story,
        "translations": dict(article.translations),
        "source": article.source,
        "summary": article.summary,
        "draft": article.draft or None,
    }
    return {key: value for key, value in fields.items() if value not in (None, "", [], {})}


def render(article: ImportedArticle) -> str:
    meta = yaml.dump(front_matter(article), Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                     default_flow_style=False, width=10_000)
    return f"---\n{meta}---\n\n{article.body}"


@dataclass(frozen=True)
class Outcome:
    raw_path: Path
    status: str  # "imported", "skipped" or "failed"
    message: str
    path: Path | None = None  # relative to the site folder
    warnings: tuple[str, ...] = ()
    text: str = ""  # what was (or, in a dry run, would be) written


def place(article: ImportedArticle, site_dir: Path, site: SiteContent, planned: set[Path], *,
          force: bool, dry_run: bool) -> Outcome:
    """Write the article (unless dry_run), or say why not. `planned` holds this run's targets."""
    target = article.relative_path()
    same = site.same_article(article.lang, article.title, article.posted, article.source)
    refusal = _refusal(target, same, site_dir, planned, force)
    if refusal:
        return Outcome(article.raw_path, "skipped", refusal, target, article.warnings)
    text = render(article)
    replaced = same.path if same and same.path != target else None
    if not dry_run:
        write_atomically(site_dir / target, text)
        if replaced:
            (site_dir / replaced).unlink(missing_ok=True)
    planned.add(target)
    site.add(Existing(target, article.lang, article.title, article.posted, article.source, article.story))
    verb = "would write" if dry_run else "wrote"
    message = f"{verb} {target.as_posix()}" + (f" (replacing {replaced.as_posix()})" if replaced else "")
    return Outcome(article.raw_path, "imported", message, target, article.warnings, text)


def _refusal(target: Path, same: Existing | None, site_dir: Path, planned: set[Path], force: bool) -> str:
    if same and same.path in planned:
        return f"the same article as another input of this run ({same.path.as_posix()})"
    if target in planned:
        return f"another input of this run already goes to {target.as_posix()}; pass --slug"
    if same and not force:
        return f"already imported as {same.path.as_posix()} (pass --force to import it again)"
    if (site_dir / target).exists() and not force and not same:
        return (f"{target.as_posix()} already exists and holds another article; "
                f"pass --force to overwrite it or --slug to choose another slug")
    return ""


def write_atomically(path: Path, text: str) -> None:
    """A reader (or `dateline serve --watch`) sees the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
