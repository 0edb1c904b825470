"""ImportedArticle -> a Markdown file with YAML front matter, written only when it is safe to.

Front matter keys come in one stable order (title, slug, posted, updated, section, tags,
dateline, correspondents, story, translations, source, summary, draft, then the wire's keys),
keys without a value are left out, times are ISO 8601 with their offset, and Hangul is written
as Hangul. Files are written through dateline.write.write_file: a reader (or `serve --watch`)
sees the old file or the new one, never half of one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import yaml

from dateline.importer.existing import Existing, SiteContent, read_document
from dateline.importer.records import ImportedArticle
from dateline.write import write_file


class _Dumper(yaml.SafeDumper):
    """Block style; times as plain ISO 8601 timestamps (2024-05-03T07:55:00+09:00), not strings;
    a value written twice (posted and a version's time) is written out twice, never as &id001."""

    def ignore_aliases(self, data) -> bool:
        return True


_Dumper.add_representer(
    dt.datetime, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:timestamp", value.isoformat())
)


def front_matter(article: ImportedArticle) -> dict:
    dateline = None
    if article.dateline:
        dateline = {"city": article.dateline.city, "local": article.dateline.local}
    people = [{k: v for k, v in dataclasses.asdict(p).items() if v} for p in article.correspondents]
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


def dump(meta: dict, body: str) -> str:
    text = yaml.dump(meta, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=10_000)
    return f"---\n{text}---\n\n{body}"


def render(article: ImportedArticle) -> str:
    return dump(front_matter(article), article.body)


@dataclass(frozen=True)
class Outcome:
    raw_path: Path
    status: str  # "imported", "skipped" or "failed"
    message: str
    path: Path | None = None  # relative to the site folder
    warnings: tuple[str, ...] = ()
    text: str = ""  # what was (or, in a dry run, would be) written
    line: int | None = None  # of the raw file, for a failure at a line
    conflict: bool = False  # skipped because another article holds its place: someone must choose


def place(article: ImportedArticle, site_dir: Path, site: SiteContent, planned: set[Path], *,
          force: bool, dry_run: bool, restory: bool = False) -> Outcome:
    """Write the article (unless dry_run), or say why not. `planned` holds this run's targets.

    restory: the article is one of a --pair; when the other edition's file is already in the
    site, that file is brought to the pair's story key instead of being skipped silently.
    """
    target = article.relative_path()
    same = site.same_article(article.lang, article.title, article.posted, article.source)
    if same and restory and not force and same.path not in planned:
        return set_story(article, same, site_dir, site, dry_run=dry_run)
    refusal = reason_to_skip(target, same, site_dir, planned, force)
    if refusal:
        return Outcome(article.raw_path, "skipped", refusal, target, article.warnings, conflict=same is None)
    text = render(article)
    replaced = same.path if same and same.path != target else None
    if not dry_run:
        write_file(site_dir / target, text.encode("utf-8"))
        if replaced:
            (site_dir / replaced).unlink(missing_ok=True)
    planned.add(target)
    site.add(Existing(target, article.lang, article.title, article.posted, article.source, article.story))
    verb = "would write" if dry_run else "wrote"
    message = f"{verb} {target.as_posix()}" + (f" (replacing {replaced.as_posix()})" if replaced else "")
    return Outcome(article.raw_path, "imported", message, target, article.warnings, text)


def set_story(article: ImportedArticle, same: Existing, site_dir: Path, site: SiteContent, *, dry_run: bool) -> Outcome:
    """A --pair member already in the site: give its file the pair's story key (nothing else changes)."""
    if same.story == article.story:
        return Outcome(article.raw_path, "skipped", f"already imported as {same.path.as_posix()} "
                                                    f"(story {article.story!r}, linked)", same.path, article.warnings)
    document = read_document(site_dir / same.path)
    if document is None:
        return Outcome(article.raw_path, "failed", f"already imported as {same.path.as_posix()}, but that file cannot "
                                                   f"be read to set its story to {article.story!r}; fix it, or pass --force")
    meta = dict(document.meta)
    meta["story"] = article.story
    text = dump(meta, document.body.lstrip("\n"))
    if not dry_run:
        write_file(site_dir / same.path, text.encode("utf-8"))
    site.add(Existing(same.path, same.lang, same.title, same.posted, same.source, article.story, same.wire_id))
    before = f" (was {same.story!r})" if same.story else ""
    verb = "would set" if dry_run else "set"
    return Outcome(article.raw_path, "imported", f"{verb} story {article.story!r} in {same.path.as_posix()}{before}",
                   same.path, article.warnings, text)


def reason_to_skip(target: Path, same: Existing | None, site_dir: Path, planned: set[Path], force: bool) -> str:
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
