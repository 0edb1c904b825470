"""The news desk's clock: what an article is at a given time, and when that next changes.

Everything here is a pure function of the articles and a time (the build's `now`): the index
(index.build_index) asks it which articles are live, scheduled or taken down, and commands ask
it what is coming. A time is always aware; one typed without an offset is in the site's timezone.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from dateline.config import Config
from dateline.content import Article
from dateline.errors import UsageError

# The Google News sitemap holds the articles posted within this long before the build's clock.
NEWS_WINDOW = dt.timedelta(hours=48)
NEWS_LIMIT = 1000


@dataclass(frozen=True)
class Takedown:
    """Why a published article's URL now serves a notice instead of its text."""

    reason: str  # as the editor wrote it; "" when none was given
    at: dt.datetime | None
    expired: bool  # taken down by `expires`, not by `withdrawn`


@dataclass(frozen=True)
class ClockChange:
    """One thing the clock will change: an article published, expired or withdrawn at `at`."""

    at: dt.datetime
    change: str  # "publish", "expire" or "withdraw"
    article: Article


def current_time(config: Config) -> dt.datetime:
    return dt.datetime.now(config.tz)


def parse_now(text: str, config: Config, option: str = "--now") -> dt.datetime:
    """A time on the command line: ISO 8601; without an offset, in the site's timezone. A usage
    error naming the option when malformed."""
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"{option} must be a date and time in ISO 8601 (e.g. 2024-05-04T09:00 or "
                         f"2024-05-04T09:00:00+09:00), got {text!r}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=config.tz)
    return moment.astimezone(config.tz)


def is_scheduled(article: Article, now: dt.datetime) -> bool:
    return article.posted > now


def takedown(article: Article, now: dt.datetime) -> Takedown | None:
    """The withdrawal or expiry in effect at `now`, the earlier of the two if both are."""
    found = []
    withdrawn = article.withdrawn
    if withdrawn and (withdrawn.at is None or withdrawn.at <= now):
        found.append(Takedown(withdrawn.reason, withdrawn.at, expired=False))
    if article.expires and article.expires <= now:
        found.append(Takedown("", article.expires, expired=True))
    if not found:
        return None
    return min(found, key=lambda t: (t.at is not None, t.at or now))


def coming_changes(articles: Iterable[Article], now: dt.datetime) -> list[ClockChange]:
    """What the clock changes after `now`, soonest first (ties by file): publications, expiries
    and withdrawals dated in the future. An article already taken down has nothing coming."""
    changes = []
    for article in articles:
        if takedown(article, now) is not None and not is_scheduled(article, now):
            continue
        if is_scheduled(article, now):
            changes.append(ClockChange(article.posted, "publish", article))
        ends = [(article.expires, "expire")] if article.expires else []
        if article.withdrawn and article.withdrawn.at:
            ends.append((article.withdrawn.at, "withdraw"))
        if ends:
            at, change = min(ends, key=lambda e: e[0])
            if at > now:
                changes.append(ClockChange(at, change, article))
    return sorted(changes, key=lambda c: (c.at, c.article.source, c.change))


def next_change(articles: Iterable[Article], now: dt.datetime) -> dt.datetime | None:
    changes = coming_changes(articles, now)
    return changes[0].at if changes else None


def article_instants(article: Article) -> list[float]:
    """The instants (timestamps) at which an article changes the index by itself: published,
    leaving the news sitemap's window, expired, withdrawn."""
    posted = article.posted.timestamp()
    instants = [posted, posted + NEWS_WINDOW.total_seconds()]
    if article.expires:
        instants.append(article.expires.timestamp())
    if article.withdrawn and article.withdrawn.at:
        instants.append(article.withdrawn.at.timestamp())
    return instants


def clock_instants(articles: Iterable[Article]) -> tuple[float, ...]:
    """Every article's instants (article_instants), sorted, one entry per article that has it, so
    that an edit patches them (patched_instants). Each is a step: from that instant on, the state
    is the later one."""
    return tuple(sorted(instant for article in articles for instant in article_instants(article)))


def patched_instants(instants: tuple[float, ...], removed: Iterable[Article], added: Iterable[Article]) -> tuple[float, ...]:
    """clock_instants of a set of articles with `removed` taken out and `added` put in."""
    out = list(instants)
    for article in removed:
        for instant in article_instants(article):
            del out[bisect.bisect_left(out, instant)]
    for article in added:
        for instant in article_instants(article):
            bisect.insort(out, instant)
    return tuple(out)


def clock_moves(instants: tuple[float, ...], before: dt.datetime, after: dt.datetime) -> bool:
    """Whether the index at `after` may differ from the one at `before` (clock_instants): exactly
    when some instant lies in (earlier, later]."""
    low, high = sorted((before.timestamp(), after.timestamp()))
    return bisect.bisect_right(instants, low) < bisect.bisect_right(instants, high)


def news_window(now: dt.datetime) -> tuple[float, float]:
    """(low, high): an article is in the news sitemap's window at `now` when its `posted`
    timestamp t has low < t <= high, NEWS_WINDOW in elapsed time (aware datetimes of one timezone
    compare and add as wall-clock times, which a daylight-saving change would put an hour off)."""
    clock = now.timestamp()
    return clock - NEWS_WINDOW.total_seconds(), clock

