"""`dateline build`."""

from __future__ import annotations

from pathlib import Path

import click

from dateline.commands.common import open_config, progress_display, site_option, user_errors


@click.command()
@site_option
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), help="Output folder (default: SITE/site).")
@click.option("--base-url", help="Override base_url from dateline.toml, e.g. https://example.com/news/.")
@click.option("--drafts", is_flag=True, help="Include articles marked draft: true.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="Worker processes (default: one per core).")
@click.option("--clean", is_flag=True,
              help="Start afresh: drop the cache of converted articles and leftovers of interrupted builds.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
@click.option("--no-search", "no_search", is_flag=True,
              help="Leave out the search pages and their index (as [search] enabled = false does).")
def build(site_dir: Path, out_dir: Path | None, base_url: str | None, drafts: bool, jobs: int | None,
          clean: bool, quiet: bool, no_search: bool) -> None:
    """Build the site into site/ (or --out)."""
    from dateline.build import build_site, remove_leftovers

    config = open_config(site_dir, base_url=base_url, out_dir=out_dir, drafts=drafts, search=False if no_search else None)
    with user_errors():
        if clean:
            remove_leftovers(config)
        with progress_display(not quiet) as progress:
            result = build_site(config, jobs=jobs, progress=progress)
    if not quiet:
        click.echo(result.summary())
