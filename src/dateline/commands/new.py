"""`dateline new TITLE`."""

from __future__ import annotations

from pathlib import Path

import click

from dateline.commands.common import open_config, site_option, user_errors


@click.command()
@click.argument("title")
@site_option
@click.option("--lang", help="Edition language (default: the first configured; with --counterpart, the other edition).")
@click.option("--slug", help="URL slug (default: made from the title).")
@click.option("--section", default="", help="Section, e.g. World.")
@click.option("--tag", "tags", multiple=True, help="A tag; repeat for more.")
@click.option("--dateline", default="", help="The dateline city, e.g. Cairo or 카이로 (Korean names go through [places]).")
@click.option("--correspondent", "correspondents", multiple=True, help="A byline name; repeat for more.")
@click.option("--story", default="", help="Story key shared with the other edition's article.")
@click.option("--counterpart", type=click.Path(dir_okay=False, path_type=Path),
              help="An article of the other edition: write its counterpart, taking its story key (added to it if it "
                   "has none), section, dateline and correspondents.")
@click.option("--publish", is_flag=True, help="Write draft: false instead of draft: true.")
@click.option("--posted", metavar="TIME",
              help="Publication time (ISO 8601; without an offset, in the site's timezone), default now; "
                   "a later time schedules the story.")
def new(title: str, site_dir: Path, lang, slug, section, tags, dateline, correspondents, story, counterpart, publish,
        posted) -> None:
    """Write a new article skeleton dated now (or --posted).

    \b
    dateline new "Seoul markets rally" --section Economy --dateline Seoul
    dateline new --counterpart content/en/2024/05/seoul-markets-rally.md "서울 증시 반등"
    """
    from dateline.clock import parse_now
    from dateline.scaffold import Skeleton, new_article

    config = open_config(site_dir)
    skeleton = Skeleton(lang=lang or "", slug=slug or "", section=section, tags=tags, dateline=dateline,
                        correspondents=correspondents, story=story.strip(), draft=not publish)
    with user_errors():
        written = new_article(config, title, skeleton, counterpart=counterpart,
                              now=parse_now(posted, config, "--posted") if posted else None)
    for note in written.notes:
        click.echo(f"note: {note}", err=True)
    click.echo(f"Wrote {written.path}")
