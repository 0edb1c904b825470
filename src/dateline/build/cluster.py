"""`dateline build --cluster tcp://HOST:8786`: the rendering step on a Dask distributed cluster.

The same step as workers.render_pages, run elsewhere: the client (the `dateline build` process)
ships the index and the template sources once, then chunks of pages with the converted bodies
and summaries they show (read from its own body store, so workers need neither the SQLite file
nor the templates folder), and writes the bytes that come back into the output transaction.
The client stays the only writer: a worker that dies mid-build has written nothing; Dask gives
its task to another worker, and when the cluster cannot finish, the build fails and the output
and the saved state are left as they were (engine.py discards the transaction).

Workers must run the same dateline (and Jinja2, MarkupSafe, Babel, Python) as the client: every
task answers with a fingerprint of its code and the client refuses bytes rendered by another.
"""

from __future__ import annotations

import logging
import pickle
import queue
import sys
import threading
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from dateline.build.state import CODE
from dateline.build.workers import Progress
from dateline.errors import BuildFailed, ContentError, DatelineError, UsageError
from dateline.index import Page, PageKind, SiteIndex
from dateline.render import Renderer, make_environment, page_reads, template_sources
from dateline.write import OutputTransaction

CONNECT_TIMEOUT = 5  # seconds to reach the scheduler before `error:`
NO_WORKERS_PATIENCE = 30  # seconds the build waits while the cluster has no worker at all
# The kinds whose templates print article bodies (the default theme's article page and Atom
# feeds): their chunks carry the bodies. A page of another kind whose template prints one anyway
# (a site's own template) is sent again with every body it may show.
BODY_KINDS = (PageKind.ARTICLE, PageKind.FEED)


class ClusterFailed(DatelineError):
    """The cluster could not finish: nothing was written (exit 1, `error: ...`)."""


FINGERPRINT_PARTS = ("dateline's code", "Jinja2", "MarkupSafe", "Babel", "Python")


def code_fingerprint() -> tuple:
    """What decides a page's bytes besides its inputs: dateline's code and the libraries it renders with."""
    import babel
    import jinja2
    import markupsafe

    return (CODE, jinja2.__version__, markupsafe.__version__, babel.__version__, sys.version_info[:2])


@contextmanager
def connect(address: str, timeout: float = CONNECT_TIMEOUT) -> Iterator:
    """A dask.distributed Client for the scheduler at `address`; UsageError when Dask is missing
    or the scheduler does not answer within `timeout` seconds."""
    try:
        from dask.distributed import Client
    except ImportError:
        raise UsageError("--cluster needs Dask: pip install 'dateline[cluster]'") from None
    quiet_dask_logs()
    try:
        _probe(address, timeout)
        client = Client(address, timeout=timeout, set_as_default=False)
    except Exception as exc:  # noqa: BLE001 - refused, timed out, a malformed address: all are the user's to fix
        raise UsageError(f"cannot reach the Dask scheduler at {address} ({first_line(exc)}); is `dask scheduler` "
                         "running there, and is its port open to this machine?") from None
    try:
        yield client
    finally:
        client.close()


def _probe(address: str, timeout: float) -> None:
    """Ask the scheduler who it is over a connection of our own first: a refused port, an unknown
    host or something that is not a Dask scheduler fails within `timeout`, without the traceback
    (and the 10 s wait) of a Client that never connected being collected."""
    import asyncio

    from distributed.comm import connect as open_comm
    from distributed.security import Security

    async def identify() -> None:
        comm = await open_comm(address, timeout=timeout, **Security().get_connection_args("client"))
        try:
            await asyncio.wait_for(comm.write({"op": "identity"}), timeout)
            reply = await asyncio.wait_for(comm.read(), timeout)
        finally:
            comm.abort()
        if not isinstance(reply, dict) or reply.get("type") != "Scheduler":
            raise ValueError(f"something else answers there: {str(reply)[:80]}")

    asyncio.run(identify())


def quiet_dask_logs() -> None:
    """Dask's client logs a lost connection with a traceback; the build reports it in one line."""
    for name in [n for n in logging.root.manager.loggerDict if n == "distributed" or n.startswith("distributed.")]:
        logging.getLogger(name).setLevel(logging.CRITICAL)


def first_line(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}".rstrip(": ")


def check_cluster(address: str) -> None:
    """Fail before a long build rather than after it: the scheduler answers and Dask is installed."""
    with connect(address):
        pass


