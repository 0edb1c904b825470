"""The development server put together: the HTTP server, the site and the watcher, started and stopped cleanly."""

from __future__ import annotations

import gc
import os
import signal
import threading
import time
from contextlib import contextmanager
from dataclasses import replace

from dateline.serve.devsite import DevSite, Settings
from dateline.serve.gate import Gate
from dateline.serve.http import DevHTTPServer
from dateline.serve.hub import Hub
from dateline.serve.watch import Watcher

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def url_host(host: str) -> str:
    if host in ("", "0.0.0.0"):
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host


def exposure_warning(host: str, drafts: bool) -> str | None:
    if host in LOOPBACK or host.startswith("127."):
        return None
    return (f"warning: listening on {host or 'every address'}: anyone who can reach this machine can read the site"
            f"{' and its drafts' if drafts else ''}. This server is for editing, not for the public.")


def settle() -> None:
    """Move what the builds kept into the collector's permanent generation. A large site's state
    is hundreds of thousands of objects; re-scanning them during every rebuild cost a third of a
    structural rebuild's time on 10,000 stories. Records that are let go are still freed. Done by
    the command only: a process that embeds DevServer (the tests) keeps its collector as it is."""
    gc.freeze()


class DevServer:
    """The parts of `serve` put together: the HTTP server (bound at once), the site, the watcher."""

    def __init__(self, settings: Settings, host: str = "127.0.0.1", port: int = 0, watch: bool = True):
        self.app = DevSite(settings, Gate(), Hub())
        self.http = DevHTTPServer(host, port, self.app)
        self.app.settings = replace(settings, origin=f"http://{url_host(host)}:{self.http.port}")
        self.watcher = Watcher(settings.site_dir, lambda: self.app.served().out_dir) if watch else None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return self.app.settings.origin + self.app.served().base_path

    def start(self) -> bool:
        """Build, then serve and watch; False if the first build failed (its errors are printed;
        the server runs anyway).

        The first build may fork worker processes, so it runs before any thread starts (a fork
        while another thread holds a lock can hang the child); later full builds render in this
        process. What was saved while the first build ran is rebuilt right after it."""
        started = time.time() - 0.02  # file times lag the clock by a tick
        built = self.app.start()
        self.app.single_process()
        self._thread = threading.Thread(target=self.http.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        self._thread.start()
        if self.watcher:
            self.watcher.start()
            missed = self.watcher.changed_since(started)
            if missed is not None:
                self.app.apply(missed)
        return built

    def step(self, timeout: float | None = None) -> bool:
        """Wait for one batch of changes and rebuild; False if none came in time. A scheduled
        change that has come due counts as a batch."""
        if self.watcher is None:
            time.sleep(0.25 if timeout is None else timeout)
            batch = None
        else:
            batch = self.watcher.next_batch(timeout)
        batch = batch or self.app.clock_due()
        if batch is not None:
            self.app.apply(batch)
        return batch is not None

    def stop(self) -> None:
        """Stop watching, end the event streams, stop serving and free the port."""
        with _ignore_interrupts():
            if self.watcher:
                self.watcher.stop()
            self.app.hub.close()
            self.app.stop()
            if self._thread is not None:
                self.http.shutdown()
            self.http.server_close()


@contextmanager
def interrupts_as_keyboard_interrupt():
    """SIGTERM (and SIGHUP) stop the server the way Ctrl-C does; a forked worker that inherits
    this handler ends as it would have without it."""
    owner = os.getpid()

    def interrupt(signum, frame):
        if os.getpid() != owner:
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        raise KeyboardInterrupt

    previous = {sig: signal.signal(sig, interrupt) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@contextmanager
def _ignore_interrupts():
    """A second Ctrl-C while shutting down must not leave the port bound or print a traceback."""
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
