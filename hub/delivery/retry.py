"""When to try a webhook again: pure decisions over plain values (no clock, no randomness of
its own; the caller passes both).

The Standard Webhooks schedule (immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h,
24 h: about 75 hours, three days) with jitter: each wait is drawn between 80 % and 120 % of the
schedule's, so endpoints that failed together do not all retry together. After the last wait
the delivery is dead (visible to the recipient and the operator, redelivered by hand).
"""

from collections.abc import Callable
from datetime import timedelta

SCHEDULE = tuple(
    timedelta(seconds=s)
    for s in (5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 14 * 3600, 20 * 3600, 24 * 3600)
)
JITTER = 0.2
GONE = 410  # the receiver says the endpoint is gone: dead at once, endpoint disabled


def next_delay(attempts: int, status: int | None, random: Callable[[], float]) -> timedelta | None:
    """The wait before attempt ``attempts + 1`` after a failed attempt ``attempts`` (1-based),
    or None: give up (dead letter). ``random()`` is uniform in [0, 1)."""
    if status == GONE or attempts > len(SCHEDULE):
        return None
    base = SCHEDULE[attempts - 1]
    return base * (1 - JITTER + 2 * JITTER * random())


def succeeded(status: int | None) -> bool:
    """Only a 2xx answer delivers; a redirect is a failure (redirects are never followed)."""
    return status is not None and 200 <= status < 300


def total_schedule() -> timedelta:
    return sum(SCHEDULE, timedelta())
