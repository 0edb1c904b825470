"""What every command shares: the --site option, opening the config, reporting errors, progress."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from dateline.config import Config, load_config
from dateline.errors import BuildFailed, ConfigError, DatelineError, UsageError, print_errors

site_option = click.option(
    "--site", "site_dir", default=".", show_default=True,
    type=click.Path(file_okay=False, path_type=Path), help="The site's root folder (where dateline.toml is).",
)

now_option = click.option(
    "--now", metavar="TIME",
    help="The clock (ISO 8601; without an offset, in the site's timezone), default the current time: "
         "it decides what is scheduled, what has expired and what the news sitemap holds.",
)


@contextmanager
def user_errors() -> Iterator[None]:
    """dateline's own errors as the user should see them, never a traceback: content and config
    errors as `path:line: message` (exit 1), usage errors as `error: ...` (exit 2)."""
    try:
        yield
    except BuildFailed as failed:
        print_errors(failed.errors)
        sys.exit(1)
    except ConfigError as exc:
        print_errors(exc.errors, footer=False)
        sys.exit(1)
    except UsageError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except DatelineError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    except OSError as exc:  # a folder that cannot be written, a full disk: the machine's answer, in its words
        where = f"{exc.filename}: " if exc.filename else ""
        click.echo(f"error: {where}{exc.strerror or exc}", err=True)
        sys.exit(1)


class _PlainUsageError(click.UsageError):
    """click's own usage errors (a bad option value, a missing argument) told the way dateline's are."""

    def show(self, file=None) -> None:
        message = self.format_message().rstrip(".")
        hint = f" (see {self.ctx.command_path} --help)" if self.ctx else ""
        click.echo(f"error: {message}{hint}", err=True)


@contextmanager
def _plain_usage_errors() -> Iterator[None]:
    try:
        yield
    except click.exceptions.NoArgsIsHelpError:
        raise  # `dateline theme` alone: the help is the answer
    except click.UsageError as exc:
        if isinstance(exc, _PlainUsageError):
            raise
        raise _PlainUsageError(exc.format_message(), exc.ctx) from None


class Program(click.Group):
    """The `dateline` group: every usage error, click's or dateline's, is `error: ...` and exit 2."""

    def make_context(self, *args, **kwargs) -> click.Context:
        with _plain_usage_errors():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx: click.Context):
        with _plain_usage_errors():
            return super().invoke(ctx)


def open_config(site_dir: Path, **overrides) -> Config:
    if overrides.get("out_dir") is not None:
        # A path typed on the command line is relative to where it was typed, not to --site.
        overrides["out_dir"] = Path(overrides["out_dir"]).resolve()
    with user_errors():
        return load_config(site_dir, **overrides)


@contextmanager
def progress_display(enabled: bool, first_stage: str = "reading"):
    """A progress bar on a terminal (stage, count, rate, time left); nothing when quiet or piped."""
    if not enabled:
        yield None
        return
    from dateline.commands.progress import progress_bar  # Rich, 40 ms of a quiet build's start, only when shown

    with progress_bar(first_stage) as update:
        yield update
