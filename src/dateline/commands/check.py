"""`dateline check`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from dateline.commands.common import open_config, site_option, user_errors
from dateline.errors import print_errors


@click.command()
@site_option
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="The built site to check (default: SITE/site).")
@click.option("--base-url", help="The base URL the site was built for, when it is not dateline.toml's.")
def check(site_dir: Path, out_dir: Path | None, base_url: str | None) -> None:
    """Check that the built site is fit to deploy: built for production from the current sources,
    valid content, every internal link resolving. Changes nothing."""
    from dateline.check import check_site

    config = open_config(site_dir, base_url=base_url, out_dir=out_dir)
    with user_errors():
        errors = check_site(config, base_url_given=base_url is not None)
    if errors:
        print_errors(errors, footer=False)
        click.echo(f"{len(errors)} problem{'s' if len(errors) != 1 else ''} found.", err=True)
        sys.exit(1)
    click.echo("No problems found: content is valid and every internal link resolves.")