# ---- the client ---------------------------------------------------------------------------------


def render_on_cluster(address: str, renderer: Renderer, pages: list[Page], txn: OutputTransaction,
                      progress: Progress | None) -> list[str]:
    """Render pages on the cluster into the transaction; returns the outputs staged (whose bytes
    changed). Raises BuildFailed with the template errors found, ClusterFailed when the cluster
    cannot finish."""
    index = renderer.index
    remote = [p for p in pages if page_reads(index, p) is not None]
    local = [p for p in pages if page_reads(index, p) is None]  # a kind render.py does not describe
    run = _Run(renderer, txn, progress, len(pages))
    if remote:
        with connect(address) as client:
            try:
                run.on_cluster(client, address, remote)
            except DatelineError:
                raise
            except Exception as exc:  # noqa: BLE001 - a lost scheduler, a worker killed too often, a lost result
                raise ClusterFailed(f"the Dask cluster at {address} could not finish the build "
                                    f"({first_line(exc)}); nothing was written") from None
    for page in local:
        try:
            run.take(page.output, renderer.render(page))
        except BuildFailed as failed:
            run.errors += failed.errors
    if run.errors:
        raise BuildFailed(run.errors)
    return run.staged


# How often one chunk is sent before the build gives up on the cluster: a worker killed under it,
# then another, is bad luck; a third time is a cluster that cannot finish.
CHUNK_ATTEMPTS = 3


