"""`dateline build --cluster`: rendering on a real Dask cluster (a `dask scheduler` and `dask worker`
processes on 127.0.0.1, started as a user starts them) writes the same bytes as a local build."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import build, cli, tree_digest, write_article, write_site

pytest.importorskip("distributed")
from dask.distributed import Client  # noqa: E402

BIN = Path(sys.executable).parent
SECTIONS = ["Politics", "Economy", "Culture"]
TAGS = ["markets", "elections", "film", "trade"]
CITIES = ["Seoul", "Busan", "Washington"]


def articles(count: int) -> dict:
    """COUNT stories in English, every other one with its Korean edition."""
    files = {}
    for n in range(count):
        day, hour = 1 + n % 28, 6 + n % 12
        meta = {"title": f"Story number {n} on the talks", "posted": f"2024-05-{day:02d}T{hour:02d}:{n % 60:02d}:00+09:00",
                "section": SECTIONS[n % 3], "tags": [TAGS[n % 4], TAGS[(n + 1) % 4]], "dateline": CITIES[n % 3],
                "story": f"story-{n}"}
        body = f"The *first* paragraph of story {n}.\n\nA second paragraph, with [a link](https://example.org/{n}).\n"
        files[f"en/2024/05/story-{n}.md"] = (meta, body)
        if n % 2 == 0:
            files[f"ko/2024/05/story-{n}.md"] = ({**meta, "title": f"{n}번 기사"}, f"{n}번 기사의 첫 문단.\n\n둘째 문단.\n")
    return files


class Cluster:
    """A scheduler and worker processes, as `dask scheduler` and `dask worker` start them."""

    def __init__(self, folder: Path, workers: int, nanny: bool = True):
        self.folder = folder
        self.scheduler_file = folder / "scheduler.json"
        self.scheduler = self._start("scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                                     "--scheduler-file", str(self.scheduler_file))
        self.workers = [self._start("worker", "--scheduler-file", str(self.scheduler_file), "--nworkers", "1",
                                    "--nthreads", "1", "--no-dashboard", "--host", "127.0.0.1",
                                    *([] if nanny else ["--no-nanny"]), name=f"worker{n}") for n in range(workers)]
        with self.client() as client:
            client.wait_for_workers(workers, timeout=60)
            self.address = client.scheduler.address

    def _start(self, role: str, *args: str, name: str = "") -> subprocess.Popen:
        log = open(self.folder / f"{name or role}.log", "wb")  # noqa: SIM115 - kept open for the process's life
        return subprocess.Popen([str(BIN / "dask"), role, *args], stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)

    def client(self) -> Client:
        deadline = time.monotonic() + 30
        while not self.scheduler_file.exists():
            assert time.monotonic() < deadline, (self.folder / "scheduler.log").read_text()
            time.sleep(0.1)
        return Client(scheduler_file=str(self.scheduler_file), timeout=10, set_as_default=False)

    def stop(self) -> None:
        for process in [*self.workers, self.scheduler]:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in [*self.workers, self.scheduler]:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    running = Cluster(tmp_path_factory.mktemp("dask"), workers=2)
    yield running
    running.stop()


def dateline(*args, **popen) -> subprocess.Popen:
    """`dateline ARGS` in a process of its own, as a user runs it."""
    return subprocess.Popen([str(BIN / "dateline"), *map(str, args)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, **popen)


def run(*args) -> tuple[int, str, str]:
    process = dateline(*args)
    out, err = process.communicate(timeout=120)
    return process.returncode, out, err


def state_files(site: Path) -> dict[str, bytes]:
    cache = site / ".dateline-cache"
    return {p.relative_to(cache).as_posix(): p.read_bytes() for p in cache.glob("state*/*")} if cache.is_dir() else {}


def test_cluster_build_equals_local_build_byte_for_byte(cluster, tmp_path):
    site = write_site(tmp_path / "site", articles(40), templates={
        # A site's own template, read where the client runs and rendered on the workers.
        "article.html": '{% extends "base.html" %}{% block main %}<h1>{{ article.title }}</h1>'
                        '<div class="story-body">{{ article.body }}</div>{% endblock %}'})
    local = build(site, "--out", tmp_path / "local")
    code, out, err = run("build", "--site", site, "--out", tmp_path / "remote", "--cluster", cluster.address)
    assert code == 0, err
    assert "Built" in out
    assert tree_digest(tmp_path / "remote") == tree_digest(local)
    assert "<h1>Story number 7 on the talks</h1>" in (tmp_path / "remote/en/2024/05/08/story-7/index.html").read_text()

    # One edit, built incrementally on the cluster and locally: the same bytes again.
    write_article(site, "en/2024/05/story-3.md", ({"title": "A new headline", "posted": "2024-05-04T09:03:00+09:00",
                                                   "section": "Economy", "tags": ["trade"], "story": "story-3"},
                                                  "An *edited* body.\n"))
    build(site, "--out", local)
    code, out, err = run("build", "--site", site, "--out", tmp_path / "remote", "--cluster", cluster.address)
    assert code == 0, err
    assert "updated" in out and "pages rendered" in out
    assert tree_digest(tmp_path / "remote") == tree_digest(local)
    assert "<em>edited</em>" in (tmp_path / "remote/en/2024/05/04/story-3/index.html").read_text()


def test_a_template_that_prints_bodies_on_list_pages(cluster, tmp_path):
    """A list template printing every article's body (which the default theme does not): the
    cluster sends those pages again with the bodies, and the bytes still match."""
    site = write_site(tmp_path / "site", articles(12), templates={
        "list.html": '{% extends "base.html" %}{% block main %}{% for a in articles %}'
                     '<section>{{ a.body }}</section>{% endfor %}{% endblock %}'})
    local = build(site, "--out", tmp_path / "local")
    code, _, err = run("build", "--site", site, "--out", tmp_path / "remote", "--cluster", cluster.address)
    assert code == 0, err
    assert tree_digest(tmp_path / "remote") == tree_digest(local)
    assert "<section><p>The <em>first</em> paragraph of story 3." in \
        (tmp_path / "remote/en/section/politics/index.html").read_text()


def test_a_template_error_on_the_cluster_names_file_and_line(cluster, tmp_path):
    site = write_site(tmp_path / "site", articles(3), templates={
        "article.html": '{% extends "base.html" %}\n{% block main %}\n{{ article.title / 2 }}\n{% endblock %}'})
    code, _, err = run("build", "--site", site, "--cluster", cluster.address)
    assert code == 1
    assert "templates/article.html:3: template error: TypeError" in err
    assert "nothing was written" in err
    assert not (site / "site").exists()


def test_an_unreachable_scheduler_fails_fast_and_clearly(tmp_path):
    site = write_site(tmp_path / "site", articles(2))
    started = time.monotonic()
    code, out, err = run("build", "--site", site, "--cluster", "tcp://127.0.0.1:9")  # the discard port: refused
    assert code == 2
    assert err.startswith("error: cannot reach the Dask scheduler at tcp://127.0.0.1:9"), err
    assert "Traceback" not in err
    assert time.monotonic() - started < 30
    assert not (site / "site").exists()


def test_a_malformed_address_is_a_usage_error():
    result = cli("build", "--site", Path(__file__).parents[1], "--cluster", "not a scheduler")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: cannot reach the Dask scheduler at not a scheduler")


SLOW_ARTICLE = ('{% extends "base.html" %}{% block main %}{% set n = namespace(i=0) %}'
                '{% for _ in range(10000) %}{% set n.i = n.i + 1 %}{% endfor %}'
                '<h1>{{ article.title }}</h1>{{ article.body }}{% endblock %}')


def test_a_worker_killed_mid_build(tmp_path):
    """SIGKILL a worker while it renders: its chunk goes to the other worker and the build
    completes with the bytes of a local build; never half an output."""
    (tmp_path / "dask").mkdir()
    own = Cluster(tmp_path / "dask", workers=2, nanny=False)
    try:
        site = write_site(tmp_path / "site", articles(70), templates={"article.html": SLOW_ARTICLE})
        build(site, "--out", tmp_path / "local")
        out = tmp_path / "remote"
        process = dateline("build", "--site", site, "--out", out, "--cluster", own.address)
        with own.client() as client:
            victim = _a_busy_worker(client, process)
            os.kill(victim, signal.SIGKILL)
        stdout, stderr = process.communicate(timeout=120)
        # The chunk the worker held (and, if it had the only copy, the site's data) is sent again.
        assert process.returncode == 0, stderr
        assert tree_digest(out) == tree_digest(tmp_path / "local")
        assert not list(tmp_path.glob(".remote.staging-*"))
    finally:
        own.stop()


def _a_busy_worker(client: Client, build: subprocess.Popen) -> int:
    """The pid of a worker rendering one of the build's chunks, once one does."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert build.poll() is None, build.communicate()
        processing = client.processing()
        busy = [address for address, keys in processing.items() if any("dateline-render" in str(k) for k in keys)]
        if busy:
            return client.run(os.getpid, workers=busy[:1])[busy[0]]
        time.sleep(0.02)
    raise AssertionError("no worker started rendering")


