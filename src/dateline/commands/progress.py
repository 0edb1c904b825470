"""The progress bar of a long command on a terminal (Rich)."""

from __future__ import annotations

from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text


class RateColumn(ProgressColumn):
    """Items a second in the current stage."""

    def render(self, task) -> Text:
        return Text(f"{task.speed:,.0f}/s" if task.speed else "", style="progress.data.speed")


@contextmanager
def progress_bar(first_stage: str):
    """(stage, done, total) -> None that moves a bar on stderr, or None when stderr is no terminal."""
    err_console = Console(stderr=True, highlight=False, soft_wrap=True)
    if not err_console.is_terminal:
        yield None
        return
    columns = (TextColumn("{task.description:<10}"), BarColumn(), MofNCompleteColumn(), RateColumn(),
               TimeElapsedColumn(), TimeRemainingColumn())
    with Progress(*columns, console=err_console, transient=True) as bar:
        task = bar.add_task(first_stage, total=None)
        yield lambda stage, done, total: bar.update(task, description=stage, completed=done, total=total)
