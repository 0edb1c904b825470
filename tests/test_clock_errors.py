"""Bad input to the clock's front matter keys (issue 9): each build fails naming the file and the
line of the key, says what is wrong, and leaves the built site/ exactly as it was."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import build, cli, parse_errors, tree_digest

GOOD = "---\ntitle: Good story\nposted: 2024-05-03 07:55\n---\n\nBody.\n"
BAD = "content/en/2024/05/bad.md"


@pytest.fixture
def site(make_site) -> Path:
    folder = make_site({"en/2024/05/good.md": GOOD})
    build(folder)
    return folder


def fails_with(site: Path, front_matter: str, line: int, message: str) -> None:
    """Write BAD with this front matter (its first key on line 2), build, expect exactly one error."""
    (site / BAD).write_text(f"---\n{front_matter}---\n\nBody.\n", encoding="utf-8")
    before = tree_digest(site / "site")
    result = cli("build", "--site", site, "--now", "2024-05-04T09:00")
    assert result.exit_code == 1, str(result)
    assert parse_errors(result.stderr) == [(BAD, line, message)], result.stderr
    assert tree_digest(site / "site") == before, "a failed build changed site/"


POSTED = "title: Bad\nposted: 2024-05-03 09:00\n"


@pytest.mark.parametrize(("front_matter", "line", "message"), [
    (POSTED + "expires: 2024-05-03 08:00\n", 4,
     "'expires' (2024-05-03T08:00:00+09:00) is not later than 'posted' (2024-05-03T09:00:00+09:00)"),
    (POSTED + "expires: next week\n", 4,
     "'expires' is not a date and time: 'next week' (write e.g. 2024-05-03T07:55:00+09:00 or 2024-05-03 07:55)"),
    (POSTED + "corrections:\n  - text: The name was wrong.\n", 4,
     "correction #1 has no at: write {at: 2024-05-04 10:00, text: What was wrong.}"),
    (POSTED + "corrections:\n  - {at: 2024-05-03 10:00}\n", 4,
     "correction #1 has no text: write {at: 2024-05-04 10:00, text: What was wrong.}"),
    (POSTED + "corrections:\n  - {at: 2024-05-03 10:00, text: Fine.}\n  - {}\n", 4,
     "correction #2 has no at and no text: write {at: 2024-05-04 10:00, text: What was wrong.}"),
    (POSTED + "corrections:\n  - {at: 2024-05-02 10:00, text: Too early.}\n", 4,
     "correction #1 is dated 2024-05-02T10:00:00+09:00, before 'posted' (2024-05-03T09:00:00+09:00)"),
    (POSTED + "corrections:\n  - {at: soon, text: Fixed.}\n", 4,
     "the 'at' of correction #1 is not a date and time: 'soon' (write e.g. 2024-05-03T07:55:00+09:00 or 2024-05-03 07:55)"),
    (POSTED + "corrections: Fixed the name.\n", 4, "'corrections' must be a list of {at: time, text: what was corrected}"),
    (POSTED + "aliases: [/en/2024/05/03/good/]\n", 4,
     "alias /en/2024/05/03/good/ is the URL of another article: content/en/2024/05/good.md"),
    (POSTED + "aliases: [/en/2024/05/03/bad/]\n", 4, "alias /en/2024/05/03/bad/ is this article's own URL"),
    (POSTED + "aliases: ['https://elsewhere.example.org/en/2024/05/01/old/']\n", 4,
     "alias 'https://elsewhere.example.org/en/2024/05/01/old/' is outside the site: write a path on this site "
     "such as /en/2024/05/02/old-slug/"),
    (POSTED + "aliases: [../../etc/]\n", 4,
     "alias '../../etc/' is outside the site: write a path on this site such as /en/2024/05/02/old-slug/"),
    (POSTED + "aliases: [/en/../../etc/]\n", 4,
     "alias '/en/../../etc/' is outside the site: write a path on this site such as /en/2024/05/02/old-slug/"),
    (POSTED + "aliases: [/en/]\n", 4, "two pages on one URL /en/: home and redirect"),
    (POSTED + "withdrawn: [legal, request]\n", 4, "'withdrawn' must be a reason or {at: time, reason: ...}, not a list"),
    (POSTED + "withdrawn: true\n", 4, "'withdrawn' must be a reason or {at: time, reason: ...}, not true/false"),
    (POSTED + "withdrawn: {at: 2024-05-02 09:00, reason: Legal}\n", 4,
     "'withdrawn.at' (2024-05-02T09:00:00+09:00) is earlier than 'posted' (2024-05-03T09:00:00+09:00)"),
    (POSTED + "withdrawn: {reason: Legal, why: court}\n", 4, "'withdrawn' has unknown keys: why (only 'at' and 'reason')"),
    (POSTED + "kind: obituary\n", 4,
     "unknown 'kind: obituary'; use one of: news, analysis, opinion, editorial, review, interview"),
], ids=["expires-before-posted", "expires-not-a-time", "correction-without-at", "correction-without-text",
        "correction-empty", "correction-before-posted", "correction-at-not-a-time", "corrections-not-a-list",
        "alias-another-articles-url", "alias-own-url", "alias-other-host", "alias-relative", "alias-dot-dot",
        "alias-on-a-list-page", "withdrawn-list", "withdrawn-true", "withdrawn-before-posted",
        "withdrawn-unknown-key", "unknown-kind"])
def test_bad_clock_keys_name_file_and_line(site, front_matter, line, message):
    fails_with(site, front_matter, line, message)


def test_two_articles_claiming_one_alias(site):
    """Reported on the file that sorts later, naming the other."""
    for name in ("bad", "zzz"):
        (site / f"content/en/2024/05/{name}.md").write_text(f"---\n{POSTED}aliases: [/en/old/]\n---\n\nBody.\n",
                                                             encoding="utf-8")
    before = tree_digest(site / "site")
    result = cli("build", "--site", site)
    assert result.exit_code == 1, str(result)
    assert parse_errors(result.stderr) == [
        ("content/en/2024/05/zzz.md", 4, "alias /en/old/ is also an alias of content/en/2024/05/bad.md")]
    assert tree_digest(site / "site") == before


def test_a_scheduled_article_is_checked_before_its_minute(site):
    """A clash is reported now, not by the cron build at the minute the story goes live."""
    fails_with(site, "title: Later\nposted: 2024-06-01 09:00\naliases: [/en/2024/05/03/good/]\n", 4,
               "alias /en/2024/05/03/good/ is the URL of another article: content/en/2024/05/good.md")


def test_wire_id_is_kept(site):
    (site / BAD).write_text(f"---\n{POSTED}wire_id: urn:newsml:yna.co.kr:20240503:1\n---\n\nBody.\n", encoding="utf-8")
    from dateline.build import load_site
    from dateline.config import load_config

    index = load_site(load_config(site))
    assert index.articles[BAD].wire_id == "urn:newsml:yna.co.kr:20240503:1"
    assert "wire_id" not in index.articles[BAD].extra
