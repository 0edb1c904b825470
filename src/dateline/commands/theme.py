"""`dateline theme export DIR`: the default theme's templates and static files, to edit."""

from __future__ import annotations

from pathlib import Path

import click

from dateline.commands.common import user_errors


@click.group()
def theme() -> None:
    """The default theme: copy it to make a site's own (see docs/templates.md)."""


@theme.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
def export(directory: Path, force: bool) -> None:
    """Copy the default theme's templates into DIRECTORY/templates/ and its static files into
    DIRECTORY/static/. In a site, `dateline theme export .` puts them where they override the theme."""
    from dateline.scaffold import export_theme

    with user_errors():
        written = export_theme(directory, force=force)
    click.echo(f"Wrote {len(written)} files into {directory / 'templates'} and {directory / 'static'}.")
    click.echo("Edit them, and delete those you keep as they are: they fall back to the theme.")
