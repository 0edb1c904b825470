"""Wire articles on disk: a new item is a new file; a new version of an item updates its file.

The file of an item is found by `wire_id`. A newer version updates that file in place (same
path, slug, posted time and so URL): the wire's fields (title, updated, dateline, bylines,
summary, photo) and the text are replaced; what an editor added (section, tags, story,
translations, aliases, kind, expires and any other key) is kept. Versions are compared by
versionCreated, then by version number: an older version never overwrites a newer one, and
the same version again is skipped (--force rewrites it).

Status: `canceled` adds `withdrawn: {at, reason}` (the reason is the wire's editorial note)
and keeps the text on disk, and a canceled item that was never imported is not written;
`withheld` writes the article with `draft: true`, so it stays out of the site until a usable
version arrives (`--drafts` shows it). A version marked as a correction appends
`{at: versionCreated, text: the editorial note}` to `corrections`.

Photos: a local rendition is copied beside the article as `<slug>.<ext>` and written as
`image: {src, alt, caption, credit}`; a remote one is recorded as `wire_image: {remote, alt,
caption, credit, width, height}` and never downloaded. `wire_version: {version, created,
status}` records which version the file holds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

from dateline.importer.existing import Existing, SiteContent, read_document
from dateline.importer.records import ImportedArticle, WireMeta
from dateline.importer.writer import Outcome, dump, front_matter, reason_to_skip
from dateline.write import write_file

WIRE_KEYS = ("title", "updated", "dateline", "correspondents", "summary", "wire_id", "wire_version", "image", "wire_image")


def wire_version(wire: WireMeta) -> dict:
    fields = {"version": wire.version, "created": wire.created, "status": wire.status}
    return {k: v for k, v in fields.items() if v not in (None, "")}


def image_fields(article: ImportedArticle, target: Path) -> tuple[dict, dict | None]:
    """Front matter for the photo, and the copy to make {"from": Path, "to": Path} (or None)."""
    image = article.wire.image if article.wire else None
    if image is None:
        return {}, None
    described = {k: v for k, v in (("alt", image.alt), ("caption", image.caption), ("credit", image.credit)) if v}
    if image.local_file is not None:
        name = f"{article.slug}{image.local_file.suffix.lower()}"
        return {"image": {"src": name, **described}}, {"from": image.local_file, "to": target.parent / name}
    size = {k: v for k, v in (("width", image.width), ("height", image.height)) if v}
    return {"wire_image": {"remote": image.remote, **described, **size}}, None


def new_meta(article: ImportedArticle, target: Path) -> tuple[dict, dict | None]:
    wire = article.wire
    meta = front_matter(article)
    if wire.status == "withheld":
        meta["draft"] = True
    if wire.wire_id:
        meta["wire_id"] = wire.wire_id
    meta["wire_version"] = wire_version(wire)
    photo, copy = image_fields(article, target)
    meta.update(photo)
    if wire.correction is not None:
        meta["corrections"] = [{"at": wire.created, "text": wire.correction}]
    return meta, copy


def compare(new: WireMeta, old: dict) -> int:
    """-1 when the new version is older than the one on disk, 0 when it is the same, 1 when newer."""
    created = old.get("created")
    if isinstance(created, dt.datetime) and new.created is not None:
        created = created if created.tzinfo else created.replace(tzinfo=dt.UTC)
        if new.created != created:
            return 1 if new.created > created else -1
    mine, theirs = _number(new.version), _number(str(old.get("version", "")))
    if mine is not None and theirs is not None and mine != theirs:
        return 1 if mine > theirs else -1
    return 0


def _number(version: str) -> int | None:
    return int(version) if version.strip().isdigit() else None


def describe(version: dict) -> str:
    parts = []
    if version.get("version"):
        parts.append(f"version {version['version']}")
    if isinstance(version.get("created"), dt.datetime):
        parts.append(f"of {version['created'].isoformat()}")
    return " ".join(parts) or "an unnumbered version"


def place_wire(article: ImportedArticle, site_dir: Path, site: SiteContent, planned: set[Path], *,
               force: bool, dry_run: bool) -> Outcome:
    existing = site.with_wire_id(article.wire.wire_id)
    if existing is not None:
        return update(article, existing, site_dir, site, planned, force=force, dry_run=dry_run)
    if article.wire.status == "canceled":
        return Outcome(article.raw_path, "skipped", f"the wire canceled item {article.wire.wire_id}, which is not in "
                                                    f"the site: nothing to withdraw", None, article.warnings)
    same = site.same_article(article.lang, article.title, article.posted, article.source)
    if same is None:
        article = free_slug(article, site_dir, planned)
    target = article.relative_path()
    refusal = reason_to_skip(target, same, site_dir, planned, force)
    if refusal:
        return Outcome(article.raw_path, "skipped", refusal, target, article.warnings, conflict=same is None)
    meta, copy = new_meta(article, target)
    warnings = _status_warnings(article)
    return _write(article, target, meta, article.body, copy, site_dir, site, planned, dry_run=dry_run,
                  message="wrote", warnings=warnings)


def free_slug(article: ImportedArticle, site_dir: Path, planned: set[Path]) -> ImportedArticle:
    """Wire headlines repeat ("Markets open higher"): another item's file keeps its place and this
    one takes the slug with the next free number (markets-open-higher-2), with a warning."""
    candidate, number = article, 2
    while (site_dir / candidate.relative_path()).exists() or candidate.relative_path() in planned:
        candidate = replace(article, slug=f"{article.slug}-{number}")
        number += 1
    if candidate is article:
        return article
    warning = f"{article.relative_path().as_posix()} holds another article: slug {candidate.slug!r} instead"
    return replace(candidate, warnings=(*article.warnings, warning))


def _status_warnings(article: ImportedArticle) -> tuple[str, ...]:
    if article.wire.status == "withheld":
        return (*article.warnings, "the wire withheld this version: written with draft: true, kept out of the site "
                                   "until a usable version arrives")
    return article.warnings


def update(article: ImportedArticle, existing: Existing, site_dir: Path, site: SiteContent, planned: set[Path], *,
           force: bool, dry_run: bool) -> Outcome:
    target = existing.path
    if target in planned:
        return Outcome(article.raw_path, "skipped", f"the same item ({article.wire.wire_id}) as another input of "
                                                    f"this run ({target.as_posix()})", target, article.warnings)
    document = read_document(site_dir / target)
    if document is None:
        return Outcome(article.raw_path, "failed", f"item {article.wire.wire_id} is in {target.as_posix()}, which "
                                                   f"cannot be read; fix it (dateline check) and import again")
    old = dict(document.meta)
    old_version = old.get("wire_version") if isinstance(old.get("wire_version"), dict) else {}
    order = compare(article.wire, old_version)
    new_version = wire_version(article.wire)
    if order < 0:
        return Outcome(article.raw_path, "skipped", f"older version ({describe(new_version)}) than the one in "
                                                    f"{target.as_posix()} ({describe(old_version)}): kept the newer one",
                       target, article.warnings)
    if order == 0 and not force:
        return Outcome(article.raw_path, "skipped", f"this version is already in {target.as_posix()} "
                                                    f"(pass --force to write it again)", target, article.warnings)
    meta, body, copy, warnings = merged(article, old, document.body.lstrip("\n"), target)
    verb = "withdrew" if article.wire.status == "canceled" else "updated"
    return _write(article, target, meta, body, copy, site_dir, site, planned, dry_run=dry_run,
                  message=f"{verb} ({describe(old_version)} -> {describe(new_version)})", warnings=warnings)


def merged(article: ImportedArticle, old: dict, old_body: str, target: Path) -> tuple[dict, str, dict | None, tuple]:
    """The file's front matter and body after this version: the wire's keys new, the editor's kept."""
    wire = article.wire
    warnings = list(_status_warnings(article))
    posted = old.get("posted")
    fresh, copy = new_meta(article, target)
    if isinstance(posted, dt.datetime) and posted.tzinfo and posted != article.posted:
        warnings.append(f"the new version is posted {article.posted.isoformat()}; kept {posted.isoformat()} so the URL stays")
    if wire.status == "canceled":
        meta = dict(old)
        meta["wire_version"] = fresh["wire_version"]
        meta["withdrawn"] = {"at": wire.created, "reason": wire.note or "Withdrawn by the wire service."}
        return meta, old_body, None, tuple(warnings)
    # The file's own key order; the wire's keys take their new values (or leave, when the new
    # version has none, but for a photo), keys the file lacks come after.
    meta = {k: fresh[k] if k in WIRE_KEYS and k in fresh else v for k, v in old.items()
            if k not in WIRE_KEYS or k in fresh or k in ("image", "wire_image")}
    for key in (*WIRE_KEYS, "section", "tags", "story"):
        if key in fresh and key not in meta:
            meta[key] = fresh[key]
    meta.pop("updated", None)
    if isinstance(posted, dt.datetime) and wire.created is not None and wire.created > posted:
        meta = _after(meta, "posted", "updated", wire.created)
    meta["draft"] = True if wire.status == "withheld" or article.draft else _editor_draft(old)
    if not meta["draft"]:
        del meta["draft"]
    if wire.correction is not None:
        earlier = old.get("corrections") if isinstance(old.get("corrections"), list) else []
        meta["corrections"] = [*earlier, *fresh["corrections"]]
    return meta, article.body, copy, tuple(warnings)


