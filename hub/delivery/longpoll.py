"""Long-polling the inbox: wait, outside any request transaction, until a recipient has
something to read (or the wait ends). Short read transactions, a fifth of a second apart, so
the worker is never held up by a waiting reader."""

import time
from collections.abc import Callable

from sqlmodel import col, select

from hub.context import HubContext
from hub.delivery.models import Notification

POLL_SECONDS = 0.2
MAX_WAIT_SECONDS = 30


def _has_news(context: HubContext, recipient: str, cursor: int, everything: bool) -> bool:
    with context.transaction() as session:
        query = select(Notification.seq).where(
            Notification.recipient == recipient, col(Notification.seq) > cursor
        )
        if not everything:
            query = query.where(col(Notification.acknowledged_at).is_(None))
        return session.exec(query.limit(1)).first() is not None


def wait_for_news(
    context: HubContext,
    recipient: str,
    cursor: int,
    *,
    include_acknowledged: bool,
    seconds: float,
    sleep: Callable[[float], None] = time.sleep,
) -> bool:
    """True as soon as the inbox holds a notification after ``cursor``; False at the end."""
    longest = min(seconds, MAX_WAIT_SECONDS, context.settings.long_poll_max_seconds)
    deadline = time.monotonic() + longest
    while not _has_news(context, recipient, cursor, include_acknowledged):
        if time.monotonic() >= deadline:
            return False
        sleep(POLL_SECONDS)
    return True
