"""`dateline schedule`: what the clock will change next."""

from __future__ import annotations

import json
from pathlib import Path

import click

from dateline.commands.common import now_option, open_config, site_option, user_errors


@click.command()
@site_option
@now_option
@click.option("--drafts", is_flag=True, help="Include articles marked draft: true.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for machines instead of a table.")
def schedule(site_dir: Path, now: str | None, drafts: bool, as_json: bool) -> None:
    """List coming changes, soonest first: scheduled articles (future `posted`) and expiring or
    withdrawn ones (`expires`, `withdrawn.at`)."""
    from dateline.build import format_clock_time
    from dateline.clock import coming_changes, current_time, parse_now
    from dateline.content import load_articles
    from dateline.errors import BuildFailed
    from dateline.index import article_path, build_index

    config = open_config(site_dir, drafts=drafts)
    with user_errors():
        moment = parse_now(now, config) if now else current_time(config)
        articles, errors = load_articles(config)
        errors += build_index(config, articles, moment)[1]
        if errors:  # a broken site is reported as `build` reports it
            raise BuildFailed(errors)
    changes = coming_changes((a for a in articles if drafts or not a.draft), moment)
    rows = [{"at": c.at.isoformat(), "change": c.change, "lang": c.article.lang, "title": c.article.title,
             "url": config.absolute_url(article_path(c.article)), "source": c.article.source} for c in changes]
    if as_json:
        click.echo(json.dumps({"now": moment.isoformat(), "changes": rows}, ensure_ascii=False, indent=2))
        return
    if not changes:
        click.echo(f"Nothing scheduled after {format_clock_time(moment)}.")
        return
    for change, row in zip(changes, rows, strict=True):
        click.echo(f"{format_clock_time(change.at)}  {row['change']:<8}  {row['lang']}  {row['title']}  ({row['source']})")
