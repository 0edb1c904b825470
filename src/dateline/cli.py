"""The `dateline` program: the command group; each command lives in dateline.commands."""

from __future__ import annotations

import importlib

import click

from dateline import __version__
from dateline.commands.common import Program

# Each command's module, imported when the command runs: `dateline build` every few minutes
# should not pay for the importer's schemas or the dev server (a third of a second).
COMMANDS = {
    "build": "build:build",
    "serve": "serve:serve_command",
    "import": "import_:import_command",
    "new": "new:new",
    "check": "check:check",
    "init": "init:init",
    "theme": "theme:theme",
    "schedule": "schedule:schedule",
    "deploy": "deploy:deploy_command",
}


class LazyProgram(Program):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module, attribute = COMMANDS[name].split(":")
        return getattr(importlib.import_module(f"dateline.commands.{module}"), attribute)


@click.group("dateline", cls=LazyProgram, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dateline")
def main() -> None:
    """dateline: static sites for bilingual news publishers."""
