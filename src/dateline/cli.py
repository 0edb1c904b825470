"""The `dateline` program: the command group; each command lives in dateline.commands."""

from __future__ import annotations

import click

from dateline import __version__
from dateline.commands.build import build
from dateline.commands.check import check
from dateline.commands.common import Program
from dateline.commands.deploy import deploy_command
from dateline.commands.import_ import import_command
from dateline.commands.init import init
from dateline.commands.new import new
from dateline.commands.schedule import schedule
from dateline.commands.serve import serve_command
from dateline.commands.theme import theme


@click.group("dateline", cls=Program, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dateline")
def main() -> None:
    """dateline: static sites for bilingual news publishers."""


for command in (build, serve_command, import_command, new, check, init, theme, schedule, deploy_command):
    main.add_command(command)
