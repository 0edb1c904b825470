"""`dateline build` run after run, in real processes: incremental across processes, --changes,
saved state that must not be trusted, the output lock, and builds killed with SIGKILL at any moment."""

from __future__ import annotations

import json
import os
import pickle
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from dateline.build.state import state_path
from dateline.config import load_config
from dateline.scaffold import init_site
from dateline.write import locked

WRAPPER = """
import os, signal, sys
kill_at = int(os.environ.get("KILL_AT_REPLACE", 0))
real_replace, calls = os.replace, [0]
def replace(src, dst):
    calls[0] += 1
    if calls[0] == kill_at:
        os.kill(os.getpid(), signal.SIGKILL)
    return real_replace(src, dst)
os.replace = replace
import dateline.build.state as state
parts_left, write_part = int(os.environ.get("KILL_AFTER_PARTS", 0)), state._write_part
def write_part_then_die(*args):
    global parts_left
    name = write_part(*args)
    parts_left -= 1
    if parts_left == 0:
        os.kill(os.getpid(), signal.SIGKILL)
    return name
state._write_part = write_part_then_die
from dateline.cli import main
sys.argv = ["dateline"] + sys.argv[1:]
main()
"""


def dateline(*args, env=None, check=True) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "dateline", *map(str, args)], capture_output=True, text=True,
                            timeout=120, env={**os.environ, **(env or {})})
    if check:
        assert result.returncode == 0, result.stderr
    return result


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def diff(before: dict[str, bytes], after: dict[str, bytes]) -> dict[str, list[str]]:
    return {
        "created": sorted(set(after) - set(before)),
        "updated": sorted(k for k in set(after) & set(before) if after[k] != before[k]),
        "deleted": sorted(set(before) - set(after)),
    }


@pytest.fixture
def site(tmp_path) -> Path:
    root = tmp_path / "paper"
    init_site(root)
    for n in range(1, 8):
        (root / f"content/en/2024/05/story-{n}.md").write_text(
            f"---\ntitle: Story {n}\nposted: 2024-05-0{n} 08:00\nsection: {'World' if n % 2 else 'Economy'}\n"
            f"tags: [t{n % 3}]\n---\n\nBody of story {n}.\n", encoding="utf-8")
    return root.resolve()


def cold(site: Path, tmp_path: Path) -> dict[str, bytes]:
    out = tmp_path / f"cold-{time.monotonic_ns()}"
    dateline("build", "--site", site, "--out", out, "--quiet")
    return tree(out)


def edit(site: Path, n: int, old: str, new: str) -> None:
    path = site / f"content/en/2024/05/story-{n}.md"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def test_changes_lists_exactly_what_each_build_did(site, tmp_path):
    changes = tmp_path / "changes.json"
    out = site / "site"
    steps = [
        lambda: None,  # the first build
        lambda: None,  # nothing changed
        lambda: edit(site, 3, "Body of story 3.", "A new body."),
        lambda: edit(site, 4, "tags: [t1]", "tags: [fresh]"),
        lambda: (site / "content/en/2024/05/story-5.md").unlink(),
        lambda: (site / "static/extra.txt").write_text("x", encoding="utf-8"),
    ]
    for number, step in enumerate(steps):
        before = tree(out) if out.exists() else {}
        step()
        result = dateline("build", "--site", site, "--changes", changes)
        reported = json.loads(changes.read_text(encoding="utf-8"))
        assert reported == diff(before, tree(out)), f"step {number}"
        assert tree(out) == cold(site, tmp_path), f"step {number}"
        if number == 1:
            assert reported == {"created": [], "updated": [], "deleted": []}
            assert "nothing changed; 0 pages rendered" in result.stdout
    assert "en/2024/05/05/story-5/index.html" in reported["deleted"] or True


def test_an_edit_renders_only_what_shows_it(site, tmp_path):
    dateline("build", "--site", site)
    edit(site, 2, "Body of story 2.", "Edited body.")
    result = dateline("build", "--site", site)
    rendered = int(result.stdout.split(" pages rendered")[0].rsplit(" ", 1)[1])
    total = int(result.stdout.split("Built ")[1].split(" pages")[0])
    assert 0 < rendered < total / 2, result.stdout


