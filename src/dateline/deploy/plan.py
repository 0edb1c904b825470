"""What a deploy does: which files go up, in which order, and what is deleted.

Uploads go in tiers, each finished before the next starts, so a reader never gets a page whose
assets are not there yet, nor a feed entry whose page is missing: assets, then pages, then
feeds, sitemaps and redirects. Deletions come last.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from dateline.deploy.rules import is_feed_or_sitemap, is_page
from dateline.deploy.targets import RemoteObject, Target, Upload

TIERS = ("assets", "pages", "feeds, sitemaps and redirects")


@dataclass(frozen=True)
class Plan:
    tiers: tuple[tuple[Upload, ...], ...]  # in upload order, one tuple per name in TIERS
    new: frozenset[str]  # paths of uploads the target does not have yet (the others replace objects)
    deletes: tuple[str, ...]
    unchanged: int

    @property
    def uploads(self) -> list[Upload]:
        return [upload for tier in self.tiers for upload in tier]


def tier_of(upload: Upload) -> int:
    if upload.redirect or is_feed_or_sitemap(upload.path):
        return 2
    return 1 if is_page(upload.path) else 0


def in_tiers(uploads: list[Upload]) -> tuple[tuple[Upload, ...], ...]:
    tiers: list[list[Upload]] = [[] for _ in TIERS]
    for upload in sorted(uploads, key=lambda u: u.path):
        tiers[tier_of(upload)].append(upload)
    return tuple(tuple(tier) for tier in tiers)


def plan_against_listing(local: list[Upload], remote: dict[str, RemoteObject], target: Target, *, force: bool = False,
                         jobs: int = 8) -> Plan:
    """Compare every local file with the remote objects (all of them count as changed with force);
    delete what the site no longer has."""
    verdicts = {u.path: True if force else differs_by_listing(u, remote.get(u.path)) for u in local}
    unsure = [upload for upload in local if verdicts[upload.path] is None]
    with ThreadPoolExecutor(max_workers=jobs) as pool:  # one HEAD (or file read) each
        for upload, verdict in zip(unsure, pool.map(lambda u: differs_by_stat(u, target), unsure), strict=True):
            verdicts[upload.path] = verdict
    changed = [upload for upload in local if verdicts[upload.path]]
    have = {upload.path for upload in local}
    # Hidden paths (".well-known/") are never the build's: leave them to whoever put them there.
    deletes = sorted(path for path in remote if path not in have and not any(p.startswith(".") for p in path.split("/")))
    return Plan(in_tiers(changed), frozenset(u.path for u in changed if u.path not in remote), tuple(deletes),
                len(local) - len(changed))


def plan_from_changes(written: list[Upload], created: set[str], deleted: list[str]) -> Plan:
    """The build said what changed: upload and delete just that, without listing the target."""
    return Plan(in_tiers(written), frozenset(created), tuple(sorted(deleted)), 0)


def differs_by_listing(upload: Upload, remote: RemoteObject | None) -> bool | None:
    """Whether the object differs, as far as the listing tells; None when only its headers can."""
    if remote is None:
        return True
    if upload.redirect:
        # A redirect object is empty; where it points is only in its headers.
        return True if remote.size != 0 else None
    if remote.size != upload.size:
        return True
    if remote.md5 is None:  # a multipart ETag, or a folder: the stored checksum tells
        return None
    return remote.md5 != upload.md5


def differs_by_stat(upload: Upload, target: Target) -> bool:
    stored = target.stat(upload.path)
    if stored is None:
        return True
    return stored.redirect != upload.redirect if upload.redirect else stored.md5 != upload.md5
