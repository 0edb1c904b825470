"""`dateline check`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from dateline.commands.common import now_option, open_config, site_option, user_errors
from dateline.errors import print_errors


@click.command()
@site_option
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="The built site to check (default: SITE/site).")
@click.option("--base-url", help="The base URL the site was built for, when it is not dateline.toml's.")
@click.option("--drafts", is_flag=True, help="The site was built with --drafts on purpose (a preview): check it anyway.")
@now_option
def check(site_dir: Path, out_dir: Path | None, base_url: str | None, drafts: bool, now: str | None) -> None:
    """Check that the built site is fit to deploy: built for production from the current sources,
    valid content, every internal link resolving, no published URL vanishing on the next build.
    Gaps between the editions are warnings. Changes nothing."""
    from dateline.check import check_site
    from dateline.clock import parse_now

    config = open_config(site_dir, base_url=base_url, out_dir=out_dir, drafts=drafts)
    with user_errors():
        errors, warnings = check_site(config, parse_now(now, config) if now else None,
                                      base_url_given=base_url is not None, drafts_given=drafts,
                                      on_wait=lambda message: click.echo(message, err=True))
    if warnings:
        print_errors(warnings, footer=False)
    if errors:
        print_errors(errors, footer=False)
        click.echo(f"{len(errors)} problem{'s' if len(errors) != 1 else ''} found.", err=True)
        sys.exit(1)
    noted = f" ({len(warnings)} warning{'s' if len(warnings) != 1 else ''} above)" if warnings else ""
    click.echo(f"No problems found: content is valid and every internal link resolves{noted}.")
