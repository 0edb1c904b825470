"""`dateline serve [--watch]`: build, serve on 127.0.0.1, rebuild and reload on every change."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from dateline.commands.common import now_option, open_config, site_option, user_errors
from dateline.errors import DatelineError, UsageError
from dateline.serve.devsite import Settings, serving_config
from dateline.serve.server import DevServer, exposure_warning, interrupts_as_keyboard_interrupt, settle


@click.command("serve")
@site_option
@click.option("--watch", is_flag=True,
              help="Rebuild on every change to content, templates, static files, data or config, and reload open tabs.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but loopback exposes the site to your network.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port; 0 picks a free one.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Where to build (default: SITE/.dateline-cache/serve; never the deployable output folder).")
@click.option("--base-url", help="Build with this base_url instead of the local address (its path is served).")
@click.option("--drafts", is_flag=True, help="Include articles marked draft: true.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="Worker processes for full builds (default: one per core).")
@click.option("--no-search", "no_search", is_flag=True,
              help="Leave out the search pages and their index (as [search] enabled = false does).")
@now_option
def serve_command(site_dir: Path, watch: bool, host: str, port: int, out_dir: Path | None, base_url: str | None,
                  drafts: bool, jobs: int | None, no_search: bool, now: str | None) -> None:
    """Build the site and serve it locally; with --watch, rebuild and reload on every change.
    Scheduled stories go live when the server's clock reaches them, unless --now freezes it."""
    moment = None
    if now:
        from dateline.clock import parse_now

        with user_errors():
            moment = parse_now(now, open_config(site_dir))
    warning = exposure_warning(host, drafts)
    if warning:
        click.echo(warning, err=True)
    settings = Settings(site_dir.resolve(), out_dir.resolve() if out_dir else None, drafts, base_url, "", jobs, moment,
                        search=False if no_search else None)
    try:
        serving_config(settings)
    except UsageError as exc:  # no site here, a bad --base-url or --out: nothing to serve
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except DatelineError:
        pass  # broken sources: the server reports them and, with --watch, waits for the fix
    try:
        server = DevServer(settings, host, port, watch)
    except OSError as exc:
        click.echo(f"error: cannot listen on {host}:{port}: {exc.strerror or exc} (try another --port, or --port 0)", err=True)
        sys.exit(1)
    try:
        built = server.start()  # forks build workers: they must not inherit the handlers below
        with interrupts_as_keyboard_interrupt():
            if not built and not watch:
                sys.exit(1)
            click.echo(f"Serving {settings.site_dir} at {server.url} (Ctrl-C to stop)")
            if watch:
                click.echo("Watching content/, templates/, static/, data/ and dateline.toml for changes.")
            while True:
                settle()
                # Never wait without a timeout: Ctrl-C may be delivered to another thread, and the
                # main thread only runs Python's handler once its wait returns.
                while not server.step(timeout=0.25):
                    pass
    except KeyboardInterrupt:
        click.echo("\nStopping.")
    finally:
        server.stop()
