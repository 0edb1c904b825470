"""`dateline init DIR`."""

from __future__ import annotations

from pathlib import Path

import click

from dateline.commands.common import user_errors


@click.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
def init(directory: Path, force: bool) -> None:
    """Scaffold a new site (config, content, templates) in DIRECTORY."""
    from dateline.scaffold import init_site

    with user_errors():
        written = init_site(directory, force=force)
    click.echo(f"Created a dateline site in {directory} ({len(written)} files).")
    click.echo(f"Next: cd {directory} && dateline build && dateline serve --watch")