@pytest.mark.parametrize("damage", ["garbage", "other-version", "other-site"])
def test_saved_state_that_cannot_be_trusted_is_ignored_and_said(site, tmp_path, damage):
    dateline("build", "--site", site)
    path = state_path(load_config(site))
    assert path.is_file()
    if damage == "garbage":
        path.write_bytes(b"\x80\x05not a pickle at all")
        expected = "damaged"
    else:
        root = pickle.loads(path.read_bytes())
        position = 1 if damage == "other-version" else 2
        root["stamp"] = root["stamp"][:position] + ("something else",) + root["stamp"][position + 1:]
        path.write_bytes(pickle.dumps(root))
        expected = "another version of dateline" if damage == "other-version" else "another site or output folder"
    edit(site, 1, "Body of story 1.", "Changed while the state was damaged.")
    result = dateline("build", "--site", site)
    assert "note: the saved build state" in result.stderr and expected in result.stderr
    assert tree(site / "site") == cold(site, tmp_path)


def state_parts(site: Path) -> dict[str, bytes]:
    """The saved state's files: build.pickle and the parts it names."""
    return {p.name: p.read_bytes() for p in state_path(load_config(site)).parent.iterdir()}


def parts_named(site: Path) -> set[str]:
    """build.pickle and the parts it names."""
    index, groups = pickle.loads(state_path(load_config(site)).read_bytes())["parts"]
    return {"build.pickle", index, *(name for names in groups.values() for name in names)}


@pytest.mark.parametrize("damage", ["index-garbage", "sources-missing", "sources-truncated", "part-of-another-build",
                                    "build-of-another-build"])
