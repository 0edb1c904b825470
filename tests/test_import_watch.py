"""`dateline import --watch INBOX`, run as the real command in a subprocess, with files dropped into INBOX."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from test_import_support import content_files, import_site
from test_import_wire_support import ninjs3

ENV = {**os.environ, "DATELINE_INBOX_SETTLE": "0.3", "DATELINE_INBOX_SCAN": "0.5", "PYTHONUNBUFFERED": "1"}
PATIENCE = 60  # seconds: a starved CI machine is slow, but a file that never arrives is a failure


class Watcher:
    def __init__(self, site: Path, inbox: Path, *args: str):
        self.log = inbox.parent / "watch.log"
        self.handle = open(self.log, "w", encoding="utf-8")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "dateline", "import", "--site", str(site), "--watch", str(inbox), *args],
            stdout=self.handle, stderr=subprocess.STDOUT, env=ENV,
        )
        self.wait_for(lambda: "watching" in self.output(), "the watcher to start")

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8")

    def wait_for(self, condition, what: str) -> None:
        deadline = time.monotonic() + PATIENCE
        while not condition():
            assert self.process.poll() is None, f"the watcher stopped while waiting for {what}:\n{self.output()}"
            assert time.monotonic() < deadline, f"gave up waiting for {what}:\n{self.output()}"
            time.sleep(0.05)

    def stop(self, sig=signal.SIGTERM) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            return self.process.wait(timeout=PATIENCE)
        finally:
            self.handle.close()


def item(number: int) -> dict:
    return ninjs3(uri=f"urn:x:{number}", headlines=[{"role": "main", "value": f"Story number {number}"}])


def drop(inbox: Path, name: str, data: str | bytes) -> Path:
    """Write the file the way a careful sender does: under a temporary name, then a rename."""
    temporary = inbox / f".{name}.part"
    temporary.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    target = inbox / name
    os.replace(temporary, target)
    return target


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []


def test_files_dropped_into_the_inbox_are_imported_and_filed(make_site, tmp_path):
    site = import_site(make_site)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    drop(inbox, "early.json", json.dumps(item(0)))  # waiting before the watcher starts
    watcher = Watcher(site, inbox)
    try:
        drop(inbox, "one.json", json.dumps(item(1)))
        drop(inbox, "broken.json", '{"uri": "urn:x:broken",\n "headline": }')
        drop(inbox, "again.json", json.dumps(item(1)))  # a duplicate of one.json
        (inbox / ".hidden.json").write_text(json.dumps(item(9)), encoding="utf-8")
        (inbox / "upload.json.tmp").write_text(json.dumps(item(8)), encoding="utf-8")
        watcher.wait_for(lambda: len(files_in(inbox / "done")) == 3 and len(files_in(inbox / "failed")) == 2,
                         "four files filed away")
    finally:
        assert watcher.stop() == 0
    assert files_in(inbox / "done") == ["again.json", "early.json", "one.json"]
    assert files_in(inbox / "failed") == ["broken.json", "broken.json.error"]
    assert (inbox / "failed/broken.json.error").read_text(encoding="utf-8").startswith(
        "broken.json:2: invalid JSON: Expecting value")
    assert files_in(inbox) == [".hidden.json", "upload.json.tmp"]  # left alone
    assert sorted(content_files(site)) == ["content/en/2024/05/story-number-0.md", "content/en/2024/05/story-number-1.md"]
    output = watcher.output()
    assert "this version is already in content/en/2024/05/story-number-1.md" in output
    assert "stopped: 3 files done, 1 failed" in output
    assert "Traceback" not in output


def test_a_file_written_slowly_is_taken_only_once_complete(make_site, tmp_path):
    site = import_site(make_site)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    watcher = Watcher(site, inbox)
    try:
        text = json.dumps(item(5))
        path = inbox / "slow.json"
        with open(path, "w", encoding="utf-8") as out:  # an FTP upload: the final name, written in pieces
            for start in range(0, len(text), 40):
                out.write(text[start:start + 40])
                out.flush()
                time.sleep(0.05)
        watcher.wait_for(lambda: files_in(inbox / "done") == ["slow.json"], "the slow file")
    finally:
        assert watcher.stop() == 0
    assert files_in(inbox / "failed") == []
    assert list(content_files(site)) == ["content/en/2024/05/story-number-5.md"]


def test_a_burst_of_files_then_a_stop_loses_none(make_site, tmp_path):
    site = import_site(make_site)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    watcher = Watcher(site, inbox)
    count = 200
    try:
        for number in range(count):
            drop(inbox, f"item-{number:03}.json", json.dumps(item(number)))
        watcher.wait_for(lambda: len(files_in(inbox / "done")) >= count // 2, "half the burst")
    finally:
        assert watcher.stop(signal.SIGINT) == 0  # Ctrl-C in the middle of the burst
    done, waiting = files_in(inbox / "done"), [n for n in files_in(inbox) if n.endswith(".json")]
    assert files_in(inbox / "failed") == []
    assert sorted(done + waiting) == [f"item-{n:03}.json" for n in range(count)]  # each file is in one place
    imported = {p for p in content_files(site)}
    assert imported == {f"content/en/2024/05/story-number-{int(n[5:8])}.md" for n in done}
    # The next run takes the rest.
    watcher = Watcher(site, inbox)
    try:
        watcher.wait_for(lambda: len(files_in(inbox / "done")) == count, "the rest of the burst")
    finally:
        assert watcher.stop() == 0
    assert len(content_files(site)) == count


def test_watch_usage_errors(make_site, run_cli, tmp_path):
    site = import_site(make_site)
    result = run_cli("import", "--site", site, "--watch", tmp_path / "missing")
    assert result.exit_code == 2 and "is not a folder" in result.stderr
    result = run_cli("import", "--site", site, "--watch", tmp_path, "file.json")
    assert result.exit_code == 2 and "--watch takes no RAW files" in result.stderr


# ---- filing away, without a process -------------------------------------------------------


def test_filing_away_duplicates_conflicts_and_names_taken(tmp_path):
    from dateline.importer.watch import Inbox, is_candidate
    from dateline.importer.writer import Outcome

    inbox = Inbox(tmp_path)
    for name in ("a.json", "b.txt", "c.json"):
        (tmp_path / name).write_text(name, encoding="utf-8")
    duplicate = Outcome(tmp_path / "a.json", "skipped", "this version is already in content/x.md")
    assert inbox.file_away(tmp_path / "a.json", [duplicate]) == tmp_path / "done/a.json"
    conflict = Outcome(tmp_path / "b.txt", "skipped", "content/en/x.md already exists and holds another article",
                       conflict=True)
    assert inbox.file_away(tmp_path / "b.txt", [conflict]) == tmp_path / "failed/b.txt"
    assert (tmp_path / "failed/b.txt.error").read_text(encoding="utf-8") == \
        "b.txt: content/en/x.md already exists and holds another article\n"
    (tmp_path / "a.json").write_text("again", encoding="utf-8")  # the same name arrives again
    assert inbox.file_away(tmp_path / "a.json", [duplicate]) == tmp_path / "done/a-2.json"
    assert (tmp_path / "done/a.json").read_text(encoding="utf-8") == "a.json"  # nothing overwritten
    assert inbox.file_away(tmp_path / "c.json", []) == tmp_path / "failed/c.json"
    assert "nothing in the file could be imported" in (tmp_path / "failed/c.json.error").read_text(encoding="utf-8")
    for name, taken in [("x.json", True), (".x.json", False), ("x.json.part", False), ("x.tmp", False),
                        ("x.json~", False), ("x.crdownload", False), ("x.error", False)]:
        assert is_candidate(Path(name)) is taken, name
