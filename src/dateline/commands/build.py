"""`dateline build`."""

from __future__ import annotations

import json
from pathlib import Path

import click

from dateline.commands.common import now_option, open_config, progress_display, site_option, user_errors
from dateline.errors import UsageError, print_errors
from dateline.write import write_file


@click.command()
@site_option
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), help="Output folder (default: SITE/site).")
@click.option("--base-url", help="Override base_url from dateline.toml, e.g. https://example.com/news/.")
@click.option("--drafts", is_flag=True, help="Include articles marked draft: true.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="Worker processes (default: one per core).")
@click.option("--clean", is_flag=True,
              help="Start afresh: drop the saved build state, the converted articles and leftovers of interrupted builds.")
@click.option("--changes", "changes_file", type=click.Path(dir_okay=False, path_type=Path),
              help='Write {"created": [...], "updated": [...], "deleted": [...]} of output files to this JSON file.')
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
@click.option("--cluster", metavar="ADDRESS",
              help="Render on the Dask cluster whose scheduler is at ADDRESS (tcp://HOST:8786); see docs/cluster.md.")
@click.option("--no-search", "no_search", is_flag=True,
              help="Leave out the search pages and their index (as [search] enabled = false does).")
@now_option
def build(site_dir: Path, out_dir: Path | None, base_url: str | None, drafts: bool, jobs: int | None,
          clean: bool, changes_file: Path | None, quiet: bool, cluster: str | None, no_search: bool,
          now: str | None) -> None:
    """Build the site into site/ (or --out): only pages whose inputs changed since the last build."""
    from dateline.build import build_site, remove_leftovers
    from dateline.clock import parse_now

    config = open_config(site_dir, base_url=base_url, out_dir=out_dir, drafts=drafts, search=False if no_search else None)
    if changes_file is not None:
        changes_file = changes_file.resolve()
        if changes_file.is_relative_to(config.out_dir):
            with user_errors():
                raise UsageError(f"--changes {changes_file} is inside the output folder; write it elsewhere")

    def waiting(message: str) -> None:
        click.echo(message, err=True)

    with user_errors():
        moment = parse_now(now, config) if now else None
        if clean:
            remove_leftovers(config)
        with progress_display(not quiet) as progress:
            result = build_site(config, jobs=jobs, progress=progress, on_wait=waiting, now=moment, cluster=cluster)
        if changes_file is not None:
            write_file(changes_file, (json.dumps(result.changes.as_json(), ensure_ascii=False, indent=1) + "\n").encode())
    print_errors(result.warnings, footer=False)  # `path:line: warning: ...`, even with --quiet
    if not quiet:
        for note in result.notes:
            click.echo(f"note: {note}", err=True)
        click.echo(result.summary())
