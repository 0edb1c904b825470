"""`dateline import RAW...`: the click command, its options and its report."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from dateline.commands.common import open_config, site_option
from dateline.config import Config
from dateline.content import is_valid_slug
from dateline.importer.inputs import expand
from dateline.importer.records import ImportOptions
from dateline.importer.run import run_import
from dateline.importer.writer import Outcome


@click.command("import")
@click.argument("raw", nargs=-1)
@site_option
@click.option("--lang", help="The edition (a configured language code) of files that do not tell, or that are "
                             "in a language that is not one of the site's editions.")
@click.option("--section", default="", help="Section for every imported article, e.g. World.")
@click.option("--tags", default="", help="Comma-separated tags for every imported article.")
@click.option("--story", default="", help="Story key: links the article to its other-language counterparts.")
@click.option("--slug", default="", help="Slug for the article (one input, or both files of a --pair).")
@click.option("--pair", is_flag=True, help="Two raw files, two editions of one story: import and link them.")
@click.option("--draft", is_flag=True, help="Mark the imported articles draft: true.")
@click.option("--force", is_flag=True, help="Overwrite existing files and re-import articles imported before.")
@click.option("--dry-run", is_flag=True, help="Print what would be written; write nothing.")
@click.option("--no-validate", is_flag=True, help="Import wire files that break the IPTC schemas (with a warning).")
@click.option("--watch", "inbox", type=click.Path(file_okay=False, path_type=Path),
              help="Keep running: import every file dropped into INBOX, then move it to INBOX/done/ "
                   "(or INBOX/failed/ with a .error file).")
def import_command(raw, site_dir, lang, section, tags, story, slug, pair, draft, force, dry_run, no_validate,
                   inbox) -> None:
    """Convert raw articles into content/<lang>/<yyyy>/<mm>/<slug>.md.

    RAW may be files, folders (searched for .txt, .html, .json and .xml files) and glob patterns:
    either edition's page text, saved HTML pages, and IPTC wire files (ninjs 1.x, 2.x, 3.x JSON
    and NewsML-G2 XML), each recognised by its content.
    """
    config = open_config(site_dir)
    options = _options(config, lang, section, tags, story, slug, draft, not no_validate)
    if inbox is not None:
        if raw or pair or slug or dry_run:
            raise click.UsageError("--watch takes no RAW files and no --pair, --slug or --dry-run: "
                                   "it imports what arrives in INBOX")
        from dateline.importer.watch import watch_inbox

        sys.exit(watch_inbox(inbox, options, config, force=force, report=report))
    if not raw:
        raise click.UsageError("Missing argument 'RAW...': give the raw files to import (or --watch INBOX)")
    inputs = expand(raw)
    _check_counts(inputs.files, inputs.missing, pair, slug)
    outcomes = run_import(list(inputs.files), options, config, pair=pair, force=force, dry_run=dry_run)
    outcomes += [Outcome(Path(argument), "failed", reason) for argument, reason in inputs.missing]
    report(outcomes, dry_run=dry_run)
    if any(outcome.status == "failed" for outcome in outcomes):
        sys.exit(1)


def _options(config: Config, lang: str | None, section: str, tags: str, story: str, slug: str,
             draft: bool, validate: bool) -> ImportOptions:
    if lang and config.language(lang) is None:
        codes = ", ".join(language.code for language in config.languages)
        raise click.BadParameter(f"{lang!r} is not one of this site's languages ({codes})", param_hint="--lang")
    if slug and not is_valid_slug(slug):
        raise click.BadParameter(f"{slug!r}: a slug holds only letters, digits and '-'", param_hint="--slug")
    if story != story.strip() or "\n" in story:
        raise click.BadParameter("a story key is one line without surrounding spaces", param_hint="--story")
    tag_list = tuple(dict.fromkeys(t.strip() for t in tags.split(",") if t.strip()))
    return ImportOptions(lang=lang or "", section=section.strip(), tags=tag_list, story=story, slug=slug, draft=draft,
                         validate=validate)


def _check_counts(files, missing, pair: bool, slug: str) -> None:
    count = len(files) + len(missing)
    if pair and count != 2:
        raise click.UsageError(f"--pair takes exactly two raw files (an English and a Korean one), got {count}")
    if slug and not pair and count > 1:
        raise click.UsageError(f"--slug names one article, but {count} raw files were given")


def report(outcomes: list[Outcome], *, dry_run: bool, summary_line: bool = True) -> None:
    """One line per input (warnings under it), file text in a dry run, and a summary."""
    out = _console()
    for outcome in outcomes:
        if outcome.status == "failed":
            out.line(f"error: {where(outcome)}: {outcome.message}", style="bold red", err=True)
            continue
        style = "green" if outcome.status == "imported" else "yellow"
        label = "" if outcome.status == "imported" else "skipped "
        out.line(f"{label}{outcome.raw_path}: {outcome.message}", style=style)
        for warning in outcome.warnings:
            out.line(f"  warning: {warning}", style="yellow")
        if dry_run and outcome.text:
            out.text(outcome.text)
    if summary_line:
        out.line(summary(outcomes, dry_run=dry_run), style="bold")


def where(outcome: Outcome) -> str:
    return f"{outcome.raw_path}:{outcome.line}" if outcome.line else str(outcome.raw_path)


def summary(outcomes: list[Outcome], *, dry_run: bool) -> str:
    counts = {status: sum(o.status == status for o in outcomes) for status in ("imported", "skipped", "failed")}
    warnings = sum(len(o.warnings) for o in outcomes if o.status == "imported")
    imported = "would import" if dry_run else "imported"
    return (f"{counts['imported']} {imported}, {counts['skipped']} skipped, {counts['failed']} failed, "
            f"{warnings} warning{'s' if warnings != 1 else ''}" + (" (dry run: nothing written)" if dry_run else ""))


class _Plain:
    def line(self, text: str, style: str = "", err: bool = False) -> None:
        click.echo(text, err=err)

    def text(self, text: str) -> None:
        click.echo(text, nl=not text.endswith("\n"))


class _Rich(_Plain):
    def __init__(self):
        from rich.console import Console

        self.out = Console(highlight=False, soft_wrap=True)
        self.err = Console(stderr=True, highlight=False, soft_wrap=True)

    def line(self, text: str, style: str = "", err: bool = False) -> None:
        (self.err if err else self.out).print(text, style=style or None, markup=False)

    def text(self, text: str) -> None:
        self.out.print(text, markup=False, end="")


def _console() -> _Plain:
    return _Rich() if sys.stdout.isatty() else _Plain()