class _Run:
    """One build's rendering on a cluster, seen from the client."""

    def __init__(self, renderer: Renderer, txn: OutputTransaction, progress: Progress | None, total: int):
        self.renderer, self.txn, self.progress, self.total = renderer, txn, progress, total
        self.staged: list[str] = []
        self.errors: list[ContentError] = []
        self.done = 0
        self.fingerprint = code_fingerprint()

    def take(self, output: str, data: bytes) -> None:
        if self.txn.write(output, data):
            self.staged.append(output)

    def chunk(self, pages: list[Page], every_body: bool) -> tuple[list[Page], dict[str, str], dict[str, str]]:
        """Pages with the bodies and summaries of the articles they show, read from the client's store."""
        renderer, index = self.renderer, self.renderer.index
        shown: dict[str, None] = {}
        printed: dict[str, None] = {}
        for page in pages:
            views = page_reads(index, page).views
            shown.update(dict.fromkeys(views))
            if every_body or page.kind in BODY_KINDS:
                printed.update(dict.fromkeys(views))
        summaries = renderer.summaries or {}
        return (pages, {s: renderer.bodies.get(s, "") for s in printed},
                {s: summaries[s] for s in shown if s in summaries})

    def on_cluster(self, client, address: str, pages: list[Page]) -> None:
        threads = self._wait_for_workers(client, address)
        token = uuid.uuid4().hex
        site_future = self._scatter_site(client)
        size = max(10, min(200, len(pages) // (threads * 8) or 1))
        todo = [(pages[i:i + size], False, 1) for i in range(0, len(pages), size)]
        todo.reverse()
        window = max(4, threads * 3)  # chunks in flight: bounds what the client and scheduler hold
        pending: dict = {}
        finished: queue.Queue = queue.Queue()  # futures, as Dask's callbacks report them done
        submitted = 0
        waiting_since = None
        while todo or pending:
            while todo and len(pending) < window:
                chunk_pages, every_body, attempt = todo.pop()
                future = client.submit(_render_chunk, token, site_future, self.chunk(chunk_pages, every_body),
                                       pure=False, key=f"dateline-render-{token}-{submitted}")
                submitted += 1
                pending[future] = (chunk_pages, every_body, attempt)
                future.add_done_callback(finished.put)
            try:
                future = finished.get(timeout=2)
            except queue.Empty:
                waiting_since = self._no_workers(client, address, waiting_since)
                continue
            waiting_since = None
            chunk_pages, every_body, attempt = pending.pop(future)
            try:
                result = future.result()
            except Exception:
                # The worker died under this chunk, or took the site's only copy with it (Dask then
                # cancels what depends on it): render the chunk again, a few times at most.
                if attempt >= CHUNK_ATTEMPTS:
                    raise
                if site_future.status != "finished":
                    site_future = self._scatter_site(client)
                todo.append((chunk_pages, every_body, attempt + 1))
                continue
            finally:
                future.release()
            missed = self._collect(result, address)
            if missed and every_body:
                raise DatelineError(f"rendering {missed[0].path} read an article render.page_reads does not "
                                    "declare; this is a bug in dateline")
            if missed:
                todo.append((missed, True, 1))
        site_future.release()

    def _scatter_site(self, client):
        """The index and the templates, on every worker (a future of them)."""
        renderer = self.renderer
        site = pickle.dumps((renderer.index, template_sources(renderer.env)), protocol=pickle.HIGHEST_PROTOCOL)
        [site_future] = client.scatter([site], broadcast=True, hash=False)
        return site_future

    def _collect(self, result: tuple, address: str) -> list[Page]:
        fingerprint, rendered, errors, missed = result
        if fingerprint != self.fingerprint:
            differ = ", ".join(f"{name} {theirs} there, {ours} here" if name != "dateline's code" else name
                               for name, theirs, ours in zip(FINGERPRINT_PARTS, fingerprint, self.fingerprint, strict=True)
                               if theirs != ours)
            raise UsageError(f"a worker of the Dask cluster at {address} runs other code than this dateline ({differ}); "
                             "install the same versions on every worker and restart them")
        for output, data in rendered:
            self.take(output, data)
        self.errors += errors
        self.done += len(rendered) + len(errors)
        if self.progress:
            self.progress("rendering", self.done, self.total)
        return missed

    def _wait_for_workers(self, client, address: str) -> int:
        """The cluster's threads, once it has any."""
        since = None
        while True:
            threads = sum(client.nthreads().values())
            if threads:
                return threads
            since = self._no_workers(client, address, since)
            time.sleep(0.5)

    def _no_workers(self, client, address: str, since: float | None) -> float | None:
        """Raise once the cluster has had no worker for NO_WORKERS_PATIENCE seconds."""
        if client.nthreads():
            return None
        now = time.monotonic()
        if since is not None and now - since > NO_WORKERS_PATIENCE:
            raise ClusterFailed(f"the Dask cluster at {address} has had no worker for {NO_WORKERS_PATIENCE} s; "
                                "start one with `dask worker " + address + "`; nothing was written")
        return since if since is not None else now


# ---- a worker -----------------------------------------------------------------------------------


class _NotShipped(BaseException):
    """A template read an article the chunk did not carry. A BaseException, so that it passes
    through Renderer.render's error handling (which turns every Exception into a template error)."""


class _Shipped(Mapping):
    """The bodies or summaries one chunk carried. One object per worker, refilled for each chunk,
    because the renderer's cached article views keep a reference to it."""

    def __init__(self):
        self.items: dict[str, str] = {}

    def __getitem__(self, source: str) -> str:
        try:
            return self.items[source]
        except KeyError:
            raise _NotShipped(source) from None

    def __contains__(self, source: object) -> bool:
        if source not in self.items:
            raise _NotShipped(source)
        return True

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


_WORKER: dict = {}  # token -> (renderer, bodies, summaries): the latest build's, per worker process
_LOCK = threading.Lock()  # one chunk at a time per process: the shipped mappings are shared


def _worker_renderer(token: str, site: bytes) -> tuple[Renderer, _Shipped, _Shipped]:
    if token not in _WORKER:
        index, sources = pickle.loads(site)
        assert isinstance(index, SiteIndex)
        bodies, summaries = _Shipped(), _Shipped()
        renderer = Renderer(index, bodies, summaries=summaries)
        renderer.env = make_environment(index.config, sources=sources)
        _WORKER.clear()  # forget the previous build's index
        _WORKER[token] = (renderer, bodies, summaries)
    return _WORKER[token]


def _render_chunk(token: str, site: bytes, chunk: tuple) -> tuple:
    """(code fingerprint, [(output, bytes)], template errors, pages to send again with every body)."""
    pages, bodies, summaries = chunk
    rendered, errors, missed = [], [], []
    with _LOCK:
        renderer, shipped_bodies, shipped_summaries = _worker_renderer(token, site)
        shipped_bodies.items, shipped_summaries.items = bodies, summaries
        for page in pages:
            try:
                rendered.append((page.output, renderer.render(page)))
            except BuildFailed as failed:
                errors += failed.errors
            except _NotShipped:
                missed.append(page)
        shipped_bodies.items, shipped_summaries.items = {}, {}
    return code_fingerprint(), rendered, errors, missed
