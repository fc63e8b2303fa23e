"""Facts are applied in the order they happened, not the order they arrive (pure).

An episode's facts carry their time: it started (``started_at``, or its ``start`` date) and
perhaps ended (``ended_at`` / ``end``: found). An update is *older* than what the hub holds when
its latest fact is earlier than the stored one's, or at the same instant says less (still
missing where the hub already has it found). An older update is ignored, and audited
(``records.stale``): a replayed or delayed "missing" never re-opens an episode already found,
and a late "found" never overwrites a later one. An update at the same time (a correction of the
match keys, say) or later is applied; a "missing" dated after the stored "found" is a new fact
and re-opens the episode. A date without a time counts as midnight UTC.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time


@dataclass(frozen=True, slots=True)
class Times:
    start: date
    end: date | None
    started_at: datetime | None
    ended_at: datetime | None


def _instant(day: date, at: datetime | None) -> datetime:
    if at is None:
        return datetime.combine(day, time(), tzinfo=UTC)
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def latest_fact(times: Times) -> tuple[datetime, bool]:
    """When the episode's latest fact happened, and whether that fact is "found"."""
    if times.end is not None:
        return _instant(times.end, times.ended_at), True
    return _instant(times.start, times.started_at), False


def is_older(incoming: Times, stored: Times) -> bool:
    """True when ``incoming`` must not replace ``stored``."""
    return latest_fact(incoming) < latest_fact(stored)