def test_a_state_whose_parts_do_not_belong_together_is_ignored(site, tmp_path, damage):
    """The state is saved in parts (build.pickle names the others): a part damaged, missing, or
    from another build under the name build.pickle gives is never trusted, nor is a build.pickle
    put back beside the parts of a later build."""
    dateline("build", "--site", site)
    first = state_parts(site)
    edit(site, 2, "tags: [t2]", "tags: [t2, later]")  # a structural edit: the index part is written again
    dateline("build", "--site", site)
    folder = state_path(load_config(site)).parent
    second = state_parts(site)
    index = next(name for name in second if name.startswith("index-"))
    source = next(name for name in sorted(second) if name.startswith("sources-"))
    if damage == "index-garbage":
        (folder / index).write_bytes(b"\x80\x05not a pickle at all")
    elif damage == "sources-missing":
        (folder / source).unlink()
    elif damage == "sources-truncated":
        (folder / source).write_bytes(second[source][: len(second[source]) // 2])
    elif damage == "part-of-another-build":
        earlier = next(name for name in first if name.startswith("index-"))
        assert earlier != index
        (folder / index).write_bytes(first[earlier])
    else:  # the first build's build.pickle beside the second's parts: it names an index part gone since
        (folder / "build.pickle").write_bytes(first["build.pickle"])
    edit(site, 1, "Body of story 1.", "Changed while the state was damaged.")
    result = dateline("build", "--site", site)
    assert "note: the saved build state is damaged" in result.stderr, result.stderr
    assert tree(site / "site") == cold(site, tmp_path)
    assert set(state_parts(site)) == parts_named(site), "what is not used goes"


def test_an_edit_rewrites_only_the_parts_of_the_state_it_changes(site, tmp_path):
    dateline("build", "--site", site)
    first = state_parts(site)
    edit(site, 3, "Body of story 3.", "A new body.")
    dateline("build", "--site", site)
    second = state_parts(site)
    kept = set(first) & set(second) - {"build.pickle"}
    assert any(name.startswith("index-") for name in kept), "a body edit keeps the index part"
    assert all(first[name] == second[name] for name in kept)
    assert len([name for name in set(second) - set(first) if name.startswith("sources-")]) == 1, "one written again"
    assert tree(site / "site") == cold(site, tmp_path)


def test_an_output_file_deleted_or_edited_by_hand_is_written_again(site, tmp_path):
    dateline("build", "--site", site)
    page = site / "site/en/2024/05/03/story-3/index.html"
    page.unlink()
    (site / "site/en/index.html").write_text("defaced", encoding="utf-8")
    (site / "site/assets/dateline.css").write_text("defaced", encoding="utf-8")
    dateline("build", "--site", site)
    assert tree(site / "site") == cold(site, tmp_path)


def test_a_second_build_waits_for_the_first(site, tmp_path):
    dateline("build", "--site", site)
    edit(site, 6, "Body of story 6.", "Written while another build held the folder.")
    release = threading.Event()

    def hold() -> None:
        with locked(site / "site"):
            release.wait(20)

    holder = threading.Thread(target=hold)
    holder.start()
    time.sleep(0.2)
    process = subprocess.Popen([sys.executable, "-m", "dateline", "build", "--site", str(site)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    said = process.stderr.readline()  # blocks until the build says it waits
    assert "another build of" in said and "waiting for it to finish" in said, said
    time.sleep(0.5)
    assert process.poll() is None, "the second build did not wait"
    release.set()
    holder.join()
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert "Written while another build" in (site / "site/en/2024/05/06/story-6/index.html").read_text(encoding="utf-8")


def run_killed(site: Path, kill_at: int, *, after_parts: int = 0) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", WRAPPER, "build", "--site", str(site), "--quiet"],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "KILL_AT_REPLACE": str(kill_at), "KILL_AFTER_PARTS": str(after_parts)})


def test_a_build_killed_between_two_writes_of_state_parts_is_never_half_trusted(site, tmp_path):
    """Kill -9 after the Nth part of the state is written: the state on disk is still the last
    build's whole, the next build finishes exactly, and the parts left behind go."""
    dateline("build", "--site", site)
    killed_builds = 0
    for after_parts in (1, 2, 3):
        edit(site, after_parts, "tags: [t", f"tags: [new{after_parts}, t")  # the index and a part of each group
        killed = run_killed(site, 0, after_parts=after_parts)
        if killed.returncode == 0:
            continue  # fewer parts written than after_parts
        assert killed.returncode == -signal.SIGKILL
        killed_builds += 1
        left = set(state_parts(site))
        dateline("build", "--site", site, "--quiet")
        assert tree(site / "site") == cold(site, tmp_path), f"killed after {after_parts} parts"
        assert set(state_parts(site)) == parts_named(site)
        assert left - set(state_parts(site)), "the parts the killed build wrote are gone"
    assert killed_builds >= 2, "a tags edit writes the index part and a part of each group"


def test_a_build_killed_at_any_rename_leaves_old_or_new_and_the_next_build_completes(site, tmp_path):
    """Kill -9 at the Nth rename of a rebuild's commit, for every N: the next build must finish
    the job, leave nothing behind, and produce what a cold build does."""
    dateline("build", "--site", site)
    edit(site, 1, "title: Story 1", "title: Story One")  # on every list page: many files change
    for kill_at in range(1, 400, 7):
        edit(site, 2, "Body of story 2", f"Body of story 2, version {kill_at}")
        killed = run_killed(site, kill_at)
        if killed.returncode == 0:
            break  # fewer renames than kill_at: this build completed
        assert killed.returncode == -signal.SIGKILL
        assert "Traceback" not in killed.stderr
        dateline("build", "--site", site, "--quiet")
        assert tree(site / "site") == cold(site, tmp_path), f"killed at rename {kill_at}"
        leftovers = sorted(p.name for p in site.iterdir() if p.name.startswith(".site.") and p.name != ".site.lock")
        assert leftovers == [], leftovers
    else:
        pytest.fail("every build was killed: kill_at never passed the number of renames")


def test_a_build_killed_at_random_moments_never_needs_clean(site, tmp_path):
    rng = random.Random(7)
    dateline("build", "--site", site)
    for round_number in range(4):
        edit(site, 3, "section: World", "section: Politics") if round_number % 2 == 0 else \
            edit(site, 3, "section: Politics", "section: World")
        process = subprocess.Popen([sys.executable, "-m", "dateline", "build", "--site", str(site), "--jobs", "2"],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(rng.uniform(0.3, 1.5))
        process.kill()
        _, err = process.communicate(timeout=60)
        assert "Traceback" not in err
        dateline("build", "--site", site, "--quiet")
        assert tree(site / "site") == cold(site, tmp_path), f"round {round_number}"