def _after(meta: dict, anchor: str, key: str, value) -> dict:
    """The mapping with key: value placed right after anchor (or at the end)."""
    out: dict = {}
    for name, existing in meta.items():
        out[name] = existing
        if name == anchor:
            out[key] = value
    out.setdefault(key, value)
    return out


def _editor_draft(old: dict) -> bool:
    """A draft the wire made (withheld) ends with a usable version; one an editor set stays."""
    version = old.get("wire_version") if isinstance(old.get("wire_version"), dict) else {}
    return old.get("draft") is True and version.get("status") != "withheld"


def _write(article: ImportedArticle, target: Path, meta: dict, body: str, copy: dict | None, site_dir: Path,
           site: SiteContent, planned: set[Path], *, dry_run: bool, message: str, warnings: tuple) -> Outcome:
    text = dump(meta, body)
    if not dry_run:
        if copy is not None:
            write_file(site_dir / copy["to"], copy["from"].read_bytes())
        write_file(site_dir / target, text.encode("utf-8"))
    planned.add(target)
    site.add(Existing(target, article.lang, str(meta.get("title", "")), meta.get("posted"), article.source,
                      str(meta.get("story", "")), article.wire.wire_id))
    verb, _, detail = message.partition(" ")
    if dry_run:
        verb = {"wrote": "would write", "updated": "would update", "withdrew": "would withdraw"}[verb]
    said = f"{verb} {target.as_posix()}" + (f" {detail}" if detail else "")
    return Outcome(article.raw_path, "imported", said, target, tuple(dict.fromkeys(warnings)), text)
