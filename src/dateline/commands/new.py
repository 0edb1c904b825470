"""`dateline new TITLE`."""

from __future__ import annotations

from pathlib import Path

import click

from dateline.commands.common import open_config, site_option, user_errors


@click.command()
@click.argument("title")
@site_option
@click.option("--lang", help="Edition language (default: the first configured).")
@click.option("--slug", help="URL slug (default: made from the title).")
@click.option("--section", default="", help="Section, e.g. World.")
@click.option("--tag", "tags", multiple=True, help="A tag; repeat for more.")
@click.option("--dateline", default="", help="The dateline city, e.g. Cairo.")
@click.option("--correspondent", "correspondents", multiple=True, help="A byline name; repeat for more.")
@click.option("--story", default="", help="Story key shared with the other edition's article.")
@click.option("--publish", is_flag=True, help="Write draft: false instead of draft: true.")
@click.option("--posted", metavar="TIME",
              help="Publication time (ISO 8601; without an offset, in the site's timezone), default now; "
                   "a later time schedules the story.")
def new(title: str, site_dir: Path, lang, slug, section, tags, dateline, correspondents, story, publish, posted) -> None:
    """Write a new article skeleton dated now (or --posted)."""
    from dateline.clock import parse_now
    from dateline.scaffold import new_article

    config = open_config(site_dir)
    with user_errors():
        path = new_article(config, title, lang=lang, slug=slug, section=section, tags=tags, dateline=dateline,
                           correspondents=correspondents, story=story, draft=not publish,
                           now=parse_now(posted, config, "--posted") if posted else None)
    click.echo(f"Wrote {path}")
