"""The dev server and the clock (issue 9): with the server's clock a scheduled story goes live at
its minute without any edit; with --now the clock stays frozen. The clock is a stand-in that the
test moves, so nothing here waits for real time to pass."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from serve_support import WAIT, LiveServer, make_site

from dateline.serve.devsite import Settings
from dateline.serve.server import DevServer

KST = dt.timezone(dt.timedelta(hours=9))
SCHEDULED = "---\ntitle: Morning briefing\nposted: 2024-05-04 09:00\n---\n\nThe day ahead.\n"
PATH = "/en/2024/05/04/briefing/"


class FakeClock:
    def __init__(self, now: dt.datetime):
        self.now = now

    def __call__(self, config) -> dt.datetime:
        return self.now


@pytest.fixture
def fake_clock(monkeypatch) -> FakeClock:
    clock = FakeClock(dt.datetime(2024, 5, 4, 8, 59, tzinfo=KST))
    monkeypatch.setattr("dateline.build.engine.current_time", clock)
    return clock


@pytest.fixture
def site(tmp_path):
    root = make_site(tmp_path / "paper")
    (root / "content/en/2024/05/briefing.md").write_text(SCHEDULED, encoding="utf-8")
    return root


def test_a_scheduled_story_goes_live_when_the_servers_clock_reaches_it(site, fake_clock):
    with LiveServer(site) as live:
        assert live.built
        assert live.get(PATH).status == 404
        assert b"Morning briefing" not in live.get("/en/").body
        fake_clock.now = dt.datetime(2024, 5, 4, 9, 0, tzinfo=KST)
        deadline = time.monotonic() + WAIT
        while live.get(PATH).status != 200 and time.monotonic() < deadline:
            time.sleep(0.05)
        response = live.get(PATH)
        assert response.status == 200
        assert b"Morning briefing" in response.body and b"Morning briefing" in live.get("/en/").body


def test_with_now_the_dev_servers_clock_is_frozen(site, fake_clock):
    settings = Settings(site, None, False, None, "", 1, dt.datetime(2024, 5, 4, 8, 0, tzinfo=KST))
    server = DevServer(settings, "127.0.0.1", 0, watch=False)
    try:
        assert server.start()
        out = server.app.served().out_dir
        assert not (out / PATH.strip("/") / "index.html").exists()
        fake_clock.now = dt.datetime(2024, 5, 5, tzinfo=KST)
        assert server.app.clock_due() is None
        assert server.app.site.state.index.next_change == dt.datetime(2024, 5, 4, 9, 0, tzinfo=KST)
    finally:
        server.stop()
    later = Settings(site, None, False, None, "", 1, dt.datetime(2024, 5, 4, 9, 0, tzinfo=KST))
    server = DevServer(later, "127.0.0.1", 0, watch=False)
    try:
        assert server.start()
        assert (server.app.served().out_dir / PATH.strip("/") / "index.html").is_file()
    finally:
        server.stop()
