"""`dateline deploy TARGET`: upload the built site to a folder or an S3 bucket, only what changed."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import click

from dateline.commands.common import open_config, progress_display, site_option, user_errors
from dateline.config import normalize_base_url
from dateline.errors import DatelineError, UsageError


@click.command("deploy")
@click.argument("target", required=False)
@site_option
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="The built site to deploy (default: the config's output folder, SITE/site).")
@click.option("--endpoint-url", help="An S3-compatible store's endpoint (MinIO, R2, Spaces, Ceph), e.g. https://minio.example.com:9000.")
@click.option("--changes", "changes_file", type=click.Path(dir_okay=False, path_type=Path),
              help="The JSON of `dateline build --changes FILE`: upload and delete just those files, without listing the target.")
@click.option("--max-deletes", type=click.IntRange(min=0), help="Over this many deletions, delete none and fail (default 256).")
@click.option("--dry-run", is_flag=True, help="Print what would be uploaded, changed and deleted; touch nothing.")
@click.option("--invalidate", "distribution", metavar="DISTRIBUTION",
              help="Purge the changed paths from this CloudFront distribution.")
@click.option("--base-url", help="The base_url the site was built with, if overridden (for redirects and purged paths).")
@click.option("--force", is_flag=True, help="Upload every file, changed or not (after changing [deploy] rules).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=8, show_default=True, help="Parallel uploads.")
@click.option("--verbose", "-v", is_flag=True, help="Also list each file uploaded, redirected or deleted.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
def deploy_command(target: str | None, site_dir: Path, out_dir: Path | None, endpoint_url: str | None, changes_file: Path | None,
                   max_deletes: int | None, dry_run: bool, distribution: str | None, base_url: str | None, force: bool,
                   jobs: int, verbose: bool, quiet: bool) -> None:
    """Upload the built site to TARGET: file:///path or s3://bucket/prefix (default: target in [deploy]).

    Only files whose bytes changed go up: assets, then pages, then feeds and sitemaps; files the
    site no longer has are deleted last. Credentials come from the usual AWS environment and profiles.
    """
    from dateline.deploy.local import built_base_url
    from dateline.deploy.run import DeployRequest, check_site_folder, deploy_site
    from dateline.deploy.targets import open_target

    config = open_config(site_dir)
    settings = config.deploy
    site_folder = out_dir.resolve() if out_dir else config.out_dir
    with user_errors():
        target_text = target or settings.target
        if not target_text:
            raise UsageError("say where to deploy: dateline deploy s3://bucket/prefix or file:///path "
                             "(or set target in [deploy])")
        if distribution and urlsplit(target_text).scheme == "file":
            raise UsageError("--invalidate purges a CloudFront distribution, which serves a bucket, not a folder")
        check_site_folder(site_folder)
        base_path = urlsplit(normalize_base_url(base_url, "--base-url") if base_url else
                             built_base_url(site_folder, config.base_url)).path
        request = DeployRequest(
            site_folder=site_folder, base_path=base_path, rules=settings.rules, changes_file=changes_file,
            max_deletes=settings.max_deletes if max_deletes is None else max_deletes, jobs=jobs,
            dry_run=dry_run, force=force, distribution=distribution or "")
        remote = open_target(target_text, endpoint_url=endpoint_url or settings.endpoint_url, site_folder=site_folder)
        with progress_display(not quiet and not dry_run, "comparing") as progress:
            result = deploy_site(request, remote, progress=progress)
        for line in result.listing if dry_run or verbose else ():
            click.echo(line)
        if not quiet:
            for line in (result.purge, result.summary()):
                if line:
                    click.echo(line)
        if result.refusal:
            raise DatelineError(result.refusal)
