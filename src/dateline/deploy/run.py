"""Carrying out a deploy: compare, upload tier by tier on a thread pool, delete within the cap, purge."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

from dateline.config import DeployRule
from dateline.deploy.changes import read_changes
from dateline.deploy.cloudfront import invalidate, invalidation_paths
from dateline.deploy.local import prepare_uploads, site_paths
from dateline.deploy.plan import Plan, plan_against_listing, plan_from_changes
from dateline.deploy.redirects import REDIRECTS_FILE, read_redirects
from dateline.deploy.targets import Target, Upload
from dateline.errors import DatelineError, UsageError

Progress = Callable[[str, int, int], None]  # (stage, done, total), as cli.progress_display gives


@dataclass(frozen=True)
class DeployRequest:
    site_folder: Path  # the built site
    base_path: str  # the base URL's path, "/" or "/news/"
    rules: tuple[DeployRule, ...] = ()
    changes_file: Path | None = None
    max_deletes: int = 256
    jobs: int = 8
    dry_run: bool = False
    force: bool = False  # upload every file, changed or not (after changing headers in [deploy])
    distribution: str = ""  # CloudFront distribution to purge


@dataclass(frozen=True)
class DeployResult:
    target: str
    uploaded: int
    bytes: int
    deleted: int
    unchanged: int
    seconds: float
    dry_run: bool = False
    listing: tuple[str, ...] = ()  # a line per planned file, in order (what --dry-run prints)
    purge: str = ""  # what --invalidate did
    refusal: str = ""  # why the deletions were refused; the command then fails

    def summary(self) -> str:
        if self.dry_run:
            return (f"Dry run, nothing changed on {self.target}: would upload {_files(self.uploaded)} ({_size(self.bytes)}), "
                    f"delete {self.deleted}; {self.unchanged} unchanged.")
        return (f"Deployed to {self.target}: {_files(self.uploaded)} uploaded ({_size(self.bytes)}), {self.deleted} deleted, "
                f"{self.unchanged} unchanged in {self.seconds:.2f} s")


def check_site_folder(folder: Path) -> None:
    if not folder.is_dir():
        raise UsageError(f"{folder} does not exist: run `dateline build` first (or point --out at the built site)")
    if not (folder / "404.html").is_file():
        raise UsageError(f"{folder} was not built by dateline (it has no 404.html); refusing to deploy it")


def deploy_site(request: DeployRequest, target: Target, *, progress: Progress | None = None) -> DeployResult:
    """Plan and (unless a dry run) carry out the deploy. Prints nothing: a progress bar may be on screen."""
    started = time.perf_counter()
    check_site_folder(request.site_folder)
    plan = make_plan(request, target, progress or _silent)
    too_many = len(plan.deletes) > request.max_deletes
    refusal = (f"{len(plan.deletes)} files on {target.name} are no longer in the site, more than --max-deletes "
               f"{request.max_deletes}: nothing was deleted. If the site really lost them, run again with "
               f"--max-deletes {len(plan.deletes)} (or set max_deletes in [deploy] of dateline.toml)") if too_many else ""
    if request.dry_run:
        return _result(target, plan, [], len(plan.deletes), started, dry_run=True, refusal=refusal)
    return _carry_out(request, target, plan, progress or _silent, started, refusal)


def make_plan(request: DeployRequest, target: Target, progress: Progress) -> Plan:
    folder = request.site_folder
    redirects = read_redirects(folder, request.base_path)
    if request.changes_file is None:
        paths = site_paths(folder)
        if target.redirects:  # an alias whose redirect page is missing still gets its redirect
            paths = sorted(set(paths) | set(redirects))
        local = _prepare(request, target, paths, redirects, progress)
        return plan_against_listing(local, target.list(), target, force=request.force, jobs=request.jobs)
    changes = read_changes(request.changes_file)
    written = set(changes.written)
    if REDIRECTS_FILE in written:  # where an alias points may have changed
        written |= {path for path in redirects if (folder / path).is_file()}
    missing = sorted(path for path in written if not (folder / path).is_file())
    present = sorted(path for path in changes.deleted if (folder / path).is_file())
    if missing or present:
        which = f"{missing[0]} is listed as written but is not" if missing else f"{present[0]} is listed as deleted but is still"
        raise UsageError(f"--changes {request.changes_file} does not describe {folder}: {which} in the site "
                         f"(deploy without --changes to compare everything)")
    local = _prepare(request, target, sorted(written), redirects, progress)
    return plan_from_changes(local, set(changes.created), list(changes.deleted))


def _prepare(request, target, paths, redirects, progress) -> list[Upload]:
    total = len(paths)
    return prepare_uploads(request.site_folder, paths, target, request.rules, redirects, request.jobs,
                           lambda done: progress("comparing", done, total))


def plan_lines(plan: Plan) -> list[str]:
    """What a dry run prints: one line per file, in the order the deploy would go."""
    lines = []
    for upload in plan.uploads:
        verb = "new" if upload.path in plan.new else "changed"
        lines.append(f"redirect {upload.path} -> {upload.redirect}" if upload.redirect else f"{verb:8} {upload.path}")
    lines += [f"delete   {path}" for path in plan.deletes]
    return lines


def _carry_out(request, target, plan, progress, started, refusal) -> DeployResult:
    done: list[Upload] = []
    deleted: list[str] = []
    try:
        for tier in plan.tiers:
            upload_tier(target, tier, request.jobs, done, lambda: progress("uploading", len(done), len(plan.uploads)))
        if not refusal and plan.deletes:
            progress("deleting", 0, len(plan.deletes))
            target.delete(list(plan.deletes))
            deleted = list(plan.deletes)
    except DatelineError as failure:
        raise DatelineError(f"{failure}\n{_interrupted(request, plan, done, deleted)}") from None
    purge = _purge(request, [u.path for u in done] + deleted)
    return _result(target, plan, done, len(deleted), started, purge=purge, refusal=refusal)


def upload_tier(target: Target, tier: tuple[Upload, ...], jobs: int, done: list[Upload], tick: Callable[[], None]) -> None:
    """Put every upload of one tier; on the first failure start no more, let the running ones end, raise."""
    stop = threading.Event()
    lock = threading.Lock()

    def put(upload: Upload) -> None:
        if stop.is_set():
            return
        try:
            target.put(upload)
        except BaseException:
            stop.set()
            raise
        with lock:
            done.append(upload)
        tick()

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(put, upload) for upload in tier]
        try:
            wait(futures, return_when=FIRST_EXCEPTION)
        except BaseException:  # Ctrl-C: start no more; the running ones finish their object
            stop.set()
            raise
    for future in futures:
        if future.exception() is not None:
            raise future.exception()


def _interrupted(request: DeployRequest, plan: Plan, done: list[Upload], deleted: list[str]) -> str:
    """After a failure: what went up, and what to do. Each object is whole, old or new, so a rerun finishes."""
    note = f"{len(done)} of {len(plan.uploads)} files were uploaded; run the same command again to finish."
    if request.distribution and done:
        try:
            invalidation = invalidate(request.distribution, invalidation_paths([u.path for u in done], request.base_path))
            note += f" The uploaded paths were purged from CloudFront (invalidation {invalidation})."
        except DatelineError as exc:
            note += f" The uploaded paths could not be purged from CloudFront ({exc}); purge them by hand."
    return note


def _purge(request: DeployRequest, paths: list[str]) -> str:
    """Invalidate the paths; a line saying what was done."""
    if not request.distribution:
        return ""
    if not paths:
        return f"Nothing changed: no invalidation for CloudFront distribution {request.distribution}."
    purge = invalidation_paths(paths, request.base_path)
    invalidation = invalidate(request.distribution, purge)
    return f"CloudFront invalidation {invalidation} for distribution {request.distribution}: {len(purge)} paths."


def _result(target, plan, done, deleted, started, *, dry_run=False, purge="", refusal="") -> DeployResult:
    uploads = plan.uploads if dry_run else done
    return DeployResult(target.name, len(uploads), sum(u.size for u in uploads), deleted, plan.unchanged,
                        time.perf_counter() - started, dry_run, tuple(plan_lines(plan)), purge, refusal)


def _files(count: int) -> str:
    return f"{count} file" if count == 1 else f"{count} files"


def _size(count: int) -> str:
    if count < 1000:
        return f"{count} bytes"
    return f"{count / 1000:.1f} KB" if count < 1_000_000 else f"{count / 1_000_000:.1f} MB"


def _silent(stage: str, done: int, total: int) -> None:
    pass
