"""The `dateline` command: build, serve, import, new, check, init, deploy."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from dateline import __version__
from dateline.config import Config, load_config
from dateline.errors import BuildFailed, ConfigError, DatelineError, UsageError

err_console = Console(stderr=True, highlight=False, soft_wrap=True)

site_option = click.option(
    "--site", "site_dir", default=".", show_default=True,
    type=click.Path(file_okay=False, path_type=Path), help="The site's root folder (where dateline.toml is).",
)


def report_errors(errors) -> None:
    for error in errors:
        click.echo(str(error), err=True)
    noun = "error" if len(errors) == 1 else "errors"
    click.echo(f"{len(errors)} {noun}; nothing was written.", err=True)


@contextmanager
def user_errors():
    """Turn dateline's own errors into `path:line: message` lines and exit 1; no tracebacks."""
    try:
        yield
    except BuildFailed as failed:
        report_errors(failed.errors)
        sys.exit(1)
    except ConfigError as exc:
        click.echo(str(exc.error), err=True)
        sys.exit(1)
    except UsageError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except DatelineError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)


def open_config(site_dir: Path, **overrides) -> Config:
    if overrides.get("out_dir") is not None:
        # A path typed on the command line is relative to where it was typed, not to --site.
        overrides["out_dir"] = Path(overrides["out_dir"]).resolve()
    with user_errors():
        return load_config(site_dir, **overrides)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dateline")
def main() -> None:
    """dateline: static sites for bilingual news publishers."""


@contextmanager
def progress_display(enabled: bool, first_stage: str = "rendering"):
    """A progress bar on a terminal; nothing when quiet or piped."""
    if not enabled or not err_console.is_terminal:
        yield None
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err_console, transient=True) as bar:
        task = bar.add_task(first_stage, total=None)
        yield lambda stage, done, total: bar.update(task, description=stage, completed=done, total=total)


@main.command()
@site_option
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), help="Output folder (default: SITE/site).")
@click.option("--base-url", help="Override base_url from dateline.toml, e.g. https://example.com/news/.")
@click.option("--drafts", is_flag=True, help="Include articles marked draft: true.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="Worker processes (default: one per core).")
@click.option("--clean", is_flag=True, help="Start afresh: drop the cache of converted articles and leftovers of interrupted builds.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
def build(site_dir: Path, out_dir: Path | None, base_url: str | None, drafts: bool, jobs: int | None,
          clean: bool, quiet: bool) -> None:
    """Build the site into site/ (or --out)."""
    from dateline.build import build_site, remove_leftovers

    config = open_config(site_dir, base_url=base_url, out_dir=out_dir, drafts=drafts)
    with user_errors():
        if clean:
            remove_leftovers(config)
        with progress_display(not quiet) as progress:
            result = build_site(config, jobs=jobs, progress=progress)
    if not quiet:
        click.echo(result.summary())


@main.command()
@site_option
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), help="The built site to check (default: SITE/site).")
@click.option("--base-url", help="The base_url the site was built with, if overridden.")
def check(site_dir: Path, out_dir: Path | None, base_url: str | None) -> None:
    """Validate content and the built site's internal links; change nothing."""
    from dateline.check import check_site

    config = open_config(site_dir, base_url=base_url, out_dir=out_dir)
    with user_errors():
        errors = check_site(config)
    if errors:
        for error in errors:
            click.echo(str(error), err=True)
        click.echo(f"{len(errors)} problem{'s' if len(errors) != 1 else ''} found.", err=True)
        sys.exit(1)
    click.echo("No problems found: content is valid and every internal link resolves.")


@main.command()
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
def new(title: str, site_dir: Path, lang, slug, section, tags, dateline, correspondents, story, publish) -> None:
    """Write a new article skeleton dated now."""
    from dateline.scaffold import new_article

    config = open_config(site_dir)
    with user_errors():
        path = new_article(config, title, lang=lang, slug=slug, section=section, tags=tags, dateline=dateline,
                           correspondents=correspondents, story=story, draft=not publish)
    click.echo(f"Wrote {path}")


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
def init(directory: Path, force: bool) -> None:
    """Scaffold a new site (config, content, templates) in DIRECTORY."""
    from dateline.scaffold import init_site

    with user_errors():
        written = init_site(directory, force=force)
    click.echo(f"Created a dateline site in {directory} ({len(written)} files).")
    click.echo(f"Next: cd {directory} && dateline build && dateline serve --watch")


from dateline.importer.command import import_command  # noqa: E402  (commands in their own modules)
from dateline.serve import serve_command  # noqa: E402

main.add_command(import_command)
main.add_command(serve_command)

from dateline.commands.deploy import deploy_command  # noqa: E402

main.add_command(deploy_command)
