"""The news desk's clock: what an article is at a given time, and when that next changes.

Everything here is a pure function of the articles and a time (the build's `now`): the index
(index.build_index) asks it which articles are live, scheduled or taken down, and commands ask
it what is coming. A time is always aware; one typed without an offset is in the site's timezone.
"""

from __future__ import annotations

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


def parse_now(text: str, config: Config) -> dt.datetime:
    """--now: ISO 8601; without an offset, in the site's timezone. A usage error when malformed."""
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"--now must be a date and time in ISO 8601 (e.g. 2024-05-04T09:00 or "
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


def clock_moves(articles: Iterable[Article], before: dt.datetime, after: dt.datetime) -> bool:
    """Whether anything the index computes from the clock differs between the two times: an
    article published, expired or withdrawn, or one leaving the news sitemap's window.

    Each of those is a step at an instant t (the state is "after" from t on), so it differs
    exactly when some t lies in (earlier, later]."""
    low, high = min(before, after), max(before, after)
    if low == high:
        return False
    for article in articles:
        instants = [article.posted, article.posted + NEWS_WINDOW, article.expires]
        if article.withdrawn:
            instants.append(article.withdrawn.at)
        if any(t is not None and low < t <= high for t in instants):
            return True
    return False


def in_news_window(article: Article, now: dt.datetime) -> bool:
    return now - NEWS_WINDOW < article.posted <= now