def test_the_scheduler_lost_mid_build_fails_clearly_and_changes_nothing(tmp_path):
    (tmp_path / "dask").mkdir()
    own = Cluster(tmp_path / "dask", workers=1)
    try:
        site = write_site(tmp_path / "site", articles(40), templates={"article.html": SLOW_ARTICLE})
        out = build(site)  # a first build, locally: the output and the state the failed build must keep
        before, state = tree_digest(out), state_files(site)
        assert state
        (site / "templates/article.html").write_text(SLOW_ARTICLE.replace("<h1>", "<h1 class=x>"))
        process = dateline("build", "--site", site, "--cluster", own.address)
        with own.client() as client:
            _a_busy_worker(client, process)
        os.killpg(own.scheduler.pid, signal.SIGKILL)
        _, stderr = process.communicate(timeout=120)
        assert process.returncode == 1, stderr
        assert stderr.startswith("error: the Dask cluster at tcp://127.0.0.1:"), stderr
        assert "nothing was written" in stderr and "Traceback" not in stderr
        assert tree_digest(out) == before
        assert state_files(site) == state
        assert not list(site.glob(".site.staging-*"))
    finally:
        own.stop()


def test_without_dask_installed_the_message_says_what_to_install(tmp_path):
    site = write_site(tmp_path / "site", articles(2))
    hide_dask = ("import sys; sys.modules['dask'] = sys.modules['dask.distributed'] = sys.modules['distributed'] = None; "
                 "from dateline.cli import main; main()")
    process = subprocess.run([sys.executable, "-c", hide_dask, "build", "--site", str(site), "--cluster", "tcp://127.0.0.1:9"],
                             capture_output=True, text=True, timeout=60)
    assert process.returncode == 2
    assert process.stderr == "error: --cluster needs Dask: pip install 'dateline[cluster]'\n"
    assert not (site / "site").exists()
